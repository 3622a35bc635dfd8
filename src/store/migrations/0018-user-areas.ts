/**
 * The office a user belongs to (docs/roles.md, "Offices above the county"): an administrator's,
 * a viewer's or an inspector's area — a province, a city or a county of the registry — within
 * which they see and act. Null: the whole database, as before (the office that keeps it).
 */
import type { Kysely, Migration } from 'kysely';

export const userAreas: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('area_code', 'text', (c) => c.references('areas.code'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('area_code').execute();
  },
};
