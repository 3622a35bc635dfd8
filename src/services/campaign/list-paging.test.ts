/**
 * Paged lists (issue 11), on every database: a campaign's assessments and appeals cut to the
 * reader's reach in SQL (policies' listCut, appealsListCut) and paged by keyset. `listsRow` stays
 * the one rule of who lists what: for every role of the fixtures and offices of an area, the
 * pages walked one and two rows at a time hold exactly the rows the unpaged list (which filters
 * by listsRow row by row) gives, in its order, with each page's `total` and `counts` saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A1, AREA_VILLAGES, B1, B2, buildProvince, C1, C2, D1, K1, K2, officeOf, P, provinceServices, publishedProvinceCampaign, T11, T21 } from '../../../test/area-fixtures.ts';
import { ACTORS, buildRegistry, harness, setUpCampaign, T1, T2, V1, V2, V3, V4, type Harness } from '../../../test/campaign-fixtures.ts';
import { refused } from '../../../test/refused.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { AssessmentStatus } from '../../core/campaign/records.ts';
import type { Store } from '../../store/db.ts';
import type { Actor } from '../policies.ts';
import { progressOf } from './campaign-setup.service.ts';
import type { AppealFilter } from './appeals.service.ts';
import type { CampaignServices } from './index.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const HOOK = 240_000;
const office = ACTORS.admin as Actor;

type AssessmentFilter = { township?: string; status?: AssessmentStatus; q?: string };
type AppealsFilter = { township?: string; status?: AppealFilter; q?: string };

const matches = (r: { village: string; villageName: string }, q: string | undefined) => !q || r.village.startsWith(q) || r.villageName.includes(q);

/** Every page of a campaign's assessments, `limit` at a time, checking each page's paging fields. */
async function walkAssessments(service: CampaignServices, actor: Actor, campaignId: number, filter: AssessmentFilter, limit: number) {
  const rows = [];
  let after: string | undefined;
  let total: number | undefined;
  let counts: Record<AssessmentStatus, number> | undefined;
  for (let pages = 0; ; pages++) {
    expect(pages, 'the pages end').toBeLessThan(50);
    const page = await service.setup.pageAssessments(actor, campaignId, filter, { limit, ...(after !== undefined ? { after } : {}) });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    total ??= page.total;
    counts ??= page.counts;
    expect(page.total, 'every page tells the same total').toBe(total);
    expect(page.counts).toEqual(counts);
    rows.push(...page.rows);
    if (page.next === null) break;
    expect(page.rows).toHaveLength(limit);
    expect(page.next).toBe(page.rows.at(-1)!.village);
    after = page.next;
  }
  expect(rows).toHaveLength(total);
  return { rows, counts: counts! };
}

/** Every page of a campaign's appeals, `limit` at a time. */
async function walkAppeals(service: CampaignServices, actor: Actor, campaignId: number, filter: AppealsFilter, limit: number) {
  const rows = [];
  let after: { rank: 0 | 1; id: number } | undefined;
  let total: number | undefined;
  let counts: Record<string, number> | undefined;
  for (let pages = 0; ; pages++) {
    expect(pages, 'the pages end').toBeLessThan(50);
    const page = await service.appeals.pageAppeals(actor, campaignId, filter, { limit, ...(after !== undefined ? { after } : {}) });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    total ??= page.total;
    counts ??= page.counts;
    expect(page.total).toBe(total);
    expect(page.counts).toEqual(counts);
    rows.push(...page.rows);
    if (page.next === null) break;
    expect(page.rows).toHaveLength(limit);
    const last = page.rows.at(-1)!;
    expect(page.next).toEqual({ rank: last.status === 'open' ? 0 : 1, id: last.id });
    after = page.next;
  }
  expect(rows).toHaveLength(total);
  return { rows, counts: counts! };
}

/**
 * For each actor and filter, the walked pages equal the unpaged list (listsRow's rows, the search
 * applied to them here), and the counts are the unpaged rows' by status under the other filters.
 */
