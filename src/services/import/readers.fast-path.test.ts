/**
 * The CSV reader's fast path (a UTF-8 file without quotes whose lines all end alike is split at
 * line breaks and commas, without csv-parse) must give exactly the rows csv-parse gives; and the
 * xlsx reader must not break a character that straddles two inflated chunks of the sheet's XML.
 */
import { mulberry32 } from '../../../bench/fixtures/households-csv.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openSheet, withCellReferences } from './readers.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-readers-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What csv-parse makes of the same bytes (decoded as UTF-8, as the reader does). Its info.lines
 * is the line a record ends on: for the files the fast path takes, where no record spans lines,
 * also the line it starts on.
 */
function reference(bytes: Buffer): Array<{ row: number; cells: string[] }> {
  const text = new TextDecoder('utf-8').decode(bytes);
  const records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }) as unknown as Array<{
    record: string[];
    info: { lines: number };
  }>;
  return records.map((r) => ({ row: r.info.lines, cells: r.record }));
}

async function read(bytes: Buffer, name = 'x.csv'): Promise<Array<{ row: number; cells: unknown[] }>> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const out: Array<{ row: number; cells: unknown[] }> = [];
  for await (const r of openSheet(file).rows()) out.push(r);
  return out;
}

/** Column letters of a 0-based index (A … Z, AA …). */
function colName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `${colName(Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`;
}

describe('CSV fast path', () => {
  it.each([
    ['LF lines', 'a,b\n1,2\n'],
    ['CRLF lines', 'a,b\r\n1,2\r\n'],
    ['no final line break', 'a,b\n1,2'],
    ['empty lines skipped, still counted', '\n\na,b\n\n1,2\n\n'],
    ['CRLF empty lines', '\r\n\r\na,b\r\n\r\n1,2'],
    ['a BOM', '\uFEFFa,b\n1,2\n'],
    ['two BOMs (the decoder drops one, csv-parse the other)', '\uFEFF\uFEFFa,b\n1,2\n'],
    ['three BOMs: the third is data', '\uFEFF\uFEFF\uFEFFa,b\n1,2\n'],
    ['a BOM inside a line is data', 'a,\uFEFFb\n'],
    ['spaces and empty fields kept', ' a , ,\n,,\n  \n'],
    ['ragged rows', 'a\na,b,c\n,\n'],
    ['Chinese text', '户编号,户主姓名\n5224251002010001,王大山\n'],
    ['only a BOM', '\uFEFF'],
    ['empty', ''],
  ])('%s', async (_name, text) => {
    const bytes = Buffer.from(text);
    expect(await read(bytes)).toEqual(reference(bytes));
  });

  it.each([
    ['a lone CR', 'a,b\r1,2\n3,4\r\n'],
    ['mixed CRLF and LF', 'a,b\r\n1,2\n'],
    ['a quote', 'a,"b,c"\n1,2\n'],
  ])('a file with %s is left to csv-parse', async (_name, text) => {
    const bytes = Buffer.from(text);
    expect((await read(bytes)).map((r) => r.cells)).toEqual(reference(bytes).map((r) => r.cells));
  });

  it('matches csv-parse on generated files', async () => {
    const rand = mulberry32(11643);
    const tokens = ['a', '1', ' ', ',', ',', '中', '文', '\t', '\uFEFF'];
    for (let i = 0; i < 300; i++) {
      const eol = i % 3 === 0 ? '\r\n' : '\n';
      let s = '\uFEFF'.repeat(Math.floor(rand() * 3));
      for (let k = Math.floor(rand() * 80); k > 0; k--) s += rand() < 0.15 ? eol : tokens[Math.floor(rand() * tokens.length)];
      const bytes = Buffer.from(s);
      expect(await read(bytes), JSON.stringify(s)).toEqual(reference(bytes));
    }
  });

  /** A UTF-8 file of about 1.3 MB: lines of words, some empty; with `bad`, a truncated sequence and a stray byte on one line past the 64 KiB sample. */
  function bigFile(eol: string, bad: boolean): { bytes: Buffer; badLine: number } {
    const rand = mulberry32(2020);
    const words = ['522425100201', '王大山', '自身发展动力不足', '缺技术、缺资金', '', '5230.50', '是'];
    const parts: Buffer[] = [];
    let size = 0;
    let lines = 0;
    let badLine = 0;
    while (size < 1_300_000) {
      const cells = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => words[Math.floor(rand() * words.length)]);
      const line = Buffer.from((rand() < 0.02 ? '' : cells.join(',')) + eol);
      if (bad && badLine === 0 && size > 900_000) {
        parts.push(Buffer.from([0xe4, 0xb8, 0x2c, 0xff]));
        badLine = lines + 1;
      }
      parts.push(line);
      size += line.length;
      lines++;
    }
    parts.push(Buffer.from('last,line'));
    return { bytes: Buffer.concat(parts), badLine };
  }

  it('matches csv-parse across 1 MiB read chunks, with characters cut at their edges', async () => {
    for (const eol of ['\n', '\r\n']) {
      const { bytes } = bigFile(eol, false);
      const got = await read(bytes, `big${eol.length}.csv`);
      const want = reference(bytes);
      expect(got.length).toBe(want.length);
      const differs = got.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(want[i]));
      expect(differs === -1 ? undefined : { got: got[differs], want: want[differs] }).toBeUndefined();
    }
  });

  it('refuses bytes that are not UTF-8 past the sample, naming their line, on the fast path and off it', async () => {
    // LF lines take the fast path; a lone CR at the end sends the file to csv-parse.
    for (const [name, tail] of [
      ['fast', ''],
      ['csv-parse', '\r'],
    ] as const) {
      const { bytes, badLine } = bigFile('\n', true);
      const file = join(dir, `bad-${name}.csv`);
      writeFileSync(file, Buffer.concat([bytes, Buffer.from(tail)]));
      const error = await (async () => {
        for await (const _ of openSheet(file).rows());
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toMatchObject({
        code: 'invalid-encoding',
        message: `${file}: line ${badLine} has bytes that are not UTF-8 (the file was read as UTF-8, as its first 64 KiB are): the file is damaged or mixes encodings (UTF-8 and GBK?); save it again in one, as CSV UTF-8`,
      });
    }
  });
});

