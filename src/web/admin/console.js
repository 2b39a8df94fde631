// The operator console: one page, sections by URL hash (#overview, #payments, #payment/<uid>, ...).
// It speaks only to /api/console/* with its session cookie; every write carries an Idempotency-Key.
'use strict';

const $ = (selector, root = document) => root.querySelector(selector);
const won = (n) => `${Number(n).toLocaleString('en-US')} KRW`;
const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) : '–');
const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

function flash(text, isError = false) {
  const box = $('#flash');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = false;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? 'http_error';
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['Idempotency-Key'] = crypto.randomUUID();
  }
  const res = await fetch(path, { method, headers, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined, credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && path !== '/api/console/session') {
    showLogin();
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** Runs an action, shows its outcome in the live region, keeps the button disabled meanwhile. */
async function act(button, work, done) {
  if (button) button.disabled = true;
  try {
    const result = await work();
    if (done) flash(done(result));
    return result;
  } catch (error) {
    flash(`${error.code ?? 'error'}: ${error.message}`, true);
    return null;
  } finally {
    if (button) button.disabled = false;
  }
}

function rows(table, items, render, empty = 'Nothing here.') {
  const body = $('tbody', table);
  body.replaceChildren();
  if (items.length === 0) {
    const cols = $('thead tr', table).children.length;
    body.append(el('tr', {}, el('td', { colspan: cols, class: 'muted' }, empty)));
    return;
  }
  for (const item of items) body.append(render(item));
}

const badge = (text) => el('span', { class: `badge ${text}` }, text);
const memberLink = (userId, email) => el('a', { href: `#members/${encodeURIComponent(email || userId)}` }, email || userId);

// --- sections -----------------------------------------------------------------------------------

const SECTIONS = ['overview', 'payments', 'payment', 'members', 'renewals', 'webhooks', 'audit'];

function showLogin() {
  $('#login').hidden = false;
  $('#nav').hidden = true;
  $('#whoami').hidden = true;
  for (const name of SECTIONS) $(`#section-${name}`).hidden = true;
  $('#token').focus();
}

async function route() {
  const [name, ...rest] = (location.hash.slice(1) || 'overview').split('/');
  const section = SECTIONS.includes(name) ? name : 'overview';
  const arg = decodeURIComponent(rest.join('/'));
  for (const other of SECTIONS) $(`#section-${other}`).hidden = other !== section;
  for (const link of document.querySelectorAll('#nav a')) {
    const current = link.dataset.section === section || (section === 'payment' && link.dataset.section === 'payments');
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = $(`#section-${section} h1`);
  try {
    await LOADERS[section](arg);
  } catch (error) {
    if (error.status !== 401) flash(`${error.code ?? 'error'}: ${error.message}`, true);
  }
  // Move focus to the section's heading so keyboard and screen-reader users land on what changed.
  if (!$('#login').hidden) return;
  heading.focus();
}

// --- overview and charts ------------------------------------------------------------------------

function figure(label, value, test) {
  return el('div', { class: 'figure', 'data-test': test }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
}

function problem(count, text, href) {
  return el('li', { class: count === 0 ? 'zero' : '' }, el('a', { href }, `${count} ${text}`));
}

async function loadOverview() {
  const [o, c] = await Promise.all([api('GET', '/api/console/overview'), api('GET', '/api/console/charts')]);
  const change = o.active_members.change30_days;
  $('#figures').replaceChildren(
    figure('Revenue today', won(o.today.revenue), 'today-revenue'),
    figure('Refunds today', won(o.today.refunds), 'today-refunds'),
    figure('Net today', won(o.today.net), 'today-net'),
    figure('Revenue, 30 days', won(o.last30_days.revenue), 'month-revenue'),
    figure('Refunds, 30 days', won(o.last30_days.refunds), 'month-refunds'),
    figure('Net, 30 days', won(o.last30_days.net), 'month-net'),
    figure('Active members', `${o.active_members.now} (${change >= 0 ? '+' : ''}${change} in 30 days)`, 'active-members'),
    figure('Renewal success, 30 days', pct(o.renewal_success_rate), 'renewal-rate'),
  );
  const p = o.problems;
  $('#problems').replaceChildren(
    problem(p.refunds_pending, 'refunds pending at the gateway', '#payments'),
    problem(p.refunds_rejected, 'refunds the gateway rejected', '#payments'),
    problem(p.payments_await_past_ttl, 'payments still await past the TTL', '#payments/?status=await'),
    problem(p.receipts_unapplied, 'webhook receipts not applied', '#webhooks/?outcome=unapplied'),
    el('li', { class: p.outbox.undelivered === 0 ? 'zero' : '' }, `${p.outbox.undelivered} events waiting in the outbox${p.outbox.oldest_at ? ` (oldest ${when(p.outbox.oldest_at)})` : ''}`),
  );
  drawCharts(c);
}

const charts = [];

/** One chart: an accessible figure (role=img with a summary label) plus the same data as a visually hidden table. */
function chart(container, title, xLabels, series, xs, format, tick = format) {
  const width = Math.max(260, container.clientWidth - 16);
  const totals = series.map((s) => `${s.label} ${format(s.values.reduce((a, b) => a + (b ?? 0), 0))} in total`).join(', ');
  const plot = el('div', { role: 'img', 'aria-label': `${title}: ${xLabels[0]} to ${xLabels[xLabels.length - 1]}; ${totals}. The table below has every value.` });
  // Wrapped: a table does not shrink to the 1 px box itself and would widen the page.
  const table = el('div', { class: 'visually-hidden' }, el('table', {},
    el('caption', {}, title),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Date'), series.map((s) => el('th', { scope: 'col' }, s.label)))),
    el('tbody', {}, xLabels.map((x, i) => el('tr', {}, el('th', { scope: 'row' }, x), series.map((s) => el('td', {}, s.values[i] === null ? '–' : format(s.values[i]))))))));
  container.replaceChildren(el('figcaption', {}, title), plot, table);
  if (typeof uPlot !== 'function') return;
  const colours = ['#3b5bdb', '#d92d20', '#067647', '#f79009'];
  charts.push(new uPlot({
    width, height: 200,
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: colours[i], width: 2, value: (_, v) => (v === null ? '–' : format(v)) }))],
    axes: [{}, { values: (_, ticks) => ticks.map(tick), size: 60 }],
    scales: { x: { time: true } },
  }, [xs, ...series.map((s) => s.values)], plot));
}

