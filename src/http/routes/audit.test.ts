/** GET /api/audit's sentences and GET /api/audit/export.xlsx: the office's reading of the log, with the chain's verification. */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { firstStart } from '../../services/bootstrap.service.ts';

async function sheetText(body: Buffer): Promise<{ title: string[]; rows: string[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return { title: rows.slice(0, 4).map((r) => r[0] ?? ''), rows };
}

describe.each(storeTargets())('audit log routes ($dialect)', (target) => {
  let server: TestServer;
  const as: Record<string, Client> = {};
  let others: string[] = [];

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    for (const c of first.credentials) as[c.username] = await signIn(server.app, c.username, c.password);
    others = first.credentials.map((c) => c.username).filter((u) => u !== 'admin');
  });
  afterAll(() => server?.close());

  it('gives each entry a sentence in the reader language (zh by default), for the office only', async () => {
    const zh = (await as.admin!.get('/api/audit?limit=50')).json() as { entries: Array<{ action: string; sentence: string }> };
    expect(zh.entries.length).toBeGreaterThan(0);
    for (const e of zh.entries) expect(e.sentence, e.action).toMatch(/[\u4e00-\u9fff]/);
    const created = zh.entries.find((e) => e.action === 'campaign.create');
    if (created) expect(created.sentence).toMatch(/创建了考核 “.+”/);
    const en = (await as.admin!.get('/api/audit?limit=50&lang=en')).json() as { entries: Array<{ action: string; sentence: string }> };
    expect(en.entries.map((e) => e.action)).toEqual(zh.entries.map((e) => e.action));
    // Names from the data stay Chinese; the words around them are English.
    for (const e of en.entries) expect(e.sentence, e.action).not.toMatch(/(创建了|发布了|提交了|设置考核组|执行了)/);
    expect((await as.admin!.get('/api/audit?lang=fr')).statusCode).toBe(400);
    for (const who of others) {
      expect((await as[who]!.get('/api/audit')).statusCode).toBe(403);
      expect((await as[who]!.get('/api/audit/export.xlsx')).statusCode).toBe(403);
    }
  });

  it('is searched by person, village and span of days, and exported as searched', async () => {
    // Findings on two villages' assessments, one by the office, one by the system, and evidence on the first.
    const { campaigns } = server.app.services;
    const office = { user: 'admin', role: 'admin' as const };
    const system = { user: 'system', role: 'admin' as const };
    const [campaign] = await campaigns.setup.listCampaigns();
    const rows = await campaigns.setup.listAssessments(office, campaign!.id);
    const [v1, v2] = [rows[0]!, rows[1]!];
    const version = async (id: number) => (await campaigns.assessments.assessmentState(office, id)).version;
    const f1 = await campaigns.findings.addFinding(office, v1.id, await version(v1.id), { item: '1.1' });
    await campaigns.evidence.addEvidence(
      office,
      { findingId: f1 },
      {
        filename: 'p.png',
        bytes: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077533de0000000c4944415408d763f8cfc00000030101005b0a2e5b0000000049454e44ae426082', 'hex'),
      },
    );
    await campaigns.findings.addFinding(system, v2.id, await version(v2.id), { item: '1.2' });
    type Entries = { entries: Array<{ action: string; entity: string; actor: string; sentence: string }> };
    const search = async (q: string) => ((await as.admin!.get(`/api/audit?${q}`)).json() as Entries).entries;

    const first = await search(`village=${v1.village}`);
    // Its finding, the evidence on it, and the rescoring of its assessment; nothing of the other village.
    expect(first.map((e) => `${e.entity}:${e.action}`).sort()).toEqual(['assessment:assessment.score', 'evidence:evidence.add', 'finding:finding.add']);
    expect((await search(`village=${v2.village}`)).map((e) => `${e.entity}:${e.action}`).sort()).toEqual(['assessment:assessment.score', 'finding:finding.add']);
    const bySystem = await search('actor=system');
    expect(bySystem.length).toBeGreaterThan(0);
    expect(bySystem.every((e) => e.actor === 'system')).toBe(true);
    expect((await search(`actor=admin&village=${v2.village}`)).length).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await search(`from=${today}&to=${today}`)).length).toBeGreaterThan(0);
    expect(await search('from=2999-01-01')).toEqual([]);
    expect(await search('to=2000-01-01')).toEqual([]);
    // Bad parameters are refused naming the field.
    for (const [q, field] of [
      ['village=abc', 'village'],
      ['from=2020-1-1', 'from'],
      ['from=2020-02-02&to=2020-01-01', 'to'],
    ]) {
      const res = await as.admin!.get(`/api/audit?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect((res.json() as { error: { message: string } }).error.message, q).toMatch(new RegExp(`query\\.${field}`));
    }
    // The workbook holds what the search found.
    const book = await sheetText((await as.admin!.get(`/api/audit/export.xlsx?village=${v1.village}`)).rawPayload);
    const header = book.rows.findIndex((r) => r[0] === '编号');
    expect(
      book.rows
        .slice(header + 1)
        .map((r) => r[4])
        .sort(),
    ).toEqual(['assessment.score', 'evidence.add', 'finding.add']);
  });

  it('exports the log with its verification result and anchor; a tampered entry is named in the file', async () => {
    const res = await as.admin!.get('/api/audit/export.xlsx');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(String(res.headers['content-disposition'])).toMatch(/audit-log\.xlsx/);
    const ok = await sheetText(res.rawPayload);
    expect(ok.title[0]).toBe('审计日志');
    expect(ok.title[1]).toMatch(/^校验结果：通过（共 \d+ 条记录/);
    expect(ok.title[2]).toMatch(/^审计锚点：\d+:[0-9a-f]{16}/);
    const count = Number(/共 (\d+) 条/.exec(ok.title[1]!)![1]);
    // Every entry is a row with its sentence (after the title rows and the header).
    const header = ok.rows.findIndex((r) => r[0] === '编号');
    expect(ok.rows[header]).toEqual(['编号', '时间', '操作人', '说明', '操作', '对象', '对象编号']);
    expect(ok.rows.length - header - 1).toBe(count);
    expect(ok.rows.slice(header + 1).every((r) => r[3]!.length > 0)).toBe(true);

    // Tamper with an entry's content, as an intruder with database access would.
    const victim = await server.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').orderBy('id').executeTakeFirstOrThrow();
    await server.store.db
      .updateTable('audit_log')
      .set({ after: (victim.after ?? '{}').replace(/"role":"[a-z]+"/, '"role":"admin"') + ' ' })
      .where('id', '=', victim.id)
      .execute();
    const en = await sheetText((await as.admin!.get('/api/audit/export.xlsx?lang=en')).rawPayload);
    expect(en.title[0]).toBe('Audit log');
    expect(en.title[1]).toMatch(new RegExp(`^Verification: FAILED at entry \\d+ \\(id ${victim.id}\\): its content or hash was changed`));
  });
});
