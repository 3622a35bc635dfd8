/**
 * Campaign routes on every database: listing, creating, scope, teams and assignments, the
 * assessment list, rankings, snapshots, publication, rescoring, the overview, the audit log —
 * each with its success, validation (400 naming the field), 401 without a session, 403 on a
 * wrong CSRF token, and every role (plus users of another township, team and village).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { seedV2Text } from '../../../test/campaign-fixtures.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';
import { type CampaignServices } from '../../services/campaign/index.ts';
import type { Actor } from '../../services/policies.ts';
import type { TownshipCount } from '../../contract/campaigns.ts';
import { compose } from '../../compose.ts';

const HOOK = 120_000;
const ID_NUMBER = /\d{17}[\dX]/;
const SYSTEM: Actor = { user: 'system', role: 'admin' };

type Who = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer' | 'reviewer2' | 'inspector2' | 'village2';
const EVERYONE: Who[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer', 'reviewer2', 'inspector2', 'village2'];
const NOT_ADMIN = EVERYONE.filter((w) => w !== 'admin');

/** No resident ID number in a JSON answer (content hashes left aside). */
function expectNoIdNumber(res: LightMyRequestResponse): void {
  if (!String(res.headers['content-type'] ?? '').includes('json')) return;
  expect(res.body.replace(/[0-9a-f]{64}/g, ''), `an ID number in ${res.body.slice(0, 200)}`).not.toMatch(ID_NUMBER);
}

/** A client whose every answer is checked for ID numbers (for users other than the office). */
function watched(c: Client, who: Who): Client {
  if (who === 'admin') return c;
  const check = (res: LightMyRequestResponse) => {
    expectNoIdNumber(res);
    return res;
  };
  return {
    ...c,
    get: async (url) => check(await c.get(url)),
    post: async (url, body) => check(await c.post(url, body)),
    request: async (method, url, body, headers) => check(await c.request(method, url, body, headers)),
  };
}

const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = json<{ error: { code: string; message: string } }>(res);
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

interface Row {
  id: number;
  village: string;
  township: string;
  status: string;
  version: number;
  total: number;
  team: string | null;
}

