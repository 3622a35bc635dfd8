/**
 * Page layout for printed reports, in two steps: lay out (measure and wrap text, place rows,
 * break pages) into a plan of drawing operations, then draw the plan. Knowing a village's pages
 * before drawing them is what lets every page say "第 1 页 / 共 3 页" without keeping pages
 * open (pdfkit's bufferPages would keep every page of a 1,000-village PDF in memory).
 *
 * Text is wrapped here, not by pdfkit: Chinese breaks between any two characters, Latin words
 * stay whole, closing punctuation never starts a line; widths come from the embedded font and
 * are cached per token, so laying out a thousand sheets measures each word once.
 */
import { createRequire } from 'node:module';
import type PDFKitDocument from 'pdfkit';
import { FONT_BOLD, FONT_REGULAR, registerCjkFonts, type FontName } from './fonts.ts';

export type Doc = PDFKit.PDFDocument;

/** A4 in PDF points (1/72 in). */
export const A4 = { width: 595.28, height: 841.89 } as const;

export interface TextOp {
  op: 'text';
  x: number;
  /** The baseline. */
  y: number;
  text: string;
  font: FontName;
  size: number;
  color: string;
}
export interface LineOp {
  op: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
  color: string;
}
export interface RectOp {
  op: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
}
export interface SvgOp {
  op: 'svg';
  svg: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
/** A picture fitted into a box, centred; `key` names its bytes in the images handed to drawOps (an evidence file's sha256). */
export interface ImageOp {
  op: 'image';
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
export type Op = TextOp | LineOp | RectOp | SvgOp | ImageOp;

/** Picture bytes (JPEG or PNG) by the key an ImageOp names. */
export type Images = ReadonlyMap<string, Buffer>;

/** One page of a plan: what to draw on it, in order (fills, then lines and text). */
export interface PagePlan {
  ops: Op[];
}

/**
 * pdfkit, loaded when the first report is drawn (required, as its CommonJS build is what an
 * import gives too): a command or a server process that draws none starts without it and fontkit.
 */
let loaded: typeof PDFKitDocument | undefined;
function pdfkit(): typeof PDFKitDocument {
  return (loaded ??= createRequire(import.meta.url)('pdfkit') as typeof PDFKitDocument);
}

/** A new pdfkit document for reports: A4, no automatic first page, the CJK fonts registered. */
export function createReportDocument(info: { title?: string; author?: string; subject?: string } = {}): Doc {
  const meta: PDFKit.DocumentInfo = { Creator: 'Kaohe 考核' };
  if (info.title) meta.Title = info.title;
  if (info.author) meta.Author = info.author;
  if (info.subject) meta.Subject = info.subject;
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0, bufferPages: false, info: meta });
  registerCjkFonts(doc);
  return doc;
}

// ----------------------------------------------------------------------------------------------
// Measuring and wrapping text

const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;
/** Never at the start of a line (they go with the text before them). */
const CLOSING = new Set([...'，。、；：！？）》」』】〕〉”’％,.;:!?)]}%…·']);
/** Never at the end of a line (they go with the text after them). */
const OPENING = new Set([...'（《「『【〔〈“‘([{']);
const isSpace = (s: string) => /^\s+$/.test(s);

/** Splits text into the units a line may break between. */
export function tokenize(text: string): string[] {
  const raw: string[] = [];
  let word = '';
  const flush = () => {
    if (word) raw.push(word);
    word = '';
  };
  for (const ch of text) {
    if (ch === '\n') {
      flush();
      raw.push('\n');
    } else if (/\s/.test(ch)) {
      if (raw.length && isSpace(raw[raw.length - 1]!) && !word) raw[raw.length - 1] += ch;
      else {
        flush();
        raw.push(ch);
      }
    } else if (CJK.test(ch)) {
      // Chinese characters and full-width punctuation; ASCII punctuation stays in its word.
      flush();
      raw.push(ch);
    } else word += ch;
  }
  flush();
  // Glue punctuation to its neighbours.
  const tokens: string[] = [];
  let carry = '';
  for (const t of raw) {
    if (t.length === 1 && OPENING.has(t)) {
      carry += t;
      continue;
    }
    if (t.length === 1 && CLOSING.has(t) && !carry && tokens.length && tokens[tokens.length - 1] !== '\n' && !isSpace(tokens[tokens.length - 1]!)) {
      tokens[tokens.length - 1] += t;
      continue;
    }
    if (carry && (t === '\n' || isSpace(t))) {
      tokens.push(carry);
      carry = '';
    }
    tokens.push(carry + t);
    carry = '';
  }
  if (carry) tokens.push(carry);
  return tokens;
}

