// memberpay web page: plans, sign-up / log-in, checkout through the PG's SDK, account.
// Talks only to the JSON API (DESIGN §6). The server decides every payment outcome;
// the page reports what the PG window said and shows what the server answered.
//
// The page names no PG: the configured PG's browser script (its folder's <pg>.browser.js, served as
// /gateway.js) opens that PG's window; see "the configured PG's window" below for what it exports.
//
// DOM hooks for tests: #message[data-kind][data-outcome] (outcome words: paid, pending, card_declined,
// user_cancelled, window_closed, failed, login_required, cancelled, ...), [data-test=payment-row][data-status],
// #membership-status[data-status], #test-clock (+ #admin-token, [data-clock-step], #renewals-run,
// #test-clock-result[data-charged] ...).

import { addTexts, currentLanguage, pickLanguage, setLanguage, t, translatePage } from './i18n.js';

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
  if (r.status === 0) return t('error.network');
  const error = r.data && r.data.error;
  if (error && error.details && error.details.length) {
    return `${error.message || fallback} (${error.details.map((d) => d.message || d).join(', ')})`;
  }
  return (error && error.message) || fallback || t('error.http', { status: r.status });
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

const MEMBERSHIP_STATUSES = ['active', 'past_due', 'cancelled', 'expired'];
const PAYMENT_STATUSES = ['await', 'paid', 'failed', 'cancelled'];
const FAILURE_CODES = ['window_closed', 'user_cancelled', 'card_declined', 'amount_mismatch', 'prepare_rejected', 'expired', 'gateway_failed'];

/** A word of a known set in the page's language (`prefix.word`), or the word itself when it is new to the page. */
function known(words, prefix, word) {
  return words.includes(word) ? t(`${prefix}.${word}`) : word;
}

/** The plan's name as GET /api/plans gives it (Korean, or English with ?lang=en). */
function planLabel(planId) {
  const plan = state.plans.find((p) => p.id === planId);
  return (plan && plan.name) || planId || '';
}

/** The page's language, passed on to the API: plan names, refund rules, and the language of a new member's notices. */
function langQuery() {
  return `?lang=${currentLanguage()}`;
}

/** The `?lang=` of the page's address as given (null without one). */
function askedLanguage() {
  return new URLSearchParams(location.search).get('lang');
}

/** Korean unless `?lang=en`, or an English browser without `?lang`; the static texts, title and `<html lang>` follow. */
function applyLanguage() {
  setLanguage(pickLanguage(location.search, navigator.languages || [navigator.language]));
  document.documentElement.lang = currentLanguage();
  document.title = t('page.title');
  translatePage(document, { provider: t('gateway.provider') });
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
    list.replaceChildren(el('li', { className: 'muted', text: t('plans.none') }));
    return;
  }
  list.replaceChildren(...state.plans.map((plan) => {
    const per = plan.interval_count > 1
      ? t(plan.interval === 'year' ? 'plans.per.years' : 'plans.per.months', { count: plan.interval_count })
      : known(['month', 'year'], 'plans.per', plan.interval);
    return el('li', { className: 'plan', 'data-test': 'plan', 'data-plan': plan.id }, [
      el('h3', { 'data-test': 'plan-name', text: planLabel(plan.id) }),
      el('p', { className: 'price' }, [
        el('span', { className: 'amount', 'data-test': 'plan-amount', text: formatWon(plan.amount) }),
        el('span', { className: 'per', text: ` / ${per}` }),
      ]),
      refundTerms(plan),
      el('button', { type: 'button', className: 'order btn btn-primary', 'data-plan': plan.id, 'data-test': 'order', text: t('plans.order') }),
      ...(plan.trial_days
        ? [el('button', { type: 'button', className: 'trial btn', 'data-plan': plan.id, 'data-test': 'trial', text: t('plans.trial', { days: plan.trial_days }) })]
        : []),
    ]);
  }));
}

/** The plan's refund terms, shown before purchase as the API discloses them (nothing when a build does not). */
function refundTerms(plan) {
  const terms = plan.refund_policy;
  if (!terms || terms.withdrawal_days === null || terms.withdrawal_days === undefined) return null;
  const key = terms.fee_percent ? 'plans.refundTerms' : 'plans.refundTermsNoFee';
  return el('p', { className: 'refund-terms muted', 'data-test': 'plan-refund-terms', text: t(key, { days: terms.withdrawal_days, fee: terms.fee_percent }) });
}

