// The Toss sandbox as its own HTTP server (prefix ''), for `tsx src/sandbox/toss/main.ts` and for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createTossSandbox, type TossSandbox, type TossSandboxOptions } from './toss-sandbox.js';

export interface TossSandboxServer {
  url: string;
  sandbox: TossSandbox;
  server: Server;
  close(): Promise<void>;
}

/** Starts on `port` (0 = ephemeral) at `host` (127.0.0.1 by default). */
export async function startTossSandboxServer(
  options: Omit<TossSandboxOptions, 'prefix'> & { port?: number; host?: string } = {},
): Promise<TossSandboxServer> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const sandbox = createTossSandbox({ ...rest, prefix: '' });
  const app = new Koa();
  app.on('error', (err: Error) => rest.logger?.warn({ error: err.message }, 'toss sandbox request failed'));
  app.use(sandbox.router.routes()).use(sandbox.router.allowedMethods());
  server.on('request', app.callback());
  return {
    url,
    sandbox,
    server,
    async close() {
      sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
