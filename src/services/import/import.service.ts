/**
 * Importing an office's sheet into the registry: every row validated (fields, ID numbers,
 * code lists, references, duplicates in the file and against the registry), written in one
 * transaction, all or nothing. Re-importing a file updates rows by their natural key.
 */
import { KaoheError } from '../../core/errors.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import { inTransaction, Rollback, type BulkWriter, type Row } from '../../store/bulk.ts';
import type { Store } from '../../store/db.ts';
import { openSheet, type Sheet } from './readers.ts';
import { recordMaker, validateSheet, type CodeRow, type ImportProblem, type SheetResult, type ValidationData, type Value } from './validate.ts';
import { startValidationWorker } from './validate-in-worker.ts';

export type { ImportProblem } from './validate.ts';
export { normaliseHeader } from './validate.ts';

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

/**
 * Sizes of large imports. Tests lower them to take small files down the same paths.
 */
export const importTuning = {
  /** Rows handed to the bulk writer at a time. */
  batch: 5000,
  /**
   * Past this many rows written, when the file looks to hold at least a quarter as many rows as
   * the table held (from the rows and bytes read at the last progress, every 10,000 rows; before
   * the first, it is taken to be large), the table's non-unique indexes are dropped for the rest
   * of the transaction and built again before it commits (BulkWriter.deferIndexes). Building an
   * index from all its rows at once costs a fraction of keeping it up to date row by row (new or
   * updated): a few times less a row.
   */
  deferIndexesAt: 50_000,
  /**
   * A file of at least this many bytes is read and validated on a worker thread, while this one
   * writes the rows it hands over (see validate.worker.ts); a smaller one is done here, sparing
   * the worker's start (about a quarter of a second).
   */
  workerMinBytes: 4 * 1024 * 1024,
};

interface Lookups {
  codeRows: CodeRow[];
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
  const codeRows = await db.selectFrom('code_lists').selectAll().orderBy('valid_from').orderBy('sort').orderBy('list').orderBy('code').execute();
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
  return {
    codeRows: codeRows.map((r) => ({ list: r.list, code: r.code, label_zh: r.label_zh, label_en: r.label_en, valid_from: r.valid_from, valid_to: r.valid_to })),
    areas,
    households,
    heads,
    existing,
  };
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
  // Rows and bytes read at the last progress, for the rows the file may hold.
  const read = { rows: 0, bytes: 0 };
  const progress = (rows: number, bytesRead: number) => {
    read.rows = rows;
    read.bytes = bytesRead;
    opts.onProgress?.({ rows, bytesRead, totalBytes: sheet.size, elapsedMs: Date.now() - opts.started });
  };
  const fileRows = () => (read.bytes > 0 ? (read.rows * sheet.size) / read.bytes : Infinity);
  const header = (m: { headerRow: number; ignored: string[] }) => {
    report.ignoredColumns = m.ignored;
    report.headerRow = m.headerRow;
  };
  // A worker is started first: it gets going while the lookups load.
  const worker =
    sheet.size >= importTuning.workerMinBytes
      ? startValidationWorker(spec, file, { today: opts.today, maxProblems: opts.maxProblems, batch: importTuning.batch })
      : undefined;
  try {
    const lookups = await loadLookups(writer, spec);
    const table = new TableWriter(spec, lookups, writer, report, fileRows);
    const data: ValidationData = { codeRows: lookups.codeRows, areas: lookups.areas, households: lookups.households, heads: lookups.heads };
    let result: SheetResult & { bytesRead: number };
    if (worker) {
      result = await worker.run(data, report.problems, { header, rows: (values, count) => table.addMany(values, count), progress });
    } else {
      const done = await validateSheet(spec, sheet, file, data, { today: opts.today, maxProblems: opts.maxProblems, problems: report.problems }, {
        header,
        row: (values) => table.add(values),
        progress: (rows) => progress(rows, sheet.bytesRead()),
      });
      result = { ...done, bytesRead: sheet.bytesRead() };
    }
    report.rows = result.rows;
    report.truncated = result.truncated;
    await table.flush();
    progress(report.rows, result.bytesRead);
  } finally {
    await worker?.stop();
  }
}

/**
 * Turns valid rows (their values in the order of spec.fields) into rows of the kind's table and
 * writes them in batches, new rows apart from rows already there; stops writing at the first
 * problem of the file.
 */