function renderSession() {
  const me = state.me;
  $('session').hidden = !me;
  $('auth-section').hidden = Boolean(me);
  $('account-section').hidden = !me;
  $('app').dataset.state = me ? 'logged-in' : 'logged-out';
  if (me) $('session-user').textContent = t('session.user', { name: me.user.name || me.user.email });
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
  status.textContent = known(MEMBERSHIP_STATUSES, 'membershipStatus', m.status);
  status.dataset.status = m.status;
  // An ended membership shows when access ended (a cancel with refund ends it before the period end).
  $('membership-period').textContent = m.current_period_start
    ? `${formatKst(m.current_period_start)} ~ ${formatKst(m.ended_at || m.current_period_end)}${m.ended_at ? t('account.periodEnded') : ''}`
    : '-';
  let next = m.next_charge_at ? t('account.nextChargeAt', { time: formatKst(m.next_charge_at) }) : t('account.noAutoRenew');
  if (m.cancel_at_period_end) next = t('account.cancelsAt', { time: formatKst(m.current_period_end) });
  // Past due: the charge due at the period end failed; the server retries on its dunning schedule.
  if (m.status === 'past_due' && m.auto_renew) next = t('account.pastDueRetry', { time: formatKst(m.current_period_end) });
  if (m.trial_ends_at && m.auto_renew && m.current_period_end === m.trial_ends_at) next = `${t('account.trialEndsAt', { time: formatKst(m.trial_ends_at) })} · ${next}`;
  $('membership-next-charge').textContent = next;
  $('membership-auto-renew').checked = Boolean(m.auto_renew);
}

function renderPayments(payments) {
  const body = $('payments-body');
  $('payments').hidden = payments.length === 0;
  $('payments-empty').hidden = payments.length > 0;
  body.replaceChildren(...payments.map((p) => {
    let note = p.failure_code ? known(FAILURE_CODES, 'failure', p.failure_code) : '';
    if (p.failure_message) note = note ? `${note}: ${p.failure_message}` : p.failure_message;
    if (p.cancelled_amount > 0) note = `${note ? `${note} · ` : ''}${t('payments.refund', { amount: formatWon(p.cancelled_amount) })}`;
    // Refunds not (yet) done are shown as what they are: never as refunded.
    for (const r of p.refunds || []) {
      if (r.status === 'pending') note = `${note ? `${note} · ` : ''}${t('payments.refundPending', { amount: formatWon(r.amount) })}`;
      if (r.status === 'rejected') note = `${note ? `${note} · ` : ''}${t('payments.refundRejected', { amount: formatWon(r.amount) })}`;
    }
    return el('tr', { 'data-test': 'payment-row', 'data-merchant-uid': p.merchant_uid, 'data-status': p.status }, [
      el('td', { 'data-label': t('payments.orderNo'), className: 'uid', text: p.merchant_uid }),
      el('td', { 'data-label': t('payments.amount'), className: 'amount', 'data-test': 'payment-amount', text: formatWon(p.amount) }),
      el('td', { 'data-label': t('payments.status'), className: 'status' }, [
        el('span', { className: 'badge', 'data-status': p.status, 'data-test': 'payment-status', text: known(PAYMENT_STATUSES, 'paymentStatus', p.status) }),
      ]),
      el('td', { 'data-label': t('payments.timeShort'), className: 'time', text: formatKst(p.paid_at || p.created_at) }),
      el('td', { 'data-label': t('payments.note'), className: 'note', 'data-test': 'payment-note', text: note || '-' }),
    ]);
  }));
}

// ---------- loading state ----------

async function loadPlans() {
  const r = await api('GET', `/api/plans${langQuery()}`);
  if (!r.ok) {
    $('plans').replaceChildren(el('li', { className: 'muted', text: errorText(r, t('plans.loadFailed')) }));
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
    if (me.status !== 401) showMessage('error', errorText(me, t('error.accountLoad')), 'me_failed');
    return [];
  }
  const [list, consents] = await Promise.all([api('GET', '/api/payments'), api('GET', '/api/membership/consents')]);
  const payments = list.ok ? list.data.payments || [] : [];
  renderPayments(payments);
  renderConsents(consents.ok ? consents.data.consents || [] : []);
  return payments;
}

/**
 * A pending request before a higher charge: the date, old and new price, the card, the deadline and
 * what not agreeing does, with two answers of equal weight (same element, same style; neither preselected).
 */
