// Strict reading of a command's arguments (node:util parseArgs, strict): an unknown flag, a
// missing or unreadable value, a stray word are a UsageError, raised before the command does any
// work. docs/adr/0008-cli-on-node-parseargs.md
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DateTime } from 'luxon';

/** The command line is wrong: one line on stderr and exit code 2. */
export class UsageError extends Error {}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** `command` names the command in messages (`renewals run`). */
export function parseCommandArgs(command: string, args: string[], options: OptionSpecs, positionals: { min: number; max: number }): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(parseErrorLine(command, error as Error & { code?: string }, args));
  }
  const values = parsed.values as ParsedArgs['values'];
  if (values.help) return { values, positionals: parsed.positionals };
  const count = parsed.positionals.length;
  if (count > positionals.max) throw new UsageError(`${command}: unexpected argument ${parsed.positionals[positionals.max]} (see ${command} --help)`);
  if (count < positionals.min) throw new UsageError(`${command}: missing argument (see ${command} --help)`);
  return { values, positionals: parsed.positionals };
}

function parseErrorLine(command: string, error: Error & { code?: string }, args: string[]): string {
  const see = `(see ${command} --help)`;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(error.message)?.[1] ?? args.find((a) => a.startsWith('-')) ?? '?';
    return `${command}: unknown option ${flag} ${see}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '--json' does not take an argument", or a value missing ("argument missing", "is ambiguous": `--as-of --json`)
    const flag = /'(--?[\w-]+)/.exec(error.message)?.[1] ?? '?';
    return error.message.includes('does not take') ? `${command}: ${flag} takes no value ${see}` : `${command}: ${flag} needs a value ${see}`;
  }
  return `${command}: ${error.message.split('\n')[0]} ${see}`;
}

const EARLIEST_TIME = new Date('2000-01-01T00:00:00Z');
const LATEST_TIME = new Date('2100-01-01T00:00:00Z');

/**
 * An ISO 8601 time with its zone (`2026-12-25T00:00:00Z`, `2026-12-25T09:00:00+09:00`). A time
 * without a zone would be read in the machine's zone, and a date that does not exist (02-30) rolled
 * into the next month by `new Date`: both refused, since the time decides what gets charged.
 */
export function isoTime(flag: string, value: string | boolean | undefined): Date | null {
  if (value === undefined) return null;
  const text = String(value);
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !parsed.isValid) {
    throw new UsageError(`${flag} must be an ISO 8601 time with a zone, such as 2026-12-25T00:00:00Z, got ${text}`);
  }
  const time = parsed.toJSDate();
  // The admin API's bounds on business times: a typo such as 2206 would run a renewal 180 years ahead.
  if (time < EARLIEST_TIME || time > LATEST_TIME) {
    throw new UsageError(`${flag} must lie between ${EARLIEST_TIME.toISOString()} and ${LATEST_TIME.toISOString()}, got ${text}`);
  }
  return time;
}

/** A whole number >= 0. */
export function count(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number >= 0, got ${text}`);
  return Number(text);
}

/** A share in [0, 1]. */
export function share(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a number from 0 to 1, got ${text}`);
  return n;
}

export function oneOf<T extends string>(flag: string, value: string | boolean | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  return value as T;
}
