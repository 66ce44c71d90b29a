#!/usr/bin/env bash
# Proposes a changed Pulumi.<stack>.yaml to main through a pull request with auto-merge, never a direct push:
# main's branch protection applies to the workflows as to people. The token (GH_TOKEN) is used here only, in the
# push's header and by `gh`; the checkout keeps no credentials.
#
# usage: scripts/propose-config.sh <stack> <title>     (in a GitHub Actions job; GH_TOKEN set)
set -euo pipefail
stack="$1"
title="$2"
file="Pulumi.$stack.yaml"
if git diff --quiet -- "$file"; then
    echo "$file unchanged: nothing to propose"
    exit 0
fi
branch="config/$stack/$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT"
run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
git switch -q -c "$branch"
git add -- "$file"
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
    commit -q -m "$title" -m "Applied by $run_url. Git holds what the $stack stack runs once this merges."
auth="$(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)"
echo "::add-mask::$auth"
git -c "http.$GITHUB_SERVER_URL/.extraheader=AUTHORIZATION: basic $auth" push -q origin "HEAD:refs/heads/$branch"
gh pr create --base main --head "$branch" --title "$title" \
    --body "The $stack stack already runs this ($run_url). Merging makes Git match it; closing it leaves Git behind the stack until the next deploy proposes it again."
gh pr merge --auto --squash "$branch" || echo "::warning::auto-merge is not enabled on this repository: merge the pull request for $file by hand"
echo "### $file proposed to main: $(gh pr view "$branch" --json url --jq .url)" >> "$GITHUB_STEP_SUMMARY"