function renderConsents(consents) {
  const box = $('consents');
  const open = consents.filter((c) => c.answerable);
  box.hidden = open.length === 0;
  box.replaceChildren(...open.map((c) => el('div', { 'data-test': 'consent', 'data-consent-id': c.id, className: 'confirm' }, [
    el('h3', { text: t('consent.title') }),
    el('p', { 'data-test': 'consent-change', text: t('consent.change', { time: formatKst(c.effective_at), old: formatWon(c.old_amount), new: formatWon(c.new_amount) }) }),
    el('p', { className: 'small', text: t('consent.card') }),
    el('p', { className: 'small', 'data-test': 'consent-deadline', text: t('consent.deadline', { time: formatKst(c.deadline) }) }),
    el('p', { className: 'small', text: t('consent.cancel') }),
    el('div', { className: 'row consent-answers' }, [
      consentButton(c, true),
      consentButton(c, false),
    ]),
  ])));
}

function consentButton(consent, accept) {
  const button = el('button', { type: 'button', className: 'btn', 'data-test': accept ? 'consent-accept' : 'consent-decline', text: t(accept ? 'consent.accept' : 'consent.decline') });
  button.addEventListener('click', () => answerConsent(consent, accept));
  return button;
}

async function answerConsent(consent, accept) {
  const r = await api('POST', `/api/membership/consents/${encodeURIComponent(consent.id)}`, { accept });
  if (!r.ok) {
    showMessage('error', errorText(r, t('consent.failed')), 'consent_failed');
    return;
  }
  // The account first, so the message appears with the answered request gone and the membership as it now is.
  await refreshAccount();
  // A request that no longer applied (its period already paid for, the price changed) took no answer and changed nothing.
  if (r.data.consent && r.data.consent.moot_reason) {
    showMessage('success', t('consent.moot'), 'consent_moot');
    return;
  }
  showMessage('success', t(accept ? 'consent.accepted' : 'consent.declined'), accept ? 'consent_accepted' : 'consent_declined');
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
  const { name, email, password, phone } = formValues(form);
  if (!name || !email || !password) return showMessage('error', t('signup.missing'), 'invalid_form');
  if (String(password).length < 8) return showMessage('error', t('signup.shortPassword'), 'invalid_form');
  await withBusyForm(form, async () => {
    // Optional: left blank, no number is sent (the API checks a given one is a Korean mobile number).
    const r = await api('POST', `/api/auth/signup${langQuery()}`, { name, email, password, ...(phone ? { phone } : {}) });
    if (r.status === 201 || r.ok) {
      form.reset();
      showMessage('success', t('signup.done'), 'signed_up');
      await refreshAccount();
    } else if (r.status === 409) {
      showMessage('error', t('signup.emailTaken'), 'email_taken');
    } else {
      showMessage('error', errorText(r, t('signup.failed')), 'signup_failed');
    }
  });
}

async function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const { email, password } = formValues(form);
  if (!email || !password) return showMessage('error', t('login.missing'), 'invalid_form');
  await withBusyForm(form, async () => {
    const r = await api('POST', '/api/auth/login', { email, password });
    if (r.ok) {
      form.reset();
      showMessage('success', t('login.done'), 'logged_in');
      await refreshAccount();
    } else if (r.status === 401) {
      showMessage('error', t('login.invalid'), 'invalid_credentials');
    } else if (r.status === 429) {
      showMessage('error', t('login.tooMany'), 'too_many_attempts');
    } else {
      showMessage('error', errorText(r, t('login.failed')), 'login_failed');
    }
  });
}

async function onLogout() {
  const r = await api('POST', '/api/auth/logout');
  if (!r.ok && r.status !== 401) return showMessage('error', errorText(r, t('logout.failed')), 'logout_failed');
  state.me = null;
  renderSession();
  renderMembership();
  showMessage('info', t('logout.done'), 'logged_out');
}

