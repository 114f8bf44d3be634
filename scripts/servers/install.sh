#!/usr/bin/env bash
# Install what the real-S3 test servers need. Idempotent and non-interactive.
#   install.sh [ceph] [minio] [minio-features]   (default: all; minio-features = minio + mc)
# - Debian packages (Ceph radosgw/mon/osd, curl, bc, uuid-runtime, python3-boto3):
#   apt-get runs only when one of them is missing.
# - MinIO server binary: built with `go install` into $STOWAGE_CACHE/bin (outside
#   the clone, so later runs and fresh clones skip the build) when missing.
# - mc (MinIO client): built into the same cache when MC=1 or for minio-features.
set -euo pipefail

# The Go module proxy refuses MinIO's RELEASE.2025-* tags ("This module version is
# not available"; measured on this project's machines), so `@RELEASE...` cannot be
# used. The one MinIO server version the proxy does serve is this pseudo-version
# (commit 7aac2a2c5b7c, 2026-02-12). Pin it so every build is the same.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
# Same caveat for mc: its RELEASE.* tags are not served; this pseudo-version is what
# the proxy answers for github.com/minio/mc@latest (commit cf909e1063a9, 2025-03-13).
MC_MODULE=github.com/minio/mc
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9

APT_PACKAGES=(radosgw ceph-mon ceph-osd ceph-common uuid-runtime bc curl python3-boto3 openssl tmux)

STOWAGE_CACHE=${STOWAGE_CACHE:-$HOME/.cache/stowage}
BIN=$STOWAGE_CACHE/bin
LOGS=$STOWAGE_CACHE/logs
export PATH=$PATH:/usr/local/go/bin

log() { echo "install.sh: $*" >&2; }

want_ceph=0 want_minio=0 want_mc=${MC:-0}
[ $# -eq 0 ] && set -- ceph minio minio-features
for a in "$@"; do
  case $a in
    ceph) want_ceph=1 ;;
    minio) want_minio=1 ;;
    # the TLS / KMS / webhook / replication MinIO pair registers its replication target with mc
    minio-features) want_minio=1 want_mc=1 ;;
    *) echo "usage: $0 [ceph] [minio] [minio-features]" >&2; exit 2 ;;
  esac
done

# --- Debian packages --------------------------------------------------------
# curl/bc/uuid-runtime/boto3 are needed by every script (openssl by minio-features); the Ceph ones only for ceph.
pkgs=(uuid-runtime bc curl python3-boto3 openssl tmux)
[ $want_ceph = 1 ] && pkgs=("${APT_PACKAGES[@]}")
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

# --- Go builds ----------------------------------------------------------------
# go_build NAME MODULE VERSION: go install MODULE@VERSION into $BIN/NAME unless present.
# Builds into a temp GOBIN and moves the result, so a killed build never leaves a
# half-written binary that a later run would take as done. A lock serialises
# concurrent callers (e.g. two up.sh runs).
go_build() {
  local name=$1 module=$2 version=$3
  [ -x "$BIN/$name" ] && { log "$name present ($BIN/$name)"; return 0; }
  command -v go >/dev/null || { log "go toolchain not found (need Go >= 1.24 for $module)"; exit 1; }
  mkdir -p "$BIN" "$LOGS"
  exec 9>"$BIN/.$name.lock"
  flock 9
  if [ -x "$BIN/$name" ]; then flock -u 9; log "$name present"; return 0; fi
  local tmp; tmp=$(mktemp -d "$BIN/.build-$name.XXXXXX")
  local logf=$LOGS/$name-build.log t0=$SECONDS
  log "building $module@$version (several minutes on 2 cores; log $logf)"
  # CGO off: a static binary, no C toolchain needed. GOFLAGS cleared so a global
  # -mod/-buildvcs setting cannot break a module-mode install.
  if ! CGO_ENABLED=0 GOFLAGS= GOBIN=$tmp go install "$module@$version" >"$logf" 2>&1; then
    if grep -qiE 'sum\.golang\.org|verifying .*module|SECURITY ERROR|checksum database' "$logf"; then
      log "checksum database unreachable; retrying with GOSUMDB=off"
      CGO_ENABLED=0 GOFLAGS= GOSUMDB=off GOBIN=$tmp go install "$module@$version" >>"$logf" 2>&1 \
        || { tail -n 30 "$logf" >&2; rm -rf "$tmp"; exit 1; }
    else
      tail -n 30 "$logf" >&2; rm -rf "$tmp"; exit 1
    fi
  fi
  mv "$tmp/$name" "$BIN/$name"
  rm -rf "$tmp"
  flock -u 9
  log "built $BIN/$name in $((SECONDS - t0))s"
}

if [ $want_minio = 1 ]; then
  go_build minio "$MINIO_MODULE" "$MINIO_VERSION"
  [ "$want_mc" = 1 ] && go_build mc "$MC_MODULE" "$MC_VERSION"
fi
exit 0
