import type { IdGenerator } from '../application/id-generator.port';
import { ulid } from '../domain/ulid';

export class UlidIdGenerator implements IdGenerator {
  newId(): string {
    return ulid().toLowerCase();
  }

  /** `mp_` + a ULID: time-ordered like the seed's time-based id, but collision-free. */
  newMerchantUid(): string {
    return `mp_${ulid()}`;
  }
}
