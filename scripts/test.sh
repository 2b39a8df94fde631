#!/usr/bin/env bash
# `npm test` after the type check: the suites in six mocha processes, one after another, each with a
# fresh heap (one process holding every suite's objects grew until garbage collection slowed the late,
# timing-bound suites past their timeouts; running groups at once was slower still on two cores and
# broke the timing-bound tests). Every group runs even when one fails; the exit code is non-zero when
# any failed. Extra arguments go to each mocha (`npm test -- --grep refund`).
set -uo pipefail
cd "$(dirname "$0")/.."

groups=(
  "test/unit/**/*.test.ts test/contract/**/*.test.ts"
  "test/integration/{http,toss,portone}/**/*.test.ts"
  "test/integration/{iamport,notifier,observability,persistence}/**/*.test.ts"
  "test/integration/{reliability,renewals,sandbox,security,startup}/**/*.test.ts"
  "test/integration/{build,scale}/**/*.test.ts"
  "test/e2e/**/*.test.ts"
)

# A suite folder no group names would silently not run: refuse instead.
for dir in test/*/ test/integration/*/; do
  name=$(basename "$dir")
  case $name in integration|support) continue ;; esac
  if ! printf '%s\n' "${groups[@]}" | grep -qE "(/|\{|,)$name(/|\}|,)"; then
    printf 'scripts/test.sh: no group runs %s: add it to a group\n' "$dir" >&2
    exit 2
  fi
done

failed=()
started=$SECONDS
for group in "${groups[@]}"; do
  printf '\n=== mocha %s\n' "$group"
  group_started=$SECONDS
  # The globs are mocha's to expand, as in a single run (read does not expand them).
  read -ra patterns <<< "$group"
  if ! npx mocha "${patterns[@]}" "$@"; then failed+=("$group"); fi
  printf '=== %s: %d s\n' "$group" $((SECONDS - group_started))
done

printf '\n=== all groups: %d s\n' $((SECONDS - started))
if ((${#failed[@]} > 0)); then
  printf '=== failed: %s\n' "${failed[@]}"
  exit 1
fi
