/**
 * The deduction detail workbook read back with exceljs: a row per finding with its status and
 * points, a subtotal per village, the summary sheet, the autoFilter, and text that looks like a
 * formula kept as the text typed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeductionDetail } from '../../services/report.service.ts';
import { deductionsBook, deductionsXlsx, writeDeductionsXlsx } from './deductions.ts';
import { workbookBufferInMemory } from './sheet-kit.ts';
import { syntheticDeductionDetail } from '../../../test/reports/xlsx/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1+2', '-3', '@SUM(A1)', '\t=1+1', '\r=2', "=cmd|' /C calc'!A0"];

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

function dataRows(ws: ExcelJS.Worksheet, from: number): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n >= from) rows.push(row);
  });
  return rows;
}

describe('deduction detail workbook', () => {
  const detail = syntheticDeductionDetail({ villages: 4, perVillage: 12 });

  it('has a row per finding in order and a subtotal after each village', async () => {
    const wb = await load(await deductionsXlsx(detail));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['扣分明细', '汇总']);
    const ws = wb.getWorksheet('扣分明细')!;
    expect(ws.getCell('A1').value).toBe('4村考核扣分明细（青山县）');
    const rows = dataRows(ws, 4);
    expect(rows).toHaveLength(4 * 13);
    let k = 0;
    for (const v of detail.villages) {
      for (const f of v.rows) {
        const row = rows[k++]!;
        expect([row.getCell(2).value, row.getCell(3).value, row.getCell(7).value, row.getCell(9).value, row.getCell(16).value, row.getCell(18).value]).toEqual([
          v.name,
          f.item,
          f.count,
          f.points,
          f.statusLabel,
          f.findingId,
        ]);
        expect(row.getCell(9).type).toBe(ExcelJS.ValueType.Number);
        expect(row.getCell(9).numFmt).toBe('0.00');
        if (f.status !== 'accepted') expect(row.getCell(9).value).toBe(0);
      }
      const subtotal = rows[k++]!;
      expect([subtotal.getCell(2).value, subtotal.getCell(3).value, subtotal.getCell(9).value]).toEqual([v.name, '小计', v.rows.reduce((n, r) => n + r.points, 0)]);
      expect(subtotal.getCell(2).font?.bold).toBe(true);
    }
    expect(rows.map((r) => r.getCell(16).value)).toEqual(expect.arrayContaining(['有效', '已撤回', '申诉调整']));
    expect(ws.autoFilter).toBe(`A3:T${3 + rows.length}`);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 3 });
  });

  it('stores text that looks like a formula as that text, never a formula', async () => {
    const d: DeductionDetail = structuredClone(detail);
    const v = d.villages[0]!;
    v.name = FORMULAS[2]!;
    FORMULAS.forEach((note, i) => {
      const r = v.rows[i]!;
      r.villageName = v.name;
      r.note = note;
      r.household = note;
      r.statusNote = note;
      r.evidenceText = `证据#${i} ${note}.jpg`;
    });
    const wb = await load(await deductionsXlsx(d));
    const rows = dataRows(wb.getWorksheet('扣分明细')!, 4);
    FORMULAS.forEach((note, i) => {
      const row = rows[i]!;
      // Excel keeps line breaks as LF: a CR is written as one.
      const typed = note.replace(/\r/g, '\n');
      for (const [col, expected] of [
        [2, FORMULAS[2]],
        [12, typed],
        [13, typed],
        [14, `证据#${i} ${typed}.jpg`],
        [17, typed],
      ] as const) {
        const cell = row.getCell(col);
        expect(cell.type, `${note} in column ${col}`).toBe(ExcelJS.ValueType.String);
        expect(cell.formula, `${note} in column ${col}`).toBeUndefined();
        expect(cell.value).toBe(expected);
      }
    });
    const summary = wb.getWorksheet('汇总')!;
    expect(summary.getCell('B4').value).toBe(FORMULAS[2]);
    expect(summary.getCell('B4').type).toBe(ExcelJS.ValueType.String);
  });

  it('sums each village on the summary sheet', async () => {
    const wb = await load(await deductionsXlsx(detail));
    const ws = wb.getWorksheet('汇总')!;
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([
      '乡镇',
      '村',
      '考核状态',
      '有效记录',
      '已撤回',
      '申诉调整',
      '记录扣分',
      '实扣分',
      '基础分',
      '加分',
      '总分',
      '区划代码',
    ]);
    detail.villages.forEach((v, i) => {
      expect((ws.getRow(4 + i).values as unknown[]).slice(1)).toEqual([
        v.townshipName,
        v.name,
        '已发布',
        v.counts.accepted,
        v.counts.withdrawn,
        v.counts.adjusted,
        v.totals.recorded,
        v.totals.deducted,
        v.totals.base,
        v.totals.bonus,
        v.totals.total,
        v.village,
      ]);
    });
    const sum = ws.getRow(4 + detail.villages.length);
    expect(sum.getCell(1).value).toBe('合计');
    expect(sum.getCell(4).value).toBe(detail.villages.reduce((n, v) => n + v.counts.accepted, 0));
  });

  it('says so when there are no findings, and streams the workbook exceljs builds in memory', async () => {
    const empty: DeductionDetail = { ...detail, villages: detail.villages.map((v) => ({ ...v, rows: [] })) };
    const ws = (await load(await deductionsXlsx(empty))).getWorksheet('扣分明细')!;
    expect(ws.getCell('A4').value).toBe('无扣分记录');
    const path = join(dir, 'detail.xlsx');
    await writeDeductionsXlsx(detail, path);
    const streamed = new ExcelJS.Workbook();
    await streamed.xlsx.readFile(path);
    const inMemory = await load(await workbookBufferInMemory(deductionsBook(detail)));
    const values = (wb: ExcelJS.Workbook) => wb.worksheets.map((w) => [w.getSheetValues(), [...w.model.merges].sort(), w.autoFilter, w.columns.map((c) => c.width)]);
    expect(values(streamed)).toEqual(values(inMemory));
    expect(values(await load(await deductionsXlsx(detail)))).toEqual(values(inMemory));
  });

  it('is written in English for an English detail', async () => {
    const en = syntheticDeductionDetail({ villages: 2, perVillage: 3, lang: 'en' });
    const wb = await load(await deductionsXlsx(en));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Deductions', 'Summary']);
    expect((wb.getWorksheet('Deductions')!.getRow(3).values as unknown[]).slice(1, 12)).toEqual([
      'Township',
      'Village',
      'Item',
      'Item title',
      'Scoring rule',
      'Element missing',
      'Count',
      'Points each',
      'Deducted',
      'Added',
      'Pool effect',
    ]);
  });
});
