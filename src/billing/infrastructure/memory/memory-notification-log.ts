import type { NotificationKey, NotificationLog } from '../../application/notification-log.port';

const keyOf = (k: NotificationKey) => `${k.membershipId}|${k.periodNo}|${k.kind}`;

export class MemoryNotificationLog implements NotificationLog {
  private readonly taken = new Map<string, Date>();

  async claim(key: NotificationKey, at: Date): Promise<boolean> {
    if (this.taken.has(keyOf(key))) return false;
    this.taken.set(keyOf(key), at);
    return true;
  }

  async release(key: NotificationKey): Promise<void> {
    this.taken.delete(keyOf(key));
  }

  count(kind: NotificationKey['kind']): number {
    return [...this.taken.keys()].filter((k) => k.endsWith(`|${kind}`)).length;
  }
}