describe('xlsx reader', () => {
  it('gives rows and cells without r attributes the r they have by position, across any chunking', async () => {
    // Rows of cells (gaps in some), then a row far below; as Excel writes them, every tag with its r.
    const model = Array.from({ length: 300 }, (_, i) => ({ n: i + 1, cols: Array.from({ length: 30 }, (_, j) => j).filter((j) => !(j === 7 && i % 5 === 0)) }));
    model.push({ n: 400, cols: [1] });
    const render = (rowR: (n: number) => boolean, cellR: (n: number, col: number) => boolean) =>
      `<worksheet><sheetData>${model
        .map(({ n, cols }) => {
          const cells = cols.map((col, k) => {
            // A cell's r may be left out only where it follows the cell before it (the rule a reader applies).
            const placed = (k === 0 ? col === 0 : cols[k - 1] === col - 1) && !cellR(n, col);
            return `<c${placed ? '' : ` r="${colName(col)}${n}"`} t="s"><v>${n * 30 + col}</v></c>`;
          });
          const rowPlaced = n > 1 && model.some((m) => m.n === n - 1) && !rowR(n);
          return `<row${rowPlaced ? '' : ` r="${n}"`} spans="1:30">${cells.join('')}</row>`;
        })
        .join('')}</sheetData></worksheet>`;
    const xml = render(
      () => true,
      () => true,
    );
    const rand = mulberry32(7);
    const variants = [
      render(
        () => false,
        () => false,
      ),
      render(
        () => rand() < 0.5,
        () => rand() < 0.5,
      ),
      render(
        () => true,
        () => rand() < 0.1,
      ),
      render(
        () => rand() < 0.5,
        () => true,
      ),
    ];
    for (const text of variants) {
      for (const size of [1, 7, 64, 1000, 65536]) {
        async function* chunks() {
          for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
        }
        let out = '';
        for await (const c of withCellReferences(chunks())) out += c;
        expect(out === xml, `chunks of ${size}`).toBe(true);
      }
    }
  });

  it('keeps Chinese text whole where the sheet XML is split into chunks (inline and shared strings)', async () => {
    const words = '自身发展动力不足交通条件落后缺技术缺资金王大山石桥村';
    const want = Array.from({ length: 20_000 }, (_, i) => words.slice(i % 7, (i % 7) + 3 + (i % 11)) + i);
    for (const useSharedStrings of [false, true]) {
      const file = join(dir, `cjk-${useSharedStrings}.xlsx`);
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings, useStyles: false });
      const ws = wb.addWorksheet('s');
      for (const v of want) ws.addRow([v]).commit();
      ws.commit();
      await wb.commit();
      const got: unknown[] = [];
      for await (const r of openSheet(file).rows()) got.push(r.cells[0]);
      expect(got.filter((v, i) => v !== want[i]).slice(0, 3)).toEqual([]);
      expect(got.length).toBe(want.length);
    }
  });
});
