// Just enough DOM to run a sandbox's sdk.js in node:vm (no browser is installed for unit-speed
// tests): elements, attributes, click listeners, `[name="value"]` lookups.
import { runInNewContext } from 'node:vm';

export class FakeElement {
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

export interface FakePage {
  window: Record<string, any>;
  body: FakeElement;
}

/** Runs `source` as if loaded by `<script src="scriptUrl">` in an empty page. */
export function runScriptInFakePage(source: string, scriptUrl: string, userAgent = 'node'): FakePage {
  const body = new FakeElement('body');
  const head = new FakeElement('head');
  const document = {
    currentScript: { src: scriptUrl },
    head,
    body,
    documentElement: new FakeElement('html'),
    createElement: (tag: string) => new FakeElement(tag),
    createTextNode: (text: string) => Object.assign(new FakeElement('#text'), { textContent: text }),
    getElementById: (id: string) => head.find(`[id="${id}"]`) ?? body.find(`[id="${id}"]`) ?? null,
  };
  const window: Record<string, any> = { location: { href: '' } };
  runInNewContext(source, { window, document, navigator: { userAgent }, fetch, setTimeout, Promise });
  return { window, body };
}
