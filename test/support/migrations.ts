import type { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../../src/shared/infrastructure/knex/knex-database';

/** The app's migrations as knex.migrate takes them in the tests. */
export const MIGRATIONS = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations' };

/**
 * Undoes the completed migrations newest first, down to and including `name`: later migrations
 * stand on its tables and columns, so they go first.
 */
export async function migrateDownTo(knex: Knex, name: string): Promise<void> {
  for (;;) {
    const [completed] = await knex.migrate.list(MIGRATIONS) as [Array<{ name: string }>, unknown];
    const last = completed.at(-1)?.name;
    await knex.migrate.down(MIGRATIONS);
    if (last === name) break;
  }
}
