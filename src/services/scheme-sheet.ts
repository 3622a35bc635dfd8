/**
 * Reading an office's scheme table from its file (.xlsx: the sheet named like 考核细则 or
 * 评分细则, else the first; .docx: the document's table, scheme-docx.ts) into the grid core's
 * importSheet reads (cell texts with the merged ranges), and importing it. A file that cannot be
 * read (not a workbook or a Word document, empty, without a header row) is refused with a
 * KaoheError naming the file; lines of the table that cannot be read are the import's problems,
 * not an error. The old binary formats (.xls, .doc, .wps) are refused: save them as .xlsx or .docx.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type ExcelJS from 'exceljs';
import { KaoheError } from '../core/errors.ts';
import { quoteCell } from '../core/registry/cell-text.ts';
import { importProblemText } from '../core/scheme/import-problems.ts';
import { importSheet, type SheetGrid, type SheetImportOptions, type SheetImportResult } from '../core/scheme/sheet-import.ts';
import { checkZipDirectory } from './import/readers.ts';
import { readSchemeDocx } from './scheme-docx.ts';

/** A scheme table is a few hundred rows: a larger file is not one. */
export const SCHEME_SHEET_MAX_BYTES = 10 * 1024 * 1024;
/** Rows and columns read at most (a scheme has a few hundred lines and a handful of columns). */
const MAX_ROWS = 5000;
const MAX_COLUMNS = 50;

/** The sheet a scheme is in: named like 考核细则 / 评分细则, else the first visible one. */
const SHEET_NAME = /细则|评分|考核|标准/;

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

/** "B3:D3" → 0-based inclusive bounds. */
function rangeOf(ref: string): { top: number; left: number; bottom: number; right: number } | undefined {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref.toUpperCase());
  if (!m) return undefined;
  const col = (s: string) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { top: Number(m[2]) - 1, left: col(m[1]!), bottom: Number(m[4]) - 1, right: col(m[3]!) };
}

/** Reads a .xlsx scheme table into a grid; `name` is the file as the office knows it (messages name it). */
export async function readSchemeSheet(path: string, name = basename(path)): Promise<{ grid: SheetGrid; sheet: string }> {
  const relabel = (e: unknown): unknown => (e instanceof KaoheError ? new KaoheError(e.code, e.message.split(path).join(name), e.details) : e);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new KaoheError('unreadable-file', `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const ext = extname(name).toLowerCase();
  if (ext === '.xls') throw new KaoheError('unsupported-format', `${name}: the old .xls format is not read; open it in Excel or WPS and save it as .xlsx`);
  if (ext === '.doc' || ext === '.wps') {
    throw new KaoheError('unsupported-format', `${name}: the old Word format is not read; open it in Word or WPS and save it as .docx`);
  }
  if (ext !== '.xlsx' && ext !== '.docx') throw new KaoheError('unsupported-format', `${name}: not a .xlsx workbook or a .docx document; a scheme table is read from those`);
  if (size === 0) throw new KaoheError('empty-file', `${name}: the file is empty (0 bytes)`);
  if (size > SCHEME_SHEET_MAX_BYTES) {
    throw new KaoheError('xlsx-too-large', `${name}: ${Math.round(size / 1024 / 1024)} MiB, more than the ${SCHEME_SHEET_MAX_BYTES / 1024 / 1024} MiB a scheme table may be`);
  }
  try {
    checkZipDirectory(path, size, { worksheet: ext !== '.docx' });
  } catch (e) {
    // The zip's checks speak of a workbook: a Word document's damage is said as its own.
    if (ext === '.docx' && e instanceof KaoheError) {
      throw new KaoheError('unreadable-docx', `${name}: not a readable Word document (.docx): ${e.message.split(`${path}: `).join('')}`);
    }
    throw relabel(e);
  }
  if (ext === '.docx') return readSchemeDocx(path, name);
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (e) {
    throw new KaoheError('unreadable-xlsx', `${name}: not a readable .xlsx workbook: ${quoteCell((e as Error).message, 300)}`);
  }
  const visible = workbook.worksheets.filter((w) => w.state !== 'hidden' && w.state !== 'veryHidden');
  const ws = visible.find((w) => SHEET_NAME.test(w.name)) ?? visible[0];
  if (!ws) throw new KaoheError('unreadable-xlsx', `${name}: the workbook has no worksheet`);
  const rows = Math.min(ws.rowCount, MAX_ROWS);
  const columns = Math.min(ws.columnCount, MAX_COLUMNS);
  const cells: string[][] = [];
  for (let r = 1; r <= rows; r++) {
    const row: string[] = [];
    const sheetRow = ws.getRow(r);
    for (let c = 1; c <= columns; c++) {
      const cell = sheetRow.getCell(c);
      // A merged cell's value is its master's: kept once, on the master.
      row.push(cell.isMerged && cell.master !== cell ? '' : cellText(cell.value).trim());
    }
    cells.push(row);
  }
  if (cells.every((r) => r.every((c) => !c))) throw new KaoheError('empty-file', `${name}: worksheet "${ws.name}" is empty`);
  const merges = ((ws.model as { merges?: string[] }).merges ?? []).map(rangeOf).filter((m): m is NonNullable<typeof m> => m !== undefined);
  return { grid: { cells, merges }, sheet: ws.name };
}

/**
 * Imports a scheme table file: the scheme file's data and every line not read. Throws a
 * KaoheError naming the file when it cannot be read at all, or has no table of a scheme.
 */
export async function importSchemeFile(path: string, options: SheetImportOptions & { name?: string } = {}): Promise<SheetImportResult & { sheet: string }> {
  const name = options.name ?? basename(path);
  const { grid, sheet } = await readSchemeSheet(path, name);
  const title = basename(name, extname(name));
  const result = importSheet(grid, { id: options.id, title, source: options.source ?? name });
  const fatal = result.problems.find((p) => p.code === 'no-header' || p.code === 'no-rows');
  if (fatal) {
    const code = fatal.code === 'no-header' ? 'missing-header' : 'no-data-rows';
    throw new KaoheError(code, `${name}: worksheet "${sheet}": ${fatal.message}`, [
      { field: 'file', message: fatal.message, zh: `${name}：工作表“${sheet}”：${importProblemText(fatal, 'zh')}`, en: `${name}: worksheet "${sheet}": ${fatal.message}` },
    ]);
  }
  return { ...result, sheet };
}

/** The same for an upload held in memory (the API): written to a temporary file, read, removed. */
export async function importSchemeUpload(data: Buffer, name: string, options: SheetImportOptions = {}): Promise<SheetImportResult & { sheet: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-scheme-'));
  const ext = extname(name).toLowerCase();
  const path = join(dir, `upload${/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : ''}`);
  try {
    writeFileSync(path, data);
    return await importSchemeFile(path, { ...options, name });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
