export type NotificationKind = 'renewal_reminder' | 'renewal_failed' | 'receipt';

export interface NotificationKey {
  membershipId: string;
  periodNo: number;
  kind: NotificationKind;
}

/** One row per (membership, period, kind): the unique rule is what makes a notice go out exactly once. */
export interface NotificationLog {
  /** True when this call took the key; false when it was already taken. */
  claim(key: NotificationKey, at: Date): Promise<boolean>;
  /** Gives a key back after its notice could not be sent, so a later run sends it. */
  release(key: NotificationKey): Promise<void>;
  /** Which of `keys` are already taken: one read for a batch, so a pass claims only what is new. */
  taken(keys: NotificationKey[]): Promise<NotificationKey[]>;
}