// ---------- the configured PG's window ----------
//
// /gateway.js is the configured PG's browser script (GET /gateway.js serves the file its PG module
// names). It exports:
//   TEXTS                 {ko: {...}, en: {...}}: its own words (at least `gateway.provider`), added to the dictionary;
//   open(order, page)     opens its window for the checkout answer `order` (its `client` object is the PG's);
//                         `page` is {loadScript(src, globalName, testId), opening()} (opening: the window is up).
//                         Resolves with an outcome: {proof} (the fields POST /api/payment/validation takes
//                         for this PG), {failure: {error_code, error_msg, proof, buyerCancelled?}} (the window
//                         refused; proof: the PG's record of it, if any), {unavailable: true} (its SDK did not
//                         load), {away: true} (the PG navigates the page away), or {returned} (see readReturn);
//   storeCard(offer, page) stores a card without a charge for the free-trial offer `offer` (POST /api/membership/trial's
//                         answer; its `client` is the PG's); resolves like open, `proof` being the fields
//                         POST /api/membership/trial/confirm takes for this PG ({} for Iamport);
//   readReturn()          optional, for PGs that redirect back: on a load that is such a return, cleans the
//                         address and answers {merchantUid, proof | failure}, or {trialPlan, proof | failure}
//                         after storeCard; null otherwise.

/** The configured PG's browser script, once loaded (null: it did not load). */
let gateway = null;

async function loadGateway() {
  try {
    gateway = await import('./gateway.js');
  } catch {
    gateway = null;
  }
  if (gateway && gateway.TEXTS) addTexts(gateway.TEXTS);
}

const sdkLoads = new Map();

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
  for (const b of document.querySelectorAll('.order, .trial')) b.disabled = busy;
  $('app').dataset.busy = busy ? 'true' : 'false';
}

