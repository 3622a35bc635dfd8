/**
 * An office's scheme table kept in Word (评分细则.docx): read with mammoth (a maintained .docx
 * reader, which keeps merged cells as colspan and rowspan) into the same grid an .xlsx gives
 * (`SheetGrid`): the paragraphs above the table are the title rows, the table's rows the
 * table (merged cells as merged ranges), the paragraphs below it the notes (说明：…).
 *
 * The table read is the first with a header row (序号 | 考核内容 | 分值 | 评分标准 or the like:
 * two rows at least and three columns); a document without one is refused naming the file.
 */
import { readFileSync } from 'node:fs';
import { KaoheError } from '../core/errors.ts';
import { quoteCell } from '../core/registry/cell-text.ts';
import type { SheetGrid } from '../core/scheme/sheet-import.ts';

/** One element of the document's body: a paragraph's text, or a table's rows of cells. */
type Block = { kind: 'p'; text: string } | { kind: 'table'; rows: Array<Array<{ text: string; colspan: number; rowspan: number }>> };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML text to plain text: tags dropped, entities read. */
function plain(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? whole;
    })
    .trim();
}

const span = (attrs: string, name: string): number => {
  const m = new RegExp(`${name}="(\\d+)"`).exec(attrs);
  return m ? Math.max(1, Math.min(Number(m[1]), 500)) : 1;
};

/**
 * The body of mammoth's HTML as paragraphs and tables. mammoth writes well-formed HTML of a few
 * elements (p, h1–h6, ul/ol/li, table/tr/td/th, strong, em, a, img, br); a table inside a cell is
 * read as that cell's text.
 */
export function blocksOf(html: string): Block[] {
  const blocks: Block[] = [];
  const tag = /<(\/?)(table|tr|td|th|p|h[1-6]|li)\b([^>]*)>/gi;
  let depth = 0;
  let table: Extract<Block, { kind: 'table' }> | undefined;
  let cell: { start: number; colspan: number; rowspan: number } | undefined;
  let para: number | undefined;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const [whole, close, nameRaw, attrs] = m;
    const name = nameRaw!.toLowerCase();
    if (name === 'table') {
      if (!close) {
        depth++;
        if (depth === 1) table = { kind: 'table', rows: [] };
      } else {
        depth--;
        if (depth === 0 && table) {
          blocks.push(table);
          table = undefined;
        }
      }
      continue;
    }
    if (depth > 1) continue;
    if (depth === 1) {
      if (name === 'tr' && !close) table!.rows.push([]);
      else if ((name === 'td' || name === 'th') && !close) cell = { start: m.index + whole.length, colspan: span(attrs!, 'colspan'), rowspan: span(attrs!, 'rowspan') };
      else if ((name === 'td' || name === 'th') && close && cell) {
        const text = plain(html.slice(cell.start, m.index).replace(/<\/(p|h[1-6]|li)>/gi, '\n'))
          .replace(/\n{2,}/g, '\n')
          .trim();
        table!.rows.at(-1)?.push({ text, colspan: cell.colspan, rowspan: cell.rowspan });
        cell = undefined;
      }
      continue;
    }
    // Outside tables: paragraphs, headings and list items are lines of their own.
    if (!close) para = m.index + whole.length;
    else if (para !== undefined) {
      const text = plain(html.slice(para, m.index));
      if (text) blocks.push({ kind: 'p', text });
      para = undefined;
    }
  }
  return blocks;
}

/** A table's rows laid out on a grid, as a browser lays out rowspan and colspan: cell texts and merged ranges. */
function layOut(rows: Extract<Block, { kind: 'table' }>['rows']): SheetGrid {
  const cells: string[][] = [];
  const merges: NonNullable<SheetGrid['merges']> = [];
  const taken = new Set<string>();
  rows.forEach((row, r) => {
    cells[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (taken.has(`${r}:${c}`)) c++;
      for (let dr = 0; dr < cell.rowspan; dr++) for (let dc = 0; dc < cell.colspan; dc++) taken.add(`${r + dr}:${c + dc}`);
      cells[r]![c] = cell.text;
      if (cell.rowspan > 1 || cell.colspan > 1) merges.push({ top: r, left: c, bottom: r + cell.rowspan - 1, right: c + cell.colspan - 1 });
      c += cell.colspan;
    }
  });
  const width = Math.max(0, ...cells.map((r) => r.length), ...merges.map((m) => m.right + 1));
  // A rowspan reaching below the last row is cut at it.
  const bottom = rows.length - 1;
  return { cells: cells.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? '')), merges: merges.map((m) => ({ ...m, bottom: Math.min(m.bottom, bottom) })) };
}

/** The scheme table of a document's blocks: title paragraphs, the table, note paragraphs, on one grid. */
export function gridOfBlocks(blocks: Block[]): SheetGrid | undefined {
  const at = blocks.findIndex((b) => b.kind === 'table' && b.rows.length >= 2 && Math.max(...b.rows.map((r) => r.reduce((n, c) => n + c.colspan, 0))) >= 3);
  if (at < 0) return undefined;
  const table = layOut((blocks[at] as Extract<Block, { kind: 'table' }>).rows);
  const width = Math.max(1, table.cells[0]?.length ?? 1);
  const line = (text: string) => [text, ...Array.from({ length: width - 1 }, () => '')];
  const before = blocks.slice(0, at).flatMap((b) => (b.kind === 'p' ? [line(b.text)] : []));
  const after = blocks.slice(at + 1).flatMap((b) => (b.kind === 'p' ? [line(b.text)] : []));
  const shift = before.length;
  return {
    cells: [...before, ...table.cells, ...after],
    merges: table.merges!.map((m) => ({ top: m.top + shift, left: m.left, bottom: m.bottom + shift, right: m.right })),
  };
}

/** Reads a .docx scheme table into a grid; `name` is the file as the office knows it (messages name it). */
export async function readSchemeDocx(path: string, name: string): Promise<{ grid: SheetGrid; sheet: string }> {
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: readFileSync(path) })).value;
  } catch (e) {
    throw new KaoheError('unreadable-docx', `${name}: not a readable Word document (.docx): ${quoteCell((e as Error).message, 300)}`);
  }
  const grid = gridOfBlocks(blocksOf(html));
  if (!grid) {
    const en = `${name}: the document has no table of a scheme (序号 | 考核内容 | 分值 | 评分标准)`;
    throw new KaoheError('missing-header', en, [{ field: 'file', message: en, zh: `${name}：文档中没有考核细则表格（序号、考核内容、分值、评分标准）`, en }]);
  }
  return { grid, sheet: 'Word 表格' };
}
