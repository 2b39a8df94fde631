import fc from 'fast-check';
import { paymentSimulation } from '../../support/payment-simulation';

/**
 * The payment flow under random concurrent traffic and gateway faults (see test/support/payment-simulation.ts).
 * A fixed seed keeps `npm test` deterministic; `SIM_SEED=<n>` explores another one.
 * On failure fast-check prints the seed, the path of the shrunk counterexample and, after the command
 * list, the commands' replayPath; replay it with
 *   npm run simulate -- --seed=<seed> --path "<path>" --replay-path "<replayPath>"
 * and explore further with `npm run simulate -- --runs 100000`.
 */
describe('payment simulation (in-memory adapters, scheduled interleavings)', function () {
  this.timeout(120_000);

  it('1,000 random runs: no payment lost, no double effect, nothing left pending', async () => {
    await fc.assert(paymentSimulation(), { numRuns: 1000, seed: Number(process.env.SIM_SEED ?? 20261125) });
  });
});
