/**
 * The bad-input corpus for imports (test/fixtures/bad-input/, described in its README.md): each
 * file, the kind it is imported as, and what must come of it. Most files are committed; a few are
 * made at test time (a zip bomb, a 1M-character cell, bytes past the 64 KiB encoding sample).
 *
 * Run as a script it rewrites the committed files (the GBK ones through the system's iconv, which
 * the tests do not need):
 *
 *     npx tsx test/bad-input/fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import { csvText, H1, H2, IDS, VALID, VILLAGE, VILLAGE2, TOWNSHIP, withCell, withoutColumns, withRows, type Table, type Value } from '../registry-fixtures.ts';
import { deflatedZeros, zip, type ZipPart } from './zip.ts';

export const BAD_INPUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad-input');

/** A problem of a rejected row, as the import report gives it. */
export interface RowProblem {
  row: number;
  column: string;
  value: string;
  message: string;
}

export type Expectation =
  /** Refused whole: a KaoheError of this code, its message the file's name, then `tail`. */
  | { refused: string; tail: RegExp }
  /** Rows rejected: exactly these problems, nothing written. */
  | { problems: RowProblem[] }
  /** A valid file: imports this many rows. */
  | { imports: number };

export interface Case {
  file: string;
  kind: string;
  /** What is wrong with it (or right, for a valid one): the README's words. */
  about: string;
  expect: Expectation;
  /** Made at test time by `generate`, not committed. */
  generated?: true;
}

