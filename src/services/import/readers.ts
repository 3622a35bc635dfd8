/**
 * Streaming readers for an office's sheets: .csv in UTF-8, GBK or GB18030 (detected), and
 * .xlsx (first worksheet). Rows come one at a time, so a million-row file is never held whole.
 *
 * A file that cannot be read as what its name says is refused with a KaoheError naming it (and
 * the line, for bytes that are not of the file's encoding): a UTF-16 or binary "CSV", a zip or
 * .xls named .csv, a .xlsx that is not a zip or is cut short, has no worksheet, or expands past
 * xlsxLimits when unzipped (a zip bomb: refused from the sizes its zip directory declares before
 * anything is inflated, and again while inflating, as the declared sizes can lie).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { KaoheError } from '../../core/errors.ts';
import { quoteCell } from '../../core/registry/cell-text.ts';
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

/**
 * The first byte in [from, to) that does not start a valid UTF-8 sequence (-1: none), whether the
 * sequence there is only cut short by `to`, and how many multi-byte characters come before it.
 */
export function scanUtf8(b: Uint8Array, from: number, to: number): { at: number; cut: boolean; multibyte: number } {
  let multibyte = 0;
  for (let i = from; i < to;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return { at: i, cut: false, multibyte };
    for (let k = 1; k <= n; k++) {
      if (i + k >= to) return { at: i, cut: true, multibyte };
      const x = b[i + k]!;
      if (k === 1 ? x < lo || x > hi : (x & 0xc0) !== 0x80) return { at: i, cut: false, multibyte };
    }
    multibyte++;
    i += n + 1;
  }
  return { at: -1, cut: false, multibyte };
}

/** Line breaks (LF) in b[from, to). */
function countLines(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = b.indexOf(0x0a, from); i !== -1 && i < to; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}

const ENCODING_NAMES = { 'utf-8': 'UTF-8', gb18030: 'GBK/GB18030' } as const;

function badBytes(path: string, line: number, encoding: 'utf-8' | 'gb18030', why: string): KaoheError {
  return new KaoheError(
    'invalid-encoding',
    `${path}: line ${line} has bytes that are not ${ENCODING_NAMES[encoding]} (${why}): the file is damaged or mixes encodings (UTF-8 and GBK?); save it again in one, as CSV UTF-8`,
  );
}

/**
 * Detects a CSV's encoding from its first 64 KiB: UTF-8 (with or without BOM), else GB18030 (a
 * superset of GBK). Refuses a ".csv" that is no CSV this reader reads: UTF-16 (a byte-order
 * mark, or NUL bytes where text has none), a zip (a .xlsx workbook), an old .xls; and a file
 * whose first 64 KiB start as UTF-8 and then are not (a file of two encodings, named at the line).
 */
function sniffCsv(path: string, sample: Buffer, size: number): 'utf-8' | 'gb18030' {
  const starts = (...bytes: number[]) => bytes.every((b, i) => sample[i] === b);
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    throw new KaoheError(
      'unsupported-encoding',
      `${path}: a UTF-16 text file (it starts with a UTF-16 byte-order mark), which is not read: save it as CSV UTF-8 (逗号分隔) or as .xlsx`,
    );
  }
  if (starts(0x50, 0x4b, 0x03, 0x04)) throw new KaoheError('unsupported-format', `${path}: a zip archive (a .xlsx workbook?) named .csv: give it its .xlsx name`);
  if (starts(0xd0, 0xcf, 0x11, 0xe0))
    throw new KaoheError('unsupported-format', `${path}: an old .xls workbook (or another Office file) named .csv: save it as .xlsx or as CSV UTF-8`);
  let nuls = 0;
  for (let i = sample.indexOf(0); i !== -1; i = sample.indexOf(0, i + 1)) nuls++;
  if (nuls >= 8 && nuls * 100 > sample.length) {
    throw new KaoheError(
      'unsupported-encoding',
      `${path}: not a text file this reader reads (${nuls} NUL bytes in its first ${sample.length} bytes: UTF-16 without a byte-order mark, or not text at all): save it as CSV UTF-8 or as .xlsx`,
    );
  }
  const bom = starts(0xef, 0xbb, 0xbf);
  const scan = scanUtf8(sample, bom ? 3 : 0, sample.length);
  if (scan.at === -1 || (scan.cut && sample.length < size)) return 'utf-8';
  // Not UTF-8 through the sample. A file that declares UTF-8, or has read as UTF-8 for a few
  // characters, and then is not, mixes encodings: GBK read as GB18030 would garble its first lines.
  if (bom || scan.multibyte >= 3) {
    throw badBytes(path, countLines(sample, 0, scan.at) + 1, 'utf-8', bom ? 'the file starts with a UTF-8 byte-order mark' : 'the lines before it are UTF-8');
  }
  return 'gb18030';
}

