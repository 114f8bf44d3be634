#!/usr/bin/env bash
# Single-node Ceph for S3 tests: 1 mon, 1 memstore OSD (data in RAM), 1 radosgw.
#   ceph.sh up     start (or leave running if already healthy), create the test users
#   ceph.sh down   stop the daemons this script started (pid files) and wipe the data dir
#   ceph.sh status exit 0 when all three daemons are alive and RGW answers (or when a
#                  cluster started by another clone of the repo answers: it is shared)
# Needs the Debian packages from install.sh. Listens on 127.0.0.1 only.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/../.." && pwd))
SRV=$ROOT/.servers
PIDS=$SRV/pids
LOGS=$SRV/logs

D=${CEPH_DIR:-${TMPDIR:-/tmp}/stowage-ceph}   # mon store, conf, admin sockets
CONF=$D/ceph.conf
MON_PORT=40000
RGW_PORT=7480
AK=stowage-ceph-access
SK=stowage-ceph-secret-key
OTHER_AK=stowage-ceph-other
OTHER_SK=stowage-ceph-other-secret
# memstore keeps every object in RAM; 8 GiB of the machine's 24 GiB is plenty for tests.
MEMSTORE_BYTES=$((8 * 1024 * 1024 * 1024))
DAEMONS=(rgw.a osd.0 mon.a)   # stop order

say() { echo "ceph.sh: $*" >&2; }
pidfile() { echo "$PIDS/ceph-$1.pid"; }

# alive NAME: the pid in our pid file is running and is a ceph daemon (guards pid reuse)
alive() {
  local f pid; f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  grep -qaE 'ceph-mon|ceph-osd|radosgw' "/proc/$pid/cmdline" 2>/dev/null
}

rgw_ok() { curl -fs -m 3 -o /dev/null "http://127.0.0.1:$RGW_PORT/"; }

healthy() {
  for n in "${DAEMONS[@]}"; do alive "$n" || return 1; done
  [ -f "$CONF" ] && rgw_ok
}

# The data dir is shared by every clone on the machine (e.g. CI's fresh clone next
# to a developer's), so it records which clone started the cluster.
owner() { cat "$D/owner" 2>/dev/null || true; }
# foreign: a healthy cluster started by another clone of the repo. It is used as is
# (same ports, users, keys) and left to that clone's down.sh.
foreign() {
  local o; o=$(owner)
  [ -n "$o" ] && [ "$o" != "$ROOT" ] && rgw_ok
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop() {
  # One at a time, rgw -> osd -> mon (~2 s each): a radosgw whose OSD is already gone
  # hangs in shutdown for 120 s (its SIGTERM alarm), so never stop them all at once.
  # SIGKILL after 10 s; the data is wiped anyway.
  local n f pid
  for n in "${DAEMONS[@]}"; do
    f=$(pidfile "$n")
    if alive "$n"; then
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then say "$n ($pid) ignored SIGTERM, sending SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$f"
  done
  # wipe the data dir unless another clone's cluster lives there
  case $(owner) in ""|"$ROOT") rm -rf "$D" ;; esac
}

# fail [-d NAME] MSG: show the log tail(s), stop what was started, exit 1
fail() {
  local who=
  if [ "$1" = -d ]; then who=$2; shift 2; fi
  say "$*"
  local logs=("$LOGS"/ceph-*.log) n=8
  if [ -n "$who" ]; then
    [ "$who" = rgw.a ] && who=client.rgw.a
    logs=("$LOGS/ceph-$who.log" "$LOGS/ceph-start.log") n=25
  fi
  for l in "${logs[@]}"; do [ -s "$l" ] && { echo "--- $l" >&2; tail -n $n "$l" | cut -c1-300 >&2; }; done
  stop
  exit 1
}

# wait_for TRIES SLEEP WHAT CMD...: poll CMD (fail fast if the daemon died meanwhile)
wait_for() {
  local n=$1 s=$2 what=$3; shift 3
  for _ in $(seq "$n"); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$what" || { sleep 0.5; alive "$what" || fail -d "$what" "$what exited during start-up"; }
    sleep "$s"
  done
  fail -d "$what" "timed out waiting for $what"
}

# ensure_user UID ACCESS SECRET: create the RGW user with fixed keys (idempotent)
ensure_user() {
  local uid=$1 ak=$2 sk=$3
  if radosgw-admin -c "$CONF" -n client.admin user info --uid="$uid" >/dev/null 2>&1; then return 0; fi
  radosgw-admin -c "$CONF" -n client.admin user create --uid="$uid" --display-name="$uid" \
    --access-key="$ak" --secret-key="$sk" >/dev/null
}

