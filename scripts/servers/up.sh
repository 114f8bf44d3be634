#!/usr/bin/env bash
# Install (if needed) and start the real S3 servers for tests, then write
# <repo>/.servers/env.json describing every server that is up.
#   up.sh [ceph] [minio] [minio-features]     (default: all three)
# minio-features: a TLS MinIO with a static KMS key and a webhook target, plus a second
# MinIO registered as its replication target (see minio-features.sh).
# A server that is already up (pid file alive, health check ok) is left running.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/../.." && pwd))
SRV=$ROOT/.servers
ENV_JSON=$SRV/env.json
MINIO_BIN=${MINIO_BIN:-${STOWAGE_CACHE:-$HOME/.cache/stowage}/bin/minio}

[ $# -eq 0 ] && set -- ceph minio minio-features
for a in "$@"; do
  case $a in ceph|minio|minio-features) ;; *) echo "usage: $0 [ceph] [minio] [minio-features]" >&2; exit 2 ;; esac
done

mkdir -p "$SRV"
# one up/down at a time (parallel test runners may all call up.sh)
exec 8>"$SRV/.lock"
flock 8

# 8>&-: the servers must not inherit the lock's fd (a daemon would hold it forever)
"$HERE/install.sh" "$@" 8>&-
for s in "$@"; do "$HERE/$s.sh" up 8>&-; done

ceph_version() { radosgw --version 2>/dev/null | awk '{print $3; exit}'; }
minio_version() {
  # A `go install` build reports "DEVELOPMENT.GOGET" from --version; the module
  # version recorded in the binary (go version -m) is the precise one.
  local v
  v=$(go version -m "$MINIO_BIN" 2>/dev/null | awk '$1=="mod" && $2=="github.com/minio/minio" {print $3; exit}') || true
  [ -n "$v" ] || v=$("$MINIO_BIN" --version 2>/dev/null | awk 'NR==1 {print $3}')
  echo "${v:-unknown}"
}

export PATH=$PATH:/usr/local/go/bin
CEPH_UP=0 MINIO_UP=0 MINIO_FEATURES_UP=0 CEPH_VERSION= MINIO_VERSION=
if "$HERE/ceph.sh" status 8>&- 2>/dev/null; then CEPH_UP=1 CEPH_VERSION=$(ceph_version); fi
if "$HERE/minio.sh" status 8>&- 2>/dev/null; then MINIO_UP=1 MINIO_VERSION=$(minio_version); fi
if "$HERE/minio-features.sh" status 8>&- 2>/dev/null; then MINIO_FEATURES_UP=1; fi
export CEPH_UP MINIO_UP MINIO_FEATURES_UP CEPH_VERSION MINIO_VERSION SRV
/usr/bin/python3 - "$ENV_JSON" <<'PY'
import json, os, sys
env = {}
if os.environ["CEPH_UP"] == "1":
    env["ceph"] = {
        "endpoint": "http://127.0.0.1:7480", "region": "us-east-1",
        "accessKeyId": "stowage-ceph-access", "secretAccessKey": "stowage-ceph-secret-key",
        "otherAccessKeyId": "stowage-ceph-other", "otherSecretAccessKey": "stowage-ceph-other-secret",
        "server": "ceph-rgw " + os.environ["CEPH_VERSION"],
    }
if os.environ["MINIO_UP"] == "1":
    env["minio"] = {
        "endpoint": "http://127.0.0.1:9000", "region": "us-east-1",
        "accessKeyId": "stowage-minio-access", "secretAccessKey": "stowage-minio-secret-key",
        "server": "minio " + os.environ["MINIO_VERSION"],
    }
if os.environ["MINIO_FEATURES_UP"] == "1":
    # written by minio-features.sh: endpoint, keys, caFile, kmsKeyId, webhook, replication
    with open(os.path.join(os.environ["SRV"], "minio-features.json")) as f:
        env["minio-features"] = json.load(f)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    json.dump(env, f, indent=2)
    f.write("\n")
os.replace(tmp, sys.argv[1])
PY
echo "up.sh: wrote $ENV_JSON ($(/usr/bin/python3 -c 'import json,sys; print(", ".join(json.load(open(sys.argv[1]))) or "no servers")' "$ENV_JSON"))" >&2
