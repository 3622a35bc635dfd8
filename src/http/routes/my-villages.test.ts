/**
 * The inspector's day over HTTP on every database: GET /api/campaigns/:id/my-villages (the
 * office and inspectors; an inspector of another team sees none of this team's villages) and
 * POST /api/assessments/:id/checks (marks on a draft by its team or the office: 403 for other
 * roles, not-found for another team, 400 naming the field, 409 on a stale version), the view's
 * checks and progress, and the submit's audit entry with what was left.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { AssessmentDetail, MyVillagesAnswer } from '../../contract/index.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';
import type { CampaignServices } from '../../services/campaign/index.ts';
import { worklistTuning } from '../../services/campaign/worklist.service.ts';
import type { Actor } from '../../services/policies.ts';
import { compose } from '../../compose.ts';

const HOOK = 120_000;
const SYSTEM: Actor = { user: 'system', role: 'admin' };
const PASSWORD = 'Second-team-2020';

type Who = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer' | 'inspector2';

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

describe.each(storeTargets())('my villages and checked items over HTTP ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, Client>;
  let service: CampaignServices;
  let campaignId: number;
  let t1: string[];
  let t2: string[];
  /** A draft of the demo inspector's team (township 1), and its assessment id. */
  let draft: string;
  let draftId: number;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    t1 = (await db.selectFrom('areas').select('code').where('parent_code', '=', townships[0]!.code).orderBy('code').execute()).map((v) => v.code);
    t2 = (await db.selectFrom('areas').select('code').where('parent_code', '=', townships[1]!.code).orderBy('code').execute()).map((v) => v.code);
    await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password: PASSWORD });
    const passwords: Record<string, string> = { inspector2: PASSWORD };
    for (const c of first.credentials) passwords[c.username] = c.password;
    for (const who of ['admin', 'reviewer', 'inspector', 'village', 'viewer', 'inspector2'] as Who[]) as[who] = await signIn(server.app, who, passwords[who]!);

    service = compose({ store: server.store }).campaigns;
    campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    // A second team, inspector2's, on the second township's villages.
    await service.setup.setTeam(SYSTEM, campaignId, '第二考核组', ['inspector2']);
    await service.setup.assignVillages(SYSTEM, campaignId, '第二考核组', t2);
    const row = await db
      .selectFrom('assessments')
      .select(['id', 'village_code'])
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'draft')
      .where('village_code', 'in', t1)
      .orderBy('village_code', 'desc')
      .executeTakeFirstOrThrow();
    draft = row.village_code;
    draftId = row.id;
  }, HOOK);
  afterAll(() => server?.close());

  const url = () => `/api/campaigns/${campaignId}/my-villages`;
  const view = async (who: Who = 'inspector') => (await as[who].get(`/api/assessments/${draftId}`)).json<AssessmentDetail>();

  it("lists the inspector's team's villages, ordered by what to do next, with the figures over them", async () => {
    const res = await as.inspector.get(url());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<MyVillagesAnswer>();
    expect(body.campaign).toMatchObject({ id: campaignId, name: DEMO_CAMPAIGN });
    expect(body.villages.map((v) => v.village).sort()).toEqual([...t1].sort());
    // Drafts first, published last.
    const rank = { draft: 1, submitted: 2, reviewed: 3, published: 4 } as const;
    const ranks = body.villages.map((v) => (v.sentBack ? 0 : rank[v.status]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(body.figures.villages).toBe(t1.length);
    expect(body.figures.draft + body.figures.submitted + body.figures.reviewed + body.figures.published).toBe(t1.length);
    expect(body.figures.items!.total).toBe(body.villages.reduce((n, v) => n + v.items.total, 0));
    const d = body.villages.find((v) => v.village === draft)!;
    expect(d).toMatchObject({ id: draftId, status: 'draft', sentBack: false, comment: null });
    expect(d.items.left.length).toBe(d.items.total - d.items.done);
  });

  it("takes one township's villages (?township=), names the townships, and answers a list longer than the server lists village by village with its counts alone", async () => {
    const all = (await as.admin.get(url())).json<MyVillagesAnswer>();
    expect(all.tooMany).toBe(false);
    expect(all.max).toBe(worklistTuning.max);
    // Every township of the office's list, by code, with its villages.
    const byTownship = new Map<string, number>();
    for (const v of all.villages) byTownship.set(v.township!, (byTownship.get(v.township!) ?? 0) + 1);
    expect(all.townships.map((t) => [t.code, t.villages])).toEqual([...byTownship].sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(all.townships.every((t) => t.name && t.name !== t.code)).toBe(true);
    // One township: its villages in the same order, the figures over them, the townships still all named.
    const first = all.townships[0]!.code;
    const one = (await as.admin.get(`${url()}?township=${first}`)).json<MyVillagesAnswer>();
    expect(one.villages.map((v) => v.village)).toEqual(all.villages.filter((v) => v.township === first).map((v) => v.village));
    expect(one.figures.villages).toBe(byTownship.get(first));
    expect(one.figures.items!.done).toBe(one.villages.reduce((n, v) => n + v.items.done, 0));
    expect(one.townships).toEqual(all.townships);
    // The inspector's list narrowed to a township not theirs: empty; a code that is not one: 400 naming it.
    expect((await as.inspector.get(`${url()}?township=${t2[0]!.slice(0, 9)}000`)).json<MyVillagesAnswer>().villages).toEqual([]);
    expectError(await as.admin.get(`${url()}?township=abc`), 400, 'validation', /township/);
    // More villages than the server lists one by one: no villages, the counts from the list, the rest left out.
    const was = worklistTuning.max;
    worklistTuning.max = all.villages.length - 1;
    try {
      const many = (await as.admin.get(url())).json<MyVillagesAnswer>();
      expect(many).toMatchObject({ tooMany: true, max: all.villages.length - 1, villages: [], townships: all.townships });
      const { items, openSuggestions, ...counts } = all.figures;
      expect(many.figures).toEqual({ ...counts, items: null, openSuggestions: null });
      expect([items, openSuggestions].every((x) => x !== null)).toBe(true);
      // A township of it is listed village by village as before.
      expect((await as.admin.get(`${url()}?township=${first}`)).json<MyVillagesAnswer>()).toEqual({ ...one, max: all.villages.length - 1 });
    } finally {
      worklistTuning.max = was;
    }
  });

  it("an inspector of another team sees none of this team's villages; the office sees every one", async () => {
    const theirs = (await as.inspector2.get(url())).json<MyVillagesAnswer>();
    expect(theirs.villages.map((v) => v.village).sort()).toEqual([...t2].sort());
    expect(theirs.villages.some((v) => t1.includes(v.village))).toBe(false);
    const all = (await as.admin.get(url())).json<MyVillagesAnswer>();
    expect(all.villages.length).toBeGreaterThanOrEqual(t1.length + t2.length);
  });

  it('is refused to other roles (403), without a session (401), for a missing campaign (404), a bad id (400)', async () => {
    for (const who of ['reviewer', 'village', 'viewer'] as Who[]) expectError(await as[who].get(url()), 403, 'forbidden');
    expect((await server.app.inject({ method: 'GET', url: url() })).statusCode).toBe(401);
    expectError(await as.inspector.get('/api/campaigns/999999/my-villages'), 404, 'not-found');
    expectError(await as.inspector.get('/api/campaigns/x/my-villages'), 400, 'validation', /id/);
  });

  it('marks an item checked and takes the mark back; the view gives the checks and the progress', async () => {
    const before = await view();
    expect(before.progress).not.toBeNull();
    const item = before.progress!.left[0]!;
    const res = await as.inspector.post(`/api/assessments/${draftId}/checks`, { version: before.version, item, checked: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ assessment: { version: number } }>().assessment.version).toBe(before.version + 1);
    const after = await view();
    expect(after.checks.map((c) => [c.item, c.checkedBy])).toEqual([[item, 'inspector']]);
    expect(after.progress!.done).toBe(before.progress!.done + 1);
    expect(after.progress!.left).not.toContain(item);
    // The list shows it too.
    const listed = (await as.inspector.get(url())).json<MyVillagesAnswer>().villages.find((v) => v.village === draft)!;
    expect(listed.items.done).toBe(after.progress!.done);
    // Taken back.
    const back = await as.inspector.post(`/api/assessments/${draftId}/checks`, { version: after.version, item, checked: false });
    expect(back.statusCode, back.body).toBe(200);
    expect((await view()).checks).toEqual([]);
    // Villages and viewers get no marks and no progress (working material).
    const published = { id: await service.assessments.assessmentId(campaignId, t2[0]!) };
    for (const step of ['submit', 'review', 'publish'] as const) {
      await service.workflow.transition(SYSTEM, published.id, (await service.assessments.assessmentState(SYSTEM, published.id)).version, step);
    }
    const asViewer = (await as.viewer.get(`/api/assessments/${published.id}`)).json<AssessmentDetail>();
    expect(asViewer.checks).toEqual([]);
    expect(asViewer.progress).toBeNull();
  });

  it('refuses a mark: other roles 403, another team 404, bad input 400 naming the field, a stale version 409', async () => {
    const v = (await view()).version;
    const item = (await view()).progress!.left[0]!;
    const path = `/api/assessments/${draftId}/checks`;
    for (const who of ['reviewer', 'village', 'viewer'] as Who[]) expectError(await as[who].post(path, { version: v, item, checked: true }), 403, 'forbidden');
    expectError(await as.inspector2.post(path, { version: v, item, checked: true }), 404, 'not-found');
    expectError(await as.inspector.post(path, { version: v, item }), 400, 'validation', /checked/);
    expectError(await as.inspector.post(path, { version: v, item: '', checked: true }), 400, 'validation', /item/);
    expectError(await as.inspector.post(path, { version: v, item: '9.9.9', checked: true }), 400, 'validation', /^item: 9\.9\.9/);
    expectError(await as.inspector.post(path, { item, checked: true }), 400, 'validation', /version/);
    expectError(await as.inspector.post(path, { version: v - 1, item, checked: true }), 409, 'conflict');
    expect((await view()).version).toBe(v);
  });

  it('submits with items left (the server accepts it): the audit entry records how many', async () => {
    const before = await view();
    const res = await as.inspector.post(`/api/assessments/${draftId}/transition`, { version: before.version, step: 'submit' });
    expect(res.statusCode, res.body).toBe(200);
    const entry = await server.store.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'assessment.submit')
      .where('entity_id', '=', String(draftId))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.after!)).toMatchObject({ status: 'submitted', unchecked: before.progress!.left.length, openSuggestions: before.progress!.openSuggestions });
    // A submitted assessment takes no marks.
    const now = await view();
    expectError(await as.inspector.post(`/api/assessments/${draftId}/checks`, { version: now.version, item: before.progress!.left[0], checked: true }), 409, 'invalid-state');
  });
});
