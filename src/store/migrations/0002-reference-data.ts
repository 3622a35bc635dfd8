/** Seeds the default code lists and poverty lines (an office edits them afterwards). */
import type { Kysely, Migration } from 'kysely';
import { CODE_LISTS, POVERTY_LINES } from '../../core/registry/reference-data.ts';

export const referenceData: Migration = {
  async up(db: Kysely<any>) {
    await db
      .insertInto('code_lists')
      .values(
        CODE_LISTS.map((e, i) => ({
          list: e.list,
          code: e.code,
          label_zh: e.zh,
          label_en: e.en,
          sort: i,
          valid_from: e.validFrom,
          valid_to: e.validTo ?? null,
        })),
      )
      .execute();
    await db
      .insertInto('poverty_lines')
      .values(POVERTY_LINES.map((p) => ({ year: p.year, amount_fen: p.yuan * 100 })))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.deleteFrom('code_lists').execute();
    await db.deleteFrom('poverty_lines').execute();
  },
};
