// A fake PG as its own HTTP server (prefix ''), for the standalone sandboxes and for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Router } from '@koa/router';

export interface RunningSandbox<S> {
  url: string;
  sandbox: S;
  server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** 0 = ephemeral. */
  port?: number;
  host?: string;
  /** Where a failed request is logged, as one line with `message`. */
  logger?: { warn(fields: object, message?: string): void };
  message: string;
}

/**
 * Binds `port` at `host` (127.0.0.1 by default), then makes the sandbox with the bound URL: receipt
 * links need the real port, and Koa composes its middleware when asked for callback().
 */
export async function serveSandbox<S extends { router: Router; close(): void }>(
  { port = 0, host = '127.0.0.1', logger, message }: ServeOptions,
  create: (url: string) => S,
): Promise<RunningSandbox<S>> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const sandbox = create(url);
  const app = new Koa();
  // Koa's default error printer writes stacks; one line with the message is enough here.
  app.on('error', (err: Error) => logger?.warn({ error: err.message }, message));
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
