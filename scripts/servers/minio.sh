#!/usr/bin/env bash
# MinIO (single drive) for S3 tests, from the binary install.sh builds.
#   minio.sh up     start on 127.0.0.1:9000 (console 127.0.0.1:9001), or leave running if healthy
#   minio.sh down   stop the process this script started (pid file) and wipe the data dir
#   minio.sh status exit 0 when our process is alive and /minio/health/live answers
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/../.." && pwd))
SRV=$ROOT/.servers
PIDF=$SRV/pids/minio.pid
LOG=$SRV/logs/minio.log

MINIO_BIN=${MINIO_BIN:-${STOWAGE_CACHE:-$HOME/.cache/stowage}/bin/minio}
D=${MINIO_DIR:-${TMPDIR:-/tmp}/stowage-minio}
PORT=9000
CONSOLE_PORT=9001
AK=stowage-minio-access
SK=stowage-minio-secret-key

say() { echo "minio.sh: $*" >&2; }

alive() {
  [ -s "$PIDF" ] || return 1
  local pid; pid=$(cat "$PIDF")
  kill -0 "$pid" 2>/dev/null && grep -qa minio "/proc/$pid/cmdline" 2>/dev/null
}
live() { curl -fs -m 3 -o /dev/null "http://127.0.0.1:$PORT/minio/health/live"; }
healthy() { alive && live; }
# The data dir is shared by every clone on the machine (e.g. CI's fresh clone next
# to a developer's); $D.owner records which clone started the server.
owner() { cat "$D.owner" 2>/dev/null || true; }
# foreign: a healthy server started by another clone: used as is, left to its down.sh
foreign() {
  local o; o=$(owner)
  [ -n "$o" ] && [ "$o" != "$ROOT" ] && live
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop() {
  if alive; then
    local pid; pid=$(cat "$PIDF")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "minio ($pid) ignored SIGTERM, sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDF"
  case $(owner) in ""|"$ROOT") rm -rf "$D" "$D.owner" ;; esac
}

fail() {
  say "$*"
  [ -s "$LOG" ] && { echo "--- $LOG" >&2; tail -n 25 "$LOG" >&2; }
  stop
  exit 1
}

up() {
  [ -x "$MINIO_BIN" ] || { say "$MINIO_BIN not found: run scripts/servers/install.sh minio"; exit 1; }
  command -v curl >/dev/null || { say "curl not found: run scripts/servers/install.sh"; exit 1; }
  if healthy; then say "already running on http://127.0.0.1:$PORT"; return 0; fi
  if foreign; then say "using the server on http://127.0.0.1:$PORT started by $(owner) (its down.sh stops it)"; return 0; fi
  local t0; t0=$(date +%s.%N)
  stop
  for p in $PORT $CONSOLE_PORT; do
    port_busy "$p" && { say "127.0.0.1:$p is in use by a process this clone did not start"; exit 1; }
  done
  rm -rf "$D" "$D.owner"   # leftovers of a dead server from another clone
  mkdir -p "$D" "$SRV/pids" "$SRV/logs"
  echo "$ROOT" >"$D.owner"
  # setsid: own session, so the server outlives the calling shell/CI step.
  MINIO_ROOT_USER=$AK MINIO_ROOT_PASSWORD=$SK \
  MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
    setsid "$MINIO_BIN" server --anonymous \
      --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CONSOLE_PORT" "$D" \
      >"$LOG" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$PIDF"
  for _ in $(seq 150); do
    live && break
    alive || { sleep 0.3; alive || fail "minio exited during start-up"; }
    sleep 0.2
  done
  live || fail "timed out waiting for http://127.0.0.1:$PORT/minio/health/live"
  local t1; t1=$(date +%s.%N)
  say "ready on http://127.0.0.1:$PORT in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)")s"
}

case ${1:-} in
  up) up ;;
  down)
    stop
    if [ -n "$(owner)" ] && [ "$(owner)" != "$ROOT" ]; then say "left the server started by $(owner) running"; fi ;;
  status) healthy || foreign ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
