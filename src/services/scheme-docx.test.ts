/**
 * Scheme tables kept in Word (.docx), read with mammoth into the grid an .xlsx gives: each
 * built-in scheme's office sheet laid out as a Word document (title paragraph, the table with
 * its merged cells as Word writes them, the 说明 paragraphs) imports to the very scheme its .xlsx
 * gives; a document without a scheme table, a damaged one and the old .doc are refused naming
 * the file; rowspan and colspan are laid out as a browser lays them out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docxOf, splitSheet } from '../../test/docx.ts';
import { refused } from '../../test/refused.ts';
import { BUILTIN_DIR } from '../schemes/index.ts';
import { blocksOf, gridOfBlocks } from './scheme-docx.ts';
import { importSchemeFile, readSchemeSheet } from './scheme-sheet.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-docx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['seed-2020', 'village-team-2024', 'township-2024', 'village-monitoring-2024'])('sheets/%s.xlsx laid out as a Word document', (id) => {
  it('imports to the same scheme, with the same lines unread', async () => {
    const xlsx = join(BUILTIN_DIR, 'sheets', `${id}.xlsx`);
    const { grid } = await readSchemeSheet(xlsx);
    const header = grid.cells.findIndex((r) => r.includes('评分标准'));
    const file = join(dir, `${id}.docx`);
    writeFileSync(file, await docxOf(splitSheet(grid, header)));
    const fromWord = await importSchemeFile(file, { id, name: '评分细则.docx', source: 'x' });
    const fromExcel = await importSchemeFile(xlsx, { id, name: '评分细则.xlsx', source: 'x' });
    expect(fromWord.sheet).toBe('Word 表格');
    expect(fromWord.scheme).toEqual(fromExcel.scheme);
    expect(fromWord.problems.map((p) => [p.code, p.node])).toEqual(fromExcel.problems.map((p) => [p.code, p.node]));
  });
});

describe('reading a Word document', () => {
  it('lays out rowspan and colspan as a browser does, reads entities, and a table in a cell as its text', () => {
    const html =
      '<p>某县考核细则 &amp; 说明</p><table><tr><td><p>x</p></td></tr></table>' +
      '<table><tr><th>序号</th><th>考核内容</th><th>分值</th><th>评分标准</th></tr>' +
      '<tr><td rowspan="2"><p>一、</p></td><td colspan="2"><p>组织</p><p>领导</p></td><td><p>缺一项扣2分</p></td></tr>' +
      '<tr><td><p>台账</p></td><td>5</td><td><table><tr><td>嵌套</td></tr></table></td></tr></table><p>说明：1. 本表&#20026;示例</p>';
    const grid = gridOfBlocks(blocksOf(html))!;
    expect(grid.cells).toEqual([
      ['某县考核细则 & 说明', '', '', ''],
      ['序号', '考核内容', '分值', '评分标准'],
      ['一、', '组织\n领导', '', '缺一项扣2分'],
      ['', '台账', '5', '嵌套'],
      ['说明：1. 本表为示例', '', '', ''],
    ]);
    expect(grid.merges).toEqual([
      { top: 2, left: 0, bottom: 3, right: 0 },
      { top: 2, left: 1, bottom: 2, right: 2 },
    ]);
  });

  it('refuses a document without a scheme table, a damaged one and the old .doc, naming the file', async () => {
    const none = join(dir, 'none.docx');
    writeFileSync(none, await docxOf({ above: ['只有一段文字'], table: { cells: [['a']] }, below: [] }));
    const e = await refused(importSchemeFile(none, { name: '考核办法.docx' }), 'missing-header');
    expect(e.message).toContain('考核办法.docx');
    expect((e.details as Array<{ zh: string }>)[0]!.zh).toBe('考核办法.docx：文档中没有考核细则表格（序号、考核内容、分值、评分标准）');
    const damaged = join(dir, 'damaged.docx');
    writeFileSync(damaged, Buffer.from('PK\u0003\u0004 not really a zip at all'));
    expect((await refused(importSchemeFile(damaged, { name: '细则.docx' }), 'unreadable-docx')).message).toMatch(/^细则\.docx: not a readable Word document \(\.docx\)/);
    const doc = join(dir, 'old.doc');
    writeFileSync(doc, 'x');
    expect((await refused(importSchemeFile(doc, { name: '细则.doc' }), 'unsupported-format')).message).toMatch(/细则\.doc: the old Word format is not read; .*save it as \.docx/);
  });
});
