/**
 * The payment simulation of test/unit/payment/payment-simulation.test.ts with more runs.
 *
 *   npm run simulate -- --runs 100000 [--seed N]        explore (a random seed unless given)
 *   npm run simulate -- --seed N --path P --replay-path R   replay a failure (R: the commands' replayPath fast-check printed)
 *                                                        (an order we hold failed, paid at the gateway by a later attempt)
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { COMMAND_KINDS, paymentSimulation, type CommandKind, type RunReport } from '../test/support/payment-simulation';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    path: { type: 'string' },
    'replay-path': { type: 'string' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0 : Number(values.seed);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run simulate -- [--runs N] [--seed N] [--path P --replay-path R]');
  process.exit(2);
}

interface Row { runs: number; payments: number; paidAtGateway: number; lost: number; doubleEffects: number }
const blank = (): Row => ({ runs: 0, payments: 0, paidAtGateway: 0, lost: 0, doubleEffects: 0 });
const rows = new Map<CommandKind | 'all runs', Row>([['all runs', blank()], ...COMMAND_KINDS.map((k) => [k, blank()] as const)]);
const answers = new Map<string, number>();
let done = 0;

function tally(report: RunReport): void {
  done += 1;
  for (const key of ['all runs' as const, ...report.kinds]) {
    const row = rows.get(key) as Row;
    row.runs += 1;
    row.payments += report.payments;
    row.paidAtGateway += report.paidAtGateway;
    row.lost += report.lost;
    row.doubleEffects += report.doubleEffects;
  }
  for (const [code, n] of report.answers) answers.set(code, (answers.get(code) ?? 0) + n);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const progress = setInterval(() => console.log(`  ${done.toLocaleString('en')} runs done, ${elapsed()} elapsed`), 5000);
console.log(`payment simulation: ${runs.toLocaleString('en')} runs, seed ${seed}${values.path ? `, path ${values.path}` : ''}`);

const result = await fc.check(paymentSimulation(tally, { commandsReplayPath: values['replay-path'] }), {
  numRuns: runs, seed, ...(values.path ? { path: values.path } : {}),
});
clearInterval(progress);

if (result.failed) {
  console.log(`\nFAILED after ${result.numRuns} runs (${elapsed()})`);
  const message = fc.defaultReportMessage(result) ?? '';
  console.log(message);
  console.log(`\n${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
  const replayPath = /replayPath="([^"]*)"/.exec(message)?.[1];
  console.log(`\nreplay: npm run simulate -- --seed=${result.seed} --path "${result.counterexamplePath}"${replayPath ? ` --replay-path "${replayPath}"` : ''}`);
  process.exit(1);
}

console.log(`\n${done.toLocaleString('en')} runs passed in ${elapsed()} (seed ${seed})\n`);
const header = ['scenario (command kind)', 'runs', 'payments', 'paid at gateway', 'payments lost', 'double effects'];
const table = [...rows].map(([kind, r]) => [kind, r.runs, r.payments, r.paidAtGateway, r.lost, r.doubleEffects].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log(`\nuse-case answers: ${[...answers].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ')}`);
