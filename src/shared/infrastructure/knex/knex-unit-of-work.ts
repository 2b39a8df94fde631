import type { Knex } from 'knex';
import type { EventBus, Outbox } from '../../application/event-bus.port';
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

  protected async transaction<T>(body: (scope: TransactionScope) => Promise<T>): Promise<T> {
    try {
      return await this.database.knex.transaction((trx) => body({ handle: trx, tracked: [], undo: [] } satisfies TransactionScope<Knex.Transaction>));
    } catch (error) {
      if (isTransientLockError(error)) throw new ConcurrencyConflictError('transaction', 'of this unit of work');
      throw error;
    }
  }
}
