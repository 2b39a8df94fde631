// The child side of a bench process: one `READY {json}` or `RESULT {json}` line on stdout for the
// parent, and the few helpers the processes share. It imports nothing from bench/support.ts (nor the
// test helpers that pulls in), so a process compiles alone for BENCH_RUNTIME=dist (bench/runtime.ts).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the sandbox process serves the Iamport REST API. */
export const SANDBOX_PREFIX = '/sandbox/iamport';

export function report(kind: 'READY' | 'RESULT', value: unknown): void {
  process.stdout.write(`${kind} ${JSON.stringify(value)}\n`);
}

export function failed(error: unknown): never {
  process.stderr.write(`bench process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

/** Stops when the parent closes our stdin (or dies), so no bench process outlives its run. */
export function exitWithParent(cleanup: () => Promise<void> = async () => {}): void {
  process.stdin.resume();
  process.stdin.on('end', () => void cleanup().finally(() => process.exit(0)));
}

export interface Listening {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(handler?: Parameters<typeof createServer>[1]): Promise<Listening> {
  const server = handler ? createServer(handler) : createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** This process's CPU time so far, user + system, in ms (what GET /__bench/stats answers). */
export function cpuMs(): number {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
}

/** Samples process RSS every 100 ms; answers the peak in MB. */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  return { stop: () => { clearInterval(timer); peak = Math.max(peak, process.memoryUsage().rss); return Math.round(peak / 1024 / 1024); } };
}

/**
 * The kernel's high-water mark of this process's RSS over its whole life (VmHWM), in MB: start-up
 * and module loading included, with no sampling gaps. null off Linux.
 */
export function lifetimePeakRssMb(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}
