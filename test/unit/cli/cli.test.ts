import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { isoTime, UsageError } from '../../../src/cli/args';
import { runCli } from '../../../src/cli/cli';
import { COMMANDS } from '../../../src/cli/commands';
import { duration, ProgressLine } from '../../../src/cli/progress';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process, with a database directory that must stay untouched by anything refused. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const code = await runCli(argv, {
    stdout, stderr, env: { LOG_LEVEL: 'silent', IAMPORT_MODE: 'sandbox', DATABASE_URL: `sqlite:${databaseFile}`, ...env },
    interrupted: () => new Promise(() => {}),
  });
  return { code, stdout: out, stderr: err };
}

let folder: string;
let databaseFile: string;

describe('memberpay cli: the command line, before any work', () => {
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'memberpay-cli-unit-'));
    databaseFile = path.join(folder, 'never', 'created.sqlite');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const refusedBeforeWork = (run: Run, pattern: RegExp) => {
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr.trim().split('\n'), run.stderr).to.have.length(1);
    expect(run.stderr).to.match(/^memberpay cli: /).and.to.match(pattern);
    // Opening the SQLite database would have created its directory.
    expect(existsSync(path.dirname(databaseFile)), 'the database was opened').to.equal(false);
  };

  it('refuses an unknown flag on any command with one line and exit code 2', async () => {
    refusedBeforeWork(await cli(['migrate', '--bogus-flag']), /migrate: unknown option --bogus-flag/);
    refusedBeforeWork(await cli(['renewals', 'run', '--as-of', '2027-01-01T00:00:00Z', '--force']), /renewals run: unknown option --force/);
    refusedBeforeWork(await cli(['reconcile', '-x']), /reconcile: unknown option -x/);
    refusedBeforeWork(await cli(['sandbox', 'pay', '--cardd', 'success']), /sandbox pay: unknown option --cardd/);
  });

  it('refuses an unreadable --as-of in both spellings (--as-of X and --as-of=X), and a missing value', async () => {
    for (const value of ['yesterday', '2026-12-25', '2026-02-30T00:00:00Z', '2026-12-25T00:00:00', '2026-13-01T00:00:00Z', '']) {
      refusedBeforeWork(await cli(['renewals', 'run', '--as-of', value]), /--as-of must be an ISO 8601 time with a zone/);
      refusedBeforeWork(await cli(['renewals', 'run', `--as-of=${value}`]), /--as-of must be an ISO 8601 time with a zone/);
    }
    refusedBeforeWork(await cli(['renewals', 'run', '--as-of']), /--as-of needs a value/);
    refusedBeforeWork(await cli(['renewals', 'run', '--as-of', '--json']), /--as-of needs a value/);
    refusedBeforeWork(await cli(['webhooks', 'replay', '--since=last-week']), /--since must be an ISO 8601 time/);
  });

  // Attacker finding 2 (LOW): the CLI ran renewals as of 2200 (or 9999) while the admin API refuses any time past 2100-01-01.
  it('refuses an --as-of or --since outside 2000-01-01..2100-01-01, as the admin API does, before any work', async () => {
    for (const value of ['2200-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '1999-12-31T23:59:59Z', '2100-01-01T00:00:00.001Z']) {
      refusedBeforeWork(await cli(['renewals', 'run', '--as-of', value]), /--as-of must lie between 2000-01-01T00:00:00.000Z and 2100-01-01T00:00:00.000Z/);
      refusedBeforeWork(await cli(['webhooks', 'replay', `--since=${value}`]), /--since must lie between/);
    }
  });

  it('refuses --as-of while the test clock is off (a live deployment), before charging anything', async () => {
    refusedBeforeWork(await cli(['renewals', 'run', '--as-of=2027-01-01T00:00:00Z'], { TEST_CLOCK: 'off' }), /--as-of needs TEST_CLOCK=on/);
  });

  it('refuses unknown commands, missing and extra arguments, and values of the wrong kind', async () => {
    refusedBeforeWork(await cli(['frobnicate']), /unknown command: frobnicate/);
    refusedBeforeWork(await cli(['renewals']), /renewals needs a subcommand: renewals run/);
    refusedBeforeWork(await cli(['renewals', 'walk']), /unknown command: renewals walk/);
    refusedBeforeWork(await cli([]), /a command is needed/);
    refusedBeforeWork(await cli(['payment']), /payment: missing argument/);
    refusedBeforeWork(await cli(['payment', 'mp_1', 'mp_2']), /payment: unexpected argument mp_2/);
    refusedBeforeWork(await cli(['migrate', '--json=yes']), /--json takes no value/);
    refusedBeforeWork(await cli(['sandbox', 'pay', '--card', 'gold']), /--card must be one of success, declined, limit, insufficient/);
    refusedBeforeWork(await cli(['sandbox', 'pay', '--card', 'declined']), /declines: use sandbox decline/);
    refusedBeforeWork(await cli(['sandbox', 'fault', '--error-rate', '2']), /--error-rate must be a number from 0 to 1/);
    refusedBeforeWork(await cli(['sandbox', 'fault', '--fail-next', '-1']), /--fail-next (must be a whole number|needs a value)/);
    refusedBeforeWork(await cli(['sandbox', 'notice', 'mp_1', '--status', 'refunded']), /--status must be one of/);
    refusedBeforeWork(await cli(['listen', '--interval-ms', '5']), /--interval-ms must be at least 50/);
  });

  it('refuses sandbox commands when the PG is live, before any call', async () => {
    const live = { IAMPORT_MODE: 'live', IMP_KEY: 'k', IMP_SECRET: 's', IMP_CODE: 'imp12345678', PUBLIC_URL: 'https://shop.example', SESSION_SECRET: 'a-session-secret-0123456789' };
    refusedBeforeWork(await cli(['sandbox', 'reset'], live), /sandbox commands need the PG in sandbox mode/);
    refusedBeforeWork(await cli(['sandbox', 'pay', 'mp_1'], live), /sandbox commands need the PG in sandbox mode \(IAMPORT_MODE=sandbox, or TOSS_MODE=sandbox with PAYMENT_GATEWAY=toss\)/);
  });

  it('refuses the Iamport sandbox\'s notice flags with the Toss sandbox, and says whose they are in the help', async () => {
    const toss = { PAYMENT_GATEWAY: 'toss', TOSS_MODE: 'sandbox' };
    refusedBeforeWork(await cli(['sandbox', 'notice', 'mp_1', '--status', 'paid'], toss), /--status is for the Iamport sandbox \(a Toss event carries the payment itself\)/);
    refusedBeforeWork(await cli(['sandbox', 'fault', '--notice-drop', '0.5'], toss), /the --notice-\* knobs are the Iamport sandbox's/);
    const help = await cli(['sandbox', 'fault', '--help']);
    expect(help.stdout).to.contain('share of notices never sent (Iamport)').and.to.contain('deliver notices out of order (Iamport)');
    expect((await cli(['sandbox', 'notice', '--help'])).stdout).to.contain('a stale or forged one; Iamport only');
  });

  it('answers a bad configuration with one line naming the variable, exit 1', async () => {
    const run = await cli(['migrate'], { DATABASE_URL: 'oracle://db.example/memberpay' });
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.match(/DATABASE_URL/);
  });

  it('prints the commands with `help`, `--help` and `-h`, exit 0', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const run = await cli(argv);
      expect(run.code).to.equal(0);
      for (const command of COMMANDS) expect(run.stdout).to.include(`  ${command.name} `);
      expect(run.stdout).to.match(/Exit codes: 0 done, 1 the work failed, 2 the command line is wrong/);
    }
  });

  it("prints each command's own help for `<command> --help`, `-h` and `help <command>`", async () => {
    for (const command of COMMANDS) {
      const words = command.name.split(' ');
      for (const argv of [[...words, '--help'], [...words, '-h'], ['help', ...words]]) {
        const run = await cli(argv);
        expect(run.code, argv.join(' ')).to.equal(0);
        expect(run.stdout, argv.join(' ')).to.match(new RegExp(`^usage: npm run cli -- ${command.name}`));
        expect(run.stdout).to.include(command.summary);
        for (const option of Object.keys(command.options ?? {})) expect(run.stdout, `${command.name} --${option}`).to.include(`--${option}`);
      }
    }
    const renewals = await cli(['renewals', 'run', '--help']);
    expect(renewals.stdout).to.include('--as-of <value>').and.to.include('--progress').and.to.include('TEST_CLOCK=on');
    expect((await cli(['sandbox', '--help'])).stdout).to.match(/sandbox <pay\|decline\|notice\|fault\|reset>/);
    expect((await cli(['migrate', '--help'])).stdout).not.to.include('--progress');
  });

  it('refuses help for a command that does not exist', async () => {
    refusedBeforeWork(await cli(['help', 'frobnicate']), /help: unknown command frobnicate/);
  });
});

