// @ts-check
/**
 * `npm run mutate` (scripts/mutate.sh): mutation testing of the money rules, issue 22, ADR 0014.
 * Not part of `npm test`: it takes minutes on two cores.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  // The runner loads mocha in its own process and ignores .mocharc's `node-option`; tsx is passed here.
  testRunnerNodeArgs: ['--import', 'tsx'],
  // The fast suites that exercise these files: unit tests and the in-memory contract tests. Not the
  // payment simulation (1,000 random runs, ~30 s): every mutant it covers would cost that again, and a
  // rule it alone catches deserves a test that names it.
  mochaOptions: {
    ignore: ['test/unit/payment/payment-simulation.test.ts'],
    spec: [
      'test/unit/membership/**/*.test.ts',
      'test/unit/payment/**/*.test.ts',
      'test/unit/billing/**/*.test.ts',
      'test/unit/shared/**/*.test.ts',
      'test/contract/persistence.memory.test.ts',
      'test/contract/payment-gateway.memory.test.ts',
    ],
  },
  mutate: [
    'src/payment/domain/payment.entity.ts',
    'src/membership/domain/membership.entity.ts',
    'src/membership/domain/refund-policy.ts',
    'src/shared/domain/business-calendar.ts',
    'src/payment/application/payment-settlement.service.ts',
    'src/payment/application/confirm-payment.use-case.ts',
    'src/membership/application/cancel-membership.use-case.ts',
    'src/billing/application/run-renewals.use-case.ts',
    // The consent rules: a renewal never charges above what the member paid or consented to.
    'src/membership/domain/consent-request.entity.ts',
    'src/membership/domain/plan-price.ts',
    'src/membership/application/plan-prices.ts',
    'src/membership/application/answer-consent.use-case.ts',
    'src/billing/application/seek-consents.use-case.ts',
    'src/membership/application/consent-mootness.ts',
    // The refund amounts: which purchases a cancel refunds and what the quote sums.
    'src/membership/application/refund-subject.ts',
    'src/membership/application/get-refund-quote.use-case.ts',
    'src/pricing/domain/plan.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores shared by several people.
  concurrency: 1,
  // A mutant that loops (a retry or claim loop never ending) fails fast; the tests take milliseconds each.
  timeoutMS: 3000,
  // Stryker breaks on the total only; scripts/mutation-summary.ts also fails any file under 90%.
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'json', 'html', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Stryker's sandbox step parses tsconfig.json with `ts.parseConfigFileTextToJson`, which TypeScript 7
  // removed, to rewrite `extends`/`references` paths. Ours has neither, so there is nothing to rewrite:
  // pointing the option at a file that does not exist skips that step (tsconfig.json is still copied).
  tsconfigFile: 'tsconfig.stryker-none.json',
};
