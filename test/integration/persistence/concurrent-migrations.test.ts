import { expect } from 'chai';
import { KnexDatabase } from '../../../src/shared/infrastructure/knex/knex-database';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

// Was a defect: instances started together on an empty database all migrated at once; on MariaDB
// all but one died with "Migration table is already locked", and on either server Knex's own
// bootstrap (knex_migrations and its lock row) could run twice and leave two lock rows, after which
// no instance could ever migrate. SQLite runs one instance per file (ADR 0004), so it is not here.
for (const { name, label, create, skip } of KNEX_ENGINES.filter((e) => e.name !== 'sqlite')) {
  (skip ? describe.skip : describe)(`migrations: three instances starting together on one empty ${label} database`, function () {
    this.timeout(30_000);
    let db: TestDatabase;
    const instances: KnexDatabase[] = [];

    beforeEach(async () => { db = await create(5, { migrate: false }); });
    afterEach(async () => {
      await Promise.all(instances.splice(0).map((i) => i.destroy()));
      await db?.drop();
    });

    it('all start: one applies the migrations, the others wait for its lock and find nothing left to do', async () => {
      instances.push(...[0, 1, 2].map(() => KnexDatabase.fromUrl(db.url, { poolMax: 2 })));
      const applied = await Promise.all(instances.map((i) => i.migrateLatest()));
      const all = applied.find((names) => names.length > 0) ?? [];
      expect(all.length, 'migrations applied by the first').to.be.greaterThan(0);
      expect(applied.flat().sort(), 'each migration applied once among the three').to.deep.equal([...all].sort());
      const rows: Array<{ name: string }> = await db.database.knex('knex_migrations').select('name');
      expect(rows.map((r) => r.name).sort()).to.deep.equal([...all].sort());
      expect(await db.database.knex('knex_migrations_lock').select('is_locked')).to.deep.equal([{ is_locked: 0 }]);
    });

    it('gives up with one clear line when another holds the migration lock past the wait', async () => {
      const holder = KnexDatabase.fromUrl(db.url, { poolMax: 1 });
      instances.push(holder);
      if (name === 'mariadb') await holder.knex.raw("SELECT GET_LOCK('memberpay_migrations', 5)");
      else await holder.knex.raw("SELECT pg_advisory_lock(hashtext('memberpay_migrations'))");
      const waiting = KnexDatabase.fromUrl(db.url, { poolMax: 2 });
      instances.push(waiting);
      const error = await waiting.migrateLatest(1000).then(() => null, (e: Error) => e);
      expect(error?.message).to.equal('another instance has been migrating the database for 1 s');
      expect(await db.database.knex.schema.hasTable('payments'), 'nothing migrated').to.equal(false);
    });
  });
}
