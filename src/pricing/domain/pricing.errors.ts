import { DomainError } from '../../shared/domain/domain-error';

export class UnknownPlanError extends DomainError {
  constructor(planId: string) {
    super('invalid_input', 'unknown_plan', `no plan ${planId}`, [{ field: 'plan', message: `unknown plan ${planId}` }]);
  }
}
