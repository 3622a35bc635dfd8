/**
 * Report routes on every database: the ranking and deduction workbooks, a village's score sheet,
 * the county summary and the whole campaign as PDFs — each downloaded and read back (exceljs,
 * pdftotext), validated (400 naming the field, 404), and asked for by every role, including
 * users of another township, team and village. Resident ID numbers typed into a note reach only
 * the office.
 */
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { pdfInfo, pdfText, popplerAvailable, squeeze } from '../../../test/reports/pdf/poppler.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';
import { type CampaignServices } from '../../services/campaign/index.ts';
import type { Actor } from '../../services/policies.ts';
import { compose } from '../../compose.ts';

const HOOK = 180_000;
const SYSTEM: Actor = { user: 'system', role: 'admin' };
const ID = '110105194912310021';
const MASKED = '110105********0021';
const poppler = popplerAvailable();

type Who = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer' | 'reviewer2' | 'inspector2' | 'village2';
const EVERYONE: Who[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer', 'reviewer2', 'inspector2', 'village2'];

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/json/);
  const body = res.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

async function workbook(res: LightMyRequestResponse): Promise<ExcelJS.Workbook> {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return book;
}

/** Every cell value of a workbook, as text. */
function texts(book: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of book.worksheets) ws.eachRow((row) => row.eachCell((c) => out.push(String(c.value))));
  return out;
}

