import type { PersistenceAdapter } from '../support/persistence-adapters';
import { membershipRepositoryContract } from './membership-repository.contract';
import { notificationLogContract } from './notification-log.contract';
import { paymentConfirmationContract } from './payment-confirmation.contract';
import { paymentRepositoryContract } from './payment-repository.contract';
import { unitOfWorkContract } from './unit-of-work.contract';
import { userRepositoryContract } from './user-repository.contract';

/** Every persistence contract against one adapter, its database set up once for the lot. */
export function persistenceContracts(adapter: PersistenceAdapter, suite: (title: string, body: (this: Mocha.Suite) => void) => unknown = describe): void {
  suite(`persistence on ${adapter.name}`, function () {
    before(() => adapter.setUp());
    after(() => adapter.tearDown());
    const open = () => adapter.open();
    userRepositoryContract(open);
    paymentRepositoryContract(open);
    membershipRepositoryContract(open);
    unitOfWorkContract(open);
    paymentConfirmationContract(open);
    notificationLogContract(open);
  });
}
