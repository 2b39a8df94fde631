// The Toss sandbox as its own HTTP server (prefix ''), for `npm run sandbox -- --pg toss` and for tests.
import { serveSandbox, type RunningSandbox } from '../shared/sandbox-server.js';
import { createTossSandbox, type TossSandbox, type TossSandboxOptions } from './toss-sandbox.js';

export type TossSandboxServer = RunningSandbox<TossSandbox>;

/** Starts on `port` (0 = ephemeral) at `host` (127.0.0.1 by default). */
export function startTossSandboxServer(
  options: Omit<TossSandboxOptions, 'prefix'> & { port?: number; host?: string } = {},
): Promise<TossSandboxServer> {
  const { port, host, ...rest } = options;
  return serveSandbox({ port, host, logger: rest.logger, message: 'toss sandbox request failed' },
    () => createTossSandbox({ ...rest, prefix: '' }));
}
