// `npm run cli -- <command>` (`node dist/cli.js <command>` in a build): reads the command line
// strictly, then runs one command with the configuration `npm start` uses. Exit codes: 0 done,
// 1 the command could not do its work (one line on stderr), 2 the command line is wrong (one line
// on stderr, before any database connection, charge or sandbox call).
import { type AppConfig, ConfigError, loadConfig } from '../config';
import { buildContainer } from '../app/container';
import type { EventBus } from '../shared/application/event-bus.port';
import { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { createLogger } from '../shared/infrastructure/logger';
import { SHARED } from '../shared/shared.tokens';
import { type OptionSpecs, parseCommandArgs, UsageError } from './args';
import { type AppContainer, type Command, type CommandContext, COMMANDS, CommandError, type Output, SandboxRequestError } from './commands';
import { ProgressLine } from './progress';
import { table } from './table';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Resolves on Ctrl-C (SIGINT) or SIGTERM; only a command that asks for it stops cleanly instead of being killed. */
  interrupted(): Promise<void>;
}

const PROGRAM = 'npm run cli --';

/** Options every command takes. */
const COMMON_OPTIONS: OptionSpecs = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const PROGRESS_OPTION: OptionSpecs = { progress: { type: 'boolean' } };

/** The first words of two-word commands: `renewals` -> `renewals run`. */
const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 'help [command]'.length);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `usage: ${PROGRAM} <command> [options]        (in a build: node dist/cli.js <command> [options])`,
    '',
    'commands:',
    ...lines,
    `  ${'help [command]'.padEnd(width)}  this text, or a command's own`,
    '',
    `${PROGRAM} <command> --help shows a command's arguments. Every command takes --json (the answer as`,
    'JSON on stdout). renewals run, reconcile and webhooks replay draw a progress line on stderr when it is',
    'a terminal, or with --progress. The configuration is the environment of npm start (DATABASE_URL,',
    'PAYMENT_GATEWAY, ...). Exit codes: 0 done, 1 the work failed, 2 the command line is wrong (nothing done).',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const options: Array<[string, string]> = Object.entries(command.options ?? {}).map(([name, spec]) => [
    `--${name}${spec.type === 'string' ? ' <value>' : ''}`, command.optionHelp?.[name] ?? '',
  ]);
  if (command.progress) options.push(['--progress', 'draw the progress line even when stderr is not a terminal']);
  options.push(['--json', 'print the answer as JSON'], ['--help, -h', 'this text']);
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `usage: ${PROGRAM} ${`${command.name} ${command.synopsis}`.trim()}`,
    '',
    `${command.summary}.`,
    ...(command.help ? ['', ...command.help.split('\n').map((paragraph) => wrap(paragraph, 100))] : []),
    '',
    'options:',
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

/** Words into lines of at most `width` characters. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return [`usage: ${PROGRAM} ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]`, '',
    ...members.map((c) => `  ${c.name}  ${c.summary}`), '', `${PROGRAM} ${group} <subcommand> --help tells more.`].join('\n');
}

type Resolved = { command: Command; rest: string[] } | { text: string; exitCode: 0 };

/** Which command the words name, or the help to print; a UsageError when they name none. */
function resolve(argv: string[]): Resolved {
  const [first, second, ...more] = argv;
  if (first === undefined) throw new UsageError(`a command is needed (${PROGRAM} help lists them)`);
  if (first === 'help' || first === '--help' || first === '-h') {
    const words = argv.slice(1).filter((a) => !a.startsWith('-'));
    if (words.length === 0) return { text: usage(), exitCode: 0 };
    const named = COMMANDS.find((c) => c.name === words.slice(0, 2).join(' ')) ?? COMMANDS.find((c) => c.name === words[0]);
    if (named) return { text: commandHelp(named), exitCode: 0 };
    if (GROUPS.includes(words[0])) return { text: groupHelp(words[0]), exitCode: 0 };
    throw new UsageError(`help: unknown command ${words.join(' ')} (${PROGRAM} help lists them)`);
  }
  if (GROUPS.includes(first)) {
    if (second === undefined || second === '--help' || second === '-h') {
      if (second === undefined) throw new UsageError(`${first} needs a subcommand: ${COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name).join(', ')}`);
      return { text: groupHelp(first), exitCode: 0 };
    }
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (!command) throw new UsageError(`unknown command: ${first} ${second} (${PROGRAM} ${first} --help lists its subcommands)`);
    return { command, rest: more };
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) throw new UsageError(`unknown command: ${first} (${PROGRAM} help lists them)`);
  return { command, rest: argv.slice(1) };
}

