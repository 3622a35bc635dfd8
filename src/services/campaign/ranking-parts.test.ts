/**
 * What a ranking reads is kept beside each score (assessments.parts): a ranking read from it is
 * the ranking read from the whole stored results, on every database; rows without it (scored
 * before migration 0017) or kept for another scheme version are read from their whole result.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';
import type { Store } from '../../store/db.ts';
import { DEMO_CAMPAIGN, firstStart } from '../bootstrap.service.ts';
import type { Actor } from '../policies.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const admin: Actor = { user: 'office', role: 'admin' };

for (const target of storeTargets()) {
  describe(`a ranking from the parts kept beside each score, on ${target.dialect}`, () => {
    let store: Store;
    let campaignId: number;

    beforeAll(async () => {
      store = await target.open();
      const services = compose({ store });
      // The demo campaign in progress: results submitted, reviewed and published among drafts.
      await firstStart(services, { inProgress: true });
      campaignId = await services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
    }, 240_000);

    afterAll(() => store?.close());

    // New services each time: nothing kept in memory from the ranking before.
    const ranking = async () => {
      const services = compose({ store });
      const r = await services.campaigns.rankings.rankingFor(admin, campaignId, { preview: true });
      await services.registry.close();
      return r;
    };

    it('is the same ranking whether read from the kept parts or from the whole results', async () => {
      const kept = await store.db.selectFrom('assessments').select(['parts']).where('campaign_id', '=', campaignId).execute();
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.every((a) => a.parts !== null)).toBe(true);
      const fromParts = await ranking();
      expect(fromParts.county.length).toBeGreaterThan(0);

      await store.db.updateTable('assessments').set({ parts: null }).where('campaign_id', '=', campaignId).execute();
      expect(await ranking()).toEqual(fromParts);

      // Parts kept for another scheme version are not used either.
      await store.db
        .updateTable('assessments')
        .set({ parts: sql<string>`'{"v":-1,"sections":{},"grade":null,"penalty":0,"nodes":{},"period":{}}'` })
        .where('campaign_id', '=', campaignId)
        .execute();
      expect(await ranking()).toEqual(fromParts);
    });
  });
}
