// The sandbox as its own HTTP server (prefix ''), for `npm run sandbox` and for tests.
import { serveSandbox, type RunningSandbox } from '../shared/sandbox-server.js';
import { createIamportSandbox, type IamportSandbox, type IamportSandboxOptions } from './iamport-sandbox.js';

export type SandboxServer = RunningSandbox<IamportSandbox>;

/** Starts on `port` (0 = ephemeral) at `host`; `publicUrl` defaults to the bound address. */
export function startSandboxServer(
  options: Omit<IamportSandboxOptions, 'prefix'> & { port?: number; host?: string } = {},
): Promise<SandboxServer> {
  const { port, host, ...rest } = options;
  return serveSandbox({ port, host, logger: rest.logger, message: 'sandbox request failed' },
    (url) => createIamportSandbox({ publicUrl: url, ...rest, prefix: '' }));
}
