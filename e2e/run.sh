#!/usr/bin/env bash
# npm run test:e2e: start the daemon, build the examples before and after migration, stop the daemon.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
host=$(bash "$here/setup.sh" | tail -n 1)
trap 'bash "$here/teardown.sh"' EXIT
DFMOD_E2E_DOCKER_HOST="$host" npx jest -c "$here/../jest.e2e.config.js" "$@"
