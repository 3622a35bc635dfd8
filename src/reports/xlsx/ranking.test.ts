/**
 * The ranking workbook read back with exceljs: sheets, merged two-row headers, every number
 * a number equal to the report's, ranks, averages rows, frozen panes, print setup, widths
 * fitted to Chinese text, the streamed file the same as the in-memory one, and English.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../core/text-width.ts';
import type { RankingReport } from '../../services/report.service.ts';
import { rankingBook, rankingXlsx, writeRankingXlsx } from './ranking.ts';
import { workbookBufferInMemory } from './sheet-kit.ts';
import { syntheticRankingReport } from '../../../test/reports/xlsx/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** Every cell's value and type, sheet by sheet. */
function dump(wb: ExcelJS.Workbook): unknown[] {
  return wb.worksheets.map((ws) => {
    const rows: unknown[] = [ws.name, [...ws.model.merges].sort(), ws.views[0], ws.columns.map((c) => c.width)];
    ws.eachRow({ includeEmpty: true }, (row) => {
      const cells: unknown[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => cells.push([cell.address, cell.type, cell.value, cell.numFmt ?? null]));
      rows.push(cells);
    });
    return rows;
  });
}

describe('ranking workbook', () => {
  const report = syntheticRankingReport({ villages: 120, previous: true, grades: true });

  it('has the county, the section averages, the change and one sheet per township', async () => {
    const wb = await load(await rankingXlsx(report));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['全县', '分项平均', '较上年变化', '第1镇', '第2镇', '第3镇']);
  });

  it('lays the header out on two rows, groups merged over their columns, and freezes it', async () => {
    const ws = (await load(await rankingXlsx(report))).getWorksheet('全县')!;
    expect(ws.getCell('A1').value).toBe('120村考核排名（全县）');
    expect(String(ws.getCell('A2').value)).toContain('县：青山县');
    expect(String(ws.getCell('A2').value)).toContain('对比：2019年度考核');
    expect(String(ws.getCell('A2').value)).toContain('审计锚点：890:fedcba9876543210');
    const top = (ws.getRow(3).values as unknown[]).slice(1);
    const bottom = (ws.getRow(4).values as unknown[]).slice(1);
    expect(top).toEqual([
      '乡镇',
      '村',
      '各部分得分',
      '各部分得分',
      '各部分得分',
      '基础分（200）',
      '加分（10）',
      '总分',
      '等次',
      '乡镇排名',
      '全县排名',
      '较上年变化',
      '较上年变化',
      '区划代码',
    ]);
    expect(bottom).toEqual([
      '乡镇',
      '村',
      '组织领导（20）',
      '精准扶贫精准脱贫（120）',
      '日常工作（60）',
      '基础分（200）',
      '加分（10）',
      '总分',
      '等次',
      '乡镇排名',
      '全县排名',
      '总分',
      '名次',
      '区划代码',
    ]);
    expect([...ws.model.merges].sort()).toEqual(
      ['A1:N1', 'A2:N2', 'A3:A4', 'B3:B4', 'C3:E3', 'F3:F4', 'G3:G4', 'H3:H4', 'I3:I4', 'J3:J4', 'K3:K4', 'L3:M3', 'N3:N4', 'A125:B125'].sort(),
    );
    expect(ws.getCell('D3').isMerged).toBe(true);
    expect(ws.getCell('D3').master.address).toBe('C3');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 4, topLeftCell: 'C5' });
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:4' });
  });

  it('writes every score and rank as a number equal to the report’s, then the averages', async () => {
    const ws = (await load(await rankingXlsx(report))).getWorksheet('全县')!;
    report.rows.forEach((r, i) => {
      const row = ws.getRow(5 + i);
      expect(row.getCell(1).value).toBe(r.townshipName);
      expect(row.getCell(2).value).toBe(r.name);
      const numbers: Array<[number, number | null, string]> = [
        [3, r.sections['1']!, '0.00'],
        [4, r.sections['2']!, '0.00'],
        [5, r.sections['3']!, '0.00'],
        [6, r.base, '0.00'],
        [7, r.bonus, '0.00'],
        [8, r.total, '0.00'],
        [10, r.townshipRank, '0'],
        [11, r.countyRank, '0'],
        [12, r.change.total, '+0.00;-0.00;0.00'],
        [13, r.change.rank, '+0;-0;0'],
      ];
      for (const [col, value, fmt] of numbers) {
        const cell = row.getCell(col);
        if (value === null) {
          expect(cell.type, `${r.village} col ${col}`).toBe(ExcelJS.ValueType.Null);
          continue;
        }
        expect(cell.type, `${r.village} col ${col}`).toBe(ExcelJS.ValueType.Number);
        expect(cell.value).toBe(value);
        expect(cell.numFmt).toBe(fmt);
      }
      expect(row.getCell(9).value).toBe(r.grade!.title);
      expect(row.getCell(14).value).toBe(r.village);
    });
    // Ranks run 1 … with ties shared; new villages have no change.
    expect(ws.getRow(5).getCell(11).value).toBe(1);
    expect(report.rows.some((r) => r.change.total === null)).toBe(true);
    const avg = ws.getRow(5 + report.rows.length);
    expect(avg.getCell(1).value).toBe('平均（120个村）');
    expect([3, 4, 5, 6, 7, 8].map((c) => avg.getCell(c).value)).toEqual([
      report.county.averages['1'],
      report.county.averages['2'],
      report.county.averages['3'],
      report.county.base,
      report.county.bonus,
      report.county.total,
    ]);
    expect([3, 4, 5, 6, 7, 8].every((c) => avg.getCell(c).type === ExcelJS.ValueType.Number)).toBe(true);
    expect(avg.getCell(11).value).toBeNull();
    expect(ws.rowCount).toBe(5 + report.rows.length);
  });

  it('gives each township its villages by township rank, its averages and the county’s', async () => {
    const wb = await load(await rankingXlsx(report));
    for (const t of report.townships) {
      const ws = wb.getWorksheet(t.name)!;
      expect(ws.getCell('A1').value).toBe(`120村考核排名（${t.name}）`);
      t.rows.forEach((r, i) => {
        expect(ws.getRow(5 + i).getCell(2).value).toBe(r.name);
        expect(ws.getRow(5 + i).getCell(10).value).toBe(r.townshipRank);
      });
      expect(t.rows.map((r) => r.townshipRank)).toEqual([...t.rows.map((r) => r.townshipRank)].sort((a, b) => a - b));
      const own = ws.getRow(5 + t.rows.length);
      const county = ws.getRow(6 + t.rows.length);
      expect([own.getCell(1).value, own.getCell(8).value]).toEqual([`平均（${t.summary.count}个村）`, t.summary.total]);
      expect([county.getCell(1).value, county.getCell(8).value]).toEqual(['全县平均（120个村）', report.county.total]);
    }
  });

  it('has the section averages by township and the change against last year', async () => {
    const wb = await load(await rankingXlsx(report));
    const avg = wb.getWorksheet('分项平均')!;
    expect((avg.getRow(4).values as unknown[]).slice(1)).toEqual([
      '乡镇',
      '村数',
      '组织领导（20）',
      '精准扶贫精准脱贫（120）',
      '日常工作（60）',
      '基础分（200）',
      '加分（10）',
      '总分',
    ]);
    expect(avg.model.merges).toContain('C3:E3');
    report.townships.forEach((t, i) => {
      expect((avg.getRow(5 + i).values as unknown[]).slice(1)).toEqual([
        t.name,
        t.summary.count,
        t.summary.averages['1'],
        t.summary.averages['2'],
        t.summary.averages['3'],
        t.summary.base,
        t.summary.bonus,
        t.summary.total,
      ]);
    });
    expect(avg.getRow(5 + report.townships.length).getCell(8).value).toBe(report.county.total);

    const change = wb.getWorksheet('较上年变化')!;
    expect((change.getRow(3).values as unknown[]).slice(1)).toEqual([
      '乡镇',
      '村',
      '上年总分',
      '本年总分',
      '总分变化',
      '上年全县排名',
      '本年全县排名',
      '名次变化（正数为上升）',
      '区划代码',
    ]);
    report.rows.forEach((r, i) => {
      const row = change.getRow(4 + i);
      expect([row.getCell(3).value, row.getCell(4).value, row.getCell(5).value, row.getCell(6).value, row.getCell(7).value, row.getCell(8).value]).toEqual([
        r.change.previousTotal,
        r.total,
        r.change.total,
        r.change.previousRank,
        r.countyRank,
        r.change.rank,
      ]);
    });
  });

  it('fits column widths to the longest Chinese text', async () => {
    const ws = (await load(await rankingXlsx(report))).getWorksheet('全县')!;
    const longest = Math.max(...report.rows.map((r) => displayWidth(r.name)), displayWidth('村'));
    expect(ws.getColumn(2).width).toBe(longest + 2);
    expect(ws.getColumn(4).width).toBe(Math.ceil(displayWidth('精准扶贫精准脱贫（120）') / 2) + 2);
  });

  it('streams the same workbook exceljs builds in memory, to bytes or to a file', async () => {
    const path = join(dir, 'ranking.xlsx');
    await writeRankingXlsx(report, path);
    const file = new ExcelJS.Workbook();
    await file.xlsx.readFile(path);
    const inMemory = dump(await load(await workbookBufferInMemory(rankingBook(report))));
    expect(dump(await load(await rankingXlsx(report)))).toEqual(inMemory);
    expect(dump(file)).toEqual(inMemory);
    expect(file.getWorksheet('全县')!.pageSetup.printTitlesRow).toBe('3:4');
  });

  it('leaves out the grade and change columns, and the change sheet, when there are none', async () => {
    const plain = syntheticRankingReport({ villages: 60 });
    const wb = await load(await rankingXlsx(plain));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['全县', '分项平均', '第1镇', '第2镇']);
    expect((wb.getWorksheet('全县')!.getRow(4).values as unknown[]).slice(1)).toEqual([
      '乡镇',
      '村',
      '组织领导（20）',
      '精准扶贫精准脱贫（120）',
      '日常工作（60）',
      '基础分（200）',
      '加分（10）',
      '总分',
      '乡镇排名',
      '全县排名',
      '区划代码',
    ]);
  });

  it('makes one township’s workbook without the county sheet', async () => {
    const one: RankingReport = {
      ...report,
      header: { ...report.header, township: { code: report.townships[1]!.code, name: '第2镇' } },
      townships: [report.townships[1]!],
      rows: report.townships[1]!.rows,
    };
    const wb = await load(await rankingXlsx(one));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['分项平均', '较上年变化', '第2镇']);
  });

  it('keeps township names that are not valid sheet names apart', async () => {
    const odd = syntheticRankingReport({ villages: 100 });
    odd.townships[0]!.name = '新区/开发区:一*';
    odd.townships[1]!.name = '新区/开发区:一?';
    const wb = await load(await rankingXlsx(odd));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['全县', '分项平均', '新区 开发区 一', '新区 开发区 一 (2)']);
    expect(wb.worksheets[2]!.getCell('A1').value).toBe('100村考核排名（新区/开发区:一*）');
  });

  it('writes a ranking with nothing ranked yet (a viewer before publication)', async () => {
    const empty = syntheticRankingReport({ villages: 0 });
    const wb = await load(await rankingXlsx(empty));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['全县', '分项平均']);
    expect(wb.getWorksheet('全县')!.rowCount).toBe(4);
    expect((wb.getWorksheet('分项平均')!.getRow(5).values as unknown[]).slice(1, 3)).toEqual(['全县平均（0个村）', 0]);
  });

  it('is written in English for an English report', async () => {
    const en = syntheticRankingReport({ villages: 60, lang: 'en', previous: true });
    const wb = await load(await rankingXlsx(en));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['County', 'Section averages', 'Change', '第1镇', '第2镇']);
    const ws = wb.getWorksheet('County')!;
    expect((ws.getRow(3).values as unknown[]).slice(1, 4)).toEqual(['Township', 'Village', 'Section scores']);
    expect((ws.getRow(4).values as unknown[]).slice(3, 9)).toEqual([
      'Organisation (20)',
      'Targeted poverty alleviation (120)',
      'Daily work (60)',
      'Base (200)',
      'Bonus (10)',
      'Total',
    ]);
    expect(ws.getRow(5 + en.rows.length).getCell(1).value).toBe('Average (60 villages)');
    expect(ws.headerFooter.oddFooter).toBe('&CPage &P of &N');
  });
});
