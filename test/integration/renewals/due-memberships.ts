// Test data for renewal runs: users with a monthly membership whose first period ended an hour ago,
// renewing by a billing key that the sandbox knows (registered over its REST API with a test card).
import { randomBytes } from 'node:crypto';
import { membershipMapper } from '../../../src/membership/infrastructure/membership.mapper';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import type { KnexDatabase } from '../../../src/shared/infrastructure/knex/knex-database';
import { aMembership } from '../../support/builders/membership.builder';
import type { RecordedSandbox } from '../../support/sandbox-app';

export interface DueMembership {
  id: string;
  userId: string;
  billingKey: string;
  email: string;
}

const HOUR_MS = 60 * 60 * 1000;
const calendar = new BusinessCalendar('Asia/Seoul');

/**
 * `count` users with a monthly membership renewing by billing key, its first period ending (and the
 * next charge due) at `chargeAt`; `insert` writes them, the memberships in one transaction, so a
 * renewal worker never sees half of them.
 */
export function renewingMemberships(count: number, chargeAt: Date): { seeded: DueMembership[]; insert(database: KnexDatabase): Promise<void> } {
  const run = randomBytes(3).toString('hex');
  const periodEnd = chargeAt;
  const periodStart = calendar.addMonths(periodEnd, -1);
  const seeded: DueMembership[] = [];
  const users: object[] = [];
  const rows: object[] = [];
  for (let i = 0; i < count; i += 1) {
    const userId = `user_${run}_${i}`;
    const billingKey = `cu_${run}_${i}`;
    const membership = aMembership().forUser(userId).with({
      anchorAt: periodStart, periodStart, periodEnd, autoRenew: true, billingKey, nextChargeAt: periodEnd,
    }).createdAt(periodStart).build();
    users.push({ id: userId, email: `renewing_${run}_${i}@example.com`, name: `Renewing ${i}`, password_hash: 'not-a-login', created_at: periodStart });
    rows.push(membershipMapper.toRow(membership, 1));
    seeded.push({ id: membership.id, userId, billingKey, email: `renewing_${run}_${i}@example.com` });
  }
  return {
    seeded,
    async insert(database) {
      await database.knex.batchInsert('users', users, 200);
      await database.knex.batchInsert('memberships', rows, 200);
    },
  };
}

/** Inserts `count` users and due memberships (period 1 over, next charge an hour before `now`), and registers their billing keys. */
export async function seedDueMemberships(database: KnexDatabase, sandbox: RecordedSandbox, count: number, now = new Date()): Promise<DueMembership[]> {
  const { seeded, insert } = renewingMemberships(count, new Date(now.getTime() - HOUR_MS));
  await insert(database);
  // As a merchant's server registers cards, a few at a time.
  for (let i = 0; i < seeded.length; i += 25) await Promise.all(seeded.slice(i, i + 25).map((m) => sandbox.registerBillingKey(m.billingKey)));
  return seeded;
}
