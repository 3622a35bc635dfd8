/**
 * Importing an office's sheet into the registry: every row validated (fields, ID numbers,
 * code lists, references, duplicates in the file and against the registry), all or nothing.
 * Re-importing a file updates rows by their natural key.
 *
 * The valid rows are staged while the file is read (store/import-stage.ts: a table private to
 * the import, written in bounded transactions that lock nothing the daily work needs) and merged
 * into the registry in one short transaction once the whole file is known to be valid. A long
 * import and an inspector's saves go on side by side; the registry never holds half a file.
 */
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { problem } from '../../core/registry/problems.ts';
import { importableInArea } from '../policies.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import type { Store } from '../../store/db.ts';
import { StaleReference, withStage, type AreaCheck, type OutsideRow, type PgStaging, type Stage, type StagePlan } from '../../store/import-stage.ts';
import { appendAudit, type AuditInput } from '../../store/audit.repository.ts';
import { existingKeys, headsOf, householdsOf, idsOfKeys, joinedKey, readImportLookups, tableRowsUpTo, type ImportLookups } from '../../store/import-lookups.ts';
import type { ImportReport as ContractImportReport } from '../../contract/registry.ts';
import { openSheet, type Sheet } from './readers.ts';
import { recordMaker, validateSheet, type SheetResult, type ValidationData, type Value } from './validate.ts';
import { startValidationWorker } from './validate-in-worker.ts';
import { officeToday } from '../time-zone.ts';

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
  /**
   * An import by an office of an area (a province's, a city's, a county's): every row must be
   * of a village in it (by its village, or its household's), and no row may change a record of
   * another area. Kinds that are not placed in a village (areas, code lists, poverty lines) are
   * the whole database's office's to import (policies.ts, importableInArea).
   */
  area?: { code: string; name: string };
  /**
   * The audit entry of the import (who, which file, …), written in the merge's transaction with the
   * rows, `after` completed with the rows read, added and updated: a committed import always has
   * its entry, and an entry always its rows. None for a dry run or a refused file.
   */
  audit?: AuditInput & { after: Record<string, unknown> };
}

/**
 * How an office of an area's import finds the rows it may not change (AreaCheck): none when the
 * kind's natural key places a row by itself (it holds the village or the household, which the
 * row's references were checked to be in the area); else by the table's village, or its
 * household's. A parent (a helper, a work team) is the kind's to share: a helper's details are
 * the person's, whichever county's file names them.
 */
function areaPlacement(spec: KindSpec): AreaCheck['placeBy'] | undefined {
  const columns = TableWriter.columnsOf(spec);
  if (spec.conflict.includes('village_code') || spec.conflict.includes('household_id') || spec.parent) return undefined;
  if (columns.includes('village_code')) return 'village';
  if (columns.includes('household_id')) return 'household';
  return undefined;
}

/** What an import did or would do (the API's answer, less the errors file's token, which the registry's file service adds). */
export type ImportReport = Omit<ContractImportReport, 'errorsFile'>;

/**
 * Sizes of large imports. Tests lower them to take small files down the same paths.
 */
export const importTuning = {
  /**
   * Rows staged in one transaction of the staging table (and handed over at a time by the
   * validating worker).
   */
  batch: 5000,
  /**
   * When at least this many rows are merged, and at least a quarter as many as the table held,
   * the merge drops the table's non-unique indexes and builds them again before it commits
   * (SQLite; see MergeOptions.deferIndexes): building an index from all its rows at once costs
   * less than keeping it up to date row by row once the index outgrows SQLite's page cache.
   */
  deferIndexesAt: 50_000,
  /**
   * A file of at least this many bytes is read and validated on a worker thread, while this one
   * stages the rows it hands over (see validate.worker.ts); a smaller one is done here, sparing
   * the worker's start (about a quarter of a second).
   */
  workerMinBytes: 4 * 1024 * 1024,
  /**
   * PostgreSQL, a table empty when the import begins: the validating worker hands the rows over
   * as the bytes of their COPY lines, which this thread passes on (TableWriter.takesCopyLines);
   * false: as values, made into COPY lines here (for the benchmark and the tests, side by side).
   */
  copyLines: true,
  /** How rows reach PostgreSQL's staging table (store/import-stage.ts): COPY, or the batched INSERT before it (for the benchmark). */
  pgStaging: 'copy' as PgStaging,
  /**
   * PostgreSQL: a file of at least this many bytes, into a table found empty when its first rows
   * come, goes straight into the table (StageOptions.firstLoad: no staging table, no INSERT …
   * SELECT; the table's readers and writers wait from the first rows to the commit). 0: never.
   */
  firstLoadMinBytes: 4 * 1024 * 1024,
  /**
   * An import reads the registry's head ID numbers (households) and its households (kinds that
   * refer to one) whole when the households table has at most this many rows for each byte of the
   * file (0.025: some four times a households file's rows, at about 170 bytes a household); else
   * it asks for those of a few thousand rows at a time (a county's file into a province's table:
   * not its ten million). 0: always a batch at a time; Infinity: always whole.
   */
  readWholePerByte: 0.025,
};

