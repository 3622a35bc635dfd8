/**
 * The list of a campaign's appeals (GET /api/campaigns/:id/appeals) on every database: what it
 * gives (village, township, item and its title, reason, decision, dates, evidence count, the
 * item's count as it stands), its filters, validation, and every role — another township's,
 * team's or village's appeals never listed.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';
import type { Actor } from '../../services/policies.ts';
import { compose } from '../../compose.ts';

const HOOK = 120_000;
/** A resident ID number typed into an appeal's reason (valid check digit). */
const RESIDENT_ID = '522425196805120051';

type Who = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer' | 'reviewer2' | 'inspector2' | 'village2';
const EVERYONE: Who[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer', 'reviewer2', 'inspector2', 'village2'];

interface Listed {
  id: number;
  assessmentId: number;
  village: string;
  villageName: string;
  township: string;
  townshipName: string;
  item: string;
  itemTitle: string;
  reason: string;
  status: string;
  decisionReason: string | null;
  adjustedCount: number | null;
  currentCount: number;
  total: number;
  evidenceCount: number;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = json<{ error: { code: string; message: string } }>(res);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

/** A one-pixel PNG's first bytes are enough for the evidence check; the rest is a stub. */
function pngFile(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="材料.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(storeTargets())('appeals list ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, Client>;
  let campaignId: number;
  let t1: string[];
  let t2: string[];
  let township1: string;
  let township2: string;
  /** Appeals: on A (village's, T1, team 1), B (village2's, T1, team 1; rejected), C (T2, team 2). */
  const appeal = {} as Record<'A' | 'B' | 'C', number>;

  const list = async (who: Who, query = '') => {
    const res = await as[who].get(`/api/campaigns/${campaignId}/appeals${query}`);
    expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
    return json<{ appeals: Listed[] }>(res).appeals;
  };

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    township1 = townships[0]!.code;
    township2 = townships[1]!.code;
    t1 = (await db.selectFrom('areas').select('code').where('parent_code', '=', township1).orderBy('code').execute()).map((v) => v.code);
    t2 = (await db.selectFrom('areas').select('code').where('parent_code', '=', township2).orderBy('code').execute()).map((v) => v.code);
    const users = server.app.services.users;
    const password = 'a-good-password';
    await users.create({ user: 'admin', role: 'admin' }, { username: 'reviewer2', role: 'reviewer', township: township2, password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'village2', role: 'village', village: t1[1]!, password });
    const passwords: Record<string, string> = { reviewer2: password, inspector2: password, village2: password };
    for (const c of first.credentials) passwords[c.username] = c.password;
    for (const who of EVERYONE) as[who] = await signIn(server.app, who, passwords[who]!);

    // Three villages assessed and published: a finding of 3.2.1 ×2 on each.
    const service = compose({ store: server.store }).campaigns;
    const admin: Actor = { user: 'admin', role: 'admin' };
    campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    await service.setup.setTeam(admin, campaignId, '第二考核组', ['inspector2']);
    await service.setup.assignVillages(admin, campaignId, '第二考核组', t2.slice(0, 3));
    const version = async (id: number) => (await db.selectFrom('assessments').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
    const ids = {
      A: await service.assessments.assessmentId(campaignId, t1[0]!),
      B: await service.assessments.assessmentId(campaignId, t1[1]!),
      C: await service.assessments.assessmentId(campaignId, t2[0]!),
    };
    for (const id of Object.values(ids)) {
      await service.findings.addFinding(admin, id, await version(id), { item: '3.2.1', count: 2 });
      for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(admin, id, await version(id), step);
    }
    const opened = await as.village.post(`/api/assessments/${ids.A}/appeals`, { item: '3.2.1', reason: `已按时报送，经办人 ${RESIDENT_ID}` });
    expect(opened.statusCode, opened.body).toBe(201);
    appeal.A = json<{ id: number }>(opened).id;
    const m = pngFile();
    expect((await as.village.request('POST', `/api/appeals/${appeal.A}/evidence`, m.payload, m.headers)).statusCode).toBe(201);
    appeal.B = json<{ id: number }>(await as.village2.post(`/api/assessments/${ids.B}/appeals`, { item: '3.2.1', reason: '只迟报一次' })).id;
    expect((await as.admin.post(`/api/appeals/${appeal.B}/decide`, { outcome: 'rejected', reason: '有报送记录为证' })).statusCode).toBe(200);
    appeal.C = json<{ id: number }>(await as.admin.post(`/api/assessments/${ids.C}/appeals`, { item: '3.2.1', reason: '代村申诉' })).id;
  }, HOOK);
  afterAll(() => server?.close());

  it('lists every appeal for the office, open first, with village, item, decision, dates, evidence and the count as it stands', async () => {
    const all = await list('admin');
    expect(all.map((a) => a.id)).toEqual([appeal.A, appeal.C, appeal.B]);
    const a = all[0]!;
    expect(a).toMatchObject({
      village: t1[0],
      township: township1,
      townshipName: '龙场镇',
      item: '3.2.1',
      status: 'open',
      reason: `已按时报送，经办人 ${RESIDENT_ID}`,
      decisionReason: null,
      adjustedCount: null,
      currentCount: 2,
      total: 198,
      evidenceCount: 1,
      createdBy: 'village',
      decidedAt: null,
      decidedBy: null,
    });
    expect(a.itemTitle).toMatch(/[\u4e00-\u9fff]/);
    expect(a.villageName).toBeTruthy();
    expect(Date.parse(a.createdAt)).not.toBeNaN();
    const b = all.find((x) => x.id === appeal.B)!;
    expect(b).toMatchObject({ status: 'rejected', decisionReason: '有报送记录为证', decidedBy: 'admin', evidenceCount: 0, currentCount: 2, createdBy: 'village2' });
    expect(Date.parse(b.decidedAt!)).not.toBeNaN();
    const en = await list('admin', '?lang=en');
    expect(en[0]!.itemTitle).not.toBe(a.itemTitle);
    expect(en[0]!.itemTitle).toMatch(/^[\x20-\x7e]+$/);
  });

  it('filters by status and township', async () => {
    expect((await list('admin', '?status=open')).map((a) => a.id)).toEqual([appeal.A, appeal.C]);
    expect((await list('admin', '?status=decided')).map((a) => a.id)).toEqual([appeal.B]);
    expect((await list('admin', '?status=rejected')).map((a) => a.id)).toEqual([appeal.B]);
    expect(await list('admin', '?status=upheld')).toEqual([]);
    expect((await list('admin', `?township=${township2}`)).map((a) => a.id)).toEqual([appeal.C]);
    expect((await list('admin', `?township=${township1}&status=open`)).map((a) => a.id)).toEqual([appeal.A]);
    // A reviewer's filter on another township finds nothing of it.
    expect(await list('reviewer', `?township=${township2}`)).toEqual([]);
  });

  it('gives each role only the appeals it may see; viewers are refused', async () => {
    const seen: Record<Exclude<Who, 'viewer'>, Array<'A' | 'B' | 'C'>> = {
      admin: ['A', 'C', 'B'],
      reviewer: ['A', 'B'],
      reviewer2: ['C'],
      inspector: ['A', 'B'],
      inspector2: ['C'],
      village: ['A'],
      village2: ['B'],
    };
    for (const [who, expected] of Object.entries(seen) as Array<[Exclude<Who, 'viewer'>, Array<'A' | 'B' | 'C'>]>) {
      expect(
        (await list(who)).map((a) => a.id),
        who,
      ).toEqual(expected.map((k) => appeal[k]));
    }
    expectError(await as.viewer.get(`/api/campaigns/${campaignId}/appeals`), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'GET', url: `/api/campaigns/${campaignId}/appeals` }), 401, 'unauthenticated');
  });

  it('masks ID numbers for everyone but the office', async () => {
    expect((await as.admin.get(`/api/campaigns/${campaignId}/appeals`)).body).toContain(RESIDENT_ID);
    for (const who of ['reviewer', 'inspector', 'village'] as const) {
      const body = (await as[who].get(`/api/campaigns/${campaignId}/appeals`)).body;
      expect(body).not.toContain(RESIDENT_ID);
      expect(body).toContain('522425********0051');
    }
  });

  it('refuses bad parameters naming the field, and an unknown campaign', async () => {
    expectError(await as.admin.get(`/api/campaigns/${campaignId}/appeals?status=pending`), 400, 'validation', /^query\.status:/);
    expectError(await as.admin.get(`/api/campaigns/${campaignId}/appeals?township=12`), 400, 'validation', /^query\.township:/);
    expectError(await as.admin.get(`/api/campaigns/${campaignId}/appeals?lang=fr`), 400, 'validation', /^query\.lang:/);
    expectError(await as.admin.get('/api/campaigns/x/appeals'), 400, 'validation', /^params\.id:/);
    expectError(await as.admin.get('/api/campaigns/99999/appeals'), 404, 'not-found');
    expectError(await as.village.get('/api/campaigns/99999/appeals'), 404, 'not-found');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = json<{ paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> }>(await server.app.inject({ method: 'GET', url: '/api/docs' }));
    const op = doc.paths['/api/campaigns/{id}/appeals']?.get;
    expect(op).toBeDefined();
    expect(op!.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:after', 'query:lang', 'query:limit', 'query:q', 'query:status', 'query:township']);
  });
});