describe.each(storeTargets())('report routes ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, Client>;
  let service: CampaignServices;
  let campaignId: number;
  let t1: Array<{ code: string; name: string }>;
  let t2: Array<{ code: string; name: string }>;
  let T1: string;
  const url = (path: string) => `/api/campaigns/${campaignId}/reports/${path}`;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    T1 = townships[0]!.code;
    const T2 = townships[1]!.code;
    t1 = await db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', T1).orderBy('code').execute();
    t2 = await db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', T2).orderBy('code').execute();
    const users = server.app.services.users;
    const password = 'a-good-password';
    await users.create({ user: 'admin', role: 'admin' }, { username: 'reviewer2', role: 'reviewer', township: T2, password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'village2', role: 'village', village: t1[1]!.code, password });
    const passwords: Record<string, string> = { reviewer2: password, inspector2: password, village2: password };
    for (const c of first.credentials) passwords[c.username] = c.password;
    for (const who of EVERYONE) as[who] = await signIn(server.app, who, passwords[who]!);

    service = compose({ store: server.store }).campaigns;
    campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    // The village's own result (t1[0]) and one of another township (t2[0]) are published; t1[1] stays a draft.
    for (const [village, findings] of [
      [
        t1[0]!.code,
        [
          { item: '1.1', count: 2, note: `户主身份证 ${ID} 未核实` },
          { item: '3.1.2', element: 'diary', note: '=HYPERLINK("http://x","y")' },
        ],
      ],
      [t2[0]!.code, [{ item: '1.2' }]],
    ] as const) {
      const id = await service.assessments.assessmentId(campaignId, village);
      const v = async () => (await service.assessments.getAssessment(SYSTEM, id)).version;
      for (const f of findings) await service.findings.addFinding(SYSTEM, id, await v(), { ...f });
      for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(SYSTEM, id, await v(), step);
    }
    await service.findings.addFinding(
      SYSTEM,
      await service.assessments.assessmentId(campaignId, t1[1]!.code),
      (await service.assessments.getAssessment(SYSTEM, await service.assessments.assessmentId(campaignId, t1[1]!.code))).version,
      { item: '1.3', note: '草稿中的扣分' },
    );
  }, HOOK);
  afterAll(() => server?.close());

  it('gives the office the ranking workbook: the county and each township, numbers as numbers, a UTF-8 file name', async () => {
    const res = await as.admin.get(url('ranking.xlsx'));
    const book = await workbook(res);
    expect(String(res.headers['content-disposition'])).toBe(`attachment; filename="ranking.xlsx"; filename*=UTF-8''${encodeURIComponent(`${DEMO_CAMPAIGN}-排名.xlsx`)}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const names = book.worksheets.map((w) => w.name);
    expect(names[0]).toBe('全县');
    expect(names).toEqual(expect.arrayContaining(['龙场镇']));
    // t1[0]: −4 (1.1 ×2) −2 (3.1.2 diary) = 194. Issue 17: ranked among the published results
    // only, last of 2 (no longer of 30: the drafts are listed as 未考核, without a score or rank).
    const rowOf = (b: ExcelJS.Workbook, sheet: string, name: string) => {
      let row: unknown[] | undefined;
      b.getWorksheet(sheet)!.eachRow((r) => {
        const values = (r.values as unknown[]).slice(1);
        if (values.includes(name)) row = values;
      });
      return row;
    };
    const row = rowOf(book, '全县', t1[0]!.name);
    expect(row).toBeDefined();
    expect(row).toContain(194);
    expect(row).toContain(2);
    const draft = rowOf(book, '全县', t1[2]!.name)!;
    expect(draft.filter((v) => v === '未考核')).toHaveLength(2);
    expect(draft.some((v) => typeof v === 'number')).toBe(false);

    // The office's provisional ranking says so on the file name, every sheet's name and title.
    const previewRes = await as.admin.get(url('ranking.xlsx?preview=1'));
    expect(String(previewRes.headers['content-disposition'])).toContain(encodeURIComponent(`${DEMO_CAMPAIGN}-排名-内部预览.xlsx`));
    const preview = await workbook(previewRes);
    expect(preview.worksheets.every((w) => w.name.startsWith('内部预览-'))).toBe(true);
    expect(preview.worksheets.every((w) => String(w.getRow(1).getCell(1).value).startsWith('【内部预览】'))).toBe(true);
    for (const who of ['reviewer', 'viewer', 'village'] as const) expectError(await as[who].get(url('ranking.xlsx?preview=1')), 403, 'forbidden');

    const en = await workbook(await as.admin.get(url('ranking.xlsx?lang=en')));
    expect(en.worksheets[0]!.name).toBe('County');
  });

  it('gives each reader the ranking of the results they may see', async () => {
    // Everyone, the office too, gets the ranking of published results: two villages ranked, the
    // others listed (issue 17: by name, as 未考核 or 未发布, never with a score).
    for (const who of ['admin', 'reviewer', 'viewer', 'village', 'village2', 'inspector2'] as const) {
      const book = await workbook(await as[who].get(url('ranking.xlsx')));
      const all = texts(book);
      expect(all, who).toContain(t1[0]!.name);
      expect(all, who).toContain(t2[0]!.name);
      expect(all, who).toContain(t1[2]!.name);
      expect(all.filter((t) => t === '未考核' || t === '未发布').length, who).toBeGreaterThan(0);
      expect(
        texts(book).some((t) => t.includes('平均（2个村）')),
        who,
      ).toBe(true);
    }
  });

  it("gives the deduction detail to those who may read it, never another village's, with ID numbers masked but for the office", async () => {
    const office = texts(await workbook(await as.admin.get(url(`deductions.xlsx?village=${t1[0]!.code}`))));
    expect(office.some((t) => t.includes(ID))).toBe(true);
    // The formula-looking note is a text cell.
    const book = await workbook(await as.admin.get(url(`deductions.xlsx?village=${t1[0]!.code}`)));
    let note: ExcelJS.Cell | undefined;
    for (const ws of book.worksheets) ws.eachRow((r) => r.eachCell((c) => (c.value === '=HYPERLINK("http://x","y")' ? (note = c) : undefined)));
    expect(note).toBeDefined();
    expect(note!.type).toBe(ExcelJS.ValueType.String);
    expect(note!.formula).toBeUndefined();

    for (const who of ['reviewer', 'village', 'inspector'] as const) {
      const all = texts(await workbook(await as[who].get(url(`deductions.xlsx?village=${t1[0]!.code}`))));
      expect(
        all.some((t) => t.includes(MASKED)),
        who,
      ).toBe(true);
      expect(
        all.some((t) => t.includes(ID)),
        who,
      ).toBe(false);
    }
    // The village's user: its own published village only, whatever it asks for.
    const own = texts(await workbook(await as.village.get(url('deductions.xlsx'))));
    expect(own).toContain(t1[0]!.name);
    expect(own).not.toContain(t2[0]!.name);
    expect(own).not.toContain('草稿中的扣分');
    // Another village's detail is not there for it (404, as for a village not in the campaign).
    expectError(await as.village.get(url(`deductions.xlsx?village=${t2[0]!.code}`)), 404, 'not-found', new RegExp(`^village ${t2[0]!.code} in campaign ${campaignId} not found$`));
    expectError(await as.village2.get(url(`deductions.xlsx?village=${t1[0]!.code}`)), 404, 'not-found');
    // A reviewer of another township, an inspector of no team: not there; a viewer: no detail at all (403).
    expectError(await as.reviewer2.get(url(`deductions.xlsx?village=${t1[0]!.code}`)), 404, 'not-found');
    expectError(await as.inspector2.get(url(`deductions.xlsx?village=${t1[0]!.code}`)), 404, 'not-found');
    expectError(await as.viewer.get(url('deductions.xlsx')), 403, 'forbidden');
    // The reviewer's whole-campaign detail holds its township only.
    const township = texts(await workbook(await as.reviewer.get(url('deductions.xlsx'))));
    expect(township).toContain(t1[0]!.name);
    expect(township).not.toContain(t2[0]!.name);
  });

  it.skipIf(!poppler)('gives a village score sheet as a PDF to those who may read it', async () => {
    const res = await as.village.get(url(`sheet.pdf?village=${t1[0]!.code}`));
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = squeeze(pdfText(res.rawPayload));
    expect(text).toContain(squeeze(t1[0]!.name));
    expect(text).toContain('总分194');
    expect(text).toContain(MASKED);
    expect(text).not.toContain(ID);
    expect(squeeze(pdfText((await as.admin.get(url(`sheet.pdf?village=${t1[0]!.code}`))).rawPayload))).toContain(ID);
    const en = squeeze(pdfText((await as.admin.get(url(`sheet.pdf?village=${t1[0]!.code}&lang=en`))).rawPayload));
    expect(en).toMatch(/Total/);

    for (const who of ['village2', 'reviewer2', 'inspector2'] as const) expectError(await as[who].get(url(`sheet.pdf?village=${t1[0]!.code}`)), 404, 'not-found');
    // A draft is not a village's to read, even its own (village2 is t1[1]'s, still a draft).
    expectError(await as.village2.get(url(`sheet.pdf?village=${t1[1]!.code}`)), 404, 'not-found');
  });

  it.skipIf(!poppler)(
    'streams the whole campaign as one PDF: the summary, then each village the reader may read',
    async () => {
      const res = await as.admin.get(url('campaign.pdf'));
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pages = pdfText(res.rawPayload)
        .split('\f')
        .filter((p) => p.trim());
      expect(Number(pdfInfo(res.rawPayload).Pages)).toBe(pages.length);
      // Every village of the county has its sheet.
      for (const v of [...t1, ...t2])
        expect(
          pages.some((p) => squeeze(p).includes(`${squeeze(v.name)}考核扣分明细表`)),
          v.name,
        ).toBe(true);

      // The village's user: the summary of published results and its own sheet only.
      const own = await as.village.get(url('campaign.pdf'));
      expect(own.statusCode).toBe(200);
      const ownText = squeeze(pdfText(own.rawPayload));
      expect(ownText).toContain(`${squeeze(t1[0]!.name)}考核扣分明细表`);
      expect(ownText).not.toContain(`${squeeze(t2[0]!.name)}考核扣分明细表`);
      // Drawn in the worker, the note's ID number is masked all the same.
      expect(ownText).toContain(MASKED);
      expect(ownText).not.toContain(ID);

      // The reviewer's township: its ten villages' sheets, another township's not.
      const reviewer = squeeze(pdfText((await as.reviewer.get(url(`campaign.pdf?township=${T1}`))).rawPayload));
      expect(reviewer).toContain(`${squeeze(t1[9]!.name)}考核扣分明细表`);
      expect(reviewer).not.toContain(`${squeeze(t2[0]!.name)}考核扣分明细表`);

      const summary = await as.viewer.get(url('summary.pdf?lang=en'));
      expect(summary.statusCode).toBe(200);
      expect(pdfText(summary.rawPayload)).toMatch(/Score distribution/);
    },
    120_000,
  );

  it.skipIf(!poppler)(
    'draws at most two long reports at once: a third is asked to come back later',
    async () => {
      const answers = await Promise.all([as.admin.get(url('campaign.pdf')), as.admin.get(url('campaign.pdf')), as.reviewer.get(url('campaign.pdf'))]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 429]);
      const busy = answers.find((r) => r.statusCode === 429)!;
      expectError(busy, 429, 'rate-limited', /try again/);
      expect(busy.headers['retry-after']).toBe('30');
      // The office's has all 30 villages, the reviewer's its township's 10 (and the summary).
      for (const r of answers.filter((a) => a.statusCode === 200)) expect(Number(pdfInfo(r.rawPayload).Pages)).toBeGreaterThan(10);
      // Once they are done, the next one is drawn.
      expect((await as.reviewer.get(url('summary.pdf'))).statusCode).toBe(200);
    },
    120_000,
  );

  it('validates the request, naming the field, and answers a missing campaign or township with 404', async () => {
    expectError(await as.admin.get(url('ranking.xlsx?lang=fr')), 400, 'validation', /^query\.lang:/);
    expectError(await as.admin.get(url('ranking.xlsx?township=12')), 400, 'validation', /^query\.township:/);
    expectError(await as.admin.get(url('sheet.pdf')), 400, 'validation', /^query\.village:/);
    expectError(await as.admin.get(url('deductions.xlsx?village=abc')), 400, 'validation', /^query\.village:/);
    expectError(await as.admin.get('/api/campaigns/abc/reports/ranking.xlsx'), 400, 'validation', /^params\.id:/);
    expectError(await as.admin.get('/api/campaigns/99999/reports/ranking.xlsx'), 404, 'not-found');
    expectError(await as.admin.get('/api/campaigns/99999/reports/campaign.pdf'), 404, 'not-found');
    expectError(await as.admin.get(url('sheet.pdf?village=522425999999')), 404, 'not-found');
    expectError(await as.admin.get(url('campaign.pdf?township=522425999000')), 404, 'not-found');
    const anonymous = await server.app.inject({ method: 'GET', url: url('ranking.xlsx') });
    expectError(anonymous, 401, 'unauthenticated');
  });
});
