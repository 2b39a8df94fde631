import { expect } from 'chai';
import type { Payment } from '../../../src/payment/domain/payment.entity';
import { aGatewayPayment } from '../../support/builders/gateway-payment.builder';
import { aPayment } from '../../support/builders/payment.builder';

const NOW = new Date('2026-11-25T09:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

/** The byMember of the PaymentCancelled that `settle` records. */
function byMemberOfTheCancel(payment: Payment, settle: (payment: Payment) => void): boolean {
  payment.pullEvents();
  settle(payment);
  const [event] = payment.pullEvents();
  return (event.payload as { byMember: boolean }).byMember;
}

// The member's cancel with refund keeps refunding the purchases refundablePurchases lists
// (refundedInFullByMember), and the full-refund handler takes back those whose PaymentCancelled is not
// byMember: a purchase both keep or both drop would be refunded twice or its months lost.
describe('Payment refunded in full by the member: the event and the payment agree', () => {
  it('the member\'s cancel settled together with an operator\'s earlier refund is the member\'s, as the last refund is theirs', () => {
    const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' })
      .withCancellation({ amount: 1000, requestedBy: 'admin', status: 'pending', settledAt: null })
      .withCancellation({ amount: 8900, requestedBy: 'user', status: 'pending', settledAt: null })
      .build();
    const byMember = byMemberOfTheCancel(payment, (p) => p.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1)));
    expect(payment.status).to.equal('cancelled');
    expect(payment.refundedInFullByMember).to.equal(true);
    expect(byMember).to.equal(true);
  });

  it('the member\'s refund of the rest after money cancelled at the gateway\'s console is not the member\'s', () => {
    const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' })
      .with({ cancelledAmount: 500 })
      .withCancellation({ amount: 9400, requestedBy: 'user', status: 'pending', settledAt: null })
      .build();
    const byMember = byMemberOfTheCancel(payment, (p) => p.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1)));
    expect(payment.status).to.equal('cancelled');
    expect(payment.refundedInFullByMember, '500 cancelled that none of our refunds asked for').to.equal(false);
    expect(byMember).to.equal(false);
  });

  it('an operator\'s refund of the rest after the member\'s partial one is not the member\'s', () => {
    const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' })
      .withCancellation({ amount: 3000, requestedBy: 'user' })
      .withCancellation({ amount: 6900, requestedBy: 'admin', status: 'pending', settledAt: null })
      .build();
    const byMember = byMemberOfTheCancel(payment, (p) => p.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1)));
    expect(payment.refundedInFullByMember).to.equal(false);
    expect(byMember).to.equal(false);
  });

});
