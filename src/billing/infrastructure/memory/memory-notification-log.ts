import type { NotificationKey, NotificationLog } from '../../application/notification-log.port';

const keyOf = (k: NotificationKey) => `${k.membershipId}|${k.periodNo}|${k.kind}`;

export class MemoryNotificationLog implements NotificationLog {
  private readonly claimed = new Map<string, Date>();

  async claim(key: NotificationKey, at: Date): Promise<boolean> {
    if (this.claimed.has(keyOf(key))) return false;
    this.claimed.set(keyOf(key), at);
    return true;
  }

  async release(key: NotificationKey): Promise<void> {
    this.claimed.delete(keyOf(key));
  }

  async taken(keys: NotificationKey[]): Promise<NotificationKey[]> {
    return keys.filter((key) => this.claimed.has(keyOf(key)));
  }

  count(kind: NotificationKey['kind']): number {
    return [...this.claimed.keys()].filter((k) => k.endsWith(`|${kind}`)).length;
  }
}
