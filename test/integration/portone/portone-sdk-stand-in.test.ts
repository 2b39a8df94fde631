// The V2 sandbox's sdk.js (global `PortOne`) against the sandbox with a tiny DOM shim: the window's
// flow, its selectors and what each promise resolves with, as the real browser SDK answers.
import { expect } from 'chai';
import { startPortOneSandboxServer, type PortOneSandboxServer } from '../../../src/sandbox/portone/portone-sandbox-server';
import { runScriptInFakePage, type FakeElement } from '../../support/fake-dom';

type Result = Record<string, string | undefined>;
interface PortOneGlobal {
  requestPayment(request: object): Promise<Result>;
  requestIssueBillingKey(request: object): Promise<Result>;
  requestIssueBillingKeyAndPay(request: object): Promise<Result>;
}

describe('PortOne V2 browser SDK stand-in (sdk.js)', function () {
  this.timeout(5000);
  let sb: PortOneSandboxServer;
  let source: string;
  let body: FakeElement;
  let page: Record<string, any>;
  let PortOne: PortOneGlobal;
  let client: { storeId: string; channelKey: string };
  let sequence = 0;

  before(async () => {
    sb = await startPortOneSandboxServer({ port: 0 });
    source = await (await fetch(`${sb.url}/sdk.js`)).text();
    client = { storeId: sb.sandbox.options.storeId, channelKey: sb.sandbox.options.channelKey };
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.sandbox.reset();
    ({ window: page, body } = runScriptInFakePage(source, `${sb.url}/sdk.js`));
    PortOne = page.PortOne;
  });

  const modal = () => body.find('[data-test="portone-modal"]');
  const payment = (overrides: object = {}) => ({
    ...client, paymentId: `sdk-${++sequence}`, orderName: '월간 멤버십', totalAmount: 9900, currency: 'KRW', payMethod: 'CARD',
    customer: { customerId: 'member-1', fullName: '홍길동' }, ...overrides,
  });
  /** Waits for the window; `result` settles when the promise does. */
  async function opened(call: Promise<Result>): Promise<{ result: Promise<Result> }> {
    const until = Date.now() + 2000;
    let settled = false;
    void call.then(() => (settled = true));
    while (!modal() && !settled && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(modal(), 'the window opened').to.not.equal(undefined);
    return { result: call };
  }
  const choose = (card: string, action: 'pay' | 'cancel' = 'pay') => {
    modal()!.find(`[data-card="${card}"]`)!.click();
    modal()!.find(`[data-action="${action}"]`)!.click();
  };

  it('opens a window with the order and the test cards, and resolves {transactionType, paymentId, txId} on success', async () => {
    const request = payment();
    const { result } = await opened(PortOne.requestPayment(request));
    expect(modal()!.getAttribute('data-flow')).to.equal('PAYMENT');
    expect(modal()!.find('[data-test="portone-title"]')!.text).to.contain('KG이니시스');
    expect(modal()!.find('[data-test="portone-order-name"]')!.text).to.equal('월간 멤버십');
    expect(modal()!.find('[data-test="portone-amount"]')!.text).to.contain('9,900');
    for (const card of ['success', 'declined', 'limit', 'insufficient']) expect(modal()!.find(`[data-card="${card}"]`)).to.not.equal(undefined);
    expect(modal()!.find('[data-test="portone-confirm"]')!.hidden).to.equal(true);
    choose('success');
    const answer = await result;
    expect(Object.keys(answer).sort()).to.deep.equal(['paymentId', 'transactionType', 'txId']);
    expect(answer).to.include({ transactionType: 'PAYMENT', paymentId: request.paymentId });
    expect(modal()).to.equal(undefined);
    const made = sb.sandbox.store.paymentOf(request.paymentId);
    expect(made).to.include({ status: 'PAID', transactionId: answer.txId });
    expect(made?.customer).to.deep.equal({ id: 'member-1', name: '홍길동' });
  });

  for (const [card, pgMessage] of [['declined', '카드사 승인 거절 (거래정지카드)'], ['limit', '카드 한도초과'], ['insufficient', '잔액부족 (체크카드)']] as const) {
    it(`resolves a ${card} card with code PGProviderError and the PG's code and message, leaving a FAILED payment`, async () => {
      const request = payment();
      const { result } = await opened(PortOne.requestPayment(request));
      choose(card);
      const answer = await result;
      expect(answer).to.include({ transactionType: 'PAYMENT', paymentId: request.paymentId, code: 'PGProviderError', pgMessage });
      expect(answer.txId).to.be.a('string');
      expect(answer.pgCode).to.match(/^V8/);
      expect(sb.sandbox.store.paymentOf(request.paymentId)?.status).to.equal('FAILED');
    });
  }

  it('records the buyer\'s cancel in the PG window as a FAILED payment, and answers it with a code', async () => {
    const request = payment();
    const { result } = await opened(PortOne.requestPayment(request));
    choose('success', 'cancel');
    const answer = await result;
    expect(answer.code).to.be.a('string');
    expect(answer.message).to.contain('취소');
    expect(sb.sandbox.store.paymentOf(request.paymentId)).to.deep.include({ status: 'FAILED' });
  });

  it('closes with × before any card: a code, no txId, nothing recorded', async () => {
    const request = payment();
    const { result } = await opened(PortOne.requestPayment(request));
    modal()!.find('[data-action="close"]')!.click();
    const answer = await result;
    expect(answer).to.include({ transactionType: 'PAYMENT', paymentId: request.paymentId });
    expect(answer.code).to.be.a('string');
    expect(answer).to.not.have.property('txId');
    expect(sb.sandbox.store.payments.size).to.equal(0);
  });

  it('never opens the window for an amount other than the pre-registered one: AmountNotEqualToPredefined', async () => {
    const request = payment({ totalAmount: 100 });
    sb.sandbox.store.preRegister(request.paymentId, { totalAmount: 9900, currency: 'KRW' });
    const answer = await PortOne.requestPayment(request);
    expect(answer).to.include({ transactionType: 'PAYMENT', paymentId: request.paymentId, code: 'AmountNotEqualToPredefined' });
    expect(answer).to.not.have.property('txId');
    expect(modal()).to.equal(undefined);
  });

  it('never opens the window for a paid paymentId, another store or channel, or a method other than CARD', async () => {
    const paid = payment();
    const first = await opened(PortOne.requestPayment(paid));
    choose('success');
    await first.result;
    expect(await PortOne.requestPayment(paid)).to.include({ code: 'PaymentAlreadyPaid' });
    expect(await PortOne.requestPayment(payment({ storeId: 'store-other' }))).to.include({ code: 'StoreNotFound' });
    expect(await PortOne.requestPayment(payment({ channelKey: 'channel-key-other' }))).to.include({ code: 'ChannelNotFound' });
    expect(await PortOne.requestPayment(payment({ payMethod: 'VIRTUAL_ACCOUNT' }))).to.include({ code: 'InvalidArgument' });
    expect(modal()).to.equal(undefined);
  });

  it('issues a billing key with requestIssueBillingKey, for the customer the page named', async () => {
    const { result } = await opened(PortOne.requestIssueBillingKey({ ...client, billingKeyMethod: 'CARD', issueName: '정기결제', customer: { customerId: 'member-9' } }));
    expect(modal()!.getAttribute('data-flow')).to.equal('ISSUE_BILLING_KEY');
    expect(modal()!.find('[data-test="portone-amount"]')!.text).to.equal('카드 등록');
    choose('success');
    const answer = await result;
    expect(Object.keys(answer).sort()).to.deep.equal(['billingKey', 'transactionType']);
    const info = sb.sandbox.store.getBillingKey(answer.billingKey as string);
    expect(info.ok && info.value).to.deep.include({ status: 'ISSUED', issueName: '정기결제', customer: { id: 'member-9' } });
  });

  it('answers a refused card at issuance with a code and issues nothing', async () => {
    const { result } = await opened(PortOne.requestIssueBillingKey({ ...client, billingKeyMethod: 'CARD' }));
    choose('declined');
    const answer = await result;
    expect(answer).to.include({ transactionType: 'ISSUE_BILLING_KEY', code: 'PGProviderError' });
    expect(answer).to.not.have.property('billingKey');
    expect(sb.sandbox.store.billingKeys.size).to.equal(0);
  });

  it('issues a key and pays the first period in one window (requestIssueBillingKeyAndPay)', async () => {
    const request = payment({ billingKeyMethod: 'CARD' });
    const { result } = await opened(PortOne.requestIssueBillingKeyAndPay(request));
    choose('success');
    const answer = await result;
    expect(answer).to.include({ transactionType: 'ISSUE_BILLING_KEY_AND_PAY', paymentId: request.paymentId });
    expect(answer).to.not.have.property('code');
    expect(sb.sandbox.store.paymentOf(request.paymentId)).to.include({ status: 'PAID', billingKey: answer.billingKey });
  });

  it('redirects to redirectUrl with the result in the query when asked to (forceRedirect)', async () => {
    const request = payment({ redirectUrl: 'https://shop.example/return?from=portone', forceRedirect: true });
    const call = PortOne.requestPayment(request);
    await opened(call);
    choose('success');
    const until = Date.now() + 2000;
    while (page.location.href === '' && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    const target = new URL(page.location.href);
    expect(`${target.origin}${target.pathname}`).to.equal('https://shop.example/return');
    expect(Object.fromEntries(target.searchParams)).to.include({ from: 'portone', paymentId: request.paymentId, transactionType: 'PAYMENT' });
    expect(target.searchParams.has('code')).to.equal(false);
  });

  it('refuses a second window while one is open', async () => {
    await opened(PortOne.requestPayment(payment()));
    expect(await PortOne.requestPayment(payment())).to.include({ code: 'PGProviderError' });
    modal()!.find('[data-action="close"]')!.click();
  });
});
