import { startHttpHarness } from '../../support/http-app';
import { accountDeletionSuite } from './suites/account-deletion.suite';
import { accountsSuite } from './suites/accounts.suite';
import { edgeSuite } from './suites/edge.suite';
import type { HarnessFactory } from './suites/harness';
import { idempotencySuite } from './suites/idempotency.suite';
import { mountedRoutersSuite } from './suites/mounted.suite';
import { paymentsSuite } from './suites/payments.suite';
import { storedCardSuite } from './suites/stored-card.suite';
import { withdrawalWindowSuite } from './suites/withdrawal-window.suite';
import { refundOutcomesSuite } from './suites/refunds.suite';

// The same suites run on SQLite and MariaDB once their containers exist: a factory per persistence.
const memory: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'memory' });

describe('HTTP API over real HTTP (memory persistence, memory gateway)', () => {
  accountsSuite(memory);
  accountDeletionSuite(memory);
  withdrawalWindowSuite(memory);
  paymentsSuite(memory);
  storedCardSuite(memory);
  refundOutcomesSuite(memory);
  idempotencySuite(memory);
  edgeSuite(memory);
  mountedRoutersSuite(memory);
});
