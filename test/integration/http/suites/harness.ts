import { expect } from 'chai';
import type { ApiClient, ApiResponse, HttpHarness, HttpHarnessOptions } from '../../../support/http-app';

/** Starts the app on one kind of persistence; the suites run unchanged on each. */
export type HarnessFactory = (options?: Omit<HttpHarnessOptions, 'persistence'>) => Promise<HttpHarness>;

/** Every error answer has this shape, and never a stack trace or a source path. */
export function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(res.body.works).to.equal(false);
  expect(res.body.error.code).to.equal(code);
  expect(res.body.error.message).to.be.a('string');
  expectNoStack(res);
}

export function expectNoStack(res: ApiResponse): void {
  expect(res.text).not.to.match(/\bat \S+ \(|\.ts:\d+|node_modules|Error: /);
}

/** Checkout then, at the gateway, the buyer's action; answers the merchant_uid and imp_uid. */
export async function checkoutAndPay(h: HttpHarness, client: ApiClient, action: 'paid' | 'declined' | 'user_cancelled' = 'paid', body: object = { plan: 'monthly' }) {
  const checkout = await client.post('/api/payment/checkout', body);
  expect(checkout.status, checkout.text).to.equal(201);
  const gatewayPaymentId = h.parts.gateway.buyerPays({
    merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount, action, customerUid: checkout.body.customer_uid ?? null,
  });
  return { merchantUid: checkout.body.merchant_uid as string, gatewayPaymentId, checkout };
}

/** A fresh app from `start` (with `options`) and a buyer signed up on it with `profile`; answers the signUp's account too. */
export async function startWithBuyer(start: HarnessFactory, profile: Parameters<ApiClient['signUp']>[0] = {}, options?: Parameters<HarnessFactory>[0]) {
  const h = await start(options);
  const buyer = h.client();
  const account = await buyer.signUp(profile);
  return { h, buyer, account };
}

/** A server-side view of what exists, to prove a refused request changed nothing. */
export async function snapshot(h: HttpHarness) {
  const payments = await h.parts.payments.listByStatus(null, 10_000);
  return JSON.stringify({ payments: payments.map((p) => p.toProps()), gateway: h.parts.gateway.allPayments() });
}
