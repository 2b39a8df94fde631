import { KnexDatabase } from '../src/shared/infrastructure/knex/knex-database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (default: the embedded SQLite file). */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'sqlite:./data/memberpay.sqlite';
  const database = KnexDatabase.fromUrl(url);
  try {
    const applied = await database.migrateLatest();
    console.log(applied.length > 0 ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    await database.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
