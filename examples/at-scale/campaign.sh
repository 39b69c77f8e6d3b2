#!/usr/bin/env bash
# A dfmod campaign over many repositories, one after another: clone each, run dfmod on a branch,
# commit with dfmod's own commit message, push, and leave the pull-request body (and the run's JSON
# for `dfmod report`) in a results folder. What git-xargs and multi-gitter do, with a commit message
# and PR body made for each repository.
#
#   campaign.sh REPOS_FILE        one repository a line: a URL or a path git can clone, then
#                                 optionally a tab and a name for its files (default: the URL's
#                                 last part less .git: two repositories of one name need one); #
#                                 comments
#
# Environment:
#   DFMOD       the dfmod command (default: dfmod)
#   DFMOD_ARGS  more dfmod options, split on spaces (-t alpine-to-trixie,uv-sync, --python 3.13...)
#   BRANCH      the branch to push (default: dfmod/migrate)
#   RESULTS     where <name>.json and <name>.pr.md go (default: dfmod-results)
#   WORK        where repositories are cloned (default: a new temporary folder, removed at the end)
#   PR_COMMAND  run in the clone after each push, with DFMOD_BRANCH, DFMOD_BASE, DFMOD_PR_TITLE and
#               DFMOD_PR_BODY (the body's file) set: e.g. 'gh pr create --base "$DFMOD_BASE"
#               --head "$DFMOD_BRANCH" --title "$DFMOD_PR_TITLE" --body-file "$DFMOD_PR_BODY"
#               || gh pr edit "$DFMOD_BRANCH" --body-file "$DFMOD_PR_BODY"'. When it fails,
#               <name>.pr-pending stays in RESULTS and the next run runs it again, pushed or not.
#   GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL  the commits' author (default: dfmod <dfmod@localhost>)
#
# Each repository ends as one of: pushed (a new or updated branch), up to date (the branch already
# holds this very change: a second run pushes nothing), skipped (nothing to change), error (dfmod
# exited 2: nothing is committed; see <name>.json). The script exits 1 if a repository had an error.
set -uo pipefail

repos_file=${1:?usage: campaign.sh REPOS_FILE}
dfmod=${DFMOD:-dfmod}
branch=${BRANCH:-dfmod/migrate}
results=${RESULTS:-dfmod-results}
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-dfmod}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-dfmod@localhost}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

mkdir -p "$results"
results=$(cd "$results" && pwd)
if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# git as the campaign runs it: no signing, no hooks from the user's config, no prompts.
g() { git -c commit.gpgsign=false -c tag.gpgsign=false -c core.hooksPath=/dev/null "$@"; }
export GIT_TERMINAL_PROMPT=0

# PR_COMMAND for one repository; <name>.pr-pending marks it to be run again until it succeeds.
open_pr() {
  local name=$1 dir=$2 base=$3 message=$4
  [ -n "${PR_COMMAND:-}" ] || return 0
  : >"$results/$name.pr-pending"
  if (cd "$dir" && DFMOD_BRANCH=$branch DFMOD_BASE=$base DFMOD_PR_TITLE=$(head -n 1 "$message") \
    DFMOD_PR_BODY="$results/$name.pr.md" bash -c "$PR_COMMAND"); then
    rm -f "$results/$name.pr-pending"
  else
    echo "$name: PR_COMMAND failed (the next run tries it again)"
  fi
}

# One repository: prints its outcome; returns 1 on an error.
migrate() {
  local url=$1 name=$2 dir base message code
  dir="$work/$name"
  message="$work/$name.commit.txt"
  rm -rf "$dir"
  if ! g clone --quiet "$url" "$dir"; then
    echo "$name: error: cannot clone $url"
    return 1
  fi
  base=$(g -C "$dir" symbolic-ref --short HEAD)
  g -C "$dir" checkout --quiet -B "$branch"
  # shellcheck disable=SC2086 # DFMOD and DFMOD_ARGS are word lists
  (cd "$dir" && $dfmod --write --format json --commit-message "$message" --pr-body "$results/$name.pr.md" \
    ${DFMOD_ARGS:-} .) >"$results/$name.json"
  code=$?
  if [ "$code" -eq 2 ]; then
    echo "$name: error: dfmod exited 2, nothing committed (see $results/$name.json)"
    return 1
  fi
  if [ ! -s "$message" ]; then
    echo "$name: skipped: nothing to change"
    return 0
  fi
  g -C "$dir" add --all
  g -C "$dir" commit --quiet --cleanup=verbatim --file "$message"
  # The branch already holds this change (same parent, tree and message): nothing to push.
  if g -C "$dir" fetch --quiet origin "refs/heads/$branch" 2>/dev/null &&
    [ "$(g -C "$dir" rev-parse 'FETCH_HEAD^{tree}' 'FETCH_HEAD^')" = "$(g -C "$dir" rev-parse 'HEAD^{tree}' 'HEAD^')" ] &&
    g -C "$dir" cat-file commit FETCH_HEAD | sed '1,/^$/d' | cmp -s - "$message"; then
    echo "$name: up to date: $branch already has this change"
    if [ -e "$results/$name.pr-pending" ]; then open_pr "$name" "$dir" "$base" "$message"; fi
    return 0
  fi
  g -C "$dir" push --quiet --force origin "$branch"
  echo "$name: pushed $branch ($(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).outcome)' "$results/$name.json"))"
  open_pr "$name" "$dir" "$base" "$message"
}

status=0
seen=" "
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%%#*}
  url=${line%%$'\t'*}
  name=
  [[ $line == *$'\t'* ]] && name=${line#*$'\t'}
  url=${url#"${url%%[![:space:]]*}"}
  url=${url%"${url##*[![:space:]]}"}
  name=${name//[[:space:]]/}
  [ -z "$url" ] && continue
  name=${name:-$(basename "${url%/}" .git)}
  # Each repository's files are named after it: a second of one name would replace the first's.
  if [[ $name == */* || $name == .* ]]; then
    echo "$name: error: a name has no / and does not start with . ($url)"
    status=1
  elif [[ $seen == *" $name "* ]]; then
    echo "$name: error: a second repository of this name ($url): give it a name (a tab after its URL, then the name)"
    status=1
  else
    seen+="$name "
    migrate "$url" "$name" || status=1
  fi
done <"$repos_file"
exit "$status"
