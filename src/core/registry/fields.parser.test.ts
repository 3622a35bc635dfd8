/**
 * The fast field parsers (fieldParser, and parseField through it) and the allocation-free ID
 * check give what the straightforward code they replaced gave, for any cell: that code is kept
 * here, as it was, as the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_LISTS } from './reference-data.ts';
import { checkIdNumber, checkCharacter, type IdCheck } from '../ids/gb11643.ts';
import { codeLookup, fieldParser, Invalid, parseDate, parseField, type Cell, type CodeLookup, type FieldSpec, type FieldType, type Parsed } from './fields.ts';
import { quoteCell } from './cell-text.ts';
import { KINDS } from './kinds.ts';

const codes: CodeLookup = codeLookup(CODE_LISTS.map((e) => ({ list: e.list, code: e.code, label_zh: e.zh, label_en: e.en, valid_from: e.validFrom, valid_to: e.validTo ?? null })));

// ---------------------------------------------------------------------------------------------
// The reference: parseField and checkIdNumber before they were made fast, unchanged.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';
function refCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}
function refCheckIdNumber(raw: string, options: { today?: string } = {}): { ok: boolean; problem?: string; message?: string; birthDate?: string; sex?: string } {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, problem: 'format', message: 'an ID number has 18 characters: 17 digits and a digit or X' };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = y >= 1800 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real) {
    return { ok: false, problem: 'birth-date', message: 'the birth date in the ID number (characters 7–14) is not a real date' };
  }
  if (options.today !== undefined && birthDate > options.today) {
    return { ok: false, problem: 'birth-date', message: 'the birth date in the ID number (characters 7–14) is in the future' };
  }
  if (refCheckCharacter(id.slice(0, 17)) !== id[17]) {
    return { ok: false, problem: 'check-character', message: 'the check character (last character) does not match: a digit is mistyped' };
  }
  const sex = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  return { ok: true, birthDate, sex };
}

const TRUE = new Set(['是', '有', 'y', 'yes', 'true', '1', '√', '✓', '已']);
const FALSE = new Set(['否', '无', 'n', 'no', 'false', '0', '×', '✗', '未']);

function refText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return isoDate(cell);
  return String(cell).trim();
}

/** Parses one cell for a field. `year` is the record's year, for versioned code lists. */
function refParseField(field: FieldSpec, cell: Cell, ctx: { codes: CodeLookup; year?: number; today: string }): Parsed {
  const s = refText(cell);
  if (s === '') return field.required ? { ok: false, message: 'required, but empty' } : { ok: true, value: field.default ?? null };
  const t = field.type;
  switch (t.kind) {
    case 'text': {
      if (t.max !== undefined && s.length > t.max) return { ok: false, message: `longer than ${t.max} characters` };
      // Added with the bad-input corpus: control characters, and in a one-line field line breaks and tabs.
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        const lineBreak = c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
        if (t.multiline && (lineBreak || c === 0x09)) continue;
        if (!(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfffd || lineBreak)) continue;
        const at = `at character ${i + 1}`;
        const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
        if (lineBreak) return { ok: false, message: `contains a line break (${at}): this column takes one line` };
        if (c === 0x09) return { ok: false, message: `contains a tab (${at}): this column takes one line of text` };
        if (c === 0) return { ok: false, message: `contains a NUL character (U+0000, ${at}): remove it` };
        if (c === 0xfffd) return { ok: false, message: `contains U+FFFD (${at}), the mark of a character lost in an encoding conversion: type the character again` };
        return { ok: false, message: `contains a control character (${code}, ${at}): remove it` };
      }
      return { ok: true, value: t.multiline ? s.replace(/\r\n?/g, '\n') : s };
    }
    case 'int':
    case 'year': {
      if (!/^-?\d+(\.0+)?$/.test(s)) return { ok: false, message: 'not a whole number' };
      const n = Number(s);
      const min = t.kind === 'year' ? 1949 : t.min;
      const max = t.kind === 'year' ? 2100 : t.max;
      if (min !== undefined && n < min) return { ok: false, message: t.kind === 'year' ? 'not a year' : `less than ${min}` };
      if (max !== undefined && n > max) return { ok: false, message: t.kind === 'year' ? 'not a year' : `more than ${max}` };
      // Added with the bad-input corpus: a year no later than today's plus what the field allows.
      if (t.kind === 'year' && /^\d{4}-\d{2}-\d{2}$/.test(ctx.today)) {
        const thisYear = Number(ctx.today.slice(0, 4));
        if (n > thisYear + t.ahead) {
          return {
            ok: false,
            message: t.ahead === 0 ? `in the future (this year is ${thisYear})` : `more than ${t.ahead} year${t.ahead === 1 ? '' : 's'} ahead (this year is ${thisYear})`,
          };
        }
      }
      return { ok: true, value: n };
    }
    case 'date': {
      const d = parseDate(cell);
      if (!d) return { ok: false, message: 'not a date (write 2020-03-05)' };
      if (d > ctx.today) return { ok: false, message: 'a date in the future' };
      return { ok: true, value: d };
    }
    case 'month': {
      const m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s) ?? (cell instanceof Date ? [, String(cell.getUTCFullYear()), String(cell.getUTCMonth() + 1)] : null);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return { ok: false, message: 'not a month (write 2020-03)' };
      const month = `${m[1]}-${String(Number(m[2])).padStart(2, '0')}`;
      // Added with the bad-input corpus: not a month after today's.
      if (/^\d{4}-\d{2}-\d{2}$/.test(ctx.today) && month > ctx.today.slice(0, 7)) return { ok: false, message: `in the future (this month is ${ctx.today.slice(0, 7)})` };
      return { ok: true, value: month };
    }
    case 'bool': {
      const v = s.toLowerCase();
      if (TRUE.has(v)) return { ok: true, value: 1 };
      if (FALSE.has(v)) return { ok: true, value: 0 };
      return { ok: false, message: 'write 是 or 否' };
    }
    case 'money': {
      const amount = s.includes(',') ? s.replace(/,/g, '') : s;
      if (!/^\d+(\.\d{1,2})?$/.test(amount)) return { ok: false, message: 'not an amount in yuan (at most two decimals)' };
      const [whole, frac = ''] = amount.split('.');
      return { ok: true, value: Number(whole) * 100 + Number(frac.padEnd(2, '0')) };
    }
    case 'phone':
      if (!/^[\d\s()+-]{5,20}$/.test(s)) return { ok: false, message: 'not a phone number' };
      return { ok: true, value: s.replace(/\s/g, '') };
    case 'idNumber': {
      const check = refCheckIdNumber(s, { today: ctx.today });
      if (!check.ok) return { ok: false, message: check.message! };
      return { ok: true, value: s.toUpperCase() };
    }
    case 'divisionCode':
      if (!/^\d{12}$/.test(s)) return { ok: false, message: 'a division code has 12 digits' };
      return { ok: true, value: s };
    case 'enum': {
      const hit = t.values.find((v) => v.value === s || v.labels.includes(s));
      if (!hit) return { ok: false, message: `not one of ${t.values.map((v) => v.labels[0]).join('、')}` };
      return { ok: true, value: hit.value };
    }
    case 'code': {
      const code = ctx.codes.resolve(t.list, s, ctx.year);
      if (!code) return { ok: false, message: `not in the code list (${ctx.codes.labels(t.list, ctx.year).join('、')})` };
      return { ok: true, value: code };
    }
    case 'codes': {
      const parts = s.split(/[、,，;；\s]+/).filter(Boolean);
      if (parts.length > t.max) return { ok: false, message: `at most ${t.max}` };
      const codes: string[] = [];
      for (const p of parts) {
        const code = ctx.codes.resolve(t.list, p, ctx.year);
        // Quoted (since the bad-input corpus) as every message quotes a cell.
        if (!code) return { ok: false, message: `"${quoteCell(p)}" is not in the code list (${ctx.codes.labels(t.list, ctx.year).join('、')})` };
        codes.push(code);
      }
      return { ok: true, value: codes.join(',') };
    }
  }
}

