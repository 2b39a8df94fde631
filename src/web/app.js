// memberpay web page: plans, sign-up / log-in, checkout through the PG's SDK, account.
// Talks only to the JSON API (DESIGN §6). The server decides every payment outcome;
// the page reports what the PG window said and shows what the server answered.
//
// PGs (the checkout answer's `gateway` picks one):
//   iamport  IMP.init(imp_code) + IMP.request_pay(params, callback); the callback's imp_uid is validated.
//   portone  PortOne.requestPayment(client) (or requestIssueBillingKey with auto-renew); the paymentId is validated.
//   toss     TossPayments(client_key).requestPayment('카드', {...}) (or requestBillingAuth with auto-renew);
//            Toss redirects the whole page to successUrl / failUrl (`/?pg=toss&result=success|fail&...`),
//            so the outcome is handled on the next load (handleTossReturn) with the order kept in sessionStorage.
//
// DOM hooks for tests: #message[data-kind][data-outcome] (outcome words: paid, pending, card_declined,
// user_cancelled, window_closed, failed, login_required, cancelled, ...), [data-test=payment-row][data-status],
// #membership-status[data-status], #test-clock (+ #admin-token, [data-clock-step], #renewals-run,
// #test-clock-result[data-charged] ...).

const SANDBOX_SDK = '/sandbox/iamport/sdk.js';
const IAMPORT_SDK = 'https://cdn.iamport.kr/v1/iamport.js';
const TOSS_SANDBOX_SDK = '/sandbox/toss/sdk.js';
const TOSS_SDK = 'https://js.tosspayments.com/v1/payment';
const TOSS_ORDER_KEY = 'memberpay.toss.order';
const ADMIN_TOKEN_KEY = 'memberpay.admin-token';
const CLOCK_KEY = 'memberpay.test-clock';
const PENDING_POLLS = 5;
const PENDING_POLL_MS = 2000;

const state = { me: null, plans: [], busy: false };
const $ = (id) => document.getElementById(id);

// ---------- HTTP ----------

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (error) {
    return { status: 0, ok: false, data: null, networkError: error };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { status: res.status, ok: res.ok, data };
}

function errorText(r, fallback) {
  if (r.status === 0) return '서버에 연결하지 못했습니다. 네트워크를 확인하고 다시 시도해 주세요.';
  const error = r.data && r.data.error;
  if (error && error.details && error.details.length) {
    return `${error.message || fallback} (${error.details.map((d) => d.message || d).join(', ')})`;
  }
  return (error && error.message) || fallback || `요청에 실패했습니다 (HTTP ${r.status}).`;
}

// ---------- formatting ----------

const kstParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** `2026-11-25T09:00:00.000Z` -> `2026-11-25 18:00 KST` */
export function formatKst(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const p = Object.fromEntries(kstParts.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}

/** 9900 -> `₩9,900` */
export function formatWon(amount) {
  return `₩${Number(amount || 0).toLocaleString('ko-KR')}`;
}

const INTERVAL_LABELS = { month: '월', year: '년' };
const MEMBERSHIP_STATUS = { active: '이용 중', past_due: '결제 지연', cancelled: '해지됨', expired: '만료됨' };
const PAYMENT_STATUS = { await: '확인 중', paid: '결제 완료', failed: '실패', cancelled: '환불됨' };
const FAILURE_TEXT = {
  window_closed: '결제창을 닫음',
  user_cancelled: '구매자 취소',
  card_declined: '카드 승인 거절',
  amount_mismatch: '금액 불일치',
  prepare_rejected: '결제 준비 거절',
  expired: '시간 초과',
  gateway_failed: '결제사 오류',
};

/** The plan's name as GET /api/plans gives it (Korean, or English with ?lang=en). */
function planLabel(planId) {
  const plan = state.plans.find((p) => p.id === planId);
  return (plan && plan.name) || planId || '';
}

/** `?lang=en` on the page's address, passed on to the API: plan names, and the language of a new member's notices. */
function langQuery() {
  const lang = new URLSearchParams(location.search).get('lang');
  return lang === 'en' || lang === 'ko' ? `?lang=${lang}` : '';
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

// ---------- message ----------

/** kind: info | success | error | pending; outcome: a stable word for tests (data-outcome). */
function showMessage(kind, text, outcome, detail) {
  const box = $('message');
  box.replaceChildren(el('strong', { text }));
  if (detail) box.append(el('span', { className: 'detail', 'data-test': 'message-detail', text: detail }));
  box.dataset.kind = kind;
  box.dataset.outcome = outcome || kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

function clearMessage() {
  const box = $('message');
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.kind;
  delete box.dataset.outcome;
}

// ---------- rendering ----------

function renderPlans() {
  const list = $('plans');
  if (!state.plans.length) {
    list.replaceChildren(el('li', { className: 'muted', text: '판매 중인 플랜이 없습니다.' }));
    return;
  }
  list.replaceChildren(...state.plans.map((plan) => {
    const per = plan.interval_count > 1
      ? `${plan.interval_count}${plan.interval === 'year' ? '년' : '개월'}`
      : INTERVAL_LABELS[plan.interval] || plan.interval;
    return el('li', { className: 'plan', 'data-test': 'plan', 'data-plan': plan.id }, [
      el('h3', { 'data-test': 'plan-name', text: planLabel(plan.id) }),
      el('p', { className: 'price' }, [
        el('span', { className: 'amount', 'data-test': 'plan-amount', text: formatWon(plan.amount) }),
        el('span', { className: 'per', text: ` / ${per}` }),
      ]),
      el('button', { type: 'button', className: 'order btn btn-primary', 'data-plan': plan.id, 'data-test': 'order', text: '구매하기' }),
    ]);
  }));
}

function renderSession() {
  const me = state.me;
  $('session').hidden = !me;
  $('auth-section').hidden = Boolean(me);
  $('account-section').hidden = !me;
  $('app').dataset.state = me ? 'logged-in' : 'logged-out';
  if (me) $('session-user').textContent = `${me.user.name || me.user.email} 님`;
}

function renderMembership() {
  const m = state.me && state.me.membership;
  $('no-membership').hidden = Boolean(m);
  $('membership').hidden = !m;
  $('auto-renew-panel').hidden = !m || !['active', 'past_due'].includes(m.status);
  $('refund-panel').hidden = !m || !['active', 'past_due'].includes(m.status) || m.cancel_at_period_end;
  if (!m) return;
  $('membership-plan').textContent = planLabel(m.plan);
  const status = $('membership-status');
  status.textContent = MEMBERSHIP_STATUS[m.status] || m.status;
  status.dataset.status = m.status;
  // An ended membership shows when access ended (a cancel with refund ends it before the period end).
  $('membership-period').textContent = m.current_period_start
    ? `${formatKst(m.current_period_start)} ~ ${formatKst(m.ended_at || m.current_period_end)}${m.ended_at ? ' (종료됨)' : ''}`
    : '-';
  let next = m.next_charge_at ? `${formatKst(m.next_charge_at)} 자동 결제` : '자동 갱신 안 함';
  if (m.cancel_at_period_end) next = `${formatKst(m.current_period_end)}에 해지 예정`;
  // Past due: the charge due at the period end failed; the server retries on its dunning schedule.
  if (m.status === 'past_due' && m.auto_renew) next = `${formatKst(m.current_period_end)} 결제 실패 · 자동으로 다시 시도합니다`;
  $('membership-next-charge').textContent = next;
  $('membership-auto-renew').checked = Boolean(m.auto_renew);
}

function renderPayments(payments) {
  const body = $('payments-body');
  $('payments').hidden = payments.length === 0;
  $('payments-empty').hidden = payments.length > 0;
  body.replaceChildren(...payments.map((p) => {
    let note = p.failure_code ? FAILURE_TEXT[p.failure_code] || p.failure_code : '';
    if (p.failure_message) note = note ? `${note}: ${p.failure_message}` : p.failure_message;
    if (p.cancelled_amount > 0) note = `${note ? `${note} · ` : ''}환불 ${formatWon(p.cancelled_amount)}`;
    // Refunds not (yet) done are shown as what they are: never as refunded.
    for (const r of p.refunds || []) {
      if (r.status === 'pending') note = `${note ? `${note} · ` : ''}환불 처리 중 ${formatWon(r.amount)}`;
      if (r.status === 'rejected') note = `${note ? `${note} · ` : ''}환불 거절 ${formatWon(r.amount)}`;
    }
    return el('tr', { 'data-test': 'payment-row', 'data-merchant-uid': p.merchant_uid, 'data-status': p.status }, [
      el('td', { 'data-label': '주문번호', className: 'uid', text: p.merchant_uid }),
      el('td', { 'data-label': '금액', 'data-test': 'payment-amount', text: formatWon(p.amount) }),
      el('td', { 'data-label': '상태' }, [
        el('span', { className: 'badge', 'data-status': p.status, 'data-test': 'payment-status', text: PAYMENT_STATUS[p.status] || p.status }),
      ]),
      el('td', { 'data-label': '일시', text: formatKst(p.paid_at || p.created_at) }),
      el('td', { 'data-label': '비고', 'data-test': 'payment-note', text: note || '-' }),
    ]);
  }));
}

// ---------- loading state ----------

async function loadPlans() {
  const r = await api('GET', `/api/plans${langQuery()}`);
  if (!r.ok) {
    $('plans').replaceChildren(el('li', { className: 'muted', text: errorText(r, '플랜을 불러오지 못했습니다.') }));
    return;
  }
  state.plans = r.data.plans || [];
  renderPlans();
}

/** Reloads /api/me and the payment list; returns the payments (empty when logged out). */
async function refreshAccount() {
  const me = await api('GET', '/api/me');
  return showAccount(me);
}

/** Shows the account /api/me answered; returns the payments (empty when logged out). */
async function showAccount(me) {
  state.me = me.ok ? me.data : null;
  renderSession();
  renderMembership();
  if (!state.me) {
    if (me.status !== 401) showMessage('error', errorText(me, '계정 정보를 불러오지 못했습니다.'), 'me_failed');
    return [];
  }
  const list = await api('GET', '/api/payments');
  const payments = list.ok ? list.data.payments || [] : [];
  renderPayments(payments);
  return payments;
}

// ---------- auth ----------

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

async function withBusyForm(form, work) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

async function onSignup(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const { name, email, password } = formValues(form);
  if (!name || !email || !password) return showMessage('error', '이름, 이메일, 비밀번호를 모두 입력해 주세요.', 'invalid_form');
  if (String(password).length < 8) return showMessage('error', '비밀번호는 8자 이상이어야 합니다.', 'invalid_form');
  await withBusyForm(form, async () => {
    const r = await api('POST', `/api/auth/signup${langQuery()}`, { name, email, password });
    if (r.status === 201 || r.ok) {
      form.reset();
      showMessage('success', '가입되었습니다. 이제 플랜을 구매할 수 있습니다.', 'signed_up');
      await refreshAccount();
    } else if (r.status === 409) {
      showMessage('error', '이미 가입된 이메일입니다. 로그인해 주세요.', 'email_taken');
    } else {
      showMessage('error', errorText(r, '가입하지 못했습니다.'), 'signup_failed');
    }
  });
}

async function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const { email, password } = formValues(form);
  if (!email || !password) return showMessage('error', '이메일과 비밀번호를 입력해 주세요.', 'invalid_form');
  await withBusyForm(form, async () => {
    const r = await api('POST', '/api/auth/login', { email, password });
    if (r.ok) {
      form.reset();
      showMessage('success', '로그인되었습니다.', 'logged_in');
      await refreshAccount();
    } else if (r.status === 401) {
      showMessage('error', '이메일 또는 비밀번호가 올바르지 않습니다.', 'invalid_credentials');
    } else if (r.status === 429) {
      showMessage('error', '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.', 'too_many_attempts');
    } else {
      showMessage('error', errorText(r, '로그인하지 못했습니다.'), 'login_failed');
    }
  });
}

async function onLogout() {
  const r = await api('POST', '/api/auth/logout');
  if (!r.ok && r.status !== 401) return showMessage('error', errorText(r, '로그아웃하지 못했습니다.'), 'logout_failed');
  state.me = null;
  renderSession();
  renderMembership();
  showMessage('info', '로그아웃되었습니다.', 'logged_out');
}

// ---------- checkout ----------

const sdkLoads = new Map();

/** The sandbox SDK for sandbox merchant codes (same origin), Iamport's CDN script otherwise; loaded once, lazily. */
function loadIamportSdk(impCode) {
  return loadScript(String(impCode).startsWith('imp_sandbox') ? SANDBOX_SDK : IAMPORT_SDK, 'IMP', 'iamport-sdk');
}

/** The sandbox stand-in for sandbox client keys, Toss's v1 script otherwise. */
function loadTossSdk(clientKey) {
  return loadScript(String(clientKey).startsWith('test_ck_sandbox') ? TOSS_SANDBOX_SDK : TOSS_SDK, 'TossPayments', 'toss-sdk');
}

/** Adds a script once and answers the global it defines. */
function loadScript(src, globalName, testId) {
  if (!sdkLoads.has(src)) {
    sdkLoads.set(src, new Promise((resolve, reject) => {
      const script = el('script', { src, 'data-test': testId });
      script.addEventListener('load', () => (window[globalName] ? resolve(window[globalName]) : reject(new Error(`${globalName} missing`))));
      script.addEventListener('error', () => {
        sdkLoads.delete(src);
        script.remove();
        reject(new Error(`cannot load ${src}`));
      });
      document.head.append(script);
    }));
  }
  return sdkLoads.get(src);
}

function setOrdering(busy) {
  state.busy = busy;
  for (const b of document.querySelectorAll('.order')) b.disabled = busy;
  $('app').dataset.busy = busy ? 'true' : 'false';
}

async function onOrder(button) {
  const plan = button.dataset.plan;
  if (!state.me) {
    showMessage('error', '로그인이 필요합니다. 먼저 로그인하거나 회원가입해 주세요.', 'login_required');
    $('login-email').focus({ preventScroll: true });
    return;
  }
  if (state.busy) return;
  setOrdering(true);
  try {
    await checkout(plan, $('auto-renew').checked);
  } finally {
    setOrdering(false);
  }
}

async function checkout(plan, autoRenew) {
  showMessage('pending', '결제를 준비하고 있습니다…', 'preparing');
  const co = await api('POST', '/api/payment/checkout', { plan, auto_renew: autoRenew });
  if (co.status === 401) {
    await refreshAccount();
    return showMessage('error', '로그인이 필요합니다. 다시 로그인해 주세요.', 'login_required');
  }
  if (!co.ok) {
    const text = co.status === 503 || co.status === 502
      ? '결제사에 연결하지 못해 결제를 시작할 수 없습니다. 잠시 후 다시 시도해 주세요.'
      : errorText(co, '결제를 시작하지 못했습니다.');
    return showMessage('error', text, 'checkout_failed');
  }
  const order = co.data;
  const period = `${formatKst(order.period_start)} ~ ${formatKst(order.period_end)}`;
  // Already a member: this order runs on from the current end (maybe on another plan); the buyer says yes first.
  if (isLiveMember() && !(await confirmPurchase(plan, order, period))) {
    await reportFailure(order, { error_code: 'purchase_not_confirmed', error_msg: '구매자가 이용 기간 확인에서 취소했습니다.' });
    await refreshAccount();
    return showMessage('info', '결제를 진행하지 않았습니다. 요금은 청구되지 않았습니다.', 'purchase_not_confirmed');
  }
  if (order.gateway === 'toss') return payWithToss(order, period);
  if (order.gateway === 'portone') return payWithPortOne(order, period);

  let IMP;
  try {
    IMP = await loadIamportSdk(order.imp_code);
  } catch {
    await reportFailure(order, { error_code: 'sdk_unavailable', error_msg: '결제 모듈을 불러오지 못했습니다.' });
    return showMessage('error', '결제 모듈을 불러오지 못했습니다. 새로고침 후 다시 시도해 주세요.', 'sdk_unavailable');
  }
  IMP.init(order.imp_code);
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
  showMessage('pending', '결제창에서 결제를 진행해 주세요.', 'paying', `이용 기간: ${period}`);
  const rsp = await new Promise((resolve) => IMP.request_pay(params, resolve)) || {};

  // The current SDK may omit `success`: judge by error_code / imp_uid; the server decides anyway.
  const failed = Boolean(rsp.error_code) || !rsp.imp_uid || rsp.success === false || rsp.imp_success === false;
  if (failed) return handleFailure(order, rsp);
  return handleSuccess(order, rsp);
}

function isLiveMember() {
  const m = state.me && state.me.membership;
  return Boolean(m && ['active', 'past_due'].includes(m.status));
}

/** The in-page dialog with the period the order buys; answers true when the buyer confirms (Esc or 취소: false). */
function confirmPurchase(plan, order, period) {
  const dialog = $('purchase-confirm');
  const current = state.me.membership.plan;
  $('purchase-confirm-plan').textContent = planLabel(plan);
  $('purchase-confirm-amount').textContent = formatWon(order.amount);
  $('purchase-confirm-period').textContent = period;
  const change = $('purchase-confirm-plan-change');
  change.hidden = current === plan;
  change.textContent = current === plan ? '' : `플랜이 ${planLabel(current)}에서 ${planLabel(plan)}(으)로 바뀝니다 (${formatKst(order.period_start)}부터).`;
  dialog.returnValue = '';
  showMessage('info', '이용 기간을 확인해 주세요.', 'confirming', `이용 기간: ${period}`);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

function handleSuccess(order, rsp) {
  return validate(order.merchant_uid, { imp_uid: rsp.imp_uid });
}

/** Posts the PG's proof (imp_uid, payment_key or auth_key + customer_key) and shows the server's verdict. */
async function validate(merchantUid, proof) {
  showMessage('pending', '결제를 확인하고 있습니다…', 'validating');
  const r = await api('POST', '/api/payment/validation', { merchant_uid: merchantUid, ...proof });
  if (r.status === 200) return paid();
  if (r.status === 202 || r.status === 0 || r.status >= 500) return awaitConfirmation(merchantUid);
  await refreshAccount();
  if (r.status === 422) {
    const code = r.data && r.data.error && r.data.error.code;
    const payment = r.data && r.data.payment;
    // Toss declines at the server's confirm, so a refused card arrives here rather than in the window.
    if (code !== 'amount_mismatch' && payment && ['card_declined', 'user_cancelled'].includes(payment.failure_code)) {
      return showFailure(payment.failure_code, payment.failure_message);
    }
    const reason = code === 'amount_mismatch'
      ? '결제 금액이 주문 금액과 달라 결제가 취소되었습니다.'
      : '결제가 완료되지 않았습니다.';
    return showMessage('error', `결제에 실패했습니다. ${reason}`, 'failed', errorText(r, ''));
  }
  return showMessage('error', errorText(r, '결제를 확인하지 못했습니다.'), 'failed');
}

async function paid() {
  await refreshAccount();
  showMessage('success', '결제가 완료되었습니다. 멤버십이 활성화되었습니다.', 'paid');
}

/** The gateway could not answer yet: poll the account a few times before giving up politely. */
async function awaitConfirmation(merchantUid) {
  showMessage('pending', '결제를 확인하고 있습니다. 잠시만 기다려 주세요.', 'pending');
  for (let i = 0; i < PENDING_POLLS; i += 1) {
    await new Promise((r) => setTimeout(r, PENDING_POLL_MS));
    const payments = await refreshAccount();
    const payment = payments.find((p) => p.merchant_uid === merchantUid);
    if (payment && payment.status === 'paid') return showMessage('success', '결제가 완료되었습니다. 멤버십이 활성화되었습니다.', 'paid');
    if (payment && payment.status === 'failed') return showFailure(payment.failure_code, payment.failure_message);
  }
  showMessage('pending', '결제 확인이 늦어지고 있습니다. 확인되면 결제 내역에 표시됩니다. 잠시 후 새로고침해 주세요.', 'pending');
}

/** rsp: Iamport's callback fields, or for Toss {payment_key?, error_code, error_msg}, for PortOne V2 {payment_id?, error_code, error_msg}. */
function reportFailure(order, rsp) {
  const body = { merchant_uid: order.merchant_uid, error_code: rsp.error_code || 'unknown', error_msg: rsp.error_msg || '' };
  if (rsp.imp_uid) body.imp_uid = rsp.imp_uid;
  if (rsp.payment_key) body.payment_key = rsp.payment_key;
  if (rsp.payment_id) body.payment_id = rsp.payment_id;
  return api('POST', '/api/payment/failure', body);
}

/** Toss's fail codes for a buyer who pressed cancel in its window (the × is USER_CANCEL: window closed). */
const TOSS_BUYER_CANCEL = ['PAY_PROCESS_CANCELED'];

/** What the client saw, for when the server could not classify (or could not be reached). */
function classifyLocally(rsp) {
  if (TOSS_BUYER_CANCEL.includes(rsp.error_code)) return 'user_cancelled';
  if (!rsp.imp_uid && !rsp.payment_key && !rsp.payment_id) return 'window_closed';
  if (/취소|cancel/i.test(rsp.error_msg || '')) return 'user_cancelled';
  return 'card_declined';
}

async function handleFailure(order, rsp) {
  const r = await reportFailure(order, rsp);
  await refreshAccount();
  if (r.ok && r.data && r.data.status === 'paid') {
    return showMessage('success', '결제가 완료되었습니다. 멤버십이 활성화되었습니다.', 'paid');
  }
  const payment = r.ok && r.data ? r.data.payment : null;
  // Toss's cancel button leaves no record at Toss, so the server can only say "window closed"; the page knows better.
  const code = TOSS_BUYER_CANCEL.includes(rsp.error_code) ? 'user_cancelled' : (payment && payment.failure_code) || classifyLocally(rsp);
  showFailure(code, rsp.error_msg || (payment && payment.failure_message));
}

// ---------- PortOne V2 ----------

/**
 * PortOne.requestPayment with the checkout answer's `client` (its sdk_url is the sandbox stand-in or
 * PortOne's CDN); with auto-renew, requestIssueBillingKey for the customer, and the server charges
 * the first period with that key. The promise always resolves: `code` present means nothing was paid.
 */
async function payWithPortOne(order, period) {
  const c = order.client || {};
  let PortOne;
  try {
    PortOne = await loadScript(c.sdk_url, 'PortOne', 'portone-sdk');
  } catch {
    await reportFailure(order, { error_code: 'sdk_unavailable', error_msg: '결제 모듈을 불러오지 못했습니다.' });
    return showMessage('error', '결제 모듈을 불러오지 못했습니다. 새로고침 후 다시 시도해 주세요.', 'sdk_unavailable');
  }
  showMessage('pending', '결제창에서 결제를 진행해 주세요.', 'paying', `이용 기간: ${period}`);
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
    return handleFailure(order, {
      error_code: (result && result.code) || 'unknown', error_msg: (result && (result.pgMessage || result.message)) || '',
      ...(result && result.paymentId ? { payment_id: result.paymentId } : {}),
    });
  }
  if (c.customer_id) return validate(order.merchant_uid, { payment_id: c.payment_id, billing_key: result.billingKey, customer_key: c.customer_id });
  return validate(order.merchant_uid, { payment_id: result.paymentId });
}

// ---------- Toss Payments ----------

/** Opens Toss's window. On success / fail Toss navigates the page away; only the × settles the promise here. */
async function payWithToss(order, period) {
  let TossPayments;
  try {
    TossPayments = await loadTossSdk(order.client_key);
  } catch {
    await reportFailure(order, { error_code: 'sdk_unavailable', error_msg: '결제 모듈을 불러오지 못했습니다.' });
    return showMessage('error', '결제 모듈을 불러오지 못했습니다. 새로고침 후 다시 시도해 주세요.', 'sdk_unavailable');
  }
  const billing = Boolean(order.customer_key);
  const back = (result) => `${location.origin}${location.pathname}?pg=toss&result=${result}`;
  const urls = { successUrl: back('success'), failUrl: back('fail') };
  // The billing redirect carries no orderId: keep the order for the next load (this tab only).
  sessionStorage.setItem(TOSS_ORDER_KEY, JSON.stringify({ merchant_uid: order.merchant_uid, customer_key: order.customer_key || null }));
  const toss = TossPayments(order.client_key);
  showMessage('pending', '결제창에서 결제를 진행해 주세요.', 'paying', `이용 기간: ${period}`);
  let answer;
  try {
    answer = billing
      ? await toss.requestBillingAuth('카드', { customerKey: order.customer_key, ...urls })
      : await toss.requestPayment('카드', {
        amount: order.amount, orderId: order.merchant_uid, orderName: order.order_name,
        customerName: order.buyer_name, customerEmail: order.buyer_email, ...urls,
      });
  } catch (error) {
    // The × (USER_CANCEL) or a refusal before any redirect: no paymentKey exists.
    sessionStorage.removeItem(TOSS_ORDER_KEY);
    return handleFailure(order, { error_code: (error && error.code) || 'unknown', error_msg: (error && error.message) || '' });
  }
  // Only without a redirect (an SDK that resolves with the fields): handle the answer in place.
  if (answer && typeof answer === 'object') return handleTossReturn({ result: 'success', ...answer });
  return undefined;
}

/** The query Toss redirected back with, or null when this load is not a Toss return. */
function readTossReturn() {
  const q = new URLSearchParams(location.search);
  if (q.get('pg') !== 'toss') return null;
  const fields = Object.fromEntries(q.entries());
  // A reload must not post the same result again.
  history.replaceState(history.state, '', location.pathname);
  return fields;
}

/** successUrl: paymentKey, orderId, amount | authKey, customerKey. failUrl: code, message, orderId?. */
async function handleTossReturn(q) {
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(TOSS_ORDER_KEY) || 'null'); } catch { kept = null; }
  sessionStorage.removeItem(TOSS_ORDER_KEY);
  const merchantUid = q.orderId || (kept && kept.merchant_uid);
  if (!merchantUid) return showMessage('error', '결제 정보를 찾지 못했습니다. 결제 내역을 확인해 주세요.', 'failed');
  if (!state.me) return showMessage('error', '로그인이 필요합니다. 다시 로그인한 뒤 결제 내역을 확인해 주세요.', 'login_required');
  if (q.result === 'success' && q.paymentKey) return validate(merchantUid, { payment_key: q.paymentKey });
  if (q.result === 'success' && q.authKey) return validate(merchantUid, { auth_key: q.authKey, customer_key: q.customerKey || (kept && kept.customer_key) });
  return handleFailure({ merchant_uid: merchantUid }, { error_code: q.code || 'unknown', error_msg: q.message || '' });
}

