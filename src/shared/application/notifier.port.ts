export type NoticeKind = 'renewal_reminder' | 'receipt' | 'renewal_failed' | 'membership_ended' | 'refund_rejected';

export interface Notice {
  kind: NoticeKind;
  to: string;
  subject: string;
  text: string;
}

export interface Notifier {
  send(notice: Notice): Promise<void>;
}