/**
 * Bytes of a CSV file to text, fatally: whole lines at a time (a line break is a byte of its own in
 * UTF-8 and in GB18030, never part of a character), so bytes that are not of the file's encoding
 * are refused with the line they are on, not turned into U+FFFD. One leading BOM is dropped, as a
 * TextDecoder does (csv-parse's `bom` option drops a second).
 */
function lineDecoder(path: string, encoding: 'utf-8' | 'gb18030', onRead: (bytes: number) => void): Transform {
  const gb = encoding === 'gb18030' ? new TextDecoder('gb18030', { fatal: true }) : undefined;
  let rest: Buffer = Buffer.alloc(0);
  let lines = 0;
  let first = true;
  const decode = (buf: Buffer): string => {
    let from = 0;
    if (first) {
      first = false;
      if (encoding === 'utf-8' && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
    }
    if (gb) {
      try {
        const text = gb.decode(buf.subarray(from));
        lines += countLines(buf, from, buf.length);
        return text;
      } catch {
        // Which line: each line decoded alone.
        for (let start = from, n = 0; start < buf.length; n++) {
          const nl = buf.indexOf(0x0a, start);
          const end = nl === -1 ? buf.length : nl + 1;
          try {
            gb.decode(buf.subarray(start, end));
          } catch {
            throw badBytes(path, lines + n + 1, encoding, 'the file was read as GBK/GB18030, as its first 64 KiB are not UTF-8');
          }
          start = end;
        }
        throw badBytes(path, lines + 1, encoding, 'the file was read as GBK/GB18030, as its first 64 KiB are not UTF-8');
      }
    }
    if (!isUtf8(buf.subarray(from))) {
      const at = scanUtf8(buf, from, buf.length).at;
      throw badBytes(path, lines + countLines(buf, from, at) + 1, encoding, 'the file was read as UTF-8, as its first 64 KiB are');
    }
    lines += countLines(buf, from, buf.length);
    return buf.toString('utf8', from);
  };
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      onRead(chunk.length);
      const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      const end = buf.lastIndexOf(0x0a) + 1;
      rest = buf.subarray(end);
      try {
        done(null, end > 0 ? decode(buf.subarray(0, end)) : '');
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        done(null, rest.length > 0 ? decode(rest) : '');
      } catch (e) {
        done(e as Error);
      }
    },
  });
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
  const encoding = sniffCsv(path, sample, size);
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
      const decode = lineDecoder(path, encoding, (bytes) => (read += bytes));
      const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false });
      const file = createReadStream(path, { highWaterMark: 1 << 20 });
      // A decoding error ends the parser with it (pipe alone would leave the parser waiting).
      decode.on('error', (e) => {
        parser.destroy(e);
        file.destroy();
      });
      file.pipe(decode).pipe(parser);
      try {
        let lines = 0; // lines of the records so far (empty lines are skipped, and counted apart)
        for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
          // The line the record starts on. csv-parse's info.lines is the line it ends on, and counts
          // a CRLF inside a quoted cell as two lines; count from the records' own line breaks.
          yield [{ row: lines + record.info.empty_lines + 1, cells: record.record }];
          lines += 1 + record.record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
        }
      } catch (e) {
        if (e instanceof KaoheError) throw e;
        const err = e as { code?: string; lines?: number; message: string };
        // csv-parse's message may quote the field it stopped in, which can be megabytes long.
        throw new KaoheError('unreadable-csv', `${path}${err.lines ? `:${err.lines}` : ''}: not valid CSV: ${quoteCell(err.message, 300)}`);
      } finally {
        file.destroy();
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
    for (let eof = false; !eof;) {
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
        if (!isUtf8(buf.subarray(start, end))) {
          const at = scanUtf8(buf, start, end).at;
          throw badBytes(path, line + countLines(buf, start, at) + 1, 'utf-8', 'the file was read as UTF-8, as its first 64 KiB are');
        }
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

const MiB = 1024 * 1024;

/**
 * How far a .xlsx file may expand when unzipped. The sheet's XML is read as a stream, but the
 * shared strings are held in memory while it is, and a zip bomb (a few KiB of zip expanding to
 * gigabytes) costs time even streamed. Far above an office's sheets: 100,000 household members
 * are about 60 MiB of XML. A larger sheet goes in as .csv, which has no such limit.
 */
export const xlsxLimits = {
  /** Bytes all the parts of a workbook may expand to. */
  maxInflatedBytes: 512 * MiB,
  /** Bytes its shared strings (xl/sharedStrings.xml, held in memory) may expand to. */
  maxSharedStringsBytes: 128 * MiB,
};

const SHARED_STRINGS = 'xl/sharedStrings.xml';
/** The worksheet parts exceljs's streaming reader reads. */
const WORKSHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

/**
 * A workbook (or its shared strings: `what`) past a limit: by the size its zip directory declares
 * (`declared`, nothing inflated), or found while inflating (undefined).
 */
function tooLarge(path: string, what: string, limit: number, declared?: number): KaoheError {
  const mib = (n: number) => `${Math.round((n / MiB) * 10) / 10} MiB`;
  const found =
    declared !== undefined
      ? `${what} would expand to ${mib(declared)} when unzipped (by its zip directory), more than the ${mib(limit)} a .xlsx file may`
      : `${what} expands to more than ${mib(limit)} when unzipped, the most a .xlsx file may (its zip directory said less)`;
  return new KaoheError(
    'xlsx-too-large',
    `${path}: ${found}: a zip bomb, or a sheet too large to read safely; nothing was imported. Save a large sheet as CSV UTF-8, which has no such limit`,
  );
}

export interface ZipEntry {
  name: string;
  compressed: number;
  uncompressed: number;
}

/**
 * Reads a .xlsx file's zip directory (its last bytes: cheap) and refuses, before anything is
 * inflated: a file that is not a zip, or is cut short; a workbook without a worksheet part; one
 * whose declared sizes pass xlsxLimits. The sizes are the archive's word; the inflating is
 * guarded too (InflateGuard). A Word document (.docx, `worksheet: false`) is checked alike, but
 * for the worksheet.
 */
export function checkZipDirectory(path: string, size: number, options: { worksheet?: boolean } = {}): ZipEntry[] {
  if (size === 0) throw new KaoheError('empty-file', `${path}: the file is empty (0 bytes)`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 512));
    readSync(fd, head, 0, head.length, 0);
    const tailLength = Math.min(size, 22 + 65535);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw notAZip(path, head);
    const damaged = (why: string) =>
      new KaoheError(
        'unreadable-xlsx',
        `${path}: not a readable .xlsx workbook: its zip archive is damaged (${why}); copy or download it again, or save it again from Excel or WPS`,
      );
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64: the locator sits just before the end record.
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw damaged('a ZIP64 archive without its locator');
      const record = Buffer.alloc(56);
      readSync(fd, record, 0, 56, Number(tail.readBigUInt64LE(loc + 8)));
      if (record.readUInt32LE(0) !== 0x06064b50) throw damaged('a ZIP64 archive without its end record');
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw damaged('its directory lies past the end of the file: is it cut short?');
    if (cdSize > 16 * MiB || count > 100_000) throw damaged(`${count} parts`);
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    for (let p = 0; p + 46 <= cd.length && entries.length < count;) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw damaged('a bad directory entry');
      let compressed = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
      if (uncompressed === 0xffffffff || compressed === 0xffffffff) {
        // The ZIP64 extra field (0x0001) holds the sizes that did not fit, uncompressed first.
        for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength;) {
          const id = cd.readUInt16LE(x);
          const length = cd.readUInt16LE(x + 2);
          if (id === 0x0001) {
            let at = x + 4;
            if (uncompressed === 0xffffffff && at + 8 <= x + 4 + length) {
              uncompressed = Number(cd.readBigUInt64LE(at));
              at += 8;
            }
            if (compressed === 0xffffffff && at + 8 <= x + 4 + length) compressed = Number(cd.readBigUInt64LE(at));
          }
          x += 4 + length;
        }
      }
      entries.push({ name, compressed, uncompressed });
      p += 46 + nameLength + extraLength + commentLength;
    }
    let total = 0;
    for (const e of entries) {
      total += e.uncompressed;
      if (e.name === SHARED_STRINGS && e.uncompressed > xlsxLimits.maxSharedStringsBytes) {
        throw tooLarge(path, `its shared strings (${SHARED_STRINGS})`, xlsxLimits.maxSharedStringsBytes, e.uncompressed);
      }
    }
    if (total > xlsxLimits.maxInflatedBytes) throw tooLarge(path, 'the workbook', xlsxLimits.maxInflatedBytes, total);
    if (options.worksheet !== false && !entries.some((e) => WORKSHEET.test(e.name))) throw noWorksheet(path);
    return entries;
  } finally {
    closeSync(fd);
  }
}