function showFailure(code, pgMessage) {
  const detail = pgMessage ? `결제사 메시지: ${pgMessage}` : undefined;
  switch (code) {
    case 'window_closed':
      return showMessage('error', '결제창이 닫혀 결제가 진행되지 않았습니다. 요금은 청구되지 않았습니다.', 'window_closed');
    case 'user_cancelled':
      return showMessage('error', '결제를 취소하셨습니다. 요금은 청구되지 않았습니다.', 'user_cancelled', detail);
    case 'card_declined':
      return showMessage('error', '카드 승인이 거절되었습니다(거절·한도 초과·잔액 부족). 다른 카드로 다시 시도해 주세요.', 'card_declined', detail);
    default:
      return showMessage('error', '결제에 실패했습니다. 잠시 후 다시 시도해 주세요.', 'failed', detail);
  }
}

// ---------- membership: refund quote, cancel, auto-renew, stored card ----------

function notAvailable(r) {
  return r.status === 404 || r.status === 405 || r.status === 501;
}

async function onRefundQuote() {
  const out = $('refund-quote');
  out.hidden = false;
  out.textContent = '계산 중…';
  const r = await api('GET', '/api/membership/refund-quote');
  delete out.dataset.refundable;
  if (r.ok) {
    const q = r.data;
    out.dataset.refundable = String(q.refundable);
    out.dataset.rule = q.rule;
    const lines = [`지금 해지하면 ${formatWon(q.refundable)} 환불됩니다.`];
    const purchases = q.purchases || [];
    if (purchases.length > 1) {
      for (const p of purchases) lines.push(`· ${formatKst(p.period_start)} ~ ${formatKst(p.period_end)} 결제분 ${formatWon(p.amount)}: ${formatWon(p.refundable)} (${p.rule_name})`);
    } else {
      lines.push(`적용 기준: ${q.rule_name || q.rule} (이용 ${q.used_days}일 / ${q.total_days}일)`);
      if (q.rule_reason) lines.push(q.rule_reason);
    }
    out.replaceChildren(...lines.flatMap((line, i) => (i === 0 ? [line] : [el('br', {}), line])));
  } else if (notAvailable(r)) {
    out.textContent = '환불 예상 금액 조회는 아직 준비 중입니다.';
  } else if (r.status === 409) {
    out.textContent = '해지할 수 있는 멤버십이 없습니다.';
  } else {
    out.textContent = errorText(r, '환불 예상 금액을 불러오지 못했습니다.');
  }
}

