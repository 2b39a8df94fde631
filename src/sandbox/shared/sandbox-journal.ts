// What lets a fake PG survive a restart: every change of its state is appended to a file as one
// JSON line (the record as it now is, or null once it is gone), and a new process replays the file.
// A line is written synchronously inside the store's synchronous method that made the change, so
// what a caller was told is on disk before the answer leaves; a process killed mid-write leaves at
// most one torn last line, which the replay skips. docs/adr/0007-sandbox-state-in-a-journal-file.md
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface JournalEntry {
  /** The store's own name for the map the record belongs to (`payment`, `customer`, ...). */
  kind: string;
  key: string;
  /** The record; null = deleted. */
  value: unknown;
}

export class SandboxJournal {
  constructor(readonly file: string) {}

  /** The live records, last write of each (kind, key) winning; deleted ones left out. */
  read(): JournalEntry[] {
    if (!existsSync(this.file)) return [];
    const live = new Map<string, JournalEntry>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a line torn by a crash mid-write: the change it held was never answered
      }
      if (typeof entry?.kind !== 'string' || typeof entry.key !== 'string') continue;
      const id = `${entry.kind}\u0000${entry.key}`;
      live.delete(id); // re-inserted last, so the replay keeps the order of the latest writes
      if (entry.value !== null) live.set(id, entry);
    }
    return [...live.values()];
  }

  write(kind: string, key: string, value: unknown): void {
    this.ensureDirectory();
    appendFileSync(this.file, `${JSON.stringify({ kind, key, value })}\n`);
  }

  /** Rewrites the file with `entries` only (after a replay: one line per live record). */
  rewrite(entries: JournalEntry[]): void {
    this.ensureDirectory();
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    renameSync(temporary, this.file);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }

  private ensureDirectory(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
  }
}

/**
 * Where the sandbox inside the app keeps its state: beside the app's database
 * (`sqlite:./data/memberpay.sqlite` -> `./data/memberpay.<sandbox>-sandbox.jsonl`), so a fresh
 * database comes with a fresh sandbox; for a MySQL database, `./data/<database>.<sandbox>-sandbox.jsonl`.
 * null for `sqlite::memory:`, which a restart forgets anyway. `sandbox` is the PG sandbox's own name
 * (its folder under src/sandbox/ passes it).
 */
export function sandboxStateFileBesideDatabase(databaseUrl: string, sandbox: string, cwd = process.cwd()): string | null {
  if (databaseUrl.startsWith('sqlite:')) {
    const location = databaseUrl.slice('sqlite:'.length);
    if (location === ':memory:' || location === '') return null;
    const file = path.resolve(cwd, location);
    return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.${sandbox}-sandbox.jsonl`);
  }
  let database = 'memberpay';
  try {
    database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || database;
  } catch {
    // not a URL: the default name will do
  }
  return path.resolve(cwd, 'data', `${database.replace(/[^\w.-]/g, '_')}.${sandbox}-sandbox.jsonl`);
}

/** Where a standalone sandbox (`npm run sandbox`) keeps its state unless SANDBOX_STATE_FILE says otherwise. */
export function standaloneSandboxStateFile(sandbox: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const configured = env.SANDBOX_STATE_FILE;
  if (configured === 'none') return null;
  return path.resolve(cwd, configured || path.join('data', `${sandbox}-sandbox.jsonl`));
}