async function onOrder(button) {
  const plan = button.dataset.plan;
  if (!state.me) {
    showMessage('error', t('order.loginRequired'), 'login_required');
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
  showMessage('pending', t('order.preparing'), 'preparing');
  const co = await api('POST', '/api/payment/checkout', { plan, auto_renew: autoRenew });
  if (co.status === 401) {
    await refreshAccount();
    return showMessage('error', t('order.loginAgain'), 'login_required');
  }
  if (!co.ok) {
    const text = co.status === 503 || co.status === 502
      ? t('order.gatewayDown')
      : errorText(co, t('order.startFailed'));
    return showMessage('error', text, 'checkout_failed');
  }
  const order = co.data;
  const period = `${formatKst(order.period_start)} ~ ${formatKst(order.period_end)}`;
  // Already a member: this order runs on from the current end (maybe on another plan); the buyer says yes first.
  if (isLiveMember() && !(await confirmPurchase(plan, order, period))) {
    await reportFailure(order, { error_code: 'purchase_not_confirmed', error_msg: t('confirm.declinedByBuyer') });
    await refreshAccount();
    return showMessage('info', t('confirm.notPaid'), 'purchase_not_confirmed');
  }
  if (!gateway) await loadGateway();
  if (!gateway) return settle(order, { unavailable: true });
  const page = { loadScript, opening: () => showMessage('pending', t('order.inWindow'), 'paying', t('order.period', { period })) };
  return settle(order, await gateway.open(order, page));
}

async function onTrial(button) {
  if (!state.me) {
    showMessage('error', t('order.loginRequired'), 'login_required');
    $('login-email').focus({ preventScroll: true });
    return;
  }
  if (state.busy) return;
  setOrdering(true);
  try {
    await startTrial(button.dataset.plan);
  } finally {
    setOrdering(false);
  }
}

/** A free trial: the server's offer, the PG's window stores the card (storeCard), nothing is charged. */
async function startTrial(plan) {
  showMessage('pending', t('trial.preparing'), 'preparing');
  const offer = await api('POST', '/api/membership/trial', { plan });
  if (!offer.ok) return showMessage('error', errorText(offer, t('trial.startFailed')), 'trial_refused');
  if (!gateway) await loadGateway();
  if (!gateway || !gateway.storeCard) return showMessage('error', t('order.sdkUnavailable'), 'sdk_unavailable');
  const page = { loadScript, opening: () => showMessage('pending', t('trial.inWindow'), 'storing_card') };
  return settleTrial(plan, await gateway.storeCard(offer.data, page));
}

/** What the card window answered for a trial: its proof goes to trial/confirm; the server asks the PG. */
async function settleTrial(plan, outcome) {
  if (!outcome || outcome.away) return undefined;
  if (outcome.unavailable) return showMessage('error', t('order.sdkUnavailable'), 'sdk_unavailable');
  if (outcome.failure) return showMessage('error', t('trial.notStarted'), 'card_not_stored', outcome.failure.error_msg || '');
  const r = await api('POST', '/api/membership/trial/confirm', { plan, ...(outcome.proof || {}) });
  await refreshAccount();
  if (r.status !== 201) return showMessage('error', errorText(r, t('trial.startFailed')), 'trial_refused');
  return showMessage('success', t('trial.started', { date: formatKst(r.data.membership.trial_ends_at) }), 'trial_started');
}

/** What the PG's window answered (see "the configured PG's window"), settled with the server. */
async function settle(order, outcome) {
  if (!outcome || outcome.away) return undefined;
  if (outcome.returned) return settleReturn(outcome.returned);
  if (outcome.unavailable) {
    await reportFailure(order, { error_code: 'sdk_unavailable', error_msg: t('order.sdkFailed') });
    return showMessage('error', t('order.sdkUnavailable'), 'sdk_unavailable');
  }
  if (outcome.failure) return handleFailure(order, outcome.failure);
  return validate(order.merchant_uid, outcome.proof);
}

/** A PG's redirect back to the page (readReturn): the order (or trial) it names, settled once the account is known. */
async function settleReturn(ret) {
  if (ret.trialPlan) return state.me ? settleTrial(ret.trialPlan, ret) : showMessage('error', t('order.returnLoginRequired'), 'login_required');
  if (!ret.merchantUid) return showMessage('error', t('order.returnNoOrder'), 'failed');
  if (!state.me) return showMessage('error', t('order.returnLoginRequired'), 'login_required');
  return settle({ merchant_uid: ret.merchantUid }, ret);
}

function isLiveMember() {
  const m = state.me && state.me.membership;
  return Boolean(m && ['active', 'past_due'].includes(m.status));
}

/** The in-page dialog with the period the order buys; answers true when the buyer confirms (Esc or its cancel button: false). */
function confirmPurchase(plan, order, period) {
  const dialog = $('purchase-confirm');
  const current = state.me.membership.plan;
  $('purchase-confirm-plan').textContent = planLabel(plan);
  $('purchase-confirm-amount').textContent = formatWon(order.amount);
  $('purchase-confirm-period').textContent = period;
  const change = $('purchase-confirm-plan-change');
  change.hidden = current === plan;
  change.textContent = current === plan ? '' : t('confirm.planChange', { from: planLabel(current), to: planLabel(plan), start: formatKst(order.period_start) });
  dialog.returnValue = '';
  showMessage('info', t('confirm.message'), 'confirming', t('order.period', { period }));
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/** Posts the PG's proof (its own fields: the PG's script names them) and shows the server's verdict. */
async function validate(merchantUid, proof) {
  showMessage('pending', t('order.validating'), 'validating');
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
    const reason = t(code === 'amount_mismatch' ? 'order.amountMismatch' : 'order.notCompleted');
    return showMessage('error', t('order.failedBecause', { reason }), 'failed', errorText(r, ''));
  }
  return showMessage('error', errorText(r, t('order.validateFailed')), 'failed');
}

async function paid() {
  await refreshAccount();
  showMessage('success', t('order.paid'), 'paid');
}

/** The gateway could not answer yet: poll the account a few times before giving up politely. */
async function awaitConfirmation(merchantUid) {
  showMessage('pending', t('order.pending'), 'pending');
  for (let i = 0; i < PENDING_POLLS; i += 1) {
    await new Promise((r) => setTimeout(r, PENDING_POLL_MS));
    const payments = await refreshAccount();
    const payment = payments.find((p) => p.merchant_uid === merchantUid);
    if (payment && payment.status === 'paid') return showMessage('success', t('order.paid'), 'paid');
    if (payment && payment.status === 'failed') return showFailure(payment.failure_code, payment.failure_message);
  }
  showMessage('pending', t('order.pendingLate'), 'pending');
}

/** failure: {error_code, error_msg, proof?}: the window's refusal, with the PG's record of it (its own fields) if any. */
function reportFailure(order, failure) {
  return api('POST', '/api/payment/failure', {
    merchant_uid: order.merchant_uid, error_code: failure.error_code || 'unknown', error_msg: failure.error_msg || '', ...(failure.proof || {}),
  });
}

/** What the client saw, for when the server could not classify (or could not be reached). */
function classifyLocally(failure) {
  if (failure.buyerCancelled) return 'user_cancelled';
  if (Object.keys(failure.proof || {}).length === 0) return 'window_closed';
  if (/취소|cancel/i.test(failure.error_msg || '')) return 'user_cancelled';
  return 'card_declined';
}

async function handleFailure(order, failure) {
  const r = await reportFailure(order, failure);
  await refreshAccount();
  if (r.ok && r.data && r.data.status === 'paid') {
    return showMessage('success', t('order.paid'), 'paid');
  }
  const payment = r.ok && r.data ? r.data.payment : null;
  // A PG whose cancel button leaves no record at the PG lets the server only say "window closed"; its script knows better.
  const code = failure.buyerCancelled ? 'user_cancelled' : (payment && payment.failure_code) || classifyLocally(failure);
  showFailure(code, failure.error_msg || (payment && payment.failure_message));
}

function showFailure(code, pgMessage) {
  const detail = pgMessage ? t('order.pgMessage', { message: pgMessage }) : undefined;
  switch (code) {
    case 'window_closed':
      return showMessage('error', t('order.windowClosed'), 'window_closed');
    case 'user_cancelled':
      return showMessage('error', t('order.userCancelled'), 'user_cancelled', detail);
    case 'card_declined':
      return showMessage('error', t('order.cardDeclined'), 'card_declined', detail);
    default:
      return showMessage('error', t('order.failed'), 'failed', detail);
  }
}

// ---------- membership: refund quote, cancel, auto-renew, stored card ----------

function notAvailable(r) {
  return r.status === 404 || r.status === 405 || r.status === 501;
}

async function onRefundQuote() {
  await showRefundQuote($('refund-quote'));
}

/** GET /api/membership/refund-quote into `out` (data-refundable: the amount, for tests); the answer is returned. */
async function showRefundQuote(out) {
  out.hidden = false;
  out.textContent = t('refund.calculating');
  delete out.dataset.refundable;
  const r = await api('GET', `/api/membership/refund-quote${langQuery()}`);
  if (r.ok) {
    const q = r.data;
    out.dataset.refundable = String(q.refundable);
    out.dataset.rule = q.rule;
    const lines = [t('refund.quoteTotal', { amount: formatWon(q.refundable) })];
    if (q.withdrawal_ends_at && new Date(q.withdrawal_ends_at) > new Date()) lines.push(t('refund.withdrawalEnds', { end: formatKst(q.withdrawal_ends_at) }));
    const purchases = q.purchases || [];
    if (purchases.length > 1) {
      for (const p of purchases) {
        lines.push(t('refund.quotePurchase', {
          start: formatKst(p.period_start), end: formatKst(p.period_end), amount: formatWon(p.amount), refundable: formatWon(p.refundable), rule: p.rule_name,
        }));
      }
    } else {
      lines.push(t('refund.quoteRule', { rule: q.rule_name || q.rule, used: q.used_days, total: q.total_days }));
      if (q.rule_reason) lines.push(q.rule_reason);
    }
    out.replaceChildren(...lines.flatMap((line, i) => (i === 0 ? [line] : [el('br', {}), line])));
  } else if (notAvailable(r)) {
    out.textContent = t('refund.quoteUnavailable');
  } else if (r.status === 409) {
    out.textContent = t('refund.noMembership');
  } else {
    out.textContent = errorText(r, t('refund.quoteFailed'));
  }
  return r;
}

async function cancelMembership(refund) {
  $('cancel-confirm').hidden = true;
  // Replaces the previous outcome at once, so nobody reads the old message as this one's.
  showMessage('info', t('cancel.processing'), 'cancelling');
  const r = await api('POST', '/api/membership/cancel', { refund });
  // The page says exactly what the API says: refunded (200), still being processed (202), refused (502).
  if (r.status === 202 && r.data && r.data.refund) {
    await refreshAccount();
    return showMessage('success', t('cancel.refundPending', { amount: formatWon(r.data.refund.amount) }), 'refund_pending');
  }
  if (r.ok) {
    await refreshAccount();
    const refunded = r.data.refund && r.data.refund.amount;
    return showMessage('success', refund
      ? `${t('cancel.done')}${refunded ? t('cancel.refunded', { amount: formatWon(refunded) }) : ''}`
      : t('cancel.atPeriodEnd'), 'cancelled');
  }
  if (r.status === 502 && r.data && r.data.error && r.data.error.code === 'gateway_rejected') {
    await refreshAccount();
    const partly = r.data.error.details && r.data.error.details.refunded_amount;
    return showMessage('error', t('cancel.refundRejected', { partly: partly ? t('cancel.partlyRefunded', { amount: formatWon(partly) }) : '' }),
      'refund_rejected', r.data.error.message);
  }
  if (notAvailable(r)) return showMessage('error', t('cancel.unavailable'), 'unavailable');
  if (r.status === 409) return showMessage('error', t('refund.noMembership'), 'no_active_membership');
  showMessage('error', errorText(r, t('cancel.failed')), 'cancel_failed');
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
    out.textContent = t(enabled ? 'autoRenew.on' : 'autoRenew.off');
    await refreshAccount();
    return;
  }
  box.checked = !enabled;
  if (notAvailable(r)) out.textContent = t('autoRenew.unavailable');
  else if (r.status === 409) out.textContent = t('autoRenew.noCard');
  else out.textContent = errorText(r, t('autoRenew.failed'));
}

