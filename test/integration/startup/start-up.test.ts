import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `npm start`'s entry point as a child process until `until` matches its output or it exits. */
function run(env: Record<string, string>, until: RegExp, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/app/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no match within ${timeoutMs} ms: ${stdout}${stderr}`)); }, timeoutMs);
    const check = () => {
      if (until.test(stdout + stderr)) child.kill('SIGTERM');
    };
    child.stdout.on('data', (d) => { stdout += d; check(); });
    child.stderr.on('data', (d) => { stderr += d; check(); });
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

describe('start-up (npm start)', function () {
  this.timeout(30_000);

  it('migrates a fresh SQLite file, serves, and prints where it listens', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-start-'));
    const result = await run({ PORT: String(port), DATABASE_URL: `sqlite:${path.join(dir, 'nested/memberpay.sqlite')}` }, /listening on/);
    expect(result.stdout).to.include(`memberpay listening on http://127.0.0.1:${port}`);
    expect(result.code).to.equal(0);
  });

  it('stops on bad configuration with one line naming the variable', async () => {
    const result = await run({ PORT: 'eighty' }, /$^/);
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.equal('config error: PORT must be a number');
    expect(result.stdout).to.equal('');
  });

  for (const url of ['mysql://root@127.0.0.1:1/nowhere', 'postgres://postgres@127.0.0.1:1/nowhere']) {
    it(`says in one line, without a stack, when the database cannot be reached (${url.split(':')[0]})`, async () => {
      const result = await run({ PORT: String(await freePort()), DATABASE_URL: url }, /$^/);
      expect(result.code).to.equal(1);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.match(/^memberpay could not start: /);
      expect(result.stderr).not.to.match(/\n\s+at /);
    });
  }
});