up() {
  for b in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph uuidgen curl; do
    command -v "$b" >/dev/null || { say "$b not found: run scripts/servers/install.sh ceph"; exit 1; }
  done
  if healthy; then
    ensure_user stowage "$AK" "$SK" && ensure_user stowage-other "$OTHER_AK" "$OTHER_SK"
    say "already running on http://127.0.0.1:$RGW_PORT"; return 0
  fi
  if foreign; then
    ensure_user stowage "$AK" "$SK" && ensure_user stowage-other "$OTHER_AK" "$OTHER_SK"
    say "using the cluster on http://127.0.0.1:$RGW_PORT started by $(owner) (its down.sh stops it)"; return 0
  fi
  local t0; t0=$(date +%s.%N)
  stop   # clear a half-started or dead previous run (only our own pids)
  for p in $MON_PORT $RGW_PORT; do
    port_busy "$p" && { say "127.0.0.1:$p is in use by a process this clone did not start"; exit 1; }
  done
  rm -rf "$D"   # leftovers of a dead cluster from another clone
  mkdir -p "$D"/{run,mon.a,osd.0,rgw.a} "$PIDS" "$LOGS"
  echo "$ROOT" >"$D/owner"
  rm -f "$LOGS"/ceph-*.log
  local fsid; fsid=$(uuidgen)

  cat > "$CONF" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $PIDS/ceph-\$name.pid
log file = $LOGS/ceph-\$name.log
mon cluster log file = $LOGS/ceph-cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
# percentages of the disk's free space; at "crit" the mon shuts itself down. Its
# store is a few MiB, so a nearly full shared disk must not stop it.
mon data avail warn = 1
mon data avail crit = 0
ms bind ipv6 = false
# daemons default to ms_mon_client_mode=secure, impossible with auth=none
ms mon client mode = crc
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
# The mon batches map changes every paxos_propose_interval (1 s): RGW creates its
# pools one change at a time, so start-up and each first-use pool creation (first
# bucket, first object) took ~1 s per step. One node needs no batching.
paxos propose interval = 0.01
paxos min wait = 0.001
[mon.a]
mon data = $D/mon.a
pid file = $PIDS/ceph-mon.a.pid
[osd.0]
osd data = $D/osd.0
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
pid file = $PIDS/ceph-osd.0.pid
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw.a
pid file = $PIDS/ceph-rgw.a.pid
rgw enable usage log = false
rgw dns name = localhost
rgw torrent flag = true
[client.admin]
# radosgw-admin / ceph CLI: no pid file, log next to the daemons'
pid file =
CONF

  # --- monitor ---
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$D/monmap" 2>>"$LOGS/ceph-start.log" || fail "ceph-mon --mkfs failed"
  ceph-mon -c "$CONF" -i a 2>>"$LOGS/ceph-start.log" || fail -d mon.a "ceph-mon failed to start"
  local C="ceph -c $CONF --connect-timeout 10"
  wait_for 50 0.2 mon.a $C mon stat

  # --- OSD (memstore) ---
  local osd_uuid osd_id; osd_uuid=$(uuidgen)
  osd_id=$($C osd new "$osd_uuid")
  [ "$osd_id" = 0 ] || fail "unexpected osd id '$osd_id'"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$LOGS/ceph-start.log" 2>&1 || fail "ceph-osd --mkfs failed"
  ceph-osd -c "$CONF" -i 0 2>>"$LOGS/ceph-start.log" || fail -d osd.0 "ceph-osd failed to start"
  wait_for 100 0.3 osd.0 sh -c "$C osd dump | grep -q '^osd.0 up'"

  # --- radosgw ---
  radosgw -c "$CONF" -n client.rgw.a --rgw-init-timeout=60 2>>"$LOGS/ceph-start.log" || fail -d rgw.a "radosgw failed to start"
  wait_for 150 0.2 rgw.a rgw_ok

  ensure_user stowage "$AK" "$SK" || fail "radosgw-admin user create failed"
  ensure_user stowage-other "$OTHER_AK" "$OTHER_SK" || fail "radosgw-admin user create failed"
  local t1; t1=$(date +%s.%N)
  say "ready on http://127.0.0.1:$RGW_PORT in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)")s"
}

case ${1:-} in
  up) up ;;
  down)
    stop
    if [ -n "$(owner)" ] && [ "$(owner)" != "$ROOT" ]; then say "left the cluster started by $(owner) running"; fi ;;
  status) healthy || foreign ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
