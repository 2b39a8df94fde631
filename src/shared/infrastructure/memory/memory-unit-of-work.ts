import type { UnitOfWorkOptions } from '../../application/unit-of-work.port';
import { TransactionalUnitOfWork } from '../transactional-unit-of-work';
import type { TransactionScope } from '../transaction-context';

/**
 * In-memory transactions: writes apply at once (JavaScript runs one callback at a time, so a
 * version check and its write cannot interleave) and each records how to undo itself; a failed
 * unit of work undoes them in reverse. Units are serial here, so every isolation holds.
 */
export class MemoryUnitOfWork extends TransactionalUnitOfWork {
  protected async transaction<T>(body: (scope: TransactionScope) => Promise<T>, options: UnitOfWorkOptions): Promise<T> {
    const scope: TransactionScope<null> = { handle: null, tracked: [], undo: [], isolation: options.isolation };
    try {
      return await body(scope);
    } catch (error) {
      for (const undo of scope.undo.reverse()) undo();
      throw error;
    }
  }
}
