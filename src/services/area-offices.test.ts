/**
 * Offices above the county (issue 11), on every database: a city's or a province's office sees
 * and ranks the counties under it, a county's office only its own; the area is read down the
 * tree when the session is read. Offices are real users made through the user service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worklistTuning } from './campaign/worklist.service.ts';
import {
  A1,
  A2,
  AREA_VILLAGES,
  B1,
  B2,
  buildProvince,
  C1,
  C2,
  D1,
  D2,
  K1,
  K2,
  K3,
  officeOf,
  P,
  provinceServices,
  publishedProvinceCampaign,
  T11,
  T21,
  T31,
} from '../../test/area-fixtures.ts';
import { ACTORS } from '../../test/campaign-fixtures.ts';
import { refused } from '../../test/refused.ts';
import { storeTargets } from '../../test/stores.ts';
import type { Store } from '../store/db.ts';
import type { CampaignServices } from './campaign/index.ts';
import type { Actor } from './policies.ts';
import type { Services } from '../compose.ts';
import type { UserService } from './user.service.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const HOOK = 240_000;
const pts = (p: number) => Math.round(p * 100);
const office = ACTORS.admin as Actor;

describe.each(storeTargets())('offices above the county ($dialect)', (target) => {
  let store: Store;
  let service: CampaignServices;
  let users: UserService;
  let services: Services;
  let cleanup: () => void;
  let campaignId: number;
  let assessments: Record<string, number>;
  let city: Actor;
  let county: Actor;
  let otherCityViewer: Actor;
  let province: Actor;

  beforeAll(async () => {
    store = await target.open();
    await buildProvince(store);
    ({ service, users, services, cleanup } = provinceServices(store));
    ({ campaignId, assessments } = await publishedProvinceCampaign(service));
    city = await officeOf(users, 'bijie', 'admin', C1);
    county = await officeOf(users, 'zhijin', 'admin', K1);
    otherCityViewer = await officeOf(users, 'guiyang-viewer', 'viewer', C2);
    province = await officeOf(users, 'province', 'admin', P);
  }, HOOK);

  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  it('reads what each area reaches down the tree when the session is read', () => {
    expect(city.area).toMatchObject({ code: C1, name: '毕节市', level: 'city', whole: false });
    expect([...city.area!.counties].sort()).toEqual([K2, K1].sort());
    expect([...county.area!.counties]).toEqual([K1]);
    expect([...county.area!.townships]).toEqual([T11]);
    // The province holds every township of this registry.
    expect(province.area).toMatchObject({ level: 'province', whole: true });
  });

  it('shows an office the assessments of its villages and hides the others as missing', async () => {
    await expect(service.assessments.getAssessment(county, assessments[A1]!)).resolves.toBeTruthy();
    await refused(service.assessments.getAssessment(county, assessments[B1]!), 'not-found', /assessment/);
    await expect(service.assessments.getAssessment(city, assessments[B1]!)).resolves.toBeTruthy();
    await refused(service.assessments.getAssessment(city, assessments[D1]!), 'not-found');
    await refused(service.assessments.getAssessment(otherCityViewer, assessments[A1]!), 'not-found');
    await expect(service.assessments.getAssessment(otherCityViewer, assessments[D1]!)).resolves.toBeTruthy();
    const listed = async (actor: Actor) => (await service.setup.listAssessments(actor, campaignId)).map((r) => r.village).sort();
    expect(await listed(city)).toEqual([A1, A2, B1, B2].sort());
    expect(await listed(county)).toEqual([A1, A2]);
    expect(await listed(province)).toEqual([...AREA_VILLAGES].sort());
    expect(await listed(office)).toEqual([...AREA_VILLAGES].sort());
  });

  it('lists a campaign to an office with its own villages counted, and its detail cut to them', async () => {
    const [c] = await service.setup.listCampaignsFor(county);
    expect(c).toMatchObject({ id: campaignId, villages: 2, progress: { total: 2, published: 2 } });
    const detail = await service.setup.campaignDetail(city, campaignId);
    expect(detail.scope.villages).toBe(4);
    expect(detail.villages!.map((v) => v.village).sort()).toEqual([A1, A2, B1, B2].sort());
    expect(detail).not.toHaveProperty('unassigned');
    expect((await service.setup.campaignDetail(office, campaignId)).scope.villages).toBe(6);
  });

  it("gives an office's 我的考核村 its own villages only, counted alike whether listed one by one or not", async () => {
    const mine = await service.worklist.myVillages(city, campaignId);
    expect(mine.villages.map((v) => v.village).sort()).toEqual([A1, A2, B1, B2].sort());
    expect(mine.townships.reduce((n, t) => n + t.villages, 0)).toBe(4);
    const was = worklistTuning.max;
    worklistTuning.max = 3;
    try {
      const many = await service.worklist.myVillages(city, campaignId);
      expect(many).toMatchObject({ tooMany: true, villages: [], townships: mine.townships });
      expect({ ...many.figures, items: mine.figures.items, openSuggestions: mine.figures.openSuggestions }).toEqual(mine.figures);
      // One township of it: its villages only, listed one by one.
      const one = await service.worklist.myVillages(city, campaignId, { township: mine.townships[0]!.code });
      expect(one.tooMany).toBe(false);
      expect(one.villages.map((v) => v.village)).toEqual(mine.villages.filter((v) => v.township === mine.townships[0]!.code).map((v) => v.village));
    } finally {
      worklistTuning.max = was;
    }
    // The county's office: its two villages; a township of another county gives none.
    expect((await service.worklist.myVillages(county, campaignId)).villages.map((v) => v.village).sort()).toEqual([A1, A2].sort());
    const elsewhere = mine.townships.find((t) => !t.code.startsWith(K1.slice(0, 6)))!;
    expect((await service.worklist.myVillages(county, campaignId, { township: elsewhere.code })).villages).toEqual([]);
  });

  it("ranks an area's villages among themselves, and the counties by their average", async () => {
    const rows = (r: Awaited<ReturnType<CampaignServices['rankings']['rankingFor']>>) => r.county.map((v) => [v.village, v.total, v.countyRank]);
    const whole = await service.rankings.rankingFor(office, campaignId);
    expect(rows(whole)).toEqual([
      // Equal totals share a rank, by village code.
      [D2, pts(200), 1],
      [A2, pts(200), 1],
      [B2, pts(199), 3],
      [A1, pts(198), 4],
      [D1, pts(196), 5],
      [B1, pts(195), 6],
    ]);
    expect(whole.area).toBeNull();
    expect(whole.counties.map((c) => [c.code, c.name, c.rank, c.count, c.averageTotal])).toEqual([
      [K1, '织金县', 1, 2, pts(199)],
      [K3, '南明区', 2, 2, pts(198)],
      [K2, '七星关区', 3, 2, pts(197)],
    ]);
    const inCity = await service.rankings.rankingFor(city, campaignId);
    expect(rows(inCity)).toEqual([
      [A2, pts(200), 1],
      [B2, pts(199), 2],
      [A1, pts(198), 3],
      [B1, pts(195), 4],
    ]);
    expect(inCity.area).toEqual({ code: C1, level: 'city' });
    expect(inCity.counties.map((c) => [c.code, c.rank, c.averageTotal])).toEqual([
      [K1, 1, pts(199)],
      [K2, 2, pts(197)],
    ]);
    expect(inCity.unranked).toEqual([]);
    const inCounty = await service.rankings.rankingFor(county, campaignId);
    expect(rows(inCounty)).toEqual([
      [A2, pts(200), 1],
      [A1, pts(198), 2],
    ]);
    expect(inCounty.counties.map((c) => c.code)).toEqual([K1]);
    expect(rows(await service.rankings.rankingFor(otherCityViewer, campaignId))).toEqual([
      [D2, pts(200), 1],
      [D1, pts(196), 2],
    ]);
    // The province's office holds the whole registry: the whole campaign's ranks.
    expect(rows(await service.rankings.rankingFor(province, campaignId))).toEqual(rows(whole));
    // The overview says the same.
    const overview = await service.rankings.overview(city, campaignId);
    expect(overview.counties.map((c) => [c.county, c.rank, c.averageTotal])).toEqual([
      [K1, 1, 199],
      [K2, 2, 197],
    ]);
    expect(overview.county.count).toBe(4);
    // A snapshot ranks the whole campaign, whoever published; an office reads its own villages' rows of it, ranks as recorded.
    const [snapshot] = (await service.rankings.snapshots(campaignId)).slice(-1);
    expect((snapshot!.data as { county: unknown[] }).county).toHaveLength(6);
    const [mine] = (await service.rankings.snapshotsFor(city, campaignId)).slice(-1);
    const data = mine!.data as { county: Array<{ village: string; countyRank: number }>; townships: Array<{ township: string }>; counties: Array<{ code: string }> };
    expect(data.county.map((r) => [r.village, r.countyRank])).toEqual([
      [A2, 1],
      [B2, 3],
      [A1, 4],
      [B1, 6],
    ]);
    expect(data.townships.map((t) => t.township).sort()).toEqual([T11, T21].sort());
    expect(data.counties.map((c) => c.code)).toEqual([K1, K2]);
    expect(await service.rankings.snapshotsFor(office, campaignId)).toEqual(await service.rankings.snapshots(campaignId));
  });

  it('ranks the counties by their median total where the office says so (KAOHE_COUNTY_RANKING), by their average otherwise', async () => {
    expect((await service.rankings.rankingFor(office, campaignId)).counties.map((c) => c.basis)).toEqual(['average', 'average', 'average']);
    process.env.KAOHE_COUNTY_RANKING = 'median';
    // New services: nothing kept from the rankings above.
    const fresh = provinceServices(store);
    try {
      const whole = await fresh.service.rankings.rankingFor(office, campaignId);
      // Two villages a county: the median is their mean, as the average.
      expect(whole.counties.map((c) => [c.code, c.rank, c.medianTotal, c.basis])).toEqual([
        [K1, 1, pts(199), 'median'],
        [K3, 2, pts(198), 'median'],
        [K2, 3, pts(197), 'median'],
      ]);
      expect((await fresh.service.rankings.overview(city, campaignId)).counties.map((c) => [c.county, c.rank, c.medianTotal, c.basis])).toEqual([
        [K1, 1, 199, 'median'],
        [K2, 2, 197, 'median'],
      ]);
    } finally {
      delete process.env.KAOHE_COUNTY_RANKING;
      fresh.cleanup();
    }
  });

  it("leaves a campaign's set-up and publication to the office whose area holds all of it", async () => {
    await refused(service.workflow.publishCampaign(county, campaignId), 'forbidden', /outside 522425000000/);
    await refused(service.setup.setTeam(city, campaignId, 'X', [ACTORS.zhang.user]), 'forbidden');
    await refused(service.setup.assignVillages(county, campaignId, 'X', [A1]), 'forbidden');
    await refused(service.rescoring.rescorePreview(city, campaignId, 1), 'forbidden');
    await refused(
      service.setup.campaignDetail({ ...county, area: { ...county.area!, code: K3, townships: new Set([T31]), counties: new Set([K3]) } }, campaignId + 99),
      'not-found',
    );
  });

  it('lets an office make a campaign of its own villages only, all of them by default', async () => {
    const schemeVersionId = (await service.schemes.listSchemeVersions())[0]!.id;
    await refused(
      service.setup.createCampaign(county, { name: '织金县抽查', year: 2021, schemeVersionId, villages: [A1, B1] }),
      'validation',
      new RegExp(`not villages of area ${K1}: ${B1}`),
    );
    const id = await service.setup.createCampaign(county, { name: '织金县2021', year: 2021, schemeVersionId });
    expect((await service.setup.listAssessments(office, id)).map((r) => r.village)).toEqual([A1, A2]);
    // Its own campaign it manages; the city sees it, the other city does not.
    await expect(service.setup.setTeam(county, id, '织金一组', [ACTORS.zhang.user])).resolves.toBeGreaterThan(0);
    expect((await service.setup.listCampaignsFor(city)).map((c) => c.id)).toContain(id);
    expect((await service.setup.listCampaignsFor(otherCityViewer)).map((c) => c.id)).not.toContain(id);
    await refused(service.setup.campaignDetail(otherCityViewer, id), 'not-found');
  });

  it("shows and decides only the appeals of an office's villages", async () => {
    const appealId = await service.appeals.appeal(office, assessments[B1]!, { item: '3.4.1', reason: '已整改' });
    expect((await service.appeals.listAppeals(county, campaignId)).map((a) => a.village)).toEqual([]);
    expect((await service.appeals.listAppeals(city, campaignId)).map((a) => a.village)).toEqual([B1]);
    await refused(service.appeals.appealInfo(county, appealId), 'not-found');
    await refused(service.appeals.decideAppeal(county, appealId, { outcome: 'rejected', reason: '不予支持' }), 'not-found', /appeal/);
    await service.appeals.decideAppeal(city, appealId, { outcome: 'rejected', reason: '不予支持' });
    expect((await service.appeals.appealInfo(city, appealId)).status).toBe('rejected');
  });

  it('narrows the registry an office reads to its villages', async () => {
    const tree = await services.registry.read.areas(county);
    const codes: string[] = [];
    const walk = (nodes: Array<{ code: string; children?: unknown[] }>) => nodes.forEach((n) => (codes.push(n.code), walk((n.children ?? []) as typeof nodes)));
    walk(tree.areas as Array<{ code: string; children?: unknown[] }>);
    expect(codes.sort()).toEqual([P, C1, K1, T11, A1, A2].sort());
    await refused(services.registry.read.village(county, B2), 'not-found');
    await expect(services.registry.read.village(city, B2)).resolves.toMatchObject({ code: B2 });
    expect(await services.registry.read.villageScope(province)).toBeNull();
    expect(await services.registry.read.villageScope(city)).toEqual([B1, B2, A1, A2].sort());
  });

  it("keeps the division tree's imports and exports, and the audit log, with the office of the whole database", async () => {
    // Its own villages' records it imports and exports (registry/area-imports.test.ts); the division tree it does not.
    await refused(services.registry.files.importUpload(city, 'areas', '/nonexistent.csv', 'areas.csv', true), 'forbidden', /may not import areas/);
    await refused(services.registry.files.exportFile(county, 'areas', 'csv', false), 'forbidden', /may not export areas/);
    await refused(service.audit.auditLog(city), 'forbidden', /audit log/);
  });

  it('lets an office manage the users of its area only, giving its own area by default', async () => {
    const { user: reviewer } = await users.create(city, { username: 'longchang-reviewer', role: 'reviewer', township: T11 });
    expect(reviewer.township).toBe(T11);
    await refused(users.create(city, { username: 'huaguoyuan', role: 'reviewer', township: T31 }), 'validation', /township: 520102100000 is not within your area/);
    await refused(users.create(city, { username: 'songbai', role: 'village', village: D2 }), 'validation', /village: .* is not within your area/);
    await refused(users.create(city, { username: 'gy-office', role: 'admin', area: C2 }), 'validation', /area: 520100000000 is not within your area/);
    const { user: inspector } = await users.create(city, { username: 'bijie-inspector', role: 'inspector' });
    expect(inspector.area).toBe(C1);
    const { user: countyViewer } = await users.create(city, { username: 'qixingguan-viewer', role: 'viewer', area: K2 });
    expect(countyViewer.area).toBe(K2);
    await refused(users.create(office, { username: 'bad-area', role: 'admin', area: T11 }), 'validation', /not a province, city or county/);
    const seen = (await users.list(city)).map((u) => u.username).sort();
    expect(seen).toEqual(['bijie', 'bijie-inspector', 'longchang-reviewer', 'qixingguan-viewer', 'zhijin'].sort());
    expect((await users.list(county)).map((u) => u.username).sort()).toEqual(['longchang-reviewer', 'zhijin']);
    // A user outside the area is not there for the office; one inside it may be changed.
    const all = await users.list(office);
    const idOf = (name: string) => all.find((u) => u.username === name)!.id;
    await refused(users.resetPassword(city, idOf('guiyang-viewer')), 'not-found');
    await refused(users.updateScope(county, idOf('bijie'), { role: 'viewer' }), 'not-found');
    await expect(users.updateScope(city, idOf('qixingguan-viewer'), { role: 'viewer', area: K1 })).resolves.toMatchObject({ area: K1 });
  });
});