const HOUSEHOLDS = VALID.households;
const H4 = '5224251002020002';
const H5 = '5224251002020003';
/** A household row with another number, head and name, for rows beyond VALID's three. */
const extraHousehold = (no: string, head: string, id: string): Value[] => {
  const r = [...HOUSEHOLDS.rows[1]!];
  r[0] = no;
  r[1] = VILLAGE2;
  r[3] = head;
  r[4] = id;
  return r;
};
const masked = (id: string) => `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
/** 张国强's number with the birth date 1952-02-30, and the check character right for it. */
const FEB_30 = (() => {
  const first17 = `${IDS.zhangGuoqiang.slice(0, 6)}19520230${IDS.zhangGuoqiang.slice(14, 17)}`;
  return first17 + checkCharacter(first17);
})();
const CAUSES = '因病、因残、因学、因灾、缺土地、缺水、缺技术、缺劳力、缺资金、交通条件落后、自身发展动力不足、其他';
const REQUIRED_HOUSEHOLDS = '户编号、村区划代码、年度、户主姓名、户主身份证号、家庭人口数、贫困户属性、主要致贫原因、贫困户状态';
const FORMULAS = [`=cmd|' /C calc'!A0`, '+1+1', '-2+3', '@SUM(A1:A2)'];

export const CASES: Case[] = [
  // --- the file as a whole: refused with a code, nothing read into the registry -------------
  { file: 'empty.csv', kind: 'households', about: 'no bytes at all', expect: { refused: 'empty-file', tail: /^: the file is empty: it has no rows$/ } },
  {
    file: 'blank-rows.csv',
    kind: 'households',
    about: 'only empty lines and rows of empty cells',
    expect: { refused: 'empty-file', tail: /^: the file has no rows with anything in them \(rows 1–3 are empty\)$/ },
  },
  {
    file: 'header-only.csv',
    kind: 'households',
    about: 'the header and nothing below it',
    expect: { refused: 'no-data-rows', tail: /^: no rows with data below the header \(row 1\): nothing to import$/ },
  },
  {
    file: 'header-only.xlsx',
    kind: 'households',
    about: 'a workbook whose sheet holds the header alone',
    expect: { refused: 'no-data-rows', tail: /^: no rows with data below the header \(row 1\): nothing to import$/ },
  },
  {
    file: 'no-header.csv',
    kind: 'households',
    about: 'no row with the columns of a households sheet',
    expect: {
      refused: 'missing-header',
      tail: new RegExp(
        `^: no header row with the columns of a households sheet in rows 1–2, where the file ends \\(expected: ${REQUIRED_HOUSEHOLDS}\\); row 1 reads 「姓名」 「年龄」$`,
      ),
    },
  },
  {
    file: 'missing-columns.csv',
    kind: 'households',
    about: 'a households sheet without its 户主身份证号 column',
    expect: { refused: 'missing-columns', tail: /^: row 1 lacks required column 「户主身份证号」 \(a households sheet has: .*`kaohe template households` writes one\)$/ },
  },
  {
    file: 'unclosed-quote.csv',
    kind: 'households',
    about: 'a quote opened on line 2 and never closed',
    expect: { refused: 'unreadable-csv', tail: /^:2: not valid CSV: Quote Not Closed: .*line 2/ },
  },
  {
    file: 'utf16le-bom.csv',
    kind: 'households',
    about: 'UTF-16 LE with its byte-order mark (Excel’s “Unicode text”)',
    expect: { refused: 'unsupported-encoding', tail: /^: a UTF-16 text file \(it starts with a UTF-16 byte-order mark\), which is not read: save it as CSV UTF-8/ },
  },
  {
    file: 'utf16be-bom.csv',
    kind: 'households',
    about: 'UTF-16 BE with its byte-order mark',
    expect: { refused: 'unsupported-encoding', tail: /^: a UTF-16 text file/ },
  },
  {
    file: 'utf16le-no-bom.csv',
    kind: 'households',
    about: 'UTF-16 LE without a byte-order mark: NUL bytes all through',
    expect: { refused: 'unsupported-encoding', tail: /^: not a text file this reader reads \(\d+ NUL bytes in its first \d+ bytes: UTF-16 without a byte-order mark/ },
  },
  {
    file: 'mixed-utf8-gbk.csv',
    kind: 'households',
    about: 'header and row 2 in UTF-8, row 3 in GBK (once: “no header row”)',
    expect: { refused: 'invalid-encoding', tail: /^: line 3 has bytes that are not UTF-8 \(the lines before it are UTF-8\): the file is damaged or mixes encodings/ },
  },
  {
    file: 'mixed-after-sample.csv',
    kind: 'households',
    about: 'UTF-8 through the 64 KiB sample, then a row in GBK on line 14003',
    expect: { refused: 'invalid-encoding', tail: /^: line 14003 has bytes that are not UTF-8 \(the file was read as UTF-8, as its first 64 KiB are\)/ },
    generated: true,
  },
  {
    file: 'gbk-bad-sequence.csv',
    kind: 'households',
    about: 'a GBK file with a byte (0xFF) no GBK character has, on line 3',
    expect: { refused: 'invalid-encoding', tail: /^: line 3 has bytes that are not GBK\/GB18030 \(the file was read as GBK\/GB18030, as its first 64 KiB are not UTF-8\)/ },
  },
  {
    file: 'xlsx-as-csv.csv',
    kind: 'households',
    about: 'a .xlsx workbook named .csv',
    expect: { refused: 'unsupported-format', tail: /^: a zip archive \(a \.xlsx workbook\?\) named \.csv: give it its \.xlsx name$/ },
  },
  {
    file: 'not-a-zip.xlsx',
    kind: 'households',
    about: 'a CSV named .xlsx',
    expect: {
      refused: 'unreadable-xlsx',
      tail: /^: not a \.xlsx workbook: a \.xlsx file is a zip archive, and this one is not \(it looks like text: a \.csv file named \.xlsx\?\)$/,
    },
  },
  {
    file: 'xls-as-xlsx.xlsx',
    kind: 'households',
    about: 'an old .xls (OLE2) named .xlsx',
    expect: { refused: 'unreadable-xlsx', tail: /^: an old \.xls workbook, or a password-protected one, with a \.xlsx name/ },
  },
  {
    file: 'truncated.xlsx',
    kind: 'households',
    about: 'no-r-attributes.xlsx cut in half',
    expect: { refused: 'unreadable-xlsx', tail: /^: not a whole \.xlsx workbook: the file is cut short \(the end of its zip archive is missing\)/ },
  },
  {
    file: 'sheet-missing.xlsx',
    kind: 'households',
    about: 'a workbook whose xl/workbook.xml names a sheet the zip does not hold',
    expect: { refused: 'unreadable-xlsx', tail: /^: the workbook has no worksheet that can be read/ },
  },
  {
    file: 'zip-bomb.xlsx',
    kind: 'households',
    about: '600 KiB whose sheet expands to 600 MiB, as its zip directory says: refused before inflating',
    expect: {
      refused: 'xlsx-too-large',
      tail: /^: the workbook would expand to 600 MiB when unzipped \(by its zip directory\), more than the 512 MiB a \.xlsx file may: a zip bomb/,
    },
    generated: true,
  },
  {
    file: 'zip-bomb-lying.xlsx',
    kind: 'households',
    about: 'a part that says it is 100 bytes and expands to 600 MiB: stopped while inflating, at 512 MiB',
    expect: {
      refused: 'xlsx-too-large',
      tail: /^: the workbook expands to more than 512 MiB when unzipped, the most a \.xlsx file may \(its zip directory said less\): a zip bomb/,
    },
    generated: true,
  },

  // --- rows rejected: each problem at its row and column, nothing written -------------------
  {
    file: 'invalid-id-number.csv',
    kind: 'households',
    about: 'ID numbers: a wrong check character, 17 characters, a birth date of 30 February',
    expect: {
      problems: [
        { row: 2, column: '户主身份证号 (E)', value: masked(wrongCheck(IDS.wangDashan)), message: 'the check character (last character) does not match: a digit is mistyped' },
        { row: 3, column: '户主身份证号 (E)', value: masked(IDS.liXiuying.slice(0, 17)), message: 'an ID number has 18 characters: 17 digits and a digit or X' },
        { row: 4, column: '户主身份证号 (E)', value: masked(FEB_30), message: 'the birth date in the ID number (characters 7–14) is not a real date' },
      ],
    },
  },
  {
    file: 'future-exit-year.csv',
    kind: 'households',
    about: 'an exit year 2099, a planned exit 2099, a year identified and a data year 2022 (today: 2021-06-30)',
    expect: {
      problems: [
        { row: 2, column: '脱贫年度 (O)', value: '2099', message: 'in the future (this year is 2021)' },
        { row: 3, column: '计划脱贫年度 (N)', value: '2099', message: 'more than 10 years ahead (this year is 2021)' },
        { row: 4, column: '年度 (C)', value: '2022', message: 'in the future (this year is 2021)' },
        { row: 4, column: '识别年度 (M)', value: '2022', message: 'in the future (this year is 2021)' },
      ],
    },
  },
  {
    file: 'control-chars.csv',
    kind: 'households',
    about: 'names with NUL, ESC, a line break (quoted, so the next rows start a line later), a tab, a C1 control',
    expect: {
      problems: [
        { row: 2, column: '户主姓名 (D)', value: '王␀大山', message: 'contains a NUL character (U+0000, at character 2): remove it' },
        { row: 3, column: '户主姓名 (D)', value: '李秀英␛[31m', message: 'contains a control character (U+001B, at character 4): remove it' },
        { row: 4, column: '户主姓名 (D)', value: '张国␊强', message: 'contains a line break (at character 3): this column takes one line' },
        { row: 6, column: '户主姓名 (D)', value: '吴␉芳', message: 'contains a tab (at character 2): this column takes one line of text' },
        { row: 7, column: '户主姓名 (D)', value: '赵<U+0085>磊', message: 'contains a control character (U+0085, at character 2): remove it' },
      ],
    },
  },
  {
    file: 'long-cell.csv',
    kind: 'households',
    about: 'a name of 1,000,000 characters and a village code of 1,000,000 digits',
    expect: {
      problems: [
        { row: 2, column: '户主姓名 (D)', value: `${'王'.repeat(100)}…(1000000 characters)`, message: 'longer than 50 characters' },
        { row: 3, column: '村区划代码 (B)', value: `${'5'.repeat(100)}…(1000000 characters)`, message: 'a division code has 12 digits' },
      ],
    },
    generated: true,
  },
  {
    file: 'duplicate-rows.csv',
    kind: 'households',
    about: 'the same household number on rows 2 and 4',
    expect: { problems: [{ row: 4, column: '户编号 (A)', value: H1, message: 'duplicate of row 2' }] },
  },
  {
    file: 'unknown-codes.csv',
    kind: 'households',
    about: 'a cause, an other cause and an attribute (五保贫困户 in 2020) not in the code lists',
    expect: {
      problems: [
        { row: 2, column: '主要致贫原因 (J)', value: '因穷', message: `not in the code list (${CAUSES})` },
        { row: 3, column: '其他致贫原因 (K)', value: '缺技术、缺钱', message: `"缺钱" is not in the code list (${CAUSES})` },
        { row: 4, column: '贫困户属性 (I)', value: '五保贫困户', message: 'not in the code list (一般贫困户、低保贫困户、特困供养贫困户)' },
      ],
    },
  },
  {
    file: 'wrong-references.csv',
    kind: 'households',
    about: 'a village code no area has, and a township’s code as the village',
    expect: {
      problems: [
        { row: 2, column: '村区划代码 (B)', value: '522425100299', message: 'no such village in the registry (import areas first)' },
        { row: 3, column: '村区划代码 (B)', value: TOWNSHIP, message: `${TOWNSHIP} is a township, not a village` },
      ],
    },
  },
  {
    file: 'wrong-household.csv',
    kind: 'members',
    about: 'a member of a household not in the registry',
    expect: { problems: [{ row: 2, column: '户编号 (A)', value: '5224251002019999', message: 'no such household in the registry (import households first)' }] },
  },

  // --- valid files: they import -------------------------------------------------------------
  { file: 'utf8-bom.csv', kind: 'households', about: 'UTF-8 with a byte-order mark (Excel’s “CSV UTF-8”)', expect: { imports: 3 } },
  { file: 'gbk.csv', kind: 'households', about: 'GBK (Excel’s “CSV” on a Chinese Windows)', expect: { imports: 3 } },
  {
    file: 'no-r-attributes.xlsx',
    kind: 'households',
    about: 'rows and cells without their r attributes (valid OOXML; some generators write it so), shared and inline strings, one cell placed by an r after a gap',
    expect: { imports: 3 },
  },
  {
    file: 'formula-cells.csv',
    kind: 'visits',
    about: 'names and notes that look like formulas (=cmd|…, +, -, @): stored as text, exported so no spreadsheet runs them',
    expect: { imports: 4 },
  },
  { file: 'multiline-note.csv', kind: 'visits', about: 'a note (走访内容) over two lines: a note may; stored with LF', expect: { imports: 1 } },
  {
    file: 'wide-header.csv',
    kind: 'households',
    about: 'the households with 200,000 more columns in the header: imports; the report names 50 of the columns not used',
    expect: { imports: 3 },
    generated: true,
  },
];

export const caseOf = (file: string): Case => CASES.find((c) => c.file === file)!;

/** `message` is `name` and the case's tail. */
export function messageMatches(message: string, name: string, tail: RegExp): boolean {
  return message.startsWith(name) && tail.test(message.slice(name.length));
}

// ---------------------------------------------------------------------------------------------
// The files

function utf8(table: Table, options: { bom?: boolean } = {}): Buffer {
  return Buffer.from((options.bom ? '\uFEFF' : '') + csvText(table), 'utf8');
}

function iconv(text: string, to: string): Buffer {
  return execFileSync('/usr/bin/iconv', ['-f', 'UTF-8', '-t', to], { input: Buffer.from(text, 'utf8') });
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const letter = (i: number) => String.fromCharCode(65 + i); // A–U: the households sheet has 21 columns

/**
 * A workbook written by hand. `refs`: 'all' gives every row and cell its r attribute (as Excel
 * does); 'none' leaves them out (rows and cells in order; an empty cell as <c/>), except that
 * sheet row 3 skips its empty cells and places the cell after each by its r, and sheet row 4
 * gives its row an r. Text as shared strings, but row 4's as inline strings; small whole numbers as numbers.
 */
function workbook(table: Table, refs: 'all' | 'none', options: { sheet?: boolean } = {}): Buffer {
  const strings: string[] = [];
  const shared = (s: string) => {
    let i = strings.indexOf(s);
    if (i === -1) i = strings.push(s) - 1;
    return i;
  };
  const rows = [table.headers as Value[], ...table.rows];
  const xmlRows = rows.map((cells, index) => {
    const n = index + 1;
    const rowRef = refs === 'all' || index === 3 ? ` r="${n}"` : '';
    const skipEmpty = refs === 'all' || index === 2;
    let out = '';
    let placeNext = false;
    cells.forEach((v, i) => {
      const s = v === null || v === undefined ? '' : String(v);
      if (s === '') {
        if (skipEmpty) placeNext = true;
        else out += '<c/>';
        return;
      }
      const ref = refs === 'all' || placeNext ? ` r="${letter(i)}${n}"` : '';
      placeNext = false;
      if (index > 0 && /^\d{1,4}$/.test(s)) out += `<c${ref}><v>${s}</v></c>`;
      else if (index === 3) out += `<c${ref} t="inlineStr"><is><t>${xmlText(s)}</t></is></c>`;
      else out += `<c${ref} t="s"><v>${shared(s)}</v></c>`;
    });
    return `<row${rowRef}>${out}</row>`;
  });
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data:
        `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    { name: 'xl/workbook.xml', data: `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="贫困户" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
  ];
  const sheet = `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${xmlRows.join('')}</sheetData></worksheet>`;
  parts.push({
    name: 'xl/sharedStrings.xml',
    data: `${XML}<sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${xmlText(s)}</t></si>`).join('')}</sst>`,
  });
  if (options.sheet !== false) parts.push({ name: 'xl/worksheets/sheet1.xml', data: sheet });
  return zip(parts);
}

