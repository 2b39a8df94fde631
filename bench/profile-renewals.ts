// Profiling aid: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-renewals.ts [count]`.
import { renewalBench } from './renewal-bench';

const result = await renewalBench('mariadb', Number(process.argv[2] ?? 1000), 2);
console.log(JSON.stringify(result));
process.exit(0);
