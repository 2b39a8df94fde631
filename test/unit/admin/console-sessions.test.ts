import { expect } from 'chai';
import { ConsoleSessions } from '../../../src/admin/application/console-sessions';
import { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { MemoryRateLimiter } from '../../../src/shared/infrastructure/memory/memory-rate-limiter';
import { MemorySessionStore } from '../../../src/shared/infrastructure/memory/memory-session.store';

const TOKEN = 'admin-token-for-tests-0123456789';
const IP = '203.0.113.7';

describe('ConsoleSessions: the wrong-token limit (10 per 15 minutes per address)', () => {
  let limiter: MemoryRateLimiter;
  let clock: ControllableClock;
  let sessions: ConsoleSessions;

  beforeEach(() => {
    limiter = new MemoryRateLimiter();
    clock = new ControllableClock();
    clock.freezeAt(new Date('2026-11-25T09:00:00.000Z'));
    sessions = new ConsoleSessions(TOKEN, new MemorySessionStore(), limiter, clock);
  });

  const open = (token: string, ip = IP) => sessions.open({ token, operator: 'alice', ip }).then(() => 'opened', (e: Error) => e.constructor.name);

  it('30 wrong tokens sent at once: 10 are compared (401), the rest answer 429, and then the right token too', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => open(`wrong-${i}`)));
    expect(results.filter((r) => r === 'WrongAdminTokenError'), results.join(',')).to.have.length(10);
    expect(results.filter((r) => r === 'TooManyAttemptsError')).to.have.length(20);
    expect(await open(TOKEN)).to.equal('TooManyAttemptsError');
    expect(await open(TOKEN, '203.0.113.8'), 'another address').to.equal('opened');
    clock.advance(15 * 60 * 1000);
    expect(await open(TOKEN)).to.equal('opened');
  });

  it('the right token does not count: sessions opened never use up the limit', async () => {
    for (let i = 0; i < 9; i += 1) expect(await open(`wrong-${i}`)).to.equal('WrongAdminTokenError');
    const opened = await Promise.all(Array.from({ length: 5 }, () => open(TOKEN)));
    expect(opened.filter((r) => r === 'opened')).to.have.length.at.least(1);
    for (let i = 0; i < 3; i += 1) expect(await open(TOKEN)).to.equal('opened');
    expect(await open('wrong-last')).to.equal('WrongAdminTokenError');
    expect(await open(TOKEN)).to.equal('TooManyAttemptsError');
  });
});