async function cancelMembership(refund) {
  $('cancel-confirm').hidden = true;
  // Replaces the previous outcome at once, so nobody reads the old message as this one's.
  showMessage('info', '멤버십 해지를 처리하고 있습니다…', 'cancelling');
  const r = await api('POST', '/api/membership/cancel', { refund });
  // The page says exactly what the API says: refunded (200), still being processed (202), refused (502).
  if (r.status === 202 && r.data && r.data.refund) {
    await refreshAccount();
    return showMessage('success', `멤버십이 해지되었습니다. ${formatWon(r.data.refund.amount)} 환불은 결제사 확인을 기다리며 처리 중입니다. 결과는 결제 내역에 표시됩니다.`, 'refund_pending');
  }
  if (r.ok) {
    await refreshAccount();
    const refunded = r.data.refund && r.data.refund.amount;
    return showMessage('success', refund
      ? `멤버십이 해지되었습니다.${refunded ? ` ${formatWon(refunded)} 환불되었습니다.` : ''}`
      : '현재 기간이 끝나면 멤버십이 해지됩니다.', 'cancelled');
  }
  if (r.status === 502 && r.data && r.data.error && r.data.error.code === 'gateway_rejected') {
    await refreshAccount();
    const partly = r.data.error.details && r.data.error.details.refunded_amount;
    return showMessage('error', `결제사가 환불을 거절해 멤버십은 해지되지 않았습니다.${partly ? ` (${formatWon(partly)}은 환불되었습니다.)` : ''} 잠시 후 다시 시도하거나 고객센터로 문의해 주세요.`,
      'refund_rejected', r.data.error.message);
  }
  if (notAvailable(r)) return showMessage('error', '멤버십 해지는 아직 준비 중입니다. 고객센터로 문의해 주세요.', 'unavailable');
  if (r.status === 409) return showMessage('error', '해지할 수 있는 멤버십이 없습니다.', 'no_active_membership');
  showMessage('error', errorText(r, '멤버십을 해지하지 못했습니다.'), 'cancel_failed');
}

