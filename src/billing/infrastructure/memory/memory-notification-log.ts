import { type NotificationKey, type NotificationLog, notificationKeyText as keyOf } from '../../application/notification-log.port';

export class MemoryNotificationLog implements NotificationLog {
  /** Per key: held until then, or null once sent. */
  private readonly rows = new Map<string, { sendingUntil: Date | null }>();

  async claim(key: NotificationKey, at: Date, heldUntil: Date): Promise<boolean> {
    const row = this.rows.get(keyOf(key));
    if (row && (row.sendingUntil === null || row.sendingUntil > at)) return false;
    this.rows.set(keyOf(key), { sendingUntil: heldUntil });
    return true;
  }

  async claimEach(keys: NotificationKey[], at: Date, heldUntil: Date): Promise<NotificationKey[]> {
    const took: NotificationKey[] = [];
    for (const key of keys) if (await this.claim(key, at, heldUntil)) took.push(key);
    return took;
  }

  async sent(key: NotificationKey): Promise<void> {
    const row = this.rows.get(keyOf(key));
    if (row) row.sendingUntil = null;
  }

  async sentEach(keys: NotificationKey[]): Promise<void> {
    for (const key of keys) await this.sent(key);
  }

  async release(key: NotificationKey): Promise<void> {
    this.rows.delete(keyOf(key));
  }

  async taken(keys: NotificationKey[], at: Date): Promise<NotificationKey[]> {
    return keys.filter((key) => {
      const row = this.rows.get(keyOf(key));
      return row !== undefined && (row.sendingUntil === null || row.sendingUntil > at);
    });
  }

  async isSent(key: NotificationKey): Promise<boolean> {
    return this.rows.get(keyOf(key))?.sendingUntil === null;
  }

  count(kind: NotificationKey['kind']): number {
    return [...this.rows.keys()].filter((k) => k.endsWith(`|${kind}`)).length;
  }
}
