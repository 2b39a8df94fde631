// Reads a V8 .cpuprofile (from `BENCH_PROFILE=memberpay npx tsx bench/profile-checkout.ts`) and prints
// shares of samples, which stay comparable on a busy machine where absolute times do not:
//   npx tsx bench/profile-summary.ts [file.cpuprofile | dir] [--top N] [--match REGEX] [--from REGEX]
// A directory means its largest .cpuprofile (the main thread's). Idle samples are left out of every
// share, and so is everything before the first sample with a frame matching --from (default: the
// checkout use case, so start-up, compiling and the bench's logins do not count).
//   self       the frames that were running (leaf), by function and file
//   package    each sample charged to the deepest frame from a package or from our src/ (so node's
//              own code, e.g. crypto under keygrip, counts for the package that called it)
//   inclusive  frames on the stack at all (each sample counted once per frame), our src/ and the
//              frames --match names (e.g. --match 'makeTransactor|redefineProperties')
//   callers    for the self frames --callers names, who called them (e.g. --callers randomFillSync)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[] }

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const top = Number(option('--top') ?? 25);
const match = option('--match');
const from = new RegExp(option('--from') ?? 'start-checkout\.use-case');
const target = args[0] ?? '/tmp/memberpay-profile';

function largestProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

const file = statSync(target).isDirectory() ? largestProfile(target) : target;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

/** `knex`, `@koa/router`, `src/payment`, or null for node's own code and V8's pseudo-frames. */
function ownerOf(url: string): string | null {
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = url.slice(inModules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const inSrc = url.match(/\/(src|bench)\/([^/]+)\//);
  return inSrc ? `${inSrc[1]}/${inSrc[2]}` : null;
}

function frameName(frame: CallFrame): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  const short = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/');
  return `${fn} ${short}:${frame.lineNumber + 1}`;
}

function category(frame: CallFrame): string {
  if (frame.functionName === '(garbage collector)') return '(garbage collector)';
  if (frame.functionName === '(program)') return '(program)';
  if (frame.url.startsWith('node:')) return 'node (uncharged)';
  return frame.url ? 'other' : `native ${frame.functionName || '(anonymous)'}`;
}

const self = new Map<string, number>();
const packages = new Map<string, number>();
const inclusive = new Map<string, number>();
const ours = new Map<string, number>();
const callers = new Map<string, number>();
const callersOf = option('--callers');
const callersMatcher = callersOf ? new RegExp(callersOf) : null;
const matcher = match ? new RegExp(match) : null;
function stackMatches(leaf: ProfileNode, pattern: RegExp): boolean {
  for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parentOf.get(node.id) ?? -1)) {
    if (pattern.test(frameName(node.callFrame))) return true;
  }
  return false;
}

let counted = 0;
let started = false;
for (const id of profile.samples) {
  const leaf = byId.get(id) as ProfileNode;
  started ||= stackMatches(leaf, from);
  if (!started || leaf.callFrame.functionName === '(idle)') continue;
  counted += 1;
  self.set(frameName(leaf.callFrame), (self.get(frameName(leaf.callFrame)) ?? 0) + 1);
  let owner: string | null = null;
  const seen = new Set<string>();
  if (callersMatcher?.test(frameName(leaf.callFrame))) {
    const chain: string[] = [];
    for (let node = byId.get(parentOf.get(leaf.id) ?? -1); node && chain.length < 4; node = byId.get(parentOf.get(node.id) ?? -1)) chain.push(frameName(node.callFrame));
    const key = chain.join(' < ');
    callers.set(key, (callers.get(key) ?? 0) + 1);
  }
  for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parentOf.get(node.id) ?? -1)) {
    if (owner === null && ownerOf(node.callFrame.url)) {
      owner = ownerOf(node.callFrame.url);
      if (owner?.startsWith('src/')) ours.set(frameName(node.callFrame), (ours.get(frameName(node.callFrame)) ?? 0) + 1);
    }
    const name = frameName(node.callFrame);
    const wanted = matcher ? matcher.test(name) : false;
    if ((wanted || ownerOf(node.callFrame.url)?.startsWith('src/')) && !seen.has(name)) {
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    }
  }
  const key = owner ?? category(leaf.callFrame);
  packages.set(key, (packages.get(key) ?? 0) + 1);
}

const pct = (n: number) => `${((100 * n) / counted).toFixed(1).padStart(5)}%`;
function print(title: string, counts: Map<string, number>) {
  console.log(`\n${title}`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${name}`);
}

console.log(`${file}: ${counted} samples (idle and before /${from.source}/ excluded)`);
print('top self frames', self);
print('top packages (node internals charged to their caller)', packages);
print('our frames (src/) the package shares charge to src/', ours);
if (callersMatcher) print(`callers of self frames /${callersOf}/ (4 levels)`, callers);
print(`top inclusive frames (src/${matcher ? ` and /${match}/` : ''})`, inclusive);
