/** Writing a scheme table as an office's .xlsx workbook, for the import tests. */
import ExcelJS from 'exceljs';
import type { SheetGrid } from '../src/core/scheme/sheet-import.ts';

/** Writes a grid as a workbook: numbers as numbers, merged ranges merged, a notes sheet first where asked. */
export async function writeSheet(grid: SheetGrid, path: string, options: { sheetName?: string; notesFirst?: boolean } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  if (options.notesFirst) wb.addWorksheet('填表说明').addRow(['本表为填表说明，不是细则']);
  const ws = wb.addWorksheet(options.sheetName ?? 'Sheet1');
  grid.cells.forEach((row) => ws.addRow(row.map((c) => (/^\d+(\.\d+)?$/.test(c) ? Number(c) : c))));
  for (const m of grid.merges ?? []) ws.mergeCells(m.top + 1, m.left + 1, m.bottom + 1, m.right + 1);
  ws.getColumn(2).width = 60;
  await wb.xlsx.writeFile(path);
  return path;
}
