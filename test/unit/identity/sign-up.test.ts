import { expect } from 'chai';
import { SIGNUP_LIMIT, SIGNUP_WINDOW_MS, signupKey } from '../../../src/identity/application/account-limits';
import { SignUp } from '../../../src/identity/application/sign-up.use-case';
import { MemoryUserRepository } from '../../../src/identity/infrastructure/memory/memory-user.repository';
import type { UnitOfWork } from '../../../src/shared/application/unit-of-work.port';
import { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { MemoryRateLimiter } from '../../../src/shared/infrastructure/memory/memory-rate-limiter';
import { HeldHasher, settle } from '../../support/held-hasher';

const IP = '10.9.9.9';

describe('SignUp: the signup limit per address', () => {
  let hasher: HeldHasher;
  let limiter: MemoryRateLimiter;
  let clock: ControllableClock;
  let signUp: SignUp;
  let n = 0;

  beforeEach(() => {
    hasher = new HeldHasher();
    limiter = new MemoryRateLimiter();
    clock = new ControllableClock();
    clock.freezeAt(new Date('2026-11-25T09:00:00.000Z'));
    const uow: UnitOfWork = { run: (work) => work(), holdPublication: async (work) => ({ value: await work(), publish: async () => {} }) };
    const ids = { newId: () => `u${(n += 1)}`, newMerchantUid: () => `m${n}` };
    signUp = new SignUp(new MemoryUserRepository(), hasher, limiter, clock, ids, uow);
  });

  const attempt = (email = `member-${Math.random().toString(36).slice(2)}@example.com`, logIn?: () => Promise<void>) =>
    signUp.execute({ email, password: 'correct horse', name: 'Kim', ip: IP, language: 'ko' }, logIn).then(() => 'created', (e: Error) => e.constructor.name);
  const counted = () => limiter.count(signupKey(IP), SIGNUP_WINDOW_MS, clock.now());

  it('two signups hashing at the same time with one left: one account is created, the other refused (429)', async () => {
    for (let i = 0; i < SIGNUP_LIMIT - 1; i += 1) expect(await attempt()).to.equal('created');
    hasher.hold();
    const first = attempt();
    const second = attempt();
    await settle();
    hasher.release();
    expect([await first, await second].sort()).to.deep.equal(['TooManyAttemptsError', 'created']);
    expect(await counted()).to.equal(SIGNUP_LIMIT);
  });

  it('a burst from a fresh address creates SIGNUP_LIMIT accounts at most, hashing no more passwords than that', async () => {
    hasher.hold();
    const answers = Array.from({ length: SIGNUP_LIMIT + 30 }, () => attempt());
    await settle();
    hasher.release();
    const results = await Promise.all(answers);
    expect(results.filter((r) => r === 'created')).to.have.length(SIGNUP_LIMIT);
    expect(results.filter((r) => r === 'TooManyAttemptsError')).to.have.length(30);
    expect(hasher.hashed).to.have.length(SIGNUP_LIMIT);
  });

  it('a signup that creates nothing does not count (the email taken, the session not stored)', async () => {
    expect(await attempt('taken@example.com')).to.equal('created');
    expect(await attempt('Taken@example.com')).to.equal('EmailTakenError');
    expect(await attempt(undefined, async () => { throw new Error('session store down'); })).to.equal('Error');
    expect(await counted()).to.equal(1);
  });
});
