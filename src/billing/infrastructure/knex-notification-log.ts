import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import type { NotificationKey, NotificationLog } from '../application/notification-log.port';

const ONCE_PER_PERIOD = [{ name: 'notifications_once_per_period', sqliteColumns: 'notifications.membership_id, notifications.period_no, notifications.kind' }];

/** The unique index `notifications_once_per_period` decides which caller sends a notice. */
export class KnexNotificationLog implements NotificationLog {
  constructor(private readonly database: KnexDatabase) {}

  async claim(key: NotificationKey, at: Date): Promise<boolean> {
    try {
      await this.database.knex('notifications').insert({ membership_id: key.membershipId, period_no: key.periodNo, kind: key.kind, sent_at: at });
      return true;
    } catch (error) {
      if (violatedUniqueRule(error, ONCE_PER_PERIOD)) return false;
      throw error;
    }
  }

  async taken(keys: NotificationKey[]): Promise<NotificationKey[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ membership_id: string; period_no: number; kind: string }> = await this.database.knex('notifications')
      .select('membership_id', 'period_no', 'kind')
      .whereIn('membership_id', [...new Set(keys.map((k) => k.membershipId))])
      .whereIn('kind', [...new Set(keys.map((k) => k.kind))]);
    const stored = new Set(rows.map((r) => `${r.membership_id}|${Number(r.period_no)}|${r.kind}`));
    return keys.filter((k) => stored.has(`${k.membershipId}|${k.periodNo}|${k.kind}`));
  }

  async release(key: NotificationKey): Promise<void> {
    await this.database.knex('notifications').where({ membership_id: key.membershipId, period_no: key.periodNo, kind: key.kind }).delete();
  }
}
