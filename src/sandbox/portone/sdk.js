/*
 * PortOne V2 sandbox: a stand-in for the browser SDK (@portone/browser-sdk/v2, global `PortOne`)
 *
 *   <script src="{sandbox}/sdk.js"></script>
 *   const result = await PortOne.requestPayment({ storeId, channelKey, paymentId, orderName, totalAmount,
 *     currency: 'KRW', payMethod: 'CARD', customer?, customData?, noticeUrls?, redirectUrl?, forceRedirect? });
 *   if (result.code !== undefined) { ... not paid ... } else { ... send result.paymentId to the server ... }
 *   PortOne.requestIssueBillingKey({ storeId, channelKey, billingKeyMethod: 'CARD', customer?, issueName? })
 *     -> { transactionType: 'ISSUE_BILLING_KEY', billingKey } or { ..., code, message }
 *   PortOne.requestIssueBillingKeyAndPay({ ...payment fields, billingKeyMethod: 'CARD' })
 *     -> { transactionType: 'ISSUE_BILLING_KEY_AND_PAY', paymentId, txId, billingKey } or { ..., code, message }
 *
 * Every promise resolves (as the real SDK's does when the page is not redirected): `code` present
 * means nothing was paid or issued; `pgCode`/`pgMessage` carry the card company's refusal. Refused
 * before the window opens: AmountNotEqualToPredefined (amount differs from the pre-registered one),
 * PaymentAlreadyPaid, StoreNotFound, ChannelNotFound, InvalidArgument. With `redirectUrl` and
 * `forceRedirect` (or on a phone) the page goes to redirectUrl?paymentId&txId&code&message&... instead.
 * The sandbox is found from this script's own URL, so the page may live on another origin.
 *
 * Stable selectors (for playwright):
 *   #portone-sandbox-modal, [data-test="portone-modal"]  the window; data-state = "choose-card" |
 *                                                      "confirm" | "processing"; data-flow = the transactionType
 *   [data-test="portone-title"]                        "KG이니시스 (포트원 V2) · 테스트"
 *   [data-test="portone-order-name"], [data-test="portone-amount"]  order name, amount ("9,900원"; a key alone: "카드 등록")
 *   [data-card="success"] [data-card="declined"] [data-card="limit"] [data-card="insufficient"]
 *                                                      test cards (4242-4242-4242-4242 approves)
 *   [data-test="portone-confirm"], [data-test="portone-selected-card"]  shown once a card is chosen
 *   [data-action="pay"]                                pay (or issue the key) with the chosen card
 *   [data-action="cancel"]                             the buyer cancels in the PG's window: a FAILED
 *                                                      payment, code PGProviderError
 *   [data-action="close"]                              the ×: nothing recorded, code PGProviderError
 *   [data-test="portone-message"]                      progress and error text
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/\/sdk\.js(\?.*)?$/, '') : '';
  var openWindow = null;

  var CSS = [
    '#portone-sandbox-modal{position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;font:16px/1.45 -apple-system,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:#222}',
    '#portone-sandbox-modal .po-window{background:#fff;width:min(420px,calc(100vw - 24px));max-height:calc(100vh - 24px);overflow:auto;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.35)}',
    '#portone-sandbox-modal .po-header{display:flex;align-items:center;justify-content:space-between;background:#fc6b2d;color:#fff;padding:12px 16px;border-radius:12px 12px 0 0}',
    '#portone-sandbox-modal .po-header h2{font-size:17px;margin:0}',
    '#portone-sandbox-modal .po-close{background:none;border:0;color:#fff;font-size:28px;line-height:1;min-width:44px;min-height:44px;cursor:pointer}',
    '#portone-sandbox-modal .po-body{padding:16px}',
    '#portone-sandbox-modal .po-order{border:1px solid #eee;border-radius:8px;padding:12px;margin-bottom:14px}',
    '#portone-sandbox-modal .po-amount{font-size:22px;font-weight:700;color:#fc6b2d}',
    '#portone-sandbox-modal .po-cards{display:grid;gap:8px}',
    '#portone-sandbox-modal button.po-card{display:block;width:100%;text-align:left;min-height:48px;padding:10px 12px;border:1px solid #ccc;border-radius:8px;background:#fafafa;font-size:15px;cursor:pointer}',
    '#portone-sandbox-modal button.po-card[aria-pressed="true"]{border-color:#fc6b2d;background:#fff4ee}',
    '#portone-sandbox-modal .po-card small{display:block;color:#777}',
    '#portone-sandbox-modal .po-buttons{display:flex;gap:8px;margin-top:10px}',
    '#portone-sandbox-modal .po-buttons button{flex:1;min-height:48px;border-radius:8px;font-size:16px;cursor:pointer;border:1px solid #ccc;background:#fff}',
    '#portone-sandbox-modal .po-buttons button.po-pay{background:#fc6b2d;border-color:#fc6b2d;color:#fff;font-weight:700}',
    '#portone-sandbox-modal button:disabled{opacity:.5;cursor:default}',
    '#portone-sandbox-modal .po-message{min-height:1.4em;margin:12px 0 0;color:#555;font-size:14px}',
    '#portone-sandbox-modal .po-note{color:#999;font-size:12px;margin-top:10px}'
  ].join('\n');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var k;
    for (k in attrs || {}) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function ensureStyle() {
    if (document.getElementById('portone-sandbox-style')) return;
    (document.head || document.documentElement).appendChild(el('style', { id: 'portone-sandbox-style', text: CSS }));
  }

  function post(path, body) {
    return fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function isMobile() {
    return /Mobi|Android|iPhone/i.test(navigator.userAgent || '');
  }

  /** A failure decided in the page (nothing recorded at the sandbox). */
  function localFailure(transactionType, request, message) {
    var result = { transactionType: transactionType, code: 'PGProviderError', message: message };
    if (request.paymentId) result.paymentId = request.paymentId;
    return result;
  }

  /** Resolves, or redirects when the request asks for it (forceRedirect, or a phone with redirectUrl). */
  function finish(request, result, resolve) {
    if (request.redirectUrl && (request.forceRedirect || isMobile())) {
      var q = Object.keys(result)
        .filter(function (k) { return result[k] !== null && result[k] !== undefined; })
        .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(result[k]); });
      window.location.href = request.redirectUrl + (request.redirectUrl.indexOf('?') >= 0 ? '&' : '?') + q.join('&');
      return;
    }
    resolve(result);
  }

  function removeWindow() {
    if (openWindow && openWindow.parentNode) openWindow.parentNode.removeChild(openWindow);
    openWindow = null;
  }

  function showWindow(transactionType, request, info, done) {
    ensureStyle();
    var chosen = null;
    var issuingOnly = transactionType === 'ISSUE_BILLING_KEY';
    var message = el('p', { 'class': 'po-message', 'data-test': 'portone-message', role: 'status' });
    var selected = el('p', { 'data-test': 'portone-selected-card' });
    var payBtn = el('button', { type: 'button', 'class': 'po-pay', 'data-action': 'pay', text: issuingOnly ? '카드 등록하기' : '결제하기' });
    var cancelBtn = el('button', { type: 'button', 'class': 'po-cancel', 'data-action': 'cancel', text: '취소' });
    var confirm = el('div', { 'class': 'po-confirm', 'data-test': 'portone-confirm', hidden: 'hidden' }, [
      selected, el('div', { 'class': 'po-buttons' }, [cancelBtn, payBtn])
    ]);
    var closeBtn = el('button', { type: 'button', 'class': 'po-close', 'data-action': 'close', 'aria-label': '결제창 닫기', text: '×' });
    var modal;
    var cardButtons = info.cards.map(function (card) {
      var btn = el('button', { type: 'button', 'class': 'po-card', 'data-card': card.kind, 'aria-pressed': 'false' }, [
        document.createTextNode(card.company + ' · ' + card.label),
        el('small', { text: card.number })
      ]);
      btn.addEventListener('click', function () {
        chosen = card;
        cardButtons.forEach(function (b) { b.setAttribute('aria-pressed', b === btn ? 'true' : 'false'); });
        selected.textContent = '선택한 카드: ' + card.company + ' (' + card.number + ')';
        confirm.hidden = false;
        modal.setAttribute('data-state', 'confirm');
      });
      return btn;
    });
    var amountText = info.window.amount === null
      ? '카드 등록'
      : Number(info.window.amount).toLocaleString('ko-KR') + (info.window.currency === 'KRW' ? '원' : ' ' + info.window.currency);
    modal = el('div', { id: 'portone-sandbox-modal', 'data-test': 'portone-modal', 'data-state': 'choose-card', 'data-flow': transactionType }, [
      el('div', { 'class': 'po-window', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'portone-sandbox-title' }, [
        el('div', { 'class': 'po-header' }, [
          el('h2', { id: 'portone-sandbox-title', 'data-test': 'portone-title', text: info.window.title + ' · 테스트' }),
          closeBtn
        ]),
        el('div', { 'class': 'po-body' }, [
          el('div', { 'class': 'po-order' }, [
            el('div', { 'data-test': 'portone-order-name', text: info.window.orderName || (issuingOnly ? '정기결제 카드 등록' : '(주문명 없음)') }),
            el('div', { 'class': 'po-amount', 'data-test': 'portone-amount', text: amountText })
          ]),
          el('p', { text: '테스트 카드를 선택하세요.' }),
          el('div', { 'class': 'po-cards' }, cardButtons),
          confirm,
          message,
          el('p', { 'class': 'po-note', text: 'PortOne V2 sandbox: 실제 결제가 이루어지지 않습니다.' })
        ])
      ])
    ]);

    function submit(action) {
      if (!chosen) return;
      modal.setAttribute('data-state', 'processing');
      message.textContent = action === 'pay' ? '처리 중…' : '취소 중…';
      [payBtn, cancelBtn, closeBtn].concat(cardButtons).forEach(function (b) { b.disabled = true; });
      post('/__sandbox/window/submit', { transactionType: transactionType, request: request, card: chosen.kind, action: action })
        .then(function (r) { removeWindow(); done(r.result); })
        .catch(function (e) { removeWindow(); done(localFailure(transactionType, request, '결제 요청에 실패했습니다: ' + e.message)); });
    }
    payBtn.addEventListener('click', function () { submit('pay'); });
    cancelBtn.addEventListener('click', function () { submit('cancel'); });
    // Closing before any card records nothing.
    closeBtn.addEventListener('click', function () {
      removeWindow();
      done(localFailure(transactionType, request, '사용자가 결제창을 닫았습니다.'));
    });

    openWindow = modal;
    document.body.appendChild(modal);
  }

  function open(transactionType, request) {
    request = request || {};
    return new Promise(function (resolve) {
      var done = function (result) { finish(request, result, resolve); };
      if (openWindow) return done(localFailure(transactionType, request, '이미 결제창이 열려 있습니다.'));
      post('/__sandbox/window/open', { transactionType: transactionType, request: request })
        .then(function (r) {
          if (!r.ok) return done(r.result);
          showWindow(transactionType, request, r, done);
        })
        .catch(function (e) { done(localFailure(transactionType, request, '결제창을 열 수 없습니다: ' + e.message)); });
    });
  }

  window.PortOne = {
    requestPayment: function (request) { return open('PAYMENT', request); },
    requestIssueBillingKey: function (request) { return open('ISSUE_BILLING_KEY', request); },
    requestIssueBillingKeyAndPay: function (request) { return open('ISSUE_BILLING_KEY_AND_PAY', request); },
    /** Not in PortOne's SDK: lets a test or a page tear the window down. */
    __sandboxClose: removeWindow
  };
})();