describe('isoTime', () => {
  it('reads ISO 8601 times with a zone, in both Z and offset forms', () => {
    expect(isoTime('--as-of', '2026-12-25T00:00:00Z')?.toISOString()).to.equal('2026-12-25T00:00:00.000Z');
    expect(isoTime('--as-of', '2026-12-25T09:00:00+09:00')?.toISOString()).to.equal('2026-12-25T00:00:00.000Z');
    expect(isoTime('--as-of', '2026-12-25T09:00+0900')?.toISOString()).to.equal('2026-12-25T00:00:00.000Z');
    expect(isoTime('--as-of', '2026-12-25T00:00:00.250Z')?.toISOString()).to.equal('2026-12-25T00:00:00.250Z');
    expect(isoTime('--as-of', undefined)).to.equal(null);
  });

  it('refuses a date alone, a time without a zone, and a day that does not exist', () => {
    for (const value of ['2026-12-25', '2026-12-25T00:00:00', '2026-02-29T00:00:00Z', '2026-12-25T24:30:00Z', 'now']) {
      expect(() => isoTime('--as-of', value), value).to.throw(UsageError);
    }
  });
});

describe('the progress line', () => {
  function line(tty: boolean) {
    let written = '';
    const stream = Object.assign(new PassThrough(), { isTTY: tty });
    stream.on('data', (d) => { written += d; });
    let now = 0;
    const progress = new ProgressLine({ label: 'renewals', stream, now: () => now, intervalMs: 1000 });
    return { progress, tick: (ms: number) => { now += ms; }, written: () => written };
  }

  it('shows done/total, percent, rate and ETA', () => {
    const { progress, tick } = line(false);
    progress.start(1000);
    tick(2000);
    progress.advance(250);
    expect(progress.line()).to.equal('renewals  250/1,000  25%  125/s  ETA 6s  (2s)');
    tick(58_000);
    expect(progress.line()).to.equal('renewals  250/1,000  25%  4.2/s  ETA 3m00s  (1m00s)');
  });

  it('on a terminal rewrites one line in place, at most once an interval, and ends it', () => {
    const { progress, tick, written } = line(true);
    progress.start(3);
    progress.advance();
    tick(1500);
    progress.advance();
    progress.advance();
    progress.finish();
    expect(written()).to.equal(
      '\r\u001b[2Krenewals  0/3  0%  0.0/s  ETA -  (0s)' + '\r\u001b[2Krenewals  2/3  66%  1.3/s  ETA 1s  (2s)' + '\r\u001b[2Krenewals  3/3  100%  2.0/s  done  (2s)\n',
    );
  });

  it('elsewhere writes whole lines, skipping ones that would repeat the counts', () => {
    const { progress, tick, written } = line(false);
    progress.start(0);
    progress.finish();
    expect(written()).to.equal('renewals  0/0  100%  0.0/s  done  (0s)\n');
    progress.advance(2);
    tick(5000);
    progress.advance();
    expect(written().split('\n').filter(Boolean)).to.have.length(2);
  });

  it('does not repeat the last line at the end when it already showed everything done', () => {
    const { progress, tick, written } = line(false);
    progress.start(2);
    tick(3000);
    progress.advance(2);
    tick(1000); // the rate falls while nothing more is done
    progress.finish();
    expect(written().split('\n').filter(Boolean)).to.deep.equal(['renewals  0/2  0%  0.0/s  ETA -  (0s)', 'renewals  2/2  100%  0.7/s  done  (3s)']);
  });

  it('formats durations', () => {
    expect([duration(3.2), duration(75), duration(4000)]).to.deep.equal(['3s', '1m15s', '1h06m']);
  });
});
