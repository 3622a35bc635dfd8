/**
 * Streaming readers for an office's sheets: .csv in UTF-8, GBK or GB18030 (detected), and
 * .xlsx (first worksheet). Rows come one at a time, so a million-row file is never held whole.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
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
  /** The same rows, a few at a time (as many as one read of the file gives, for a plain CSV). */
  batches(): AsyncIterable<SheetRow[]>;
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
      for await (const batch of this.batches()) yield* batch;
    },
    async *batches() {
      const breaks = encoding === 'utf-8' ? await plainLineBreaks(path) : undefined;
      if (breaks) {
        yield* plainUtf8Batches(path, breaks === 'crlf', (bytes) => (read += bytes));
        return;
      }
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
        let lines = 0; // lines of the records so far (empty lines are skipped, and counted apart)
        for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
          // The line the record starts on. csv-parse's info.lines is the line it ends on, and counts
          // a CRLF inside a quoted cell as two lines; count from the records' own line breaks.
          yield [{ row: lines + record.info.empty_lines + 1, cells: record.record }];
          lines += 1 + record.record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
        }
      } catch (e) {
        const err = e as { code?: string; lines?: number; message: string };
        throw new KaoheError('unreadable-csv', `${path}${err.lines ? `:${err.lines}` : ''}: not valid CSV: ${err.message}`);
      }
    },
  };
}

/**
 * 'lf' or 'crlf' when a CSV file has no quote character and ends every line alike (all \n, or all
 * \r\n); otherwise undefined, and csv-parse reads it. For such a file csv-parse's records are
 * just its non-empty lines split at commas, which plainUtf8Rows does several times faster.
 */
async function plainLineBreaks(path: string): Promise<'lf' | 'crlf' | undefined> {
  let cr = 0;
  let lf = 0;
  let lfAlone = 0;
  let last = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (chunk.includes(0x22)) return undefined;
    for (let i = chunk.indexOf(0x0d); i !== -1; i = chunk.indexOf(0x0d, i + 1)) cr++;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
      lf++;
      if ((i > 0 ? chunk[i - 1] : last) !== 0x0d) lfAlone++;
    }
    last = chunk[chunk.length - 1]!;
  }
  if (cr === 0) return 'lf';
  return lfAlone === 0 && cr === lf ? 'crlf' : undefined;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The rows of a UTF-8 CSV file that plainLineBreaks found plain, as csv-parse gives them (behind
 * the TextDecoder, which drops one BOM, and csv-parse's bom option, which drops a second): each
 * non-empty line split at commas, numbered by its line; the rows of each read of the file (1 MiB)
 * at once. The complete lines of a read are decoded at once (a line break and a comma are bytes
 * of their own in UTF-8, never part of a character) and split: a cell of 13 characters or more
 * is then a V8 slice of that text and keeps it alive while it is kept. What is kept to the end of
 * a file is copied: the importer's keys (key-rows.ts), the areas it adds and its problems
 * (validate.ts).
 */
async function* plainUtf8Batches(path: string, crlf: boolean, onRead: (bytes: number) => void): AsyncGenerator<SheetRow[]> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  let bomsDropped = false;
  try {
    for (let eof = false; !eof; ) {
      const next = await chunks.next();
      eof = next.done === true;
      let buf: Buffer = rest;
      if (!next.done) {
        onRead(next.value.length);
        buf = rest.length > 0 ? Buffer.concat([rest, next.value]) : next.value;
      }
      let start = 0;
      if (!bomsDropped) {
        if (buf.length < 2 * BOM.length && !eof) {
          rest = buf;
          continue;
        }
        while (start < 2 * BOM.length && buf.subarray(start, start + BOM.length).equals(BOM)) start += BOM.length;
        bomsDropped = true;
      }
      // The complete lines (and at the end of the file, the last one without its line break).
      const end = eof ? buf.length : buf.lastIndexOf(0x0a) + 1;
      if (end > start) {
        const text = buf.toString('utf8', start, end);
        const rows: SheetRow[] = [];
        let from = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
          line++;
          const to = crlf ? nl - 1 : nl;
          if (to > from) rows.push({ row: line, cells: text.slice(from, to).split(',') });
          from = nl + 1;
        }
        if (eof && from < text.length) rows.push({ row: line + 1, cells: text.slice(from).split(',') });
        if (rows.length > 0) yield rows;
      }
      rest = buf.subarray(Math.max(start, end));
    }
  } finally {
    stream.destroy();
  }
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
    async *batches() {
      for await (const row of this.rows()) yield [row];
    },
    async *rows() {
      // Loaded here, not with this module: exceljs takes a few hundred milliseconds to load, which
      // a CSV import (on a worker thread, too) need not wait for.
      const { default: Excel } = await import('exceljs');
      const stream = createReadStream(path, { highWaterMark: 1 << 20 });
      stream.on('data', (chunk) => (read += chunk.length));
      onlyRealEnd(stream);
      const reader = new Excel.stream.xlsx.WorkbookReader(stream, {
        sharedStrings: 'cache',
        hyperlinks: 'ignore',
        styles: 'cache',
        worksheets: 'emit',
        entries: 'emit',
      });
      // exceljs parses a worksheet as soon as it has the shared strings and the workbook's rels,
      // reading the sheet list of xl/workbook.xml; a file that stores workbook.xml after them
      // failed with "reading 'sheets'". Empty until it is read.
      const parts = reader as unknown as { model?: { sheets?: unknown[] }; properties?: object };
      parts.model ??= { sheets: [] };
      parts.properties ??= {};
      decodeAcrossChunks(reader);
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

/**
 * exceljs's streaming reader decodes each inflated chunk of a part's XML on its own, so a Chinese
 * character cut at a chunk boundary came out as U+FFFD (exceljs issues #2063, #2084; about one row
 * in a few thousand). Hand its XML parser text decoded across chunks instead: the worksheet's
 * chunks through a streaming TextDecoder, the shared strings by the entry's own string decoder.
 */
function decodeAcrossChunks(reader: ExcelJS.stream.xlsx.WorkbookReader): void {
  const r = reader as unknown as {
    _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): unknown;
    _parseSharedStrings(entry: NodeJS.ReadableStream): unknown;
  };
  const parseWorksheet = r._parseWorksheet.bind(r);
  const parseSharedStrings = r._parseSharedStrings.bind(r);
  r._parseWorksheet = (chunks, sheetNo) => parseWorksheet(utf8Text(chunks), sheetNo);
  r._parseSharedStrings = (entry) => {
    entry.setEncoding('utf8');
    return parseSharedStrings(entry);
  };
}

async function* utf8Text(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * exceljs's streaming reader pipes the file into unzipper's Parse and reads its entries until
 * 'end'. Parse emits an 'end' of its own as soon as it has read the zip's end record, while
 * entries it parsed may still wait in its buffer (a small file, a busy machine): exceljs stopped
 * there and silently dropped them (exceljs #683, #3064), so a sheet was read without its shared
 * strings (cells as {sharedString: n}), styles (dates as numbers) or workbook part. Only the
 * stream's real end, after its last entry, is let through.
 */
function onlyRealEnd(input: NodeJS.ReadableStream): void {
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    const zip = dest as unknown as NodeJS.ReadableStream & { readableEnded: boolean };
    const emit = zip.emit.bind(zip);
    zip.emit = (event: string | symbol, ...args: unknown[]) => (event === 'end' && !zip.readableEnded ? false : emit(event, ...args));
    return pipe(dest, options);
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
