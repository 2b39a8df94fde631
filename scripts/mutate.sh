#!/usr/bin/env bash
# `npm run mutate`: StrykerJS on the money rules (stryker.config.json, ADR 0014), then one line per file.
# The mocha runner 9.6 needs patches/ to load Mocha 12; it is applied here rather than in a postinstall
# (the production `npm ci --omit=dev` has no patch-package, and only this command needs the patch).
# The summary prints even when Stryker breaks on its total; the exit code is non-zero when either failed.
# Extra arguments go to Stryker (`npm run mutate -- --mutate src/membership/domain/refund-policy.ts`).
set -uo pipefail
cd "$(dirname "$0")/.."
npx patch-package --error-on-fail >/dev/null || exit 1
npx stryker run "$@"
stryker=$?
npx tsx scripts/mutation-summary.ts
summary=$?
exit $(( stryker != 0 || summary != 0 ))
