/**
 * Publishing a campaign at once, on every database: its reviewed assessments published (each
 * one's version moved), the others left as they are, one audit entry each in the
 * order of their ids, the chain whole after.
 *
 * A write of a whole campaign's rows (a campaign created, a campaign published at once) has
 * PostgreSQL read the assessments' statistics again when it is large (statisticsTuning), so the
 * ranking read right after is planned for the rows there are. Counted by the server's own count of
 * manual ANALYZEs of the table (pg_stat_user_tables.analyze_count; autovacuum's are counted apart).
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, countRows, DERIVE_TEXT, harness, SEED_TEXT, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { verifyAudit } from '../../store/audit.repository.ts';
import type { Store } from '../../store/db.ts';
import { statisticsTuning } from './shared.ts';

const pg = storeTargets().find((t) => t.dialect === 'postgres');
const admin = ACTORS.admin;

for (const target of storeTargets()) {
  describe(`a campaign published at once, on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('publishes the reviewed assessments only, each audited in the order of its id, the chain whole', async () => {
      const schemeVersionId = (await h.service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
      const campaignId = await h.service.setup.createCampaign(admin, { name: '一次发布', year: 2020, schemeVersionId, appealDays: 15 });
      const rows = () =>
        store.db.selectFrom('assessments').select(['id', 'status', 'version', 'published_at', 'published_by']).where('campaign_id', '=', campaignId).orderBy('id').execute();
      const ids = (await rows()).map((r) => r.id);
      expect(ids).toHaveLength(4);
      // Three reviewed, the last only submitted.
      for (const [i, id] of ids.entries())
        for (const step of i < 3 ? (['submit', 'review'] as const) : (['submit'] as const)) await h.service.workflow.transition(admin, id, await versionOf(store, id), step);
      const before = await rows();
      const entries = await countRows(store, 'audit_log');
      h.clock.set('2021-01-15T02:00:00.000Z');

      expect(await h.service.workflow.publishCampaign(admin, campaignId)).toMatchObject({ published: 3 });

      const after = await rows();
      for (const [i, row] of after.entries()) {
        if (i < 3) expect(row).toMatchObject({ status: 'published', version: before[i]!.version + 1, published_at: '2021-01-15T02:00:00.000Z', published_by: 'office' });
        else expect(row).toEqual(before[i]);
      }
      const published = await store.db.selectFrom('audit_log').select(['entity_id', 'before', 'after', 'at']).where('action', '=', 'assessment.publish').orderBy('id').execute();
      expect(published.slice(-3)).toEqual(
        ids.slice(0, 3).map((id) => ({ entity_id: String(id), before: '{"status":"reviewed"}', after: '{"status":"published"}', at: '2021-01-15T02:00:00.000Z' })),
      );
      // The three publications and the ranking's snapshot.
      expect(await countRows(store, 'audit_log')).toBe(entries + 4);
      expect(await verifyAudit(store.db, store.auditKey)).toMatchObject({ ok: true, entries: entries + 4 });
      // Nothing left to publish.
      expect(await h.service.workflow.publishCampaign(admin, campaignId)).toMatchObject({ published: 0 });
    });
  });
}

describe.skipIf(!pg)('statistics after a large write of a campaign (PostgreSQL)', () => {
  let store: Store;
  let h: Harness;
  let schemeVersionId: number;
  const tuning = { ...statisticsTuning };

  beforeAll(async () => {
    store = await pg!.open();
    await buildRegistry(store);
    h = harness(store);
    schemeVersionId = (await h.service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    h?.cleanup();
  });
  afterEach(() => Object.assign(statisticsTuning, tuning));

  /** Manual ANALYZEs of the schema's assessments so far. */
  const analyzed = async () =>
    Number(
      (await sql<{ n: string }>`select analyze_count as n from pg_stat_user_tables where schemaname = ${store.pgSchema!} and relname = 'assessments'`.execute(store.db)).rows[0]
        ?.n ?? 0,
    );
  const create = (name: string) => h.service.setup.createCampaign(admin, { name, year: 2020, schemeVersionId, appealDays: 15 });

  it('reads them again after a campaign is created over as many villages as the tuning says, not fewer', async () => {
    statisticsTuning.afterRows = 5;
    const before = await analyzed();
    await create('四个村');
    expect(await analyzed()).toBe(before);
    statisticsTuning.afterRows = 4;
    await create('四个村，再一次');
    expect(await analyzed()).toBe(before + 1);
  });

  it('reads them again after a campaign is published at once', async () => {
    statisticsTuning.afterRows = 1_000;
    const campaignId = await create('发布');
    const ids = (await store.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((r) => r.id);
    for (const id of ids) for (const step of ['submit', 'review'] as const) await h.service.workflow.transition(admin, id, await versionOf(store, id), step);
    statisticsTuning.afterRows = 4;
    const before = await analyzed();
    expect((await h.service.workflow.publishCampaign(admin, campaignId)).published).toBe(4);
    expect(await analyzed()).toBe(before + 1);
  });
});
