/**
 * Paged lists (issue 11, docs/scaling.md "List pages"): a campaign's assessments of one status,
 * by village code — the review page's tabs (submitted, reviewed), and the published results a
 * village user or a viewer lists. The unique (campaign_id, village_code) index (assessments_nk)
 * walks a whole campaign in order; with a status as well it would read every row of the
 * campaign to find the few of that status. This one finds them in order, and counts a
 * campaign's rows by status without reading the table.
 */
import type { Kysely, Migration } from 'kysely';

export const listIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('assessments_campaign_status').on('assessments').columns(['campaign_id', 'status', 'village_code']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('assessments_campaign_status').execute();
  },
};
