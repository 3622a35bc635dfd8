/**
 * Cell values from an office's sheets, parsed and checked one field at a time. Pure: code
 * lists and "today" come in as arguments.
 */
import { idNumberIssue } from '../ids/gb11643.ts';
import { quoteCell, quoteList, textCharacterIssue } from './cell-text.ts';
import { problem, type Problem } from './problems.ts';

/** What a reader hands over for one cell: text, a number, a date (xlsx), a boolean, or nothing. */
export type Cell = string | number | boolean | Date | null | undefined;

export type FieldType =
  /**
   * Text of one line (a name, a code, a title) unless `multiline` (a note): see cell-text.ts for
   * the characters each refuses. A note's line breaks are stored as LF.
   */
  | { kind: 'text'; max?: number; multiline?: boolean }
  | { kind: 'int'; min?: number; max?: number }
  /**
   * A year from 1949 to 2100, and at most `ahead` years after today's: 0 for a fact (a year
   * identified, an exit, a record's year: it cannot lie ahead), more for a plan. Each field says.
   */
  | { kind: 'year'; ahead: number }
  | { kind: 'date' }
  | { kind: 'month' }
  | { kind: 'bool' }
  | { kind: 'money' }
  | { kind: 'phone' }
  | { kind: 'idNumber' }
  | { kind: 'divisionCode' }
  | { kind: 'enum'; values: Array<{ value: string; labels: string[] }> }
  | { kind: 'code'; list: string }
  | { kind: 'codes'; list: string; max: number };

export interface FieldSpec {
  /** Column of the kind's table (or a reference key such as `household_no`). */
  key: string;
  /** The Chinese column header an office's sheet uses. */
  header: string;
  /** Other headers seen in offices' sheets for the same column. */
  aliases?: string[];
  en: string;
  type: FieldType;
  required?: boolean;
  /** Stored when the cell is empty (for a column that is never unknown, e.g. 是否贫困村 → 否). */
  default?: string | number;
  /** What to write, for the template's explanation sheet. */
  help: string;
  example?: string;
}

/** Looks up a code list: accepts the code or its Chinese or English label, for a given year. */
export interface CodeLookup {
  resolve(list: string, input: string, year: number | undefined): string | undefined;
  labels(list: string, year: number | undefined): string[];
}

export type Parsed = { ok: true; value: string | number | null } | { ok: false; message: string };

const TRUE = new Set(['是', '有', 'y', 'yes', 'true', '1', '√', '✓', '已']);
const FALSE = new Set(['否', '无', 'n', 'no', 'false', '0', '×', '✗', '未']);

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return isoDate(cell);
  return String(cell).trim();
}

function isoDate(d: Date): string {
  // xlsx dates arrive as UTC midnight of the calendar day.
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Excel's day serial (1900 date system) to a date. */
function fromSerial(serial: number): Date {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000);
}

/** Parses 2020-03-05, 2020/3/5, 2020.3.5, 20200305, 2020年3月5日, an xlsx date, or an Excel serial. */
export function parseDate(cell: Cell): string | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : isoDate(cell);
  if (typeof cell === 'number') return cell > 20000 && cell < 80000 && Number.isInteger(cell) ? isoDate(fromSerial(cell)) : undefined;
  const s = text(cell);
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2] ?? m[4]);
  const d = Number(m[3] ?? m[5]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return isoDate(date);
}

/** Parses one cell for a field. `year` is the record's year, for versioned code lists. */
export function parseField(field: FieldSpec, cell: Cell, ctx: { codes: CodeLookup; year?: number; today: string }): Parsed {
  const v = fieldParser(field, ctx)(cell, ctx.year);
  return v instanceof Invalid ? { ok: false, message: v.message } : { ok: true, value: v };
}

/** Why a cell is not a value of its field (what a FieldParser gives instead of the value). */
export class Invalid {
  constructor(readonly problem: Problem) {}
  /** The problem's English sentence. */
  get message(): string {
    return this.problem.message;
  }
}

/** A field's cell to its value, or Invalid; `year` is the record's year, for versioned code lists. */
export type FieldParser = (cell: Cell, year: number | undefined) => string | number | null | Invalid;

const WHOLE = /^-?\d+(\.0+)?$/;
const AMOUNT = /^\d+(\.\d{1,2})?$/;
const PHONE = /^[\d\s()+-]{5,20}$/;

