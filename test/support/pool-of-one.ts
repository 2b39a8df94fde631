import type { Knex } from 'knex';
import { SHARED } from '../../src/shared/shared.tokens';
import type { HttpHarness } from './http-app';

/** The harness's wait for a free connection: a request behind the held one gives up after this. */
export const ACQUIRE_TIMEOUT_MS = 300;
/** `startHttpHarness({ pool: POOL_OF_ONE })`: one connection, so the test can take it from every request. */
export const POOL_OF_ONE = { max: 1, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS };

/**
 * The one connection of a harness started with POOL_OF_ONE, taken by the test as another request's
 * work would take it: until released, every other statement waits for it and, past the wait, gives up.
 */
export class HeldConnection {
  private held: Knex.Transaction | null = null;

  /** A function, as the harness is started anew before each test. */
  constructor(private readonly harness: () => HttpHarness) {}

  knex(): Knex {
    return this.harness().container.get<{ knex: Knex }>(SHARED.Database).knex;
  }

  async hold(): Promise<void> {
    this.held = await this.knex().transaction();
  }

  async release(): Promise<void> {
    // Forgotten first, so a failed rollback (the harness already closed) is not tried again.
    const held = this.held;
    this.held = null;
    await held?.rollback();
  }
}
