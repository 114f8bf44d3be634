#!/usr/bin/env bash
# Runs every test on a fresh machine: installs pnpm and the dependencies,
# starts the real servers (Ceph RGW, MinIO), builds, lints, type-checks, runs
# the unit/integration tests and the conformance targets.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "== installing pnpm $PNPM_VERSION with npm (corepack fails signature checks here)"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

echo "== pnpm install"
pnpm install --frozen-lockfile

if [ "${STOWAGE_NO_SERVERS:-}" != 1 ]; then
  echo "== real servers"
  bash scripts/servers/up.sh
fi

echo "== build, lint, typecheck"
pnpm turbo run build lint typecheck

export STOWAGE_TEST_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "== tests"
set +e
pnpm turbo run test --concurrency=1 --continue
status=$?

if [ "${STOWAGE_NO_SERVERS:-}" != 1 ]; then
  # A server a test took down (that test has failed already) is started again, so the
  # conformance targets measure the servers rather than the aftermath of one crash.
  echo "== real servers, still up?"
  bash scripts/servers/up.sh
fi

echo "== conformance: every target, reports and matrix"
# With CI=true a target whose server is not up is a failure, not an omission.
pnpm conformance --all
conformance_status=$?
set -e
[ $status -eq 0 ] && status=$conformance_status

node scripts/summarize-tests.mjs || true
exit $status
