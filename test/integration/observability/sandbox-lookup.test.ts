import { expect } from 'chai';
import { createIamportSandbox } from '../../../src/sandbox/iamport/iamport-sandbox';
import type { PayRequest } from '../../../src/sandbox/iamport/sandbox-store';

const order = (merchantUid: string): PayRequest => ({
  merchant_uid: merchantUid, amount: 9900, name: 'Monthly', currency: 'KRW', pg: 'html5_inicis', pay_method: 'card', buyer_name: null, buyer_email: null,
  buyer_tel: null, buyer_addr: null, buyer_postcode: null, custom_data: null, customer_uid: null, notice_url: null, user_agent: 'test', mobile: false,
});

// The bench found lookups by merchant_uid scanning every payment (quadratic over a 100k renewal run); they now go through an index.
describe('sandbox lookups by merchant_uid (indexed)', () => {
  it('finds every attempt of one merchant_uid newest first among many others, refuses paying it twice, and forgets on reset', () => {
    const sandbox = createIamportSandbox({ env: {} });
    const store = sandbox.state;
    for (let n = 0; n < 2000; n++) store.payInBrowser(order(`other_${n}`), 'success', 'pay');
    const declined = store.payInBrowser(order('mp_target'), 'declined', 'pay');
    const paid = store.payInBrowser(order('mp_target'), 'success', 'pay');
    expect(declined.ok && paid.ok).to.equal(true);
    const found = store.findByMerchantUid('mp_target');
    expect(found.map((p) => p.status)).to.deep.equal(['paid', 'failed']);
    expect(store.findByMerchantUid('mp_target', 'failed')).to.have.length(1);
    expect(store.payInBrowser(order('mp_target'), 'success', 'pay').ok).to.equal(false);
    expect(store.cancel({ imp_uid: null, merchant_uid: 'mp_target', amount: undefined, checksum: undefined, reason: 'test' }).ok).to.equal(true);
    sandbox.reset();
    expect(store.findByMerchantUid('mp_target')).to.deep.equal([]);
    expect(store.payInBrowser(order('mp_target'), 'success', 'pay').ok).to.equal(true);
    sandbox.close();
  });
});
