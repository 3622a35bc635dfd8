/** A copy of an imported file with an error column, so an office can fix its sheet row by row. */
import ExcelJS from 'exceljs';
import type { ImportProblem } from './import.service.ts';
import { openSheet } from './readers.ts';

/** Writes `out` (.xlsx): every row of `file` as read, plus 错误 (errors) naming column, value and why. */
export async function writeErrorsFile(file: string, out: string, problems: ImportProblem[]): Promise<void> {
  const byRow = new Map<number, string[]>();
  for (const p of problems) {
    const text = `${p.column ? `${p.column}: ` : ''}${p.value ? `「${p.value}」 ` : ''}${p.message}`;
    byRow.set(p.row, [...(byRow.get(p.row) ?? []), text]);
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('导入错误', { views: [{ state: 'frozen', ySplit: 1 }] });
  let width = 0;
  let first = true;
  for await (const { row, cells } of openSheet(file).rows()) {
    width = Math.max(width, cells.length);
    const messages = byRow.get(row);
    const values: Array<string | number | boolean | Date | null> = cells.map((c) => (c === undefined ? null : c));
    while (values.length < width) values.push(null);
    values.push(first ? '错误' : (messages?.join('；') ?? null));
    const added = sheet.addRow(values);
    if (first) added.font = { bold: true };
    if (messages) added.getCell(values.length).font = { color: { argb: 'FFC00000' } };
    added.commit();
    first = false;
  }
  sheet.commit();
  await workbook.commit();
}