/** What the import reads of the registry before the file (store/import-lookups.ts). */
type Lookups = ImportLookups;

/** Imports one file of a kind. Writes nothing unless every row is valid (and not a dry run). */
export async function importFile(store: Store, kind: string, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const spec = kindSpec(kind);
  if (!spec) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
  if (options.area && !importableInArea(spec))
    throw new KaoheError('forbidden', `${kind}: an office of an area (${options.area.code}) does not import this kind; the office of the whole database does`);
  const sheet = openSheet(file);
  const started = Date.now();
  const today = options.today ?? officeToday();
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
  const dryRun = !!options.dryRun;
  await withStage(
    store,
    stagePlan(spec),
    async (stage) => {
      const { lookups, rowNumbers } = await runImport(spec, sheet, file, store, stage, report, {
        today,
        maxProblems,
        onProgress: options.onProgress,
        started,
        dryRun,
        area: options.area,
      });
      const placeBy = options.area ? areaPlacement(spec) : undefined;
      const areaCheck = options.area && placeBy ? { code: options.area.code, placeBy, limit: maxProblems } : undefined;
      const outsideFound = (outside: OutsideRow[]) => {
        outsideProblems(spec, outside, rowNumbers!, options.area!.name, report);
        if (outside.length >= maxProblems) report.truncated = true;
      };
      if (areaCheck && dryRun && report.problems.length === 0) {
        // A record of another area the file would change: found in SQL, against the staged rows.
        // (An import that writes looks inside the merge's transaction, below.)
        const outside = await stage.outsideArea(areaCheck);
        if (outside.length > 0) outsideFound(outside);
      }
      if (report.problems.length > 0) {
        // Nothing is written: counts of the rows before the first problem would say otherwise.
        report.inserted = 0;
        report.updated = 0;
        return;
      }
      if (dryRun) return;
      const audit = options.audit;
      try {
        const merged = await stage.merge({
          deferIndexes: stage.rows >= importTuning.deferIndexesAt && (lookups.tableEmpty || (await tableRowsUpTo(store, spec.table, stage.rows * 4 + 1)) <= stage.rows * 4),
          ...(areaCheck ? { areaCheck } : {}),
          ...(audit
            ? { within: (db) => appendAudit(db, store, { ...audit, after: { ...audit.after, rows: report.rows, inserted: report.inserted, updated: report.updated } }) }
            : {}),
        });
        if (merged.outside.length > 0) {
          outsideFound(merged.outside);
          report.inserted = 0;
          report.updated = 0;
          return;
        }
      } catch (e) {
        if (!(e instanceof StaleReference)) throw e;
        throw new KaoheError(
          'conflict',
          `${file}: a household or area the file refers to was removed from the registry while the file was being imported; nothing was imported: import the file again`,
        );
      }
      report.committed = true;
    },
    {
      pgStaging: importTuning.pgStaging,
      firstLoad: !dryRun && importTuning.firstLoadMinBytes > 0 && sheet.size >= importTuning.firstLoadMinBytes,
    },
  );
  report.elapsedMs = Date.now() - started;
  return report;
}

/**
 * The staged columns of a kind, known before the first row: a row of its table as TableWriter
 * makes it, the parent's fields kept in place of its id (the merge looks the id up).
 */
function stagePlan(spec: KindSpec): StagePlan {
  const columns = TableWriter.columnsOf(spec);
  return { table: spec.table, columns, conflict: spec.conflict, ...(spec.parent ? { parent: spec.parent } : {}) };
}

