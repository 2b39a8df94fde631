import { ConcurrencyConflictError } from '../domain/domain-error';

/**
 * Runs `attempt` again when a concurrent writer won the optimistic-version race: the next
 * attempt reloads and sees that writer's result. After `times` losses the conflict goes out (409).
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, times = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || i >= times) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * i));
    }
  }
}
