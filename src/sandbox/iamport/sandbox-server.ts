// The sandbox as its own HTTP server (prefix ''), for `npm run sandbox` and for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createIamportSandbox, type IamportSandbox, type IamportSandboxOptions } from './iamport-sandbox.js';

export interface SandboxServer {
  url: string;
  sandbox: IamportSandbox;
  server: Server;
  close(): Promise<void>;
}

/** Starts on `port` (0 = ephemeral) at `host`; `publicUrl` defaults to the bound address. */
export async function startSandboxServer(
  options: Omit<IamportSandboxOptions, 'prefix'> & { port?: number; host?: string } = {},
): Promise<SandboxServer> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  // Bind first: receipt links need the real port, and Koa composes its middleware when asked for callback().
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const sandbox = createIamportSandbox({ publicUrl: url, ...rest, prefix: '' });
  const app = new Koa();
  // Koa's default error printer writes stacks; one line with the message is enough here.
  app.on('error', (err: Error) => rest.logger?.warn({ error: err.message }, 'sandbox request failed'));
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
