/**
 * COPY's text format, pure (no connection): a value as a field of a line, and rows of values as
 * the UTF-8 bytes of their lines. A large import's validating thread encodes its rows this way
 * (services/import/validate.worker.ts), so that the importing thread only passes the bytes on to
 * the server (import-stage.ts, Stage.appendCopy); pg-bulk.ts writes its rows with it too.
 */
export type CopyValue = string | number | null;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: \N for null, backslash, tab and line breaks escaped. */
export function copyText(v: CopyValue | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a number PostgreSQL can store: ${v}`);
    return String(v);
  }
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/** `count` rows of `width` values (one row after another in `values`) as COPY text lines, each ending in \n. */
export function copyLines(values: readonly CopyValue[], width: number, count: number): string {
  let text = '';
  for (let r = 0, i = 0; r < count; r++) {
    text += copyText(values[i++]);
    for (let c = 1; c < width; c++, i++) text += '\t' + copyText(values[i]);
    text += '\n';
  }
  return text;
}

/**
 * Rows as the UTF-8 bytes of their COPY lines, a batch at a time, written byte by byte into one
 * buffer (no string a line or a batch: a million rows' strings would be the collector's work);
 * each batch's bytes are a buffer of their own, to move to another thread. The bytes are those
 * of copyText's text as Node writes a string: a lone surrogate is U+FFFD.
 */
export class CopyLinesEncoder {
  count = 0;
  private bytes: Uint8Array;
  private at = 0;

  constructor(
    private readonly width: number,
    readonly capacity: number,
  ) {
    this.bytes = new Uint8Array(Math.max(1024, capacity * width * 16));
  }

  add(values: readonly CopyValue[]): void {
    for (let c = 0; c < this.width; c++) {
      // A field needs at most 3 bytes a UTF-16 unit (2 for an escape), and its tab.
      const v = values[c];
      const s = v === null || v === undefined ? null : typeof v === 'number' ? copyText(v) : v;
      this.room(s === null ? 3 : 3 * s.length + 1);
      if (c > 0) this.bytes[this.at++] = TAB;
      if (s === null) {
        this.bytes[this.at++] = BACKSLASH;
        this.bytes[this.at++] = 0x4e; // N
      } else {
        this.write(s);
      }
    }
    this.room(1);
    this.bytes[this.at++] = LF;
    this.count++;
  }

  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    bytes.set(this.bytes.subarray(0, this.at));
    this.bytes = bytes;
  }

  /** A string's UTF-8 bytes, COPY's escapes made. */
  private write(s: string): void {
    const b = this.bytes;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      let u = s.charCodeAt(i);
      if (u < 0x80) {
        if (u === BACKSLASH || u === TAB || u === LF || u === CR) {
          b[at++] = BACKSLASH;
          b[at++] = u === BACKSLASH ? BACKSLASH : u === TAB ? 0x74 : u === LF ? 0x6e : 0x72;
        } else {
          b[at++] = u;
        }
      } else if (u < 0x800) {
        b[at++] = 0xc0 | (u >> 6);
        b[at++] = 0x80 | (u & 0x3f);
      } else if (u >= 0xd800 && u <= 0xdfff) {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00);
          i++;
          b[at++] = 0xf0 | (cp >> 18);
          b[at++] = 0x80 | ((cp >> 12) & 0x3f);
          b[at++] = 0x80 | ((cp >> 6) & 0x3f);
          b[at++] = 0x80 | (cp & 0x3f);
        } else {
          u = 0xfffd;
          b[at++] = 0xe0 | (u >> 12);
          b[at++] = 0x80 | ((u >> 6) & 0x3f);
          b[at++] = 0x80 | (u & 0x3f);
        }
      } else {
        b[at++] = 0xe0 | (u >> 12);
        b[at++] = 0x80 | ((u >> 6) & 0x3f);
        b[at++] = 0x80 | (u & 0x3f);
      }
    }
    this.at = at;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** The batch so far (its bytes a copy, to move), and a fresh start. */
  take(): { count: number; bytes: Uint8Array } {
    const batch = { count: this.count, bytes: this.bytes.slice(0, this.at) };
    this.at = 0;
    this.count = 0;
    return batch;
  }
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
