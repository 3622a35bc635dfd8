/**
 * Keyset pages of the registry's dated records (issue 11, docs/scaling.md "List pages"): each kind
 * listed newest first, by its date and then id (a province's home visits are twelve million).
 * An index on (date, id) finds a page after any record at once, in order; without it every page
 * sorts the table. Kinds without a date page by id (the primary key). The helpers, by name and
 * id.
 */
import type { Kysely, Migration } from 'kysely';

/** Each dated record table and the column that dates it (as services/registry/read.service.ts lists them). */
export const RECORD_DATE_COLUMNS = [
  ['visits', 'date'],
  ['meetings', 'date'],
  ['duty_days', 'month'],
  ['meeting_attendance', 'date'],
  ['reports', 'deadline'],
  ['surveys', 'date'],
  ['students', 'school_year'],
  ['petitions', 'date'],
  ['publicity', 'date'],
  ['leader_duties', 'year'],
] as const;

export const recordIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [table, column] of RECORD_DATE_COLUMNS) await db.schema.createIndex(`${table}_${column}_id`).on(table).columns([column, 'id']).execute();
    // The helpers list goes by name (a province has over a million helpers).
    await db.schema.createIndex('helpers_name_id').on('helpers').columns(['name', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const [table, column] of RECORD_DATE_COLUMNS) await db.schema.dropIndex(`${table}_${column}_id`).execute();
    await db.schema.dropIndex('helpers_name_id').execute();
  },
};
