import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

interface MigrationFile {
  /** The name knex records in knex_migrations. */
  name: string;
  file: string;
}

/**
 * The migrations of one directory, as TypeScript sources (`npm start`, tests, under tsx) or as the
 * JavaScript `npm run build` made of them (`node dist/...`). Each is recorded under its source
 * name, `<name>.ts`, whichever form ran: a database migrated by one is up to date for the other
 * (knex's own file source records the file name, so a build would see every migration as new and
 * the `.ts` rows as missing files).
 */
export class SourceOrBuiltMigrations implements Knex.MigrationSource<MigrationFile> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<MigrationFile[]> {
    const byName = new Map<string, MigrationFile>();
    for (const file of readdirSync(this.directory).sort()) {
      const match = /^(.+)\.(ts|js)$/.exec(file);
      if (!match || file.endsWith('.d.ts')) continue;
      const name = `${match[1]}.ts`;
      if (!byName.has(name)) byName.set(name, { name, file: path.join(this.directory, file) });
    }
    return [...byName.values()];
  }

  getMigrationName(migration: MigrationFile): string {
    return migration.name;
  }

  async getMigration(migration: MigrationFile): Promise<Knex.Migration> {
    return (await import(pathToFileURL(migration.file).href)) as Knex.Migration;
  }
}
