import { ConflictError } from '../../../shared/domain/conflict-error';
import { MemoryAggregateStore } from '../../../shared/infrastructure/memory/memory-aggregate-store';
import type { TransactionContext } from '../../../shared/infrastructure/transaction-context';
import type { ConsentRequestRepository } from '../../application/consent-request-repository.port';
import { ConsentRequest, type ConsentRequestProps } from '../../domain/consent-request.entity';

export class MemoryConsentRequestRepository implements ConsentRequestRepository {
  private readonly store: MemoryAggregateStore<ConsentRequest, ConsentRequestProps>;

  constructor(context: TransactionContext) {
    this.store = new MemoryAggregateStore('consent request', context, (r) => r.toProps(), ConsentRequest.restore);
  }

  async findById(id: string): Promise<ConsentRequest | null> {
    return this.store.get(id);
  }

  async listByUser(userId: string): Promise<ConsentRequest[]> {
    return this.store.filter((row) => row.userId === userId).reverse();
  }

  async findFor(membershipId: string, periodNo: number, newAmount: number): Promise<ConsentRequest | null> {
    return this.store.filter((row) => row.membershipId === membershipId && row.periodNo === periodNo && row.newAmount === newAmount)[0] ?? null;
  }

  async listExpiring(asOf: Date, limit: number): Promise<ConsentRequest[]> {
    return this.store.filter((row) => row.status === 'pending' && row.answerBy <= asOf).slice(0, limit);
  }

  async save(request: ConsentRequest): Promise<void> {
    const r = request.toProps();
    this.store.save(request, (others) => {
      if (others.some((o) => o.membershipId === r.membershipId && o.periodNo === r.periodNo && o.newAmount === r.newAmount)) {
        throw new ConflictError('consent_requests_once_per_price', `membership ${r.membershipId} already has a consent request for this price`);
      }
    });
  }
}
