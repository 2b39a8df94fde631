import type { Router } from '@koa/router';
import { createRouter } from './routing';

/** Something readiness depends on: resolves when usable, rejects otherwise. */
export interface HealthProbe {
  ping(): Promise<void>;
}

export type ProbeState = 'ok' | 'down' | 'unchecked';

export interface Readiness {
  db: ProbeState;
  gateway: ProbeState;
  checkedAt: number;
}

const CACHE_MS = 5000;
const PROBE_TIMEOUT_MS = 5000;

async function probe(target: HealthProbe | null): Promise<ProbeState> {
  if (!target) return 'unchecked';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      target.ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS); }),
    ]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz` (liveness: the process answers; shows the last readiness seen) and `/readyz` (the
 * database answers `SELECT 1` and the gateway gives a token; cached at most 5 s; 503 when either fails).
 */
export function healthRoutes(deps: { database: HealthProbe | null; gateway: HealthProbe}): Router {
  const router = createRouter();
  let last: Readiness | null = null;
  let running: Promise<Readiness> | null = null;

  const check = async (): Promise<Readiness> => {
    if (last && Date.now() - last.checkedAt < CACHE_MS) return last;
    running ??= Promise.all([probe(deps.database), probe(deps.gateway)])
      .then(([db, gateway]) => (last = { db, gateway, checkedAt: Date.now() }))
      .finally(() => { running = null; });
    return running;
  };

  router.get('/healthz', (ctx) => {
    ctx.body = { works: true, db: last?.db ?? 'unchecked', gateway: last?.gateway ?? 'unchecked' };
  });
  router.get('/readyz', async (ctx) => {
    const { db, gateway } = await check();
    const works = db !== 'down' && gateway !== 'down';
    ctx.status = works ? 200 : 503;
    ctx.body = { works, db, gateway };
  });
  return router;
}
