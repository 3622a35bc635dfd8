/**
 * Items an inspector marked "checked, no deduction" (已查，无扣分): one row per assessment and
 * item, with who marked it and when. Unmarking deletes the row (the audit log keeps both).
 */
import type { Kysely, Migration } from 'kysely';

export const itemChecks: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('item_checks')
      .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('checked_by', 'text', (c) => c.notNull())
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_checks_pk', ['assessment_id', 'item'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('item_checks').ifExists().execute();
  },
};