async function expectAssessmentPagesAsListed(service: CampaignServices, campaignId: number, actors: Record<string, Actor>, filters: AssessmentFilter[]) {
  for (const [name, actor] of Object.entries(actors)) {
    for (const filter of filters) {
      const { q, ...rest } = filter;
      const listed = (await service.setup.listAssessments(actor, campaignId, rest)).filter((r) => matches(r, q));
      const { status: _status, ...others } = rest;
      const { total: _total, ...byStatus } = progressOf((await service.setup.listAssessments(actor, campaignId, others)).filter((r) => matches(r, q)));
      for (const limit of [1, 2]) {
        const walked = await walkAssessments(service, actor, campaignId, filter, limit);
        expect(walked.rows, `${name} ${JSON.stringify(filter)} by ${limit}`).toEqual(listed);
        expect(walked.counts, `${name} ${JSON.stringify(filter)}`).toEqual(byStatus);
      }
    }
    // The campaigns list's progress is counted under the same cut: the unpaged list's, by status.
    const listed = (await service.setup.listCampaignsFor(actor)).find((c) => c.id === campaignId);
    expect(listed?.progress, `${name}: the campaigns list's progress`).toEqual(progressOf(await service.setup.listAssessments(actor, campaignId)));
    await expectDetailCountsAsRows(service, campaignId, name, actor);
  }
}

/** Villages counted by township, as the detail counts them, from rows. */
function byTownship(rows: ReadonlyArray<{ township: string | null; townshipName: string | null }>) {
  const out = new Map<string | null, { code: string | null; name: string | null; villages: number }>();
  for (const r of rows) {
    const t = out.get(r.township) ?? { code: r.township, name: r.townshipName, villages: 0 };
    t.villages++;
    out.set(r.township, t);
  }
  return [...out.values()].sort((a, b) => (a.code === null ? 1 : b.code === null ? -1 : a.code.localeCompare(b.code)));
}

/**
 * The campaign without its rows (`villages: false`, the web app's) counts in SQL what the full
 * detail's rows say: the progress, the townships, each team's villages and townships, the
 * unassigned; everything else the same.
 */
async function expectDetailCountsAsRows(service: CampaignServices, campaignId: number, name: string, actor: Actor) {
  const full = await service.setup.campaignDetail(actor, campaignId);
  const light = await service.setup.campaignDetail(actor, campaignId, { villages: false });
  const rows = full.villages!;
  expect(light.villages, name).toBeUndefined();
  expect(light.progress, `${name}: progress`).toEqual(progressOf(rows));
  expect(light.townships, `${name}: townships`).toEqual(byTownship(rows));
  expect(full.townships, `${name}: townships`).toEqual(light.townships);
  expect(light.scope, `${name}: scope`).toEqual(full.scope);
  expect(
    light.teams.map((t) => t.name),
    `${name}: teams`,
  ).toEqual(full.teams.map((t) => t.name));
  for (const t of full.teams) {
    const own = rows.filter((r) => r.teamId === t.id);
    expect(t.villages, `${name}: team ${t.name}`).toEqual(own.map((r) => r.village));
    const l = light.teams.find((x) => x.id === t.id)!;
    expect(l.villages, name).toBeUndefined();
    expect(l.villageCount, `${name}: team ${t.name}`).toBe(own.length);
    expect(l.townships, `${name}: team ${t.name}`).toEqual(byTownship(own));
    expect(l.members, name).toEqual(t.members);
  }
  expect(light.unassignedCount, `${name}: unassigned`).toBe(full.unassigned?.length);
  expect(light.unassigned, name).toBeUndefined();
}