function drawCharts(c) {
  while (charts.length) charts.pop().destroy();
  const dayXs = c.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const monthXs = c.months.map((m) => Date.parse(`${m}-01T00:00:00Z`) / 1000);
  const count = (v) => String(Math.round(v));
  // Axis ticks: compact money, whole counts only (uPlot places ticks at fractions on small ranges).
  const compact = new Intl.NumberFormat('en-US', { notation: 'compact' });
  const moneyTick = (v) => compact.format(v);
  const countTick = (v) => (Number.isInteger(v) ? String(v) : '');
  chart($('#chart-money'), 'Daily revenue and refunds (KRW)', c.days, [{ label: 'Revenue', values: c.revenue }, { label: 'Refunds', values: c.refunds }], dayXs, won, moneyTick);
  chart($('#chart-members'), 'Active members', c.days, [{ label: 'Active members', values: c.active_members }], dayXs, count, countTick);
  chart($('#chart-renewals'), 'Renewals charged and failed per day', c.days, [{ label: 'Charged', values: c.renewals_charged }, { label: 'Failed', values: c.renewals_failed }], dayXs, count, countTick);
  chart($('#chart-churn'), 'Churn per month (% of members at the month start)', c.months, [{ label: 'Churn', values: c.churn_rate.map((r) => (r === null ? null : r * 100)) }], monthXs, (v) => `${Number(v).toFixed(1)}%`);
}

// --- payments -----------------------------------------------------------------------------------

let paymentsNext = null;

function paymentQuery(form, cursor) {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form)) {
    if (!v) continue;
    // Dates are the operator's local days: from midnight of `from` to midnight after `to`.
    if (k === 'from') params.set('from', new Date(`${v}T00:00:00`).toISOString());
    else if (k === 'to') params.set('to', new Date(new Date(`${v}T00:00:00`).getTime() + 86_400_000).toISOString());
    else params.set(k, v);
  }
  if (cursor) params.set('cursor', cursor);
  return params;
}

async function loadPayments(arg, append = false) {
  const form = $('#payment-search');
  if (arg?.startsWith('?')) {
    const preset = new URLSearchParams(arg.slice(1));
    for (const [k, v] of preset) if (form.elements[k]) form.elements[k].value = v;
  }
  const data = await api('GET', `/api/console/payments?${paymentQuery(form, append ? paymentsNext : null)}`);
  paymentsNext = data.next;
  $('#payments-more').hidden = !data.next;
  const render = (p) => el('tr', {},
    el('td', {}, el('a', { href: `#payment/${encodeURIComponent(p.merchant_uid)}` }, p.merchant_uid)),
    el('td', {}, memberLink(p.user_id, p.email)),
    el('td', {}, badge(p.status)),
    el('td', { class: 'num' }, won(p.amount)),
    el('td', { class: 'num' }, won(p.cancelled_amount)),
    el('td', {}, when(p.created_at)));
  if (append) for (const p of data.payments) $('#payments-table tbody').append(render(p));
  else rows($('#payments-table'), data.payments, render, 'No payment matches.');
}

