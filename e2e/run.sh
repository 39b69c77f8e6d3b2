#!/usr/bin/env bash
# npm run test:e2e: start the daemon, build the examples before and after migration, stop the daemon.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
host=$(bash "$here/setup.sh" | tail -n 1)
# At the end: the build cache and the images no tag names any more go (each run rebuilds the
# examples under the same tags), so the data root does not grow run after run; the stand-in base
# images stay for the next run. Then the daemon stops.
cleanup() {
  DOCKER_HOST="$host" docker builder prune -af > /dev/null 2>&1 || true
  DOCKER_HOST="$host" docker image prune -f > /dev/null 2>&1 || true
  bash "$here/teardown.sh"
}
trap cleanup EXIT
DFMOD_E2E_DOCKER_HOST="$host" npx jest -c "$here/../jest.e2e.config.js" "$@"
