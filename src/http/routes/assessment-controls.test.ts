/**
 * The inspector's controls over HTTP, on every database: suggestions decided in bulk
 * (POST /api/assessments/:id/suggestions/bulk), a finding's count of 0 refused naming the field,
 * and comments on one finding (POST /api/findings/:fid/comments) with who may write and who
 * reads them in GET /api/assessments/:id.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, setUpCampaign, T1, V1, V3 } from '../../../test/campaign-fixtures.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';

const HOOK = 120_000;
const PASSWORD = 'controls-Pa55word';

type Who = 'boss' | 'inspA' | 'inspB' | 'revA' | 'villA' | 'press';

interface View {
  version: number;
  findings: Array<{ id: number; item: string; status: string }>;
  suggestions: Array<{ id: number; status: string; count: number }>;
  comments: Array<{ id: number; findingId: number; author: string; text: string }>;
}

const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = json<{ error: { code: string; message: string; text: string } }>(res);
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

describe.each(storeTargets())('assessment controls over HTTP ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, Client>;
  let a1: number;
  let a3: number;

  const view = async (who: Who, id = a1) => {
    const res = await as[who].get(`/api/assessments/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<View>(res);
  };

  beforeAll(async () => {
    server = await startServer(target);
    await buildRegistry(server.store);
    const users = server.app.services.users;
    const admin = ACTORS.admin;
    await users.create(admin, { username: 'boss', role: 'admin', password: PASSWORD });
    await users.create(admin, { username: 'inspA', role: 'inspector', password: PASSWORD });
    await users.create(admin, { username: 'inspB', role: 'inspector', password: PASSWORD });
    await users.create(admin, { username: 'revA', role: 'reviewer', township: T1, password: PASSWORD });
    await users.create(admin, { username: 'villA', role: 'village', village: V1, password: PASSWORD });
    await users.create(admin, { username: 'press', role: 'viewer', password: PASSWORD });
    const service = compose({ store: server.store }).campaigns;
    const c = await setUpCampaign(service);
    await service.setup.setTeam(admin, c.campaignId, 'A', ['inspA']);
    await service.setup.setTeam(admin, c.campaignId, 'B', ['inspB']);
    a1 = c.assessments[V1]!;
    a3 = c.assessments[V3]!;
    for (const who of ['boss', 'inspA', 'inspB', 'revA', 'villA', 'press'] as Who[]) as[who] = await signIn(server.app, who, PASSWORD);
    expect((await as.inspA.post(`/api/assessments/${a1}/suggestions/derive`)).statusCode).toBe(200);
  }, HOOK);
  afterAll(() => server?.close());

  it('refuses a finding with a count of 0, naming the field', async () => {
    const { version } = await view('inspA');
    const res = await as.inspA.post(`/api/assessments/${a1}/findings`, { version, item: '1.1', count: 0 });
    expectError(res, 400, 'validation', /count/);
    expect((await view('inspA')).version).toBe(version);
  });

  it('accepts two suggestions at once: one version step, both findings made', async () => {
    const before = await view('inspA');
    const chosen = before.suggestions.filter((s) => s.status === 'open' && s.count > 0).slice(0, 2);
    const res = await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: before.version, action: 'accept', ids: chosen.map((s) => s.id) });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ findingIds: number[]; assessment: { version: number } }>(res);
    expect(body.findingIds).toHaveLength(2);
    expect(body.assessment.version).toBe(before.version + 1);
    const after = await view('inspA');
    expect(after.suggestions.filter((s) => chosen.some((c) => c.id === s.id)).map((s) => s.status)).toEqual(['accepted', 'accepted']);
  });

  it('refuses the whole bulk request with a note among them (409, naming it), a stale version, or no reason to dismiss', async () => {
    const v = await view('inspA');
    const note = v.suggestions.find((s) => s.status === 'open' && s.count === 0)!;
    const real = v.suggestions.find((s) => s.status === 'open' && s.count > 0)!;
    expectError(
      await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: v.version, action: 'accept', ids: [real.id, note.id] }),
      409,
      'invalid-state',
      new RegExp(`ids\\.1: suggestion ${note.id}`),
    );
    expectError(await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: v.version - 1, action: 'accept', ids: [real.id] }), 409, 'conflict');
    expectError(await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: v.version, action: 'dismiss', ids: [real.id] }), 400, 'validation', /reason/);
    expectError(await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: v.version, action: 'accept', ids: [] }), 400, 'validation', /ids/);
    expect((await view('inspA')).version).toBe(v.version);
    // Dismissed with one reason: notes too.
    const res = await as.inspA.post(`/api/assessments/${a1}/suggestions/bulk`, { version: v.version, action: 'dismiss', ids: [real.id, note.id], reason: '已核实' });
    expect(res.statusCode, res.body).toBe(200);
    expect(json<{ findingIds: number[] }>(res).findingIds).toEqual([]);
  });

  it('lets the reviewer and the office comment on a finding; the inspector reads it, the village and viewers do not', async () => {
    const f = (await view('inspA')).findings[0]!;
    const res = await as.revA.post(`/api/findings/${f.id}/comments`, { text: '请补充现场照片' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ comment: { findingId: f.id, author: 'revA', text: '请补充现场照片' } });
    expect((await as.boss.post(`/api/findings/${f.id}/comments`, { text: '同意' })).statusCode).toBe(201);
    expectError(await as.revA.post(`/api/findings/${f.id}/comments`, { text: '  ' }), 400, 'validation', /text/);
    expectError(await as.inspA.post(`/api/findings/${f.id}/comments`, { text: '我也说一句' }), 403, 'forbidden');
    expectError(await as.villA.post(`/api/findings/${f.id}/comments`, { text: 'x' }), 403, 'forbidden');
    expectError(await as.revA.post(`/api/findings/999999/comments`, { text: 'x' }), 404, 'not-found');
    expect((await view('inspA')).comments.map((c) => [c.findingId, c.author, c.text])).toEqual([
      [f.id, 'revA', '请补充现场照片'],
      [f.id, 'boss', '同意'],
    ]);
    expect((await view('revA')).comments).toHaveLength(2);
    // Another team's inspector does not read the assessment; published, the village and viewers read it without comments.
    expectError(await as.inspB.get(`/api/assessments/${a1}`), 404, 'not-found');
    expect((await view('inspB', a3)).comments).toEqual([]);
    for (const step of ['submit', 'review', 'publish']) {
      const { version } = await view('boss');
      expect((await as.boss.post(`/api/assessments/${a1}/transition`, { version, step })).statusCode).toBe(200);
    }
    expect((await view('villA')).comments).toEqual([]);
    expect((await view('press')).comments).toEqual([]);
    expect((await view('inspA')).comments).toHaveLength(2);
  });
});
