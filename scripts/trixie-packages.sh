#!/usr/bin/env bash
# Regenerates transforms/alpine-to-trixie/trixie-packages.txt: every binary package name in Debian
# trixie main (amd64 and all), sorted. Uses apt with a private state folder, so the system's apt
# configuration is neither read for packages nor changed; the mirror is the one apt already uses
# (the first URIs: / deb line under /etc/apt), or $DEBIAN_MIRROR.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/transforms/alpine-to-trixie/trixie-packages.txt"
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt configuration; set DEBIAN_MIRROR" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{etc,state/lists/partial,cache/archives/partial}
echo "deb [trusted=yes] $mirror trixie main" > "$tmp/etc/sources.list"
O=(-o "Dir::Etc::SourceList=$tmp/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State=$tmp/state" -o "Dir::Cache=$tmp/cache" -o Dir::State::status=/dev/null -o APT::Architecture=amd64)
apt-get "${O[@]}" update >/dev/null 2>&1
apt-cache "${O[@]}" pkgnames | LC_ALL=C sort -u > "$out"
echo "$(wc -l < "$out") names -> $out"
