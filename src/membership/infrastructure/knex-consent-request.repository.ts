import type { Knex } from 'knex';
import { ConflictError } from '../../shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import { isDuplicatePrimaryKey, type UniqueRule, violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import { type KnexDatabase, readOptionalTime, readTime } from '../../shared/infrastructure/knex/knex-database';
import { currentDb } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { ConsentRequestRepository } from '../application/consent-request-repository.port';
import { type ConsentMethod, ConsentRequest, type ConsentStatus, type MootReason } from '../domain/consent-request.entity';

const UNIQUE_RULES: UniqueRule[] = [{ name: 'consent_requests_once_per_price', sqliteColumns: 'consent_requests.membership_id, consent_requests.period_no, consent_requests.new_amount' }];

interface ConsentRequestRow {
  id: string; membership_id: string; user_id: string; plan_id: string; period_no: number; old_amount: number; new_amount: number;
  change_at: unknown; answer_by: unknown; opened_at: unknown; status: string; answered_at: unknown; method: string | null;
  wording_version: string | null; moot_reason: string | null; version: number;
}

function toRow(request: ConsentRequest, version: number): ConsentRequestRow {
  const r = request.toProps();
  return {
    id: r.id, membership_id: r.membershipId, user_id: r.userId, plan_id: r.planId, period_no: r.periodNo, old_amount: r.oldAmount, new_amount: r.newAmount,
    change_at: r.changeAt, answer_by: r.answerBy, opened_at: r.openedAt, status: r.status, answered_at: r.answeredAt, method: r.method,
    wording_version: r.wordingVersion, moot_reason: r.mootReason, version,
  };
}

function toAggregate(row: ConsentRequestRow): ConsentRequest {
  return ConsentRequest.restore({
    id: row.id, membershipId: row.membership_id, userId: row.user_id, planId: row.plan_id, periodNo: Number(row.period_no),
    oldAmount: Number(row.old_amount), newAmount: Number(row.new_amount), changeAt: readTime(row.change_at), answerBy: readTime(row.answer_by),
    openedAt: readTime(row.opened_at), status: row.status as ConsentStatus, answeredAt: readOptionalTime(row.answered_at),
    method: row.method as ConsentMethod | null, wordingVersion: row.wording_version, mootReason: (row.moot_reason ?? null) as MootReason | null,
    version: Number(row.version),
  });
}

export class KnexConsentRequestRepository implements ConsentRequestRepository {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async findById(id: string): Promise<ConsentRequest | null> {
    return (await this.load((q) => q.where({ id })))[0] ?? null;
  }

  async listByUser(userId: string): Promise<ConsentRequest[]> {
    return this.load((q) => q.where({ user_id: userId }).orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(100));
  }

  async findFor(membershipId: string, periodNo: number, newAmount: number): Promise<ConsentRequest | null> {
    return (await this.load((q) => q.where({ membership_id: membershipId, period_no: periodNo, new_amount: newAmount })))[0] ?? null;
  }

  async listExpiring(asOf: Date, limit: number): Promise<ConsentRequest[]> {
    return this.load((q) => q.where({ status: 'pending' }).andWhere('answer_by', '<=', asOf).orderBy([{ column: 'answer_by', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit));
  }

  async save(request: ConsentRequest): Promise<void> {
    const db = currentDb(this.database, this.context);
    const row = toRow(request, request.version + 1);
    try {
      if (request.version === 0) {
        await db('consent_requests').insert(row);
      } else {
        const { id, ...changes } = row;
        const updated = await db('consent_requests').where({ id, version: request.version }).update(changes);
        if (updated === 0) throw new ConcurrencyConflictError('consent request', request.id);
      }
    } catch (error) {
      if (error instanceof ConcurrencyConflictError) throw error;
      const rule = violatedUniqueRule(error, UNIQUE_RULES);
      if (rule) throw new ConflictError(rule, `membership ${request.membershipId} already has a consent request for this price`);
      if (isDuplicatePrimaryKey(error, 'consent_requests.id')) throw new ConcurrencyConflictError('consent request', request.id);
      throw error;
    }
    request.markSaved();
  }

  private async load(query: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<ConsentRequest[]> {
    const rows: ConsentRequestRow[] = await query(currentDb(this.database, this.context)('consent_requests').select('*'));
    return rows.map(toAggregate);
  }
}
