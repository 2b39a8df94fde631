// Iamport's part of the member page, served as /gateway.js when PAYMENT_GATEWAY=iamport (the page's
// contract with a PG's browser script is in src/web/app.js, "the configured PG's window").
// IMP.init(imp_code) + IMP.request_pay(params, callback); the callback's imp_uid is validated.

const SANDBOX_SDK = '/sandbox/iamport/sdk.js';
const IAMPORT_SDK = 'https://cdn.iamport.kr/v1/iamport.js';

export const TEXTS = {
  ko: { 'gateway.provider': '아임포트(PortOne)' },
  en: { 'gateway.provider': 'Iamport (PortOne)' },
};

/** The sandbox SDK for sandbox merchant codes (same origin), Iamport's CDN script otherwise. */
function sdkUrl(impCode) {
  return String(impCode).startsWith('imp_sandbox') ? SANDBOX_SDK : IAMPORT_SDK;
}

export async function open(order, page) {
  const impCode = order.client.imp_code;
  let IMP;
  try {
    IMP = await page.loadScript(sdkUrl(impCode), 'IMP', 'iamport-sdk');
  } catch {
    return { unavailable: true };
  }
  IMP.init(impCode);
  const params = {
    pg: order.pg,
    pay_method: order.pay_method,
    merchant_uid: order.merchant_uid,
    name: order.name,
    amount: order.amount,
    buyer_email: order.buyer_email,
    buyer_name: order.buyer_name,
  };
  if (order.customer_uid) params.customer_uid = order.customer_uid;
  page.opening();
  const rsp = await new Promise((resolve) => IMP.request_pay(params, resolve)) || {};
  // The current SDK may omit `success`: judge by error_code / imp_uid; the server decides anyway.
  const failed = Boolean(rsp.error_code) || !rsp.imp_uid || rsp.success === false || rsp.imp_success === false;
  if (failed) return { failure: { error_code: rsp.error_code, error_msg: rsp.error_msg, proof: rsp.imp_uid ? { imp_uid: rsp.imp_uid } : {} } };
  return { proof: { imp_uid: rsp.imp_uid } };
}

/**
 * A trial: IMP.request_pay with the offer's customer_uid and amount 0 stores the card without a
 * charge, under a merchant_uid of its own. The server asks Iamport for the card: no proof to bring.
 */
export async function storeCard(offer, page) {
  const impCode = offer.client.imp_code;
  let IMP;
  try {
    IMP = await page.loadScript(sdkUrl(impCode), 'IMP', 'iamport-sdk');
  } catch {
    return { unavailable: true };
  }
  IMP.init(impCode);
  const params = {
    pg: offer.pg,
    pay_method: 'card',
    merchant_uid: `trial_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
    name: offer.name,
    amount: 0,
    customer_uid: offer.customer_uid,
  };
  page.opening();
  const rsp = await new Promise((resolve) => IMP.request_pay(params, resolve)) || {};
  if (rsp.error_code || rsp.success === false || rsp.imp_success === false) return { failure: { error_code: rsp.error_code, error_msg: rsp.error_msg, proof: {} } };
  return { proof: {} };
}
