/**
 * Validating an office's sheet, row by row: the header row found and mapped to the kind's
 * fields, every cell parsed, references, cross-field checks and duplicates checked, problems
 * collected with row, column and (masked) value. Needs no database: what it looks up (code
 * lists, areas, households, head ID numbers) is handed over once, so it runs on the importing
 * thread or on a worker thread alike (see import.service.ts).
 */
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { quoteCell, quoteList } from '../../core/registry/cell-text.ts';
import { codeLookup, fieldParser, Invalid, type Cell, type CodeLookup, type FieldParser, type FieldSpec } from '../../core/registry/fields.ts';
import type { KindSpec } from '../../core/registry/kinds.ts';
import { problem, type Problem } from '../../core/registry/problems.ts';
import { KeyRows } from './key-rows.ts';
import { columnLetter, type Sheet, type SheetRow } from './readers.ts';
import type { ImportProblem } from '../../contract/registry.ts';

/** A parsed field's value: what is stored. */
/** The level an area's parent has (province → city → county → township → village); a province has none. */
const PARENT_LEVEL: Record<string, string | undefined> = { village: 'township', township: 'county', county: 'city', city: 'province' };

export type Value = string | number | null;

/** A problem of the file: its row and column, or the whole file (the API's shape). */
export type { ImportProblem };

/** A code_lists row, as loaded for the lookup. */
export interface CodeRow {
  list: string;
  code: string;
  label_zh: string;
  label_en: string | null;
  valid_from: number;
  valid_to: number | null;
}

/** What validation looks up in the registry, loaded once per import (plain data: it can go to a worker). */
export interface ValidationData {
  codeRows: CodeRow[];
  /** area code → level; for the areas kind, areas added by earlier rows of the file go in too. */
  areas: Map<string, string>;
  /** Household numbers in the registry (for kinds that refer to a household). */
  households: { has(no: string): boolean };
  /** head ID number → household_no, for households. */
  heads: Map<string, string>;
  /**
   * Households, the registry's heads asked for a batch of rows at a time (a province's ten
   * million are not read whole for a county's file): the heads among these ID numbers, before
   * the batch's rows are checked. `heads` is then not used.
   */
  headsOf?: (heads: string[]) => Promise<Map<string, string>>;
  /**
   * Kinds that refer to a household, the registry's households asked for a batch of rows at a
   * time: those of these household numbers in the registry (of the area, for an office of an
   * area). `households` is then not used.
   */
  householdsOf?: (households: string[]) => Promise<Set<string>>;
  /**
   * An import by an office of an area: its name and villages. A row's village must be one of
   * them, and `households` holds only theirs.
   */
  area?: { name: string; villages: Set<string> };
}

/** Header text compared loosely: no spaces, ASCII brackets, no required-marker asterisk. */
export function normaliseHeader(h: string): string {
  return h
    .replace(/\s+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/^\*+|\*+$/g, '')
    .toLowerCase();
}

export interface Mapping {
  headerRow: number;
  /** Column index in the file for each field (-1: not present). */
  columns: Map<FieldSpec, number>;
  headers: string[];
  ignored: string[];
}

function mapHeaders(spec: KindSpec, cells: Cell[]): { mapped: Map<FieldSpec, number>; hits: number } {
  const mapped = new Map<FieldSpec, number>();
  let hits = 0;
  const names = cells.map((c) => normaliseHeader(c === null || c === undefined ? '' : String(c)));
  for (const field of spec.fields) {
    const wanted = [field.header, ...(field.aliases ?? [])].map(normaliseHeader);
    const at = names.findIndex((n) => n !== '' && wanted.includes(n));
    if (at >= 0 && ![...mapped.values()].includes(at)) {
      mapped.set(field, at);
      hits++;
    }
  }
  return { mapped, hits };
}

/**
 * The sheet's rows, one at a time (for the header, with one row to take back) or the rest of a
 * batch at a time (for the data rows: no promise a row).
 */
