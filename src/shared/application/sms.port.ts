import type { NoticeKind } from './notifier.port';

export interface SmsMessage {
  kind: NoticeKind;
  /** The member the text is for. */
  userId: string;
  /** Their mobile number; null while the product does not collect one (the adapter then records that it could not send). */
  to: string | null;
  text: string;
}

/**
 * Text messages to members: the card-channel rules ask for a notice by SMS or messenger before a
 * trial turns paid, and the consent request goes this way as well as by e-mail.
 */
export interface Sms {
  send(message: SmsMessage): Promise<void>;
}
