import type { AggregateRoot } from '../../domain/aggregate-root';
import { ConcurrencyConflictError } from '../../domain/domain-error';
import type { TransactionContext } from '../transaction-context';

/**
 * Versioned rows kept as copies of the aggregate's props (never the live object), with the same
 * optimistic check a database adapter makes, and undo on a failed unit of work.
 */
export class MemoryAggregateStore<A extends AggregateRoot, Props extends { id: string; version: number }> {
  private readonly rows = new Map<string, Props>();

  constructor(
    private readonly name: string,
    private readonly context: TransactionContext,
    private readonly toProps: (aggregate: A) => Props,
    private readonly restore: (props: Props) => A,
  ) {}

  get(id: string): A | null {
    const row = this.rows.get(id);
    return row ? this.restore(structuredClone(row)) : null;
  }

  /** Restored copies of the rows that match, in insertion order. */
  filter(predicate: (row: Props) => boolean): A[] {
    return [...this.rows.values()].filter(predicate).map((row) => this.restore(structuredClone(row)));
  }

  /** `check` runs against the other rows before the write, for unique rules. */
  save(aggregate: A, check: (others: Props[]) => void = () => {}): void {
    const before = this.rows.get(aggregate.id);
    if ((before?.version ?? 0) !== aggregate.version || (!before && aggregate.version !== 0)) {
      throw new ConcurrencyConflictError(this.name, aggregate.id);
    }
    check([...this.rows.values()].filter((row) => row.id !== aggregate.id));
    this.context.track(aggregate);
    const row = structuredClone(this.toProps(aggregate));
    row.version = aggregate.version + 1;
    this.rows.set(aggregate.id, row);
    this.context.current()?.undo.push(() => (before ? this.rows.set(aggregate.id, before) : this.rows.delete(aggregate.id)));
    aggregate.markSaved();
  }
}
