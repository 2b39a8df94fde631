import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `node --import tsx <script>`: `npm start`'s tsx as a loader in one process. The tsx command runs
 * the script in a second, child process, which a SIGKILL of the first would leave running.
 */
export function spawnTsx(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: 'pipe' });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What to start: `npm start`'s entry point by default; a build's `node dist/main.js`, or a standalone sandbox. */
export interface ProcessCommand {
  command: string;
  args: string[];
  cwd: string;
  /** Printed once the process serves. */
  ready: string;
}

const NPM_START: ProcessCommand = { command: process.execPath, args: ['--import', 'tsx', 'src/app/main.ts'], cwd: ROOT, ready: 'listening on' };

/** `npm start`'s entry point (or another server) as a real child process, for crash and restart tests. */
export class AppProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<NodeJS.Signals | number | null> = Promise.resolve(null);
  output = '';

  constructor(private readonly env: Record<string, string>, private readonly entry: ProcessCommand = NPM_START) {}

  async start(extraEnv: Record<string, string> = {}, timeoutMs = 20_000): Promise<void> {
    const child = spawn(this.entry.command, this.entry.args, { cwd: this.entry.cwd, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...this.env, ...extraEnv }, stdio: 'pipe' });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    let started = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start: ${this.output}`)), timeoutMs);
      const onData = (data: Buffer) => {
        this.output += data.toString();
        // Only until started: a busy instance logs megabytes, and searching them all on each chunk would cost the test process dearly.
        if (!started && this.output.includes(this.entry.ready)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', () => reject(new Error(`app exited during start: ${this.output}`)));
    });
  }

  /** Started and not exited. */
  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the signal or exit code once the process is gone. */
  waitForExit(): Promise<NodeJS.Signals | number | null> {
    return this.exited;
  }

  /** SIGKILL: the process dies at once, mid-work, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
  }
}

/** A cookie-keeping client for a child app: JSON bodies parsed, any other answer kept as text. */
export function cookieClient(base: string) {
  let cookie = '';
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, {
      method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
    });
    const set = res.headers.getSetCookie();
    if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null, text };
  };
}
