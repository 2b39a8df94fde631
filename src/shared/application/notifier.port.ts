export type NoticeKind = 'renewal_reminder' | 'receipt' | 'renewal_failed' | 'membership_ended' | 'refund_rejected' | 'consent_request' | 'consent_missing' | 'trial_ending';

export interface Notice {
  kind: NoticeKind;
  to: string;
  subject: string;
  text: string;
}

export interface Notifier {
  send(notice: Notice): Promise<void>;
}
