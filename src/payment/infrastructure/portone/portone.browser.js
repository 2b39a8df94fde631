// PortOne V2's part of the member page, served as /gateway.js when PAYMENT_GATEWAY=portone (the
// page's contract with a PG's browser script is in src/web/app.js, "the configured PG's window").

export const TEXTS = {
  ko: { 'gateway.provider': '포트원(PortOne V2)' },
  en: { 'gateway.provider': 'PortOne V2' },
};

/**
 * PortOne.requestPayment with the checkout answer's `client` (its sdk_url is the sandbox stand-in or
 * PortOne's CDN); with auto-renew, requestIssueBillingKey for the customer, and the server charges
 * the first period with that key. The promise always resolves: `code` present means nothing was paid.
 */
export async function open(order, page) {
  const c = order.client || {};
  let PortOne;
  try {
    PortOne = await page.loadScript(c.sdk_url, 'PortOne', 'portone-sdk');
  } catch {
    return { unavailable: true };
  }
  page.opening();
  const customer = { fullName: order.buyer_name, email: order.buyer_email, ...(c.customer_id ? { id: c.customer_id } : {}) };
  let result;
  try {
    result = c.customer_id
      ? await PortOne.requestIssueBillingKey({ storeId: c.store_id, channelKey: c.channel_key, billingKeyMethod: c.pay_method, issueName: c.order_name, customer })
      : await PortOne.requestPayment({
        storeId: c.store_id, channelKey: c.channel_key, paymentId: c.payment_id, orderName: c.order_name,
        totalAmount: c.total_amount, currency: c.currency, payMethod: c.pay_method, customer,
      });
  } catch (error) {
    result = { code: 'SDK_ERROR', message: String((error && error.message) || error) };
  }
  if (!result || result.code !== undefined) {
    return {
      failure: {
        error_code: (result && result.code) || 'unknown', error_msg: (result && (result.pgMessage || result.message)) || '',
        proof: result && result.paymentId ? { payment_id: result.paymentId } : {},
      },
    };
  }
  if (c.customer_id) return { proof: { payment_id: c.payment_id, billing_key: result.billingKey, customer_key: c.customer_id } };
  return { proof: { payment_id: result.paymentId } };
}

/** A trial: requestIssueBillingKey for the offer's customer; the server checks the key it answers (billing_key). */
export async function storeCard(offer, page) {
  const c = offer.client || {};
  let PortOne;
  try {
    PortOne = await page.loadScript(c.sdk_url, 'PortOne', 'portone-sdk');
  } catch {
    return { unavailable: true };
  }
  page.opening();
  let result;
  try {
    result = await PortOne.requestIssueBillingKey({
      storeId: c.store_id, channelKey: c.channel_key, billingKeyMethod: c.pay_method, issueName: c.order_name, customer: { id: c.customer_id },
    });
  } catch (error) {
    result = { code: 'SDK_ERROR', message: String((error && error.message) || error) };
  }
  if (!result || result.code !== undefined || !result.billingKey) {
    return { failure: { error_code: (result && result.code) || 'unknown', error_msg: (result && (result.pgMessage || result.message)) || '', proof: {} } };
  }
  return { proof: { billing_key: result.billingKey } };
}