/** Whether s is 1 to 15 ASCII digits (a whole number that Number reads exactly). */
function shortDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The parser of one field, for many cells (an import's column): what parseField does, with the
 * field's type looked at once, and no object made for a valid cell.
 */
export function fieldParser(field: FieldSpec, ctx: { codes: CodeLookup; today: string }): FieldParser {
  const empty: string | number | null | Invalid = field.required ? new Invalid(problem('required')) : (field.default ?? null);
  const parse = typeParser(field.type, ctx);
  return (cell, year) => {
    // text(cell), with a string cell as it is when it has no space to trim.
    let s: string;
    if (typeof cell === 'string') s = cell.trim();
    else if (cell === null || cell === undefined) s = '';
    else if (cell instanceof Date) s = isoDate(cell);
    else s = String(cell).trim();
    if (s === '') return empty;
    return parse(s, cell, year);
  };
}

function typeParser(t: FieldType, ctx: { codes: CodeLookup; today: string }): (s: string, cell: Cell, year: number | undefined) => string | number | null | Invalid {
  switch (t.kind) {
    case 'text': {
      const tooLong = t.max === undefined ? undefined : new Invalid(problem('too-long', { max: t.max }));
      const max = t.max ?? Infinity;
      const multiline = !!t.multiline;
      return (s) => {
        if (s.length > max) return tooLong!;
        const bad = textCharacterIssue(s, multiline);
        if (bad !== undefined) return new Invalid(bad);
        return multiline && s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
      };
    }
    case 'int':
    case 'year': {
      const min = t.kind === 'year' ? 1949 : t.min;
      const max = t.kind === 'year' ? 2100 : t.max;
      const notWhole = new Invalid(problem('not-whole'));
      const low = new Invalid(t.kind === 'year' ? problem('not-a-year') : problem('less-than', { min: String(min) }));
      const high = new Invalid(t.kind === 'year' ? problem('not-a-year') : problem('more-than', { max: String(max) }));
      // The latest year a year field takes: today's year plus what the field allows ahead.
      const thisYear = yearOf(ctx.today);
      const latest = t.kind === 'year' && thisYear !== undefined ? thisYear + t.ahead : Infinity;
      const ahead =
        t.kind !== 'year' || thisYear === undefined
          ? undefined
          : new Invalid(t.ahead === 0 ? problem('year-in-future', { thisYear }) : problem('year-too-far', { ahead: t.ahead, thisYear }));
      return (s) => {
        if (!shortDigits(s) && !WHOLE.test(s)) return notWhole;
        const n = Number(s);
        if (min !== undefined && n < min) return low;
        if (max !== undefined && n > max) return high;
        if (n > latest) return ahead!;
        return n;
      };
    }
    case 'date': {
      const notADate = new Invalid(problem('not-a-date'));
      const future = new Invalid(problem('date-in-future'));
      return (_s, cell) => {
        const d = parseDate(cell);
        if (!d) return notADate;
        if (d > ctx.today) return future;
        return d;
      };
    }
    case 'month': {
      const notAMonth = new Invalid(problem('not-a-month'));
      // A month is a record's (days on duty in it): it cannot lie ahead.
      const thisMonth = yearOf(ctx.today) === undefined ? undefined : ctx.today.slice(0, 7);
      const future = new Invalid(problem('month-in-future', { thisMonth: String(thisMonth) }));
      return (s, cell) => {
        const m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s) ?? (cell instanceof Date ? [, String(cell.getUTCFullYear()), String(cell.getUTCMonth() + 1)] : null);
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return notAMonth;
        const month = `${m[1]}-${String(Number(m[2])).padStart(2, '0')}`;
        if (thisMonth !== undefined && month > thisMonth) return future;
        return month;
      };
    }
    case 'bool': {
      const neither = new Invalid(problem('not-yes-no'));
      return (s) => {
        // Every word in TRUE and FALSE is its own lower case: one found as it is needs no lowering.
        if (TRUE.has(s)) return 1;
        if (FALSE.has(s)) return 0;
        const v = s.toLowerCase();
        if (TRUE.has(v)) return 1;
        if (FALSE.has(v)) return 0;
        return neither;
      };
    }
    case 'money': {
      const notAnAmount = new Invalid(problem('not-an-amount'));
      return (s) => {
        const amount = s.includes(',') ? s.replace(/,/g, '') : s;
        const dot = amount.indexOf('.');
        const whole = dot === -1 ? amount : amount.slice(0, dot);
        const frac = dot === -1 ? '' : amount.slice(dot + 1);
        // \d+(\.\d{1,2})?, with the whole yuan short enough to read directly.
        if (shortDigits(whole) && (dot === -1 || (frac.length >= 1 && frac.length <= 2 && shortDigits(frac)))) {
          return Number(whole) * 100 + (frac.length === 0 ? 0 : frac.length === 1 ? Number(frac) * 10 : Number(frac));
        }
        if (!AMOUNT.test(amount)) return notAnAmount;
        const [w, f = ''] = amount.split('.');
        return Number(w) * 100 + Number(f.padEnd(2, '0'));
      };
    }
    case 'phone': {
      const notAPhone = new Invalid(problem('not-a-phone'));
      return (s) => {
        if (!PHONE.test(s)) return notAPhone;
        return s.replace(/\s/g, '');
      };
    }
    case 'idNumber':
      return (s) => {
        const id = s.toUpperCase();
        const issue = idNumberIssue(id, ctx.today);
        return issue === undefined ? id : new Invalid(issue);
      };
    case 'divisionCode': {
      const not12 = new Invalid(problem('not-a-division-code'));
      // /^\d{12}$/: twelve ASCII digits.
      return (s) => (s.length === 12 && shortDigits(s) ? s : not12);
    }
    case 'enum': {
      // The first value whose value or a label is the cell.
      const byInput = new Map<string, string>();
      for (const v of t.values) for (const name of [v.value, ...v.labels]) if (!byInput.has(name)) byInput.set(name, v.value);
      const none = new Invalid(problem('not-one-of', { values: t.values.map((v) => v.labels[0]).join('、') }));
      return (s) => byInput.get(s) ?? none;
    }
    case 'code':
      return (s, _cell, year) => {
        const code = ctx.codes.resolve(t.list, s, year);
        if (!code) return new Invalid(problem('not-in-code-list', { labels: quoteList(ctx.codes.labels(t.list, year)) }));
        return code;
      };
    case 'codes':
      return (s, _cell, year) => {
        const parts = s.split(/[、,，;；\s]+/).filter(Boolean);
        if (parts.length > t.max) return new Invalid(problem('too-many', { max: t.max }));
        const codes: string[] = [];
        for (const p of parts) {
          const code = ctx.codes.resolve(t.list, p, year);
          if (!code) return new Invalid(problem('part-not-in-code-list', { part: quoteCell(p), labels: quoteList(ctx.codes.labels(t.list, year)) }));
          codes.push(code);
        }
        return codes.join(',');
      };
  }
}

