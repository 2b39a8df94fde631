import type { Notice, Notifier } from '../../application/notifier.port';

export class MemoryNotifier implements Notifier {
  readonly sent: Notice[] = [];

  async send(notice: Notice): Promise<void> {
    this.sent.push({ ...notice });
  }
}
