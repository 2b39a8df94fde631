import { SERVER_ENGINES } from '../../support/database';
import { startHttpHarness } from '../../support/http-app';
import type { HarnessFactory } from '../http/suites/harness';
import { routeVariantsSuite } from './route-variants.suite';

const sqlite: HarnessFactory = (options) => startHttpHarness({ ...options, persistence: 'sqlite' });

describe('security: route spellings (SQLite)', () => {
  routeVariantsSuite(sqlite);
});

// An unreachable server fails its suite; only SKIP_MARIADB=1 / SKIP_POSTGRES=1 skip one, on purpose.
for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`security: route spellings (${label})`, () => {
    routeVariantsSuite((options) => startHttpHarness({ ...options, persistence: engine }));
  });
}
