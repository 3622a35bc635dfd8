/**
 * What every Kaohe workbook shares: a table laid out the way a county office lays out its
 * sheets (title rows, a one- or two-row header with merged group cells, frozen panes, column
 * widths fitted to Chinese text, numbers as numbers, A4 landscape with the header repeated on
 * every printed page), valid and unique sheet names, and text that is always text.
 *
 * Workbooks are written with exceljs's streaming writer (into memory for a Buffer, or to a
 * file): rows are added in order, styled and merged before they are committed, and the
 * sheet's views, columns and page setup are fixed before its first row. The same code also
 * fills exceljs's in-memory model, which the tests compare the streamed bytes against.
 */
import { Writable } from 'node:stream';
// Loaded when a workbook is first made: a command that writes none (most) starts without it.
import type ExcelJS from 'exceljs';
import type { Lang } from '../../core/scheme/model.ts';
import { displayWidth } from '../../core/text-width.ts';

export type CellValue = string | number | null;

export interface ColumnSpec {
  /** The header (the lower header row when the column is in a group). */
  header: string;
  /** Columns next to each other with the same group share an upper header cell, merged over them. */
  group?: string;
  /** Number format for numbers ("0.00", "0"). */
  numFmt?: string;
  /** Long text: wrapped, the width capped lower. */
  wrap?: boolean;
  align?: 'left' | 'center' | 'right';
}

export type RowKind = 'data' | 'subtotal' | 'average';

export interface TableRow {
  values: CellValue[];
  kind?: RowKind;
  /** Merge the first `span` cells (the label) of this row. */
  span?: number;
}

export interface TableSpec {
  name: string;
  title: string;
  /** Lines under the title (county, scheme, date …), each its own merged row. */
  subtitle: string[];
  columns: ColumnSpec[];
  rows: readonly TableRow[];
  /** Columns kept in view when scrolling right (township, village). */
  freezeColumns: number;
  /** An autoFilter over the header and the rows. */
  autoFilter?: boolean;
  lang: Lang;
}

/** Excel's limit on a cell's text. */
const MAX_CELL_TEXT = 32_767;
const MIN_WIDTH = 6;
const MAX_WIDTH = 40;
const MAX_WRAP_WIDTH = 36;

/**
 * A user's text for a cell: always a string value (exceljs writes it as a shared string,
 * never a formula, so "=HYPERLINK(…)", "+1", "-3" and "@SUM(A1)" stay text and are shown as
 * typed); line breaks as Excel keeps them (LF: a bare CR would come back as LF anyway, XML
 * normalises it); cut to Excel's 32,767 characters.
 */
export function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  return v.length > MAX_CELL_TEXT ? v.slice(0, MAX_CELL_TEXT - 1) + '…' : v;
}

/** Characters Excel refuses in a sheet name. */
const BAD_SHEET_CHARS = /[[\]:*?/\\]/g;

/**
 * Valid, unique sheet names for the wanted ones, in order: no []:*?/\, no quote at either end,
 * at most 31 characters, not empty, not "History", unique ignoring case (a repeated name gets
 * " (2)", " (3)" …, cut to fit).
 */