class RowReader {
  private batch: SheetRow[] = [];
  private at = 0;
  private readonly batches: AsyncIterator<SheetRow[]>;

  constructor(sheet: Sheet) {
    this.batches = sheet.batches()[Symbol.asyncIterator]();
  }

  async next(): Promise<IteratorResult<SheetRow, undefined>> {
    while (this.at >= this.batch.length) {
      const next = await this.batches.next();
      if (next.done) return { done: true, value: undefined };
      this.batch = next.value;
      this.at = 0;
    }
    return { done: false, value: this.batch[this.at++]! };
  }

  /** Takes back the row `next` gave last. */
  unread(row: SheetRow): void {
    this.batch[--this.at] = row;
  }

  /** The rows not yet read of the batch at hand, else the next batch; undefined at the end. */
  async rest(): Promise<SheetRow[] | undefined> {
    if (this.at < this.batch.length) {
      const rows = this.at === 0 ? this.batch : this.batch.slice(this.at);
      this.at = this.batch.length;
      return rows;
    }
    const next = await this.batches.next();
    return next.done ? undefined : next.value;
  }
}

const blank = (c: Cell) => c === null || c === undefined || String(c).trim() === '';

/**
 * Finds the header row among the first rows (offices put a title or a merged group header above
 * it). A two-row header (group titles merged across their columns above the columns' own headers,
 * other headers merged down over both rows, so empty in the lower one) is read as one row: the
 * lower row's header where it has one, else the upper row's.
 */
async function readHeader(spec: KindSpec, iterator: RowReader, file: string): Promise<Mapping> {
  const required = spec.fields.filter((f) => f.required);
  // What was looked at, for the message when no header is found.
  let first: SheetRow | undefined;
  let last = 0;
  let closest: { row: number; fields: FieldSpec[] } | undefined;
  let ended = false;
  for (let i = 0; i < HEADER_ROWS; i++) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    let { row, cells } = next.value;
    last = row;
    if (first === undefined && !cells.every(blank)) first = next.value;
    let { mapped, hits } = mapHeaders(spec, cells);
    if (hits > (closest?.fields.length ?? 0)) closest = { row, fields: [...mapped.keys()] };
    if (hits === 0) continue;
    if (mapped.size < spec.fields.length) {
      const below = await iterator.next();
      if (!below.done) {
        const combined = Array.from({ length: Math.max(cells.length, below.value.cells.length) }, (_, j) => (blank(below.value.cells[j]) ? cells[j] : below.value.cells[j]));
        const two = mapHeaders(spec, combined);
        if (two.hits > hits) {
          ({ mapped, hits } = two);
          row = below.value.row;
          cells = combined;
          i++;
        } else {
          iterator.unread(below.value);
        }
      }
    }
    const missing = required.filter((f) => !mapped.has(f));
    if (missing.length > 0 && hits < Math.max(2, required.length / 2)) continue;
    if (missing.length > 0) {
      throw new KaoheError(
        'missing-columns',
        `${file}: row ${row} lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `「${f.header}」`).join('、')} ` +
          `(a ${spec.kind} sheet has: ${spec.fields.map((f) => f.header).join('、')}; \`kaohe template ${spec.kind}\` writes one)`,
      );
    }
    // Headers are quoted back (problems' columns, columns not used): short, and without control characters.
    const headers = cells.map((c) => (c === null || c === undefined ? '' : quoteCell(String(c).trim(), HEADER_QUOTE_MAX)));
    const used = new Set(mapped.values());
    const ignored = headers.filter((h, idx) => h !== '' && !used.has(idx));
    // Named in the report: a few dozen at most (a header row can be a million cells wide).
    if (ignored.length > IGNORED_MAX) ignored.splice(IGNORED_MAX, ignored.length, `…(${ignored.length} in all)`);
    return { headerRow: row, columns: mapped, headers, ignored };
  }
  if (first === undefined && ended) {
    throw new KaoheError(
      'empty-file',
      last === 0 ? `${file}: the file is empty: it has no rows` : `${file}: the file has no rows with anything in them (rows 1–${last} are empty)`,
    );
  }
  const looked = first === undefined ? `rows 1–${last} (all empty)` : last === first.row ? `row ${last}` : `rows ${first.row}–${last}`;
  const reads =
    first === undefined
      ? ''
      : `; row ${first.row} reads ${quoteList(
          first.cells.filter((c) => !blank(c)).map((c) => `「${quoteCell(String(c).trim(), 30)}」`),
          ' ',
          12,
        )}`;
  const near = closest === undefined ? '' : `; row ${closest.row} has only ${quoteList(closest.fields.map((f) => f.header))}`;
  throw new KaoheError(
    'missing-header',
    `${file}: no header row with the columns of a ${spec.kind} sheet in ${looked}${ended ? ', where the file ends' : ''} ` +
      `(expected: ${required.map((f) => f.header).join('、')})${reads}${near}`,
  );
}