/** The year of a "today" (YYYY-MM-DD); undefined when it is not one (then nothing is "in the future"). */
function yearOf(today: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(today) ? Number(today.slice(0, 4)) : undefined;
}

/** Builds a code lookup from code-list rows. */
export function codeLookup(
  rows: ReadonlyArray<{ list: string; code: string; label_zh: string; label_en: string | null; valid_from: number; valid_to: number | null }>,
): CodeLookup {
  const byList = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) {
    const l = byList.get(r.list) ?? [];
    l.push(r);
    byList.set(r.list, l);
  }
  const valid = (r: (typeof rows)[number], year: number | undefined) => year === undefined || (r.valid_from <= year && (r.valid_to === null || r.valid_to >= year));
  // list → code or label → the list's rows it names, in the list's order (looked up per cell).
  const byInput = new Map<string, Map<string, (typeof rows)[number][]>>();
  for (const [list, entries] of byList) {
    const m = new Map<string, (typeof rows)[number][]>();
    for (const r of entries) {
      for (const name of new Set([r.code, r.label_zh, r.label_en])) {
        if (name === null) continue;
        const named = m.get(name) ?? [];
        named.push(r);
        m.set(name, named);
      }
    }
    byInput.set(list, m);
  }
  return {
    resolve(list, input, year) {
      // The first row of the list, valid in the year, whose code or a label is the input.
      for (const r of byInput.get(list)?.get(input) ?? []) if (valid(r, year)) return r.code;
      return undefined;
    },
    labels(list, year) {
      return (byList.get(list) ?? []).filter((r) => valid(r, year)).map((r) => r.label_zh);
    },
  };
}
