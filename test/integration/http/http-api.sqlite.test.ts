import { startHttpHarness } from '../../support/http-app';
import { accountDeletionSuite } from './suites/account-deletion.suite';
import { accountsSuite } from './suites/accounts.suite';
import { consoleSuite } from './suites/console.suite';
import { consentsSuite } from './suites/consents.suite';
import { edgeSuite } from './suites/edge.suite';
import type { HarnessFactory } from './suites/harness';
import { idempotencySuite } from './suites/idempotency.suite';
import { mountedRoutersSuite } from './suites/mounted.suite';
import { paymentsSuite } from './suites/payments.suite';
import { smsSuite } from './suites/sms.suite';
import { storedCardSuite } from './suites/stored-card.suite';
import { withdrawalWindowSuite } from './suites/withdrawal-window.suite';
import { refundOutcomesSuite } from './suites/refunds.suite';

const sqlite: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'sqlite' });

describe('HTTP API over real HTTP (SQLite persistence, memory gateway)', () => {
  accountsSuite(sqlite);
  accountDeletionSuite(sqlite);
  withdrawalWindowSuite(sqlite);
  paymentsSuite(sqlite);
  storedCardSuite(sqlite);
  refundOutcomesSuite(sqlite);
  idempotencySuite(sqlite);
  edgeSuite(sqlite);
  mountedRoutersSuite(sqlite);
  consoleSuite(sqlite);
  consentsSuite(sqlite);
  // One engine is enough: what it checks is the adapter's wiring, not persistence.
  smsSuite(sqlite);
});