async function expectAppealPagesAsListed(service: CampaignServices, campaignId: number, actors: Record<string, Actor>, filters: AppealsFilter[]) {
  for (const [name, actor] of Object.entries(actors)) {
    for (const filter of filters) {
      const { q, ...rest } = filter;
      if (actor.role === 'viewer') {
        await refused(service.appeals.listAppeals(actor, campaignId, rest), 'forbidden');
        await refused(service.appeals.pageAppeals(actor, campaignId, filter, { limit: 1 }), 'forbidden');
        continue;
      }
      const listed = (await service.appeals.listAppeals(actor, campaignId, rest)).filter((r) => matches(r, q));
      const { status: _status, ...others } = rest;
      const all = (await service.appeals.listAppeals(actor, campaignId, others)).filter((r) => matches(r, q));
      const byStatus = { open: 0, upheld: 0, adjusted: 0, rejected: 0 };
      for (const a of all) byStatus[a.status]++;
      for (const limit of [1, 2]) {
        const walked = await walkAppeals(service, actor, campaignId, filter, limit);
        expect(walked.rows, `${name} ${JSON.stringify(filter)} by ${limit}`).toEqual(listed);
        expect(walked.counts, `${name} ${JSON.stringify(filter)}`).toEqual(byStatus);
      }
    }
    // The campaigns list's progress is counted under the same cut: the unpaged list's, by status.
    const listed = (await service.setup.listCampaignsFor(actor)).find((c) => c.id === campaignId);
    expect(listed?.progress, `${name}: the campaigns list's progress`).toEqual(progressOf(await service.setup.listAssessments(actor, campaignId)));
  }
}

