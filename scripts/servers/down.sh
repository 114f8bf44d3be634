#!/usr/bin/env bash
# Stop the test servers that up.sh started (only the processes named by the pid
# files in <repo>/.servers/pids/), wipe their data dirs, update .servers/env.json.
#   down.sh [ceph] [minio] [minio-features]   (default: all three)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/../.." && pwd))
SRV=$ROOT/.servers
ENV_JSON=$SRV/env.json

[ $# -eq 0 ] && set -- ceph minio minio-features
for a in "$@"; do
  case $a in ceph|minio|minio-features) ;; *) echo "usage: $0 [ceph] [minio] [minio-features]" >&2; exit 2 ;; esac
done

mkdir -p "$SRV"
exec 8>"$SRV/.lock"
flock 8

for s in "$@"; do "$HERE/$s.sh" down 8>&-; done

if [ -f "$ENV_JSON" ]; then
  /usr/bin/python3 - "$ENV_JSON" "$@" <<'PY'
import json, os, sys
path, gone = sys.argv[1], sys.argv[2:]
try:
    env = json.load(open(path))
except ValueError:
    env = {}
for s in gone:
    env.pop(s, None)
if env:
    with open(path, "w") as f:
        json.dump(env, f, indent=2); f.write("\n")
else:
    os.remove(path)
PY
fi
echo "down.sh: stopped $*" >&2
