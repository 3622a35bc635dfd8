/** Reading an office's sheet headers in the browser, as the server reads them. */
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { kindSpec } from '../../core/registry/kinds.ts';
import { checkHeaders, columnLetter, decodeCsv, parseCsvRows, readFirstRows, readXlsxRows } from './sheet-headers.ts';

const households = kindSpec('households')!.fields;

describe('sheet headers', () => {
  it('parses CSV with quotes, commas and line breaks inside fields', () => {
    expect(parseCsvRows('a,"b,c","d ""e""\nf"\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"\nf'],
      ['1', '2', '3'],
    ]);
  });

  it('decodes UTF-8 with a BOM, and GBK files as Chinese Excel writes them', () => {
    const utf8 = new TextEncoder().encode('\ufeff户编号,户主姓名\n');
    expect(decodeCsv(utf8)).toEqual({ text: '户编号,户主姓名\n', encoding: 'utf-8' });
    // 户编号 in GBK
    const gbk = new Uint8Array([0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5]);
    expect(decodeCsv(gbk)).toEqual({ text: '户编号', encoding: 'gb18030' });
  });

  it('finds the header row below a title, loosely (spaces, brackets, asterisks, aliases)', () => {
    const rows = [
      ['2020年贫困户名册'],
      ['*户编号', '村区划代码', '年度', '户 主', '户主身份证号', '家庭人口数', '贫困户属性', '主要致贫原因', '贫困户状态', '备注', '人均纯收入(元)'],
    ];
    const check = checkHeaders(households, rows);
    expect(check.headerRow).toBe(2);
    expect(check.missingRequired).toEqual([]);
    expect(check.ignored).toEqual(['备注']);
    expect(check.matched.find((m) => m.field.key === 'income_fen')?.column).toBe(10);
    expect(columnLetter(10)).toBe('K');
    expect(columnLetter(26)).toBe('AA');
  });

  it('reads a two-row header as one and names missing required columns', () => {
    const rows = [
      ['户编号', '村区划代码', '年度', '户主信息', '', '家庭人口数'],
      ['', '', '', '户主姓名', '户主身份证号', ''],
    ];
    const check = checkHeaders(households, rows);
    expect(check.headerRow).toBe(2);
    expect(check.matched.map((m) => m.field.key)).toEqual(expect.arrayContaining(['head_name', 'head_id_number', 'size']));
    expect(check.missingRequired.map((f) => f.key)).toEqual(expect.arrayContaining(['attribute', 'main_cause', 'status']));
    expect(checkHeaders(households, [['姓名', '电话']]).headerRow).toBe(0);
  });

  it('reads the first rows of an .xlsx file without inflating the rest', async () => {
    const wb = new ExcelJS.Workbook();
    const other = wb.addWorksheet('说明');
    other.addRow(['这张表不是数据']);
    const ws = wb.addWorksheet('贫困户');
    wb.views = [{ activeTab: 1 } as never];
    ws.addRow(['户编号', '户主姓名', '家庭人口数', '是否有效']);
    ws.addRow(['5224251002010001', '王大山', 4, true]);
    ws.getCell('F3').value = { richText: [{ text: '富' }, { text: '文本' }] };
    for (let i = 0; i < 500; i++) ws.addRow([`52242510020${String(i).padStart(5, '0')}`, '某', i]);
    // The first sheet of the workbook is the explanation sheet: move the data sheet first, as offices do.
    const wb2 = new ExcelJS.Workbook();
    const data = wb2.addWorksheet('贫困户');
    ws.eachRow((r) => data.addRow(r.values as unknown[]));
    wb2.addWorksheet('说明').addRow(['说明']);
    const bytes = new Uint8Array(await wb2.xlsx.writeBuffer());
    const rows = await readXlsxRows(new Blob([bytes]), 3);
    expect(rows[0]).toEqual(['户编号', '户主姓名', '家庭人口数', '是否有效']);
    expect(rows[1]).toEqual(['5224251002010001', '王大山', '4', '1']);
    expect(rows[2]?.[5]).toBe('富文本');
    const file = new File([bytes], '名册.xlsx');
    const first = await readFirstRows(file);
    expect(first.format).toBe('xlsx');
    expect(first.rows).toHaveLength(12);
    void other;
  });

  it('reads CSV files by their first bytes', async () => {
    const file = new File([new TextEncoder().encode('户编号,户主姓名\n1,王\n')], 'a.csv');
    expect(await readFirstRows(file)).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      rows: [
        ['户编号', '户主姓名'],
        ['1', '王'],
      ],
    });
  });
});
