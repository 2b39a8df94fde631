import { skipMariaDb } from '../../support/database';
import { startHttpHarness } from '../../support/http-app';
import type { HarnessFactory } from '../http/suites/harness';
import { routeVariantsSuite } from './route-variants.suite';

const sqlite: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'sqlite' });
const mariadb: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'mariadb' });

describe('security: route spellings (SQLite)', () => {
  routeVariantsSuite(sqlite);
});

// An unreachable MariaDB fails this suite; only SKIP_MARIADB=1 skips it, on purpose.
(skipMariaDb ? describe.skip : describe)('security: route spellings (MariaDB)', () => {
  routeVariantsSuite(mariadb);
});
