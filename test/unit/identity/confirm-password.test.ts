import { expect } from 'chai';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, loginFailureKey } from '../../../src/identity/application/account-limits';
import { ConfirmPassword } from '../../../src/identity/application/confirm-password.use-case';
import { LogIn } from '../../../src/identity/application/log-in.use-case';
import { MemoryUserRepository } from '../../../src/identity/infrastructure/memory/memory-user.repository';
import { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { MemoryRateLimiter } from '../../../src/shared/infrastructure/memory/memory-rate-limiter';
import { HeldHasher, settle } from '../../support/held-hasher';

const IP = '10.7.7.7';
const EMAIL = 'kim@example.com';
const PASSWORD = 'correct horse';

describe('ConfirmPassword (DELETE /api/me): wrong passwords count with failed logins', () => {
  let hasher: HeldHasher;
  let limiter: MemoryRateLimiter;
  let clock: ControllableClock;
  let confirm: ConfirmPassword;
  let logIn: LogIn;

  beforeEach(async () => {
    const users = new MemoryUserRepository();
    hasher = new HeldHasher();
    limiter = new MemoryRateLimiter();
    clock = new ControllableClock();
    clock.freezeAt(new Date('2026-11-25T09:00:00.000Z'));
    confirm = new ConfirmPassword(users, hasher, limiter, clock);
    logIn = new LogIn(users, hasher, limiter, clock);
    await users.add({ id: 'u1', email: EMAIL, name: 'Kim', passwordHash: await hasher.hash(PASSWORD), language: 'ko', createdAt: clock.now() });
  });

  const attempt = (password: string) => confirm.execute({ userId: 'u1', password, ip: IP }).then((u) => u.id, (e: Error) => e.constructor.name);
  const failures = () => limiter.count(loginFailureKey(IP, EMAIL), LOGIN_FAILURE_WINDOW_MS, clock.now());

  it('two wrong passwords verified at the same time with one failure left: one is checked (403), the other refused (429)', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i += 1) expect(await attempt(`wrong ${i}`)).to.equal('WrongPasswordError');
    hasher.verified = [];
    hasher.hold();
    const first = attempt('guess a');
    const second = attempt('guess b');
    await settle();
    hasher.release();
    expect([await first, await second].sort()).to.deep.equal(['TooManyAttemptsError', 'WrongPasswordError']);
    expect(hasher.verified, 'passwords checked').to.have.length(1);
    expect(await attempt(PASSWORD)).to.equal('TooManyAttemptsError');
    expect(await logIn.execute({ email: EMAIL, password: PASSWORD, ip: IP }).catch((e: Error) => e.constructor.name), 'the login of the same (IP, email)').to.equal('TooManyAttemptsError');
  });

  it('30 wrong passwords at once: LOGIN_FAILURE_LIMIT are checked, the rest refused', async () => {
    hasher.hold();
    const answers = Array.from({ length: 30 }, (_, i) => attempt(`guess ${i}`));
    await settle();
    hasher.release();
    const results = await Promise.all(answers);
    expect(hasher.verified).to.have.length(LOGIN_FAILURE_LIMIT);
    expect(results.filter((r) => r === 'WrongPasswordError')).to.have.length(LOGIN_FAILURE_LIMIT);
    expect(await failures()).to.equal(LOGIN_FAILURE_LIMIT);
  });

  it('a right password does not count', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i += 1) await attempt(`wrong ${i}`);
    for (let i = 0; i < 5; i += 1) expect(await attempt(PASSWORD)).to.equal('u1');
    expect(await failures()).to.equal(LOGIN_FAILURE_LIMIT - 1);
    expect(await attempt('last guess')).to.equal('WrongPasswordError');
    expect(await attempt(PASSWORD)).to.equal('TooManyAttemptsError');
  });
});
