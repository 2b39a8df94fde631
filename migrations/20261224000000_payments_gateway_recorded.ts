import type { Knex } from 'knex';

/**
 * payments.gateway is data, never a guess of the domain (DESIGN §6 "the core is PG-neutral"). The
 * column came with 20261217000000, which filled the rows before it; a version older than that
 * migration, still running beside a newer one, went on writing rows without a gateway, and the
 * domain used to name them by rule (Payment.gateway fell back to Iamport or Toss). This fills those
 * rows by the same rule, derived from the rows: Toss's pg `tosspayments` or a Toss billing handle
 * `<customerKey>:<billingKey>` as customer_uid (Iamport's customer_uids have no ':') is `toss`,
 * every other row `iamport` (PortOne V2 came after the column and was always recorded). Toss
 * renewals such a version recorded with Iamport's IMP_PG get pg `tosspayments`, as 20261217000000
 * did. The column stays nullable: the versions from 20261217000000 on always write it.
 */
const TOSS_ROWS = "pg = 'tosspayments' OR customer_uid LIKE '%:%'";

export async function up(knex: Knex): Promise<void> {
  await knex('payments').whereNull('gateway').where((q) => q.whereRaw(TOSS_ROWS)).update({ gateway: 'toss' });
  await knex('payments').where({ gateway: 'toss', purpose_kind: 'renewal' }).whereNot({ pg: 'tosspayments' }).update({ pg: 'tosspayments' });
  await knex('payments').whereNull('gateway').update({ gateway: 'iamport' });
}

/** Nothing to undo: the filled names are what the previous version read those rows as. */
export async function down(): Promise<void> {}