function noWorksheet(path: string): KaoheError {
  return new KaoheError(
    'unreadable-xlsx',
    `${path}: the workbook has no worksheet that can be read (no part xl/worksheets/sheet1.xml or the like): save it again from Excel or WPS`,
  );
}

/** Why a ".xlsx" file without a zip end record is none: what its first bytes say it is. */
function notAZip(path: string, head: Buffer): KaoheError {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return new KaoheError('unreadable-xlsx', `${path}: not a whole .xlsx workbook: the file is cut short (the end of its zip archive is missing); copy or download it again`);
  }
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return new KaoheError(
      'unreadable-xlsx',
      `${path}: an old .xls workbook, or a password-protected one, with a .xlsx name: open it in Excel or WPS and save it as .xlsx without a password`,
    );
  }
  const text = head.length > 0 && (scanUtf8(head, 0, head.length).at === -1 || scanUtf8(head, 0, head.length).cut) && !head.includes(0);
  return new KaoheError(
    'unreadable-xlsx',
    `${path}: not a .xlsx workbook: a .xlsx file is a zip archive, and this one is not${text ? ' (it looks like text: a .csv file named .xlsx?)' : ''}`,
  );
}

/**
 * Counts the bytes each part of a workbook inflates to, while exceljs reads it, and stops the
 * reading at the first byte past xlsxLimits: the sizes a zip declares can lie. Hooked into the
 * unzipper Parse stream exceljs pipes the file into: every entry it pushes is watched.
 */
