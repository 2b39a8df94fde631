// The V2 sandbox on a port of its own: the official server SDK drops any path in its base URL, so
// the REST API must answer at the root of an origin. For `npm run sandbox:portone`, the app and tests.
import { serveSandbox, type RunningSandbox } from '../shared/sandbox-server.js';
import { createPortOneSandbox, type PortOneSandbox, type PortOneSandboxOptions } from './portone-sandbox.js';

export type PortOneSandboxServer = RunningSandbox<PortOneSandbox>;

/** PORTONE_SANDBOX_PORT's default. Node's fetch refuses the WHATWG "bad ports"; 3101 is not one. */
export const PORTONE_SANDBOX_DEFAULT_PORT = 3101;

/** Starts on `port` (0 = ephemeral) at `host` (127.0.0.1 by default). */
export function startPortOneSandboxServer(options: PortOneSandboxOptions & { port?: number; host?: string } = {}): Promise<PortOneSandboxServer> {
  const { port, host, ...rest } = options;
  return serveSandbox({ port, host, logger: rest.logger, message: 'portone sandbox request failed' }, () => createPortOneSandbox(rest));
}
