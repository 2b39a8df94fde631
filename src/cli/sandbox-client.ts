// The configured PG's sandbox client for `npm run cli -- sandbox ...`: each PG's client lives in its
// folder (a member of its GatewayModule); the CLI asks the registry for the configured one.
import type { AppConfig } from '../config';
import { activeGateway } from '../payment/infrastructure/gateways.registry';
import type { SandboxClient } from '../sandbox/shared/sandbox-client';

export { type OpenOrder, type SandboxClient, SandboxRequestError, TEST_CARD_NAMES, type TestCard } from '../sandbox/shared/sandbox-client';

/** The configured PG's sandbox, or null when that PG is live or has no CLI client. */
export function sandboxClientFor(config: AppConfig): SandboxClient | null {
  return activeGateway(config).sandboxClient({ publicUrl: config.publicUrl });
}
