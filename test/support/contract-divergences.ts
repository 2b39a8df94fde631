import type { Suite } from 'mocha';

/**
 * Marks the contract cases a PG cannot hold as pending, each with its reason in the title, so the
 * contract itself is never bent; throws when a reason names a case that no longer exists.
 */
export function markDivergences(suite: Suite, pg: string, divergences: Record<string, string>): void {
  const found = new Set<string>();
  const walk = (s: Suite) => {
    for (const test of s.tests) {
      const reason = divergences[test.title];
      if (reason === undefined) continue;
      found.add(test.title);
      test.pending = true;
      test.title += ` [not for ${pg}: ${reason}]`;
    }
    s.suites.forEach(walk);
  };
  walk(suite);
  const missing = Object.keys(divergences).filter((t) => !found.has(t));
  if (missing.length > 0) throw new Error(`divergences name contract cases that no longer exist: ${missing.join('; ')}`);
}
