import type { Knex } from 'knex';

/** Short exclusive holds shared by every instance (one buyer's checkout at a time across instances). */
export async function up(knex: Knex): Promise<void> {
  const mysql = /mysql/.test(String(knex.client.config.client));
  await knex.schema.createTable('leases', (t) => {
    t.string('name', 191).notNullable().primary('leases_name_pk');
    t.string('holder', 64).notNullable();
    if (mysql) t.specificType('expires_at', 'datetime(3)').notNullable();
    else if (/pg|postgres/.test(String(knex.client.config.client))) t.timestamp('expires_at', { precision: 3, useTz: false }).notNullable();
    else t.bigInteger('expires_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('leases');
}
