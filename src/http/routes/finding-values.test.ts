/**
 * Findings of issue 18's kinds over HTTP, on every database: POST /api/assessments/:id/findings
 * with a measured value, a range amount and a part in decimals, stored in hundredths and answered
 * in decimals by GET /api/assessments/:id; refusals in the reader's language naming the item and
 * the field, changing nothing.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, setUpCampaign, V1 } from '../../../test/campaign-fixtures.ts';
import { FINDING_KINDS_TEXT } from '../../../test/finding-kinds.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';

const HOOK = 120_000;
const PASSWORD = 'values-Pa55word';

interface View {
  version: number;
  findings: Array<{ id: number; item: string; status: string; value: unknown; amount: number | null; part: string | null; supersedesId: number | null }>;
  score: { total: number; nodes: Record<string, { score: number }> };
}

const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

describe.each(storeTargets())('findings of the new kinds over HTTP ($dialect)', (target) => {
  let server: TestServer;
  let insp: Client;
  let a1: number;

  const view = async () => {
    const res = await insp.get(`/api/assessments/${a1}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<View>(res);
  };
  const post = async (body: Record<string, unknown>, lang?: 'zh' | 'en') =>
    insp.request('POST', `/api/assessments/${a1}/findings`, { version: (await view()).version, ...body }, lang ? { 'accept-language': lang } : {});

  beforeAll(async () => {
    server = await startServer(target);
    await buildRegistry(server.store);
    const admin = ACTORS.admin;
    await server.app.services.users.create(admin, { username: 'inspA', role: 'inspector', password: PASSWORD });
    const service = compose({ store: server.store }).campaigns;
    const v = await service.schemes.storeSchemeVersion(admin, FINDING_KINDS_TEXT, null, 'finding-kinds.yaml');
    const c = await setUpCampaign(service, { schemeVersionId: v.id });
    await service.setup.setTeam(admin, c.campaignId, 'A', ['inspA']);
    a1 = c.assessments[V1]!;
    insp = await signIn(server.app, 'inspA', PASSWORD);
    await server.app.services.users.create(admin, { username: 'officeA', role: 'admin', password: PASSWORD });
    await server.app.services.users.create(admin, { username: 'villageA', role: 'village', village: V1, password: PASSWORD });
  }, HOOK);
  afterAll(() => server?.close());

  it('records a measured rate in decimals and answers it in decimals; a new value replaces it', async () => {
    const first = await post({ item: '1.1', value: { num: 93, of: 100 } });
    expect(first.statusCode, first.body).toBe(201);
    expect(json<{ assessment: { total: number } }>(first).assessment.total).toBe(96.5);
    const second = await post({ item: '1.1', value: { percent: 95.5 } });
    expect(second.statusCode, second.body).toBe(201);
    const v = await view();
    const f = v.findings.filter((x) => x.item === '1.1');
    expect(f.map((x) => [x.status, x.value, x.supersedesId])).toEqual([
      ['superseded', { num: 93, of: 100 }, null],
      ['active', { percent: 95.5 }, json<{ id: number }>(first).id],
    ]);
    expect(v.score.nodes['1.1']!.score).toBe(27.5);
    const stored = await server.store.db.selectFrom('findings').select(['value']).where('id', '=', json<{ id: number }>(second).id).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.value!)).toEqual({ percent: 9550 });
  });

  it('records a range amount with its reason and a part', async () => {
    const r = await post({ item: '2.2', count: 1, amount: 2.5, note: '档案缺帮扶台账' });
    expect(r.statusCode, r.body).toBe(201);
    const p = await post({ item: '2.1', count: 1, part: 'b' });
    expect(p.statusCode, p.body).toBe(201);
    const v = await view();
    expect(v.findings.find((x) => x.item === '2.2')).toMatchObject({ amount: 2.5, part: null, value: null });
    expect(v.findings.find((x) => x.item === '2.1')).toMatchObject({ part: 'b', amount: null });
    expect(v.score.total).toBe(100 - 2.5 - 2.5 - 1);
  });

  it("refuses in the reader's language, naming the item and the field, and changes nothing", async () => {
    const before = await view();
    const noReason = await post({ item: '2.2', count: 1, amount: 1.5 }, 'zh');
    expect(noReason.statusCode).toBe(400);
    const zh = json<{ error: { code: string; details: Array<{ field: string; text: string }> } }>(noReason).error;
    expect(zh.code).toBe('validation');
    expect(zh.details[0]!.field).toBe('note');
    expect(zh.details[0]!.text).toMatch(/2\.2.*理由/);
    const en = json<{ error: { details: Array<{ field: string; text: string }> } }>(await post({ item: '1.3', value: { level: 'z' } }, 'en')).error;
    expect(en.details[0]).toMatchObject({ field: 'value' });
    expect(en.details[0]!.text).toContain('1.3');
    // Not a number of hundredths: refused at the boundary, naming the field and the item.
    const cents = json<{ error: { details: Array<{ field: string; text: string }> } }>(await post({ item: '2.3', value: { amount: 1.234 } }, 'zh')).error;
    expect(cents.details[0]).toMatchObject({ field: 'value.amount' });
    expect(cents.details[0]!.text).toMatch(/2\.3.*两位小数/);
    const two = await post({ item: '1.1', value: { percent: 90, level: 'a' } }, 'zh');
    expect(two.statusCode).toBe(400);
    const after = await view();
    expect([after.version, after.findings.length, after.score.total]).toEqual([before.version, before.findings.length, before.score.total]);
  });

  it('decides an appeal on a measured item by the value the appeal established; without one refused in the reader’s language', async () => {
    const service = compose({ store: server.store }).campaigns;
    for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(ACTORS.admin, a1, (await view()).version, step);
    const office = await signIn(server.app, 'officeA', PASSWORD);
    const village = await signIn(server.app, 'villageA', PASSWORD);
    const opened = await village.post(`/api/assessments/${a1}/appeals`, { item: '1.1', reason: '抽查户中有户已核实为准确' });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = json<{ id: number }>(opened).id;
    const listed = json<{ appeals: Array<{ id: number; measured: boolean }> }>(
      await office.get(
        `/api/campaigns/${(await server.store.db.selectFrom('assessments').select('campaign_id').where('id', '=', a1).executeTakeFirstOrThrow()).campaign_id}/appeals`,
      ),
    );
    expect(listed.appeals.find((x) => x.id === id)).toMatchObject({ measured: true });
    const before = await view();
    const noValue = await office.request('POST', `/api/appeals/${id}/decide`, { outcome: 'upheld', reason: '核实' }, { 'accept-language': 'zh' });
    expect(noValue.statusCode).toBe(400);
    expect(json<{ error: { code: string; details?: Array<{ field: string }>; message: string } }>(noValue).error.code).toBe('validation');
    expect((await view()).score.total).toBe(before.score.total);
    const decided = await office.post(`/api/appeals/${id}/decide`, { outcome: 'adjusted', reason: '复核为98%', value: { percent: 98 } });
    expect(decided.statusCode, decided.body).toBe(200);
    const after = json<{ appeal: { status: string; adjustedCount: number | null }; assessment: { total: number } }>(decided);
    expect(after.appeal).toMatchObject({ status: 'adjusted', adjustedCount: null });
    // 27.5 at 95.5% → 29 at 98%.
    expect((await view()).score.nodes['1.1']!.score).toBe(29);
    expect(after.assessment.total).toBe(before.score.total + 1.5);
  });
});
