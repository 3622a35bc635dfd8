/**
 * Campaigns of a scheme with periods (平时考核, 年终考核): each campaign is for one period
 * (`campaigns.period`, a period code of its scheme; null for a scheme without periods), and the
 * final campaign lists the campaigns whose results it combines with its own (`campaign_parts`:
 * the final campaign, a part campaign; set when the final campaign is created).
 */
import type { Kysely, Migration } from 'kysely';

export const campaignPeriods: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('campaigns').addColumn('period', 'text').execute();
    await db.schema
      .createTable('campaign_parts')
      .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
      .addColumn('part_campaign_id', 'integer', (c) => c.notNull().references('campaigns.id'))
      .addPrimaryKeyConstraint('campaign_parts_pk', ['campaign_id', 'part_campaign_id'])
      .execute();
    await db.schema.createIndex('campaign_parts_part').on('campaign_parts').column('part_campaign_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('campaign_parts').ifExists().execute();
    await db.schema.alterTable('campaigns').dropColumn('period').execute();
  },
};