/** Rows the header is looked for in. */
const HEADER_ROWS = 10;
/** Most characters of a header cell quoted back. */
const HEADER_QUOTE_MAX = 40;
/** Most columns not used named in a report. */
const IGNORED_MAX = 50;

const isIdField = (f: FieldSpec) => f.type.kind === 'idNumber';

/** A cell as a problem quotes it: an ID number masked, at most 100 characters, control characters visible. */
function shown(field: FieldSpec, cell: Cell): string {
  const s = cell === null || cell === undefined ? '' : cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return quoteCell(isIdField(field) ? maskIdNumber(s) : s);
}

/**
 * A copy of `s` that keeps nothing else alive, for a string kept to the end of the file (an area
 * added by the file). A cell may be a slice of its line's text (see readers.ts): kept as it is,
 * it would keep the whole line. Strings shorter than 13 characters are copies already in V8.
 */
function detached(s: string): string {
  // `${s}\0` is a new string (a cons of s and the NUL); slicing it makes V8 flatten it into a new
  // flat string, which the slice then points into: s and whatever s points into are let go.
  return s.length < 13 ? s : `${s}\u0000`.slice(0, -1);
}

/**
 * A function making a kind's record (field key → value) from its values in field order: an
 * object literal of a fixed shape, much cheaper than setting the keys one by one.
 */
export function recordMaker(spec: KindSpec): (values: readonly Value[]) => Record<string, Value> {
  const body = `return {${spec.fields.map((f, i) => `${JSON.stringify(f.key)}: v[${i}]`).join(', ')}};`;
  return new Function('v', body) as (values: readonly Value[]) => Record<string, Value>;
}

export interface ValidateOptions {
  /** Dates after today (YYYY-MM-DD) are errors. */
  today: string;
  /** Problems past this many are not kept; the rows after them are counted, not checked. */
  maxProblems: number;
  /** Where the problems go (live: a row is only written while it stays empty). */
  problems: ImportProblem[];
}

/**
 * Checks the rows of one sheet against a kind. `validate` takes each non-blank data row and gives
 * back its values (in the order of spec.fields) when the row is to be written: valid, and no
 * problem in the file so far. The problems are collected in file order, up to maxProblems.
 */
export class RowValidator {
  /** The problems so far, in file order (the array handed in, added to as rows are read). */
  readonly problems: ImportProblem[];
  truncated = false;
  private readonly codes: CodeLookup;
  private readonly fields: FieldSpec[];
  private readonly parsers: FieldParser[];
  /** Column in the file of each field (spec.fields order); -1 when the file does not have it. */
  private readonly at: number[];
  private readonly index = new Map<string, number>();
  private readonly yearIndex: number;
  private readonly yearReadOnce: boolean;
  private readonly refs: Array<{ index: number; ref: string; field: FieldSpec }>;
  private readonly keyIndexes: number[];
  private readonly makeRecord: (values: readonly Value[]) => Record<string, Value>;
  private readonly seen = new KeyRows();
  private readonly seenHeads = new KeyRows();
  /** Fields the checks of some kinds read (-1: the kind has none). */
  private readonly levelAt: number;
  private readonly headAt: number;
  private readonly householdNoAt: number;
  private readonly codeAt: number;
  private row = 0;
  private bad = false;
  /** The registry's heads (all of them, or those of the batch at hand: prepare). */
  private heads: Map<string, string>;
  /** The registry's households (all of them, or those the batch at hand names: prepare). */
  private households: { has(no: string): boolean };

