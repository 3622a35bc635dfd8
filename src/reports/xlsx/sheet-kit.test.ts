import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../core/text-width.ts';
import { addTable, columnLetter, fittedWidths, sheetNames, text, workbookBuffer } from './sheet-kit.ts';

describe('sheet names', () => {
  it('drops the characters Excel refuses, cuts to 31, and makes them unique ignoring case', () => {
    const names = sheetNames(['全县', 'A/B:C*?[x]\\y', '全县', 'history', "'引号'", '', 'x'.repeat(40), 'X'.repeat(40), '全县']);
    expect(names).toEqual(['全县', 'A B C   x  y', '全县 (2)', 'history 1', '引号', 'Sheet', 'x'.repeat(31), `${'X'.repeat(27)} (2)`, '全县 (3)']);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[[\]:*?/\\]/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });

  it('never splits a character outside the BMP', () => {
    const [name] = sheetNames(['一'.repeat(30) + '𠀀𠀀']);
    expect(name).toBe('一'.repeat(30));
  });
});

describe('cells', () => {
  it('keeps text as typed, cut to Excel’s 32,767 characters', () => {
    expect(text('=1+1')).toBe('=1+1');
    expect(text(null)).toBeNull();
    expect(text('a\r\nb\rc')).toBe('a\nb\nc');
    expect(text('a'.repeat(40_000))!.length).toBe(32_767);
  });

  it('names columns', () => {
    expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
  });

  it('fits widths to Chinese text (two columns a character), numbers as shown, within bounds', () => {
    const widths = fittedWidths(
      [{ header: '村' }, { header: '总分', numFmt: '0.00' }, { header: '说明', wrap: true }],
      [{ values: ['石桥村村民委员会', 199.5, 'x'.repeat(100)] }, { values: ['平均（30个村）', 1234.5, null], span: 1 }],
    );
    expect(widths[0]).toBe(displayWidth('石桥村村民委员会') + 2);
    expect(widths[1]).toBe('1234.50'.length + 2);
    expect(widths[2]).toBe(36);
  });
});

describe('tables', () => {
  it('writes a two-row header with group cells merged, frozen panes, print titles and A4 landscape', async () => {
    const buffer = await workbookBuffer((book) => {
      addTable(book, {
        name: 'T',
        title: '标题',
        subtitle: ['第一行\n第二行'],
        columns: [{ header: '村' }, { header: '甲', group: '组' }, { header: '乙', group: '组' }, { header: '合计', numFmt: '0.00' }],
        rows: [{ values: ['石桥村', 1, 2, 3.5] }, { values: ['平均', null, 1, 2], kind: 'average', span: 2 }],
        freezeColumns: 1,
        autoFilter: true,
        lang: 'zh',
      });
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('T')!;
    expect([...ws.model.merges].sort()).toEqual(['A1:D1', 'A2:D2', 'A3:A4', 'A6:B6', 'B3:C3', 'D3:D4']);
    expect(ws.getCell('B3').value).toBe('组');
    expect(ws.getCell('C4').value).toBe('乙');
    expect(ws.getCell('D5').value).toBe(3.5);
    expect(ws.getCell('D5').numFmt).toBe('0.00');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 4 });
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1, printTitlesRow: '3:4' });
    expect(ws.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页');
    expect(ws.autoFilter).toBe('A4:D6');
  });
});