class InflateGuard {
  failure: KaoheError | undefined;
  private total = 0;
  private input: NodeJS.ReadableStream | undefined;
  private zip: NodeJS.EventEmitter | undefined;

  constructor(private readonly path: string) {}

  /** Watches the zip stream `input` is piped into. */
  watch(input: NodeJS.ReadableStream, zip: NodeJS.EventEmitter & { push(chunk: unknown, encoding?: BufferEncoding): boolean }): void {
    this.input = input;
    this.zip = zip;
    const push = zip.push.bind(zip);
    zip.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk !== null && typeof chunk === 'object' && 'path' in chunk && 'vars' in chunk) this.entry(chunk as unknown as ZipEntryStream);
      return push(chunk, encoding);
    };
  }

  private entry(entry: ZipEntryStream): void {
    // The guard's own error, on an entry nobody listens to (one exceljs drains), must not throw.
    entry.on('error', () => {});
    const destinations: NodeJS.WritableStream[] = [];
    const pipe = entry.pipe.bind(entry);
    entry.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
      destinations.push(dest);
      return pipe(dest, options);
    };
    const write = entry.write.bind(entry) as (chunk: Buffer, ...rest: unknown[]) => boolean;
    let bytes = 0;
    entry.write = ((chunk: Buffer, ...rest: unknown[]) => {
      if (this.failure) return true; // dropped: the reading is being stopped
      bytes += chunk.length;
      this.total += chunk.length;
      if (entry.path === SHARED_STRINGS && bytes > xlsxLimits.maxSharedStringsBytes) {
        this.fail(tooLarge(this.path, `its shared strings (${SHARED_STRINGS})`, xlsxLimits.maxSharedStringsBytes), entry, destinations);
        return true;
      }
      if (this.total > xlsxLimits.maxInflatedBytes) {
        this.fail(tooLarge(this.path, 'the workbook', xlsxLimits.maxInflatedBytes), entry, destinations);
        return true;
      }
      return write(chunk, ...rest);
    }) as typeof entry.write;
  }

  /** Stops everything exceljs may be waiting on, with the error: the entry, where it is piped (a temporary file), the zip. */
  private fail(error: KaoheError, entry: ZipEntryStream, destinations: NodeJS.WritableStream[]): void {
    this.failure = error;
    if (this.input && this.zip) this.input.unpipe(this.zip as unknown as NodeJS.WritableStream);
    (this.input as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    for (const d of destinations) {
      const dest = d as unknown as NodeJS.EventEmitter & { destroy?: (e: Error) => void };
      // A draining sink has no one to tell; a temporary file's writer has exceljs waiting on it.
      if (dest.listenerCount('error') > 1) dest.destroy?.(error);
    }
    entry.destroy(error);
    this.zip?.emit('error', error);
  }
}