/** DELETE /api/membership/card: auto-renew ends and the PG deletes the stored card; without one, 409 no_billing_key. */
async function onRemoveCard() {
  const button = $('remove-card');
  const out = $('auto-renew-result');
  button.disabled = true;
  const r = await api('DELETE', '/api/membership/card');
  button.disabled = false;
  if (r.ok) {
    out.textContent = t('card.removed');
    out.dataset.outcome = 'card_removed';
    await refreshAccount();
    return;
  }
  out.dataset.outcome = (r.data && r.data.error && r.data.error.code) || 'failed';
  if (r.status === 409 && r.data && r.data.error && r.data.error.code === 'no_billing_key') out.textContent = t('card.none');
  else if (r.status === 409) out.textContent = t('card.noMembership');
  else out.textContent = errorText(r, t('card.removeFailed'));
}

// ---------- the member's data: export, account deletion ----------

/** GET /api/me/export, saved as memberpay-export-YYYY-MM-DD.json (the date in Seoul). */
async function onExport() {
  const button = $('export-button');
  const out = $('export-result');
  button.disabled = true;
  delete out.dataset.outcome;
  const r = await api('GET', '/api/me/export');
  button.disabled = false;
  if (!r.ok || !r.data) {
    out.textContent = errorText(r, t('export.failed'));
    out.dataset.outcome = 'export_failed';
    return;
  }
  const filename = `memberpay-export-${formatKst(new Date().toISOString()).slice(0, 10)}.json`;
  const url = URL.createObjectURL(new Blob([JSON.stringify(r.data, null, 2)], { type: 'application/json' }));
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: the download has started from the URL by then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  out.textContent = t('export.done', { file: filename });
  out.dataset.outcome = 'exported';
}

