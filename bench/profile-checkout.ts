// Profiling aid: `BENCH_PROFILE=memberpay npx tsx bench/profile-checkout.ts [sqlite|mariadb]` writes the
// memberpay process's CPU profile to $TMPDIR/memberpay-profile while checkout and validation run.
// Each buyer may hold 5 open orders: BENCH_USERS=400 keeps every checkout of a 5 s run an order
// rather than a 429, so two profiles compare the same mix (`npx tsx bench/profile-summary.ts`).
import { httpBench } from './http-bench';
import type { Engine } from './support';

const engine = (process.argv[2] ?? 'sqlite') as Engine;
const out = await httpBench(engine, { connections: 10, durationS: Number(process.env.BENCH_DURATION_S ?? 5), warmupS: 2, users: Number(process.env.BENCH_USERS ?? 50) });
for (const r of out.rows) console.log(r.engine, r.endpoint, 'baseline', r.baseline.reqPerSec, r.baseline.p99, 'memberpay', r.memberpay.reqPerSec, r.memberpay.p50, r.memberpay.p99);
process.exit(0);