let currentPayment = null;

async function loadPayment(merchantUid) {
  const view = await api('GET', `/api/console/payments/${encodeURIComponent(merchantUid)}`);
  currentPayment = view;
  const p = view.payment;
  $('#payment-title').textContent = `Payment ${p.merchant_uid}`;
  const entries = [
    ['Status', badge(p.status)], ['Amount', won(p.amount)], ['Refunded', won(p.cancelled_amount)], ['Plan', `${p.plan} (${p.purpose}${p.period_no ? `, period ${p.period_no}` : ''})`],
    ['Gateway id', p.imp_uid ?? '–'], ['Channel', p.pg], ['Created', when(p.created_at)], ['Paid', when(p.paid_at)],
    ['Failure', p.failure_code ? `${p.failure_code}: ${p.failure_message ?? ''}` : '–'],
    ['Buyer', view.buyer ? memberLink(view.buyer.id, view.buyer.email) : '–'],
    ['Membership', view.membership ? `${view.membership.plan}, ${view.membership.status} until ${when(view.membership.current_period_end)}` : 'none live'],
  ];
  $('#payment-summary').replaceChildren(...entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const quote = view.policy_quote;
  $('#refund-quote').textContent = view.refundable === 0
    ? 'Nothing left to refund.'
    : `Refundable now: ${won(view.refundable)}.${quote ? ` The refund policy quotes ${won(quote.refundable)} (${quote.rule}, ${quote.used_days} of ${quote.total_days} days used).` : ''}`;
  $('#refund-amount').value = quote && quote.refundable > 0 ? quote.refundable : view.refundable || '';
  $('#refund-amount').max = view.refundable || 1;
  for (const control of $('#refund-form').elements) control.disabled = view.refundable === 0;
  rows($('#refunds-table'), p.refunds, (r) => el('tr', {},
    el('td', { class: 'num' }, won(r.amount)), el('td', {}, badge(r.status)), el('td', {}, r.reason), el('td', {}, r.requested_by),
    el('td', {}, when(r.requested_at)), el('td', {}, when(r.settled_at)), el('td', {}, r.gateway_message ?? '')), 'No refunds.');
  rows($('#payment-receipts'), view.receipts, receiptRow(false), 'No webhook receipts.');
  $('#payment-events').replaceChildren(...view.events.map((e) => el('li', {}, `${when(e.occurred_at)} ${e.type}`)));
  $('#gateway-record').hidden = true;
}

function receiptRow(withPayment) {
  return (r) => el('tr', {},
    el('td', {}, when(r.received_at)),
    withPayment ? el('td', {}, r.merchant_uid ? el('a', { href: `#payment/${encodeURIComponent(r.merchant_uid)}` }, r.merchant_uid) : '–') : null,
    el('td', {}, r.status ?? '–'),
    el('td', {}, r.outcome ? badge(r.outcome) : badge('pending')),
    el('td', {}, el('button', {
      type: 'button', class: 'btn btn-ghost', 'aria-label': `Replay the notice received ${when(r.received_at)}`,
      onclick: (event) => act(event.currentTarget, () => api('POST', `/api/console/webhooks/${encodeURIComponent(r.id)}/replay`), (res) => `Replayed: ${res.outcome}.`).then((res) => res && route()),
    }, 'Replay')));
}

// --- members ------------------------------------------------------------------------------------

async function loadMembers(arg) {
  if (!arg) return;
  $('#member-search').elements.q.value = arg;
  const { member } = await api('GET', `/api/console/members?${new URLSearchParams({ q: arg })}`);
  const live = member.memberships.find((m) => m.status === 'active' || m.status === 'past_due');
  const cancelForm = el('form', { class: 'card', 'data-test': 'cancel-form' },
    el('h2', {}, 'Cancel the membership'),
    el('label', {}, el('input', { type: 'checkbox', name: 'refund', checked: true }), ' with the quoted refund (ends now); unchecked: at the period end'),
    el('label', { for: 'cancel-reason' }, 'Reason'), el('input', { id: 'cancel-reason', name: 'reason', type: 'text', maxlength: '200' }),
    el('p', {}, el('button', { type: 'submit', class: 'btn btn-danger' }, 'Cancel membership')));
  cancelForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const f = event.currentTarget.elements;
    act(event.submitter, () => api('POST', `/api/console/members/${encodeURIComponent(member.user.id)}/cancel`, { refund: f.refund.checked, reason: f.reason.value || null }),
      (res) => `Cancelled${res.refund ? `; refund ${won(res.refund.amount)} ${res.refund.status === 'pending' ? 'pending at the gateway' : 'confirmed by the gateway'}` : ''}.`).then((res) => res && loadMembers(arg));
  });
  $('#member').replaceChildren(
    el('dl', { class: 'summary' }, el('dt', {}, 'E-mail'), el('dd', {}, member.user.email), el('dt', {}, 'Name'), el('dd', {}, member.user.name),
      el('dt', {}, 'User id'), el('dd', {}, member.user.id), el('dt', {}, 'Joined'), el('dd', {}, when(member.user.created_at)),
      el('dt', {}, 'Payments'), el('dd', {}, el('a', { href: `#payments/?q=${encodeURIComponent(member.user.email)}` }, 'their payments'))),
    el('h2', {}, 'Memberships and periods'),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, ['Plan', 'Status', 'Period', 'From', 'Until', 'Auto-renew', 'Card on file', 'Next charge'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, member.memberships.map((m) => el('tr', {},
        el('td', {}, m.plan), el('td', {}, badge(m.status)), el('td', { class: 'num' }, m.period_no), el('td', {}, when(m.period_start)), el('td', {}, when(m.period_end)),
        el('td', {}, m.auto_renew ? 'on' : m.cancel_at_period_end ? 'ends at period end' : 'off'), el('td', {}, m.card_on_file ?? '–'), el('td', {}, when(m.next_charge_at))))))),
    el('h2', {}, 'Notices sent'),
    member.notices.length === 0 ? el('p', { class: 'muted' }, 'None.') : el('ul', {}, member.notices.map((n) => el('li', {}, `${n.kind}, period ${n.period_no}: ${n.sent_at ? when(n.sent_at) : 'being sent'}`))),
    live ? cancelForm : el('p', { class: 'muted' }, 'No live membership to cancel.'),
  );
}

