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

/** `npm start`'s entry point as a real child process, for crash and restart tests. */
export class AppProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<NodeJS.Signals | number | null> = Promise.resolve(null);
  output = '';

  constructor(private readonly env: Record<string, string>) {}

  async start(extraEnv: Record<string, string> = {}, timeoutMs = 20_000): Promise<void> {
    const child = spawnTsx('src/main.ts', { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...this.env, ...extraEnv });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    let started = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start: ${this.output}`)), timeoutMs);
      const onData = (data: Buffer) => {
        this.output += data.toString();
        // Only until started: a busy instance logs megabytes, and searching them all on each chunk would cost the test process dearly.
        if (!started && this.output.includes('listening on')) {
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
