#!/usr/bin/env bash
# Stops the daemon e2e/setup.sh started (by its pid file), and nothing else.
set -uo pipefail
dir="${DFMOD_E2E_DIR:-/tmp/dfmod-e2e}"
pidfile="$dir/docker.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
fi
exit 0
