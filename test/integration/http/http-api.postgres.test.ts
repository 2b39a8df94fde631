import { skipPostgres } from '../../support/database';
import { startHttpHarness } from '../../support/http-app';
import { accountsSuite } from './suites/accounts.suite';
import { consoleSuite } from './suites/console.suite';
import { edgeSuite } from './suites/edge.suite';
import type { HarnessFactory } from './suites/harness';
import { idempotencySuite } from './suites/idempotency.suite';
import { mountedRoutersSuite } from './suites/mounted.suite';
import { paymentsSuite } from './suites/payments.suite';
import { storedCardSuite } from './suites/stored-card.suite';
import { refundOutcomesSuite } from './suites/refunds.suite';

const postgres: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'postgres' });

// An unreachable PostgreSQL fails this suite; only SKIP_POSTGRES=1 skips it, on purpose.
(skipPostgres ? describe.skip : describe)('HTTP API over real HTTP (PostgreSQL persistence, memory gateway)', () => {
  accountsSuite(postgres);
  paymentsSuite(postgres);
  storedCardSuite(postgres);
  refundOutcomesSuite(postgres);
  idempotencySuite(postgres);
  edgeSuite(postgres);
  mountedRoutersSuite(postgres);
  consoleSuite(postgres);
});