export function sheetNames(wanted: readonly string[]): string[] {
  const taken = new Set<string>();
  return wanted.map((w) => {
    let base = w
      .replace(BAD_SHEET_CHARS, ' ')
      .replace(/[\u0000-\u001f]/g, ' ')
      .trim()
      .replace(/^'+|'+$/g, '')
      .trim();
    if (!base || base.toLowerCase() === 'history') base = base ? `${base} 1` : 'Sheet';
    base = cut(base, 31);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = cut(base, 31 - suffix.length).replace(/'+$/, '') + suffix;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/** The first `max` UTF-16 units, never splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, max);
  if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
  return out;
}

/** Column letters of a 1-based index: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A number as a format shows it (for widths only). */
function shown(value: number, numFmt: string | undefined): string {
  if (numFmt?.startsWith('+')) return (value > 0 ? '+' : '') + shown(value, numFmt.slice(1).split(';')[0]);
  if (numFmt === '0') return String(Math.round(value));
  if (numFmt === '0.00' || numFmt?.startsWith('0.00')) return value.toFixed(2);
  return String(value);
}

/** Widths (in characters of the default font, CJK counting two) fitted to the header and every value. */
export function fittedWidths(columns: readonly ColumnSpec[], rows: readonly TableRow[]): number[] {
  return columns.map((c, i) => {
    // A header is wrapped over two lines at most when it is long.
    const header = displayWidth(c.header);
    let w = header > 16 ? Math.ceil(header / 2) : header;
    for (const r of rows) {
      if (r.span !== undefined && i < r.span) continue;
      const v = r.values[i];
      if (v === null || v === undefined) continue;
      const width = typeof v === 'number' ? shown(v, c.numFmt).length : longestLine(v);
      if (width > w) w = width;
    }
    const max = c.wrap ? MAX_WRAP_WIDTH : MAX_WIDTH;
    return Math.min(max, Math.max(MIN_WIDTH, w + 2));
  });
}

/** Lines the tallest wrapped cell of a row takes at the columns' widths. */
function wrappedLines(columns: readonly ColumnSpec[], widths: readonly number[], row: TableRow): number {
  let most = 1;
  columns.forEach((c, i) => {
    const v = row.values[i];
    if (!c.wrap || typeof v !== 'string' || (row.span !== undefined && i < row.span)) return;
    const room = Math.max(1, widths[i]! - 1);
    let lines = 0;
    for (const line of v.split('\n')) lines += Math.max(1, Math.ceil(displayWidth(line) / room));
    most = Math.max(most, lines);
  });
  return most;
}

function longestLine(s: string): number {
  let w = 0;
  for (const line of s.split('\n')) w = Math.max(w, displayWidth(line));
  return w;
}

// ---------------------------------------------------------------------------------------------
// Styles (shared objects: exceljs keeps a reference per cell, nothing here is mutated)

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const SUBTOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
const AVERAGE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };

const TITLE_STYLE: Partial<ExcelJS.Style> = { font: { bold: true, size: 16 }, alignment: { horizontal: 'center', vertical: 'middle' } };
const SUBTITLE_STYLE: Partial<ExcelJS.Style> = { font: { size: 10 }, alignment: { horizontal: 'left', vertical: 'middle', wrapText: true } };
const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  fill: HEADER_FILL,
  border: BORDER,
};

const styleCache = new Map<string, Partial<ExcelJS.Style>>();

function cellStyle(column: ColumnSpec, kind: RowKind, isNumber: boolean): Partial<ExcelJS.Style> {
  const key = `${kind}|${isNumber ? (column.numFmt ?? '') : ''}|${column.wrap ? 1 : 0}|${column.align ?? ''}|${isNumber ? 1 : 0}`;
  const hit = styleCache.get(key);
  if (hit) return hit;
  const horizontal = column.align ?? (isNumber ? 'right' : 'left');
  const style: Partial<ExcelJS.Style> = {
    border: BORDER,
    alignment: { horizontal, vertical: 'middle', wrapText: !!column.wrap },
    ...(isNumber && column.numFmt ? { numFmt: column.numFmt } : {}),
    ...(kind === 'subtotal' ? { font: { bold: true }, fill: SUBTOTAL_FILL } : kind === 'average' ? { font: { bold: true }, fill: AVERAGE_FILL } : {}),
  };
  styleCache.set(key, style);
  return style;
}

// ---------------------------------------------------------------------------------------------

/** A workbook being written: in memory, or streamed to a file. */
export interface Book {
  workbook: ExcelJS.Workbook;
  streaming: boolean;
}

const FOOTER = { zh: '&C第 &P 页，共 &N 页', en: '&CPage &P of &N' } as const;

/**
 * Writes a table as a new sheet: title and subtitle rows merged across it, the header (two
 * rows when any column is in a group: a grouped column's group above its header, any other
 * column's header merged over both rows), the rows, widths fitted, the header frozen and
 * repeated on printed pages. Returns the sheet's layout (for tests and callers that add to it).
 */
export function addTable(book: Book, spec: TableSpec): { headerRows: [number, number]; firstDataRow: number; lastRow: number } {
  const n = spec.columns.length;
  const last = columnLetter(n);
  const titleRows = 1 + spec.subtitle.length;
  const twoRows = spec.columns.some((c) => c.group !== undefined);
  const headerTop = titleRows + 1;
  const headerBottom = twoRows ? headerTop + 1 : headerTop;
  const firstDataRow = headerBottom + 1;
  const ws = book.workbook.addWorksheet(spec.name, {
    views: [
      { state: 'frozen', xSplit: spec.freezeColumns, ySplit: headerBottom, topLeftCell: `${columnLetter(spec.freezeColumns + 1)}${firstDataRow}`, activeCell: `A${firstDataRow}` },
    ],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${headerTop}:${headerBottom}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: FOOTER[spec.lang], evenFooter: FOOTER[spec.lang] },
    properties: { defaultRowHeight: 18 },
  });
  const widths = fittedWidths(spec.columns, spec.rows);
  ws.columns = widths.map((width) => ({ width }));

  const commit = (row: ExcelJS.Row) => {
    if (book.streaming) row.commit();
  };
  const pending: ExcelJS.Row[] = [];

  // Title and subtitle.
  const title = ws.addRow([spec.title]);
  title.height = 28;
  title.getCell(1).style = TITLE_STYLE;
  pending.push(title);
  for (const line of spec.subtitle) {
    const r = ws.addRow([text(line)]);
    r.getCell(1).style = SUBTITLE_STYLE;
    // A merged cell does not grow with its text: room for each of its lines.
    r.height = Math.max(18, 15 * line.split('\n').length);
    pending.push(r);
  }
  if (n > 1) for (let r = 1; r <= titleRows; r++) ws.mergeCells(`A${r}:${last}${r}`);

  // Header.
  const top = ws.addRow(spec.columns.map((c) => (twoRows ? (c.group ?? c.header) : c.header)));
  pending.push(top);
  if (twoRows) {
    const bottom = ws.addRow(spec.columns.map((c) => (c.group !== undefined ? c.header : null)));
    bottom.height = 32;
    pending.push(bottom);
    for (let i = 0; i < n;) {
      const g = spec.columns[i]!.group;
      let j = i;
      if (g !== undefined) while (j + 1 < n && spec.columns[j + 1]!.group === g) j++;
      if (g === undefined) ws.mergeCells(headerTop, i + 1, headerBottom, i + 1);
      else if (j > i) ws.mergeCells(headerTop, i + 1, headerTop, j + 1);
      i = j + 1;
    }
  } else {
    top.height = 32;
  }
  for (let r = headerTop; r <= headerBottom; r++) for (let c = 1; c <= n; c++) ws.getCell(r, c).style = HEADER_STYLE;
  for (const r of pending) commit(r);

  // Rows.
  let rowNumber = headerBottom;
  for (const tr of spec.rows) {
    const kind = tr.kind ?? 'data';
    const row = ws.addRow(tr.values.map((v) => (typeof v === 'string' ? text(v) : v)));
    rowNumber = row.number;
    for (let c = 0; c < n; c++) {
      const v = tr.values[c];
      row.getCell(c + 1).style = cellStyle(spec.columns[c]!, kind, typeof v === 'number');
    }
    if (tr.span !== undefined && tr.span > 1) ws.mergeCells(rowNumber, 1, rowNumber, tr.span);
    // Wrapped text taller than one line: the row is made tall enough (no spreadsheet program
    // grows a row on opening a file whose text overflows it).
    const lines = wrappedLines(spec.columns, widths, tr);
    if (lines > 1) row.height = 15 * lines + 3;
    commit(row);
  }
  if (spec.autoFilter) ws.autoFilter = { from: { row: headerBottom, column: 1 }, to: { row: Math.max(rowNumber, headerBottom), column: n } };
  if (book.streaming) ws.commit();
  return { headerRows: [headerTop, headerBottom], firstDataRow, lastRow: rowNumber };
}

