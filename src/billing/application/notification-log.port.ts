export type NotificationKind = 'renewal_reminder' | 'renewal_failed' | 'receipt' | 'refund_rejected' | 'trial_ending';

export interface NotificationKey {
  /** The membership the notice is about; for a refund_rejected notice, the refund's id (one notice per refund). */
  membershipId: string;
  periodNo: number;
  kind: NotificationKind;
  /** Which charge attempt of the period a renewal_failed notice is about (1, then the dunning retries); 0 for the other kinds. */
  attempt: number;
}

/** A key as one string (membership, period, attempt, kind), for sets and maps of keys. */
export const notificationKeyText = (key: NotificationKey): string => `${key.membershipId}|${key.periodNo}|${key.attempt}|${key.kind}`;

/**
 * How long a taker holds a notice's key before sending it: far longer than a send may take (the
 * SMTP notifier gives up within a minute), so only a taker that died loses it.
 */
export const NOTICE_HOLD_MS = 10 * 60_000;

/**
 * Notices a batch takes and marks sent per write (claimEach, sentEach): a process that dies mid-batch
 * mails at most this many again once their holds run out, and a slow mail server sends this many,
 * not a whole batch, inside one hold.
 */
export const NOTICES_PER_WRITE = 10;

/** Runs `work` over `items` in chunks of `size`, one after the other. */
export async function inChunks<T>(items: T[], size: number, work: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await work(items.slice(start, start + size));
}

/**
 * One row per (membership, period, kind, attempt): the unique rule is what makes a notice go out exactly
 * once. Taking a key holds it for a while; the taker marks it sent once the notice is out, or
 * gives it back. A hold that runs out unsent (its process died mid-send) lets the next taker send.
 */
export interface NotificationLog {
  /** True when this call took the key (held until `heldUntil`): it was free, or its holder's hold ran out unsent. */
  claim(key: NotificationKey, at: Date, heldUntil: Date): Promise<boolean>;
  /**
   * `claim` for each of `keys` at once: answers those this call took. One write when every key is free
   * (a relay's batch of receipts); a key taken before is tried on its own, as `claim` would.
   */
  claimEach(keys: NotificationKey[], at: Date, heldUntil: Date): Promise<NotificationKey[]>;
  /** The notice of a key this caller holds went out: the key is taken for good. */
  sent(key: NotificationKey, at: Date): Promise<void>;
  /** `sent` for several keys this caller holds, in one write. */
  sentEach(keys: NotificationKey[], at: Date): Promise<void>;
  /** Gives a key back after its notice could not be sent, so a later run sends it. */
  release(key: NotificationKey): Promise<void>;
  /** Which of `keys` are taken at `at` (sent, or held): one read for a batch, so a pass claims only what is new. */
  taken(keys: NotificationKey[], at: Date): Promise<NotificationKey[]>;
  /** Whether the notice of `key` went out. */
  isSent(key: NotificationKey): Promise<boolean>;
}
