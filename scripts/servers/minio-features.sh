#!/usr/bin/env bash
# MinIO with the features the @stowage/minio extensions need, from the binary install.sh builds:
#   - "features": MinIO over TLS on https://127.0.0.1:9443 (console :9444), its certificate
#     signed by a throwaway CA generated here (.servers/tls/ca.crt); a static KMS key
#     (MINIO_KMS_SECRET_KEY: SSE-S3 / bucket encryption, SSE-KMS with that key); a webhook
#     notification target posting to http://127.0.0.1:9490/minio-events, a listener the
#     tests run (MinIO does not need it reachable at start-up: each event dials it).
#   - "replica": a second MinIO on http://127.0.0.1:9100 (console :9101), registered on the
#     features instance as a replication remote target for the bucket stowage-repl-src
#     (-> stowage-repl-dst) with `mc replicate add` (mc is built by install.sh with MC=1).
# Writes .servers/minio-features.json (up.sh merges it into env.json under "minio-features").
#   minio-features.sh up       start both (or leave them running when healthy)
#   minio-features.sh down     stop the processes named by our pid files, wipe data, CA and json
#   minio-features.sh status   exit 0 when both are alive and answer
# Loopback only. Every process is recorded in .servers/pids/ and stopped by its pid.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/../.." && pwd))
SRV=$ROOT/.servers
PIDS=$SRV/pids
LOGS=$SRV/logs
TLS=$SRV/tls
OUT_JSON=$SRV/minio-features.json

CACHE=${STOWAGE_CACHE:-$HOME/.cache/stowage}
MINIO_BIN=${MINIO_BIN:-$CACHE/bin/minio}
MC_BIN=${MC_BIN:-$CACHE/bin/mc}
BASE=${MINIO_FEATURES_DIR:-${TMPDIR:-/tmp}/stowage-minio-features}

FEAT_PORT=9443 FEAT_CONSOLE=9444
REPL_PORT=9100 REPL_CONSOLE=9101
WEBHOOK_PORT=9490 WEBHOOK_PATH=/minio-events WEBHOOK_ID=stowage
FEAT_AK=stowage-features-access FEAT_SK=stowage-features-secret-key
REPL_AK=stowage-replica-access REPL_SK=stowage-replica-secret-key
KMS_KEY_NAME=stowage-kms-key
SRC_BUCKET=stowage-repl-src DST_BUCKET=stowage-repl-dst

say() { echo "minio-features.sh: $*" >&2; }
pidfile() { echo "$PIDS/minio-$1.pid"; }

