import { randomBytes } from 'node:crypto';
import { type Cancellation, Payment, type PaymentProps } from '../../../src/payment/domain/payment.entity';

const AT = new Date('2026-11-25T09:00:00.123Z');
const unique = () => randomBytes(6).toString('hex');

/** A cancellation on the builder's payment; defaults to a settled 3,000 KRW refund. */
export function aCancellation(overrides: Partial<Cancellation> = {}): Cancellation {
  return {
    id: `cn_${unique()}`, kind: 'refund', gatewayPaymentId: 'imp_000000000001', amount: 3000, checksum: 9900, reason: 'changed my mind',
    requestedBy: 'user', requestedAt: new Date('2026-11-26T01:02:03.456Z'), status: 'refunded',
    settledAt: new Date('2026-11-26T01:02:04.789Z'), gatewayMessage: null, unansweredAt: null, ...overrides,
  };
}

/**
 * Payment test data: `aPayment()` is a fresh, unsaved `await` purchase of 9,900 KRW with unique
 * ids; `.paid()`, `.with({...})` and friends shape it; `build()` restores it as a repository would.
 */
export class PaymentBuilder {
  private props: PaymentProps;

  constructor() {
    const id = `pay_${unique()}`;
    this.props = {
      id, merchantUid: `mp_${unique()}`, userId: 'user_1', purpose: { kind: 'purchase', planId: 'monthly' },
      amount: 9900, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis', status: 'await', gatewayPaymentId: null, reportedGatewayPaymentId: null, recheckAt: null,
      customerUid: null, failure: null, preparedAt: null, paidAt: null, cancelledAmount: 0, cancellations: [],
      fulfilledAt: null, version: 0, createdAt: AT, updatedAt: AT,
    };
  }

  with(overrides: Partial<PaymentProps>): this {
    this.props = { ...this.props, ...overrides };
    return this;
  }

  forUser(userId: string): this {
    return this.with({ userId });
  }

  createdAt(at: Date): this {
    return this.with({ createdAt: at, updatedAt: at });
  }

  paid(paidAt = new Date('2026-11-25T09:01:02.345Z'), gatewayPaymentId = `imp_${unique()}`): this {
    return this.with({ status: 'paid', gatewayPaymentId, paidAt, preparedAt: this.props.preparedAt ?? AT, updatedAt: paidAt });
  }

  failed(code: NonNullable<PaymentProps['failure']>['code'] = 'card_declined', message = '카드사 거절'): this {
    return this.with({ status: 'failed', failure: { code, message } });
  }

  withCancellation(overrides: Partial<Cancellation> = {}): this {
    const cancellation = aCancellation({ gatewayPaymentId: this.props.gatewayPaymentId ?? 'imp_000000000001', ...overrides });
    const cancelledAmount = this.props.cancelledAmount + (cancellation.status === 'refunded' ? cancellation.amount : 0);
    return this.with({ cancellations: [...this.props.cancellations, cancellation], cancelledAmount });
  }

  /** Every optional field set, to prove a round trip keeps them all. */
  everyFieldSet(): this {
    return this.paid(new Date('2026-11-25T09:01:02.345Z'), `imp_${unique()}`).with({
      purpose: { kind: 'renewal', planId: 'annual', membershipId: `ms_${unique()}`, periodNo: 3 },
      reportedGatewayPaymentId: `imp_${unique()}`, recheckAt: new Date('2026-11-25T09:31:02.346Z'), customerUid: `cu_${unique()}`, payMethod: 'trans', gateway: 'portone', pg: 'html5_inicis.INIpayTest',
      failure: { code: 'gateway_failed', message: 'an earlier attempt failed: 잔액부족' },
      preparedAt: new Date('2026-11-25T09:00:00.999Z'), fulfilledAt: new Date('2026-11-25T09:01:03.001Z'),
      card: { approvalNumber: '30012345', maskedNumber: '536148******1234' },
      updatedAt: new Date('2026-11-26T01:02:04.789Z'),
    })
      .withCancellation({ status: 'refunded', amount: 1000 })
      .withCancellation({ status: 'rejected', amount: 500, requestedBy: 'admin', settledAt: new Date('2026-11-27T00:00:00.001Z'), gatewayMessage: 'checksum mismatch' })
      .withCancellation({ status: 'pending', amount: 2000, kind: 'mismatch_return', requestedBy: 'system', settledAt: null, unansweredAt: new Date('2026-11-27T00:00:01.002Z') });
  }

  build(): Payment {
    return Payment.restore(structuredClone(this.props));
  }
}

export function aPayment(): PaymentBuilder {
  return new PaymentBuilder();
}
