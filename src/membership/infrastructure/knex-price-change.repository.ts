import { type KnexDatabase, readTime } from '../../shared/infrastructure/knex/knex-database';
import { currentDb } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { PriceChangeRepository } from '../application/price-change-repository.port';
import type { PriceChange } from '../domain/plan-price';

interface PriceChangeRow { id: string; plan_id: string; amount: number; effective_at: unknown; created_at: unknown }

export class KnexPriceChangeRepository implements PriceChangeRepository {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async add(change: PriceChange): Promise<void> {
    await currentDb(this.database, this.context)('plan_price_changes').insert({
      id: change.id, plan_id: change.planId, amount: change.amount, effective_at: change.effectiveAt, created_at: change.createdAt,
    });
  }

  async listForPlan(planId: string): Promise<PriceChange[]> {
    const rows: PriceChangeRow[] = await currentDb(this.database, this.context)('plan_price_changes').where({ plan_id: planId })
      .orderBy([{ column: 'effective_at', order: 'asc' }, { column: 'created_at', order: 'asc' }]);
    return rows.map((row) => ({ id: row.id, planId: row.plan_id, amount: Number(row.amount), effectiveAt: readTime(row.effective_at), createdAt: readTime(row.created_at) }));
  }
}