class TableWriter {
  /** Columns of the table rows; for a kind written as it is parsed, known from the start. */
  private columns: string[] | undefined;
  /** Values of the batch's rows, `columns.length` to a row. */
  private values: Value[] = [];
  private count = 0;
  /**
   * A batch holds rows new to the table or rows already in it, never both, in the file's order:
   * new rows are plain inserts on SQLite (see BulkWriter.insertNew).
   */
  private batchNew = true;
  private written = 0;
  private indexesDeferred = false;
  /** Written as parsed (no parent to write first, no transform): the household number, if any, becomes the household's id in place. */
  private readonly direct: boolean;
  private readonly householdAt: number;
  private conflictAt: number[] | undefined;
  private readonly makeRecord: (values: readonly Value[]) => Record<string, Value>;
  private readonly parentIds = new Map<string, number>();

  constructor(
    private readonly spec: KindSpec,
    private readonly lookups: Lookups,
    private readonly writer: BulkWriter,
    private readonly report: ImportReport,
    /** An estimate of the rows in the file. */
    private readonly fileRows: () => number,
  ) {
    this.direct = !spec.parent && !spec.transform;
    this.householdAt = spec.refs.household_no === 'household' ? spec.fields.findIndex((f) => f.key === 'household_no') : -1;
    this.makeRecord = recordMaker(spec);
    if (this.direct) {
      const columns = spec.fields.map((f, i) => (i === this.householdAt ? 'household_id' : f.key));
      this.columns = columns;
      this.conflictAt = spec.conflict.map((c) => columns.indexOf(c));
    }
  }

  /** One valid row. */
  async add(values: Value[]): Promise<void> {
    let row: Value[];
    if (this.direct) {
      if (this.householdAt >= 0) {
        const no = values[this.householdAt];
        values[this.householdAt] = no === null || no === undefined ? null : this.lookups.households.get(String(no))!;
      }
      row = values;
    } else {
      // Without a parent to write first, the row is made in place (the record is not used after).
      const record = this.makeRecord(values);
      const out = this.spec.parent ? await toRow(this.spec, record, this.lookups, this.writer, this.parentIds) : rowOf(this.spec, record, this.lookups);
      if (this.columns === undefined) {
        const columns = Object.keys(out);
        this.columns = columns;
        this.conflictAt = this.spec.conflict.map((c) => columns.indexOf(c));
      }
      row = this.columns.map((c) => out[c] ?? null);
    }
    const existing = this.lookups.existing;
    const isNew = existing.size === 0 || !existing.has(this.conflictAt!.map((i) => String(row[i])).join('\u0001'));
    if (isNew) this.report.inserted++;
    else this.report.updated++;
    if (isNew !== this.batchNew) {
      await this.flush();
      this.batchNew = isNew;
    }
    for (let i = 0; i < row.length; i++) this.values.push(row[i]!);
    this.count++;
    if (this.count >= importTuning.batch) await this.flush();
  }

  /** `count` valid rows, their values one after another in one array. */
  async addMany(values: Value[], count: number): Promise<void> {
    const width = this.spec.fields.length;
    if (this.direct && this.householdAt < 0 && this.lookups.existing.size === 0 && this.batchNew) {
      // All new, written as parsed: the values are the batch's.
      this.report.inserted += count;
      if (this.count === 0) this.values = values;
      else for (let i = 0; i < values.length; i++) this.values.push(values[i]!);
      this.count += count;
      if (this.count >= importTuning.batch) await this.flush();
      return;
    }
    for (let r = 0; r < count; r++) await this.add(values.slice(r * width, (r + 1) * width));
  }

  async flush(): Promise<void> {
    if (this.report.problems.length === 0 && this.count > 0) {
      if (!this.indexesDeferred && this.written + this.count >= importTuning.deferIndexesAt && this.fileRows() * 4 >= this.lookups.existing.size) {
        await this.writer.deferIndexes(this.spec.table);
        this.indexesDeferred = true;
      }
      this.written += this.count;
      await this.writer.writeValues(this.spec.table, this.columns!, this.values, this.spec.conflict, this.batchNew);
    }
    this.values = [];
    this.count = 0;
  }
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
