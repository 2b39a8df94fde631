// Profiling aid: `BENCH_PROFILE=renewal-worker npx tsx bench/profile-renewals.ts [count]` writes each
// worker's CPU profile to $TMPDIR/renewal-worker-profile.
import { renewalBench } from './renewal-bench';

const result = await renewalBench('mariadb', Number(process.argv[2] ?? 1000), 2);
console.log(JSON.stringify(result));
process.exit(0);
