/**
 * The billing module's public entry (renewal charges, dunning and the member's notices): the only file of src/billing/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { RunRenewals } from './application/run-renewals.use-case';
export { BILLING } from './billing.tokens';