async function onAutoRenewToggle(event) {
  const box = event.currentTarget;
  const enabled = box.checked;
  const out = $('auto-renew-result');
  box.disabled = true;
  const r = await api('POST', '/api/membership/auto-renew', { enabled });
  box.disabled = false;
  delete out.dataset.outcome;
  if (r.ok) {
    out.textContent = enabled ? '자동 갱신을 켰습니다.' : '자동 갱신을 껐습니다. 등록된 카드는 멤버십이 끝날 때까지 보관되어 다시 켤 수 있습니다.';
    await refreshAccount();
    return;
  }
  box.checked = !enabled;
  if (notAvailable(r)) out.textContent = '자동 갱신 설정은 아직 준비 중입니다.';
  else if (r.status === 409) out.textContent = '등록된 카드가 없습니다. "자동 갱신"을 선택하고 결제하면 카드가 등록됩니다.';
  else out.textContent = errorText(r, '자동 갱신 설정을 바꾸지 못했습니다.');
}

/** DELETE /api/membership/card: auto-renew ends and the PG deletes the stored card; without one, 409 no_billing_key. */
async function onRemoveCard() {
  const button = $('remove-card');
  const out = $('auto-renew-result');
  button.disabled = true;
  const r = await api('DELETE', '/api/membership/card');
  button.disabled = false;
  if (r.ok) {
    out.textContent = '등록된 카드를 삭제했습니다. 자동 갱신이 꺼졌고, 다시 켜려면 결제할 때 카드를 새로 등록해야 합니다.';
    out.dataset.outcome = 'card_removed';
    await refreshAccount();
    return;
  }
  out.dataset.outcome = (r.data && r.data.error && r.data.error.code) || 'failed';
  if (r.status === 409 && r.data && r.data.error && r.data.error.code === 'no_billing_key') out.textContent = '등록된 카드가 없습니다.';
  else if (r.status === 409) out.textContent = '카드를 삭제할 멤버십이 없습니다.';
  else out.textContent = errorText(r, '카드를 삭제하지 못했습니다.');
}

