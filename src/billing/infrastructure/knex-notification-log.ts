import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { isTransientLockError, violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import { type NotificationKey, type NotificationLog, notificationKeyText } from '../application/notification-log.port';

const ONCE_PER_ATTEMPT = [{
  name: 'notifications_once_per_attempt',
  sqliteColumns: 'notifications.membership_id, notifications.period_no, notifications.kind, notifications.attempt',
}];

const where = (key: NotificationKey) => ({ membership_id: key.membershipId, period_no: key.periodNo, kind: key.kind, attempt: key.attempt });

/**
 * The unique index `notifications_once_per_attempt` decides which caller sends a notice;
 * `sending_until` holds it while that caller sends (NULL once sent).
 */
export class KnexNotificationLog implements NotificationLog {
  constructor(private readonly database: KnexDatabase) {}

  async claim(key: NotificationKey, at: Date, heldUntil: Date): Promise<boolean> {
    const knex = this.database.knex;
    try {
      await knex('notifications').insert({ ...where(key), sent_at: at, sending_until: heldUntil });
      return true;
    } catch (error) {
      if (!violatedUniqueRule(error, ONCE_PER_ATTEMPT)) throw error;
    }
    // Taken: only a hold that ran out unsent can be taken over, and one UPDATE lets one caller do it.
    const takenOver = await knex('notifications').where(where(key)).whereNotNull('sending_until').andWhere('sending_until', '<=', at)
      .update({ sent_at: at, sending_until: heldUntil });
    return takenOver === 1;
  }

  async claimEach(keys: NotificationKey[], at: Date, heldUntil: Date): Promise<NotificationKey[]> {
    if (keys.length === 0) return [];
    try {
      // One statement, atomic: either every key was free and is now this caller's, or none was inserted.
      await this.database.knex('notifications').insert(keys.map((key) => ({ ...where(key), sent_at: at, sending_until: heldUntil })));
      return keys;
    } catch (error) {
      // A key taken already, or a deadlock with another batch's insert (MariaDB): nothing was inserted.
      if (!violatedUniqueRule(error, ONCE_PER_ATTEMPT) && !isTransientLockError(error)) throw error;
    }
    const took: NotificationKey[] = [];
    for (const key of keys) if (await this.claim(key, at, heldUntil)) took.push(key);
    return took;
  }

  async sent(key: NotificationKey, at: Date): Promise<void> {
    await this.database.knex('notifications').where(where(key)).update({ sent_at: at, sending_until: null });
  }

  async sentEach(keys: NotificationKey[], at: Date): Promise<void> {
    if (keys.length === 0) return;
    await this.database.knex('notifications')
      .whereIn(['membership_id', 'period_no', 'kind', 'attempt'], keys.map((key) => [key.membershipId, key.periodNo, key.kind, key.attempt]))
      .update({ sent_at: at, sending_until: null });
  }

  async taken(keys: NotificationKey[], at: Date): Promise<NotificationKey[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ membership_id: string; period_no: number; kind: NotificationKey['kind']; attempt: number }> = await this.database.knex('notifications')
      .select('membership_id', 'period_no', 'kind', 'attempt')
      .whereIn('membership_id', [...new Set(keys.map((k) => k.membershipId))])
      .whereIn('kind', [...new Set(keys.map((k) => k.kind))])
      .andWhere((held) => held.whereNull('sending_until').orWhere('sending_until', '>', at));
    const stored = new Set(rows.map((r) => notificationKeyText({ membershipId: r.membership_id, periodNo: Number(r.period_no), kind: r.kind, attempt: Number(r.attempt) })));
    return keys.filter((k) => stored.has(notificationKeyText(k)));
  }

  async isSent(key: NotificationKey): Promise<boolean> {
    return (await this.database.knex('notifications').first('id').where(where(key)).whereNull('sending_until')) !== undefined;
  }

  async release(key: NotificationKey): Promise<void> {
    await this.database.knex('notifications').where(where(key)).delete();
  }
}
