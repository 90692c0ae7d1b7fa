#!/usr/bin/env bash
# Checks that every GitHub action `picocal ci init` pins (ACTIONS in src/generate/ci-pipeline.ts) names the
# commit its release tag names in the action's own repository. Run it after changing a pin (needs
# `npm run build` and git; reads the tags with `git ls-remote`, so it needs the network, or set
# ACTIONS_GIT_URL to a template over local clones, e.g. '/srv/mirror/{owner}+{repo}').
set -euo pipefail
cd "$(dirname "$0")/.."
default_url='https://github.com/{owner}/{repo}.git'
template=${ACTIONS_GIT_URL:-$default_url}
pins=$(node --input-type=module -e "
  const { ACTIONS } = await import('./dist/src/generate/ci-pipeline.js');
  for (const a of Object.values(ACTIONS)) console.log(a.action, a.tag, a.commit);")
bad=0
while read -r action tag commit; do
  IFS=/ read -r owner repo _ <<<"$action"
  url=$(sed -e "s|{owner}|$owner|g" -e "s|{repo}|$repo|g" <<<"$template")
  # An annotated tag is listed twice: the tag object, then `TAG^{}`, the commit it points at.
  refs=$(git ls-remote --tags -- "$url" "refs/tags/$tag" "refs/tags/$tag^{}")
  peeled=$(awk -v t="refs/tags/$tag^{}" '$2 == t { print $1 }' <<<"$refs")
  direct=$(awk -v t="refs/tags/$tag" '$2 == t { print $1 }' <<<"$refs")
  actual=${peeled:-$direct}
  if [[ "$actual" == "$commit" ]]; then
    echo "ok   $action $tag $commit"
  else
    echo "BAD  $action $tag: pinned $commit, the tag names ${actual:-nothing} in $url" >&2
    bad=1
  fi
done <<<"$pins"
exit "$bad"
