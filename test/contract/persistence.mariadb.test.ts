import { skipMariaDb } from '../support/database';
import { mariaDbAdapter } from '../support/persistence-adapters';
import { persistenceContracts } from './persistence.contracts';

// An unreachable MariaDB fails this suite; only SKIP_MARIADB=1 skips it, on purpose.
persistenceContracts(mariaDbAdapter(), skipMariaDb ? describe.skip : describe);