describe.each(storeTargets())('paged campaign lists ($dialect)', (target) => {
  describe("the fixtures' county and every role", () => {
    let store: Store;
    let h: Harness;
    let campaignId: number;
    let ids: Record<string, number>;

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      ({ campaignId, assessments: ids } = await setUpCampaign(h.service));
      const version = async (v: string) => (await h.service.assessments.assessmentState(office, ids[v]!)).version;
      const move = async (v: string, ...steps: Array<'submit' | 'review' | 'publish'>) => {
        for (const step of steps) await h.service.workflow.transition(office, ids[v]!, await version(v), step);
      };
      // V1 published, V2 reviewed, V3 published, V4 submitted.
      await move(V1, 'submit', 'review', 'publish');
      await move(V2, 'submit', 'review');
      await move(V3, 'submit', 'review', 'publish');
      await move(V4, 'submit');
      // Appeals: V1 two (one decided), V3 one by the office on its behalf. The decided one has
      // the smaller id of V1's, so the list's order (open first) is not the order of ids.
      const decided = await h.service.appeals.appeal(ACTORS.villageV1, ids[V1]!, { item: '1.3', reason: '会议记录齐全' });
      await h.service.appeals.appeal(ACTORS.villageV1, ids[V1]!, { item: '1.1', reason: '计划已报' });
      await h.service.appeals.appeal(office, ids[V3]!, { item: '1.1', reason: '代村申诉' });
      await h.service.appeals.decideAppeal(office, decided, { outcome: 'rejected', reason: '不成立' });
    }, HOOK);

    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('pages the assessments each role lists exactly as listsRow lists them, one and two rows at a time', async () => {
      await expectAssessmentPagesAsListed(h.service, campaignId, { ...ACTORS }, [
        {},
        { township: T1 },
        { township: T2 },
        { status: 'published' },
        { status: 'draft' },
        { township: T1, status: 'reviewed' },
        { q: '石桥' },
        { q: '村' },
        { q: V3.slice(0, 9) },
        { q: V4 },
        // Wildcards are text: no village is named or coded with them.
        { q: '%' },
        { q: '_' },
        { q: '\\' },
      ]);
    });

    it('pages the appeals each role sees exactly as they are listed, open first', async () => {
      const listed = await h.service.appeals.listAppeals(office, campaignId);
      expect(listed.map((a) => [a.village, a.item, a.status])).toEqual([
        [V1, '1.1', 'open'],
        [V3, '1.1', 'open'],
        [V1, '1.3', 'rejected'],
      ]);
      await expectAppealPagesAsListed(h.service, campaignId, { ...ACTORS }, [
        {},
        { status: 'open' },
        { status: 'decided' },
        { status: 'rejected' },
        { township: T1 },
        { q: '红星' },
        { q: V1 },
      ]);
    });

    it('answers an empty page past the last row, and refuses whom the unpaged list refuses', async () => {
      const past = await h.service.setup.pageAssessments(office, campaignId, {}, { limit: 10, after: V4 });
      expect(past).toEqual({ rows: [], next: null, total: 4, counts: { draft: 0, submitted: 1, reviewed: 1, published: 2 } });
      await refused(h.service.setup.pageAssessments(office, 99999, {}, { limit: 10 }), 'not-found');
      await refused(h.service.appeals.pageAppeals(office, 99999, {}, { limit: 10 }), 'not-found');
    });
  });

  describe('offices of an area', () => {
    let store: Store;
    let service: CampaignServices;
    let cleanup: () => void;
    let published: number;
    let mixed: number;
    const actors: Record<string, Actor> = {};

    beforeAll(async () => {
      store = await target.open();
      await buildProvince(store);
      let users;
      ({ service, users, cleanup } = provinceServices(store));
      ({ campaignId: published } = await publishedProvinceCampaign(service));
      actors.office = office;
      actors.viewer = ACTORS.viewer;
      actors.city = await officeOf(users, 'bijie', 'admin', C1);
      actors.county = await officeOf(users, 'zhijin', 'admin', K1);
      actors.province = await officeOf(users, 'province', 'admin', P);
      actors.cityViewer = await officeOf(users, 'guiyang-viewer', 'viewer', C2);
      actors.areaInspector = await officeOf(users, 'qixingguan-inspector', 'inspector', K2);
      // A second campaign with every state, the area's inspector on a team of villages in and out of their area.
      const schemeVersionId = (await store.db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', published).executeTakeFirstOrThrow()).scheme_version_id;
      mixed = await service.setup.createCampaign(office, { name: '2021年度全省考核', year: 2021, schemeVersionId, villages: [...AREA_VILLAGES] });
      await service.setup.setTeam(office, mixed, '一组', [actors.areaInspector.user]);
      await service.setup.assignVillages(office, mixed, '一组', [B1, B2, D1]);
      const id = (v: string) => service.assessments.assessmentId(mixed, v);
      const move = async (v: string, ...steps: Array<'submit' | 'review' | 'publish'>) => {
        for (const step of steps) await service.workflow.transition(office, await id(v), (await service.assessments.assessmentState(office, await id(v))).version, step);
      };
      await move(A1, 'submit');
      await move(B1, 'submit', 'review', 'publish');
      await move(D1, 'submit', 'review');
      // Appeals of the published campaign in each county.
      const appealed = async (v: string, item: string) => service.appeals.appeal(office, await service.assessments.assessmentId(published, v), { item, reason: '代村申诉' });
      await appealed(A1, '1.3');
      await appealed(B1, '1.3');
      await appealed(D1, '1.3');
      await service.appeals.decideAppeal(office, await appealed(B2, '1.3'), { outcome: 'rejected', reason: '不成立' });
    }, HOOK);

    afterAll(async () => {
      await store?.close();
      cleanup?.();
    });

    it("cuts each office's pages to its area as listsRow does", async () => {
      expect(actors.province!.area?.whole).toBe(true);
      for (const campaignId of [published, mixed]) {
        await expectAssessmentPagesAsListed(service, campaignId, actors, [{}, { township: T11 }, { township: T21, status: 'published' }, { q: '村' }]);
      }
      const city = await walkAssessments(service, actors.city!, mixed, {}, 2);
      expect(city.rows.map((r) => r.village).sort()).toEqual([A1, AREA_VILLAGES[1], B1, B2].sort());
      const inspector = await walkAssessments(service, actors.areaInspector!, mixed, {}, 1);
      expect(inspector.rows.map((r) => r.village)).toEqual([B1, B2].sort());
    });

    it("cuts each office's appeals to its area", async () => {
      await expectAppealPagesAsListed(service, published, actors, [{}, { status: 'open' }, { status: 'decided' }, { township: T21 }, { q: '红星' }]);
      const county = await walkAppeals(service, actors.county!, published, {}, 1);
      expect(county.rows.map((r) => r.village)).toEqual([A1]);
      expect(county.counts).toEqual({ open: 1, upheld: 0, adjusted: 0, rejected: 0 });
    });
  });
});
