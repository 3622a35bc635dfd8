/**
 * Finds active content in a PDF as its bytes stream past: scripts, launched programs, embedded
 * files, rich media, XFA forms, actions run on events (/AA) and actions run on opening
 * (/OpenAction, unless it only opens the document at a page, as LaTeX and office suites write).
 * Evidence is a scan or a printout: none of these belongs in it, and each is how a PDF attacks
 * its reader.
 *
 * Two layers, both fed chunk by chunk (one chunk in memory at a time):
 * - a tokenizer of the PDF object syntax that skips strings, comments and stream data, decodes
 *   `#xx` escapes in names (`/J#61vaScript` is `/JavaScript`), follows /OpenAction to the object
 *   it names, and reads inside compressed object streams (`/Type /ObjStm`, where PDF 1.5+ files
 *   keep most dictionaries);
 * - a plain byte search over the whole file for the long marker names, so that objects hidden
 *   where the tokenizer does not look (inside another stream's data, reached by an xref offset)
 *   are found too. The short names (/JS, /AA, /XFA) are not searched for in raw data:
 *   compressed image data holds them by chance.
 * It is a check, not a PDF reader: Kaohe never renders a PDF inline either (served as an
 * attachment, sandboxed), so a file that slips past it is only ever a download.
 */
import { inflateSync } from 'node:zlib';

