import type { Knex } from 'knex';
import type { EventBus, Outbox } from '../../application/event-bus.port';
import type { UnitOfWorkOptions } from '../../application/unit-of-work.port';
import { ConcurrencyConflictError } from '../../domain/domain-error';
import type { TransactionContext, TransactionScope } from '../transaction-context';
import { TransactionalUnitOfWork } from '../transactional-unit-of-work';
import { isTransientLockError } from './database-errors';
import type { KnexDatabase } from './knex-database';

/**
 * A database transaction per unit of work; the scope's handle is the Knex transaction the
 * repositories and the outbox write through. A deadlock or lock-wait timeout comes out as a
 * ConcurrencyConflictError, so the use case's retry runs the whole unit again.
 */
export class KnexUnitOfWork extends TransactionalUnitOfWork {
  constructor(
    private readonly database: KnexDatabase,
    context: TransactionContext,
    outbox: Outbox,
    eventBus: EventBus,
  ) {
    super(context, outbox, eventBus);
  }

  protected async transaction<T>(body: (scope: TransactionScope) => Promise<T>, options: UnitOfWorkOptions): Promise<T> {
    const { isolation } = options;
    // Only PostgreSQL needs asking, in its BEGIN: MySQL/MariaDB connections are REPEATABLE READ already (a
    // SET TRANSACTION would be a statement more), and SQLite's one writer at a time is stricter than any level.
    const config = isolation && this.database.dialect === 'postgres' ? { isolationLevel: isolation } : undefined;
    try {
      return await this.database.knex.transaction((trx) => body({ handle: trx, tracked: [], undo: [], isolation } satisfies TransactionScope<Knex.Transaction>), config);
    } catch (error) {
      if (isTransientLockError(error)) throw new ConcurrencyConflictError('transaction', 'of this unit of work');
      throw error;
    }
  }
}