  constructor(
    private readonly spec: KindSpec,
    private readonly mapping: Mapping,
    private readonly data: ValidationData,
    private readonly opts: ValidateOptions,
  ) {
    this.problems = opts.problems;
    this.codes = codeLookup(data.codeRows);
    this.fields = spec.fields;
    this.parsers = spec.fields.map((f) => fieldParser(f, { codes: this.codes, today: opts.today }));
    this.at = spec.fields.map((f) => mapping.columns.get(f) ?? -1);
    spec.fields.forEach((f, i) => this.index.set(f.key, i));
    this.yearIndex = spec.yearField === undefined ? -1 : this.index.get(spec.yearField)!;
    const yearKind = this.yearIndex >= 0 ? spec.fields[this.yearIndex]!.type.kind : undefined;
    this.yearReadOnce = yearKind !== 'code' && yearKind !== 'codes';
    this.refs = Object.entries(spec.refs).map(([key, ref]) => ({ index: this.index.get(key)!, ref: ref!, field: spec.fields[this.index.get(key)!]! }));
    this.keyIndexes = spec.key.map((k) => this.index.get(k)!);
    const at = (key: string) => this.index.get(key) ?? -1;
    this.levelAt = at('level');
    this.headAt = at('head_id_number');
    this.householdNoAt = at('household_no');
    this.codeAt = at('code');
    this.makeRecord = recordMaker(spec);
    this.heads = data.heads;
    this.households = data.households;
  }

  /**
   * Before a batch of rows, where the registry is asked a batch at a time (ValidationData.headsOf,
   * householdsOf): the heads among the batch's head ID numbers, the households among the
   * household numbers it names, each as its field reads it.
   */
  async prepare(rows: readonly SheetRow[]): Promise<void> {
    if (this.truncated) return;
    const { headsOf, householdsOf } = this.data;
    if (headsOf && this.headAt >= 0) {
      const wanted = this.read(rows, this.headAt);
      this.heads = wanted.length === 0 ? new Map() : await headsOf(wanted);
    }
    if (householdsOf) {
      const wanted = new Set<string>();
      for (const { index, ref } of this.refs) if (ref === 'household') for (const no of this.read(rows, index)) wanted.add(no);
      this.households = wanted.size === 0 ? new Set() : await householdsOf([...wanted]);
    }
  }

  /** The distinct values of a field in rows, as it reads them (the cells it cannot read left out). */
  private read(rows: readonly SheetRow[], field: number): string[] {
    const at = this.at[field]!;
    if (at < 0) return [];
    const parse = this.parsers[field]!;
    const out = new Set<string>();
    for (const { cells } of rows) {
      const v = parse(cells[at], undefined);
      if (typeof v === 'string') out.add(v);
      else if (typeof v === 'number') out.add(String(v));
    }
    return [...out];
  }

  private columnName(f: FieldSpec): string {
    const at = this.mapping.columns.get(f);
    // A cross-field check can name an optional column the file does not have.
    if (at === undefined) return `${f.header} (not in the file)`;
    return `${this.mapping.headers[at] || f.header} (${columnLetter(at)})`;
  }

