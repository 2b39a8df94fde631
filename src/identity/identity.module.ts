import { ContainerModule } from 'inversify';
import type { Persistence } from '../shared/shared.module';
import { IDENTITY } from './identity.tokens';
import { MemoryUserRepository } from './infrastructure/memory/memory-user.repository';

export function identityModule(persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (persistence === 'memory') bind(IDENTITY.UserRepository).toConstantValue(new MemoryUserRepository());
  });
}
