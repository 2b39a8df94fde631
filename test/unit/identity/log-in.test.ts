import { expect } from 'chai';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, loginFailureKey } from '../../../src/identity/application/account-limits';
import { LogIn } from '../../../src/identity/application/log-in.use-case';
import type { User } from '../../../src/identity/domain/user.entity';
import { MemoryUserRepository } from '../../../src/identity/infrastructure/memory/memory-user.repository';
import { DatabaseUnavailableError } from '../../../src/shared/application/database.errors';
import { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { MemoryRateLimiter } from '../../../src/shared/infrastructure/memory/memory-rate-limiter';
import { HeldHasher, settle } from '../../support/held-hasher';

const IP = '10.7.7.7';
const EMAIL = 'kim@example.com';
const PASSWORD = 'correct horse';

describe('LogIn: the failed-login limit', () => {
  let users: MemoryUserRepository;
  let hasher: HeldHasher;
  let limiter: MemoryRateLimiter;
  let clock: ControllableClock;
  let logIn: LogIn;
  let user: User;

  beforeEach(async () => {
    users = new MemoryUserRepository();
    hasher = new HeldHasher();
    limiter = new MemoryRateLimiter();
    clock = new ControllableClock();
    clock.freezeAt(new Date('2026-11-25T09:00:00.000Z'));
    logIn = new LogIn(users, hasher, limiter, clock);
    user = { id: 'u1', email: EMAIL, name: 'Kim', passwordHash: await hasher.hash(PASSWORD), language: 'ko', createdAt: clock.now() };
    await users.add(user);
  });

  const attempt = (password: string, ip = IP) => logIn.execute({ email: EMAIL, password, ip }).then((u) => u.id, (e: Error) => e.constructor.name);
  const failures = () => limiter.count(loginFailureKey(IP, EMAIL), LOGIN_FAILURE_WINDOW_MS, clock.now());

  it('two wrong passwords verified at the same time with one failure left: one is checked (401), the other refused (429)', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i += 1) expect(await attempt(`wrong ${i}`)).to.equal('InvalidCredentialsError');
    hasher.verified = [];
    hasher.hold();
    const first = attempt('guess a');
    const second = attempt('guess b');
    await settle(); // both have read the limit; at most one may be verifying
    hasher.release();
    expect([await first, await second].sort()).to.deep.equal(['InvalidCredentialsError', 'TooManyAttemptsError']);
    expect(hasher.verified, 'passwords checked').to.have.length(1);
    expect(await failures()).to.equal(LOGIN_FAILURE_LIMIT);
    expect(await attempt(PASSWORD), 'the right password once the limit is reached').to.equal('TooManyAttemptsError');
  });

  it('30 guesses at once on an empty window: exactly LOGIN_FAILURE_LIMIT are checked', async () => {
    hasher.hold();
    const answers = Array.from({ length: 30 }, (_, i) => attempt(`guess ${i}`));
    await settle();
    hasher.release();
    const results = await Promise.all(answers);
    expect(results.filter((r) => r === 'InvalidCredentialsError')).to.have.length(LOGIN_FAILURE_LIMIT);
    expect(results.filter((r) => r === 'TooManyAttemptsError')).to.have.length(30 - LOGIN_FAILURE_LIMIT);
    expect(hasher.verified).to.have.length(LOGIN_FAILURE_LIMIT);
    // Refused attempts do not count: the window holds the checked failures only.
    expect(await failures()).to.equal(LOGIN_FAILURE_LIMIT);
  });

  it('a right password is taken back, also when checked alongside a wrong one: successes never use up the limit', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 2; i += 1) await attempt(`wrong ${i}`);
    hasher.hold();
    const right = attempt(PASSWORD);
    const wrong = attempt('guess');
    await settle();
    hasher.release();
    expect(await right).to.equal('u1');
    expect(await wrong).to.equal('InvalidCredentialsError');
    for (let i = 0; i < 5; i += 1) expect(await attempt(PASSWORD)).to.equal('u1');
    expect(await failures()).to.equal(LOGIN_FAILURE_LIMIT - 1);
    expect(await attempt('one more guess')).to.equal('InvalidCredentialsError');
    expect(await attempt(PASSWORD)).to.equal('TooManyAttemptsError');
    expect(await attempt(PASSWORD, '10.7.7.8'), 'another address').to.equal('u1');
  });

  it('an unknown email counts like a wrong password', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i += 1) {
      const answer = await logIn.execute({ email: 'nobody@example.com', password: 'x', ip: IP }).catch((e: Error) => e.constructor.name);
      expect(answer).to.equal('InvalidCredentialsError');
    }
    expect(await logIn.execute({ email: 'nobody@example.com', password: 'x', ip: IP }).catch((e: Error) => e.constructor.name)).to.equal('TooManyAttemptsError');
  });

  it('the window passes: the limit is lifted LOGIN_FAILURE_WINDOW_MS after the failures', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i += 1) await attempt(`wrong ${i}`);
    clock.advance(LOGIN_FAILURE_WINDOW_MS - 1000);
    expect(await attempt(PASSWORD)).to.equal('TooManyAttemptsError');
    clock.advance(1000);
    expect(await attempt(PASSWORD)).to.equal('u1');
  });

  it('an attempt that fails before its password is checked (the database unavailable) does not count', async () => {
    const findByEmail = users.findByEmail.bind(users);
    users.findByEmail = async () => { throw new DatabaseUnavailableError('down'); };
    for (let i = 0; i < LOGIN_FAILURE_LIMIT + 2; i += 1) expect(await attempt('wrong')).to.equal('DatabaseUnavailableError');
    users.findByEmail = findByEmail;
    expect(await failures()).to.equal(0);
    expect(await attempt(PASSWORD)).to.equal('u1');
  });
});
