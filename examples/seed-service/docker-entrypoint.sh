#!/bin/sh
# Starts the service; any other command runs as given.
set -e
if [ "$1" = "serve" ]; then
  exec python -m clock --serve
fi
exec "$@"