async function runImport(
  spec: KindSpec,
  sheet: Sheet,
  file: string,
  store: Store,
  stage: Stage,
  report: ImportReport,
  opts: { today: string; maxProblems: number; onProgress: ImportOptions['onProgress']; started: number; dryRun: boolean; area: ImportOptions['area'] },
): Promise<{ lookups: Lookups; rowNumbers: number[] | undefined }> {
  const progress = (rows: number, bytesRead: number) => {
    opts.onProgress?.({ rows, bytesRead, totalBytes: sheet.size, elapsedMs: Date.now() - opts.started });
  };
  const header = (m: { headerRow: number; ignored: string[] }) => {
    report.ignoredColumns = m.ignored;
    report.headerRow = m.headerRow;
  };
  // A worker is started first: it gets going while the lookups load.
  // An office of an area: each staged row's line in the file, for the rows the merge may not write (outsideProblems).
  const rowNumbers = opts.area ? [] : undefined;
  const worker =
    sheet.size >= importTuning.workerMinBytes
      ? startValidationWorker(spec, file, { today: opts.today, maxProblems: opts.maxProblems, batch: importTuning.batch, rowNumbers: rowNumbers !== undefined })
      : undefined;
  try {
    // The registry's heads (households) and households (kinds that refer to one): whole for a
    // table not much larger than the file, else asked for a batch of rows at a time.
    const asks = spec.kind === 'households' || Object.values(spec.refs).includes('household');
    const most = Math.floor(sheet.size * importTuning.readWholePerByte);
    const whole = !asks || !Number.isFinite(most) || (await tableRowsUpTo(store, 'households', most + 1)) <= most;
    const lookups = await readImportLookups(store.db, spec, opts.area?.code, whole);
    // A dry run by an office of an area stages its rows too: the check of the records of other areas reads them.
    const staged = !opts.dryRun || (opts.area !== undefined && areaPlacement(spec) !== undefined);
    const table = new TableWriter(spec, lookups, staged ? stage : undefined, report, rowNumbers);
    const data: ValidationData = {
      codeRows: lookups.codeRows,
      areas: lookups.areas,
      households: lookups.households,
      heads: lookups.heads,
      ...(whole
        ? {}
        : {
            headsOf: (heads: string[]) => headsOf(store.db, heads),
            // The households found are kept for the rows' household ids (TableWriter): the file's, not the registry's.
            householdsOf: async (nos: string[]) => {
              const found = await householdsOf(store.db, nos, opts.area?.code);
              for (const [no, id] of found) lookups.households.set(no, id);
              return new Set(found.keys());
            },
          }),
      ...(opts.area && lookups.villagesInArea ? { area: { name: opts.area.name, villages: lookups.villagesInArea } } : {}),
    };
    let result: SheetResult & { bytesRead: number };
    if (worker) {
      result = await worker.run(
        data,
        report.problems,
        {
          header,
          rows: (values, count, rows) => table.addMany(values, count, rows),
          copyLines: (bytes, count) => table.addCopyLines(bytes, count),
          counted: (count) => table.counted(count),
          progress,
        },
        { rowsAs: table.takesCopyLines ? 'copy' : table.takesCountOnly ? 'count' : 'values' },
      );
    } else {
      const done = await validateSheet(
        spec,
        sheet,
        file,
        data,
        { today: opts.today, maxProblems: opts.maxProblems, problems: report.problems },
        {
          header,
          row: (values, row) => table.add(values, row),
          progress: (rows) => progress(rows, sheet.bytesRead()),
        },
      );
      result = { ...done, bytesRead: sheet.bytesRead() };
    }
    report.rows = result.rows;
    report.truncated = result.truncated;
    await table.flush();
    if (report.problems.length === 0) await table.countUpdates(store, stage);
    progress(report.rows, result.bytesRead);
    return { lookups, rowNumbers };
  } finally {
    await worker?.stop();
  }
}

/**
 * Turns valid rows (their values in the order of spec.fields) into staged rows of the kind's
 * table, counts them new or updated, and stages them in batches; stops staging at the first
 * problem of the file. A dry run (no stage) only counts.
 */
class TableWriter {
  /** The staged columns of a kind (see stagePlan). */
  static columnsOf(spec: KindSpec): string[] {
    const householdAt = spec.refs.household_no === 'household' ? spec.fields.findIndex((f) => f.key === 'household_no') : -1;
    if (!spec.parent && !spec.transform) return spec.fields.map((f, i) => (i === householdAt ? 'household_id' : f.key));
    // The shape of a row made from an empty record (what the kind's transform gives back).
    const empty: Record<string, Value> = {};
    for (const f of spec.fields) empty[f.key] = null;
    return Object.keys(rowOf(spec, empty, new Map()));
  }

