import { expect } from 'chai';
import type { PersistenceKit } from '../support/persistence-adapters';

/** The LeaseStore port: one holder of a name at a time, everywhere, and a hold that runs out frees the name. */
export function leaseStoreContract(open: () => Promise<PersistenceKit>): void {
  describe('LeaseStore', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('gives a free name to exactly one of many concurrent callers', async () => {
      const taken = await Promise.all(Array.from({ length: 8 }, (_, i) => kit.leases.acquire('checkout:u1', `h${i}`, 10_000)));
      expect(taken.filter(Boolean)).to.have.length(1);
      expect(await kit.leases.acquire('checkout:u2', 'h9', 10_000), 'another name is free').to.equal(true);
    });

    it('gives the name to the next caller once released, and only its holder releases it', async () => {
      expect(await kit.leases.acquire('checkout:u1', 'first', 10_000)).to.equal(true);
      await kit.leases.release('checkout:u1', 'someone else');
      expect(await kit.leases.acquire('checkout:u1', 'second', 10_000)).to.equal(false);
      await kit.leases.release('checkout:u1', 'first');
      expect(await kit.leases.acquire('checkout:u1', 'second', 10_000)).to.equal(true);
    });

    it('frees a hold that ran out (a holder that died), and the late holder cannot release its successor', async () => {
      expect(await kit.leases.acquire('checkout:u1', 'crashed', 30)).to.equal(true);
      expect(await kit.leases.acquire('checkout:u1', 'next', 10_000)).to.equal(false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await kit.leases.acquire('checkout:u1', 'next', 10_000)).to.equal(true);
      await kit.leases.release('checkout:u1', 'crashed');
      expect(await kit.leases.acquire('checkout:u1', 'third', 10_000)).to.equal(false);
    });
  });
}