/** A membership that deleting the account ends now (and may refund). */
function liveMembership() {
  const m = state.me && state.me.membership;
  return Boolean(m && ['active', 'past_due'].includes(m.status));
}

async function onDeleteAccountOpen() {
  const form = $('delete-account-form');
  form.reset();
  form.hidden = false;
  $('delete-account-confirm').hidden = true;
  const live = liveMembership();
  $('delete-refund').hidden = !live;
  if (live) await showRefundQuote($('delete-refund-quote'));
}

function closeDeleteAccount() {
  const form = $('delete-account-form');
  form.reset();
  form.hidden = true;
  $('delete-account-confirm').hidden = true;
}

/** The choices as the form holds them: {password, refund} (refund null when none was picked). */
function deletionChoices() {
  const { password, refund } = formValues($('delete-account-form'));
  return { password: password || '', refund: refund === undefined ? null : refund === 'true' };
}

/** First step: the password and (with a live membership) the refund choice are given; the confirmation says what happens. */
function onDeleteAccountNext(event) {
  event.preventDefault();
  const { password, refund } = deletionChoices();
  if (!password) return showMessage('error', t('deletion.passwordMissing'), 'invalid_form');
  const live = liveMembership();
  if (live && refund === null) return showMessage('error', t('deletion.refundMissing'), 'invalid_form');
  const quoted = $('delete-refund-quote').dataset.refundable;
  let summary = t('deletion.summary');
  if (live) summary = `${summary} ${refund && quoted ? t('deletion.summaryRefund', { amount: formatWon(quoted) }) : t('deletion.summaryNoRefund')}`;
  $('delete-account-summary').textContent = summary;
  $('delete-account-confirm').hidden = false;
}