  private readonly columns: string[];
  /** Values of the batch's rows, `columns.length` to a row. */
  private values: Value[] = [];
  private count = 0;
  /** Written as parsed (no parent, no transform): the household number, if any, becomes the household's id in place. */
  private readonly direct: boolean;
  private readonly householdAt: number;
  /** Where each conflict column's value is in a staged row; -1 for the parent's id. */
  private readonly conflictAt: number[];
  /** Where each of the parent's key fields is in a staged row. */
  private readonly parentKeyAt: number[];
  private readonly makeRecord: (values: readonly Value[]) => Record<string, Value>;

  constructor(
    private readonly spec: KindSpec,
    private readonly lookups: Lookups,
    /** Where the rows go; none for a dry run. */
    private readonly stage: Stage | undefined,
    private readonly report: ImportReport,
    /** Each staged row's line in the file, in staging order (kept when asked for). */
    private readonly rowNumbers?: number[],
  ) {
    this.direct = !spec.parent && !spec.transform;
    this.householdAt = spec.refs.household_no === 'household' ? spec.fields.findIndex((f) => f.key === 'household_no') : -1;
    this.makeRecord = recordMaker(spec);
    const columns = TableWriter.columnsOf(spec);
    this.columns = columns;
    this.conflictAt = spec.conflict.map((c) => (c === spec.parent?.foreignKey ? -1 : columns.indexOf(c)));
    this.parentKeyAt = spec.parent ? spec.parent.key.map((k) => columns.indexOf(k)) : [];
  }

  /** One valid row (`line`: its line in the file). */
  async add(values: Value[], line?: number): Promise<void> {
    this.rowNumbers?.push(line!);
    let row: Value[];
    if (this.direct) {
      if (this.householdAt >= 0) {
        const no = values[this.householdAt];
        values[this.householdAt] = no === null || no === undefined ? null : this.lookups.households.get(String(no))!;
      }
      row = values;
    } else {
      const out = rowOf(this.spec, this.makeRecord(values), this.lookups.households);
      row = this.columns.map((c) => out[c] ?? null);
    }
    this.count1(row);
    for (let i = 0; i < row.length; i++) this.values.push(row[i]!);
    this.count++;
    if (this.count >= importTuning.batch) await this.flush();
  }

  /**
   * Whether the rows can come as the stage's COPY lines, encoded by the validating thread
   * (addCopyLines): staged as parsed (no parent, no transform, no household number to look up),
   * all new (the table was empty when the import began), their lines in the file not kept, and a
   * stage that takes COPY lines (PostgreSQL's).
   */
  get takesCopyLines(): boolean {
    return importTuning.copyLines && !!this.stage?.takesCopyLines && this.direct && this.householdAt < 0 && this.lookups.tableEmpty && !this.rowNumbers;
  }

  /**
   * Whether the rows need not come at all, only their count (counted): nothing to stage (a dry
   * run), all new (the table was empty when the import began), their lines in the file not kept.
   */
  get takesCountOnly(): boolean {
    return !this.stage && this.lookups.tableEmpty && !this.rowNumbers;
  }

  /** `count` valid rows, none of them in the table (takesCountOnly). */
  counted(count: number): void {
    this.report.inserted += count;
  }

  /** `count` valid rows as the UTF-8 bytes of their COPY lines (takesCopyLines). */
  async addCopyLines(bytes: Uint8Array, count: number): Promise<void> {
    this.report.inserted += count;
    if (this.report.problems.length === 0) await this.stage!.appendCopy(bytes, count);
  }

  /**
   * Counts a row new when its natural key cannot be in the table (the table was empty when the
   * import began); else keeps the key (and its parent's, to find the parent's id), to be asked for
   * once the file is read (countUpdates).
   */
  private count1(row: Value[]): void {
    if (this.lookups.tableEmpty) {
      this.report.inserted++;
      return;
    }
    for (const i of this.conflictAt) this.keys.push(i < 0 ? null : (row[i] ?? null));
    for (const i of this.parentKeyAt) this.parentKeys.push(row[i] ?? null);
  }

