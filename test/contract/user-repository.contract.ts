import { expect } from 'chai';
import { EmailTakenError } from '../../src/identity/domain/identity.errors';
import type { User } from '../../src/identity/domain/user.entity';
import type { PersistenceKit } from '../support/persistence-adapters';

const aUser = (overrides: Partial<User> = {}): User => ({
  id: `user_${Math.random().toString(36).slice(2, 10)}`, email: 'kim@example.com', name: '김구매',
  passwordHash: 'scrypt$16384$8$1$salt$hash', language: 'ko', createdAt: new Date('2026-11-25T09:00:00.321Z'), ...overrides,
});

/** The UserRepository port as the memory adapter defines it; every adapter must pass. */
export function userRepositoryContract(open: () => Promise<PersistenceKit>): void {
  describe('UserRepository', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('round-trips a user by id, to the millisecond', async () => {
      const user = aUser();
      await kit.users.add(user);
      expect(await kit.users.findById(user.id)).to.deep.equal(user);
    });

    it('finds a user by email whatever its case, and stores it lower-cased', async () => {
      const user = aUser({ email: 'Kim.Buyer@Example.COM' });
      await kit.users.add(user);
      expect((await kit.users.findByEmail('kim.buyer@example.com'))?.id).to.equal(user.id);
      expect((await kit.users.findByEmail('KIM.BUYER@EXAMPLE.COM'))?.email).to.equal('kim.buyer@example.com');
    });

    it('finds a batch of users by id in one call, leaving out unknown ids and repeats', async () => {
      const kim = aUser({ email: 'kim@example.com' });
      const lee = aUser({ email: 'lee@example.com' });
      await kit.users.add(kim);
      await kit.users.add(lee);
      await kit.users.add(aUser({ email: 'park@example.com' }));
      const found = await kit.users.findByIds([lee.id, 'nope', kim.id, lee.id]);
      expect(found.sort((a, b) => a.id.localeCompare(b.id))).to.deep.equal([kim, lee].sort((a, b) => a.id.localeCompare(b.id)));
      expect(await kit.users.findByIds([])).to.deep.equal([]);
    });

    it('round-trips a mobile number, and anonymise removes it with the email and name', async () => {
      const user = aUser({ phone: '+821012345678' });
      await kit.users.add(user);
      expect(await kit.users.findById(user.id)).to.deep.equal(user);
      await kit.users.anonymise(user.id);
      const gone = await kit.users.findById(user.id);
      expect(gone).to.include({ id: user.id, name: '', passwordHash: '' });
      expect(gone).not.to.have.property('phone');
    });

    it('answers null for an unknown id or email', async () => {
      expect(await kit.users.findById('nope')).to.equal(null);
      expect(await kit.users.findByEmail('nobody@example.com')).to.equal(null);
    });

    it('refuses a second user with the same email, in any case', async () => {
      await kit.users.add(aUser({ email: 'kim@example.com' }));
      let error: unknown = null;
      try {
        await kit.users.add(aUser({ email: 'KIM@example.com' }));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(EmailTakenError);
    });
  });
}