async function deleteAccount() {
  const { password, refund } = deletionChoices();
  const live = liveMembership();
  const quoted = $('delete-refund-quote').dataset.refundable;
  const yes = $('delete-account-confirm-yes');
  yes.disabled = true;
  showMessage('info', t('deletion.processing'), 'deleting');
  // Without a live membership there is nothing to refund: the API's default is not asked for.
  const r = await api('DELETE', '/api/me', { password, refund: live ? refund : false });
  yes.disabled = false;
  if (r.status === 204) {
    closeDeleteAccount();
    state.me = null;
    renderSession();
    renderMembership();
    renderPayments([]);
    const refunded = live && refund && Number(quoted) > 0 ? t('deletion.refunded', { amount: formatWon(quoted) }) : '';
    return showMessage('success', `${t('deletion.done')}${refunded}`, 'account_deleted');
  }
  $('delete-account-confirm').hidden = true;
  const code = r.data && r.data.error && r.data.error.code;
  if (code === 'wrong_password') return showMessage('error', t('deletion.wrongPassword'), 'wrong_password');
  if (r.status === 429) return showMessage('error', t('login.tooMany'), 'too_many_attempts');
  if (code === 'gateway_rejected') return showMessage('error', t('deletion.refundRejected'), 'gateway_rejected', r.data.error.message);
  if (r.status === 401) {
    await refreshAccount();
    return showMessage('error', t('deletion.loginRequired'), 'login_required');
  }
  showMessage('error', errorText(r, t('deletion.failed')), 'deletion_failed');
}

// ---------- test clock (sandbox only) ----------

const RUN_FIELDS = ['due', 'charged', 'failed', 'skipped', 'reminded', 'ended'];

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
  out.textContent = now ? formatKst(now.toISOString()) : t('clock.unset');
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
  if (r.status === 401) return t('clock.badToken');
  if (r.status === 404) return t('clock.adminOff');
  const code = r.data && r.data.error && r.data.error.code;
  if (code === 'test_clock_disabled') return t('clock.clockOff');
  return errorText(r, t('error.requestFailed'));
}

function setClockBusy(busy) {
  for (const b of $('test-clock').querySelectorAll('button')) b.disabled = busy;
}

/** After the clock moved or renewals ran: the account again. */
async function refreshAfterClock(text) {
  const wasLoggedIn = Boolean(state.me);
  await refreshAccount();
  const out = $('test-clock-result');
  if (wasLoggedIn && !state.me) out.textContent = t('clock.loggedOut', { text });
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
    await refreshAfterClock(step === 'reset' ? t('clock.wasReset') : t('clock.movedTo', { time: formatKst(r.data.now) }));
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
    await refreshAfterClock(t('clock.renewalsRan', { counts: RUN_FIELDS.map((k) => t('clock.count', { label: t(`clock.run.${k}`), count: r.data[k] ?? 0 })).join(' · ') }));
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
    const trial = event.target.closest('.trial');
    const button = event.target.closest('.order');
    if (trial) onTrial(trial);
    else if (button) onOrder(button);
  });
  $('refund-quote-button').addEventListener('click', onRefundQuote);
  $('cancel-button').addEventListener('click', () => { $('cancel-confirm').hidden = false; });
  $('cancel-abort').addEventListener('click', () => { $('cancel-confirm').hidden = true; });
  $('cancel-with-refund').addEventListener('click', () => cancelMembership(true));
  $('cancel-at-period-end').addEventListener('click', () => cancelMembership(false));
  $('membership-auto-renew').addEventListener('change', onAutoRenewToggle);
  $('remove-card').addEventListener('click', onRemoveCard);
  $('export-button').addEventListener('click', onExport);
  $('delete-account-button').addEventListener('click', onDeleteAccountOpen);
  $('delete-account-form').addEventListener('submit', onDeleteAccountNext);
  $('delete-account-abort').addEventListener('click', closeDeleteAccount);
  $('delete-account-confirm-no').addEventListener('click', closeDeleteAccount);
  $('delete-account-confirm-yes').addEventListener('click', deleteAccount);
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
  applyLanguage();
  bind();
  await Promise.all([loadPlans(), loadSession(), loadGateway()]);
  // The PG's own words (the footer names it), and a PG's redirect back to the page.
  applyLanguage();
  const returned = gateway && gateway.readReturn ? gateway.readReturn() : null;
  renderMembership();
  document.body.dataset.ready = 'true';
  if (returned) {
    setOrdering(true);
    try { await settleReturn(returned); } finally { setOrdering(false); }
  }
}

start();
