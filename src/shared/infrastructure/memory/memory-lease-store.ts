import type { LeaseStore } from '../../application/lease-store.port';

export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { holder: string; until: Date }>();

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const held = this.leases.get(name);
    if (held && held.until.getTime() > now) return false;
    this.leases.set(name, { holder, until: new Date(now + ttlMs) });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }
}
