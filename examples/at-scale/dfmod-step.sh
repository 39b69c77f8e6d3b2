#!/usr/bin/env bash
# The command git-xargs and multi-gitter run in each repository they clone: dfmod --write, its JSON
# kept in $RESULTS for `dfmod report`. Exit 0 lets the engine commit what changed (nothing changed:
# no commit, no pull request); dfmod's exit 2 (an error) makes the engine skip the repository.
set -uo pipefail
results=${RESULTS:?set RESULTS to an absolute folder for the JSON documents}
# multi-gitter sets REPOSITORY (owner/name); git-xargs XARGS_REPO_OWNER and XARGS_REPO_NAME. The
# owner is kept: two organisations' repositories of one name get two documents.
name=${REPOSITORY:-${XARGS_REPO_NAME:+${XARGS_REPO_OWNER:+$XARGS_REPO_OWNER/}$XARGS_REPO_NAME}}
name=${name:-$(basename "$PWD")}
mkdir -p "$results"
dfmod --write --format json . >"$results/${name//\//-}.json"
[ $? -ne 2 ]
