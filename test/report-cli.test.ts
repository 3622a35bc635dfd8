/**
 * `kaohe report …` end to end: the real bin/kaohe as child processes on a SQLite file under
 * KAOHE_DATA_DIR, filled by `kaohe demo` and `kaohe campaign …`. Workbooks are read back with
 * exceljs, PDFs with poppler's pdftotext and pdfinfo.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaoheIn } from './kaohe-cli.ts';
import { pdfInfo, pdfText, popplerAvailable, squeeze } from './reports/pdf/poppler.ts';

const CAMPAIGN = '2020年度考核';
const poppler = popplerAvailable();

describe('kaohe report (child processes, SQLite)', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-report-cli-'));
  const data = join(dir, 'data');
  let V1: string;
  let V1name: string;
  let villages: number;

  const { kaohe, ok } = kaoheIn(dir, data);
  const one = <T>(query: string, ...params: unknown[]) => {
    const d = new Database(join(data, 'kaohe.db'), { readonly: true });
    try {
      return d.prepare(query).get(...params) as T;
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    expect(await ok('demo', '--households', '300')).toMatch(/30 villages/);
    ({ code: V1, name: V1name } = one<{ code: string; name: string }>("select code, name from areas where level = 'village' order by code"));
    villages = one<{ n: number }>("select count(*) n from areas where level = 'village'").n;
    await ok('campaign', 'create', CAMPAIGN, '--year', '2020');
    await ok('campaign', 'finding', 'add', CAMPAIGN, V1, '1.1', '--count', '2', '--note', '=HYPERLINK("http://x","y")');
    await ok('campaign', 'finding', 'add', CAMPAIGN, V1, '3.1.2', '--element', 'diary', '--note', '缺5月工作日志');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the ranking workbook under its own name, numbers as numbers, one sheet per township', async () => {
    const out = await ok('report', 'ranking', CAMPAIGN);
    const file = `${CAMPAIGN}-排名.xlsx`;
    expect(out).toMatch(new RegExp(`^${file}: \\d+ KiB\\n$`));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, file));
    const townships = one<{ n: number }>("select count(*) n from areas where level = 'township'").n;
    expect(book.worksheets.length).toBeGreaterThanOrEqual(1 + townships);
    expect(book.worksheets[0]!.name).toBe('全县');
    // Issue 17: V1 (194 with its findings) is not published: listed in the county sheet as 未考核
    // or 未发布, without a score or a rank.
    const sheet = book.worksheets[0]!;
    let found = false;
    sheet.eachRow((row) => {
      const cells = (row.values as unknown[]).slice(1);
      if (cells.includes(V1name)) {
        found = true;
        expect(cells).not.toContain(194);
        expect(cells.some((c) => c === '未考核' || c === '未发布')).toBe(true);
      }
    });
    expect(found).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('writes the deduction detail of one village, a formula-looking note kept as text', async () => {
    await ok('report', 'deductions', CAMPAIGN, '--village', V1, '-o', 'detail.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'detail.xlsx'));
    const cells: ExcelJS.Cell[] = [];
    for (const ws of book.worksheets) ws.eachRow((row) => row.eachCell((c) => cells.push(c)));
    const note = cells.find((c) => c.value === '=HYPERLINK("http://x","y")');
    expect(note, 'the note is in the workbook as it was typed').toBeDefined();
    expect(note!.type).toBe(ExcelJS.ValueType.String);
    expect(note!.formula).toBeUndefined();
    expect(cells.some((c) => c.value === '1.1')).toBe(true);
    expect(cells.some((c) => c.value === '3.1.2')).toBe(true);
  });

  it.skipIf(!poppler)('writes a village score sheet and the whole campaign as PDFs with the right text and pages', async () => {
    await ok('report', 'sheet', CAMPAIGN, V1, '-o', 'sheet.pdf');
    const sheet = squeeze(pdfText(readFileSync(join(dir, 'sheet.pdf'))));
    expect(sheet).toContain(squeeze(V1name));
    expect(sheet).toContain('总分194');
    expect(sheet).toContain('缺5月工作日志');

    const out = await ok('report', 'campaign', CAMPAIGN, '-o', 'campaign.pdf');
    const pages = Number(pdfInfo(readFileSync(join(dir, 'campaign.pdf'))).Pages);
    expect(out).toBe(`campaign.pdf: ${out.match(/: (\d+) KiB/)![1]} KiB, ${pages} pages\n`);
    // A summary, then every village on pages of its own (each sheet of the demo scheme takes two).
    expect(pages).toBeGreaterThanOrEqual(1 + villages * 2);
    const text = pdfText(readFileSync(join(dir, 'campaign.pdf'))).split('\f');
    expect(text.filter((p) => squeeze(p).includes(`${squeeze(V1name)}考核扣分明细表`)).length).toBeGreaterThanOrEqual(1);

    await ok('report', 'summary', CAMPAIGN, '--lang', 'en', '-o', 'summary.pdf');
    const summary = pdfText(readFileSync(join(dir, 'summary.pdf')));
    expect(summary).toMatch(/Score distribution/);
  });

  it('refuses bad input with a message naming it, exit 2, and leaves no file behind', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['report', 'sheet', CAMPAIGN, '999999999999', '-o', 'bad1.pdf'], /village 999999999999 in campaign 1 not found/],
      [['report', 'ranking', '没有这个考核', '-o', 'bad2.xlsx'], /campaign "没有这个考核" not found/],
      [['report', 'ranking', CAMPAIGN, '--lang', 'fr', '-o', 'bad3.xlsx'], /--lang: "fr" is not zh or en/],
      [['report', 'ranking', CAMPAIGN, '-o', 'no/such/folder/r.xlsx'], /--output: folder .* does not exist/],
      [['report', 'campaign', CAMPAIGN, '--township', '999999999999', '-o', 'bad5.pdf'], /township 999999999999/],
    ];
    for (const [args, message] of cases) {
      const r = await kaohe(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('bad') || f.endsWith('.part'))).toEqual([]);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
