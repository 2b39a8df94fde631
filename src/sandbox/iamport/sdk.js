/*
 * Iamport sandbox: a stand-in for https://cdn.iamport.kr/v1/iamport.js
 *
 *   <script src="{sandbox}/sdk.js"></script>
 *   IMP.init('imp_sandbox');
 *   IMP.request_pay({ pg, pay_method, merchant_uid, amount, name, buyer_*, customer_uid?, notice_url? }, function (rsp) { ... });
 *
 * request_pay opens a fake "KG이니시스" PG window inside the page (plain DOM, no framework).
 * The sandbox server is found from this script's own URL, so the page may live on another origin.
 *
 * Stable selectors (for playwright):
 *   #imp-sandbox-modal, [data-test="imp-modal"]   the window; attribute data-state =
 *                                                 "choose-card" | "confirm" | "processing"
 *   [data-test="imp-title"]                       "KG이니시스 (INIpay Standard) · 테스트"
 *   [data-test="imp-name"], [data-test="imp-amount"]  product name, amount ("9,900원")
 *   [data-card="success"] [data-card="declined"] [data-card="limit"] [data-card="insufficient"]
 *                                                 test cards (4242-4242-4242-4242 approves)
 *   [data-test="imp-selected-card"]               the chosen card, shown with pay/cancel
 *   [data-action="pay"]                           pay with the chosen card
 *   [data-action="cancel"]                        buyer cancels after choosing a card:
 *                                                 a failed record, imp_uid returned, error_code F1001
 *   [data-action="close"]                         the × button: closes without any record,
 *                                                 imp_uid null, error_code F1002
 *   [data-test="imp-message"]                     progress and error text
 *
 * Callback rsp: success, imp_success, imp_uid, merchant_uid, paid_amount, status, pay_method,
 * pg_provider, pg_tid, error_code, error_msg, buyer_*, customer_uid, receipt_url, card_*, paid_at.
 * Without a callback and with params.m_redirect_url, the page is redirected there instead
 * (?imp_uid=&merchant_uid=&imp_success=&error_code=&error_msg=), like the mobile flow.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/\/sdk\.js(\?.*)?$/, '') : '';
  var impCode = null;
  var openWindow = null;

  var CSS = [
    '#imp-sandbox-modal{position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;font:16px/1.45 -apple-system,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:#222}',
    '#imp-sandbox-modal .imp-window{background:#fff;width:min(420px,calc(100vw - 24px));max-height:calc(100vh - 24px);overflow:auto;border-radius:10px;box-shadow:0 10px 40px rgba(0,0,0,.35)}',
    '#imp-sandbox-modal .imp-header{display:flex;align-items:center;justify-content:space-between;background:#e4002b;color:#fff;padding:12px 16px;border-radius:10px 10px 0 0}',
    '#imp-sandbox-modal .imp-header h2{font-size:17px;margin:0}',
    '#imp-sandbox-modal .imp-close{background:none;border:0;color:#fff;font-size:28px;line-height:1;min-width:44px;min-height:44px;cursor:pointer}',
    '#imp-sandbox-modal .imp-body{padding:16px}',
    '#imp-sandbox-modal .imp-order{border:1px solid #eee;border-radius:8px;padding:12px;margin-bottom:14px}',
    '#imp-sandbox-modal .imp-amount{font-size:22px;font-weight:700;color:#e4002b}',
    '#imp-sandbox-modal .imp-cards{display:grid;gap:8px}',
    '#imp-sandbox-modal button.imp-card{display:block;width:100%;text-align:left;min-height:48px;padding:10px 12px;border:1px solid #ccc;border-radius:8px;background:#fafafa;font-size:15px;cursor:pointer}',
    '#imp-sandbox-modal button.imp-card[aria-pressed="true"]{border-color:#e4002b;background:#fff0f2}',
    '#imp-sandbox-modal .imp-card small{display:block;color:#777}',
    '#imp-sandbox-modal .imp-confirm{margin-top:14px}',
    '#imp-sandbox-modal .imp-buttons{display:flex;gap:8px;margin-top:10px}',
    '#imp-sandbox-modal .imp-buttons button{flex:1;min-height:48px;border-radius:8px;font-size:16px;cursor:pointer;border:1px solid #ccc;background:#fff}',
    '#imp-sandbox-modal .imp-buttons button.imp-pay{background:#e4002b;border-color:#e4002b;color:#fff;font-weight:700}',
    '#imp-sandbox-modal button:disabled{opacity:.5;cursor:default}',
    '#imp-sandbox-modal .imp-message{min-height:1.4em;margin:12px 0 0;color:#555;font-size:14px}',
    '#imp-sandbox-modal .imp-note{color:#999;font-size:12px;margin-top:10px}'
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
    if (document.getElementById('imp-sandbox-style')) return;
    var style = el('style', { id: 'imp-sandbox-style', text: CSS });
    (document.head || document.documentElement).appendChild(style);
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

  /** An rsp for failures decided in the page (no record at the sandbox). */
  function localError(params, code, msg) {
    return {
      success: false, imp_success: false, imp_uid: null, merchant_uid: params.merchant_uid || null,
      paid_amount: 0, status: null, pay_method: params.pay_method || null, pg_provider: null,
      buyer_name: params.buyer_name || null, buyer_email: params.buyer_email || null,
      customer_uid: params.customer_uid || null, error_code: code, error_msg: msg
    };
  }

  function finish(params, callback, rsp) {
    if (typeof callback === 'function') {
      setTimeout(function () { callback(rsp); }, 0);
      return;
    }
    if (params.m_redirect_url) {
      var q = ['imp_uid', 'merchant_uid', 'error_code', 'error_msg']
        .filter(function (k) { return rsp[k] !== null && rsp[k] !== undefined; })
        .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(rsp[k]); });
      q.push('imp_success=' + (rsp.success ? 'true' : 'false'));
      window.location.href = params.m_redirect_url + (params.m_redirect_url.indexOf('?') >= 0 ? '&' : '?') + q.join('&');
    }
  }

  function removeWindow() {
    if (openWindow && openWindow.parentNode) openWindow.parentNode.removeChild(openWindow);
    openWindow = null;
  }

  function showWindow(params, info, done) {
    ensureStyle();
    var chosen = null;
    var message = el('p', { 'class': 'imp-message', 'data-test': 'imp-message', role: 'status' });
    var selected = el('p', { 'data-test': 'imp-selected-card' });
    var payBtn = el('button', { type: 'button', 'class': 'imp-pay', 'data-action': 'pay', text: '결제하기' });
    var cancelBtn = el('button', { type: 'button', 'class': 'imp-cancel', 'data-action': 'cancel', text: '취소' });
    var confirm = el('div', { 'class': 'imp-confirm', 'data-test': 'imp-confirm', hidden: 'hidden' }, [
      selected, el('div', { 'class': 'imp-buttons' }, [cancelBtn, payBtn])
    ]);
    var closeBtn = el('button', { type: 'button', 'class': 'imp-close', 'data-action': 'close', 'aria-label': '결제창 닫기', text: '×' });
    var cardButtons = info.cards.map(function (card) {
      var btn = el('button', { type: 'button', 'class': 'imp-card', 'data-card': card.kind, 'aria-pressed': 'false' }, [
        document.createTextNode(card.card_name + ' · ' + card.label),
        el('small', { text: card.number })
      ]);
      btn.addEventListener('click', function () {
        chosen = card;
        cardButtons.forEach(function (b) { b.setAttribute('aria-pressed', b === btn ? 'true' : 'false'); });
        selected.textContent = '선택한 카드: ' + card.card_name + ' (' + card.number + ')';
        confirm.hidden = false;
        modal.setAttribute('data-state', 'confirm');
      });
      return btn;
    });
    var amountText = Number(info.window.amount).toLocaleString('ko-KR') + (info.window.currency === 'KRW' ? '원' : ' ' + info.window.currency);
    var modal = el('div', { id: 'imp-sandbox-modal', 'data-test': 'imp-modal', 'data-state': 'choose-card' }, [
      el('div', { 'class': 'imp-window', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'imp-sandbox-title' }, [
        el('div', { 'class': 'imp-header' }, [
          el('h2', { id: 'imp-sandbox-title', 'data-test': 'imp-title', text: info.window.title + ' · 테스트' }),
          closeBtn
        ]),
        el('div', { 'class': 'imp-body' }, [
          el('div', { 'class': 'imp-order' }, [
            el('div', { 'data-test': 'imp-name', text: info.window.name || '(상품명 없음)' }),
            el('div', { 'class': 'imp-amount', 'data-test': 'imp-amount', text: amountText })
          ]),
          el('p', { text: '결제할 테스트 카드를 선택하세요.' }),
          el('div', { 'class': 'imp-cards' }, cardButtons),
          confirm,
          message,
          el('p', { 'class': 'imp-note', text: 'Iamport sandbox: 실제 결제가 이루어지지 않습니다.' })
        ])
      ])
    ]);

    function submit(action) {
      if (!chosen) return;
      modal.setAttribute('data-state', 'processing');
      message.textContent = action === 'pay' ? '결제 처리 중…' : '결제 취소 중…';
      [payBtn, cancelBtn, closeBtn].concat(cardButtons).forEach(function (b) { b.disabled = true; });
      post('/__sandbox/pay', { imp_code: impCode, params: params, card: chosen.kind, action: action, mobile: isMobile() })
        .then(function (r) { removeWindow(); done(r.rsp); })
        .catch(function (e) { removeWindow(); done(localError(params, 'F0000', '결제 요청에 실패했습니다: ' + e.message)); });
    }
    payBtn.addEventListener('click', function () { submit('pay'); });
    cancelBtn.addEventListener('click', function () { submit('cancel'); });
    // Closing records nothing: Iamport's window closed before any card leaves no payment.
    closeBtn.addEventListener('click', function () {
      removeWindow();
      done(localError(params, 'F1002', '사용자가 결제창을 닫았습니다'));
    });

    openWindow = modal;
    document.body.appendChild(modal);
  }

  function request_pay(params, callback) {
    params = params || {};
    var done = function (rsp) { finish(params, callback, rsp); };
    if (!impCode) return done(localError(params, 'F0001', 'IMP.init() 으로 가맹점 식별코드를 먼저 설정해주세요.'));
    if (openWindow) return done(localError(params, 'F0000', '이미 결제창이 열려 있습니다.'));
    post('/__sandbox/pay/open', { imp_code: impCode, params: params, mobile: isMobile() })
      .then(function (r) {
        if (!r.ok) return done(r.rsp);
        showWindow(params, r, done);
      })
      .catch(function (e) { done(localError(params, 'F0000', '결제창을 열 수 없습니다: ' + e.message)); });
  }

  window.IMP = {
    init: function (code) { impCode = code; },
    agency: function (code) { impCode = code; },
    request_pay: request_pay,
    /** Not in Iamport's SDK: lets a test or a page tear the window down. */
    close: removeWindow
  };
})();