// ---------- test clock (sandbox only) ----------

const RUN_FIELDS = ['due', 'charged', 'failed', 'skipped', 'reminded', 'ended'];
const RUN_LABELS = { due: '대상', charged: '결제', failed: '실패', skipped: '건너뜀', reminded: '알림', ended: '종료' };

/** The panel appears only when the PG is a sandbox (no real money can move). */
function showTestClock() {
  $('test-clock').hidden = false;
  renderClock();
}

function adminApi(method, path, body) {
  const token = $('admin-token').value.trim();
  sessionStorage.setItem(ADMIN_TOKEN_KEY, token);
  return token ? apiWithHeaders(method, path, body, { authorization: `Bearer ${token}` }) : Promise.resolve({ status: 401, ok: false, data: null });
}

async function apiWithHeaders(method, path, body, headers) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json', ...headers } };
  if (method !== 'GET') init.body = JSON.stringify(body || {});
  try {
    const res = await fetch(path, init);
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    return { status: res.status, ok: res.ok, data };
  } catch (error) {
    return { status: 0, ok: false, data: null, networkError: error };
  }
}

/** The server's virtual time as last answered, run on by the wall clock (the server's clock runs on too). */
function knownClock() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(CLOCK_KEY) || 'null');
    if (kept && kept.now) return new Date(new Date(kept.now).getTime() + (Date.now() - kept.at));
  } catch {
    // fall through: unknown
  }
  return null;
}

