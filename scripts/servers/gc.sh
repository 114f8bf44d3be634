#!/usr/bin/env bash
# Run RGW garbage collection now on our Ceph. memstore keeps objects in RAM and
# frees the space of deleted/overwritten objects only when GC has processed them;
# --include-all skips the usual minimum wait (rgw_gc_obj_min_wait, 2 h).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONF=${CEPH_DIR:-${TMPDIR:-/tmp}/stowage-ceph}/ceph.conf
"$HERE/ceph.sh" status || { echo "gc.sh: our Ceph is not running (scripts/servers/up.sh ceph)" >&2; exit 1; }
exec radosgw-admin -c "$CONF" -n client.admin gc process --include-all "$@"