// --- renewals, webhooks, audit -------------------------------------------------------------------

async function loadRenewals() {
  const [queues, c] = await Promise.all([api('GET', '/api/console/renewals'), api('GET', '/api/console/charts')]);
  $('#run-renewals').disabled = !queues.test_clock;
  $('#run-note').textContent = queues.test_clock ? `as of ${when(queues.as_of)} (test clock)` : 'Runs by hand only with the test clock (sandbox); the workers run renewals on schedule.';
  rows($('#renewal-days'), c.days.map((d, i) => ({ d, charged: c.renewals_charged[i], failed: c.renewals_failed[i] })).filter((r) => r.charged + r.failed > 0).reverse(),
    (r) => el('tr', {}, el('td', {}, r.d), el('td', { class: 'num' }, r.charged), el('td', { class: 'num' }, r.failed)), 'No renewal charges in 30 days.');
  const queueRow = (m) => el('tr', {}, el('td', {}, memberLink(m.user_id, m.email)), el('td', {}, m.plan), el('td', {}, when(m.next_charge_at)), el('td', { class: 'num' }, m.renewal_attempts));
  rows($('#due-soon'), queues.due_soon, queueRow, 'Nothing due in 7 days.');
  rows($('#dunning'), queues.dunning, queueRow, 'Nobody is past due.');
}

let receiptsNext = null;

async function loadWebhooks(arg, append = false) {
  const form = $('#receipt-filter');
  if (arg?.startsWith('?')) for (const [k, v] of new URLSearchParams(arg.slice(1))) if (form.elements[k]) form.elements[k].value = v;
  const params = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
  if (append && receiptsNext) params.set('cursor', receiptsNext);
  const data = await api('GET', `/api/console/webhooks?${params}`);
  receiptsNext = data.next;
  $('#receipts-more').hidden = !data.next;
  if (append) for (const r of data.receipts) $('#receipts-table tbody').append(receiptRow(true)(r));
  else rows($('#receipts-table'), data.receipts, receiptRow(true), 'No receipts.');
}

let auditNext = null;