/** Names whose presence as a key or action type makes a PDF active (/OpenAction: see above). */
export const ACTIVE_PDF_NAMES: readonly string[] = ['JavaScript', 'JS', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA'];
const ACTIVE = new Set(ACTIVE_PDF_NAMES);
/** Searched for in the raw bytes too (long enough never to occur by chance). */
const RAW_MARKERS = ['/JavaScript', '/Launch', '/EmbeddedFile', '/RichMedia'].map((m) => Buffer.from(m, 'latin1'));
const RAW_CARRY = Math.max(...RAW_MARKERS.map((m) => m.length)) - 1;
/** An object stream larger than this (compressed, or inflated) is not read: the file is refused as uncheckable. */
const MAX_OBJSTM_BYTES = 8 * 1024 * 1024;
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
/** Bytes of a name or keyword kept (a PDF name has at most 127; longer runs are not names worth comparing). */
const MAX_TOKEN = 128;

export interface PdfCheck {
  /** Active content found ("/JavaScript", "/OpenAction → /URI", …), in the order first seen. */
  active: string[];
  /** Why part of the file could not be checked (an object stream with an unknown filter or corrupt data). */
  unreadable?: string;
}

// Byte classes of PDF syntax (ISO 32000-1, 7.2.2).
const WHITE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const REGULAR = new Uint8Array(256).map((_, c) => (WHITE[c] || DELIM[c] ? 0 : 1));

const ENDSTREAM = Buffer.from('endstream', 'latin1');
const FILTERS = new Set([
  'FlateDecode',
  'Fl',
  'LZWDecode',
  'LZW',
  'ASCIIHexDecode',
  'AHx',
  'ASCII85Decode',
  'A85',
  'RunLengthDecode',
  'RL',
  'CCITTFaxDecode',
  'CCF',
  'DCTDecode',
  'DCT',
  'JBIG2Decode',
  'JPXDecode',
  'Crypt',
]);

const enum S {
  Normal,
  Comment,
  String,
  Lt,
  Gt,
  Hex,
  Name,
  Word,
  StreamEol,
  Stream,
}

const enum T {
  Name,
  Word,
  Other,
  ArrayOpen,
  DictOpen,
  DictClose,
}

/** What the tokenizer tells its reader: tokens, and the data of each stream. */
interface TokenSink {
  token(kind: T, value: string, pos: number): void;
  /** A stream's data starts: return true to be given it (an object stream). */
  streamStart(): boolean;
  streamData(data: Buffer | null): void;
}

/** Splits PDF bytes into tokens, skipping strings, comments and (unless asked for) stream data. */
class Lexer {
  private state = S.Normal;
  private depth = 0;
  private escaped = false;
  private token: number[] = [];
  private tokenAt = 0;
  private offset = 0;
  /** Stream data: kept (an object stream) or skipped; the tail of the last chunk, for an `endstream` across chunks. */
  private keeping: Buffer[] | null = null;
  private kept = 0;
  private tail = Buffer.alloc(0);

  constructor(
    private readonly sink: TokenSink,
    private readonly streams: boolean,
    private readonly tooBig: () => void,
  ) {}

  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      if (this.state === S.Stream) {
        i = this.inStream(chunk, i) - 1;
        continue;
      }
      const c = chunk[i]!;
      const pos = this.offset + i;
      switch (this.state) {
        case S.Normal:
          this.normal(c, pos);
          break;
        case S.Comment:
          if (c === 10 || c === 13) this.state = S.Normal;
          break;
        case S.String:
          if (this.escaped) this.escaped = false;
          else if (c === 0x5c) this.escaped = true;
          else if (c === 0x28) this.depth++;
          else if (c === 0x29 && --this.depth === 0) this.state = S.Normal;
          break;
        case S.Lt:
          // "<<" opens a dictionary, "<" a hex string.
          if (c === 0x3c) {
            this.state = S.Normal;
            this.sink.token(T.DictOpen, '', pos - 1);
          } else {
            this.sink.token(T.Other, '', pos - 1);
            this.state = c === 0x3e ? S.Normal : S.Hex;
          }
          break;
        case S.Gt:
          this.state = S.Normal;
          if (c === 0x3e) this.sink.token(T.DictClose, '', pos - 1);
          else this.normal(c, pos);
          break;
        case S.Hex:
          if (c === 0x3e) this.state = S.Normal;
          break;
        case S.Name:
          if (REGULAR[c]) {
            if (this.token.length < MAX_TOKEN) this.token.push(c);
          } else {
            this.endToken();
            this.normal(c, pos);
          }
          break;
        case S.Word:
          if (REGULAR[c]) {
            if (this.token.length < MAX_TOKEN) this.token.push(c);
          } else if (this.endToken()) {
            // The keyword `stream`, its end of line (CR LF or LF), then the data.
            if (c === 10) this.state = S.Stream;
          } else this.normal(c, pos);
          break;
        case S.StreamEol:
          this.state = S.Stream;
          if (c !== 10) i--;
          break;
      }
    }
    this.offset += chunk.length;
  }

  end(): void {
    if (this.state === S.Name || this.state === S.Word) this.endToken();
    // A stream cut off before `endstream`: what came is its data.
    if (this.state === S.Stream || this.state === S.StreamEol) this.endStream(0);
    this.state = S.Normal;
  }

  private normal(c: number, pos: number): void {
    if (REGULAR[c]) {
      this.state = S.Word;
      this.token = [c];
      this.tokenAt = pos;
    } else if (c === 0x2f) {
      this.state = S.Name;
      this.token = [];
      this.tokenAt = pos;
    } else if (c === 0x25) this.state = S.Comment;
    else if (c === 0x28) {
      this.state = S.String;
      this.depth = 1;
      this.escaped = false;
      this.sink.token(T.Other, '', pos);
    } else if (c === 0x3c) this.state = S.Lt;
    else if (c === 0x3e) this.state = S.Gt;
    else if (c === 0x5b) this.sink.token(T.ArrayOpen, '', pos);
    else if (c === 0x5d || c === 0x7b || c === 0x7d) this.sink.token(T.Other, '', pos);
  }

  /** Ends a name or keyword; true when it starts a stream's data. */
  private endToken(): boolean {
    const name = this.state === S.Name;
    this.state = S.Normal;
    if (name) {
      this.sink.token(T.Name, decodeName(this.token), this.tokenAt);
      return false;
    }
    const word = String.fromCharCode(...this.token);
    if (word === 'stream' && this.streams) {
      this.state = S.StreamEol;
      this.keeping = this.sink.streamStart() ? [] : null;
      this.kept = 0;
      this.tail = Buffer.alloc(0);
      return true;
    }
    this.sink.token(T.Word, word, this.tokenAt);
    return false;
  }

  /** In a stream's data from chunk[i]: finds `endstream` (native search); returns where to go on. */
  private inStream(chunk: Buffer, i: number): number {
    // An `endstream` begun in the last chunk's tail.
    if (this.tail.length > 0) {
      const joined = Buffer.concat([this.tail, chunk.subarray(i, i + ENDSTREAM.length - 1)]);
      const at = joined.indexOf(ENDSTREAM);
      if (at >= 0) {
        const after = i + at + ENDSTREAM.length - this.tail.length;
        this.keep(chunk.subarray(i, after));
        this.endStream(ENDSTREAM.length);
        return after;
      }
    }
    const at = chunk.indexOf(ENDSTREAM, i);
    if (at >= 0) {
      this.keep(chunk.subarray(i, at + ENDSTREAM.length));
      this.endStream(ENDSTREAM.length);
      return at + ENDSTREAM.length;
    }
    this.keep(chunk.subarray(i));
    const rest = chunk.subarray(i);
    this.tail = Buffer.from(
      rest.length >= ENDSTREAM.length - 1 ? rest.subarray(rest.length - (ENDSTREAM.length - 1)) : Buffer.concat([this.tail, rest]).subarray(-(ENDSTREAM.length - 1)),
    );
    return chunk.length;
  }

  private keep(bytes: Buffer): void {
    if (!this.keeping || bytes.length === 0) return;
    this.kept += bytes.length;
    if (this.kept > MAX_OBJSTM_BYTES + ENDSTREAM.length) {
      this.keeping = null;
      this.tooBig();
      return;
    }
    this.keeping.push(Buffer.from(bytes));
  }

  private endStream(trim: number): void {
    this.state = S.Normal;
    this.tail = Buffer.alloc(0);
    if (!this.keeping) return;
    const data = Buffer.concat(this.keeping);
    this.keeping = null;
    this.sink.streamData(data.subarray(0, Math.max(0, data.length - trim)));
  }
}

