/*
 * Toss Payments sandbox: a stand-in for https://js.tosspayments.com/v1/payment (SDK v1)
 *
 *   <script src="{sandbox}/sdk.js"></script>
 *   var tossPayments = TossPayments('test_ck_sandbox');
 *   tossPayments.requestPayment('카드', { amount, orderId, orderName, successUrl, failUrl, customerName?, customerEmail? })
 *     .catch(function (error) { if (error.code === 'USER_CANCEL') ... });
 *   tossPayments.requestBillingAuth('카드', { customerKey, successUrl, failUrl });
 *
 * Both open a fake "토스페이먼츠" window inside the page (plain DOM). The window only authenticates
 * the card, like Toss: success redirects to
 *   successUrl?paymentKey=&orderId=&amount=        (payment IN_PROGRESS: DONE only after the server's confirm)
 *   successUrl?customerKey=&authKey=               (billing auth: the server issues the billing key)
 * and failure to failUrl?code=&message=&orderId= (PAY_PROCESS_CANCELED when the buyer cancels).
 * The × closes the window without a redirect: the promise rejects with {code: 'USER_CANCEL'}.
 * A declining test card still authenticates: the card company refuses at the server's confirm.
 * Without successUrl / failUrl the promise resolves / rejects with the query fields instead.
 * The sandbox server is found from this script's own URL, so the page may live on another origin.
 *
 * Stable selectors (for playwright; same conventions as the Iamport stand-in):
 *   #toss-sandbox-modal, [data-test="toss-modal"]   the window; attribute data-state =
 *                                                   "choose-card" | "confirm" | "processing";
 *                                                   data-flow = "payment" | "billing"
 *   [data-test="toss-title"]                        "토스페이먼츠 · 테스트"
 *   [data-test="toss-order-name"], [data-test="toss-amount"]  order name, amount ("9,900원"; billing: "자동결제 카드 등록")
 *   [data-card="success"] [data-card="declined"] [data-card="limit"] [data-card="insufficient"]
 *                                                   test cards (4242-4242-4242-4242 approves)
 *   [data-test="toss-selected-card"]                the chosen card, shown with pay/cancel
 *   [data-action="pay"]                             authenticate the chosen card (redirect to successUrl)
 *   [data-action="cancel"]                          buyer cancels: failUrl with PAY_PROCESS_CANCELED
 *   [data-action="close"]                           the ×: no redirect, promise rejects USER_CANCEL
 *   [data-test="toss-message"]                      progress and error text
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/\/sdk\.js(\?.*)?$/, '') : '';
  var CARDS = __TOSS_SANDBOX_CARDS__;
  var openWindow = null;

  var CSS = [
    '#toss-sandbox-modal{position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;font:16px/1.45 -apple-system,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:#191f28}',
    '#toss-sandbox-modal .toss-window{background:#fff;width:min(420px,calc(100vw - 24px));max-height:calc(100vh - 24px);overflow:auto;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.35)}',
    '#toss-sandbox-modal .toss-header{display:flex;align-items:center;justify-content:space-between;background:#3182f6;color:#fff;padding:12px 16px;border-radius:14px 14px 0 0}',
    '#toss-sandbox-modal .toss-header h2{font-size:17px;margin:0}',
    '#toss-sandbox-modal .toss-close{background:none;border:0;color:#fff;font-size:28px;line-height:1;min-width:44px;min-height:44px;cursor:pointer}',
    '#toss-sandbox-modal .toss-body{padding:16px}',
    '#toss-sandbox-modal .toss-order{border:1px solid #e5e8eb;border-radius:10px;padding:12px;margin-bottom:14px}',
    '#toss-sandbox-modal .toss-amount{font-size:22px;font-weight:700;color:#3182f6}',
    '#toss-sandbox-modal .toss-cards{display:grid;gap:8px}',
    '#toss-sandbox-modal button.toss-card{display:block;width:100%;text-align:left;min-height:48px;padding:10px 12px;border:1px solid #d1d6db;border-radius:10px;background:#f9fafb;font-size:15px;cursor:pointer}',
    '#toss-sandbox-modal button.toss-card[aria-pressed="true"]{border-color:#3182f6;background:#e8f3ff}',
    '#toss-sandbox-modal .toss-card small{display:block;color:#6b7684}',
    '#toss-sandbox-modal .toss-buttons{display:flex;gap:8px;margin-top:10px}',
    '#toss-sandbox-modal .toss-buttons button{flex:1;min-height:48px;border-radius:10px;font-size:16px;cursor:pointer;border:1px solid #d1d6db;background:#fff}',
    '#toss-sandbox-modal .toss-buttons button.toss-pay{background:#3182f6;border-color:#3182f6;color:#fff;font-weight:700}',
    '#toss-sandbox-modal button:disabled{opacity:.5;cursor:default}',
    '#toss-sandbox-modal .toss-message{min-height:1.4em;margin:12px 0 0;color:#4e5968;font-size:14px}',
    '#toss-sandbox-modal .toss-note{color:#8b95a1;font-size:12px;margin-top:10px}'
  ].join('\n');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function ensureStyle() {
    if (document.getElementById('toss-sandbox-style')) return;
    (document.head || document.documentElement).appendChild(el('style', { id: 'toss-sandbox-style', text: CSS }));
  }

  function post(path, body) {
    return fetch(base + path, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function sdkError(code, message) {
    var error = new Error(message);
    error.code = code;
    return error;
  }

  function removeWindow() {
    if (openWindow && openWindow.parentNode) openWindow.parentNode.removeChild(openWindow);
    openWindow = null;
  }

  /** Follows Toss: a redirect when the URL was given, else the promise settles with the fields. */
  function finish(answer, resolve, reject) {
    if (answer.redirect) {
      window.location.href = answer.redirect;
      return;
    }
    var q = answer.result.query;
    if (answer.result.type === 'success') resolve(q);
    else reject(sdkError(q.code, q.message));
  }

  function showWindow(flow, clientKey, params, resolve, reject) {
    ensureStyle();
    var chosen = null;
    var message = el('p', { 'class': 'toss-message', 'data-test': 'toss-message', role: 'status' });
    var selected = el('p', { 'data-test': 'toss-selected-card' });
    var payBtn = el('button', { type: 'button', 'class': 'toss-pay', 'data-action': 'pay', text: flow === 'billing' ? '카드 등록하기' : '결제하기' });
    var cancelBtn = el('button', { type: 'button', 'class': 'toss-cancel', 'data-action': 'cancel', text: '취소' });
    var confirmBox = el('div', { 'data-test': 'toss-confirm', hidden: 'hidden' }, [selected, el('div', { 'class': 'toss-buttons' }, [cancelBtn, payBtn])]);
    var closeBtn = el('button', { type: 'button', 'class': 'toss-close', 'data-action': 'close', 'aria-label': '결제창 닫기', text: '×' });
    var modal;
    var cardButtons = CARDS.map(function (card) {
      var btn = el('button', { type: 'button', 'class': 'toss-card', 'data-card': card.kind, 'aria-pressed': 'false' }, [
        document.createTextNode(card.company + '카드 · ' + card.label), el('small', { text: card.number })
      ]);
      btn.addEventListener('click', function () {
        chosen = card;
        cardButtons.forEach(function (b) { b.setAttribute('aria-pressed', b === btn ? 'true' : 'false'); });
        selected.textContent = '선택한 카드: ' + card.company + '카드 (' + card.number + ')';
        confirmBox.hidden = false;
        modal.setAttribute('data-state', 'confirm');
      });
      return btn;
    });
    var amountText = flow === 'billing' ? '자동결제 카드 등록' : Number(params.amount).toLocaleString('ko-KR') + '원';
    modal = el('div', { id: 'toss-sandbox-modal', 'data-test': 'toss-modal', 'data-state': 'choose-card', 'data-flow': flow }, [
      el('div', { 'class': 'toss-window', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'toss-sandbox-title' }, [
        el('div', { 'class': 'toss-header' }, [el('h2', { id: 'toss-sandbox-title', 'data-test': 'toss-title', text: '토스페이먼츠 · 테스트' }), closeBtn]),
        el('div', { 'class': 'toss-body' }, [
          el('div', { 'class': 'toss-order' }, [
            el('div', { 'data-test': 'toss-order-name', text: params.orderName || (flow === 'billing' ? '정기결제' : '(주문명 없음)') }),
            el('div', { 'class': 'toss-amount', 'data-test': 'toss-amount', text: amountText })
          ]),
          el('p', { text: '테스트 카드를 선택하세요.' }),
          el('div', { 'class': 'toss-cards' }, cardButtons),
          confirmBox,
          message,
          el('p', { 'class': 'toss-note', text: 'Toss Payments sandbox: 실제 결제가 이루어지지 않습니다.' })
        ])
      ])
    ]);

    function submit(action) {
      if (!chosen && action === 'pay') return;
      modal.setAttribute('data-state', 'processing');
      message.textContent = action === 'pay' ? '처리 중…' : '취소 중…';
      [payBtn, cancelBtn, closeBtn].concat(cardButtons).forEach(function (b) { b.disabled = true; });
      var path = flow === 'billing' ? '/__sandbox/billing-auth' : '/__sandbox/pay';
      post(path, { clientKey: clientKey, params: params, card: chosen ? chosen.kind : null, action: action })
        .then(function (answer) { removeWindow(); finish(answer, resolve, reject); })
        .catch(function (e) { removeWindow(); reject(sdkError('INVALID_REQUEST', '결제 요청에 실패했습니다: ' + e.message)); });
    }
    payBtn.addEventListener('click', function () { submit('pay'); });
    cancelBtn.addEventListener('click', function () { submit('cancel'); });
    closeBtn.addEventListener('click', function () {
      removeWindow();
      reject(sdkError('USER_CANCEL', '사용자가 결제를 취소하였습니다.'));
    });

    openWindow = modal;
    document.body.appendChild(modal);
  }

  function open(flow, clientKey, method, params) {
    return new Promise(function (resolve, reject) {
      params = params || {};
      if (method !== '카드' && method !== 'CARD') return reject(sdkError('INVALID_REQUEST', 'sandbox: only 카드 is supported, got ' + method));
      if (openWindow) return reject(sdkError('INVALID_REQUEST', '이미 결제창이 열려 있습니다.'));
      showWindow(flow, clientKey, params, resolve, reject);
    });
  }

  window.TossPayments = function (clientKey) {
    return {
      requestPayment: function (method, params) { return open('payment', clientKey, method, params); },
      requestBillingAuth: function (method, params) { return open('billing', clientKey, method, params); },
      /** Not in Toss's SDK: lets a test or a page tear the window down. */
      __sandboxClose: removeWindow
    };
  };
})();