async function loadAudit(_, append = false) {
  const data = await api('GET', `/api/console/audit${append && auditNext ? `?cursor=${auditNext}` : ''}`);
  auditNext = data.next;
  $('#audit-more').hidden = !data.next;
  const render = (a) => el('tr', {}, el('td', {}, when(a.at)), el('td', {}, `${a.actor} (${a.client_ip ?? '?'})`), el('td', {}, a.action), el('td', {}, a.target ?? ''), el('td', { class: 'num' }, a.status_code));
  if (append) for (const a of data.entries) $('#audit-table tbody').append(render(a));
  else rows($('#audit-table'), data.entries, render, 'Nothing recorded yet.');
}

const LOADERS = { overview: loadOverview, payments: loadPayments, payment: loadPayment, members: loadMembers, renewals: loadRenewals, webhooks: loadWebhooks, audit: loadAudit };

// --- wiring -------------------------------------------------------------------------------------

function signedIn(session) {
  $('#login').hidden = true;
  $('#nav').hidden = false;
  $('#whoami').hidden = false;
  $('#operator').textContent = `${session.operator} · until ${when(session.expires_at)}`;
}

function submitTo(selector, handler) {
  $(selector).addEventListener('submit', (event) => {
    event.preventDefault();
    handler(event.currentTarget, event.submitter);
  });
}

submitTo('#login-form', async (form, button) => {
  const session = await act(button, () => api('POST', '/api/console/session', { token: form.elements.token.value, operator: form.elements.operator.value || undefined }));
  if (!session) return;
  form.reset();
  signedIn(session);
  flash(`Logged in as ${session.operator}.`);
  if (!location.hash) location.hash = '#overview';
  else route();
});

$('#logout').addEventListener('click', async () => {
  await api('POST', '/api/console/logout').catch(() => null);
  flash('Logged out.');
  showLogin();
});

submitTo('#payment-search', () => loadPayments('').catch((e) => flash(e.message, true)));
$('#payments-more').addEventListener('click', () => loadPayments('', true));
submitTo('#member-search', (form) => { location.hash = `#members/${encodeURIComponent(form.elements.q.value.trim())}`; });
submitTo('#receipt-filter', () => loadWebhooks('').catch((e) => flash(e.message, true)));
$('#receipts-more').addEventListener('click', () => loadWebhooks('', true));
$('#audit-more').addEventListener('click', () => loadAudit('', true));

submitTo('#refund-form', (form, button) => {
  const uid = currentPayment.payment.merchant_uid;
  const amount = Number(form.elements.amount.value) || null;
  act(button, () => api('POST', `/api/console/payments/${encodeURIComponent(uid)}/refund`, { amount, reason: form.elements.reason.value }),
    (res) => (res.refund.status === 'pending'
      ? `Refund of ${won(res.refund.amount)} asked; the gateway has not answered: pending, the reconciler settles it.`
      : `Refund of ${won(res.refund.amount)} confirmed by the gateway; the payment now shows ${won(res.payment.cancelled_amount)} refunded.`))
    .then((res) => res && loadPayment(uid));
});

$('#reconcile').addEventListener('click', (event) => {
  const uid = currentPayment.payment.merchant_uid;
  act(event.currentTarget, () => api('POST', `/api/console/payments/${encodeURIComponent(uid)}/reconcile`),
    (res) => (res.settled ? `Settled: the payment is ${res.payment.status}.` : `Checked: nothing changed (${res.payment.status}).`)).then((res) => res && loadPayment(uid));
});

$('#ask-gateway').addEventListener('click', (event) => {
  const uid = currentPayment.payment.merchant_uid;
  act(event.currentTarget, () => api('GET', `/api/console/payments/${encodeURIComponent(uid)}/gateway`)).then((res) => {
    if (!res) return;
    $('#gateway-record').textContent = JSON.stringify(res.gateway_payment, null, 2);
    $('#gateway-record').hidden = false;
  });
});

$('#run-renewals').addEventListener('click', (event) => {
  act(event.currentTarget, () => api('POST', '/api/console/renewals/run'), (r) => `Renewals: ${r.due} due, ${r.charged} charged, ${r.failed} failed, ${r.skipped} skipped.`)
    .then((res) => res && loadRenewals());
});

submitTo('#replay-range', (form, button) => {
  const since = new Date(form.elements.since.value).toISOString();
  const until = form.elements.until.value ? new Date(form.elements.until.value).toISOString() : undefined;
  act(button, () => api('POST', '/api/console/webhooks/replay', { since, until }), (r) => `Replayed ${r.replayed} notices.`).then((res) => res && loadWebhooks(''));
});

window.addEventListener('hashchange', route);

(async () => {
  const session = await api('GET', '/api/console/session');
  if (!session.signed_in) {
    showLogin();
    return;
  }
  signedIn(session);
  route();
})();
