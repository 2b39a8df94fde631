// The member page's dictionary (src/web/i18n.js), loaded in node as the browser loads it: both
// languages say everything, and every text the page shows comes from it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';

interface I18nModule {
  TEXTS: Record<'ko' | 'en', Record<string, string>>;
  pickLanguage(search: string, browserLanguages?: readonly string[]): 'ko' | 'en';
  setLanguage(language: string): void;
  currentLanguage(): string;
  t(key: string, vars?: Record<string, string | number>): string;
  addTexts(texts: Record<'ko' | 'en', Record<string, string>>): void;
}

const WEB = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'web');
const GATEWAYS = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'payment', 'infrastructure');
/** Each PG's browser script (src/payment/infrastructure/<pg>/<pg>.browser.js), served to the page as /gateway.js. */
const BROWSER_SCRIPTS = readdirSync(GATEWAYS, { withFileTypes: true }).filter((entry) => entry.isDirectory())
  .flatMap((dir) => readdirSync(path.join(GATEWAYS, dir.name)).filter((file) => file.endsWith('.browser.js')).map((file) => path.join(GATEWAYS, dir.name, file)));
const HANGUL = /[\uAC00-\uD7A3]/;

describe('member page dictionary (src/web/i18n.js)', () => {
  let i18n: I18nModule;
  before(async () => {
    // A computed specifier: the file is plain JavaScript served to the browser, without type declarations.
    const url = pathToFileURL(path.join(WEB, 'i18n.js')).href;
    i18n = await import(url);
  });
  afterEach(() => i18n.setLanguage('ko'));

  it('has the same keys in Korean and English, none empty; English has no Hangul', () => {
    const { ko, en } = i18n.TEXTS;
    expect(Object.keys(en).sort()).to.deep.equal(Object.keys(ko).sort());
    for (const [language, table] of Object.entries(i18n.TEXTS)) {
      for (const [key, text] of Object.entries(table)) expect(text.trim(), `${language} ${key}`).not.to.equal('');
    }
    for (const [key, text] of Object.entries(en)) expect(text, `en ${key}`).not.to.match(HANGUL);
    // Both languages fill the same placeholders.
    const holes = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(ko)) expect(holes(en[key]), key).to.deep.equal(holes(ko[key]));
  });

  it('knows every key index.html and app.js ask for', () => {
    const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
    const script = readFileSync(path.join(WEB, 'app.js'), 'utf8');
    const htmlKeys = [...html.matchAll(/data-i18n(?:-aria-label)?="([^"]+)"/g)].map((m) => m[1]);
    const scriptKeys = [...script.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]);
    expect(htmlKeys.length).to.be.greaterThan(40);
    expect(scriptKeys.length).to.be.greaterThan(80);
    for (const key of [...htmlKeys, ...scriptKeys]) expect(i18n.TEXTS.ko, key).to.have.property(key);
    // Keys built from a prefix and a word of a list (statuses, failure codes, plan intervals): known(LIST or [...], 'prefix', word).
    const built = [...script.matchAll(/known\((\w+|\[[^\]]*\]), '([\w.]+)'/g)];
    expect(built.length).to.equal(4);
    for (const [, list, prefix] of built) {
      const words = list.startsWith('[') ? list : script.match(new RegExp(`const ${list} = (\\[[^\\]]+\\])`))?.[1] ?? '';
      const literals = [...words.matchAll(/'(\w+)'/g)].map((m) => m[1]);
      expect(literals, list).not.to.deep.equal([]);
      for (const word of literals) expect(i18n.TEXTS.ko, `${prefix}.${word}`).to.have.property(`${prefix}.${word}`);
    }
    for (const field of ['due', 'charged', 'failed', 'skipped', 'reminded', 'ended']) expect(i18n.TEXTS.ko).to.have.property(`clock.run.${field}`);
  });

  it('leaves no Korean text outside the dictionary: none in index.html, none in app.js and the PG scripts but the PG SDK arguments', () => {
    expect(readFileSync(path.join(WEB, 'index.html'), 'utf8')).not.to.match(HANGUL);
    for (const file of [path.join(WEB, 'app.js'), ...BROWSER_SCRIPTS]) {
      const code = readFileSync(file, 'utf8')
        .replace(/^export const TEXTS = \{[\s\S]*?\n\};$/m, '') // a PG script's own words
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/\/\*\*[\s\S]*?\*\//g, '')
        .replaceAll("'카드'", "'card'") // Toss's requestPayment / requestBillingAuth method name, not shown to the buyer
        .replace('/취소|cancel/i', '/cancel/i'); // reads the PG's own error message
      expect(code, file).not.to.match(HANGUL);
    }
  });

  it('has a browser script for each PG, bringing its name in both languages; every key a script asks for is known', async () => {
    expect(BROWSER_SCRIPTS.map((file) => path.basename(file)).sort()).to.deep.equal(['iamport.browser.js', 'portone.browser.js', 'toss.browser.js']);
    for (const file of BROWSER_SCRIPTS) {
      const script = await import(pathToFileURL(file).href) as { TEXTS: Record<'ko' | 'en', Record<string, string>>; open: unknown };
      expect(script.open, file).to.be.a('function');
      const { ko, en } = script.TEXTS;
      expect(Object.keys(en).sort(), file).to.deep.equal(Object.keys(ko).sort());
      expect(ko, file).to.have.property('gateway.provider').that.matches(HANGUL);
      for (const text of Object.values(en)) expect(text, file).not.to.match(HANGUL);
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) expect({ ...i18n.TEXTS.ko, ...ko }, `${file} ${key}`).to.have.property(key);
    }
  });

  it('picks the language as the API does: ?lang=ko|en first, else the browser\'s first Korean or English language, else Korean', () => {
    const cases: Array<[string, string[], string]> = [
      ['', [], 'ko'],
      ['?lang=en', ['ko-KR'], 'en'],
      ['?lang=ko', ['en-US', 'en'], 'ko'],
      ['', ['en-US', 'en'], 'en'],
      ['', ['ko-KR', 'en-US'], 'ko'],
      ['', ['fr-FR', 'en-GB'], 'en'],
      ['', ['fr-FR', 'de'], 'ko'],
      ['?lang=xx', ['ko-KR'], 'ko'],
      ['?pg=toss&result=success&lang=en', ['ko-KR'], 'en'],
    ];
    for (const [search, languages, expected] of cases) expect(i18n.pickLanguage(search, languages), `${search} ${languages}`).to.equal(expected);
  });

  it('t() answers in the language set, fills {placeholders} and falls back to Korean for an unknown language', () => {
    expect(i18n.t('plans.order')).to.equal('구매하기');
    i18n.setLanguage('en');
    expect(i18n.currentLanguage()).to.equal('en');
    expect(i18n.t('plans.order')).to.equal('Buy');
    expect(i18n.t('refund.quoteTotal', { amount: '₩9,900' })).to.equal('Cancelling now refunds ₩9,900.');
    i18n.setLanguage('xx');
    expect(i18n.currentLanguage()).to.equal('ko');
    expect(i18n.t('payments.refund', { amount: '₩9,900' })).to.equal('환불 ₩9,900');
  });

  it('names the configured PG in the footer once its script added its words, in both languages', () => {
    const before = { ko: { 'gateway.provider': i18n.TEXTS.ko['gateway.provider'] }, en: { 'gateway.provider': i18n.TEXTS.en['gateway.provider'] } };
    expect(i18n.t('footer', { provider: i18n.t('gateway.provider') })).to.contain('결제사에서 처리되며');
    i18n.addTexts({ ko: { 'gateway.provider': '테스트PG' }, en: { 'gateway.provider': 'Test PG' } });
    try {
      expect(i18n.t('footer', { provider: i18n.t('gateway.provider') })).to.contain('테스트PG에서 처리되며');
      i18n.setLanguage('en');
      expect(i18n.t('footer', { provider: i18n.t('gateway.provider') })).to.contain('processed by Test PG,');
    } finally {
      i18n.addTexts(before);
    }
  });
});
