#!/usr/bin/env bash
# `npm test` after the type check: the suites in several mocha processes, each with a fresh heap (one
# process holding every suite's objects grew until garbage collection slowed the late, timing-bound
# suites past their timeouts). The first stage runs three groups at once: they spend their time
# waiting on the database servers (creating, migrating and emptying databases), which the two cores
# leave room for. The timing-bound groups (concurrent renewals, three-instance scale-out, crash tests,
# the browser) then run one after another. Every group runs even when one fails; the exit code is
# non-zero when any failed. Extra arguments go to each mocha (`npm test -- --grep refund`).
set -uo pipefail
cd "$(dirname "$0")/.."

together=(
  "test/unit/**/*.test.ts test/contract/**/*.test.ts"
  "test/integration/{http,toss,portone}/**/*.test.ts"
  "test/integration/{iamport,notifier,observability,persistence}/**/*.test.ts"
)
in_turn=(
  "test/integration/{reliability,renewals,sandbox,security,startup}/**/*.test.ts"
  "test/integration/{build,scale}/**/*.test.ts"
  "test/e2e/**/*.test.ts"
)

# A suite folder no group names would silently not run: refuse instead.
for dir in test/*/ test/integration/*/; do
  name=$(basename "$dir")
  case $name in integration|support) continue ;; esac
  if ! printf '%s\n' "${together[@]}" "${in_turn[@]}" | grep -qE "(/|\{|,)$name(/|\}|,)"; then
    printf 'scripts/test.sh: no group runs %s: add it to a group\n' "$dir" >&2
    exit 2
  fi
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
started=$SECONDS

# Runs one group's mocha; its output goes to $2 (a file) or the terminal.
run_group() {
  local group=$1 out=${2:-/dev/stdout} group_started=$SECONDS patterns status
  # The globs are mocha's to expand, as in a single run (read does not expand them).
  read -ra patterns <<< "$group"
  { printf '\n=== mocha %s\n' "$group"; npx mocha "${patterns[@]}" "${extra[@]}"; } >> "$out" 2>&1
  status=$?
  printf '=== %s: %d s%s\n' "$group" $((SECONDS - group_started)) "$([[ $status == 0 ]] || echo ', FAILED')" >> "$out"
  return $status
}

extra=("$@")
pids=()
for i in "${!together[@]}"; do
  run_group "${together[$i]}" "$logs/$i.log" &
  pids+=($!)
done
for i in "${!together[@]}"; do
  wait "${pids[$i]}" || failed+=("${together[$i]}")
  cat "$logs/$i.log"
done
for group in "${in_turn[@]}"; do
  run_group "$group" || failed+=("$group")
done

printf '\n=== all groups: %d s\n' $((SECONDS - started))
if ((${#failed[@]} > 0)); then
  printf '=== failed: %s\n' "${failed[@]}"
  exit 1
fi
