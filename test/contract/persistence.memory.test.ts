import { memoryAdapter } from '../support/persistence-adapters';
import { persistenceContracts } from './persistence.contracts';

persistenceContracts(memoryAdapter());