type ZipEntryStream = import('node:stream').PassThrough & { path: string };

/**
 * exceljs's streaming reader takes each cell's place from its `r` attribute (`<c r="B2">`) and each
 * row's number from the row's; OOXML lets a writer leave them out (the next row, the next column),
 * and some generators do: exceljs then failed with "Cannot read properties of undefined". This
 * gives every row and cell of a worksheet's XML its `r` (what it is by the rule) where it has none.
 */
export async function* withCellReferences(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let row = 0;
  let column = 0;
  const fill = (text: string): string =>
    text.replace(/<(row|c)(\s[^>]*?)?(\/?)>/g, (tag: string, name: string, attributes: string | undefined, close: string) => {
      const r = attributes === undefined ? null : /\sr\s*=\s*(["'])([^"']*)\1/.exec(attributes);
      if (name === 'row') {
        column = 0;
        if (r) {
          row = Number.parseInt(r[2]!, 10);
          return tag;
        }
        row++;
        return `<row r="${row}"${attributes ?? ''}${close}>`;
      }
      if (r) {
        const letters = /^[A-Za-z]+/.exec(r[2]!)?.[0];
        if (letters) column = columnNumber(letters);
        return tag;
      }
      column++;
      return `<c r="${columnLetter(column - 1)}${row}"${attributes ?? ''}${close}>`;
    });
  /**
   * A text whose every row and cell tag has its r first (as Excel and exceljs write them) is
   * passed as it is (most files: a regex scan, several times faster than filling); only where and
   * which it ends on is noted.
   */
  const pass = (text: string): string => {
    if (LACKS_R.test(text)) return fill(text);
    const lastRow = text.lastIndexOf('<row r="');
    const lastCell = text.lastIndexOf('<c r="');
    if (lastRow !== -1) row = Number.parseInt(text.slice(lastRow + 8, lastRow + 20), 10);
    if (lastRow > lastCell) column = 0;
    else if (lastCell !== -1) {
      const letters = /^[A-Za-z]+/.exec(text.slice(lastCell + 6, lastCell + 10))?.[0];
      if (letters) column = columnNumber(letters);
    }
    return text;
  };
  let carry = '';
  for await (const chunk of chunks) {
    let text = carry + chunk;
    // A tag cut at the chunk's end waits for the rest.
    const open = text.lastIndexOf('<');
    if (open !== -1 && text.indexOf('>', open) === -1) {
      carry = text.slice(open);
      text = text.slice(0, open);
    } else carry = '';
    if (text) yield pass(text);
  }
  if (carry) yield pass(carry);
}

/** A row or cell tag whose first attribute is not its r (or that has none). */
const LACKS_R = /<(?:row|c)(?=[\s>/])(?!\sr=")/;

/** Column letters to the column's number: A → 1, AA → 27. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function xlsxSheet(path: string, size: number): Sheet {
  checkZipDirectory(path, size);
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
      const guard = new InflateGuard(path);
      onlyRealEnd(stream, guard);
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
      let sheets = 0;
      try {
        for await (const worksheet of reader) {
          sheets++;
          for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
            if (guard.failure) throw guard.failure;
            const values = row.values as ExcelJS.CellValue[];
            const cells: Cell[] = [];
            for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
            yield { row: row.number, cells };
          }
          break; // the first worksheet holds the data; others (e.g. 说明) are notes
        }
        if (guard.failure) throw guard.failure;
      } catch (e) {
        if (guard.failure) throw guard.failure;
        if (e instanceof KaoheError) throw e;
        throw new KaoheError('unreadable-xlsx', `${path}: not a readable .xlsx workbook: ${quoteCell((e as Error).message, 300)}`);
      } finally {
        stream.destroy();
      }
      if (sheets === 0) throw noWorksheet(path);
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
  r._parseWorksheet = (chunks, sheetNo) => parseWorksheet(withCellReferences(utf8Text(chunks)), sheetNo);
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
function onlyRealEnd(input: NodeJS.ReadableStream, guard: InflateGuard): void {
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    const zip = dest as unknown as NodeJS.ReadableStream & { readableEnded: boolean; push(chunk: unknown, encoding?: BufferEncoding): boolean };
    const emit = zip.emit.bind(zip);
    zip.emit = (event: string | symbol, ...args: unknown[]) => (event === 'end' && !zip.readableEnded ? false : emit(event, ...args));
    // The same stream's entries, counted as they inflate.
    guard.watch(input, zip);
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