function render(output: Output): string {
  const parts: string[] = [];
  if (output.title) parts.push(output.title);
  if (output.rows) parts.push(table(output.rows));
  for (const section of output.sections ?? []) parts.push(`\n${section.title}\n${table(section.rows)}`);
  return parts.join('\n');
}

const oneLine = (message: string) => message.split('\n')[0];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const fail = (message: string, code: number) => {
    io.stderr.write(`memberpay cli: ${oneLine(message)}\n`);
    return code;
  };

  // 1. The command line, with nothing opened yet.
  let command: Command;
  let parsed;
  let config: AppConfig;
  try {
    const resolved = resolve(argv);
    if ('text' in resolved) {
      io.stdout.write(`${resolved.text}\n`);
      return resolved.exitCode;
    }
    command = resolved.command;
    const options = { ...command.options, ...COMMON_OPTIONS, ...(command.progress ? PROGRESS_OPTION : {}) };
    parsed = parseCommandArgs(command.name, resolved.rest, options, command.positionals ?? { min: 0, max: 0 });
    if (parsed.values.help) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    // 2. The configuration, and what the command needs of it (a sandbox, the test clock).
    try {
      config = loadConfig(io.env);
    } catch (error) {
      if (error instanceof ConfigError) return fail(error.message, 1);
      throw error;
    }
    command.check?.(parsed, config);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    throw error;
  }

  // 3. The work.
  let database: KnexDatabase | null = null;
  let container: AppContainer | null = null;
  const json = parsed.values.json === true;
  const progressLines: ProgressLine[] = [];
  const showProgress = parsed.values.progress === true || io.stderr.isTTY === true;
  const ctx: CommandContext = {
    args: parsed,
    config,
    json,
    database() {
      database ??= KnexDatabase.fromUrl(config.databaseUrl, { acquireTimeoutMs: config.databaseAcquireTimeoutMs });
      return database;
    },
    container() {
      if (!container) {
        const logger = createLogger(io.env.LOG_LEVEL ?? 'warn', io.stderr, config.logFormat);
        container = buildContainer(config, { logger, persistence: 'knex', gateway: 'configured', database: ctx.database() });
        container.get<EventBus>(SHARED.EventBus); // activates the subscriptions (a paid payment activates its membership)
      }
      return container;
    },
    progress(label) {
      if (!showProgress) return undefined;
      const line = new ProgressLine({ label, stream: io.stderr });
      progressLines.push(line);
      return line;
    },
    print(line) {
      io.stdout.write(`${line}\n`);
    },
    note(line) {
      io.stderr.write(`${line}\n`);
    },
    interrupted: io.interrupted,
  };
  try {
    const output = await command.run(ctx);
    for (const line of progressLines) line.finish();
    if (output) io.stdout.write(`${json ? JSON.stringify(output.json, null, 2) : render(output)}\n`);
    return 0;
  } catch (error) {
    for (const line of progressLines) line.finish();
    if (error instanceof UsageError) return fail(error.message, 2);
    if (error instanceof CommandError || error instanceof SandboxRequestError) return fail(error.message, 1);
    const e = error as Error;
    return fail(`${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, 1);
  } finally {
    await (database as KnexDatabase | null)?.destroy();
  }
}
