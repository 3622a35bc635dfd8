/**
 * Streaming readers for an office's sheets: .csv in UTF-8, GBK or GB18030 (detected), and
 * .xlsx (first worksheet). Rows come one at a time, so a million-row file is never held whole.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { KaoheError } from '../../core/errors.ts';
import type { Cell } from '../../core/registry/fields.ts';

export interface SheetRow {
  /** Row number in the file as a person sees it (line in a CSV, row in a worksheet). */
  row: number;
  cells: Cell[];
}

export interface Sheet {
  format: 'csv' | 'xlsx';
  /** For CSV: the detected encoding. */
  encoding?: 'utf-8' | 'gb18030';
  size: number;
  /** Bytes of the file read so far (for progress). */
  bytesRead(): number;
  rows(): AsyncIterable<SheetRow>;
}

/** Detects UTF-8 (with or without BOM) or GB18030 (a superset of GBK) from the first 64 KiB. */
export function detectEncoding(sample: Buffer): 'utf-8' | 'gb18030' {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    // stream: true lets a multi-byte character cut at the sample's end pass.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Opens a .csv or .xlsx file for reading; throws KaoheError naming the file when it cannot. */
export function openSheet(path: string): Sheet {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new KaoheError('unreadable-file', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return csvSheet(path, size);
  if (ext === '.xlsx') return xlsxSheet(path, size);
  if (ext === '.xls') throw new KaoheError('unsupported-format', `${path}: the old .xls format is not read; save it as .xlsx or .csv`);
  throw new KaoheError('unsupported-format', `${path}: not a .csv or .xlsx file`);
}

function csvSheet(path: string, size: number): Sheet {
  const fd = openSync(path, 'r');
  const sample = Buffer.alloc(Math.min(size, 65536));
  readSync(fd, sample, 0, sample.length, 0);
  closeSync(fd);
  const encoding = detectEncoding(sample);
  let read = 0;
  return {
    format: 'csv',
    encoding,
    size,
    bytesRead: () => read,
    async *rows() {
      const decoder = new TextDecoder(encoding, { fatal: false });
      const decode = new Transform({
        transform(chunk: Buffer, _enc, done) {
          read += chunk.length;
          done(null, decoder.decode(chunk, { stream: true }));
        },
        flush(done) {
          done(null, decoder.decode());
        },
      });
      const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false });
      createReadStream(path, { highWaterMark: 1 << 20 }).pipe(decode).pipe(parser);
      try {
        for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          yield { row: record.info.lines, cells: record.record };
        }
      } catch (e) {
        const err = e as { code?: string; lines?: number; message: string };
        throw new KaoheError('unreadable-csv', `${path}${err.lines ? `:${err.lines}` : ''}: not valid CSV: ${err.message}`);
      }
    },
  };
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return String(v);
}

function xlsxSheet(path: string, size: number): Sheet {
  let read = 0;
  return {
    format: 'xlsx',
    size,
    bytesRead: () => read,
    async *rows() {
      const stream = createReadStream(path, { highWaterMark: 1 << 20 });
      stream.on('data', (chunk) => (read += chunk.length));
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
        sharedStrings: 'cache',
        hyperlinks: 'ignore',
        styles: 'cache',
        worksheets: 'emit',
        entries: 'emit',
      });
      try {
        for await (const worksheet of reader) {
          for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
            const values = row.values as ExcelJS.CellValue[];
            const cells: Cell[] = [];
            for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
            yield { row: row.number, cells };
          }
          break; // the first worksheet holds the data; others (e.g. 说明) are notes
        }
      } catch (e) {
        if (e instanceof KaoheError) throw e;
        throw new KaoheError('unreadable-xlsx', `${path}: not a readable .xlsx workbook: ${(e as Error).message}`);
      } finally {
        stream.destroy();
      }
    },
  };
}

/** Excel-style column letters: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  let n = index + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
