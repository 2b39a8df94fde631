// `npm run sandbox -- [serve] [--pg iamport|toss|portone]`: a PG sandbox on its own port;
// `npm run sandbox -- reset`: every sandbox forgets its state (the standalone ones and the app's).
import { UsageError, oneOf, parseCommandArgs } from '../src/cli/args';
import { ConfigError, loadConfig } from '../src/config';
import { sandboxStateFileBesideDatabase, standaloneSandboxStateFile } from '../src/sandbox/shared/sandbox-journal';
import { describeReset, resetSandboxes, type SandboxResetTarget } from '../src/sandbox/shared/sandbox-reset';

const USAGE = `usage: npm run sandbox -- [serve] [--pg iamport|toss|portone]  (in a build: node dist/sandbox.js ...)
       npm run sandbox -- reset

  serve (the default)  a standalone PG sandbox: Iamport on SANDBOX_PORT (3100), Toss on TOSS_SANDBOX_PORT (3200) or
                       PortOne V2 on PORTONE_SANDBOX_PORT (3101, memory only),
                       on 127.0.0.1; its state survives a restart in SANDBOX_STATE_FILE (default ./data/<pg>-sandbox.jsonl,
                       'none' = memory only)
  reset                forget every sandbox's payments, billing keys and tokens: the standalone ones and the one inside
                       the app (npm start keeps it beside its database); running ones are reset in place
  help                 this text`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  if (command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (command === 'serve') {
      const { values } = parseCommandArgs('sandbox serve', args, { pg: { type: 'string' } }, { min: 0, max: 0 });
      const pg = oneOf('--pg', values.pg, ['iamport', 'toss', 'portone'] as const) ?? 'iamport';
      const mains = { iamport: () => import('../src/sandbox/iamport/main'), toss: () => import('../src/sandbox/toss/main'), portone: () => import('../src/sandbox/portone/main') };
      await mains[pg]();
      return -1; // serving until a signal stops it
    }
    if (command === 'reset') {
      parseCommandArgs('sandbox reset', args, {}, { min: 0, max: 0 });
      for (const report of await resetSandboxes(resetTargets())) console.log(describeReset(report));
      return 0;
    }
    throw new UsageError(`unknown command: ${command} (npm run sandbox -- help)`);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    console.error(`memberpay sandbox: ${error.message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The standalone sandboxes where `serve` puts them, and the app's, beside its database. */
function resetTargets(): SandboxResetTarget[] {
  const host = (name: string) => process.env[name] ?? '127.0.0.1';
  const standalone: SandboxResetTarget[] = [
    { name: 'iamport sandbox (standalone)', url: `http://${host('SANDBOX_HOST')}:${process.env.SANDBOX_PORT ?? 3100}`, stateFile: standaloneSandboxStateFile('iamport') },
    { name: 'toss sandbox (standalone)', url: `http://${host('TOSS_SANDBOX_HOST')}:${process.env.TOSS_SANDBOX_PORT ?? 3200}`, stateFile: standaloneSandboxStateFile('toss') },
  ];
  const config = loadConfig();
  const inApp = (['iamport', 'toss'] as const).map((pg): SandboxResetTarget => ({
    name: `${pg} sandbox in the app`, url: `${config.publicUrl}/sandbox/${pg}`, stateFile: sandboxStateFileBesideDatabase(config.databaseUrl, pg),
  }));
  return [...standalone, ...inApp];
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
