/**
 * A suggestion of a measured value (issue 18: the derivation layer measures a rate from the
 * registry): `value`, the JSON text of core's MeasuredValue, recorded with the finding when the
 * suggestion is accepted. Null on every other suggestion.
 */
import type { Kysely, Migration } from 'kysely';

export const suggestionValues: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('suggestions').addColumn('value', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('suggestions').dropColumn('value').execute();
  },
};
