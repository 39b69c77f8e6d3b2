#!/usr/bin/env bash
# Regenerates transforms/alpine-to-trixie/trixie-packages.txt: every binary package name in Debian
# trixie main (amd64 and all), sorted. Uses apt with a private state folder, so the system's apt
# configuration is neither read for packages nor changed; the mirror is the one apt already uses
# (the first URIs: / deb line under /etc/apt), or $DEBIAN_MIRROR.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/transforms/alpine-to-trixie/trixie-packages.txt"
mirror=$(bash "$(dirname "$0")/debian-mirror.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{etc,state/lists/partial,cache/archives/partial}
echo "deb [trusted=yes] $mirror trixie main" > "$tmp/etc/sources.list"
O=(-o "Dir::Etc::SourceList=$tmp/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State=$tmp/state" -o "Dir::Cache=$tmp/cache" -o Dir::State::status=/dev/null -o APT::Architecture=amd64)
apt-get "${O[@]}" update >/dev/null 2>&1
apt-cache "${O[@]}" pkgnames | LC_ALL=C sort -u > "$out"
echo "$(wc -l < "$out") names -> $out"
