import { skipPostgres } from '../support/database';
import { postgresAdapter } from '../support/persistence-adapters';
import { persistenceContracts } from './persistence.contracts';

// An unreachable PostgreSQL fails this suite; only SKIP_POSTGRES=1 skips it, on purpose.
persistenceContracts(postgresAdapter(), skipPostgres ? describe.skip : describe);
