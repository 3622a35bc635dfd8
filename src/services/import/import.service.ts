/**
 * Importing an office's sheet into the registry: every row validated (fields, ID numbers,
 * code lists, references, duplicates in the file and against the registry), written in one
 * transaction, all or nothing. Re-importing a file updates rows by their natural key.
 */
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { codeLookup, parseField, type Cell, type CodeLookup, type FieldSpec } from '../../core/registry/fields.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import { inTransaction, Rollback, type BulkWriter, type Row } from '../../store/bulk.ts';
import type { Store } from '../../store/db.ts';
import { columnLetter, openSheet, type Sheet } from './readers.ts';

export interface ImportProblem {
  /** Row in the file (1-based, as a spreadsheet shows it); 0 for a problem with the whole file. */
  row: number;
  /** Column header as in the file, with its letter: `户主身份证号 (E)`. */
  column?: string;
  value?: string;
  message: string;
}

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Today's date (YYYY-MM-DD): dates after it are errors. Defaults to the clock. */
  today?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Stop collecting problems after this many (validation of the file stops too). */
  maxProblems?: number;
}

export interface ImportReport {
  kind: string;
  file: string;
  format: 'csv' | 'xlsx';
  encoding?: string;
  /** Data rows read. */
  rows: number;
  inserted: number;
  updated: number;
  problems: ImportProblem[];
  /** Problems were cut off at maxProblems. */
  truncated: boolean;
  ignoredColumns: string[];
  /** The row holding the column headers (the lower one of a two-row header); 0 before it is found. */
  headerRow: number;
  dryRun: boolean;
  /** True when the rows were written (no problem, not a dry run). */
  committed: boolean;
  elapsedMs: number;
}

const BATCH = 500;
/**
 * Past this many rows written (and at least as many as the table held), the table's non-unique
 * indexes are dropped for the rest of the transaction and built again before it commits
 * (BulkWriter.deferIndexes): cheaper than keeping them up to date row by row.
 */
const DEFER_INDEXES_AT = 50_000;

/** Header text compared loosely: no spaces, ASCII brackets, no required-marker asterisk. */
export function normaliseHeader(h: string): string {
  return h
    .replace(/\s+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/^\*+|\*+$/g, '')
    .toLowerCase();
}

