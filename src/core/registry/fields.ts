/**
 * Cell values from an office's sheets, parsed and checked one field at a time. Pure: code
 * lists and "today" come in as arguments.
 */
import { checkIdNumber } from '../ids/gb11643.ts';

/** What a reader hands over for one cell: text, a number, a date (xlsx), a boolean, or nothing. */
export type Cell = string | number | boolean | Date | null | undefined;

export type FieldType =
  | { kind: 'text'; max?: number }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'year' }
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
export function parseField(
  field: FieldSpec,
  cell: Cell,
  ctx: { codes: CodeLookup; year?: number; today: string },
): Parsed {
  const s = text(cell);
  if (s === '') return field.required ? { ok: false, message: 'required, but empty' } : { ok: true, value: field.default ?? null };
  const t = field.type;
  switch (t.kind) {
    case 'text':
      if (t.max !== undefined && s.length > t.max) return { ok: false, message: `longer than ${t.max} characters` };
      return { ok: true, value: s };
    case 'int':
    case 'year': {
      if (!/^-?\d+(\.0+)?$/.test(s)) return { ok: false, message: 'not a whole number' };
      const n = Number(s);
      const min = t.kind === 'year' ? 1949 : t.min;
      const max = t.kind === 'year' ? 2100 : t.max;
      if (min !== undefined && n < min) return { ok: false, message: t.kind === 'year' ? 'not a year' : `less than ${min}` };
      if (max !== undefined && n > max) return { ok: false, message: t.kind === 'year' ? 'not a year' : `more than ${max}` };
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
      return { ok: true, value: `${m[1]}-${String(Number(m[2])).padStart(2, '0')}` };
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
      const check = checkIdNumber(s, { today: ctx.today });
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
        if (!code) return { ok: false, message: `"${p}" is not in the code list (${ctx.codes.labels(t.list, ctx.year).join('、')})` };
        codes.push(code);
      }
      return { ok: true, value: codes.join(',') };
    }
  }
}

/** Builds a code lookup from code-list rows. */
export function codeLookup(
  rows: ReadonlyArray<{ list: string; code: string; label_zh: string; label_en: string | null; valid_from: number; valid_to: number | null }>,
): CodeLookup {
  const byList = new Map<string, typeof rows[number][]>();
  for (const r of rows) {
    const l = byList.get(r.list) ?? [];
    l.push(r);
    byList.set(r.list, l);
  }
  const valid = (r: (typeof rows)[number], year: number | undefined) =>
    year === undefined || (r.valid_from <= year && (r.valid_to === null || r.valid_to >= year));
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