/** The committed files, by name. */
export function committedFiles(): Record<string, Buffer> {
  const headerOnly = { headers: HOUSEHOLDS.headers, rows: [] };
  const noR = workbook(HOUSEHOLDS, 'none');
  const gbkText = csvText(HOUSEHOLDS);
  const gbk = iconv(gbkText, 'GBK');
  // Line 3 (H2's row) with a byte no GBK character has.
  const gbkLines = gbk.toString('latin1').split('\r\n');
  gbkLines[2] = gbkLines[2]!.replace(',', `,${String.fromCharCode(0xff)}`);
  const gbkBad = Buffer.from(gbkLines.join('\r\n'), 'latin1');
  const csvLines = csvText(HOUSEHOLDS).split('\r\n');
  const mixed = Buffer.concat([Buffer.from(`${csvLines[0]}\r\n${csvLines[1]}\r\n`, 'utf8'), iconv(`${csvLines[2]}\r\n`, 'GBK'), Buffer.from(`${csvLines[3]}\r\n`, 'utf8')]);
  const utf16 = csvText(HOUSEHOLDS);
  const visitsHeader = VALID.visits.headers;
  return {
    'empty.csv': Buffer.alloc(0),
    'blank-rows.csv': Buffer.from('\n,,,\n , , \n', 'utf8'),
    'header-only.csv': utf8(headerOnly),
    'header-only.xlsx': workbook(headerOnly, 'all'),
    'no-header.csv': Buffer.from('姓名,年龄\n张三,30\n', 'utf8'),
    'missing-columns.csv': utf8(withoutColumns(HOUSEHOLDS, '户主身份证号')),
    'unclosed-quote.csv': Buffer.from(`${HOUSEHOLDS.headers.join(',')}\n${H1},"${VILLAGE},2020,王大山\n`, 'utf8'),
    'utf16le-bom.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]),
    'utf16be-bom.csv': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16, 'utf16le').swap16()]),
    'utf16le-no-bom.csv': Buffer.from(utf16, 'utf16le'),
    'mixed-utf8-gbk.csv': mixed,
    'gbk-bad-sequence.csv': gbkBad,
    'xlsx-as-csv.csv': workbook(headerOnly, 'all'),
    'not-a-zip.xlsx': utf8(HOUSEHOLDS),
    'xls-as-xlsx.xlsx': Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    'truncated.xlsx': noR.subarray(0, Math.floor(noR.length / 2)),
    'sheet-missing.xlsx': workbook(HOUSEHOLDS, 'all', { sheet: false }),
    'invalid-id-number.csv': utf8(
      withCell(withCell(withCell(HOUSEHOLDS, 0, '户主身份证号', wrongCheck(IDS.wangDashan)), 1, '户主身份证号', IDS.liXiuying.slice(0, 17)), 2, '户主身份证号', FEB_30),
    ),
    'future-exit-year.csv': utf8(withCell(withCell(withCell(withCell(HOUSEHOLDS, 0, '脱贫年度', '2099'), 1, '计划脱贫年度', '2099'), 2, '年度', '2022'), 2, '识别年度', '2022')),
    'control-chars.csv': utf8(
      withRows(
        withCell(withCell(withCell(HOUSEHOLDS, 0, '户主姓名', '王\u0000大山'), 1, '户主姓名', '李秀英\u001b[31m'), 2, '户主姓名', '张国\n强'),
        extraHousehold(H4, '吴\t芳', IDS.wuFang),
        extraHousehold(H5, '赵\u0085磊', IDS.zhaoLei),
      ),
    ),
    'duplicate-rows.csv': utf8(withRows({ headers: HOUSEHOLDS.headers, rows: HOUSEHOLDS.rows.slice(0, 2) }, HOUSEHOLDS.rows[0]!)),
    'unknown-codes.csv': utf8(withCell(withCell(withCell(HOUSEHOLDS, 0, '主要致贫原因', '因穷'), 1, '其他致贫原因', '缺技术、缺钱'), 2, '贫困户属性', '五保贫困户')),
    'wrong-references.csv': utf8({
      headers: HOUSEHOLDS.headers,
      rows: [withCell(HOUSEHOLDS, 0, '村区划代码', '522425100299').rows[0]!, withCell(HOUSEHOLDS, 1, '村区划代码', TOWNSHIP).rows[1]!],
    }),
    'wrong-household.csv': utf8({ headers: VALID.members.headers, rows: [withCell(VALID.members, 0, '户编号', '5224251002019999').rows[0]!] }),
    'utf8-bom.csv': utf8(HOUSEHOLDS, { bom: true }),
    'gbk.csv': gbk,
    'no-r-attributes.xlsx': noR,
    'formula-cells.csv': utf8({
      headers: visitsHeader,
      rows: FORMULAS.map((name, i) => [H1, '帮扶责任人', name, '', `2020-03-${String(11 + i).padStart(2, '0')}`, i === 0 ? '=HYPERLINK("http://example.com","点击")' : '入户核实']),
    }),
    'multiline-note.csv': utf8({ headers: visitsHeader, rows: [[H2, '帮扶责任人', '李明', '', '2020-04-01', '第一行：了解收入\r\n第二行：宣讲政策']] }),
  };
}

