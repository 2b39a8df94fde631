import { DomainError } from '../../../shared/domain/domain-error';
import type { ConsoleReadModel } from '../../application/console-read-model.port';

export class ConsoleNeedsDatabaseError extends DomainError {
  constructor() {
    super('conflict', 'console_needs_database', 'the operator console reads from SQL; run the app on a database (DATABASE_URL)');
  }
}

const unavailable = async (): Promise<never> => {
  throw new ConsoleNeedsDatabaseError();
};

/**
 * The console's read model where there is no database (the in-memory persistence of unit tests):
 * its routes exist, so the app's shape is the same, and every read says why it cannot answer
 * (ADR 0013: the read model is SQL only).
 */
export class NoConsoleReadModel implements ConsoleReadModel {
  moneyByBucket = unavailable;
  countLiveMembers = unavailable;
  membershipsStartedByBucket = unavailable;
  membershipsEndedByBucket = unavailable;
  renewalsByBucket = unavailable;
  openProblems = unavailable;
  searchPayments = unavailable;
  paymentActivity = unavailable;
  findMember = unavailable;
  renewalQueues = unavailable;
  webhookReceipts = unavailable;
  webhookReceipt = unavailable;
  webhookReceiptsBetween = unavailable;
  auditLog = unavailable;
}