  private problem(p: ImportProblem): void {
    if (this.problems.length >= this.opts.maxProblems) {
      this.truncated = true;
      return;
    }
    // Kept to the end: the value and message (which may quote a cell) copied, not slices of the file's text.
    p.message = detached(p.message);
    if (p.reason?.params)
      p.reason = { code: p.reason.code, params: Object.fromEntries(Object.entries(p.reason.params).map(([k, v]) => [k, typeof v === 'string' ? detached(v) : v])) };
    if (p.value !== undefined) p.value = detached(p.value);
    this.problems.push(p);
  }

  private fail(field: FieldSpec, cell: Cell, why: Problem): void {
    this.bad = true;
    this.problem({ row: this.row, column: this.columnName(field), value: shown(field, cell), message: why.message, reason: reasonOf(why) });
  }

  /** A data row (not blank). Its values when it is to be written; otherwise undefined. */
  validate(row: number, cells: Cell[]): Value[] | undefined {
    if (this.truncated) return undefined;
    const { spec, fields, at } = this;
    this.row = row;
    this.bad = false;
    const n = fields.length;
    const values: Value[] = new Array(n);
    // Year first: code lists are versioned by the record's year. A bad year is reported on its
    // own; the codes are then read against every version, not against an empty year's lists.
    let year: number | undefined;
    let yearValue: Value | Invalid | undefined;
    if (this.yearIndex >= 0) {
      const a = at[this.yearIndex]!;
      yearValue = this.parsers[this.yearIndex]!(a === -1 ? null : cells[a], undefined);
      if (typeof yearValue === 'number') year = yearValue;
    }
    const parsers = this.parsers;
    for (let i = 0; i < n; i++) {
      const a = at[i]!;
      const cell = a === -1 ? null : cells[a];
      // The year's own field reads the same with the year as without (unless it were a code).
      const v = i === this.yearIndex && this.yearReadOnce ? yearValue! : parsers[i]!(cell, year);
      if (v instanceof Invalid) {
        this.fail(fields[i]!, cell, v.problem);
        values[i] = null;
      } else {
        values[i] = v;
      }
    }
    if (this.bad) return undefined;

    // References to the registry (and, for areas, to rows above in this file).
    const { areas, area } = this.data;
    const households = this.households;
    for (const { index, ref, field } of this.refs) {
      const value = values[index];
      if (value === null || value === undefined) continue;
      if (ref === 'village' && areas.get(String(value)) !== 'village') {
        this.fail(field, value, areas.has(String(value)) ? problem('not-a-village', { value: String(value), level: areas.get(String(value))! }) : problem('no-such-village'));
      } else if (ref === 'village' && area && !area.villages.has(String(value))) {
        this.fail(field, value, problem('village-outside-area', { area: area.name }));
      } else if (ref === 'area') {
        const level = areas.get(String(value));
        const own = this.levelAt === -1 ? undefined : values[this.levelAt];
        const wantParent = own === undefined ? undefined : PARENT_LEVEL[String(own)];
        if (!level) this.fail(field, value, problem('no-such-area'));
        else if (wantParent && level !== wantParent) this.fail(field, value, problem('wrong-parent-level', { own: String(own), want: wantParent, level }));
        else if (!wantParent) this.fail(field, value, problem('province-no-parent'));
      } else if (ref === 'household' && !households.has(String(value))) {
        this.fail(field, value, area ? problem('household-outside-area', { area: area.name }) : problem('no-such-household'));
      }
    }
    if (spec.check) {
      for (const p of spec.check(this.makeRecord(values))) {
        const field = fields[this.index.get(p.field)!]!;
        const a = this.mapping.columns.get(field);
        this.fail(field, a === undefined ? null : cells[a], p);
      }
    }
    if (this.bad) return undefined;

    const keys = this.keyIndexes;
    const key = keys.length === 1 ? String(values[keys[0]!]) : keys.map((k) => String(values[k])).join('\u0001');
    const first = this.seen.add(key, row);
    if (first !== undefined) {
      const keyFields = keys.map((k) => fields[k]!);
      this.problem({
        row,
        column: keyFields.map((f) => this.columnName(f)).join(' + '),
        value: keys.map((k) => shown(fields[k]!, values[k] as Cell)).join(' / '),
        ...withReason(problem('duplicate-row', { first })),
      });
      return undefined;
    }

    if (spec.kind === 'households') {
      const head = String(values[this.headAt]);
      const field = fields[this.headAt]!;
      const other = this.heads.get(head);
      if (other !== undefined && other !== values[this.householdNoAt]) {
        const firstRow = this.seenHeads.get(head);
        if (firstRow !== undefined) this.fail(field, head, problem('same-head-as-row', { row: firstRow }));
        else this.fail(field, head, problem('head-of-other-household', { household: String(other) }));
        return undefined;
      }
      const firstRow = this.seenHeads.add(head, row);
      if (firstRow !== undefined) {
        this.fail(field, head, problem('same-head-as-row', { row: firstRow }));
        return undefined;
      }
    }
    if (spec.kind === 'areas') areas.set(detached(String(values[this.codeAt])), detached(String(values[this.levelAt])));
    if (this.problems.length > 0) return undefined; // keep validating, stop writing
    return values;
  }
}