/** The formula-looking names of formula-cells.csv, and its note. */
export const FORMULA_NAMES = FORMULAS;

/** Writes the files made at test time into `dir`. */
export function generate(dir: string): void {
  // 600 MiB of zeros as the sheet, the sizes honest: 600 KiB on disk.
  const bomb = deflatedZeros(600);
  const base = workbookParts();
  writeFileSync(join(dir, 'zip-bomb.xlsx'), zip([...base, { name: 'xl/worksheets/sheet1.xml', deflated: bomb }]));
  // The same zeros in a part exceljs only drains, saying it holds 100 bytes; then a good sheet.
  writeFileSync(
    join(dir, 'zip-bomb-lying.xlsx'),
    zip([
      ...base,
      { name: 'xl/media/image1.png', deflated: bomb, declaredSize: 100 },
      { name: 'xl/worksheets/sheet1.xml', data: `${XML}<worksheet xmlns="${MAIN}"><sheetData/></worksheet>` },
    ]),
  );
  const long = withCell(withCell(HOUSEHOLDS, 0, '户主姓名', '王'.repeat(1_000_000)), 1, '村区划代码', '5'.repeat(1_000_000));
  writeFileSync(join(dir, 'long-cell.csv'), utf8(long));
  // UTF-8: the header, H1's row, then 14,000 rows of empty cells (70 KiB, past the sample), then
  // H2's row in GBK (taken from mixed-utf8-gbk.csv, line 3).
  const mixed = readFileSync(join(BAD_INPUT, 'mixed-utf8-gbk.csv'));
  let at = 0;
  for (let i = 0; i < 2; i++) at = mixed.indexOf(0x0a, at) + 1;
  const gbkLine = mixed.subarray(at, mixed.indexOf(0x0a, at) + 1);
  const lines = csvText(HOUSEHOLDS).split('\r\n');
  const extra = Array.from({ length: 200_000 }, (_, i) => `备用${i + 1}`);
  writeFileSync(join(dir, 'wide-header.csv'), utf8({ headers: [...HOUSEHOLDS.headers, ...extra], rows: HOUSEHOLDS.rows }));
  writeFileSync(join(dir, 'mixed-after-sample.csv'), Buffer.concat([Buffer.from(`${lines[0]}\r\n${lines[1]}\r\n${',,,,\r\n'.repeat(14_000)}`, 'utf8'), gbkLine]));
}

/** A workbook's parts but its sheet: content types, rels, workbook, shared strings. */
function workbookParts(): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data: `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    },
    { name: 'xl/workbook.xml', data: `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="贫困户" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    { name: 'xl/sharedStrings.xml', data: `${XML}<sst xmlns="${MAIN}" count="0" uniqueCount="0"></sst>` },
  ];
}

/** Rewrites the committed files. */
function main(): void {
  for (const [name, bytes] of Object.entries(committedFiles())) writeFileSync(join(BAD_INPUT, name), bytes);
  process.stdout.write(`wrote ${Object.keys(committedFiles()).length} files in ${BAD_INPUT}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
