/**
 * POST /api/schemes/import: an office's scheme table (.xlsx or .docx) to a draft scheme and the lines not
 * read, in the reader's language; the office's only (as storing a version is); bad files refused.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { multipart, signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { docxOf, splitSheet } from '../../../test/docx.ts';
import { writeSheet } from '../../../test/scheme-sheets.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { SchemeImportAnswer } from '../../contract/schemes.ts';
import { loadScheme } from '../../core/scheme/load.ts';
import { schemeSheet, seedShapeAsWorded, shape } from '../../core/scheme/seed-sheet.ts';
import { builtinScheme } from '../../schemes/index.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import type { Role } from '../../services/policies.ts';

const ROLES: Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const dir = mkdtempSync(join(tmpdir(), 'kaohe-scheme-import-route-'));

describe.each(storeTargets())('POST /api/schemes/import ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Role, Client>;
  let seedXlsx: Buffer;
  let partXlsx: Buffer;

  const upload = (client: Client | null, data: Buffer | string, filename: string, query = '', headers: Record<string, string> = {}) => {
    const m = multipart([{ name: 'file', filename, type: XLSX, data }]);
    return server.app.inject({ method: 'POST', url: `/api/schemes/import${query}`, payload: m.payload, headers: { ...(client?.headers ?? {}), ...m.headers, ...headers } });
  };

  beforeAll(async () => {
    server = await startServer(target);
    const started = (await firstStart(server.app.services))!;
    for (const role of ROLES) as[role] = await signIn(server.app, role, started.credentials.find((c) => c.role === role)!.password);
    seedXlsx = readFileSync(await writeSheet(schemeSheet(builtinScheme('seed-2020')), join(dir, 'seed.xlsx'), { sheetName: '考核细则' }));
    partXlsx = readFileSync(
      await writeSheet(
        {
          cells: [
            ['序号', '考核内容', '分值', '评分标准'],
            ['一、基础工作（15分）', '', '', ''],
            ['1', '台账', '10', '每缺少一项扣2分，扣完15分为止'],
            ['2', '宣传', '5', '由考核组综合评定'],
          ],
          merges: [{ top: 1, left: 0, bottom: 1, right: 3 }],
        },
        join(dir, 'part.xlsx'),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers the draft scheme and no line unread for the seed laid out as an office lays it', async () => {
    const res = await upload(as.admin, seedXlsx, '评分细则.xlsx');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as SchemeImportAnswer;
    expect(body.unread).toEqual([]);
    expect(body.checks).toEqual([{ code: 'pool-inferred', node: '2.6', row: 28, message: '本节的扣分项没有单独分值，已设为扣分池（共用本节40分）：请核对' }]);
    expect(body).toMatchObject({ file: '评分细则.xlsx', sheet: '考核细则' });
    const seed = builtinScheme('seed-2020');
    const imported = loadScheme(stringify(body.draft));
    expect(shape(imported)).toEqual(seedShapeAsWorded(seed));
  });

  it('reads the same table kept in Word (.docx) into the same draft', async () => {
    const grid = schemeSheet(builtinScheme('seed-2020'));
    const docx = await docxOf(splitSheet(grid, 1));
    const res = await upload(as.admin, docx, '评分细则.docx');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as SchemeImportAnswer;
    expect(body).toMatchObject({ file: '评分细则.docx', sheet: 'Word 表格', unread: [] });
    const fromExcel = (await upload(as.admin, seedXlsx, '评分细则.xlsx')).json() as SchemeImportAnswer;
    expect({ ...body.draft, source: null }).toEqual({ ...fromExcel.draft, source: null });
  });

  it('lists every line not read with its row, column and node, in the reader’s language', async () => {
    const zh = (await upload(as.admin, partXlsx, 'part.xlsx')).json() as SchemeImportAnswer;
    expect(zh.unread).toEqual([{ code: 'unknown-wording', node: '1.2', row: 4, column: 'D', message: '未能识别评分标准“由考核组综合评定”：请在表单中选择规则' }]);
    const en = (await upload(as.admin, partXlsx, 'part.xlsx', '?lang=en')).json() as SchemeImportAnswer;
    expect(en.unread[0]!.message).toBe('the scoring wording "由考核组综合评定" was not recognised: pick a rule in the form');
    const accept = (await upload(as.admin, partXlsx, 'part.xlsx', '', { 'accept-language': 'en-US,en;q=0.9' })).json() as SchemeImportAnswer;
    expect(accept.unread[0]!.message).toMatch(/^the scoring wording/);
    // The item not read keeps its wording and has no rule.
    expect((zh.draft.sections as Array<{ children: unknown[] }>)[0]!.children[1]).toEqual({ code: '1.2', title: '宣传', points: 5, ruleText: '由考核组综合评定' });
  });

  it('is the office’s: no other role may import, nor anyone without a session', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const res = await upload(as[role], partXlsx, 'part.xlsx');
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const anon = await upload(null, partXlsx, 'part.xlsx');
    expect(anon.statusCode).toBe(401);
  });

  it('refuses a file that is not a scheme table, naming it', async () => {
    const text = await upload(as.admin, '序号,考核内容\n', '细则.xlsx');
    expect(text.statusCode).toBe(400);
    expect(text.json().error).toMatchObject({ code: 'unreadable-xlsx', message: expect.stringMatching(/^细则\.xlsx: not a \.xlsx workbook/) });
    const word = await upload(as.admin, 'PK', '细则.docx');
    expect(word.json().error).toMatchObject({ code: 'unreadable-docx', message: expect.stringMatching(/^细则\.docx: not a readable Word document/) });
    const old = await upload(as.admin, 'x', '细则.doc');
    expect(old.json().error).toMatchObject({ code: 'unsupported-format', message: expect.stringMatching(/^细则\.doc: the old Word format is not read/) });
    const names = readFileSync(await writeSheet({ cells: [['名单'], ['张三']] }, join(dir, 'names.xlsx')));
    const noHeader = await upload(as.admin, names, 'names.xlsx');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error).toMatchObject({ code: 'missing-header', message: expect.stringMatching(/^names\.xlsx: worksheet "Sheet1": no header row found/) });
    const none = await server.app.inject({ method: 'POST', url: '/api/schemes/import', payload: {}, headers: as.admin.headers });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('validation');
  });
});