/** Where validated rows go: the importing thread's writer, or a worker's messages to it. */
export interface RowSink {
  /** The header row was found (before any row). */
  header(mapping: Mapping): void;
  /** A row to write, and its line in the file. A promise when the sink wants the reading to wait. */
  row(values: Value[], row: number): void | Promise<void>;
  /** Every 10,000 rows read. */
  progress(rows: number): void;
}

export interface SheetResult {
  /** Data rows read (blank ones not counted). */
  rows: number;
  truncated: boolean;
}

/** Reads and validates a whole sheet, handing each row to write to the sink. */
export async function validateSheet(spec: KindSpec, sheet: Sheet, file: string, data: ValidationData, opts: ValidateOptions, sink: RowSink): Promise<SheetResult> {
  const reader = new RowReader(sheet);
  const mapping = await readHeader(spec, reader, file);
  sink.header(mapping);
  const validator = new RowValidator(spec, mapping, data, opts);
  let rows = 0;
  // The registry asked a batch at a time: batches of a few thousand rows (a sheet's reader may
  // give a row at a time), each asked for once.
  const next = data.headsOf || data.householdsOf ? () => gathered(reader, ASKED_BATCH_ROWS) : () => reader.rest();
  for (let batch = await next(); batch !== undefined; batch = await next()) {
    await validator.prepare(batch);
    for (const { row, cells } of batch) {
      if (cells.every(blank)) continue;
      rows++;
      if (rows % 10_000 === 0) sink.progress(rows);
      const values = validator.validate(row, cells);
      if (values !== undefined) {
        const wait = sink.row(values, row);
        if (wait) await wait;
      }
    }
  }
  if (rows === 0) throw new KaoheError('no-data-rows', `${file}: no rows with data below the header (row ${mapping.headerRow}): nothing to import`);
  return { rows, truncated: validator.truncated };
}

/** Rows the registry is asked for at a time (ValidationData.headsOf, householdsOf), at least (but at the file's end). */
const ASKED_BATCH_ROWS = 2000;

/** The reader's next rows, at least `rows` of them (fewer at the end); undefined at the end. */
async function gathered(reader: RowReader, rows: number): Promise<SheetRow[] | undefined> {
  let out = await reader.rest();
  if (out === undefined) return undefined;
  while (out.length < rows) {
    const more = await reader.rest();
    if (more === undefined) break;
    out = out.concat(more);
  }
  return out;
}

/** A problem's code and values, as an import problem carries them (its sentence in either language: problemText). */
function reasonOf(p: Problem): NonNullable<ImportProblem['reason']> {
  return { code: p.code, ...(p.params ? { params: { ...p.params } } : {}) };
}

function withReason(p: Problem): Pick<ImportProblem, 'message' | 'reason'> {
  return { message: p.message, reason: reasonOf(p) };
}
