// Toss Payments' part of the member page, served as /gateway.js when PAYMENT_GATEWAY=toss (the
// page's contract with a PG's browser script is in src/web/app.js, "the configured PG's window").
// TossPayments(client_key).requestPayment('카드', {...}) (or requestBillingAuth with auto-renew);
// Toss redirects the whole page to successUrl / failUrl (`/?pg=toss&result=success|fail&...`), so
// the outcome is read on the next load (readReturn) with the order kept in sessionStorage.

const TOSS_SANDBOX_SDK = '/sandbox/toss/sdk.js';
const TOSS_SDK = 'https://js.tosspayments.com/v1/payment';
const TOSS_ORDER_KEY = 'memberpay.toss.order';
/** Toss's fail codes for a buyer who pressed cancel in its window (the × is USER_CANCEL: window closed). */
const TOSS_BUYER_CANCEL = ['PAY_PROCESS_CANCELED'];

export const TEXTS = {
  ko: { 'gateway.provider': '토스페이먼츠' },
  en: { 'gateway.provider': 'Toss Payments' },
};

/** The sandbox stand-in for sandbox client keys, Toss's v1 script otherwise. */
function sdkUrl(clientKey) {
  return String(clientKey).startsWith('test_ck_sandbox') ? TOSS_SANDBOX_SDK : TOSS_SDK;
}

/** The `?lang=` of the page's address as given (null without one). */
function askedLanguage() {
  return new URLSearchParams(location.search).get('lang');
}

function failure(code, message) {
  return { error_code: code || 'unknown', error_msg: message || '', proof: {}, buyerCancelled: TOSS_BUYER_CANCEL.includes(code) };
}

/** Opens Toss's window. On success / fail Toss navigates the page away; only the × settles the promise here. */
export async function open(order, page) {
  const c = order.client || {};
  let TossPayments;
  try {
    TossPayments = await page.loadScript(sdkUrl(c.client_key), 'TossPayments', 'toss-sdk');
  } catch {
    return { unavailable: true };
  }
  const billing = Boolean(c.customer_key);
  // Back on the page in the language it was asked for.
  const lang = askedLanguage();
  const back = (result) => `${location.origin}${location.pathname}?pg=toss&result=${result}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;
  const urls = { successUrl: back('success'), failUrl: back('fail') };
  // The billing redirect carries no orderId: keep the order for the next load (this tab only).
  sessionStorage.setItem(TOSS_ORDER_KEY, JSON.stringify({ merchant_uid: order.merchant_uid, customer_key: c.customer_key || null }));
  const toss = TossPayments(c.client_key);
  page.opening();
  let answer;
  try {
    answer = billing
      ? await toss.requestBillingAuth('카드', { customerKey: c.customer_key, ...urls })
      : await toss.requestPayment('카드', {
        amount: order.amount, orderId: order.merchant_uid, orderName: c.order_name,
        customerName: order.buyer_name, customerEmail: order.buyer_email, ...urls,
      });
  } catch (error) {
    // The × (USER_CANCEL) or a refusal before any redirect: no paymentKey exists.
    sessionStorage.removeItem(TOSS_ORDER_KEY);
    return { failure: failure(error && error.code, error && error.message) };
  }
  // Only without a redirect (an SDK that resolves with the fields): handle the answer in place.
  if (answer && typeof answer === 'object') return { returned: settleReturn({ result: 'success', ...answer }) };
  return { away: true };
}

/**
 * A trial: requestBillingAuth for the offer's customer_key. Toss redirects back with an authKey,
 * which readReturn answers as the trial's proof (auth_key); the server exchanges it for the key.
 */
export async function storeCard(offer, page) {
  const c = offer.client || {};
  let TossPayments;
  try {
    TossPayments = await page.loadScript(sdkUrl(c.client_key), 'TossPayments', 'toss-sdk');
  } catch {
    return { unavailable: true };
  }
  const lang = askedLanguage();
  const back = (result) => `${location.origin}${location.pathname}?pg=toss&result=${result}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;
  sessionStorage.setItem(TOSS_ORDER_KEY, JSON.stringify({ trial_plan: offer.plan, customer_key: c.customer_key }));
  page.opening();
  let answer;
  try {
    answer = await TossPayments(c.client_key).requestBillingAuth('카드', { customerKey: c.customer_key, successUrl: back('success'), failUrl: back('fail') });
  } catch (error) {
    sessionStorage.removeItem(TOSS_ORDER_KEY);
    return { failure: failure(error && error.code, error && error.message) };
  }
  if (answer && typeof answer === 'object') return settleReturn({ result: 'success', ...answer });
  return { away: true };
}

/** The query Toss redirected back with, as an outcome, or null when this load is not a Toss return. */
export function readReturn() {
  const q = new URLSearchParams(location.search);
  if (q.get('pg') !== 'toss') return null;
  const fields = Object.fromEntries(q.entries());
  // A reload must not post the same result again (and keeps the language asked for).
  const lang = askedLanguage();
  history.replaceState(history.state, '', lang ? `${location.pathname}?lang=${encodeURIComponent(lang)}` : location.pathname);
  return settleReturn(fields);
}

/** successUrl: paymentKey, orderId, amount | authKey, customerKey. failUrl: code, message, orderId?. */
function settleReturn(q) {
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(TOSS_ORDER_KEY) || 'null'); } catch { kept = null; }
  sessionStorage.removeItem(TOSS_ORDER_KEY);
  // A trial's card (storeCard): its authKey is the proof trial/confirm takes.
  if (kept && kept.trial_plan) {
    if (q.result === 'success' && q.authKey) return { trialPlan: kept.trial_plan, proof: { auth_key: q.authKey } };
    return { trialPlan: kept.trial_plan, failure: failure(q.code, q.message) };
  }
  const merchantUid = q.orderId || (kept && kept.merchant_uid) || null;
  if (q.result === 'success' && q.paymentKey) return { merchantUid, proof: { payment_key: q.paymentKey } };
  if (q.result === 'success' && q.authKey) return { merchantUid, proof: { auth_key: q.authKey, customer_key: q.customerKey || (kept && kept.customer_key) } };
  return { merchantUid, failure: failure(q.code, q.message) };
}