/** Text widths from the document's embedded fonts, cached per font and token. */
export class Measurer {
  private readonly widths = new Map<string, number>();
  /** Whole texts measured and wrapped: a campaign repeats its titles, codes and numbers on every sheet. */
  private readonly texts = new Map<string, number>();
  private readonly wrapped = new Map<string, string[]>();

  constructor(private readonly doc: Doc) {}

  /** Width of a token at size 1. */
  private unit(token: string, font: FontName): number {
    const key = font === FONT_REGULAR ? token : `${font}\u0000${token}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      this.doc.font(font).fontSize(1000);
      w = this.doc.widthOfString(token) / 1000;
      if (this.widths.size > 200_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  /** Width of text in points (tokens measured apart: kerning across a token boundary is ignored). */
  width(text: string, font: FontName, size: number): number {
    const key = `${font}\u0000${text}`;
    let w = this.texts.get(key);
    if (w === undefined) {
      w = 0;
      for (const t of tokenize(text)) if (t !== '\n') w += this.unit(t, font);
      if (this.texts.size > 20_000) this.texts.clear();
      this.texts.set(key, w);
    }
    return w * size;
  }

  /** Breaks text into lines no wider than maxWidth (a word wider than that is broken between characters). */
  wrap(text: string, font: FontName, size: number, maxWidth: number): string[] {
    const key = `${font}\u0000${size}\u0000${maxWidth}\u0000${text}`;
    const hit = this.wrapped.get(key);
    if (hit) return hit;
    const lines = this.wrapUncached(text, font, size, maxWidth);
    if (this.wrapped.size > 20_000) this.wrapped.clear();
    this.wrapped.set(key, lines);
    return lines;
  }

  private wrapUncached(text: string, font: FontName, size: number, maxWidth: number): string[] {
    const limit = maxWidth / size;
    const lines: string[] = [];
    let line = '';
    let lineWidth = 0;
    const push = () => {
      lines.push(line.replace(/\s+$/, ''));
      line = '';
      lineWidth = 0;
    };
    const add = (t: string, w: number) => {
      if (line === '' && isSpace(t)) return;
      if (line !== '' && lineWidth + w > limit + 1e-9 && !isSpace(t)) push();
      if (line === '' && isSpace(t)) return;
      line += t;
      lineWidth += w;
    };
    for (const t of tokenize(text)) {
      if (t === '\n') {
        push();
        continue;
      }
      const w = this.unit(t, font);
      if (w <= limit || isSpace(t)) add(t, w);
      else for (const ch of t) add(ch, this.unit(ch, font));
    }
    if (line !== '' || lines.length === 0) push();
    return lines;
  }
}

// ----------------------------------------------------------------------------------------------
// Flowing content down pages

/** The printable area of a page. */
export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface TextStyle {
  font?: FontName;
  size?: number;
  color?: string;
}

/** Line height as a multiple of the font size. */
export const LINE_HEIGHT = 1.4;

/**
 * Content flowing down pages: a cursor (y) on the current page, a new page when something
 * does not fit, and what every new page starts with (a running header, a table's header).
 */
export class Flow {
  readonly pages: PagePlan[] = [];
  y = 0;
  private readonly starters: Array<(flow: Flow) => void> = [];

  constructor(
    readonly m: Measurer,
    readonly frame: Frame,
    /** Drawn at the top of every page after the first (a running header). */
    private readonly continuation?: (flow: Flow) => void,
  ) {}

  get width(): number {
    return this.frame.right - this.frame.left;
  }

  get remaining(): number {
    return this.frame.bottom - this.y;
  }

  get page(): PagePlan {
    if (this.pages.length === 0) this.newPage();
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    this.pages.push({ ops: [] });
    this.y = this.frame.top;
    if (this.pages.length > 1) this.continuation?.(this);
    for (const s of this.starters) s(this);
  }

  /** Room on a new page, after its running header and the current starters. */
  roomOnNewPage(): number {
    const probe = new Flow(this.m, this.frame, this.continuation);
    probe.pages.push({ ops: [] }, { ops: [] });
    probe.y = this.frame.top;
    this.continuation?.(probe);
    for (const s of this.starters) s(probe);
    return probe.remaining;
  }

  /** Runs body with `starter` drawn at the top of every page begun meanwhile (a table's header). */
  withStarter(starter: (flow: Flow) => void, body: () => void): void {
    this.starters.push(starter);
    try {
      body();
    } finally {
      this.starters.pop();
    }
  }

  /** Makes sure `height` fits on this page (a new page if not, unless it would not fit there either). */
  ensure(height: number): void {
    if (this.pages.length === 0) this.newPage();
    else if (height > this.remaining && height <= this.roomOnNewPage()) this.newPage();
    else if (height > this.remaining && this.y > this.frame.top + 1) this.newPage();
  }

  add(op: Op): void {
    this.page.ops.push(op);
  }

  /** A baseline for text of this size so that its em box is centred in a line box of height lineHeight. */
  baseline(top: number, size: number, lineHeight: number): number {
    // The ideographic em box of Noto Sans SC spans 0.88 em above the baseline and 0.12 below.
    return top + (lineHeight - size) / 2 + 0.88 * size;
  }

  /** Text at (x, top of line), aligned within width. */
  textAt(text: string, x: number, top: number, style: TextStyle & { align?: 'left' | 'right' | 'center'; width?: number; lineHeight?: number }): void {
    const font = style.font ?? FONT_REGULAR;
    const size = style.size ?? 9;
    const lh = style.lineHeight ?? size * LINE_HEIGHT;
    let tx = x;
    if (style.align && style.align !== 'left' && style.width !== undefined) {
      const w = this.m.width(text, font, size);
      tx = style.align === 'right' ? x + style.width - w : x + (style.width - w) / 2;
    }
    this.add({ op: 'text', x: tx, y: this.baseline(top, size, lh), text, font, size, color: style.color ?? '#000000' });
  }

  /** A paragraph across the frame's width (or the given width), wrapped and broken across pages. */
  paragraph(text: string, style: TextStyle & { align?: 'left' | 'right' | 'center'; indent?: number; gapAfter?: number } = {}): void {
    const font = style.font ?? FONT_REGULAR;
    const size = style.size ?? 9;
    const lh = size * LINE_HEIGHT;
    const indent = style.indent ?? 0;
    const width = this.width - indent;
    for (const line of this.m.wrap(text, font, size, width)) {
      this.ensure(lh);
      this.textAt(line, this.frame.left + indent, this.y, { ...style, font, size, width, lineHeight: lh });
      this.y += lh;
    }
    this.y += style.gapAfter ?? 0;
  }

  rule(width = 0.5, color = '#000000'): void {
    this.add({ op: 'line', x1: this.frame.left, y1: this.y, x2: this.frame.right, y2: this.y, width, color });
  }
}

// ----------------------------------------------------------------------------------------------
// Ruled tables

export interface Column {
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface Cell extends TextStyle {
  text: string;
  indent?: number;
  align?: 'left' | 'right' | 'center';
  fill?: string;
}

export interface Row {
  cells: Cell[];
  fill?: string;
  /** Keep on the same page as the next row (a section's heading row). */
  keepWithNext?: boolean;
}

export interface TableStyle {
  size: number;
  padX: number;
  padY: number;
  lineWidth: number;
  lineColor: string;
  /** Drawn again at the top of every page the table continues on. */
  header?: Row;
  headerFill?: string;
  /** Start on a new page rather than break the table (when it fits on one). */
  keepTogether?: boolean;
}

interface LaidRow {
  row: Row;
  lines: string[][];
  height: number;
}

const DEFAULT_TABLE: TableStyle = { size: 8.5, padX: 3, padY: 2.5, lineWidth: 0.5, lineColor: '#000000' };

/** A ruled table: rows wrap their cells' text; a row that does not fit goes to the next page (the header repeated), one taller than a page is split. */
export function table(flow: Flow, columns: readonly Column[], rows: readonly Row[], style: Partial<TableStyle> = {}): void {
  const s = { ...DEFAULT_TABLE, ...style };
  const lh = s.size * LINE_HEIGHT;
  const x0 = flow.frame.left;
  const lay = (row: Row): LaidRow => {
    const lines = row.cells.map((c, i) => {
      const col = columns[i]!;
      const w = col.width - 2 * s.padX - (c.indent ?? 0);
      return flow.m.wrap(c.text, c.font ?? FONT_REGULAR, c.size ?? s.size, Math.max(w, 4));
    });
    const height = Math.max(...lines.map((l) => l.length)) * lh + 2 * s.padY;
    return { row, lines, height };
  };
  const draw = (laid: LaidRow, top: boolean) => {
    const y = flow.y;
    const h = laid.height;
    const total = columns.reduce((a, c) => a + c.width, 0);
    if (laid.row.fill) flow.add({ op: 'rect', x: x0, y, w: total, h, fill: laid.row.fill });
    let x = x0;
    laid.row.cells.forEach((c, i) => {
      const col = columns[i]!;
      if (c.fill) flow.add({ op: 'rect', x, y, w: col.width, h, fill: c.fill });
      const size = c.size ?? s.size;
      const cellLh = size * LINE_HEIGHT;
      laid.lines[i]!.forEach((line, k) => {
        if (line === '') return;
        flow.textAt(line, x + s.padX + (c.indent ?? 0), y + s.padY + k * lh + (lh - cellLh) / 2, {
          font: c.font,
          size,
          color: c.color,
          align: c.align ?? col.align,
          width: col.width - 2 * s.padX - (c.indent ?? 0),
          lineHeight: cellLh,
        });
      });
      x += col.width;
    });
    if (top) flow.add({ op: 'line', x1: x0, y1: y, x2: x0 + total, y2: y, width: s.lineWidth, color: s.lineColor });
    flow.add({ op: 'line', x1: x0, y1: y + h, x2: x0 + total, y2: y + h, width: s.lineWidth, color: s.lineColor });
    x = x0;
    for (let i = 0; i <= columns.length; i++) {
      flow.add({ op: 'line', x1: x, y1: y, x2: x, y2: y + h, width: s.lineWidth, color: s.lineColor });
      x += columns[i]?.width ?? 0;
    }
    flow.y += h;
  };
  const header = s.header ? lay({ ...s.header, fill: s.header.fill ?? s.headerFill }) : undefined;
  const laidRows = rows.map(lay);
  // Whether the row drawn last left a line under it (so the next row needs no top line).
  let ruled = false;
  const drawHeader = (f: Flow) => {
    if (f !== flow) {
      // Measuring a new page's room: only the height matters.
      f.y += header?.height ?? 0;
      return;
    }
    if (header) draw(header, true);
    ruled = header !== undefined;
  };
  const start = () => {
    const first = laidRows[0];
    const whole = (header?.height ?? 0) + laidRows.reduce((a, r) => a + r.height, 0);
    const need = s.keepTogether && whole <= flow.roomOnNewPage() ? whole : (header?.height ?? 0) + (first ? Math.min(first.height, 3 * lh + 2 * s.padY) : 0);
    flow.ensure(need);
    ruled = false;
    if (header) draw(header, true);
    ruled = header !== undefined;
  };
  // The header of the first page is drawn by start(); later pages get it from the starter.
  start();
  flow.withStarter(drawHeader, () => {
    for (let i = 0; i < laidRows.length; i++) {
      let laid = laidRows[i]!;
      const next = laidRows[i + 1];
      const need = laid.height + (laid.row.keepWithNext && next ? next.height : 0);
      if (need > flow.remaining) {
        const room = flow.roomOnNewPage();
        if (need <= room || laid.height <= room) {
          flow.newPage();
        }
      }
      // Still too tall (taller than a whole page): split its lines across pages.
      while (laid.height > flow.remaining) {
        const fit = Math.floor((flow.remaining - 2 * s.padY) / lh + 1e-9);
        if (fit < 2) {
          flow.newPage();
          continue;
        }
        const head: LaidRow = { row: laid.row, lines: laid.lines.map((l) => l.slice(0, fit)), height: fit * lh + 2 * s.padY };
        draw(head, !ruled);
        const rest = laid.lines.map((l) => l.slice(fit));
        const restRow: Row = { ...laid.row, cells: laid.row.cells.map((c) => ({ ...c })) };
        laid = { row: restRow, lines: rest, height: Math.max(1, ...rest.map((l) => l.length)) * lh + 2 * s.padY };
        flow.newPage();
      }
      draw(laid, !ruled);
      ruled = true;
    }
  });
}

// ----------------------------------------------------------------------------------------------
// Drawing a plan

/** Draws a page's operations onto the document's current page. */
export function drawOps(doc: Doc, ops: readonly Op[], svg?: (doc: Doc, op: SvgOp) => void, images?: Images): void {
  for (const op of ops) if (op.op === 'rect') doc.rect(op.x, op.y, op.w, op.h).fill(op.fill);
  for (const op of ops) {
    if (op.op !== 'image') continue;
    const bytes = images?.get(op.key);
    // A picture the layout planned but the caller did not hand over leaves its frame empty.
    if (bytes) doc.image(bytes, op.x, op.y, { fit: [op.w, op.h], align: 'center', valign: 'center' });
  }
  // Lines in one path per width and colour: a ruled table is a few stroke operations a page.
  const groups = new Map<string, LineOp[]>();
  for (const op of ops) {
    if (op.op !== 'line') continue;
    const key = `${op.width}|${op.color}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(op);
  }
  for (const lines of groups.values()) {
    for (const l of lines) doc.moveTo(l.x1, l.y1).lineTo(l.x2, l.y2);
    doc.lineWidth(lines[0]!.width).lineCap('square').strokeColor(lines[0]!.color).stroke();
  }
  let font: FontName | undefined;
  let size = 0;
  let color = '';
  for (const op of ops) {
    if (op.op === 'svg') {
      svg?.(doc, op);
      font = undefined;
      size = 0;
      color = '';
      continue;
    }
    if (op.op !== 'text') continue;
    if (op.font !== font) doc.font((font = op.font));
    if (op.size !== size) doc.fontSize((size = op.size));
    if (op.color !== color) doc.fillColor((color = op.color));
    doc.text(op.text, op.x, op.y, { lineBreak: false, baseline: 'alphabetic' });
  }
}

export { FONT_BOLD, FONT_REGULAR };
