#!/usr/bin/env bash
# Prints the Debian mirror apt already uses (the first URIs: / deb line under /etc/apt), or
# $DEBIAN_MIRROR; fails when there is none. For the scripts that ask apt about Debian's releases.
set -euo pipefail
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt configuration; set DEBIAN_MIRROR" >&2; exit 1; }
echo "$mirror"
