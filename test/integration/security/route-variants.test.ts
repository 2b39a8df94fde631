import { SERVER_ENGINES } from '../../support/database';
import { startHttpHarness } from '../../support/http-app';
import type { HarnessFactory } from '../http/suites/harness';
import { routeVariantsSuite } from './route-variants.suite';

const sqlite: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'sqlite' });

describe('security: route spellings (SQLite)', () => {
  routeVariantsSuite(sqlite);
});

// Routing does not depend on the storage engine; the sweep also runs on MariaDB (strict columns, its own
// collation) as the security issue asked. An unreachable server fails it; SKIP_MARIADB=1 skips it on purpose.
for (const { engine, label, skip } of SERVER_ENGINES.filter((s) => s.engine === 'mariadb')) {
  (skip ? describe.skip : describe)(`security: route spellings (${label})`, () => {
    routeVariantsSuite((options) => startHttpHarness({ ...options, persistence: engine }));
  });
}
