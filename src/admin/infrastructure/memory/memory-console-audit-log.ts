import type { AuditEntry, ConsoleAuditLog } from '../../application/console-read-model.port';

export class MemoryConsoleAuditLog implements ConsoleAuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    this.entries.push({ ...entry, id: this.entries.length + 1 });
  }
}
