// A machine without Chromium: the browser suites fail with one line saying what to do, not with
// Playwright's generic launch error. Shown with a path that does not exist, so no browser is needed.
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { assertChromiumAt, launchBrowser } from '../../support/browser';

const ONE_LINE = (at: string) => `Chromium not found at ${at}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the browser the e2e suites drive (test/support/browser.ts)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'memberpay-chromium-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails to launch with one line naming the path, the Debian package and CHROMIUM_PATH when no Chromium is there', async () => {
    const missing = path.join(dir, 'no-such-chromium');
    const error = await rejectionOf(launchBrowser(missing));
    expect(error.message).to.equal(ONE_LINE(missing));
    // No stack frames: mocha prints exactly that line.
    expect(error.stack).to.equal(ONE_LINE(missing));
  });

  it('takes neither a directory nor a file that cannot be run for a browser', () => {
    const notExecutable = path.join(dir, 'chromium.txt');
    writeFileSync(notExecutable, 'not a browser', { mode: 0o644 });
    expect(() => assertChromiumAt(dir)).to.throw(ONE_LINE(dir));
    expect(() => assertChromiumAt(notExecutable)).to.throw(ONE_LINE(notExecutable));
  });

  it('accepts an executable file', () => {
    const executable = path.join(dir, 'chromium');
    writeFileSync(executable, '#!/bin/sh\n', { mode: 0o755 });
    expect(() => assertChromiumAt(executable)).not.to.throw();
  });
});