function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Cells: text made of the pieces the parsers look at, numbers, dates, booleans, nothing.

const PIECES = [
  '0',
  '1',
  '2',
  '5',
  '9',
  '00',
  '12',
  '2020',
  '1949',
  '2100',
  '2101',
  '19680512',
  '5224251968',
  '522425',
  '001',
  '.',
  ',',
  '-',
  '+',
  ' ',
  '\t',
  '(',
  ')',
  '/',
  '年',
  '月',
  '日',
  'X',
  'x',
  'ß',
  '是',
  '否',
  'Y',
  'Yes',
  'TRUE',
  'No',
  '√',
  '×',
  '已',
  '未',
  'A',
  'B级',
  '村',
  '县',
  '乡镇',
  '因病',
  'illness',
  '缺技术',
  '、',
  '，',
  ';',
  '一般贫困户',
  '五保贫困户',
  '低保贫困户',
  'general',
  '国家标准',
  '已脱贫',
  '未脱贫',
  '1e3',
  '0x1F',
  'Infinity',
  '１',
  '٣',
  // Bad input: control characters, line breaks, a lost character; years and months ahead.
  '\n',
  '\r\n',
  '\r',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufffd',
  '2022',
  '2031',
  '2032',
  '2021-07',
  '2099',
];
const textCell = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((parts) => parts.join(''));
const idLike = fc
  .tuple(
    fc.constantFrom('522425', '110105', '440524', '000000'),
    fc.integer({ min: 1700, max: 2300 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 999 }),
    fc.boolean(),
    fc.constantFrom('', ' ', 'x'),
  )
  .map(([area, y, m, d, seq, right, extra]) => {
    const first17 = `${area}${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
    const check = refCheckCharacter(first17);
    return `${extra === ' ' ? ' ' : ''}${first17}${right ? (extra === 'x' && check === 'X' ? 'x' : check) : check === '1' ? '2' : '1'}`;
  });
const cell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 6, arbitrary: textCell },
  { weight: 3, arbitrary: idLike },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -100, max: 100_000 }), fc.double({ noNaN: false }), fc.constantFrom(43895, 43895.5, 20200305, 2020, 0, -0)) },
  { weight: 1, arbitrary: fc.date({ min: new Date(Date.UTC(1800, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)) }) },
  { weight: 1, arbitrary: fc.constantFrom<Cell>(null, undefined, true, false, new Date(Number.NaN), '', '  ') },
);

const TYPES: FieldType[] = [
  { kind: 'text' },
  { kind: 'text', max: 3 },
  { kind: 'text', max: 20, multiline: true },
  { kind: 'int' },
  { kind: 'int', min: 1, max: 30 },
  { kind: 'year', ahead: 0 },
  { kind: 'year', ahead: 1 },
  { kind: 'year', ahead: 10 },
  { kind: 'date' },
  { kind: 'month' },
  { kind: 'bool' },
  { kind: 'money' },
  { kind: 'phone' },
  { kind: 'idNumber' },
  { kind: 'divisionCode' },
  {
    kind: 'enum',
    values: [
      { value: 'A', labels: ['A', 'A级'] },
      { value: 'B', labels: ['B', 'B级', 'A'] },
      { value: 'village', labels: ['村', '行政村'] },
    ],
  },
  { kind: 'code', list: 'cause' },
  { kind: 'code', list: 'attribute' },
  { kind: 'codes', list: 'cause', max: 2 },
  // And every field of every kind.
  ...KINDS.flatMap((k) => k.fields.map((f) => f.type)),
];

describe('fieldParser and parseField agree with the code they replaced', () => {
  const fields = TYPES.flatMap((type): FieldSpec[] => [
    { key: 'k', header: 'h', en: 'e', type, help: '' },
    { key: 'k', header: 'h', en: 'e', type, help: '', required: true },
    { key: 'k', header: 'h', en: 'e', type, help: '', default: 0 },
  ]);
  it.each(fields.map((f, i) => [i, f.type.kind, f] as const))('field %i (%s), every cell, any year and today', (_i, _kind, field) => {
    fc.assert(
      fc.property(
        cell,
        fc.option(fc.integer({ min: 2010, max: 2022 }), { nil: undefined }),
        fc.constantFrom('2021-06-30', '1970-01-01', '2999-12-31', 'someday', ''),
        (c, year, today) => {
          const ctx = { codes, today, ...(year !== undefined ? { year } : {}) };
          const want = refParseField(field, c, ctx);
          expect(parseField(field, c, ctx)).toEqual(want);
          const v = fieldParser(field, { codes, today })(c, year);
          expect(v instanceof Invalid ? { ok: false, message: v.message } : { ok: true, value: v }).toEqual(want);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A check without its problem's code (whose English sentence must be the message), to compare with the reference. */
function withoutIssue(c: IdCheck): IdCheck {
  const { issue, ...rest } = c;
  expect(issue?.message).toBe(c.message);
  return rest;
}

describe('checkIdNumber agrees with the Date-based check it replaced', () => {
  it('for numbers of every birth date, check character and today', () => {
    fc.assert(
      fc.property(fc.oneof(idLike, textCell), fc.option(fc.constantFrom('2021-06-30', '1970-01-01', '1800-01-01', 'someday', '2020-3-5'), { nil: undefined }), (id, today) => {
        const opts = today === undefined ? {} : { today };
        expect(withoutIssue(checkIdNumber(id, opts))).toEqual(refCheckIdNumber(id, opts));
      }),
      { numRuns: 20_000 },
    );
  });

  it('for every day from 1799 to 2101', () => {
    for (let t = Date.UTC(1799, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
      const day = isoDate(new Date(t)).replace(/-/g, '');
      const first17 = `522425${day}001`;
      const id = first17 + checkCharacter(first17);
      expect(withoutIssue(checkIdNumber(id, { today: '2021-06-30' }))).toEqual(refCheckIdNumber(id, { today: '2021-06-30' }));
    }
    // And the days that are not: 00, 29–32 of each month, month 00 and 13.
    for (const y of [1800, 1900, 2000, 2019, 2020, 2100]) {
      for (let m = 0; m <= 13; m++) {
        for (const d of [0, 1, 28, 29, 30, 31, 32]) {
          const first17 = `522425${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}001`;
          const id = first17 + checkCharacter(first17);
          expect(withoutIssue(checkIdNumber(id)), id).toEqual(refCheckIdNumber(id));
        }
      }
    }
  });
});

// parseDate is shared by both (unchanged); used here so the reference compiles as it was.
void parseDate;
