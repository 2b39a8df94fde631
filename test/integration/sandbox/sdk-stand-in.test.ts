// Runs the served sdk.js against the sandbox with a tiny DOM shim (no browser is installed
// here); it checks the window's flow and selectors, not its looks.
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/iamport/sandbox-server.js';

class FakeElement {
  readonly attributes = new Map<string, string>();
  readonly children: FakeElement[] = [];
  parentNode: FakeElement | null = null;
  textContent = '';
  hidden = false;
  disabled = false;
  private readonly listeners: Array<() => void> = [];
  constructor(readonly tagName: string) {}
  setAttribute(k: string, v: string) {
    this.attributes.set(k, String(v));
    if (k === 'hidden') this.hidden = true;
  }
  getAttribute(k: string) {
    return this.attributes.get(k) ?? null;
  }
  appendChild(c: FakeElement) {
    c.parentNode = this;
    this.children.push(c);
    return c;
  }
  removeChild(c: FakeElement) {
    this.children.splice(this.children.indexOf(c), 1);
    c.parentNode = null;
    return c;
  }
  addEventListener(_type: string, fn: () => void) {
    this.listeners.push(fn);
  }
  click() {
    if (!this.disabled) this.listeners.forEach((fn) => fn());
  }
  /** `[name="value"]` selectors only. */
  find(selector: string): FakeElement | undefined {
    const [, name, value] = /^\[([\w-]+)="([^"]*)"\]$/.exec(selector) ?? [];
    const walk = (n: FakeElement): FakeElement | undefined =>
      n.getAttribute(name) === value ? n : n.children.map(walk).find(Boolean);
    return walk(this);
  }
  get text(): string {
    return this.textContent + this.children.map((c) => c.text).join('');
  }
}

describe('browser SDK stand-in (sdk.js)', function () {
  this.timeout(5000);
  let sb: SandboxServer;
  let sdkSource: string;
  let body: FakeElement;
  let IMP: { init(code: string): void; request_pay(params: object, cb: (rsp: any) => void): void };

  before(async () => {
    sb = await startSandboxServer({ env: {} });
    sdkSource = await (await fetch(`${sb.url}/sdk.js`)).text();
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.sandbox.reset();
    body = new FakeElement('body');
    const head = new FakeElement('head');
    const document = {
      currentScript: { src: `${sb.url}/sdk.js` },
      head,
      body,
      documentElement: new FakeElement('html'),
      createElement: (tag: string) => new FakeElement(tag),
      createTextNode: (text: string) => Object.assign(new FakeElement('#text'), { textContent: text }),
      getElementById: (id: string) => head.find(`[id="${id}"]`) ?? body.find(`[id="${id}"]`) ?? null,
    };
    const window: Record<string, any> = { location: { href: '' } };
    runInNewContext(sdkSource, { window, document, navigator: { userAgent: 'node' }, fetch, setTimeout });
    IMP = window.IMP;
  });

  const modal = () => body.find('[data-test="imp-modal"]');
  /** Resolves once the window is shown; `result` settles when the callback fires. */
  async function openWindow(params: object): Promise<{ result: Promise<any> }> {
    const result = new Promise<any>((resolve) => IMP.request_pay(params, resolve));
    const until = Date.now() + 2000;
    while (!modal() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return { result };
  }

  it('opens a KG Inicis window with name and amount, and pays with the success card', async () => {
    IMP.init('imp_sandbox');
    const { result } = await openWindow({ pg: 'html5_inicis', pay_method: 'card', merchant_uid: 'sdk-1', amount: 9900, name: '월간 멤버십', buyer_name: '홍길동' });
    expect(modal()!.find('[data-test="imp-title"]')!.text).to.contain('KG이니시스');
    expect(modal()!.find('[data-test="imp-name"]')!.text).to.equal('월간 멤버십');
    expect(modal()!.find('[data-test="imp-amount"]')!.text).to.contain('9,900');
    for (const card of ['success', 'declined', 'limit', 'insufficient']) expect(modal()!.find(`[data-card="${card}"]`)).to.not.equal(undefined);
    expect(modal()!.find('[data-test="imp-confirm"]')!.hidden).to.equal(true);
    modal()!.find('[data-card="success"]')!.click();
    expect(modal()!.find('[data-test="imp-confirm"]')!.hidden).to.equal(false);
    modal()!.find('[data-action="pay"]')!.click();
    const rsp = await result;
    expect(rsp).to.include({ success: true, merchant_uid: 'sdk-1', paid_amount: 9900, status: 'paid', pg_provider: 'html5_inicis', buyer_name: '홍길동' });
    expect(modal()).to.equal(undefined);
    expect(sb.sandbox.state.getPayment(rsp.imp_uid)?.status).to.equal('paid');
  });

  it('closes with × before any card: no imp_uid, F1002, no record', async () => {
    IMP.init('imp_sandbox');
    const { result } = await openWindow({ merchant_uid: 'sdk-2', amount: 9900 });
    modal()!.find('[data-action="close"]')!.click();
    const rsp = await result;
    expect(rsp).to.include({ success: false, imp_uid: null, error_code: 'F1002' });
    expect(sb.sandbox.state.payments.size).to.equal(0);
  });

  it('records a failed payment when the buyer cancels after choosing a card', async () => {
    IMP.init('imp_sandbox');
    const { result } = await openWindow({ merchant_uid: 'sdk-3', amount: 9900 });
    modal()!.find('[data-card="success"]')!.click();
    modal()!.find('[data-action="cancel"]')!.click();
    const rsp = await result;
    expect(rsp.imp_uid).to.match(/^imp_\d{12}$/);
    expect(rsp.error_msg).to.contain('취소');
    expect(sb.sandbox.state.getPayment(rsp.imp_uid)?.status).to.equal('failed');
  });

  it('answers a decline with imp_uid, error_code and error_msg', async () => {
    IMP.init('imp_sandbox');
    const { result } = await openWindow({ merchant_uid: 'sdk-4', amount: 9900 });
    modal()!.find('[data-card="insufficient"]')!.click();
    modal()!.find('[data-action="pay"]')!.click();
    const rsp = await result;
    expect(rsp).to.include({ success: false, status: 'failed', error_code: 'F2004' });
    expect(rsp.error_msg).to.contain('잔액부족');
  });

  it('never opens the window for a prepared amount mismatch or without IMP.init', async () => {
    const noInit = await new Promise<any>((resolve) => IMP.request_pay({ merchant_uid: 'sdk-5', amount: 1 }, resolve));
    expect(noInit).to.include({ imp_uid: null, error_code: 'F0001' });
    IMP.init('imp_sandbox');
    sb.sandbox.state.prepare('sdk-5', 9900, null);
    const rsp = await new Promise<any>((resolve) => IMP.request_pay({ merchant_uid: 'sdk-5', amount: 100 }, resolve));
    expect(rsp).to.include({ imp_uid: null, success: false });
    expect(rsp.error_msg).to.contain('다릅니다');
    expect(modal()).to.equal(undefined);
  });
});
