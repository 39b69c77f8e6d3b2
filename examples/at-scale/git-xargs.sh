#!/usr/bin/env bash
# git-xargs: one commit message and pull-request description for every repository; each
# repository's JSON goes to $RESULTS, and `dfmod report` says where the campaign stands.
# --no-skip-ci: git-xargs otherwise starts its commit messages with "[skip ci]", and the pull
# requests' checks would not build the migrated images.
export RESULTS="$PWD/dfmod-results"
git-xargs \
  --repos repos.txt \
  --branch-name dfmod/migrate \
  --commit-message "dfmod: migrate Dockerfiles to Debian slim-trixie and uv sync" \
  --pull-request-title "dfmod: migrate Dockerfiles to Debian slim-trixie and uv sync" \
  --pull-request-description "Made by dfmod --write; see the commit for what changed in each file." \
  --no-skip-ci \
  "$PWD/dfmod-step.sh"
dfmod report "$RESULTS"/*.json >campaign.md
