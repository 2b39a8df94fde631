import type { IdGenerator } from '../application/id-generator.port';
import { ulid } from '../domain/ulid';
import { newMerchantUid } from '../../payment/domain/merchant-uid';

export class UlidIdGenerator implements IdGenerator {
  newId(): string {
    return ulid().toLowerCase();
  }

  newMerchantUid(): string {
    return newMerchantUid();
  }
}