interface Mapping {
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

type SheetRows = AsyncIterator<{ row: number; cells: Cell[] }>;

const blank = (c: Cell) => c === null || c === undefined || String(c).trim() === '';

/** A row iterator that can take back the row it last gave (to look one row ahead). */
function withPushback(rows: SheetRows): SheetRows & { unread(row: { row: number; cells: Cell[] }): void } {
  const back: Array<{ row: number; cells: Cell[] }> = [];
  return {
    next: () => (back.length > 0 ? Promise.resolve({ done: false as const, value: back.pop()! }) : rows.next()),
    unread: (row) => back.push(row),
  };
}

/**
 * Finds the header row among the first rows (offices put a title or a merged group header above
 * it). A two-row header (group titles merged across their columns above the columns' own headers,
 * other headers merged down over both rows, so empty in the lower one) is read as one row: the
 * lower row's header where it has one, else the upper row's.
 */
async function readHeader(spec: KindSpec, iterator: ReturnType<typeof withPushback>, file: string): Promise<Mapping> {
  const required = spec.fields.filter((f) => f.required);
  for (let i = 0; i < 10; i++) {
    const next = await iterator.next();
    if (next.done) break;
    let { row, cells } = next.value;
    let { mapped, hits } = mapHeaders(spec, cells);
    if (hits === 0) continue;
    if (mapped.size < spec.fields.length) {
      const below = await iterator.next();
      if (!below.done) {
        const combined = Array.from({ length: Math.max(cells.length, below.value.cells.length) }, (_, j) =>
          blank(below.value.cells[j]) ? cells[j] : below.value.cells[j],
        );
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
    const headers = cells.map((c) => (c === null || c === undefined ? '' : String(c).trim()));
    const used = new Set(mapped.values());
    const ignored = headers.filter((h, idx) => h !== '' && !used.has(idx));
    return { headerRow: row, columns: mapped, headers, ignored };
  }
  throw new KaoheError(
    'missing-header',
    `${file}: no header row with the columns of a ${spec.kind} sheet in its first rows (expected: ${spec.fields
      .filter((f) => f.required)
      .map((f) => f.header)
      .join('、')})`,
  );
}

interface Lookups {
  codes: CodeLookup;
  /** area code → level, including areas added earlier in this file. */
  areas: Map<string, string>;
  households: Map<string, number>;
  /** head ID number → household_no, for households. */
  heads: Map<string, string>;
  /** Existing conflict keys of the kind's table, to tell inserts from updates. */
  existing: Set<string>;
}

async function loadLookups(writer: BulkWriter, spec: KindSpec): Promise<Lookups> {
  const db = writer.db;
  // In a stable order (older entries first, then as listed): PostgreSQL returns an updated row
  // last, which reordered the labels in messages.
  const codes = codeLookup(
    await db.selectFrom('code_lists').selectAll().orderBy('valid_from').orderBy('sort').orderBy('list').orderBy('code').execute(),
  );
  const needsAreas = Object.values(spec.refs).some((r) => r === 'village' || r === 'area');
  const areas = new Map<string, string>();
  if (needsAreas || spec.kind === 'areas') {
    for (const a of await db.selectFrom('areas').select(['code', 'level']).execute()) areas.set(a.code, a.level);
  }
  const households = new Map<string, number>();
  if (Object.values(spec.refs).includes('household')) {
    for (const h of await db.selectFrom('households').select(['household_no', 'id']).execute()) households.set(h.household_no, h.id);
  }
  const heads = new Map<string, string>();
  if (spec.kind === 'households') {
    for (const h of await db.selectFrom('households').select(['household_no', 'head_id_number']).execute()) heads.set(h.head_id_number, h.household_no);
  }
  const existing = new Set<string>();
  const rows = await db
    .selectFrom(spec.table as 'areas')
    .select(spec.conflict as never[])
    .execute();
  for (const r of rows as Array<Record<string, unknown>>) existing.add(spec.conflict.map((c) => String(r[c])).join('\u0001'));
  return { codes, areas, households, heads, existing };
}

const isIdField = (f: FieldSpec) => f.type.kind === 'idNumber';

function shown(field: FieldSpec, cell: Cell): string {
  const s = cell === null || cell === undefined ? '' : cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return isIdField(field) ? maskIdNumber(s) : s;
}

/** Imports one file of a kind. Writes nothing unless every row is valid (and not a dry run). */
export async function importFile(store: Store, kind: string, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const spec = kindSpec(kind);
  if (!spec) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
  const sheet = openSheet(file);
  const started = Date.now();
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const maxProblems = options.maxProblems ?? 1000;
  const report: ImportReport = {
    kind,
    file,
    format: sheet.format,
    ...(sheet.encoding ? { encoding: sheet.encoding } : {}),
    rows: 0,
    inserted: 0,
    updated: 0,
    problems: [],
    truncated: false,
    ignoredColumns: [],
    headerRow: 0,
    dryRun: !!options.dryRun,
    committed: false,
    elapsedMs: 0,
  };
  try {
    await inTransaction(store, async (writer) => {
      await runImport(spec, sheet, file, writer, report, { today, maxProblems, onProgress: options.onProgress, started });
      if (report.problems.length > 0) {
        // Nothing is written: counts of the rows before the first problem would say otherwise.
        report.inserted = 0;
        report.updated = 0;
      }
      if (report.problems.length > 0 || options.dryRun) throw new Rollback();
    });
    report.committed = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

async function runImport(
  spec: KindSpec,
  sheet: Sheet,
  file: string,
  writer: BulkWriter,
  report: ImportReport,
  opts: { today: string; maxProblems: number; onProgress: ImportOptions['onProgress']; started: number },
): Promise<void> {
  const lookups = await loadLookups(writer, spec);
  const iterator = withPushback(sheet.rows()[Symbol.asyncIterator]());
  const mapping = await readHeader(spec, iterator, file);
  report.ignoredColumns = mapping.ignored;
  report.headerRow = mapping.headerRow;
  const columnName = (f: FieldSpec) => {
    const at = mapping.columns.get(f);
    // A cross-field check can name an optional column the file does not have.
    if (at === undefined) return `${f.header} (not in the file)`;
    return `${mapping.headers[at] || f.header} (${columnLetter(at)})`;
  };
  const seen = new Map<string, number>();
  const seenHeads = new Map<string, number>();
  const parentIds = new Map<string, number>();
  let batch: Row[] = [];
  const problem = (p: ImportProblem) => {
    if (report.problems.length >= opts.maxProblems) {
      report.truncated = true;
      return;
    }
    report.problems.push(p);
  };
  // A batch holds rows new to the table or rows already in it, never both, in the file's order:
  // new rows are plain inserts on SQLite (see BulkWriter.insertNew).
  let batchNew = true;
  let written = 0;
  const deferIndexesAt = Math.max(DEFER_INDEXES_AT, lookups.existing.size);
  const flush = async () => {
    if (report.problems.length === 0 && batch.length > 0) {
      if (written < deferIndexesAt && written + batch.length >= deferIndexesAt) await writer.deferIndexes(spec.table);
      written += batch.length;
      if (batchNew) await writer.insertNew(spec.table, batch, spec.conflict);
      else await writer.upsert(spec.table, batch, spec.conflict);
    }
    batch = [];
  };
  // Worked out once per file, not once per row: each field's column, the references, the key.
  const fieldByKey = new Map(spec.fields.map((f) => [f.key, f]));
  const fieldColumns = spec.fields.map((field) => ({ field, at: mapping.columns.get(field) }));
  const refs = Object.entries(spec.refs).map(([key, ref]) => ({ key, ref, field: fieldByKey.get(key)! }));
  const keyOf = (record: Record<string, string | number | null>) =>
    spec.key.length === 1 ? String(record[spec.key[0]!]) : spec.key.map((k) => String(record[k])).join('\u0001');
  let row = 0;
  let bad = false;
  const fail = (field: FieldSpec, cell: Cell, message: string) => {
    bad = true;
    problem({ row, column: columnName(field), value: shown(field, cell), message });
  };

  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const { cells } = next.value;
    row = next.value.row;
    if (cells.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
    report.rows++;
    if (report.rows % 10_000 === 0) {
      opts.onProgress?.({ rows: report.rows, bytesRead: sheet.bytesRead(), totalBytes: sheet.size, elapsedMs: Date.now() - opts.started });
    }
    if (report.truncated) continue;

    const record: Record<string, string | number | null> = {};
    bad = false;
    // Year first: code lists are versioned by the record's year. A bad year is reported on its
    // own; the codes are then read against every version, not against an empty year's lists.
    let year: number | undefined;
    if (spec.yearField) {
      const yf = spec.fields.find((f) => f.key === spec.yearField)!;
      const at = mapping.columns.get(yf);
      const y = parseField(yf, at === undefined ? null : cells[at], { codes: lookups.codes, today: opts.today });
      if (y.ok && typeof y.value === 'number') year = y.value;
    }
    const ctx = { codes: lookups.codes, year, today: opts.today };
    for (const { field, at } of fieldColumns) {
      const cell = at === undefined ? null : cells[at];
      const parsed = parseField(field, cell, ctx);
      if (!parsed.ok) {
        fail(field, cell, parsed.message);
        record[field.key] = null;
      } else {
        record[field.key] = parsed.value;
      }
    }
    if (bad) continue;

    // References to the registry (and, for areas, to rows above in this file).
    for (const { key, ref, field } of refs) {
      const value = record[key];
      if (value === null || value === undefined) continue;
      if (ref === 'village' && lookups.areas.get(String(value)) !== 'village') {
        fail(field, value, lookups.areas.has(String(value)) ? `${value} is a ${lookups.areas.get(String(value))}, not a village` : 'no such village in the registry (import areas first)');
      } else if (ref === 'area') {
        const level = lookups.areas.get(String(value));
        const wantParent = record.level === 'village' ? 'township' : record.level === 'township' ? 'county' : undefined;
        if (!level) fail(field, value, 'no such area in the registry or in the rows above');
        else if (wantParent && level !== wantParent) fail(field, value, `the parent of a ${record.level} must be a ${wantParent}, not a ${level}`);
        else if (!wantParent) fail(field, value, 'a county has no parent here');
      } else if (ref === 'household' && !lookups.households.has(String(value))) {
        fail(field, value, 'no such household in the registry (import households first)');
      }
    }
    for (const p of spec.check?.(record) ?? []) {
      const field = fieldByKey.get(p.field)!;
      const at = mapping.columns.get(field);
      fail(field, at === undefined ? null : cells[at], p.message);
    }
    if (bad) continue;

    const key = keyOf(record);
    const first = seen.get(key);
    if (first !== undefined) {
      const keyFields = spec.key.map((k) => spec.fields.find((f) => f.key === k)!);
      problem({
        row,
        column: keyFields.map(columnName).join(' + '),
        value: keyFields.map((f) => shown(f, record[f.key] as Cell)).join(' / '),
        message: `duplicate of row ${first}`,
      });
      continue;
    }
    seen.set(key, row);

    if (spec.kind === 'households') {
      const head = String(record.head_id_number);
      const field = fieldByKey.get('head_id_number')!;
      const other = lookups.heads.get(head);
      const firstRow = seenHeads.get(head);
      if (firstRow !== undefined) {
        fail(field, head, `the same head ID number as row ${firstRow}`);
        continue;
      }
      if (other !== undefined && other !== record.household_no) {
        fail(field, head, `already the head of household ${other} in the registry`);
        continue;
      }
      seenHeads.set(head, row);
    }
    if (spec.kind === 'areas') lookups.areas.set(String(record.code), String(record.level));
    if (report.problems.length > 0) continue; // keep validating, stop writing

    // Without a parent to write first, the row is made in place (the record is not used after).
    const out = spec.parent ? await toRow(spec, record, lookups, writer, parentIds) : rowOf(spec, record, lookups);
    const isNew = lookups.existing.size === 0 || !lookups.existing.has(spec.conflict.map((c) => String(out[c])).join('\u0001'));
    if (isNew) report.inserted++;
    else report.updated++;
    if (isNew !== batchNew) {
      await flush();
      batchNew = isNew;
    }
    batch.push(out);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  opts.onProgress?.({ rows: report.rows, bytesRead: sheet.bytesRead(), totalBytes: sheet.size, elapsedMs: Date.now() - opts.started });
}

async function toRow(
  spec: KindSpec,
  record: Record<string, string | number | null>,
  lookups: Lookups,
  writer: BulkWriter,
  parentIds: Map<string, number>,
): Promise<Row> {
  let out: Row = { ...record };
  if (spec.parent) {
    const p = spec.parent;
    const pkey = p.key.map((k) => String(record[k])).join('\u0001');
    let id = parentIds.get(pkey);
    if (id === undefined) {
      const parentRow: Row = {};
      for (const k of p.fields) parentRow[k] = record[k] ?? null;
      id = await writer.upsertReturningId(p.table, parentRow, p.key);
      parentIds.set(pkey, id);
    }
    // The parent's columns live in the parent's table; the row keeps its id.
    for (const k of p.fields) delete out[k];
    out[p.foreignKey] = id;
  }
  return rowOf(spec, out, lookups);
}

/** The rest of a row, once its parent's id is in: a household number becomes the household's id; the kind's transform. */
function rowOf(spec: KindSpec, out: Row, lookups: Lookups): Row {
  if ('household_no' in out && spec.refs.household_no === 'household') {
    const no = out.household_no;
    delete out.household_no;
    out.household_id = no === null ? null : lookups.households.get(String(no))!;
  }
  return spec.transform ? spec.transform(out) : out;
}
