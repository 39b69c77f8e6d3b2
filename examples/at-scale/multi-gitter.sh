#!/usr/bin/env bash
# multi-gitter: the same step, with multi-gitter's flags; -R for each repository (or -O an organisation).
export RESULTS="$PWD/dfmod-results"
multi-gitter run "$PWD/dfmod-step.sh" \
  -R my-org/orders -R my-org/billing -R my-org/catalog \
  --branch dfmod/migrate \
  --commit-message "dfmod: migrate Dockerfiles to Debian slim-trixie and uv sync" \
  --pr-title "dfmod: migrate Dockerfiles to Debian slim-trixie and uv sync" \
  --pr-body "Made by dfmod --write; see the commit for what changed in each file."
dfmod report "$RESULTS"/*.json >campaign.md
