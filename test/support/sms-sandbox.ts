import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  to: string;
  text: string;
  /** The Authorization header as received, to check the key went there. */
  authorization: string | null;
}

export interface SmsSandbox {
  /** The send endpoint, for SMS_URL. */
  url: string;
  /** Every message answered 2xx, in order. */
  messages: ReceivedSms[];
  /** The next answers are this status (e.g. 503) until reset with 200. */
  answerWith(status: number): void;
  /** Each answer waits this long (a provider that does not answer in time). */
  delayBy(ms: number): void;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An SMS provider on 127.0.0.1 (ephemeral port) that takes POST /send {to, text} as JSON and keeps
 * each message, for the HTTP SMS adapter's tests. 400 on a body without both fields.
 */
export async function startSmsSandbox(): Promise<SmsSandbox> {
  const messages: ReceivedSms[] = [];
  let status = 200;
  let delayMs = 0;
  const server = createServer(async (request, response) => {
    const text = await body(request);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (request.method !== 'POST' || request.url !== '/send') {
      response.writeHead(404).end();
      return;
    }
    let parsed: { to?: unknown; text?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {};
    }
    if (typeof parsed.to !== 'string' || typeof parsed.text !== 'string') {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"to and text are required"}');
      return;
    }
    if (status >= 200 && status < 300) messages.push({ to: parsed.to, text: parsed.text, authorization: request.headers.authorization ?? null });
    response.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '{"status":"queued"}' : '{"status":"failed"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    messages,
    answerWith: (next) => { status = next; },
    delayBy: (ms) => { delayMs = ms; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
