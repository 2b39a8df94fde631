import { GatewayRejectedError, type PaymentCardLeftUnusedEvent, type PaymentGateway } from '../../payment/payment.api';
import type { BillingKeyReleasedEvent } from '../domain/membership.events';
import type { MembershipRepository } from './membership-repository.port';

/**
 * An ended membership (expired, cancelled now or at its period end), or a card the member removed,
 * deletes the stored card at the gateway; turning auto-renew off keeps it. So does a card an order of a
 * deleted account stored, whose charge is returned (PaymentCardLeftUnused). A key the gateway no longer
 * has is already released; an unknown outcome throws, so the outbox tries again.
 */
export class ReleaseBillingKey {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly memberships: MembershipRepository,
  ) {}

  readonly handle = async (event: BillingKeyReleasedEvent): Promise<void> => {
    await this.release(event.payload.userId, event.payload.billingKey);
  };

  readonly handleCardLeftUnused = async (event: PaymentCardLeftUnusedEvent): Promise<void> => {
    await this.release(event.payload.userId, event.payload.billingKey);
  };

  private async release(userId: string, billingKey: string | null): Promise<void> {
    if (!billingKey) return;
    // The customer_uid is stable per user: a membership bought since may hold the same key again.
    if ((await this.memberships.findLiveByUserId(userId))?.billingKey === billingKey) return;
    try {
      await this.gateway.deleteBillingKey(billingKey);
    } catch (error) {
      if (!(error instanceof GatewayRejectedError)) throw error;
    }
  }
}
