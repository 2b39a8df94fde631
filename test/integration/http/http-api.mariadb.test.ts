import { skipMariaDb } from '../../support/database';
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
import { storedCardSuite } from './suites/stored-card.suite';
import { withdrawalWindowSuite } from './suites/withdrawal-window.suite';
import { refundOutcomesSuite } from './suites/refunds.suite';
import { smsSuite } from './suites/sms.suite';

const mariadb: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'mariadb' });

// An unreachable MariaDB fails this suite; only SKIP_MARIADB=1 skips it, on purpose.
(skipMariaDb ? describe.skip : describe)('HTTP API over real HTTP (MariaDB persistence, memory gateway)', () => {
  accountsSuite(mariadb);
  accountDeletionSuite(mariadb);
  withdrawalWindowSuite(mariadb);
  paymentsSuite(mariadb);
  storedCardSuite(mariadb);
  refundOutcomesSuite(mariadb);
  idempotencySuite(mariadb);
  edgeSuite(mariadb);
  mountedRoutersSuite(mariadb);
  consoleSuite(mariadb);
  consentsSuite(mariadb);
  smsSuite(mariadb);
});
