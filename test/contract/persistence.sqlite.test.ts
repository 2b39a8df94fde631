import { sqliteAdapter } from '../support/persistence-adapters';
import { persistenceContracts } from './persistence.contracts';

persistenceContracts(sqliteAdapter());
