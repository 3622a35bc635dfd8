/**
 * Exporting registry lists and writing import templates, on every store target: the round trip
 * export → import gives the same rows (with --show-ids), ID numbers are masked by default, text
 * a spreadsheet would take for a formula stays text, and a template filled in with its own
 * examples imports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { kindSpec, KINDS } from '../../core/registry/kinds.ts';
import type { Store } from '../../store/db.ts';
import { storeTargets } from '../../../test/stores.ts';
import { count, H1, idNumber, IDS, ORDER, readXlsx, seed, stored, tempDir, TODAY, VALID, VILLAGE, withRows, writeCsv, type KindName } from '../../../test/registry-fixtures.ts';
import { exportKind, writeTemplate } from './export.service.ts';
import { importFile } from './import.service.ts';

/** Tables a kind's rows (and parents) live in. */
const TABLES: Record<KindName, string[]> = Object.fromEntries(
  ORDER.map((k) => {
    const spec = kindSpec(k)!;
    return [k, spec.parent ? [spec.parent.table, spec.table] : [spec.table]];
  }),
) as Record<KindName, string[]>;

/** Parses the CSV the export writes (no quoted newlines in these fixtures). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line === '') continue;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

for (const target of storeTargets()) {
  describe(`export on ${target.dialect}`, () => {
    const tmp = tempDir('kaohe-export-');
    const stores: Store[] = [];
    let world: Store;
    const open = async () => {
      const s = await target.open();
      stores.push(s);
      return s;
    };
    beforeAll(async () => {
      world = await open();
      await seed(world, tmp.dir, ORDER);
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
      tmp.remove();
    });

    for (const format of ['csv', 'xlsx'] as const) {
      it(`round trip through ${format} with the ID numbers shown: the same rows, in every kind`, async () => {
        const copy = await open();
        for (const kind of ORDER) {
          const file = join(tmp.dir, `${kind}-full.${format}`);
          const written = await exportKind(world, kind, file, { format, showIds: true });
          expect(written, kind).toBe(await count(world, kindSpec(kind)!.table));
          const report = await importFile(copy, kind, file, { today: TODAY });
          expect(report.problems, kind).toEqual([]);
          expect(report.committed, kind).toBe(true);
          expect(report.rows, kind).toBe(written);
          for (const table of TABLES[kind]) expect(await stored(copy, table), `${kind}: ${table}`).toEqual(await stored(world, table));
        }
        // And back into the store it came from: every row an update, nothing changed.
        for (const kind of ORDER) {
          const file = join(tmp.dir, `${kind}-full.${format}`);
          const before = await Promise.all(TABLES[kind].map((t) => stored(world, t)));
          const report = await importFile(world, kind, file, { today: TODAY });
          expect(report, kind).toMatchObject({ inserted: 0, updated: report.rows, committed: true });
          expect(await Promise.all(TABLES[kind].map((t) => stored(world, t))), kind).toEqual(before);
        }
      });
    }

    it('writes CSV with a BOM, the import headers, and values as an office writes them', async () => {
      const file = join(tmp.dir, 'households.csv');
      expect(await exportKind(world, 'households', file, { format: 'csv', showIds: true })).toBe(3);
      const bytes = readFileSync(file);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.toString('utf8'));
      expect(rows[0]).toEqual(VALID.households.headers);
      expect(rows[1]).toEqual([
        H1,
        VILLAGE,
        '2020',
        '王大山',
        IDS.wangDashan,
        '4',
        '2',
        '国家标准',
        '一般贫困户',
        '因病',
        '缺技术、缺资金',
        '已脱贫',
        '2014',
        '2019',
        '2019',
        '5230.5',
        '13800000000',
        'B',
        '是',
        '是',
        '是',
      ]);
      expect(rows[2]![15]).toBe('3100');
      expect(rows[2]![17]).toBe('C'); // 'C级' in the file, stored as C
      expect(rows[2]![14]).toBe(''); // no exit year
      expect(rows).toHaveLength(4);
    });

    it('masks ID numbers by default, in CSV and xlsx, and a masked export cannot be imported by mistake', async () => {
      const ids = Object.values(IDS);
      for (const kind of ['households', 'members', 'helpers', 'team-members', 'visits', 'duty-days', 'students'] as const) {
        const csvFile = join(tmp.dir, `${kind}-masked.csv`);
        await exportKind(world, kind, csvFile, { format: 'csv' });
        const text = readFileSync(csvFile, 'utf8');
        for (const id of ids) expect(text, `${kind}: ${id}`).not.toContain(id);
        expect(text).toMatch(/522425\*{8}\d{3}[\dX]/);

        const xlsxFile = join(tmp.dir, `${kind}-masked.xlsx`);
        await exportKind(world, kind, xlsxFile, { format: 'xlsx' });
        const cells = JSON.stringify([...(await readXlsx(xlsxFile))[0]!.rows.values()]);
        for (const id of ids) expect(cells, `${kind}: ${id}`).not.toContain(id);
      }
      const members = parseCsv(readFileSync(join(tmp.dir, 'members-masked.csv'), 'utf8'));
      expect(members[1]![2]).toBe(maskIdNumber(IDS.wangDashan));
      expect(members[1]![2]).toBe('522425********0019');

      const copy = await open();
      await seed(copy, tmp.dir, ['areas', 'households']);
      const report = await importFile(copy, 'members', join(tmp.dir, 'members-masked.csv'), { today: TODAY });
      expect(report.committed).toBe(false);
      expect(report.problems).toHaveLength(5);
      expect({ ...report.problems[0], reason: undefined }).toEqual({
        row: 2,
        column: '身份证号 (C)',
        value: '522425********0019',
        message: 'an ID number has 18 characters: 17 digits and a digit or X',
      });
      expect(await count(copy, 'members')).toBe(0);
    });

    it('writes text a spreadsheet would take for a formula as text', async () => {
      const store = await open();
      await seed(store, tmp.dir, ['areas', 'households']);
      const contents = ['=HYPERLINK("http://example.com","点我")', '+86 13800000000', '-1', '@SUM(A1)', '=1+2', 'a=b', '正常内容'];
      const visits = withRows(
        { headers: VALID.visits.headers, rows: [] },
        ...contents.map((c, i) => [H1, '帮扶责任人', '李明', '', `2020-04-${String(i + 1).padStart(2, '0')}`, c]),
      );
      expect((await importFile(store, 'visits', writeCsv(join(tmp.dir, 'formulas.csv'), visits), { today: TODAY })).committed).toBe(true);

      const csvFile = join(tmp.dir, 'visits-formulas.csv');
      await exportKind(store, 'visits', csvFile, { format: 'csv' });
      const rows = parseCsv(readFileSync(csvFile, 'utf8'));
      expect(rows.slice(1).map((r) => r[5])).toEqual([`'=HYPERLINK("http://example.com","点我")`, "'+86 13800000000", "'-1", "'@SUM(A1)", "'=1+2", 'a=b', '正常内容']);
      // The raw text: the quote is inside the CSV cell, not a CSV quote.
      expect(readFileSync(csvFile, 'utf8')).toContain(`"'=HYPERLINK(""http://example.com"",""点我"")"`);

      // In xlsx a cell's type says what it is: these are strings, not formulas.
      const xlsxFile = join(tmp.dir, 'visits-formulas.xlsx');
      await exportKind(store, 'visits', xlsxFile, { format: 'xlsx' });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(xlsxFile);
      const sheet = workbook.worksheets[0]!;
      const column = sheet.getColumn(6);
      const cells: Array<{ type: ExcelJS.ValueType; value: unknown }> = [];
      column.eachCell((cell, row) => {
        if (row > 1) cells.push({ type: cell.type, value: cell.value });
      });
      expect(cells.map((c) => c.value)).toEqual(contents);
      expect(cells.every((c) => c.type === ExcelJS.ValueType.String)).toBe(true);
    });

    it('writes xlsx with a bold, frozen header, numbers as numbers and ID numbers as text', async () => {
      const file = join(tmp.dir, 'households.xlsx');
      await exportKind(world, 'households', file, { format: 'xlsx', showIds: true });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).toBe('贫困户');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(VALID.households.headers);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      const row = sheet.getRow(2);
      expect(row.getCell(1).value).toBe(H1);
      expect(row.getCell(3).value).toBe(2020);
      expect(row.getCell(5).value).toBe(IDS.wangDashan);
      expect(row.getCell(6).value).toBe(4);
      expect(row.getCell(16).value).toBe(5230.5);
      expect(row.getCell(19).value).toBe('是');
      expect(sheet.rowCount).toBe(4);
    });

    it('writes an empty list as its header alone', async () => {
      const store = await open();
      const file = join(tmp.dir, 'empty-visits.csv');
      expect(await exportKind(store, 'visits', file, { format: 'csv' })).toBe(0);
      expect(parseCsv(readFileSync(file, 'utf8'))).toEqual([VALID.visits.headers]);
      const xlsx = join(tmp.dir, 'empty-visits.xlsx');
      expect(await exportKind(store, 'visits', xlsx, { format: 'xlsx' })).toBe(0);
      expect([...(await readXlsx(xlsx))[0]!.rows.values()]).toEqual([VALID.visits.headers]);
    });

    it('pages through long lists: every row once', async () => {
      const store = await open();
      await seed(store, tmp.dir, ['areas']);
      const n = 5_200;
      const t = { headers: VALID.households.headers, rows: [] as Array<Array<string>> };
      for (let i = 0; i < n; i++) {
        const r = [...(VALID.households.rows[1] as string[])];
        r[0] = `H${String(i).padStart(6, '0')}`;
        r[4] = idNumber(
          '522425',
          `1960${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`,
          String(100 + Math.floor(i / 336)).padStart(3, '0'),
        );
        t.rows.push(r);
      }
      const imported = await importFile(store, 'households', writeCsv(join(tmp.dir, 'many.csv'), t), { today: TODAY });
      expect(imported.problems).toEqual([]);
      const file = join(tmp.dir, 'many-out.csv');
      expect(await exportKind(store, 'households', file, { format: 'csv' })).toBe(n);
      const nos = parseCsv(readFileSync(file, 'utf8'))
        .slice(1)
        .map((r) => r[0]);
      expect(nos).toHaveLength(n);
      expect(new Set(nos).size).toBe(n);
      expect(nos).toEqual(t.rows.map((r) => r[0]));
    });

    it('refuses an unknown kind', async () => {
      const e = await exportKind(world, 'nope', join(tmp.dir, 'x.csv'), { format: 'csv' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KaoheError);
      expect((e as KaoheError).code).toBe('unknown-kind');
      const t = await writeTemplate('nope', join(tmp.dir, 'x.xlsx')).catch((x: unknown) => x);
      expect((t as KaoheError).code).toBe('unknown-kind');
    });

    it('a template filled in with its own examples imports, for every kind', async () => {
      const store = await open();
      await seed(store, tmp.dir, ['areas', 'households']);
      for (const kind of ORDER) {
        const spec = kindSpec(kind)!;
        const file = join(tmp.dir, `template-${kind}.xlsx`);
        await writeTemplate(kind, file);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(file);
        const row = workbook.worksheets[0]!.getRow(2);
        spec.fields.forEach((f, i) => {
          if (f.example) row.getCell(i + 1).value = f.example;
        });
        row.commit();
        const filled = join(tmp.dir, `filled-${kind}.xlsx`);
        await workbook.xlsx.writeFile(filled);
        const report = await importFile(store, kind, filled, { today: TODAY });
        expect(report.problems, kind).toEqual([]);
        expect(report, kind).toMatchObject({ rows: 1, committed: true });
      }
    });
  });
}

describe('writeTemplate', () => {
  const tmp = tempDir('kaohe-template-');
  afterAll(() => tmp.remove());

  for (const spec of KINDS) {
    it(`${spec.kind}: the headers, a 说明 sheet explaining each column, ID and code columns as text`, async () => {
      const file = join(tmp.dir, `${spec.kind}.xlsx`);
      await writeTemplate(spec.kind, file);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      expect(workbook.worksheets.map((w) => w.name)).toEqual([spec.title.zh, '说明']);
      const data = workbook.worksheets[0]!;
      expect((data.getRow(1).values as unknown[]).slice(1)).toEqual(spec.fields.map((f) => f.header));
      expect(data.rowCount).toBe(1);
      expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      spec.fields.forEach((f, i) => {
        const cell = data.getRow(1).getCell(i + 1);
        const note = typeof cell.note === 'string' ? cell.note : (cell.note?.texts ?? []).map((t) => t.text).join('');
        expect(note, f.key).toBe(`${f.required ? '必填。' : ''}${f.help}`);
        const text = f.type.kind === 'idNumber' || f.type.kind === 'divisionCode' || f.key === 'household_no';
        if (text) expect(data.getColumn(i + 1).numFmt, f.key).toBe('@');
      });
      const notes = workbook.worksheets[1]!;
      expect((notes.getRow(1).values as unknown[]).slice(1)).toEqual(['列名', '必填', '格式', '说明', '示例', 'Column (English)']);
      spec.fields.forEach((f, i) => {
        const values = (notes.getRow(i + 2).values as unknown[]).slice(1);
        expect(values[0], f.key).toBe(f.header);
        expect(values[1] ?? '', f.key).toBe(f.required ? '是' : '');
        expect(values[5], f.key).toBe(f.en);
      });
      const last = (notes.getRow(spec.fields.length + 3).values as unknown[])[1];
      expect(last).toMatch(/任何一行有错则整个文件不导入/);
    });
  }
});