function renderClock() {
  const now = knownClock();
  const out = $('clock-now');
  out.textContent = now ? formatKst(now.toISOString()) : '시스템 시간 (아직 바꾸지 않음)';
  if (now) out.dataset.now = now.toISOString();
  else delete out.dataset.now;
}

function clockStep(from, step) {
  const next = new Date(from.getTime());
  if (step === '1d') next.setDate(next.getDate() + 1);
  else if (step === '7d') next.setDate(next.getDate() + 7);
  else if (step === '1m') next.setMonth(next.getMonth() + 1);
  return next;
}

function adminErrorText(r) {
  if (r.status === 401) return '관리자 토큰이 올바르지 않습니다.';
  if (r.status === 404) return '관리자 API가 꺼져 있습니다 (ADMIN_TOKEN=... npm start 로 켤 수 있습니다).';
  const code = r.data && r.data.error && r.data.error.code;
  if (code === 'test_clock_disabled') return '테스트 시계가 꺼져 있습니다 (TEST_CLOCK=on).';
  return errorText(r, '요청에 실패했습니다.');
}

function setClockBusy(busy) {
  for (const b of $('test-clock').querySelectorAll('button')) b.disabled = busy;
}

/** After the clock moved or renewals ran: the account again. */
async function refreshAfterClock(text) {
  const wasLoggedIn = Boolean(state.me);
  await refreshAccount();
  const out = $('test-clock-result');
  if (wasLoggedIn && !state.me) out.textContent = `${text} 가상 시각이 세션 만료(7일)를 지나 로그아웃되었습니다. 다시 로그인해 주세요.`;
  else out.textContent = text;
}

