import { describe, expect, it } from 'vitest';
import { CODE_LISTS } from './reference-data.ts';
import { codeLookup, parseDate, parseField, type Cell, type CodeLookup, type FieldSpec, type FieldType } from './fields.ts';
import { KINDS } from './kinds.ts';

/** The default code lists, as the store holds them. */
const codes: CodeLookup = codeLookup(CODE_LISTS.map((e) => ({ list: e.list, code: e.code, label_zh: e.zh, label_en: e.en, valid_from: e.validFrom, valid_to: e.validTo ?? null })));
const TODAY = '2021-06-30';

const field = (type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ key: 'k', header: '列', en: 'column', type, help: '', ...extra });
const parse = (type: FieldType, cell: Cell, opts: { year?: number; today?: string; extra?: Partial<FieldSpec> } = {}) =>
  parseField(field(type, opts.extra), cell, { codes, today: opts.today ?? TODAY, ...(opts.year !== undefined ? { year: opts.year } : {}) });
const ok = (value: string | number | null) => ({ ok: true, value });
const bad = (message: string | RegExp) => ({ ok: false, message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('parseDate', () => {
  it.each([
    ['2020-03-05', '2020-03-05'],
    ['2020-3-5', '2020-03-05'],
    ['2020/3/5', '2020-03-05'],
    ['2020/03/05', '2020-03-05'],
    ['2020.3.5', '2020-03-05'],
    ['2020年3月5日', '2020-03-05'],
    ['2020年03月05日', '2020-03-05'],
    ['2020年3月5', '2020-03-05'],
    ['20200305', '2020-03-05'],
    [' 2020-03-05 ', '2020-03-05'],
    ['2020-02-29', '2020-02-29'],
    ['2000-02-29', '2000-02-29'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    '2019-02-29',
    '1900-02-29',
    '2020-13-01',
    '2020-00-10',
    '2020-04-31',
    '2020-01-32',
    '2020-01-00',
    '20201305',
    '2020030',
    '202003055',
    '05/03/2020',
    '2020-03',
    'yesterday',
    '2020年3月',
    '',
  ])('rejects %j', (input) => {
    expect(parseDate(input)).toBeUndefined();
  });

  it('reads Excel day serials (1900 date system)', () => {
    expect(parseDate(43895)).toBe('2020-03-05');
    expect(parseDate(43831)).toBe('2020-01-01');
    expect(parseDate(43890)).toBe('2020-02-29');
    expect(parseDate(25569)).toBe('1970-01-01');
    // Not a date serial: fractions, small numbers (a count), huge numbers (20200305 as a number is a date written as digits, not a serial).
    expect(parseDate(43895.5)).toBeUndefined();
    expect(parseDate(12)).toBeUndefined();
    expect(parseDate(100000)).toBeUndefined();
  });

  it('reads Date objects (xlsx date cells arrive as UTC midnight) by their calendar day', () => {
    expect(parseDate(new Date(Date.UTC(2020, 2, 5)))).toBe('2020-03-05');
    expect(parseDate(new Date(Date.UTC(2020, 1, 29)))).toBe('2020-02-29');
    expect(parseDate(new Date(Date.UTC(2020, 11, 31, 23, 59)))).toBe('2020-12-31');
    expect(parseDate(new Date(Number.NaN))).toBeUndefined();
  });

  it('has nothing for empty cells and booleans', () => {
    expect(parseDate(null)).toBeUndefined();
    expect(parseDate(undefined)).toBeUndefined();
    expect(parseDate(true)).toBeUndefined();
  });
});

describe('parseField: empty cells', () => {
  it('reports a required field that is empty, whatever its type', () => {
    for (const type of [{ kind: 'text' }, { kind: 'int' }, { kind: 'date' }, { kind: 'bool' }, { kind: 'idNumber' }, { kind: 'code', list: 'cause' }] as FieldType[]) {
      for (const cell of ['', '   ', null, undefined]) {
        expect(parse(type, cell, { extra: { required: true } })).toEqual(bad('required, but empty'));
      }
    }
  });

  it('gives null, or the default, for an optional empty field', () => {
    expect(parse({ kind: 'int' }, '')).toEqual(ok(null));
    expect(parse({ kind: 'date' }, null)).toEqual(ok(null));
    expect(parse({ kind: 'bool' }, ' ', { extra: { default: 0 } })).toEqual(ok(0));
    expect(parse({ kind: 'text' }, undefined, { extra: { default: '无' } })).toEqual(ok('无'));
  });
});

describe('parseField: text', () => {
  it('trims, and checks the length', () => {
    expect(parse({ kind: 'text', max: 3 }, '  王大山  ')).toEqual(ok('王大山'));
    expect(parse({ kind: 'text', max: 3 }, '王大山山')).toEqual(bad('longer than 3 characters'));
    expect(parse({ kind: 'text' }, 'x'.repeat(5000))).toEqual(ok('x'.repeat(5000)));
  });

  it('turns numbers, booleans and dates into text', () => {
    expect(parse({ kind: 'text' }, 5224251002010001)).toEqual(ok('5224251002010001'));
    expect(parse({ kind: 'text' }, true)).toEqual(ok('true'));
    expect(parse({ kind: 'text' }, new Date(Date.UTC(2020, 2, 5)))).toEqual(ok('2020-03-05'));
  });

  it('refuses control characters anywhere, naming the character and where it is', () => {
    const one: FieldType = { kind: 'text', max: 50 };
    const note: FieldType = { kind: 'text', max: 50, multiline: true };
    for (const t of [one, note]) {
      expect(parse(t, '王\u0000大山')).toEqual(bad('contains a NUL character (U+0000, at character 2): remove it'));
      expect(parse(t, '王大山\u001b[31m')).toEqual(bad('contains a control character (U+001B, at character 4): remove it'));
      expect(parse(t, 'a\u007fb')).toEqual(bad('contains a control character (U+007F, at character 2): remove it'));
      expect(parse(t, 'a\u0085b')).toEqual(bad('contains a control character (U+0085, at character 2): remove it'));
      expect(parse(t, '王\ufffd山')).toEqual(bad(/^contains U\+FFFD \(at character 2\), the mark of a character lost/));
    }
  });

  it('refuses line breaks and tabs in a one-line field; a note takes them (line breaks stored as LF)', () => {
    const one: FieldType = { kind: 'text', max: 50 };
    const note: FieldType = { kind: 'text', max: 50, multiline: true };
    expect(parse(one, '王大山\n李四')).toEqual(bad('contains a line break (at character 4): this column takes one line'));
    expect(parse(one, '王大山\r\n李四')).toEqual(bad('contains a line break (at character 4): this column takes one line'));
    expect(parse(one, '王\u2028山')).toEqual(bad('contains a line break (at character 2): this column takes one line'));
    expect(parse(one, '王\t山')).toEqual(bad('contains a tab (at character 2): this column takes one line of text'));
    // Leading and trailing ones are trimmed, as spaces are.
    expect(parse(one, '\t王大山\r\n')).toEqual(ok('王大山'));
    expect(parse(note, '第一行\r\n第二行\r第三行\n\t第四行')).toEqual(ok('第一行\n第二行\n第三行\n\t第四行'));
  });

  it('every text field of every kind is one line but the notes', () => {
    const notes = KINDS.flatMap((k) => k.fields.filter((f) => f.type.kind === 'text' && f.type.multiline).map((f) => `${k.kind}.${f.key}`));
    expect(notes).toEqual(['visits.content', 'reports.note', 'petitions.summary', 'leader-duties.note']);
    for (const k of KINDS) for (const f of k.fields) if (f.type.kind === 'text') expect(f.type.max, `${k.kind}.${f.key}`).toBeGreaterThan(0);
  });
});

describe('parseField: whole numbers and years', () => {
  it('reads whole numbers from text and from numbers', () => {
    expect(parse({ kind: 'int' }, '4')).toEqual(ok(4));
    expect(parse({ kind: 'int' }, ' 4 ')).toEqual(ok(4));
    expect(parse({ kind: 'int' }, '4.0')).toEqual(ok(4));
    expect(parse({ kind: 'int' }, 4)).toEqual(ok(4));
    expect(parse({ kind: 'int' }, '0')).toEqual(ok(0));
    expect(parse({ kind: 'int' }, '-2')).toEqual(ok(-2));
  });

  it.each(['4.5', 4.5, '四', '4人', '1e3', '', '+4', '4,000'].filter((c) => c !== ''))('rejects %j as not a whole number', (cell) => {
    expect(parse({ kind: 'int' }, cell)).toEqual(bad('not a whole number'));
  });

  it('checks the range', () => {
    const t: FieldType = { kind: 'int', min: 1, max: 30 };
    expect(parse(t, '1')).toEqual(ok(1));
    expect(parse(t, '30')).toEqual(ok(30));
    expect(parse(t, '0')).toEqual(bad('less than 1'));
    expect(parse(t, '31')).toEqual(bad('more than 30'));
    expect(parse(t, '-1')).toEqual(bad('less than 1'));
  });

  it('reads years from 1949 to 2100', () => {
    const any: FieldType = { kind: 'year', ahead: 1000 };
    expect(parse(any, '2020')).toEqual(ok(2020));
    expect(parse(any, 2014)).toEqual(ok(2014));
    expect(parse(any, '1949')).toEqual(ok(1949));
    expect(parse(any, '2100')).toEqual(ok(2100));
    expect(parse(any, '1948')).toEqual(bad('not a year'));
    expect(parse(any, '20')).toEqual(bad('not a year'));
    expect(parse(any, '2101')).toEqual(bad('not a year'));
    expect(parse(any, '2020年')).toEqual(bad('not a whole number'));
  });

  it('takes a year that has happened up to this year, a planned one up to its fields years ahead', () => {
    const past: FieldType = { kind: 'year', ahead: 0 };
    expect(parse(past, '2021')).toEqual(ok(2021));
    expect(parse(past, '2022')).toEqual(bad('in the future (this year is 2021)'));
    expect(parse(past, '2099')).toEqual(bad('in the future (this year is 2021)'));
    expect(parse(past, 2022, { today: '2022-01-01' })).toEqual(ok(2022));
    const planned: FieldType = { kind: 'year', ahead: 10 };
    expect(parse(planned, '2031')).toEqual(ok(2031));
    expect(parse(planned, '2032')).toEqual(bad('more than 10 years ahead (this year is 2021)'));
    expect(parse({ kind: 'year', ahead: 1 }, '2023')).toEqual(bad('more than 1 year ahead (this year is 2021)'));
  });

  it('says per field of every kind how far ahead its year may be', () => {
    const ahead = Object.fromEntries(KINDS.flatMap((k) => k.fields.flatMap((f) => (f.type.kind === 'year' ? [[`${k.kind}.${f.key}`, f.type.ahead]] : []))));
    expect(ahead).toEqual({
      'areas.planned_exit_year': 10,
      'areas.exit_year': 0,
      'households.year': 0,
      'households.identified_year': 0,
      'households.planned_exit_year': 10,
      'households.exit_year': 0,
      'students.school_year': 0,
      'leader-duties.year': 0,
      'code-lists.valid_from': 10,
      'code-lists.valid_to': 10,
      'poverty-lines.year': 1,
    });
  });
});

describe('parseField: dates and months', () => {
  it('reads every date format, and Date and serial cells', () => {
    for (const cell of ['2020-03-05', '2020/3/5', '2020年3月5日', '20200305', '2020.03.05', 43895, new Date(Date.UTC(2020, 2, 5))] as Cell[]) {
      expect(parse({ kind: 'date' }, cell), String(cell)).toEqual(ok('2020-03-05'));
    }
  });

  it('rejects impossible dates and dates after today', () => {
    expect(parse({ kind: 'date' }, '2019-02-29')).toEqual(bad('not a date (write 2020-03-05)'));
    expect(parse({ kind: 'date' }, '2020-13-01')).toEqual(bad('not a date (write 2020-03-05)'));
    expect(parse({ kind: 'date' }, '3月5日')).toEqual(bad('not a date (write 2020-03-05)'));
    expect(parse({ kind: 'date' }, '2021-06-30')).toEqual(ok('2021-06-30'));
    expect(parse({ kind: 'date' }, '2021-07-01')).toEqual(bad('a date in the future'));
    expect(parse({ kind: 'date' }, '2020-03-06', { today: '2020-03-05' })).toEqual(bad('a date in the future'));
    expect(parse({ kind: 'date' }, new Date(Date.UTC(2030, 0, 1)))).toEqual(bad('a date in the future'));
  });

  it('reads months', () => {
    for (const cell of ['2020-03', '2020-3', '2020/3', '2020.03', '2020年3月', '2020年03月', new Date(Date.UTC(2020, 2, 1))] as Cell[]) {
      expect(parse({ kind: 'month' }, cell), String(cell)).toEqual(ok('2020-03'));
    }
    expect(parse({ kind: 'month' }, '2020-12')).toEqual(ok('2020-12'));
    for (const cell of ['2020-13', '2020-00', '2020', '202003', '三月', '2020-03-05']) {
      expect(parse({ kind: 'month' }, cell), cell).toEqual(bad('not a month (write 2020-03)'));
    }
  });

  it('rejects a month after this one', () => {
    expect(parse({ kind: 'month' }, '2021-06')).toEqual(ok('2021-06'));
    expect(parse({ kind: 'month' }, '2021-07')).toEqual(bad('in the future (this month is 2021-06)'));
    expect(parse({ kind: 'month' }, '2099年1月')).toEqual(bad('in the future (this month is 2021-06)'));
  });
});

describe('parseField: yes/no', () => {
  it.each(['是', '有', 'y', 'Y', 'yes', 'YES', 'true', 'TRUE', '1', '√', '✓', '已', ' 是 ', 1, true])('reads %j as yes', (cell) => {
    expect(parse({ kind: 'bool' }, cell)).toEqual(ok(1));
  });
  it.each(['否', '无', 'n', 'N', 'no', 'No', 'false', '0', '×', '✗', '未', 0, false])('reads %j as no', (cell) => {
    expect(parse({ kind: 'bool' }, cell)).toEqual(ok(0));
  });
  it.each(['对', '不是', '2', 'x', 'ok'])('rejects %j', (cell) => {
    expect(parse({ kind: 'bool' }, cell)).toEqual(bad('write 是 or 否'));
  });
});

describe('parseField: money', () => {
  it('reads yuan into integer fen without floating-point error', () => {
    expect(parse({ kind: 'money' }, '5230.50')).toEqual(ok(523050));
    expect(parse({ kind: 'money' }, '5230.5')).toEqual(ok(523050));
    expect(parse({ kind: 'money' }, '5230')).toEqual(ok(523000));
    expect(parse({ kind: 'money' }, '0.07')).toEqual(ok(7));
    expect(parse({ kind: 'money' }, '0.29')).toEqual(ok(29)); // 0.29 * 100 = 28.999999999999996
    expect(parse({ kind: 'money' }, '1,234.56')).toEqual(ok(123456));
    expect(parse({ kind: 'money' }, '4000')).toEqual(ok(400000));
    expect(parse({ kind: 'money' }, 5230.5)).toEqual(ok(523050));
    expect(parse({ kind: 'money' }, 1.15)).toEqual(ok(115));
    expect(parse({ kind: 'money' }, 0)).toEqual(ok(0));
  });

  it.each(['12.345', '-5', '¥5', '5元', 'abc', '1.2.3', '.5'])('rejects %j', (cell) => {
    expect(parse({ kind: 'money' }, cell)).toEqual(bad('not an amount in yuan (at most two decimals)'));
  });
});

describe('parseField: phone, ID number, division code', () => {
  it('reads phone numbers, dropping spaces', () => {
    expect(parse({ kind: 'phone' }, '138 0000 0000')).toEqual(ok('13800000000'));
    expect(parse({ kind: 'phone' }, '0857-1234567')).toEqual(ok('0857-1234567'));
    expect(parse({ kind: 'phone' }, 13800000000)).toEqual(ok('13800000000'));
    expect(parse({ kind: 'phone' }, '(0857) 123456')).toEqual(ok('(0857)123456'));
    expect(parse({ kind: 'phone' }, '1234')).toEqual(bad('not a phone number'));
    expect(parse({ kind: 'phone' }, '电话13800000000')).toEqual(bad('not a phone number'));
  });

  it('checks ID numbers and stores them upper-case', () => {
    expect(parse({ kind: 'idNumber' }, '11010519491231002x')).toEqual(ok('11010519491231002X'));
    expect(parse({ kind: 'idNumber' }, ' 11010519491231002X ')).toEqual(ok('11010519491231002X'));
    expect(parse({ kind: 'idNumber' }, '110105194912310021')).toEqual(bad(/check character/));
    expect(parse({ kind: 'idNumber' }, '1101051949123100')).toEqual(bad(/18 characters/));
    expect(parse({ kind: 'idNumber' }, '11010519491231002X', { today: '1949-12-30' })).toEqual(bad(/birth date.*future/));
  });

  it('checks 12-digit division codes', () => {
    expect(parse({ kind: 'divisionCode' }, '522425100201')).toEqual(ok('522425100201'));
    expect(parse({ kind: 'divisionCode' }, 522425100201)).toEqual(ok('522425100201'));
    expect(parse({ kind: 'divisionCode' }, '52242510020')).toEqual(bad('a division code has 12 digits'));
    expect(parse({ kind: 'divisionCode' }, '5224251002011')).toEqual(bad('a division code has 12 digits'));
    expect(parse({ kind: 'divisionCode' }, '52242510020A')).toEqual(bad('a division code has 12 digits'));
  });
});

describe('parseField: choices', () => {
  const sex: FieldType = {
    kind: 'enum',
    values: [
      { value: 'M', labels: ['男', 'M'] },
      { value: 'F', labels: ['女', 'F'] },
    ],
  };

  it('reads an enum by its value or any label', () => {
    expect(parse(sex, '男')).toEqual(ok('M'));
    expect(parse(sex, 'F')).toEqual(ok('F'));
    expect(parse(sex, ' 女 ')).toEqual(ok('F'));
    expect(parse(sex, '未知')).toEqual(bad('not one of 男、女'));
  });

  it('resolves a code by its Chinese label, its code or its English label', () => {
    expect(parse({ kind: 'code', list: 'cause' }, '因病')).toEqual(ok('illness'));
    expect(parse({ kind: 'code', list: 'cause' }, 'illness')).toEqual(ok('illness'));
    expect(parse({ kind: 'code', list: 'cause' }, 'lack of skills')).toEqual(ok('skills'));
    expect(parse({ kind: 'code', list: 'cause' }, '因穷')).toEqual(bad(/^not in the code list \(因病、因残、因学、.*其他\)$/));
    // A label of another list is not a value of this one.
    expect(parse({ kind: 'code', list: 'cause' }, '配偶')).toMatchObject({ ok: false });
  });

  it('versions code lists by the record year: 五保贫困户 until 2015, 特困供养贫困户 from 2016', () => {
    const attribute: FieldType = { kind: 'code', list: 'attribute' };
    expect(parse(attribute, '五保贫困户', { year: 2014 })).toEqual(ok('wubao'));
    expect(parse(attribute, '五保贫困户', { year: 2015 })).toEqual(ok('wubao'));
    expect(parse(attribute, '五保贫困户', { year: 2016 })).toEqual(bad('not in the code list (一般贫困户、低保贫困户、特困供养贫困户)'));
    expect(parse(attribute, '五保贫困户', { year: 2020 })).toMatchObject({ ok: false });
    expect(parse(attribute, '特困供养贫困户', { year: 2015 })).toEqual(bad('not in the code list (一般贫困户、低保贫困户、五保贫困户)'));
    expect(parse(attribute, '特困供养贫困户', { year: 2016 })).toEqual(ok('tekun'));
    expect(parse(attribute, '特困供养贫困户', { year: 2020 })).toEqual(ok('tekun'));
    expect(parse(attribute, 'tekun', { year: 2015 })).toMatchObject({ ok: false });
    expect(parse(attribute, '一般贫困户', { year: 2014 })).toEqual(ok('general'));
    expect(parse(attribute, '一般贫困户', { year: 2020 })).toEqual(ok('general'));
    // No year (a kind without one): any version.
    expect(parse(attribute, '五保贫困户')).toEqual(ok('wubao'));
    expect(parse(attribute, '特困供养贫困户')).toEqual(ok('tekun'));
  });

  it('reads a list of codes, separated by 、 , ， ; ； or spaces, up to its maximum', () => {
    const t: FieldType = { kind: 'codes', list: 'cause', max: 2 };
    expect(parse(t, '缺技术、缺资金')).toEqual(ok('skills,capital'));
    expect(parse(t, '缺技术,缺资金')).toEqual(ok('skills,capital'));
    expect(parse(t, '缺技术，缺资金')).toEqual(ok('skills,capital'));
    expect(parse(t, '缺技术；capital')).toEqual(ok('skills,capital'));
    expect(parse(t, '缺技术 缺资金')).toEqual(ok('skills,capital'));
    expect(parse(t, '缺技术、')).toEqual(ok('skills'));
    expect(parse(t, '缺技术、缺资金、因灾')).toEqual(bad('at most 2'));
    expect(parse(t, '缺技术、缺钱')).toEqual(bad(/^"缺钱" is not in the code list \(因病、/));
  });
});

describe('codeLookup', () => {
  const lookup = codeLookup([
    { list: 'x', code: 'a', label_zh: '甲', label_en: 'A', valid_from: 2014, valid_to: 2015 },
    { list: 'x', code: 'b', label_zh: '乙', label_en: null, valid_from: 2016, valid_to: null },
    { list: 'y', code: 'a', label_zh: '丙', label_en: null, valid_from: 2014, valid_to: null },
  ]);

  it('lists the labels valid in a year, or all without one', () => {
    expect(lookup.labels('x', 2014)).toEqual(['甲']);
    expect(lookup.labels('x', 2016)).toEqual(['乙']);
    expect(lookup.labels('x', 2013)).toEqual([]);
    expect(lookup.labels('x', undefined)).toEqual(['甲', '乙']);
    expect(lookup.labels('nope', 2020)).toEqual([]);
  });

  it('resolves within its own list and year', () => {
    expect(lookup.resolve('x', '甲', 2015)).toBe('a');
    expect(lookup.resolve('x', 'A', 2015)).toBe('a');
    expect(lookup.resolve('x', '甲', 2016)).toBeUndefined();
    expect(lookup.resolve('y', '甲', 2015)).toBeUndefined();
    expect(lookup.resolve('y', 'a', 2030)).toBe('a');
    expect(lookup.resolve('nope', 'a', 2020)).toBeUndefined();
  });
});

describe('the kinds', () => {
  it('have a unique kind, unique keys and headers, and key fields that exist', () => {
    expect(new Set(KINDS.map((k) => k.kind)).size).toBe(KINDS.length);
    expect(KINDS).toHaveLength(18);
    for (const spec of KINDS) {
      const keys = spec.fields.map((f) => f.key);
      expect(new Set(keys).size, spec.kind).toBe(keys.length);
      const names = spec.fields.flatMap((f) => [f.header, ...(f.aliases ?? [])]);
      expect(new Set(names).size, `${spec.kind}: a header or alias used twice`).toBe(names.length);
      for (const k of spec.key) expect(keys, spec.kind).toContain(k);
      for (const k of Object.keys(spec.refs)) expect(keys, spec.kind).toContain(k);
      if (spec.yearField) expect(keys).toContain(spec.yearField);
    }
  });

  it("each field's example (shown in the template's 说明 sheet) is a valid value", () => {
    for (const spec of KINDS) {
      for (const f of spec.fields) {
        if (f.example === undefined || f.example === '') continue;
        const r = parseField(f, f.example, { codes, year: 2020, today: TODAY });
        expect(r, `${spec.kind}.${f.key}: ${f.example}`).toMatchObject({ ok: true });
      }
    }
  });
});