/** A name's characters with `#xx` escapes decoded (latin1 is enough to compare with ASCII names). */
function decodeName(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x23 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out += String.fromCharCode(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else out += String.fromCharCode(c);
  }
  return out;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

const INTEGER = /^\d+$/;

interface PdfObject {
  kind: 'array' | 'dict' | 'other';
  /** The action type (/S) of a dictionary. */
  s?: string;
}

/**
 * Reads the tokens: the active names, each object's kind and action type (to follow
 * /OpenAction), and object streams, whose inflated contents are read the same way.
 */
class Reader implements TokenSink {
  readonly active: string[] = [];
  unreadable: string | undefined;
  private readonly objects = new Map<string, PdfObject>();
  /** Objects /OpenAction names (by reference), judged at the end when all are known. */
  private readonly openRefs: string[] = [];

  // The object being read.
  private current: PdfObject | null = null;
  private expectFirst = false;
  private words: string[] = [];
  private afterS = false;
  private key: string | null = null;
  // The current object's dictionary entries that tell an object stream.
  private objStm = false;
  private filters: string[] = [];
  private values = new Map<string, string>();
  // /OpenAction: 1 its value comes next, 2–3 a reference's number and generation came, 4 an inline dictionary (its /S comes).
  private open = 0;
  private openNum = '';
  // Inside an object stream: where each object starts.
  private starts: Array<{ num: string; at: number }> = [];
  private next = 0;

  constructor(private readonly nested = false) {}

  found(what: string): void {
    if (!this.active.includes(what)) this.active.push(what);
  }

  cannotRead(why: string): void {
    this.unreadable ??= why;
  }

  token(kind: T, value: string, pos: number): void {
    if (this.nested) this.locate(pos);
    if (this.expectFirst && this.current) {
      this.current.kind = kind === T.ArrayOpen ? 'array' : kind === T.DictOpen ? 'dict' : 'other';
      this.expectFirst = false;
    }
    this.followOpenAction(kind, value);
    if (kind === T.Name) {
      if (ACTIVE.has(value)) this.found(`/${value}`);
      if (this.afterS) {
        if (this.current && this.current.s === undefined) this.current.s = value;
        if (this.open === 4) {
          if (value !== 'GoTo') this.found(`/OpenAction → /${value}`);
          this.open = 0;
        }
      }
      this.afterS = value === 'S';
      if (this.key === 'Type' && value === 'ObjStm') this.objStm = true;
      if (FILTERS.has(value)) this.filters.push(value);
      this.key = value;
      this.words = [];
      return;
    }
    this.afterS = false;
    if (kind === T.Word) {
      if (this.key !== null && INTEGER.test(value) && !this.values.has(this.key)) this.values.set(this.key, value);
      if (value === 'obj' && !this.nested) {
        const num = this.words.length >= 2 ? this.words[this.words.length - 2]! : '?';
        this.begin(num);
      } else if (value === 'endobj' && !this.nested) this.current = null;
      this.words.push(value);
      if (this.words.length > 2) this.words.shift();
    } else this.words = [];
    this.key = null;
  }

  private begin(num: string): void {
    this.current = { kind: 'other' };
    this.objects.set(num, this.current);
    this.expectFirst = true;
    this.objStm = false;
    this.filters = [];
    this.values = new Map();
  }

  /** /OpenAction's value: a destination (an array: "open at page 1") is fine, an action is judged by its type. */
  private followOpenAction(kind: T, value: string): void {
    switch (this.open) {
      case 0:
        if (kind === T.Name && value === 'OpenAction') this.open = 1;
        return;
      case 1:
        if (kind === T.Word && INTEGER.test(value)) {
          this.openNum = value;
          this.open = 2;
        } else this.open = kind === T.DictOpen ? 4 : 0;
        return;
      case 2:
        this.open = kind === T.Word && INTEGER.test(value) ? 3 : 0;
        return;
      case 3:
        if (kind === T.Word && value === 'R') this.openRefs.push(this.openNum);
        this.open = 0;
        return;
      default:
        // An inline action dictionary: its /S decides (see token()); a dictionary without one is no action.
        if (kind === T.DictClose) this.open = 0;
    }
  }

  streamStart(): boolean {
    return this.objStm;
  }

  streamData(data: Buffer | null): void {
    if (!data) return;
    const filters = this.filters;
    let inflated: Buffer;
    if (filters.length === 0) inflated = data;
    else if (filters.length === 1 && (filters[0] === 'FlateDecode' || filters[0] === 'Fl')) {
      try {
        // Z_SYNC_FLUSH: a stream that ends without zlib's end marker is read as far as it goes.
        inflated = inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES, finishFlush: 2 });
      } catch (e) {
        this.cannotRead(`an object stream cannot be decompressed (${(e as Error).message})`);
        return;
      }
    } else {
      this.cannotRead(`an object stream is compressed with ${filters.map((f) => `/${f}`).join(' ')}, which Kaohe does not read`);
      return;
    }
    const first = Number(this.values.get('First') ?? NaN);
    const inner = new Reader(true);
    inner.starts = objectStarts(inflated, first);
    const lexer = new Lexer(inner, false, () => {});
    lexer.push(inflated);
    lexer.end();
    for (const a of inner.active) this.found(a);
    for (const [num, o] of inner.objects) if (!this.objects.has(num)) this.objects.set(num, o);
    this.openRefs.push(...inner.openRefs);
    if (inner.unreadable !== undefined) this.cannotRead(inner.unreadable);
  }

  /** Inside an object stream: the object a token at `pos` belongs to. */
  private locate(pos: number): void {
    while (this.next < this.starts.length && this.starts[this.next]!.at <= pos) {
      const { num } = this.starts[this.next++]!;
      this.begin(num);
    }
  }

  /** The end: each /OpenAction reference judged by the object it names. */
  finish(): void {
    for (const num of this.openRefs) {
      const o = this.objects.get(num);
      if (!o) this.found('/OpenAction → an object not found');
      else if (o.kind === 'dict' && o.s !== undefined && o.s !== 'GoTo') this.found(`/OpenAction → /${o.s}`);
    }
  }
}

