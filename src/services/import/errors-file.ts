/** A copy of an imported file with an error column and its bad cells marked, so an office can fix its sheet row by row. */
import { quoteCell } from '../../core/registry/cell-text.ts';
import { problemText } from '../../core/registry/problems.ts';
import type { ImportProblem } from './import.service.ts';
import { openSheet } from './readers.ts';

/** Characters of a cell copied into the errors file (Excel holds at most 32,767 in a cell). */
const CELL_MAX = 32_000;

/**
 * Writes `out` (.xlsx): every row of `file` as read, at its own row number, plus 错误 (errors) naming
 * column, value and why, in Chinese; each bad cell itself filled pale red with the reason as its
 * note. `headerRow` (the import report's) is the row that gets the 错误 header; without it, the first row.
 */
export async function writeErrorsFile(file: string, out: string, problems: ImportProblem[], options: { headerRow?: number } = {}): Promise<void> {
  const byRow = new Map<number, string[]>();
  /** By row, the reasons of each bad cell, by its column number (1-based). */
  const cellsByRow = new Map<number, Map<number, string[]>>();
  for (const p of problems) {
    const why = problemText(p.reason ? { ...p.reason, message: p.message } : p, 'zh');
    const text = `${p.column ? `${p.column}: ` : ''}${p.value ? `「${p.value}」 ` : ''}${why}`;
    byRow.set(p.row, [...(byRow.get(p.row) ?? []), text]);
    // The column's letters, as the problem names them: 户主身份证号 (E), or a key of two: A (B) + C (D).
    for (const m of (p.column ?? '').matchAll(/\(([A-Z]{1,3})\)/g)) {
      const cells = cellsByRow.get(p.row) ?? new Map<number, string[]>();
      const col = columnNumber(m[1]!);
      cells.set(col, [...(cells.get(col) ?? []), why]);
      cellsByRow.set(p.row, cells);
    }
  }
  // One column for the errors, right of every row's cells (a title row is narrower, a row with
  // stray cells past the header wider): the file is read twice.
  let width = 0;
  for await (const { cells } of openSheet(file).rows()) width = Math.max(width, cells.length);
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('导入错误', { views: [{ state: 'frozen', ySplit: options.headerRow ?? 1 }] });
  let first = true;
  for await (const { row, cells } of openSheet(file).rows()) {
    const header = options.headerRow === undefined ? first : row === options.headerRow;
    const messages = byRow.get(row);
    // A cell as the office wrote it, but what a workbook cannot hold: control characters (XML has
    // no NUL) shown as ␀ ␛ …, and at most Excel's 32,767 characters in a cell.
    const values: Array<string | number | boolean | Date | null> = cells.map((c) => (c === undefined ? null : typeof c === 'string' ? quoteCell(c, CELL_MAX) : c));
    while (values.length < width) values.push(null);
    values.push(header ? '错误' : (messages?.join('；') ?? null));
    // The same row number as in the file (and in the problems), even past skipped empty lines.
    const added = sheet.getRow(row);
    added.values = values;
    if (header) added.font = { bold: true };
    if (messages) added.getCell(values.length).font = { color: { argb: 'FFC00000' } };
    for (const [col, reasons] of cellsByRow.get(row) ?? []) {
      const cell = added.getCell(col);
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: BAD_FILL } };
      cell.note = reasons.join('；');
    }
    added.commit();
    first = false;
  }
  sheet.commit();
  await workbook.commit();
}

/** The fill of a bad cell: pale red, the text stays readable. */
export const BAD_FILL = 'FFFFC7CE';

/** A column's number from its letters: A → 1, Z → 26, AA → 27. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}
