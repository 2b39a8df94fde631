import { ConcurrencyConflictError } from '../domain/domain-error';

/** The first wait's ceiling and the most any one wait may be, in ms. */
const FIRST_WAIT_MS = 5;
const LONGEST_WAIT_MS = 200;

/**
 * Runs `attempt` again when a concurrent writer won the optimistic-version race: the next
 * attempt reloads and sees that writer's result. After `times` losses the conflict goes out (409).
 * Each wait is random below a ceiling that doubles: writers that collided spread out instead of
 * colliding again in step (a buyer's validations on one membership, a deadlock's two sides).
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, times = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || i >= times) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (i - 1))));
    }
  }
}
