/**
 * What a ranking reads of an assessment's result (services/campaign/ranking-parts.ts), kept beside
 * the result and written with it: a few hundred bytes instead of the result's five kilobytes, for
 * rankings of a province's 50,000 villages. Null on rows scored before: the ranking reads their
 * whole result, as it did.
 */
import type { Kysely, Migration } from 'kysely';

export const assessmentParts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('assessments').addColumn('parts', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('assessments').dropColumn('parts').execute();
  },
};
