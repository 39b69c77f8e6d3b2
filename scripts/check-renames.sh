#!/usr/bin/env bash
# Checks transforms/debian-to-trixie/renames.tsv against Debian itself: every old name (the first
# column) must be a binary package of bookworm or bullseye main (amd64 and all); prints those that
# are not and exits 1 when there is any. (The trixie names are checked by a test, against
# transforms/alpine-to-trixie/trixie-packages.txt.) Uses apt with a private state folder, as
# scripts/trixie-packages.sh does: the mirror is the one apt already uses, or $DEBIAN_MIRROR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
table="$root/transforms/debian-to-trixie/renames.tsv"
mirror=$(bash "$(dirname "$0")/debian-mirror.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for suite in bookworm bullseye; do
  mkdir -p "$tmp/$suite"/{etc,state/lists/partial,cache/archives/partial}
  echo "deb [trusted=yes] $mirror $suite main" > "$tmp/$suite/etc/sources.list"
  O=(-o "Dir::Etc::SourceList=$tmp/$suite/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State=$tmp/$suite/state" -o "Dir::Cache=$tmp/$suite/cache" -o Dir::State::status=/dev/null -o APT::Architecture=amd64)
  apt-get "${O[@]}" update >/dev/null 2>&1
  apt-cache "${O[@]}" pkgnames >> "$tmp/names"
done
LC_ALL=C sort -u "$tmp/names" > "$tmp/known"
grep -v '^#' "$table" | tail -n +2 | cut -f1 | LC_ALL=C sort -u > "$tmp/old"
missing=$(LC_ALL=C comm -23 "$tmp/old" "$tmp/known")
if [ -n "$missing" ]; then
  echo "not in bookworm or bullseye:"
  echo "$missing"
  exit 1
fi
echo "$(wc -l < "$tmp/old") old names, each in bookworm or bullseye"
