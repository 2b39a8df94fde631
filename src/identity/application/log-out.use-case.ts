import type { SessionStore } from '../../shared/application/session-store.port';

/** Ends one session server-side: its id stops working even if the cookie is kept. */
export class LogOut {
  constructor(private readonly sessions: SessionStore) {}

  async execute(input: { sessionId: string | null }): Promise<void> {
    if (input.sessionId) await this.sessions.destroy(input.sessionId);
  }
}