/** The header of an object stream: pairs of object number and offset (from `first`). */
function objectStarts(data: Buffer, first: number): Array<{ num: string; at: number }> {
  if (!Number.isSafeInteger(first) || first <= 0 || first > data.length) return [];
  const numbers = data.subarray(0, first).toString('latin1').trim().split(/\s+/);
  const out: Array<{ num: string; at: number }> = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    if (INTEGER.test(numbers[i]!) && INTEGER.test(numbers[i + 1]!)) out.push({ num: String(Number(numbers[i])), at: first + Number(numbers[i + 1]) });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Streams a PDF through both layers; `result()` at the end. */
export class PdfActiveContentScanner {
  private readonly reader = new Reader();
  private readonly lexer = new Lexer(this.reader, true, () => this.reader.cannotRead(`an object stream is larger than ${MAX_OBJSTM_BYTES / (1024 * 1024)} MiB`));
  private carry = Buffer.alloc(0);
  private readonly raw: string[] = [];

  push(chunk: Buffer): void {
    this.lexer.push(chunk);
    const hay = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    for (const m of RAW_MARKERS) {
      if (hay.indexOf(m) >= 0) {
        const name = m.toString('latin1');
        if (!this.raw.includes(name)) this.raw.push(name);
      }
    }
    this.carry = Buffer.from(hay.subarray(Math.max(0, hay.length - RAW_CARRY)));
  }

  result(): PdfCheck {
    this.lexer.end();
    this.reader.finish();
    for (const name of this.raw) this.reader.found(name);
    const { active, unreadable } = this.reader;
    return unreadable === undefined ? { active: [...active] } : { active: [...active], unreadable };
  }
}

/** Checks a whole PDF held in memory (tests, small files). */
export function checkPdf(bytes: Buffer): PdfCheck {
  const s = new PdfActiveContentScanner();
  s.push(bytes);
  return s.result();
}
