/**
 * A write of a whole campaign's rows (a campaign created, a campaign published at once) has
 * PostgreSQL read the assessments' statistics again when it is large (statisticsTuning), so the
 * ranking read right after is planned for the rows there are. Counted by the server's own count of
 * manual ANALYZEs of the table (pg_stat_user_tables.analyze_count; autovacuum's are counted apart).
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, DERIVE_TEXT, harness, SEED_TEXT, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import { statisticsTuning } from './shared.ts';

const pg = storeTargets().find((t) => t.dialect === 'postgres');
const admin = ACTORS.admin;

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
