/**
 * Findings of the rule kinds of issue 18: a measured item's value (`value`: the JSON text of
 * core's MeasuredValue, in hundredths), a discretionary (range) rule's amount picked per
 * occurrence (`amount_cents`), and the part of a several-rule item a finding is about (`part`).
 * All null on the findings recorded before, and on those of the other kinds.
 */
import type { Kysely, Migration } from 'kysely';

export const findingValues: Migration = {
  async up(db: Kysely<unknown>) {
    // One column a statement: SQLite's ALTER TABLE adds one at a time (PostgreSQL does either).
    await db.schema.alterTable('findings').addColumn('value', 'text').execute();
    await db.schema.alterTable('findings').addColumn('amount_cents', 'integer').execute();
    await db.schema.alterTable('findings').addColumn('part', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const column of ['part', 'amount_cents', 'value']) await db.schema.alterTable('findings').dropColumn(column).execute();
  },
};
