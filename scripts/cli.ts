// `npm run cli -- <command>`: the operator's command line (src/cli/cli.ts).
import { runCli } from '../src/cli/cli';

let interrupted: Promise<void> | null = null;
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupted: () => (interrupted ??= new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  })),
});
// Exit once stdout has taken everything written (a pipe is written asynchronously).
process.stdout.write('', () => process.exit(code));