  /** The conflict keys of the rows not yet known new or updated (count1), one after another; null for the parent's id. */
  private keys: Value[] = [];
  /** The parents' keys of those rows, one after another. */
  private parentKeys: Value[] = [];

  /**
   * Of the rows whose keys were kept, those in the table are updates, the others new: asked for
   * their keys only (store/import-lookups.ts, existingKeys), once their parents' ids are found the
   * same way (idsOfKeys: a row whose parent is not in the registry is new). Rows that went
   * straight into the empty table (a first load) are all new.
   */
  async countUpdates(store: Store, stage: Stage): Promise<void> {
    const width = this.spec.conflict.length;
    let kept = this.keys.length / width;
    if (kept === 0) return;
    let keys = this.keys;
    const parentKeys = this.parentKeys;
    this.keys = [];
    this.parentKeys = [];
    const parent = this.spec.parent;
    if (parent && !stage.intoEmptyTable) {
      const parentWidth = parent.key.length;
      // Each row's parent key, joined once; each parent asked for once.
      const rowParents: string[] = [];
      const asked = new Set<string>();
      const distinct: Value[] = [];
      for (let i = 0; i < parentKeys.length; i += parentWidth) {
        const key = joinedKey(parentKeys, i, parentWidth);
        rowParents.push(key);
        if (asked.has(key)) continue;
        asked.add(key);
        for (let c = 0; c < parentWidth; c++) distinct.push(parentKeys[i + c]!);
      }
      const ids = await idsOfKeys(store, parent.table, parent.key, distinct);
      const at = this.conflictAt.indexOf(-1);
      const known: Value[] = [];
      for (let r = 0; r < kept; r++) {
        const id = ids.get(rowParents[r]!);
        // A parent the file brings: its rows are new.
        if (id === undefined) continue;
        for (let c = 0; c < width; c++) known.push(c === at ? id : keys[r * width + c]!);
      }
      this.report.inserted += kept - known.length / width;
      keys = known;
      kept = known.length / width;
    }
    const updated = stage.intoEmptyTable || kept === 0 ? 0 : await existingKeys(store, this.spec.table, this.spec.conflict, keys);
    this.report.updated += updated;
    this.report.inserted += kept - updated;
  }

  /** `count` valid rows, their values one after another in one array (`lines`: their lines in the file). */
  async addMany(values: Value[], count: number, lines?: ArrayLike<number>): Promise<void> {
    const width = this.spec.fields.length;
    if (this.rowNumbers) {
      for (let r = 0; r < count; r++) await this.add(values.slice(r * width, (r + 1) * width), lines![r]);
      return;
    }
    if (this.direct && this.householdAt < 0 && this.lookups.tableEmpty) {
      // All new, staged as parsed: the values are the batch's.
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
    if (this.stage && this.report.problems.length === 0 && this.count > 0) await this.stage.append(this.values);
    this.values = [];
    this.count = 0;
  }
}

/**
 * A record as its table stores it, but for the parent (whose fields stay, for the merge to look
 * its id up): a household number becomes the household's id; the kind's transform.
 */
function rowOf(spec: KindSpec, record: Record<string, Value>, households: Map<string, number>): Record<string, Value> {
  const out = record;
  if ('household_no' in out && spec.refs.household_no === 'household') {
    const no = out.household_no;
    delete out.household_no;
    out.household_id = no === null ? null : households.get(String(no))!;
  }
  return spec.transform ? spec.transform(out) : out;
}

/**
 * The problems of an office of an area's file whose rows would change records of other areas:
 * each on its line, naming the key's columns and (masked) values.
 */
function outsideProblems(spec: KindSpec, outside: OutsideRow[], rowNumbers: number[], area: string, report: ImportReport): void {
  // The key's columns as the file names them: the staged conflict columns are the kind's fields (household_id is its household_no).
  const fields = spec.conflict.map((c) => spec.fields.find((f) => f.key === (c === 'household_id' ? 'household_no' : c))!);
  const why = problem('record-outside-area', { area });
  for (const o of outside) {
    report.problems.push({
      row: rowNumbers[o.seq - 1]!,
      column: fields.map((f) => f.header).join(' + '),
      value: o.key.map((v, i) => (fields[i]!.type.kind === 'idNumber' ? maskIdNumber(v) : v)).join(' / '),
      message: why.message,
      reason: { code: why.code, params: { area } },
    });
  }
}
