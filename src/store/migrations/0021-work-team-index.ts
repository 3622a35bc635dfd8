/**
 * Keyset pages of the work teams (issue 11, docs/scaling.md "List pages"): by village, then id.
 * A province has one or two teams a village, 50,000 villages; an index on (village_code, id)
 * finds a page after any team at once, in order (the unique key on village and sending unit
 * does not give the order of ids).
 */
import type { Kysely, Migration } from 'kysely';

export const workTeamIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('work_teams_village_id').on('work_teams').columns(['village_code', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('work_teams_village_id').execute();
  },
};
