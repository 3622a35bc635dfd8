/**
 * A page of a campaign's assessments walks the unique (campaign_id, village_code) index
 * (assessments_nk, migration 0003) instead of reading and sorting the whole campaign: checked on
 * the plan the database makes for the repository's own query over a few thousand rows (three
 * campaigns of 1,500 villages), after ANALYZE. On PostgreSQL (KAOHE_TEST_PG) the plan must hold
 * an index scan on assessments_nk (and a status's pages one on assessments_campaign_status,
 * migration 0019), and a plan that reads the table otherwise (index scans turned off inside a
 * transaction that is rolled back) must fail the check; on SQLite the plan must SEARCH by them.
 */
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { area } from '../../test/area-fixtures.ts';
import { ACTORS, DERIVE_TEXT, SEED_TEXT } from '../../test/campaign-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { compose } from '../compose.ts';
import type { Actor } from '../services/policies.ts';
import { AssessmentRepository } from './assessment.repository.ts';
import type { Store } from './db.ts';
import type { Executor } from './executor.ts';

const HOOK = 240_000;
const COUNTY = '522425000000';
const TOWNSHIPS = Array.from({ length: 15 }, (_, i) => `522425${String(100 + i)}000`);
const VILLAGES = TOWNSHIPS.flatMap((t) => Array.from({ length: 100 }, (_, i) => `${t.slice(0, 9)}${String(200 + i)}`));

const INDEX_SCANS = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'];

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a PostgreSQL plan. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** PostgreSQL's plan (EXPLAIN (FORMAT JSON)) of a compiled query, run with its parameters. */
async function pgPlan(db: Executor, q: CompiledQuery): Promise<PlanNode> {
  const r = await db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(CompiledQuery.raw(`explain (format json) ${q.sql}`, [...q.parameters]));
  const cell = r.rows[0]!['QUERY PLAN'];
  return (typeof cell === 'string' ? (JSON.parse(cell) as Array<{ Plan: PlanNode }>) : cell)[0]!.Plan;
}

/** The index scans of assessments in a plan, as "Node Type on index". */
function assessmentIndexScans(plan: PlanNode): string[] {
  return nodes(plan)
    .filter((n) => INDEX_SCANS.includes(n['Node Type']) && (n['Relation Name'] === undefined || n['Relation Name'] === 'assessments'))
    .map((n) => `${n['Node Type']} on ${n['Index Name']}`);
}

describe.each(storeTargets())('the page query of a campaign’s assessments uses its index ($dialect)', (target) => {
  let store: Store;
  let campaignId: number;
  let repo: AssessmentRepository;

  beforeAll(async () => {
    store = await target.open();
    const rows = [area(COUNTY, 'county', '青山县', null), ...TOWNSHIPS.map((t, i) => area(t, 'township', `第${i + 1}镇`, COUNTY))];
    rows.push(...VILLAGES.map((v, i) => area(v, 'village', `第${i + 1}村`, `${v.slice(0, 9)}000`)));
    for (let i = 0; i < rows.length; i += 500)
      await store.db
        .insertInto('areas')
        .values(rows.slice(i, i + 500))
        .execute();
    const { campaigns } = compose({ store });
    const admin = ACTORS.admin as Actor;
    const schemeVersionId = (await campaigns.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
    const ids = [];
    for (const year of [2019, 2020, 2021]) ids.push(await campaigns.setup.createCampaign(admin, { name: `${year}年度考核`, year, schemeVersionId }));
    campaignId = ids[1]!;
    await sql`analyze`.execute(store.db);
    repo = new AssessmentRepository(store.db, store.dialect);
  }, HOOK);

  afterAll(async () => {
    await store?.close();
  });

  /** The office's pages: the first, and one further on (after a village code). */
  const wholePages = () => [repo.pageQuery(campaignId, {}, {}, { limit: 200 }), repo.pageQuery(campaignId, {}, {}, { limit: 200, after: VILLAGES[700]! })];
  /** Pages of one status (the review page's tabs; a viewer's published results, searched, in an area). */
  const statusPages = () => [
    repo.pageQuery(campaignId, {}, { status: 'submitted' }, { limit: 200 }),
    repo.pageQuery(campaignId, { publishedOnly: true, townships: TOWNSHIPS.slice(0, 4) }, { q: '第1' }, { limit: 200, after: VILLAGES[50]! }),
  ];

  it('holds the generated rows and pages them', async () => {
    const first = await repo.page(campaignId, {}, {}, { limit: 200 });
    expect(first.rows.map((r) => r.villageCode)).toEqual(VILLAGES.slice(0, 200));
    expect(first.next).toBe(VILLAGES[199]);
    expect(first.counts.draft).toBe(VILLAGES.length);
  });

  it.runIf(target.dialect === 'postgres')('scans assessments_nk on PostgreSQL, and the check fails without it', async () => {
    for (const q of wholePages()) {
      const plan = await pgPlan(store.db, q.compile());
      if (process.env.KAOHE_SHOW_PLAN) console.log(JSON.stringify(plan, null, 1));
      expect(assessmentIndexScans(plan), JSON.stringify(plan, null, 1)).toContain('Index Scan on assessments_nk');
    }
    // A status's pages go by the (campaign_id, status, village_code) index (migration 0019).
    for (const q of statusPages()) {
      const plan = await pgPlan(store.db, q.compile());
      if (process.env.KAOHE_SHOW_PLAN) console.log(JSON.stringify(plan, null, 1));
      expect(
        assessmentIndexScans(plan).some((s) => s.endsWith(' on assessments_campaign_status')),
        JSON.stringify(plan, null, 1),
      ).toBe(true);
    }
    // A plan that reads the table otherwise fails the check: with index scans turned off for a
    // transaction (rolled back), the index is still there but the plan sorts a sequential scan.
    const rolledBack = new Error('rolled back');
    const otherwise = await store.db
      .transaction()
      .execute(async (trx) => {
        for (const setting of ['enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan']) await sql`select set_config(${setting}, 'off', true)`.execute(trx);
        const plans = [];
        for (const q of wholePages()) plans.push(await pgPlan(trx, q.compile()));
        throw Object.assign(rolledBack, { plans });
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
        return (e as Error & { plans: PlanNode[] }).plans;
      });
    for (const plan of otherwise) {
      expect(assessmentIndexScans(plan)).not.toContain('Index Scan on assessments_nk');
      expect(nodes(plan).map((n) => n['Node Type'])).toContain('Seq Scan');
    }
    expect(assessmentIndexScans(await pgPlan(store.db, wholePages()[0]!.compile()))).toContain('Index Scan on assessments_nk');
  });

  it.runIf(target.dialect === 'sqlite')('searches by the unique index on SQLite, without sorting the campaign', async () => {
    const plan = async (q: ReturnType<typeof wholePages>[number]) => {
      const c = q.compile();
      return (await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]))).rows.map((r) => r.detail).join('\n');
    };
    for (const q of wholePages()) {
      const details = await plan(q);
      expect(details).toMatch(/SEARCH a USING (COVERING )?INDEX sqlite_autoindex_assessments_1 \(campaign_id=\?/);
      expect(details).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
    for (const q of statusPages()) {
      const details = await plan(q);
      expect(details).toMatch(/SEARCH a USING (COVERING )?INDEX assessments_campaign_status \(campaign_id=\? AND status=\?/);
      expect(details).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
  });
});