async function onClockStep(step) {
  const out = $('test-clock-result');
  delete out.dataset.outcome;
  setClockBusy(true);
  try {
    // Step from the server's own virtual time.
    const current = await adminApi('GET', '/api/admin/clock');
    if (!current.ok) {
      out.textContent = adminErrorText(current);
      out.dataset.outcome = 'error';
      return;
    }
    const next = clockStep(new Date(current.data.now), step);
    const r = await adminApi('POST', '/api/admin/clock', { now: step === 'reset' ? null : next.toISOString() });
    if (!r.ok) {
      out.textContent = adminErrorText(r);
      out.dataset.outcome = 'error';
      return;
    }
    if (step === 'reset') sessionStorage.removeItem(CLOCK_KEY);
    else sessionStorage.setItem(CLOCK_KEY, JSON.stringify({ now: r.data.now, at: Date.now() }));
    renderClock();
    await refreshAfterClock(step === 'reset' ? '시스템 시간으로 돌아왔습니다.' : `가상 시각을 ${formatKst(r.data.now)}(으)로 옮겼습니다.`);
    out.dataset.outcome = 'clock';
  } finally {
    setClockBusy(false);
  }
}

async function onRenewalsRun() {
  const out = $('test-clock-result');
  delete out.dataset.outcome;
  setClockBusy(true);
  try {
    const r = await adminApi('POST', '/api/admin/renewals/run', {});
    if (!r.ok) {
      out.textContent = adminErrorText(r);
      out.dataset.outcome = 'error';
      return;
    }
    await refreshAfterClock(`갱신 실행: ${RUN_FIELDS.map((k) => `${RUN_LABELS[k]} ${r.data[k] ?? 0}`).join(' · ')}`);
    // Marked last: whoever waits for the outcome finds the text and the refreshed account already there.
    for (const k of RUN_FIELDS) out.dataset[k] = String(r.data[k] ?? 0);
    out.dataset.outcome = 'renewals';
  } finally {
    setClockBusy(false);
  }
}

// ---------- start ----------

function bind() {
  $('signup-form').addEventListener('submit', onSignup);
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  $('plans').addEventListener('click', (event) => {
    const button = event.target.closest('.order');
    if (button) onOrder(button);
  });
  $('refund-quote-button').addEventListener('click', onRefundQuote);
  $('cancel-button').addEventListener('click', () => { $('cancel-confirm').hidden = false; });
  $('cancel-abort').addEventListener('click', () => { $('cancel-confirm').hidden = true; });
  $('cancel-with-refund').addEventListener('click', () => cancelMembership(true));
  $('cancel-at-period-end').addEventListener('click', () => cancelMembership(false));
  $('membership-auto-renew').addEventListener('change', onAutoRenewToggle);
  $('remove-card').addEventListener('click', onRemoveCard);
  $('message').addEventListener('dblclick', clearMessage);
  $('admin-token').value = sessionStorage.getItem(ADMIN_TOKEN_KEY) || '';
  for (const b of document.querySelectorAll('[data-clock-step]')) b.addEventListener('click', () => onClockStep(b.dataset.clockStep));
  $('clock-reset').addEventListener('click', () => onClockStep('reset'));
  $('renewals-run').addEventListener('click', onRenewalsRun);
  $('test-clock').addEventListener('toggle', renderClock);
}

/** A visitor who is not logged in is not asked for /api/me (its 401 would be a console error on every load). */
async function loadSession() {
  const session = await api('GET', '/api/session');
  if (session.ok && session.data.sandbox) showTestClock();
  if (session.ok && !session.data.signed_in) return showAccount({ ok: false, status: 401, data: null });
  return refreshAccount();
}

async function start() {
  const tossReturn = readTossReturn();
  bind();
  await Promise.all([loadPlans(), loadSession()]);
  renderMembership();
  document.body.dataset.ready = 'true';
  if (tossReturn) {
    setOrdering(true);
    try { await handleTossReturn(tossReturn); } finally { setOrdering(false); }
  }
}

start();