describe.each(storeTargets())('campaign routes ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, Client>;
  let service: CampaignServices;
  let campaignId: number;
  let schemeVersionId: number;
  let T1: string;
  let T2: string;
  let t1: string[];
  let t2: string[];
  /** Assessment ids by village. */
  const ids: Record<string, number> = {};

  const url = (path = '') => `/api/campaigns/${campaignId}${path}`;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    T1 = townships[0]!.code;
    T2 = townships[1]!.code;
    t1 = (await db.selectFrom('areas').select('code').where('parent_code', '=', T1).orderBy('code').execute()).map((v) => v.code);
    t2 = (await db.selectFrom('areas').select('code').where('parent_code', '=', T2).orderBy('code').execute()).map((v) => v.code);
    const users = server.app.services.users;
    const password = 'a-good-password';
    await users.create({ user: 'admin', role: 'admin' }, { username: 'reviewer2', role: 'reviewer', township: T2, password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'village2', role: 'village', village: t1[1]!, password });
    const passwords: Record<string, string> = { reviewer2: password, inspector2: password, village2: password };
    for (const c of first.credentials) passwords[c.username] = c.password;
    for (const who of EVERYONE) as[who] = watched(await signIn(server.app, who, passwords[who]!), who);

    service = compose({ store: server.store }).campaigns;
    campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    schemeVersionId = (await db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', campaignId).executeTakeFirstOrThrow()).scheme_version_id;
    for (const a of await db.selectFrom('assessments').select(['id', 'village_code']).where('campaign_id', '=', campaignId).execute()) ids[a.village_code] = a.id;
  }, HOOK);
  afterAll(() => server?.close());

  /** Moves an assessment along as the office, with some findings first. */
  async function advance(village: string | number, to: 'submitted' | 'reviewed' | 'published', findings: Array<{ item: string; count?: number }>): Promise<void> {
    const id = typeof village === 'number' ? village : ids[village]!;
    const v = async () => (await service.assessments.getAssessment(SYSTEM, id)).version;
    for (const f of findings) await service.findings.addFinding(SYSTEM, id, await v(), f);
    await service.workflow.transition(SYSTEM, id, await v(), 'submit');
    if (to === 'submitted') return;
    await service.workflow.transition(SYSTEM, id, await v(), 'review');
    if (to === 'reviewed') return;
    await service.workflow.transition(SYSTEM, id, await v(), 'publish');
  }

  describe('teams and assignments', () => {
    it('lets the office make a second team and assign villages of the second township to it', async () => {
      const team = await as.admin.post(url('/teams'), { name: '第二考核组', members: ['inspector2'] });
      expect(team.statusCode, team.body).toBe(200);
      expect(json(team)).toMatchObject({ name: '第二考核组', members: ['inspector2'] });
      const assign = await as.admin.post(url('/assign'), { team: '第二考核组', villages: t2.slice(0, 4) });
      expect(assign.statusCode, assign.body).toBe(200);
      expect(json(assign)).toMatchObject({ ok: true, villages: 4 });
      // Setting a team again replaces its members.
      const again = await as.admin.post(url('/teams'), { name: '第二考核组', members: ['inspector2', 'inspector2'] });
      expect(json(again)).toMatchObject({ members: ['inspector2'] });
    });

    it('validates teams and assignments, naming the field', async () => {
      expectError(await as.admin.post(url('/teams'), { name: '', members: [] }), 400, 'validation', /^body\.name:/);
      expectError(await as.admin.post(url('/teams'), { name: 'x' }), 400, 'validation', /^body\.members:/);
      expectError(await as.admin.post(url('/teams'), { name: 'x', members: ['nobody'] }), 400, 'validation', /^members\.0: nobody is not an inspector/);
      expectError(await as.admin.post(url('/teams'), { name: 'x', members: ['viewer'] }), 400, 'validation', /^members\.0: viewer is not an inspector/);
      expectError(await as.admin.post('/api/campaigns/abc/teams', { name: 'x', members: [] }), 400, 'validation', /^params\.id:/);
      expectError(await as.admin.post('/api/campaigns/99999/teams', { name: 'x', members: [] }), 404, 'not-found');
      expectError(await as.admin.post(url('/assign'), { team: '第二考核组', villages: ['12'] }), 400, 'validation', /^body\.villages\.0:/);
      expectError(await as.admin.post(url('/assign'), { team: '第二考核组', villages: [] }), 400, 'validation', /^body\.villages:/);
      expectError(await as.admin.post(url('/assign'), { villages: [t2[0]] }), 400, 'validation', /^body\.team:/);
      expectError(await as.admin.post(url('/assign'), { team: '第二考核组', villages: ['522425999999'] }), 400, 'validation', /^villages: not in the campaign's scope/);
      expectError(await as.admin.post(url('/assign'), { team: '没有这个组', villages: [t2[0]] }), 404, 'not-found');
      expectError(await as.admin.post(url('/assign'), { team: '第二考核组', townships: ['12'] }), 400, 'validation', /^body\.townships\.0:/);
      expectError(await as.admin.post(url('/assign'), { team: '第二考核组', all: 'yes' }), 400, 'validation', /^body\.all:/);
      expectError(
        await as.admin.post(url('/assign'), { team: '第二考核组', townships: ['522425199000'] }),
        400,
        'validation',
        /^townships: no village of the campaign in: 522425199000$/,
      );
    });

    it('refuses teams and assignments to everyone but the office', async () => {
      for (const who of NOT_ADMIN) {
        expectError(await as[who].post(url('/teams'), { name: 'x', members: [] }), 403, 'forbidden');
        expectError(await as[who].post(url('/assign'), { team: '第一考核组', villages: [t2[5]] }), 403, 'forbidden');
      }
    });
  });

  describe('results in every state', () => {
    beforeAll(async () => {
      // T1: A published, B reviewed, C submitted; T2: D published (team 2), E draft (team 2).
      await advance(t1[0]!, 'published', [{ item: '3.2.1', count: 3 }]);
      await advance(t1[1]!, 'reviewed', [{ item: '3.2.1', count: 1 }]);
      await advance(t1[2]!, 'submitted', []);
      await advance(t2[0]!, 'published', [{ item: '1.3', count: 1 }]);
    }, HOOK);

    it('lists campaigns with the progress each user may see', async () => {
      const progress = async (who: Who) => {
        const res = await as[who].get('/api/campaigns');
        expect(res.statusCode, res.body).toBe(200);
        const c = json<{ campaigns: Array<{ id: number; name: string; villages: number; progress: Record<string, number> }> }>(res).campaigns.find((x) => x.id === campaignId)!;
        expect(c.name).toBe(DEMO_CAMPAIGN);
        expect(c.villages).toBe(30);
        return c.progress;
      };
      expect(await progress('admin')).toEqual({ total: 30, draft: 26, submitted: 1, reviewed: 1, published: 2 });
      expect(await progress('reviewer')).toEqual({ total: 10, draft: 7, submitted: 1, reviewed: 1, published: 1 });
      expect(await progress('inspector')).toEqual({ total: 10, draft: 7, submitted: 1, reviewed: 1, published: 1 });
      expect(await progress('reviewer2')).toEqual({ total: 10, draft: 9, submitted: 0, reviewed: 0, published: 1 });
      expect(await progress('inspector2')).toEqual({ total: 4, draft: 3, submitted: 0, reviewed: 0, published: 1 });
      for (const who of ['village', 'viewer', 'village2'] as const) expect(await progress(who)).toEqual({ total: 2, draft: 0, submitted: 0, reviewed: 0, published: 2 });
    });

    it('shows a campaign: scope, teams with members, assignments, a progress row per village the user may see', async () => {
      const detail = async (who: Who) => {
        const res = await as[who].get(url());
        expect(res.statusCode, res.body).toBe(200);
        return json<{
          name: string;
          period: { from: string; to: string };
          appealDays: number;
          scheme: { id: string };
          scope: { villages: number };
          teams: Array<{ name: string; members?: string[]; villageCount: number; townships: TownshipCount[]; villages?: string[] }>;
          townships: TownshipCount[];
          unassignedCount?: number;
          unassigned?: string[];
          villages: Row[];
        }>(res);
      };
      const admin = await detail('admin');
      expect(admin).toMatchObject({ name: DEMO_CAMPAIGN, period: { from: '2020-01-01', to: '2020-12-31' }, appealDays: 15, scheme: { id: 'seed-2020' }, scope: { villages: 30 } });
      expect(admin.villages).toHaveLength(30);
      const township = (code: string, villages: number) => ({ code, name: expect.any(String), villages });
      expect(admin.teams).toEqual([
        { id: expect.any(Number), name: '第一考核组', members: ['inspector'], villageCount: t1.length, townships: [township(T1, t1.length)], villages: t1 },
        { id: expect.any(Number), name: '第二考核组', members: ['inspector2'], villageCount: 4, townships: [township(T2, 4)], villages: t2.slice(0, 4) },
      ]);
      expect(admin.unassigned).toHaveLength(16);
      expect(admin.unassignedCount).toBe(16);
      expect(admin.townships.reduce((n, x) => n + x.villages, 0)).toBe(30);
      // Without its rows (the web app's): the same counts, no row, no code lists.
      const light = json<typeof admin>(await as.admin.get(url('?villages=false')));
      expect(light.villages).toBeUndefined();
      expect(light.unassigned).toBeUndefined();
      expect(light.teams.map((t) => t.villages)).toEqual([undefined, undefined]);
      const { villages: _v, unassigned: _u, teams: _t, ...rest } = admin;
      expect(light).toMatchObject(rest);
      expect(light.teams).toEqual(admin.teams.map(({ villages: _x, ...t }) => t));
      expectError(await as.admin.get(url('?villages=no')), 400, 'validation', /^query\.villages:/);
      const a = admin.villages.find((r) => r.village === t1[0])!;
      expect(a).toMatchObject({ id: ids[t1[0]!], township: T1, status: 'published', team: '第一考核组' });
      expect(a.total).toBe(197);

      const reviewer = await detail('reviewer');
      expect(reviewer.villages.map((r) => r.village)).toEqual(t1);
      expect(reviewer.unassigned).toBeUndefined();
      expect(reviewer.teams.map((t) => t.name)).toEqual(['第一考核组']);
      const inspector2 = await detail('inspector2');
      expect(inspector2.villages.map((r) => r.village)).toEqual(t2.slice(0, 4));
      expect(inspector2.teams).toEqual([
        { id: expect.any(Number), name: '第二考核组', members: ['inspector2'], villageCount: 4, townships: [township(T2, 4)], villages: t2.slice(0, 4) },
      ]);
      expect(inspector2.townships).toEqual([township(T2, 4)]);
      for (const who of ['village', 'viewer', 'village2'] as const) {
        const d = await detail(who);
        expect(d.villages.map((r) => r.village)).toEqual([t1[0], t2[0]]);
        expect(d.villages.every((r) => r.status === 'published')).toBe(true);
        // Team names, never their members, for users outside the office.
        expect(d.teams.map((t) => t.members)).toEqual([undefined, undefined]);
      }
      expectError(await as.admin.get('/api/campaigns/99999'), 404, 'not-found');
      expectError(await as.viewer.get('/api/campaigns/x1'), 400, 'validation', /^params\.id:/);
    });

    it('lists assessments, filtered by township and status, cut to what each user may see', async () => {
      const list = async (who: Who, query = '') => {
        const res = await as[who].get(url(`/assessments${query}`));
        expect(res.statusCode, res.body).toBe(200);
        return json<{ assessments: Array<Row & { villageName: string; townshipName: string; base: number; bonus: number }> }>(res).assessments;
      };
      const all = await list('admin');
      expect(all).toHaveLength(30);
      expect(all[0]).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          village: expect.any(String),
          villageName: expect.any(String),
          township: expect.any(String),
          townshipName: expect.any(String),
          status: expect.any(String),
          version: expect.any(Number),
          base: expect.any(Number),
          bonus: expect.any(Number),
          total: expect.any(Number),
        }),
      );
      expect((await list('admin', `?township=${T2}`)).map((r) => r.village)).toEqual(t2);
      expect((await list('admin', '?status=reviewed')).map((r) => r.village)).toEqual([t1[1]]);
      expect((await list('admin', `?status=published&township=${T1}`)).map((r) => r.village)).toEqual([t1[0]]);
      expect((await list('reviewer')).map((r) => r.village)).toEqual(t1);
      expect(await list('reviewer', `?township=${T2}`)).toEqual([]);
      expect((await list('reviewer2')).map((r) => r.village)).toEqual(t2);
      expect((await list('inspector')).map((r) => r.village)).toEqual(t1);
      expect((await list('inspector2')).map((r) => r.village)).toEqual(t2.slice(0, 4));
      for (const who of ['village', 'viewer', 'village2'] as const) {
        expect((await list(who)).map((r) => r.village)).toEqual([t1[0], t2[0]]);
        expect(await list(who, '?status=draft')).toEqual([]);
      }
      expectError(await as.admin.get(url('/assessments?status=done')), 400, 'validation', /^query\.status:/);
      expectError(await as.admin.get(url('/assessments?township=12')), 400, 'validation', /^query\.township:/);
      expectError(await as.admin.get('/api/campaigns/99999/assessments'), 404, 'not-found');
    });

    it('ranks: the office every result, reviewers published ones and their township, everyone else published ones', async () => {
      type Ranking = {
        basis: string;
        unranked: Array<{ village: string; state: string }>;
        county: Array<{
          village: string;
          total: number;
          countyRank: number;
          townshipRank: number;
          sections: Record<string, number>;
          change: { totalDelta: number | null; rankDelta: number | null };
          grade: string | null;
        }>;
        countySummary: { count: number; averages: Record<string, number>; averageTotal: number };
        townships: Array<{ township: string; count: number; averages: Record<string, number>; rows: unknown[] }>;
      };
      const ranking = async (who: Who, query = '') => {
        const res = await as[who].get(url(`/ranking${query}`));
        expect(res.statusCode, res.body).toBe(200);
        return json<Ranking>(res);
      };
      // Issue 17: every ranking counts published results by default, the office's too; the other
      // villages are listed without a rank (26 drafts 未考核, one submitted and one reviewed 未发布).
      const admin = await ranking('admin');
      expect(admin.basis).toBe('published');
      expect(admin.county.map((v) => v.village).sort()).toEqual([t1[0], t2[0]].sort());
      expect(admin.countySummary.count).toBe(2);
      expect(admin.unranked).toHaveLength(28);
      expect(admin.unranked.filter((u) => u.state === 'unassessed')).toHaveLength(26);
      const unpublished = admin.unranked.filter((u) => u.state === 'unpublished').map((u) => u.village);
      expect(unpublished).toHaveLength(2);
      expect(unpublished).toContain(t1[1]);
      expect((await ranking('admin', '?published=1')).county.map((v) => v.village).sort()).toEqual([t1[0], t2[0]].sort());

      // The office's provisional ranking (内部预览): submitted and reviewed results ranked too, drafts not.
      const preview = await ranking('admin', '?preview=1');
      expect(preview.basis).toBe('preview');
      expect(preview.county).toHaveLength(4);
      expect(preview.county.map((v) => v.village).sort()).toEqual([t1[0], t2[0], ...unpublished].sort());
      expect(Object.keys(preview.county[0]!.sections)).toEqual(['1', '2', '3', '4']);
      expect(preview.county.at(-1)).toMatchObject({ village: t1[0], countyRank: 4, total: 197 });
      expect(preview.unranked.every((u) => u.state === 'unassessed')).toBe(true);
      expect((await ranking('admin', '?preview=1&published=1')).basis).toBe('published');

      for (const who of ['reviewer', 'reviewer2', 'inspector', 'inspector2', 'village', 'viewer', 'village2'] as const) {
        const r = await ranking(who, '?published=0');
        expect(r.basis).toBe('published');
        expect(r.county.map((v) => v.village).sort()).toEqual([t1[0], t2[0]].sort());
        expect(r.county.map((v) => v.countyRank)).toEqual([1, 2]);
        expectError(await as[who].get(url('/ranking?preview=1')), 403, 'forbidden');
        // Every village without a published result is listed; whether it was inspected yet (未考核)
        // is told only to whoever lists its row: a reviewer their township's, an inspector their
        // team's; to the others all of them are 未发布.
        expect(r.unranked.map((u) => u.village)).toEqual(admin.unranked.map((u) => u.village));
        const told = r.unranked.filter((u) => u.state === 'unassessed').map((u) => u.village);
        if (who === 'reviewer2') expect(told).toEqual(admin.unranked.filter((u) => u.state === 'unassessed' && t2.includes(u.village)).map((u) => u.village));
        else if (who === 'inspector2') expect(told).toEqual(t2.slice(1, 4));
        else if (who === 'village' || who === 'viewer' || who === 'village2') expect(told).toEqual([]);
        expect(told.every((v) => admin.unranked.find((u) => u.village === v)!.state === 'unassessed')).toBe(true);
      }
      const t2Only = await ranking('admin', `?township=${T2}&preview=1`);
      expect(t2Only.county.every((v) => t2.includes(v.village))).toBe(true);
      expect(t2Only.unranked.every((u) => t2.includes(u.village))).toBe(true);
      expect(t2Only.county.length + t2Only.unranked.length).toBe(10);
      expect(t2Only.townships.map((t) => t.township)).toEqual([T2]);
      // County ranks are kept under a township filter.
      expect(t2Only.county.find((v) => v.village === t2[0])!.countyRank).toBe(preview.county.find((v) => v.village === t2[0])!.countyRank);

      expectError(await as.admin.get(url('/ranking?published=maybe')), 400, 'validation', /^query\.published:/);
      expectError(await as.admin.get(url('/ranking?township=abc')), 400, 'validation', /^query\.township:/);
      expectError(await as.viewer.get('/api/campaigns/99999/ranking'), 404, 'not-found');
    });

    it('gives the overview: progress, distribution in bins of 10 points, section averages by township, top and bottom 5', async () => {
      type Overview = {
        basis: string;
        unranked: { unassessed: number; unpublished: number };
        progress: Record<string, number>;
        distribution: Array<{ from: number; to: number; count: number }>;
        sections: Array<{ code: string; title: { zh: string }; max: number | null }>;
        county: { count: number; averageTotal: number };
        townships: Array<{ township: string; name: string; count: number; averages: Record<string, number> }>;
        top: Array<{ village: string; total: number; countyRank: number }>;
        bottom: Array<{ village: string; total: number; countyRank: number }>;
      };
      const overview = async (who: Who, query = '') => {
        const res = await as[who].get(url(`/overview${query}`));
        expect(res.statusCode, res.body).toBe(200);
        return json<Overview>(res);
      };
      const admin = await overview('admin');
      expect(admin.progress).toEqual({ total: 30, draft: 26, submitted: 1, reviewed: 1, published: 2 });
      // 0 to 210: the seed scheme's 200 points and 10 of bonus.
      expect(admin.distribution).toHaveLength(21);
      expect(admin.distribution[0]).toEqual({ from: 0, to: 10, count: 0 });
      // Issue 17: the figures are the published results' (no longer 30 villages at an average near 200).
      expect(admin.basis).toBe('published');
      expect(admin.unranked).toEqual({ unassessed: 26, unpublished: 2 });
      expect(admin.county.count).toBe(2);
      expect(admin.distribution.reduce((n, b) => n + b.count, 0)).toBe(2);
      expect(admin.sections.map((s) => s.code)).toEqual(['1', '2', '3', '4']);
      expect(admin.sections[0]).toMatchObject({ title: { zh: '组织领导' }, max: 20 });
      expect(admin.townships.map((t) => [t.township, t.count])).toEqual([
        [T1, 1],
        [T2, 1],
      ]);
      expect(admin.bottom[0]).toMatchObject({ village: t1[0], countyRank: 2 });
      // The office's preview counts the submitted and reviewed results too.
      const preview = await overview('admin', '?preview=1');
      expect(preview.basis).toBe('preview');
      expect(preview.unranked).toEqual({ unassessed: 26, unpublished: 0 });
      expect(preview.county.count).toBe(4);
      expect(preview.distribution).toHaveLength(21);
      expect(preview.distribution.reduce((n, b) => n + b.count, 0)).toBe(4);
      expect(preview.bottom[0]).toMatchObject({ village: t1[0], countyRank: 4 });
      expectError(await as.viewer.get(url('/overview?preview=1')), 403, 'forbidden');

      const viewer = await overview('viewer');
      expect(viewer.basis).toBe('published');
      expect(viewer.progress).toEqual({ total: 2, draft: 0, submitted: 0, reviewed: 0, published: 2 });
      expect(viewer.county.count).toBe(2);
      expect(viewer.top.map((v) => v.village)).toEqual([t2[0], t1[0]]);
      expect(viewer.bottom.map((v) => v.village)).toEqual([t1[0], t2[0]]);
      expect(viewer.townships.map((t) => t.township)).toEqual([T1, T2]);
      for (const who of ['reviewer', 'inspector', 'inspector2', 'village', 'village2', 'reviewer2'] as const) expect((await overview(who)).county.count).toBe(2);
      // A resident is not told how many villages are still to be inspected: 28 without a published result.
      expect(viewer.unranked).toEqual({ unassessed: 0, unpublished: 28 });
      expect((await overview('village')).unranked).toEqual({ unassessed: 0, unpublished: 28 });
      expectError(await as.admin.get('/api/campaigns/0/overview'), 400, 'validation', /^params\.id:/);
    });

    it('publishes every reviewed assessment with a snapshot, for the office only', async () => {
      for (const who of NOT_ADMIN) expectError(await as[who].post(url('/publish')), 403, 'forbidden');
      const before = json<{ snapshots: unknown[] }>(await as.admin.get(url('/snapshots'))).snapshots.length;
      const res = await as.admin.post(url('/publish'));
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toMatchObject({ published: 1, snapshotId: expect.any(Number) });
      const snapshots = async (who: Who) => {
        const r = await as[who].get(url('/snapshots'));
        expect(r.statusCode, r.body).toBe(200);
        return json<{ snapshots: Array<{ id: number; reason: string; createdBy: string; data: { county: Array<{ village: string; total: number }> } }> }>(r).snapshots;
      };
      const list = await snapshots('admin');
      expect(list).toHaveLength(before + 1);
      const last = list.at(-1)!;
      expect(last).toMatchObject({ reason: 'publish', createdBy: 'admin' });
      // Snapshots hold published results only, in points.
      expect(last.data.county.map((v) => v.village).sort()).toEqual([t1[0], t1[1], t2[0]].sort());
      expect(last.data.county.every((v) => v.total > 190 && v.total <= 200)).toBe(true);
      for (const who of NOT_ADMIN) expect((await snapshots(who)).length).toBe(before + 1);
      expectError(await as.admin.get('/api/campaigns/99999/snapshots'), 404, 'not-found');
      expectError(await as.admin.post('/api/campaigns/99999/publish'), 404, 'not-found');
      expectError(await as.admin.post('/api/campaigns/x/publish'), 400, 'validation', /^params\.id:/);
    });

    it('previews and applies a rescore with a corrected scheme version, for the office only', async () => {
      const v2 = await service.schemes.storeSchemeVersion(SYSTEM, seedV2Text(), null, 'seed-2020-v2.yaml');
      for (const who of NOT_ADMIN) {
        expectError(await as[who].post(url('/rescore/preview'), { schemeVersionId: v2.id }), 403, 'forbidden');
        expectError(await as[who].post(url('/rescore'), { schemeVersionId: v2.id }), 403, 'forbidden');
      }
      expectError(await as.admin.post(url('/rescore/preview'), { schemeVersionId: 'two' }), 400, 'validation', /^body\.schemeVersionId:/);
      expectError(await as.admin.post(url('/rescore'), {}), 400, 'validation', /^body\.schemeVersionId:/);
      expectError(await as.admin.post(url('/rescore/preview'), { schemeVersionId: 99999 }), 404, 'not-found');

      const preview = await as.admin.post(url('/rescore/preview'), { schemeVersionId: v2.id });
      expect(preview.statusCode, preview.body).toBe(200);
      const p = json<{ from: string; to: string; errors: number; rows: Array<{ village: string; oldTotal: number; newTotal: number; oldRank: number; newRank: number }> }>(preview);
      expect(p).toMatchObject({ from: 'seed-2020 v1', to: 'seed-2020 v2', errors: 0 });
      const a = p.rows.find((r) => r.village === t1[0])!;
      // 3.2.1 ×3: one point each under v1, two under v2.
      expect(a.oldTotal - a.newTotal).toBe(3);
      const b = p.rows.find((r) => r.village === t1[1])!;
      expect(b.oldTotal - b.newTotal).toBe(1);
      // Nothing changed yet.
      const before = json<{ assessments: Row[] }>(await as.admin.get(url('/assessments'))).assessments.find((r) => r.village === t1[0])!;
      expect(before.total).toBe(a.oldTotal);

      const sectionsOfA = async () =>
        json<{ county: Array<{ village: string; sections: Record<string, number> }> }>(await as.admin.get(url('/ranking'))).county.find((v) => v.village === t1[0])!.sections;
      const sectionsBefore = await sectionsOfA();
      const applied = await as.admin.post(url('/rescore'), { schemeVersionId: v2.id });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(json(applied)).toEqual({ changed: 2 });
      const after = json<{ assessments: Row[] }>(await as.admin.get(url('/assessments'))).assessments.find((r) => r.village === t1[0])!;
      expect(after.total).toBe(a.newTotal);
      expect(json<{ scheme: { versionId: number } }>(await as.admin.get(url())).scheme.versionId).toBe(v2.id);
      // The ranking's section scores follow (never a stale copy).
      expect((await sectionsOfA())['3']).toBe(sectionsBefore['3']! - 3);
    });
  });

  describe('creating a campaign', () => {
    it('creates a campaign with draft assessments for the villages named (office only)', async () => {
      for (const who of NOT_ADMIN) expectError(await as[who].post('/api/campaigns', { name: '2021年度考核', year: 2021, schemeVersionId }), 403, 'forbidden');
      const res = await as.admin.post('/api/campaigns', { name: '2021年度考核', year: 2021, schemeVersionId, villages: t1.slice(0, 3), appealDays: 5 });
      expect(res.statusCode, res.body).toBe(201);
      const body = json<{ id: number; campaign: { name: string; year: number; appealDays: number; scope: { villages: number }; progress: Record<string, number> } }>(res);
      expect(body.campaign).toMatchObject({ name: '2021年度考核', year: 2021, appealDays: 5, scope: { villages: 3 }, progress: { total: 3, draft: 3 } });
      const list = json<{ campaigns: Array<{ id: number; year: number }> }>(await as.viewer.get('/api/campaigns')).campaigns;
      expect(list.map((c) => c.year)).toEqual([2021, 2020]);
      // The 2021 ranking shows the change since 2020's published results.
      await advance(await service.assessments.assessmentId(body.id, t1[0]!), 'published', []);
      const r = json<{ county: Array<{ village: string; change: { totalDelta: number | null; rankDelta: number | null } }> }>(
        await as.viewer.get(`/api/campaigns/${body.id}/ranking`),
      );
      expect(r.county).toHaveLength(1);
      expect(r.county[0]!.change.totalDelta).toBeGreaterThan(0);
    });

    it('validates a new campaign, naming the field', async () => {
      expectError(await as.admin.post('/api/campaigns', { year: 2022, schemeVersionId }), 400, 'validation', /^body\.name:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 'x', schemeVersionId }), 400, 'validation', /^body\.year:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 1999, schemeVersionId }), 400, 'validation', /^body\.year:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022 }), 400, 'validation', /^body\.schemeVersionId:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022, schemeVersionId, villages: ['x'] }), 400, 'validation', /^body\.villages\.0:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022, schemeVersionId, appealDays: -1 }), 400, 'validation', /^body\.appealDays:/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022, schemeVersionId, from: '2022-13-01' }), 400, 'validation', /^body\.from:/);
      expectError(
        await as.admin.post('/api/campaigns', { name: '2021年度考核', year: 2022, schemeVersionId }),
        400,
        'validation',
        /^name: a campaign "2021年度考核" exists already/,
      );
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022, schemeVersionId, villages: ['522425999999'] }), 400, 'validation', /^villages: not villages/);
      expectError(await as.admin.post('/api/campaigns', { name: '2022', year: 2022, schemeVersionId: 99999 }), 404, 'not-found');
    });
  });

  describe('the audit log', () => {
    it('lists entries and verifies the chain, for the office only', async () => {
      const res = await as.admin.get('/api/audit?limit=5');
      expect(res.statusCode, res.body).toBe(200);
      const entries = json<{ entries: Array<{ id: number; actor: string; action: string; entity: string; entityId: string; after: unknown }> }>(res).entries;
      expect(entries).toHaveLength(5);
      expect(entries[0]!.id).toBeGreaterThan(entries[1]!.id);
      const teams = json<{ entries: Array<{ action: string; actor: string; after: { name: string } }> }>(await as.admin.get('/api/audit?entity=inspection_team')).entries;
      expect(teams.some((e) => e.action === 'campaign.team' && e.actor === 'admin' && e.after.name === '第二考核组')).toBe(true);
      const one = json<{ entries: Array<{ entity: string; entityId: string }> }>(await as.admin.get(`/api/audit?entity=campaign&entityId=${campaignId}`)).entries;
      expect(one.length).toBeGreaterThan(0);
      expect(one.every((e) => e.entity === 'campaign' && e.entityId === String(campaignId))).toBe(true);
      const verify = await as.admin.get('/api/audit/verify');
      expect(verify.statusCode).toBe(200);
      expect(json(verify)).toMatchObject({ ok: true, entries: expect.any(Number) });
      expectError(await as.admin.get('/api/audit?limit=0'), 400, 'validation', /^query\.limit:/);
      expectError(await as.admin.get('/api/audit?limit=many'), 400, 'validation', /^query\.limit:/);
      for (const who of NOT_ADMIN) {
        expectError(await as[who].get('/api/audit'), 403, 'forbidden');
        expectError(await as[who].get('/api/audit/verify'), 403, 'forbidden');
      }
    });
  });

  describe('sessions and CSRF on every route', () => {
    const routes = (): Array<{ method: 'GET' | 'POST'; url: string; body?: unknown }> => [
      { method: 'GET', url: '/api/campaigns' },
      { method: 'POST', url: '/api/campaigns', body: { name: 'z', year: 2022, schemeVersionId } },
      { method: 'GET', url: url() },
      { method: 'POST', url: url('/teams'), body: { name: 'z', members: [] } },
      { method: 'POST', url: url('/assign'), body: { team: '第一考核组', villages: [t1[0]] } },
      { method: 'GET', url: url('/assessments') },
      { method: 'GET', url: url('/ranking') },
      { method: 'GET', url: url('/snapshots') },
      { method: 'POST', url: url('/publish') },
      { method: 'POST', url: url('/rescore/preview'), body: { schemeVersionId } },
      { method: 'POST', url: url('/rescore'), body: { schemeVersionId } },
      { method: 'GET', url: url('/overview') },
      { method: 'GET', url: '/api/audit' },
      { method: 'GET', url: '/api/audit/verify' },
    ];

    it('answers 401 without a session', async () => {
      for (const r of routes()) {
        const res = await server.app.inject({ method: r.method, url: r.url, ...(r.body ? { payload: r.body as object } : {}) });
        expectError(res, 401, 'unauthenticated');
      }
    });

    it('answers 403 to a change with a wrong or missing CSRF token, and changes nothing', async () => {
      const entries = json<{ entries: unknown[] }>(await as.admin.get('/api/audit?limit=1000')).entries.length;
      for (const r of routes().filter((x) => x.method === 'POST')) {
        expectError(await as.admin.request('POST', r.url, r.body ?? {}, { 'x-csrf-token': 'wrong' }), 403, 'csrf');
        const res = await server.app.inject({ method: 'POST', url: r.url, headers: { cookie: as.admin.headers.cookie! }, payload: (r.body ?? {}) as object });
        expectError(res, 403, 'csrf');
      }
      expect(json<{ entries: unknown[] }>(await as.admin.get('/api/audit?limit=1000')).entries.length).toBe(entries);
    });

    it('describes every route in the OpenAPI document', async () => {
      const doc = json<{ paths: Record<string, Record<string, { security?: unknown }>> }>(await server.app.inject({ method: 'GET', url: '/api/docs' }));
      for (const r of routes()) {
        const path = r.url.replace(`/campaigns/${campaignId}`, '/campaigns/{id}');
        expect(doc.paths[path]?.[r.method.toLowerCase()], path).toBeDefined();
        expect(doc.paths[path]![r.method.toLowerCase()]!.security).toEqual([{ session: [] }]);
      }
    });
  });

  it('never shows a full ID number to anyone but the office (checked on every answer above)', async () => {
    // Every non-admin client's answers were checked as they came; this one lists them all once more.
    for (const who of NOT_ADMIN) {
      for (const path of ['/api/campaigns', url(), url('/assessments'), url('/ranking'), url('/snapshots'), url('/overview')]) {
        const res = await as[who].get(path);
        expect(res.statusCode).toBe(200);
        expectNoIdNumber(res);
      }
    }
  });
});