/**
 * Builds a workbook and returns its bytes. Written with the streaming writer into memory: the
 * rows leave exceljs's object model as they are committed, so a 30,000-finding detail takes
 * a fifth of the time and memory of the in-memory workbook (see docs/reports.md).
 */
export async function workbookBuffer(build: (book: Book) => void, created?: Date): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve);
    sink.on('error', reject);
  });
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: true, useStyles: true });
  describe(workbook, created);
  build({ workbook, streaming: true });
  await workbook.commit();
  await finished;
  return Buffer.concat(chunks);
}

/** The same workbook built in exceljs's in-memory model (the streamed one is checked against it in tests). */
export async function workbookBufferInMemory(build: (book: Book) => void, created?: Date): Promise<Buffer> {
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  describe(workbook, created);
  build({ workbook, streaming: false });
  return Buffer.from(await workbook.xlsx.writeBuffer({ useSharedStrings: true, useStyles: true } as ExcelJS.XlsxWriteOptions));
}

/** Streams a workbook to a file, each row written out as it is committed (for big campaigns). */
export async function workbookFile(path: string, build: (book: Book) => void, created?: Date): Promise<void> {
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  describe(workbook, created);
  build({ workbook, streaming: true });
  await workbook.commit();
}

function describe(workbook: ExcelJS.Workbook, created?: Date): void {
  workbook.creator = 'Kaohe 考核';
  if (created) {
    workbook.created = created;
    workbook.modified = created;
  }
}