alive() {
  local f pid; f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && grep -qa minio "/proc/$pid/cmdline" 2>/dev/null
}
live_feat() { curl -fs -m 3 --cacert "$TLS/ca.crt" -o /dev/null "https://127.0.0.1:$FEAT_PORT/minio/health/live"; }
live_repl() { curl -fs -m 3 -o /dev/null "http://127.0.0.1:$REPL_PORT/minio/health/live"; }
healthy() { alive features && alive replica && [ -s "$OUT_JSON" ] && live_feat && live_repl; }
owner() { cat "$BASE/owner" 2>/dev/null || true; }
# foreign: healthy servers started by another clone of the repo: used as they are
foreign() {
  local o; o=$(owner)
  [ -n "$o" ] && [ "$o" != "$ROOT" ] && [ -s "$BASE/minio-features.json" ] \
    && curl -fs -m 3 --cacert "$BASE/tls/ca.crt" -o /dev/null "https://127.0.0.1:$FEAT_PORT/minio/health/live" && live_repl
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_one() {
  local f pid; f=$(pidfile "$1")
  if alive "$1"; then
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "minio $1 ($pid) ignored SIGTERM, sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

stop() {
  stop_one features
  stop_one replica
  rm -f "$OUT_JSON"
  rm -rf "$TLS" "$SRV/mc"
  case $(owner) in ""|"$ROOT") rm -rf "$BASE" ;; esac
}

fail() {
  say "$*"
  for n in features replica; do
    [ -s "$LOGS/minio-$n.log" ] && { echo "--- $LOGS/minio-$n.log" >&2; tail -n 25 "$LOGS/minio-$n.log" >&2; }
  done
  stop
  exit 1
}

# A throwaway CA and a server certificate for 127.0.0.1 / localhost (ECDSA P-256, 30 days).
make_certs() {
  mkdir -p "$TLS/minio/CAs"
  local t; t=$(mktemp -d)
  openssl ecparam -name prime256v1 -genkey -noout -out "$TLS/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$TLS/ca.key" -sha256 -days 30 -subj "/CN=stowage test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$TLS/ca.crt" 2>/dev/null
  openssl ecparam -name prime256v1 -genkey -noout -out "$TLS/minio/private.key" 2>/dev/null
  openssl req -new -key "$TLS/minio/private.key" -subj "/CN=127.0.0.1" -out "$t/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$t/ext"
  openssl x509 -req -in "$t/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$t/ext" -out "$TLS/minio/public.crt" 2>/dev/null
  cp "$TLS/ca.crt" "$TLS/minio/CAs/ca.crt"
  rm -rf "$t" "$TLS/ca.srl"
}

# start NAME PORT CONSOLE DATA [ENV…]: one MinIO in its own session, pid recorded.
# $EXTRA_ARGS (e.g. --certs-dir DIR) go before the addresses.
start() {
  local name=$1 port=$2 console=$3 data=$4; shift 4
  mkdir -p "$data"
  # shellcheck disable=SC2086
  env MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_BROWSER=off "$@" \
    setsid "$MINIO_BIN" server ${EXTRA_ARGS:-} --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" "$data" \
    >"$LOGS/minio-$name.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$(pidfile "$name")"
}

wait_live() {
  local name=$1 check=$2
  for _ in $(seq 150); do
    $check && return 0
    alive "$name" || { sleep 0.3; alive "$name" || fail "minio $name exited during start-up"; }
    sleep 0.2
  done
  fail "timed out waiting for minio $name"
}

mc_() { MC_CONFIG_DIR=$SRV/mc MC_HOST_feat="https://$FEAT_AK:$FEAT_SK@127.0.0.1:$FEAT_PORT" \
  MC_HOST_repl="http://$REPL_AK:$REPL_SK@127.0.0.1:$REPL_PORT" "$MC_BIN" --no-color --quiet "$@"; }

up() {
  [ -x "$MINIO_BIN" ] || { say "$MINIO_BIN not found: run scripts/servers/install.sh minio"; exit 1; }
  [ -x "$MC_BIN" ] || { say "$MC_BIN not found: run MC=1 scripts/servers/install.sh minio"; exit 1; }
  command -v openssl >/dev/null || { say "openssl not found"; exit 1; }
  if healthy; then say "already running (https://127.0.0.1:$FEAT_PORT, http://127.0.0.1:$REPL_PORT)"; return 0; fi
  if foreign; then
    # another clone's servers: use them as they are (its CA and json live in the shared dir)
    mkdir -p "$TLS"; cp "$BASE/tls/ca.crt" "$TLS/ca.crt"
    sed "s#$BASE/tls/ca.crt#$TLS/ca.crt#" "$BASE/minio-features.json" >"$OUT_JSON"
    say "using the servers started by $(owner) (its down.sh stops them)"; return 0
  fi
  local t0=$SECONDS
  stop
  for p in $FEAT_PORT $FEAT_CONSOLE $REPL_PORT $REPL_CONSOLE; do
    port_busy "$p" && { say "127.0.0.1:$p is in use by a process this clone did not start"; exit 1; }
  done
  # Whatever is left in $BASE now belongs to no running server (a crashed run, another clone
  # that did not stop): its data was encrypted with a KMS key that is gone, so start empty.
  rm -rf "$BASE"
  mkdir -p "$BASE" "$PIDS" "$LOGS"
  echo "$ROOT" >"$BASE/owner"
  make_certs
  local kms; kms="$KMS_KEY_NAME:$(openssl rand -base64 32)"

  EXTRA_ARGS="--certs-dir $TLS/minio" start features $FEAT_PORT $FEAT_CONSOLE "$BASE/features" \
    MINIO_ROOT_USER=$FEAT_AK MINIO_ROOT_PASSWORD=$FEAT_SK \
    MINIO_KMS_SECRET_KEY="$kms" \
    "MINIO_NOTIFY_WEBHOOK_ENABLE_$WEBHOOK_ID=on" \
    "MINIO_NOTIFY_WEBHOOK_ENDPOINT_$WEBHOOK_ID=http://127.0.0.1:$WEBHOOK_PORT$WEBHOOK_PATH"
  start replica $REPL_PORT $REPL_CONSOLE "$BASE/replica" MINIO_ROOT_USER=$REPL_AK MINIO_ROOT_PASSWORD=$REPL_SK
  wait_live features live_feat
  wait_live replica live_repl

  # The replication remote target: mc replicate add registers it (and a rule), the rule is
  # then removed again so the tests set their own with the ARN.
  mkdir -p "$SRV/mc/certs/CAs"; cp "$TLS/ca.crt" "$SRV/mc/certs/CAs/stowage-ca.crt"
  mc_ mb --ignore-existing --with-versioning "feat/$SRC_BUCKET" >/dev/null || fail "mc mb feat/$SRC_BUCKET failed"
  mc_ mb --ignore-existing --with-versioning "repl/$DST_BUCKET" >/dev/null || fail "mc mb repl/$DST_BUCKET failed"
  mc_ replicate add "feat/$SRC_BUCKET" --priority 1 \
    --remote-bucket "http://$REPL_AK:$REPL_SK@127.0.0.1:$REPL_PORT/$DST_BUCKET" >"$LOGS/minio-features-mc.log" 2>&1 \
    || { cat "$LOGS/minio-features-mc.log" >&2; fail "mc replicate add failed"; }
  # The rule mc made stays: MinIO's DeleteBucketReplication also removes the bucket's
  # remote targets, so the tests (which set, then delete, their own rule) re-register it
  # with mc afterwards (env.json names mc and its config dir).
  local arn
  arn=$(mc_ replicate export "feat/$SRC_BUCKET" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Rules"][0]["Destination"]["Bucket"])') \
    || fail "could not read the replication target ARN"

  local version
  version=$(PATH=$PATH:/usr/local/go/bin go version -m "$MINIO_BIN" 2>/dev/null | awk '$1=="mod" && $2=="github.com/minio/minio" {print $3; exit}') || true
  ARN=$arn VERSION=${version:-unknown} CA=$TLS/ca.crt MC_BIN=$MC_BIN MC_DIR=$SRV/mc /usr/bin/python3 - "$OUT_JSON" <<PY
import json, os, sys
out = {
    "endpoint": "https://127.0.0.1:$FEAT_PORT", "region": "us-east-1",
    "accessKeyId": "$FEAT_AK", "secretAccessKey": "$FEAT_SK",
    "caFile": os.environ["CA"],
    "server": "minio " + os.environ["VERSION"] + " (TLS, KMS, webhook, replication)",
    "kmsKeyId": "$KMS_KEY_NAME",
    "webhook": {"id": "$WEBHOOK_ID", "port": $WEBHOOK_PORT, "path": "$WEBHOOK_PATH",
                "arn": "arn:minio:sqs::$WEBHOOK_ID:webhook"},
    "replication": {"sourceBucket": "$SRC_BUCKET", "targetBucket": "$DST_BUCKET", "arn": os.environ["ARN"],
                    "targetEndpoint": "http://127.0.0.1:$REPL_PORT", "targetRegion": "us-east-1",
                    "targetAccessKeyId": "$REPL_AK", "targetSecretAccessKey": "$REPL_SK"},
    # mc with its config dir (which trusts the CA): to (re)register the replication target
    "mc": {"bin": os.environ["MC_BIN"], "configDir": os.environ["MC_DIR"]},
}
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    json.dump(out, f, indent=2); f.write("\n")
os.replace(tmp, sys.argv[1])
PY
  # for another clone sharing these servers
  mkdir -p "$BASE/tls"; cp "$TLS/ca.crt" "$BASE/tls/ca.crt"
  sed "s#$TLS/ca.crt#$BASE/tls/ca.crt#" "$OUT_JSON" >"$BASE/minio-features.json"
  say "ready: https://127.0.0.1:$FEAT_PORT (TLS, KMS, webhook) and http://127.0.0.1:$REPL_PORT (replica) in $((SECONDS - t0))s"
}

case ${1:-} in
  up) up ;;
  down)
    stop
    if [ -n "$(owner)" ] && [ "$(owner)" != "$ROOT" ]; then say "left the servers started by $(owner) running"; fi ;;
  status) healthy || foreign ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
