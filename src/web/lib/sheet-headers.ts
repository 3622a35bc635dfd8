/**
 * Reading the first rows of an office's sheet in the browser (CSV in UTF-8 or GB18030, or
 * .xlsx), to check its columns against the kind's fields before the file is sent. The header
 * row is found as the server finds it (src/services/import/validate.ts): the first of the
 * first ten rows that names enough fields, a two-row header read as one.
 */

export interface HeaderField {
  key: string;
  header: string;
  aliases?: string[];
  required?: boolean;
}

export interface HeaderCheck {
  /** 1-based row of the headers (the lower one of a two-row header); 0 when none was found. */
  headerRow: number;
  matched: Array<{ field: HeaderField; column: number; text: string }>;
  missingRequired: HeaderField[];
  missingOptional: HeaderField[];
  /** Columns of the file that are not a field (ignored by the import). */
  ignored: string[];
}

/** Header text compared loosely: no spaces, ASCII brackets, no required-marker asterisk (as the server does). */
export function normaliseHeader(h: string): string {
  return h
    .replace(/\s+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/^\*+|\*+$/g, '')
    .toLowerCase();
}

function mapHeaders(fields: HeaderField[], cells: string[]) {
  const names = cells.map((c) => normaliseHeader(c ?? ''));
  const mapped = new Map<HeaderField, number>();
  for (const field of fields) {
    const wanted = [field.header, ...(field.aliases ?? [])].map(normaliseHeader);
    const at = names.findIndex((n) => n !== '' && wanted.includes(n));
    if (at >= 0 && ![...mapped.values()].includes(at)) mapped.set(field, at);
  }
  return mapped;
}

/** Finds the header row among the first rows and says which fields it has. */
export function checkHeaders(fields: HeaderField[], rows: string[][]): HeaderCheck {
  const required = fields.filter((f) => f.required);
  let best: { row: number; cells: string[]; mapped: Map<HeaderField, number> } | null = null;
  for (let i = 0; i < Math.min(rows.length, 10); i++) {
    let cells = rows[i]!;
    let mapped = mapHeaders(fields, cells);
    let row = i + 1;
    if (mapped.size === 0) continue;
    if (mapped.size < fields.length && rows[i + 1]) {
      const below = rows[i + 1]!;
      const combined = Array.from({ length: Math.max(cells.length, below.length) }, (_, j) => (below[j]?.trim() ? below[j]! : (cells[j] ?? '')));
      const two = mapHeaders(fields, combined);
      if (two.size > mapped.size) {
        mapped = two;
        cells = combined;
        row = i + 2;
      }
    }
    const missing = required.filter((f) => !mapped.has(f));
    if (!best || mapped.size > best.mapped.size) best = { row, cells, mapped };
    if (missing.length === 0 || mapped.size >= Math.max(2, required.length / 2)) break;
  }
  if (!best) return { headerRow: 0, matched: [], missingRequired: required, missingOptional: fields.filter((f) => !f.required), ignored: [] };
  const used = new Set(best.mapped.values());
  return {
    headerRow: best.row,
    matched: [...best.mapped].map(([field, column]) => ({ field, column, text: best!.cells[column] ?? '' })),
    missingRequired: required.filter((f) => !best!.mapped.has(f)),
    missingOptional: fields.filter((f) => !f.required && !best!.mapped.has(f)),
    ignored: best.cells.filter((c, j) => c.trim() !== '' && !used.has(j)),
  };
}

/** Column letters as a spreadsheet shows them: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Text of CSV bytes: UTF-8 (with or without BOM) when valid, else GB18030 (GBK) as Chinese Excel writes it. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\ufeff/, ''), encoding: 'utf-8' };
  } catch {
    // A cut in the middle of a multi-byte character at the end of a sample is not an encoding error.
    for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
      try {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
        return { text: text.replace(/^\ufeff/, ''), encoding: 'utf-8' };
      } catch {
        // try a shorter cut
      }
    }
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** The first `max` records of CSV text (RFC 4180 quotes; a quoted field may span lines). */
export function parseCsvRows(text: string, max = 12): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < max; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if ((field !== '' || row.length) && rows.length < max) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// XLSX: a zip; only the central directory, the shared strings and the first sheet's first rows are read.

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

async function bytesOf(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

async function zipEntries(file: Blob): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, file.size - 65_557);
  const tail = await bytesOf(file, tailStart, file.size);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not an .xlsx file (no zip directory)');
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  const dir = await bytesOf(file, offset, offset + size);
  const d = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const entries: ZipEntry[] = [];
  const utf8 = new TextDecoder();
  for (let p = 0, n = 0; n < count && p + 46 <= dir.length; n++) {
    if (d.getUint32(p, true) !== 0x02014b50) break;
    const method = d.getUint16(p + 10, true);
    const compressedSize = d.getUint32(p + 20, true);
    const nameLength = d.getUint16(p + 28, true);
    const extraLength = d.getUint16(p + 30, true);
    const commentLength = d.getUint16(p + 32, true);
    const localOffset = d.getUint32(p + 42, true);
    const name = utf8.decode(dir.subarray(p + 46, p + 46 + nameLength));
    entries.push({ name, method, compressedSize, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's text, read until `enough(textSoFar)` says so (a large sheet is never inflated whole). */
async function entryText(file: Blob, entry: ZipEntry, enough: (text: string) => boolean = () => false): Promise<string> {
  const head = await bytesOf(file, entry.localOffset, entry.localOffset + 30);
  const h = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const start = entry.localOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  const raw = file.slice(start, start + entry.compressedSize);
  let stream: ReadableStream<Uint8Array> = raw.stream();
  if (entry.method === 8) stream = stream.pipeThrough(new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>);
  else if (entry.method !== 0) throw new Error(`unsupported zip compression ${entry.method}`);
  const reader = stream.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
    if (enough(text)) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return text;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt'
      ? '<'
      : e === 'gt'
        ? '>'
        : e === 'amp'
          ? '&'
          : e === 'quot'
            ? '"'
            : e === 'apos'
              ? "'"
              : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );

const textOfXml = (xml: string) => unescapeXml([...xml.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g)].map((m) => m[1]).join(''));

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? 'A';
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The first rows of the first worksheet of an .xlsx file. */
export async function readXlsxRows(file: Blob, max = 12): Promise<string[][]> {
  const entries = await zipEntries(file);
  const workbook = entries.find((e) => e.name === 'xl/workbook.xml');
  const rels = entries.find((e) => e.name === 'xl/_rels/workbook.xml.rels');
  let sheetPath: string | undefined;
  if (workbook && rels) {
    // The first sheet of the workbook, whatever its file is called.
    const wb = await entryText(file, workbook);
    const rid = /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(wb)?.[1];
    const relsText = await entryText(file, rels);
    const target = rid
      ? (new RegExp(`<Relationship\\b[^>]*\\bId="${rid}"[^>]*\\bTarget="([^"]+)"`).exec(relsText)?.[1] ??
        new RegExp(`<Relationship\\b[^>]*\\bTarget="([^"]+)"[^>]*\\bId="${rid}"`).exec(relsText)?.[1])
      : undefined;
    if (target) sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  }
  const sheet =
    entries.find((e) => e.name === sheetPath) ??
    entries.filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))[0];
  if (!sheet) throw new Error('the .xlsx file has no worksheet');
  const countRows = (s: string) => (s.match(/<\/(?:\w+:)?row>/g) ?? []).length;
  const xml = await entryText(file, sheet, (s) => countRows(s) >= max);
  const rows: Array<{ index: number; cells: Array<{ col: number; type: string; value: string }> }> = [];
  for (const m of xml.matchAll(/<(?:\w+:)?row\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?row>/g)) {
    const index = Number(/\br="(\d+)"/.exec(m[1]!)?.[1] ?? rows.length + 1);
    const cells: Array<{ col: number; type: string; value: string }> = [];
    for (const c of m[2]!.matchAll(/<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g)) {
      const attrs = c[1]!;
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      const type = /\bt="(\w+)"/.exec(attrs)?.[1] ?? 'n';
      const body = c[2] ?? '';
      const v = /<(?:\w+:)?v>([\s\S]*?)<\/(?:\w+:)?v>/.exec(body)?.[1];
      const value = type === 'inlineStr' ? textOfXml(body) : unescapeXml(v ?? '');
      cells.push({ col: ref ? columnIndex(ref) : cells.length, type, value });
    }
    rows.push({ index, cells });
    if (rows.length >= max) break;
  }
  const sharedIndices = rows.flatMap((r) => r.cells.filter((c) => c.type === 's').map((c) => Number(c.value)));
  let shared: string[] = [];
  if (sharedIndices.length) {
    const need = Math.max(...sharedIndices) + 1;
    const entry = entries.find((e) => e.name === 'xl/sharedStrings.xml');
    if (entry) {
      const xmlText = await entryText(file, entry, (s) => (s.match(/<\/(?:\w+:)?si>/g) ?? []).length >= need);
      shared = [...xmlText.matchAll(/<(?:\w+:)?si>([\s\S]*?)<\/(?:\w+:)?si>/g)].map((m) => textOfXml(m[1]!));
    }
  }
  const out: string[][] = [];
  const first = rows[0]?.index ?? 1;
  for (const r of rows) {
    while (out.length < r.index - first) out.push([]);
    const cells: string[] = [];
    for (const c of r.cells) {
      while (cells.length < c.col) cells.push('');
      cells[c.col] = c.type === 's' ? (shared[Number(c.value)] ?? '') : c.value;
    }
    out.push(cells);
  }
  return out.slice(0, max);
}

/** The first rows of a .csv or .xlsx file. */
export async function readFirstRows(file: File): Promise<{ format: 'csv' | 'xlsx'; encoding?: string; rows: string[][] }> {
  const name = file.name.toLowerCase();
  const head = await bytesOf(file, 0, 4);
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  if (name.endsWith('.xlsx') || isZip) return { format: 'xlsx', rows: await readXlsxRows(file) };
  const sample = await bytesOf(file, 0, Math.min(file.size, 256 * 1024));
  const { text, encoding } = decodeCsv(sample);
  return { format: 'csv', encoding, rows: parseCsvRows(text) };
}
