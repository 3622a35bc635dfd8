/**
 * Staging for imports, so that a long import and the daily writes coexist. An import's valid rows
 * go first into a staging table private to the import's connection, in bounded transactions that
 * take no lock any other connection could meet; only once the whole file is read and valid are
 * they merged into the registry's table, in one short transaction of set-based SQL
 * (INSERT … SELECT … ON CONFLICT DO UPDATE). The registry is never seen half imported: a file with
 * a problem, a dry run, an error or a crash leaves it as it was.
 *
 * Where the staging table lives:
 * - SQLite: a private temporary database ATTACHed as '' to the import's connection. Writing to it
 *   locks nothing of the main database (the server's and the other processes' writes go on); it
 *   is a file SQLite deletes as soon as it opens it (in SQLITE_TMPDIR, else TMPDIR, else /var/tmp
 *   or /tmp), so not even a kill -9 leaves it behind, and it is never visible to another connection.
 * - PostgreSQL: a TEMP table on a connection the import keeps for its whole run: invisible to other
 *   sessions, not written to the WAL, dropped at the end and by the server with the session
 *   should the process die. The rows go in through one COPY … FROM STDIN for the whole import.
 *
 * The merge holds the write lock (SQLite) for as long as it runs: under two seconds for 300,000
 * new households on a busy two-core machine, about four for a million (docs/operations.md);
 * other connections wait for it (sqlite-driver.ts, up to a busy timeout well beyond that)
 * instead of failing.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { copyLines, copyText } from './copy-text.ts';
import { CopyIn, ident, setAsideIfEmpty, type SetAside } from './pg-bulk.ts';
import type { Store } from './db.ts';
import type { DB } from './schema.ts';
import { areaSubtree } from './area-subtree.ts';

export type Value = string | number | null;

/** What is staged, and how it is merged. */
export interface StagePlan {
  /** The registry table the rows are merged into. */
  table: string;
  /** The staged columns, in the order of the values appended: the table's, and the parent's fields. */
  columns: string[];
  /** The table's columns for ON CONFLICT (the natural key). */
  conflict: string[];
  /**
   * A parent row each staged row names by its fields (among `columns`): the parents are upserted
   * into their table by key first (each with the values of its first row in the file), then the
   * rows go in with the parent's id in `foreignKey` instead of the parent's fields.
   */
  parent?: { table: string; fields: string[]; key: string[]; foreignKey: string };
}

/**
 * How rows reach PostgreSQL's staging table: `copy`, one COPY … FROM STDIN for the whole import
 * (the default); `insert`, an INSERT … SELECT FROM unnest(…) of each batch, one array a column
 * (the path before COPY, kept for `npm run bench:province` to measure against).
 */
export type PgStaging = 'copy' | 'insert';

export interface StageOptions {
  pgStaging?: PgStaging;
  /**
   * PostgreSQL, COPY, a kind without a parent: if the table is empty when the first rows come (a
   * first load), they go straight into it, in one transaction open from then to the merge, with
   * its non-unique indexes, unique and foreign-key constraints set aside (setAsideIfEmpty) and
   * made again from all the rows at the merge: no staging table, and no INSERT … SELECT from it
   * (the merge's longest part: 5.7 s of a million households on this machine). All or nothing
   * as the staged path: a problem, an error or a crash rolls the transaction back.
   * The cost: from the first rows to the commit, other writers of the table wait, and so do its
   * readers (dropping an index locks the table); on the staged path they wait for the merge
   * only. A table with rows takes the staged path.
   */
  firstLoad?: boolean;
}

export interface MergeOptions {
  /**
   * SQLite: drop the table's non-unique indexes for the merge and build them again (from their
   * own SQL) before it commits: for a merge of many rows into a table not much larger, building an
   * index from all its rows at once costs less than keeping it up to date row by row. UNIQUE
   * indexes stay.
   * PostgreSQL: only into a table that is empty (a first load, a province's households): the merge
   * locks it against other writers, finds it empty, sets aside its non-unique indexes, unique and
   * foreign-key constraints (pg-bulk.ts, setAsideIfEmpty), inserts without ON CONFLICT and makes
   * them again from all the rows before it commits. Readers of that table wait for the
   * merge (dropping an index locks the table); into a table with rows nothing changes (no one waits).
   */
  deferIndexes?: boolean;
  /**
   * An import by an office of an area: the staged rows that would change a row of the table
   * outside the area are looked for inside the merge's transaction, under a lock that keeps other
   * writers of the table (and of the households, for a table placed by its household) out until
   * it ends (SQLite's write lock; PostgreSQL's SHARE ROW EXCLUSIVE): no row can be moved to another
   * area between the check and the merge. If any is found, nothing is merged (`outside` lists them).
   */
  areaCheck?: AreaCheck;
  /** Written in the merge's transaction, after the rows (the import's audit entry): both or neither. */
  within?: (db: Kysely<DB>) => Promise<void>;
}

/** What a merge did: `outside`, the rows its area check found (nothing was merged then). */
export interface MergeResult {
  merged: boolean;
  outside: OutsideRow[];
}

/**
 * An import by an office of an area: which staged rows have a natural key that is a row of the
 * table placed outside the area (Stage.outsideArea). Only for a table whose key does not place
 * its rows itself (a household's number, a member's ID number).
 */
export interface AreaCheck {
  /** The area's code. */
  code: string;
  /** Where a row of the table is: its own village_code, or its household's. */
  placeBy: 'village' | 'household';
  /** Clashing rows found, at most. */
  limit: number;
}

/** A staged row (by its place in the staging order, from 1) and its key's values. */
export interface OutsideRow {
  seq: number;
  key: string[];
}

/** The query for Stage.outsideArea over the staging table `source` (its order in `seq`); `param` is the area's placeholder. */
function outsideAreaQuery(plan: StagePlan, source: string, seq: string, check: AreaCheck, param: string): string {
  const on = plan.conflict.map((c) => `t.${ident(c)} = s.${ident(c)}`).join(' and ');
  const place = check.placeBy === 'village' ? 't.village_code' : 'h.village_code';
  const join = check.placeBy === 'village' ? '' : ' join households h on h.id = t.household_id';
  return (
    `${areaSubtree(param)} select s.${seq} as seq, ${plan.conflict.map((c, i) => `s.${ident(c)} as k${i}`).join(', ')} ` +
    `from ${source} s join ${ident(plan.table)} t on ${on}${join} where not exists (select 1 from sub where sub.code = ${place}) order by s.${seq} limit ${Math.max(1, Math.floor(check.limit))}`
  );
}

function outsideRows(plan: StagePlan, found: Array<Record<string, unknown>>): OutsideRow[] {
  return found.map((r) => ({ seq: Number(r.seq), key: plan.conflict.map((_, i) => String(r[`k${i}`])) }));
}

export interface Stage {
  /** Rows appended so far. */
  readonly rows: number;
  /** Appends rows given as one flat array of values, `columns.length` to a row; in one transaction of the staging database. */
  append(values: readonly Value[]): Promise<void>;
  /**
   * Appends `rows` rows given as the UTF-8 bytes of their lines in COPY's text format (the staged
   * columns, in order: store/copy-text.ts, as a validating thread encodes them). Only where rows
   * go through COPY (PostgreSQL's stage, `copy`: takesCopyLines); a stage takes its rows one way
   * or the other.
   */
  appendCopy(bytes: Uint8Array, rows: number): Promise<void>;
  /** The rows went straight into the table, which was empty when they began (a first load): every one of them is new. */
  readonly intoEmptyTable: boolean;
  /** Whether appendCopy takes rows (else only append does). */
  readonly takesCopyLines: boolean;
  /** Merges every staged row into the registry, in one transaction; all of them or, on any error (or a row outside the area), none. */
  merge(options?: MergeOptions): Promise<MergeResult>;
  /** The staged rows that would change a row of the table outside an area (in staging order, at most `check.limit`). */
  outsideArea(check: AreaCheck): Promise<OutsideRow[]>;
}

/**
 * The merge met a row that refers to one no longer there (a household or village deleted since
 * the file was validated): nothing was merged.
 */
export class StaleReference extends Error {
  constructor(cause: unknown) {
    super(`a row refers to one that is no longer in the registry: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'StaleReference';
  }
}

/**
 * Runs `work` with a new, empty staging table for `plan`; the table is dropped afterwards however
 * `work` ends. Nothing is staged until the first append (a dry run or an empty file creates nothing).
 */
export async function withStage<T>(store: Store, plan: StagePlan, work: (stage: Stage) => Promise<T>, options: StageOptions = {}): Promise<T> {
  const known = new Set([...plan.columns, ...(plan.parent ? [plan.parent.foreignKey] : [])]);
  for (const c of [...plan.conflict, ...(plan.parent?.fields ?? [])]) if (!known.has(c)) throw new Error(`staging ${plan.table}: no column ${c}`);
  if (store.dialect === 'sqlite') {
    const stage = new SqliteStage(store, plan);
    try {
      return await work(stage);
    } finally {
      await stage.drop();
    }
  }
  // One connection for the whole import: the TEMP table and the COPY are that session's.
  if (!store.pgPool) throw new Error('a PostgreSQL store without its pool');
  const client = await store.pgPool.connect();
  const how = options.pgStaging ?? 'copy';
  const stage = new PostgresStage(client, plan, how, !!options.firstLoad && how === 'copy' && !plan.parent);
  try {
    return await work(stage);
  } finally {
    await stage.drop();
    // A connection left in a COPY that did not end is closed, not handed to the next query.
    client.release(stage.broken || undefined);
  }
}

/** The SQL of the merge, statement by statement, from the staged rows in `source`, in the order of `seq`. */
function mergeStatements(plan: StagePlan, dialect: Store['dialect'], source: string, seq: string, into: 'upsert' | 'insert' = 'upsert'): string[] {
  const list = (cols: string[], prefix = '') => cols.map((c) => prefix + ident(c)).join(', ');
  const upsert = (table: string, columns: string[], conflict: string[]) => {
    // Into a table found empty under a lock (PostgresStage.merge): nothing to conflict with.
    if (into === 'insert' && table === plan.table) return '';
    const update = columns.filter((c) => !conflict.includes(c));
    if (update.length === 0) return `on conflict (${list(conflict)}) do nothing`;
    // A row that is there already with the same values is left alone: re-importing a file writes
    // (and locks) only what changed.
    const differs = dialect === 'sqlite' ? 'is not' : 'is distinct from';
    return (
      `on conflict (${list(conflict)}) do update set ${update.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')} ` +
      `where (${list(update, `${ident(table)}.`)}) ${differs} (${list(update, 'excluded.')})`
    );
  };
  const p = plan.parent;
  if (!p) {
    // "where true": SQLite would otherwise read ON CONFLICT as the ON of a join.
    return [
      `insert into ${ident(plan.table)} (${list(plan.columns)}) select ${list(plan.columns)} from ${source} where true order by ${seq} ${upsert(plan.table, plan.columns, plan.conflict)}`,
    ];
  }
  const own = plan.columns.filter((c) => !p.fields.includes(c));
  const target = [...own, p.foreignKey];
  return [
    `insert into ${ident(p.table)} (${list(p.fields)}) select ${list(p.fields)} from ${source} ` +
      `where ${seq} in (select min(${seq}) from ${source} group by ${list(p.key)}) order by ${seq} ${upsert(p.table, p.fields, p.key)}`,
    `insert into ${ident(plan.table)} (${list(target)}) select ${list(own, 's.')}, p.id from ${source} s join ${ident(p.table)} p on ` +
      `${p.key.map((k) => `p.${ident(k)} = s.${ident(k)}`).join(' and ')} where true order by s.${seq} ${upsert(plan.table, target, plan.conflict)}`,
  ];
}

/**
 * A query of the staged columns, each from the table it belongs to, for the staging table's
 * column types (CREATE TABLE … AS, with no rows); `lead` comes before them.
 */
function shapeOf(plan: StagePlan, schema: string, lead = ''): string {
  const p = plan.parent;
  const cols = plan.columns.map((c) => (p?.fields.includes(c) ? `p.${ident(c)}` : `t.${ident(c)}`)).join(', ');
  return `select ${lead}${cols} from ${schema}${ident(plan.table)} t${p ? ` cross join ${schema}${ident(p.table)} p` : ''}`;
}

const isForeignKeyViolation = (e: unknown) => {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
};

/** A statement's parameters at most (SQLite's default limit before 3.32, well under today's). */
const SQLITE_MAX_PARAMS = 999;
/** Rows in one SQLite INSERT (fewer when they would pass SQLITE_MAX_PARAMS). */
const SQLITE_ROWS_PER_STATEMENT = 32;

/** Distinguishes the staging databases attached to connections of this thread. */
let attached = 0;

class SqliteStage implements Stage {
  rows = 0;
  private readonly schema = `kaohe_stage_${++attached}`;
  private readonly table = `${ident(this.schema)}."rows"`;
  private created = false;
  private readonly raw;
  private readonly width: number;
  private readonly per: number;

  constructor(
    private readonly store: Store,
    private readonly plan: StagePlan,
  ) {
    this.raw = store.sqlite!;
    this.width = plan.columns.length;
    this.per = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / this.width)));
  }

  /** Runs `work` on the raw handle with the store's connection held (no one else's transaction is open on it meanwhile). */
  private exclusive<T>(work: () => T): Promise<T> {
    return this.store.db.connection().execute(async () => work());
  }

  private create(): void {
    const raw = this.raw;
    raw.exec(`attach database '' as ${ident(this.schema)}`);
    this.created = true;
    // Thrown away at the end, never rolled back past a chunk: no journal.
    raw.exec(`pragma ${ident(this.schema)}.journal_mode = off`);
    raw.exec(`create table ${this.table} as ${shapeOf(this.plan, 'main.')} where false`);
  }

  readonly takesCopyLines = false;
  readonly intoEmptyTable = false;

  appendCopy(): Promise<void> {
    return Promise.reject(new Error('appendCopy: SQLite takes rows as values'));
  }

  async append(values: readonly Value[]): Promise<void> {
    const width = this.width;
    if (values.length === 0) return;
    await this.exclusive(() => {
      const raw = this.raw;
      if (!this.created) this.create();
      const one = `(${this.plan.columns.map(() => '?').join(', ')})`;
      const insert = (rows: number) =>
        raw.prepare(`insert into ${this.table} (${this.plan.columns.map(ident).join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}`);
      // A deferred transaction that writes only the staging database: it locks nothing else.
      raw.exec('begin');
      try {
        let i = 0;
        const many = this.per * width;
        if (values.length >= many) {
          const s = insert(this.per);
          for (; i + many <= values.length; i += many) s.run(values.slice(i, i + many));
        }
        if (i < values.length) {
          const s = insert(1);
          for (; i < values.length; i += width) s.run(values.slice(i, i + width));
        }
        raw.exec('commit');
      } catch (e) {
        if (raw.inTransaction) raw.exec('rollback');
        throw e;
      }
    });
    this.rows += values.length / width;
  }

  async merge(options: MergeOptions = {}): Promise<MergeResult> {
    if (!this.created || this.rows === 0) return { merged: false, outside: [] };
    const raw = this.raw;
    const statements = mergeStatements(this.plan, 'sqlite', this.table, 'rowid');
    try {
      // BEGIN IMMEDIATE (db.ts): the write lock from the start, waited for if someone has it.
      return await this.store.db.transaction().execute(async (trx): Promise<MergeResult> => {
        if (options.areaCheck) {
          const outside = outsideRows(
            this.plan,
            raw.prepare(outsideAreaQuery(this.plan, this.table, 'rowid', options.areaCheck, '?')).all(options.areaCheck.code) as Array<Record<string, unknown>>,
          );
          if (outside.length > 0) return { merged: false, outside };
        }
        const indexes = options.deferIndexes
          ? (
              raw.prepare(`select name, sql from main.sqlite_master where type = 'index' and tbl_name = ? and sql is not null`).all(this.plan.table) as Array<{
                name: string;
                sql: string;
              }>
            ).filter((i) => !/^\s*create\s+unique\s/i.test(i.sql))
          : [];
        // DDL is transactional: a rollback brings them back as they were.
        for (const i of indexes) raw.exec(`drop index main."${i.name.replace(/"/g, '""')}"`);
        for (const s of statements) raw.exec(s);
        for (const i of indexes) raw.exec(i.sql);
        await options.within?.(trx);
        return { merged: true, outside: [] };
      });
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new StaleReference(e);
      throw e;
    }
  }

  async outsideArea(check: AreaCheck): Promise<OutsideRow[]> {
    if (!this.created || this.rows === 0) return [];
    const query = outsideAreaQuery(this.plan, this.table, 'rowid', check, '?');
    return outsideRows(this.plan, await this.exclusive(() => this.raw.prepare(query).all(check.code) as Array<Record<string, unknown>>));
  }

  async drop(): Promise<void> {
    if (!this.created) return;
    this.created = false;
    await this.exclusive(() => this.raw.exec(`detach database ${ident(this.schema)}`));
  }
}

/**
 * PostgreSQL: the rows go into a TEMP table through one COPY … FROM STDIN for the whole import
 * (pg-copy-streams), a batch a write: the server parses them as it does a file, with no statement
 * a batch and no parameters. The COPY ends when the merge begins; a stage dropped before that
 * (a problem in the file, an error) aborts it, and the server keeps none of its rows.
 */
class PostgresStage implements Stage {
  rows = 0;
  private readonly name = `import_stage_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  /** Named with its schema: a table of the search path never stands in for it. */
  private readonly table = `pg_temp.${ident(this.name)}`;
  private created = false;
  private copy: CopyIn | undefined;
  /** The connection is in a state no one should reuse (an aborted COPY that did not settle). */
  broken = false;
  /**
   * A first load (StageOptions.firstLoad) found the table empty: the rows go into it, in the
   * transaction open on the connection, its indexes and constraints set aside until the merge.
   */
  private direct: SetAside | undefined;

  constructor(
    /** The import's own connection. */
    private readonly client: pg.PoolClient,
    private readonly plan: StagePlan,
    private readonly how: PgStaging,
    /** Try a first load into the table itself (StageOptions.firstLoad). */
    private readonly firstLoad: boolean,
  ) {}

  /** Where the first rows go: into the table itself if it is empty and a first load is asked for, else a new staging table. */
  private async create(): Promise<void> {
    if (this.firstLoad) {
      await this.client.query('begin');
      try {
        this.direct = await setAsideIfEmpty(this.client, this.plan.table);
      } catch (e) {
        await this.client.query('rollback');
        throw e;
      }
      if (!this.direct) await this.client.query('rollback');
    }
    if (!this.direct) await this.client.query(`create temp table ${ident(this.name)} as ${shapeOf(this.plan, '', '0::bigint as seq, ')} with no data`);
    this.created = true;
  }

  /** The staging table's column types (seq first), for the arrays of `insert`. */
  private types: string[] = [];

  /** The `insert` path: one array a column, unnested into rows (a parameter a column, not one a cell). */
  private async insertBatch(values: readonly Value[], rows: number): Promise<void> {
    const width = this.plan.columns.length;
    if (this.types.length === 0) {
      const types = await this.client.query<{ type: string }>(
        `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
        [this.table],
      );
      this.types = types.rows.map((r) => r.type);
    }
    const columns: Value[][] = [Array.from({ length: rows }, (_, r) => this.rows + r + 1)];
    for (let c = 0; c < width; c++) {
      const column: Value[] = new Array(rows);
      for (let r = 0; r < rows; r++) column[r] = values[r * width + c] ?? null;
      columns.push(column);
    }
    const unnest = this.types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    await this.client.query(`insert into ${this.table} (seq, ${this.plan.columns.map(ident).join(', ')}) select * from unnest(${unnest})`, columns);
  }

  async append(values: readonly Value[]): Promise<void> {
    const width = this.plan.columns.length;
    if (values.length === 0) return;
    this.came('values');
    if (!this.created) await this.create();
    const rows = values.length / width;
    if (this.how === 'insert') {
      await this.insertBatch(values, rows);
      this.rows += rows;
      return;
    }
    if (this.direct) {
      // Into the table: its ids follow the file, as the merge's ORDER BY seq makes them.
      this.copy ??= new CopyIn(this.client, ident(this.plan.table), this.plan.columns);
      await this.copy.write(copyLines(values, width, rows));
    } else {
      this.copy ??= new CopyIn(this.client, this.table, ['seq', ...this.plan.columns]);
      let text = '';
      for (let r = 0, i = 0; r < rows; r++) {
        text += this.rows + r + 1;
        for (let c = 0; c < width; c++, i++) text += '\t' + copyText(values[i]);
        text += '\n';
      }
      await this.copy.write(text);
    }
    this.rows += rows;
  }

  /** How the rows came: as values (append) or as COPY lines (appendCopy); one way an import. */
  private way: 'values' | 'lines' | undefined;

  private came(way: 'values' | 'lines'): void {
    if (this.way !== undefined && this.way !== way) throw new Error(`the stage took its rows as ${this.way} already`);
    this.way = way;
  }

  get takesCopyLines(): boolean {
    return this.how === 'copy';
  }

  get intoEmptyTable(): boolean {
    return this.direct !== undefined;
  }

  async appendCopy(bytes: Uint8Array, rows: number): Promise<void> {
    if (this.how !== 'copy') throw new Error('appendCopy: rows go through COPY only');
    if (rows === 0) return;
    this.came('lines');
    if (!this.created) await this.create();
    if (!this.copy) {
      if (this.direct) {
        this.copy = new CopyIn(this.client, ident(this.plan.table), this.plan.columns);
      } else {
        // The lines carry no seq: the staging table counts them as they come, in the file's order.
        if (this.rows === 0) await this.client.query(`alter table ${this.table} alter column seq set not null, alter column seq add generated by default as identity`);
        this.copy = new CopyIn(this.client, this.table, this.plan.columns);
      }
    }
    await this.copy.write(bytes);
    this.rows += rows;
  }

  /** Ends the COPY, if one is open: the staged rows are then there to read. */
  private async endCopy(): Promise<void> {
    const copy = this.copy;
    if (copy) {
      this.copy = undefined;
      await copy.end();
    }
  }

  async outsideArea(check: AreaCheck): Promise<OutsideRow[]> {
    // A first load: the table was empty, no row of it is anywhere.
    if (!this.created || this.rows === 0 || this.direct) return [];
    await this.endCopy();
    const found = await this.client.query(outsideAreaQuery(this.plan, this.table, 'seq', check, '$1'), [check.code]);
    return outsideRows(this.plan, found.rows);
  }

  async merge(options: MergeOptions = {}): Promise<MergeResult> {
    if (!this.created || this.rows === 0) return { merged: false, outside: [] };
    if (this.direct) return this.mergeDirect(this.direct, options);
    await this.endCopy();
    await this.client.query('begin');
    return this.ending(async () => {
      const check = options.areaCheck;
      if (check) {
        // Other writers of the table (and of the households that place its rows, locked first: the
        // parent before its rows, the order the registry's writes take) wait for the merge.
        for (const t of check.placeBy === 'household' && this.plan.table !== 'households' ? ['households', this.plan.table] : [this.plan.table])
          await this.client.query(`lock table ${ident(t)} in share row exclusive mode`);
        const outside = outsideRows(this.plan, (await this.client.query(outsideAreaQuery(this.plan, this.table, 'seq', check, '$1'), [check.code])).rows);
        if (outside.length > 0) return { merged: false, outside };
      }
      // Into an empty table (a first load): its indexes and constraints made again from all the rows.
      const aside = options.deferIndexes ? await setAsideIfEmpty(this.client, this.plan.table) : undefined;
      const statements = mergeStatements(this.plan, 'postgres', this.table, 'seq', aside ? 'insert' : 'upsert');
      for (const s of statements) await this.client.query(s);
      await aside?.restore();
      if (options.within) await options.within(onClient(this.client));
      return { merged: true, outside: [] };
    });
  }

  /**
   * A first load's merge: the rows are in the table already (the table was empty, and other
   * writers kept out, since the first of them); its indexes and constraints are made again, the
   * `within` work done, and the whole committed. No row of another area can be among them: the
   * table had none.
   */
  private mergeDirect(aside: SetAside, options: MergeOptions): Promise<MergeResult> {
    this.direct = undefined;
    this.created = false;
    return this.ending(async () => {
      await this.endCopy();
      await aside.restore();
      if (options.within) await options.within(onClient(this.client));
      return { merged: true, outside: [] };
    });
  }

  /**
   * Ends the transaction open on the connection with `work`: committed if it merged, else (nothing
   * merged, or it threw) rolled back. A row that names one no longer there: StaleReference.
   */
  private async ending(work: () => Promise<MergeResult>): Promise<MergeResult> {
    try {
      let result: MergeResult;
      try {
        result = await work();
      } catch (e) {
        await this.client.query('rollback');
        throw e;
      }
      await this.client.query(result.merged ? 'commit' : 'rollback');
      return result;
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new StaleReference(e);
      throw e;
    }
  }

  async drop(): Promise<void> {
    const copy = this.copy;
    if (copy) {
      // Not merged: a CopyFail, and the server throws away what it received.
      this.copy = undefined;
      if (!(await copy.abort())) this.broken = true;
    }
    if (this.direct) {
      // A first load not merged: its transaction rolled back, the table as empty as it was.
      this.direct = undefined;
      this.created = false;
      if (!this.broken)
        await this.client.query('rollback').catch(() => {
          this.broken = true;
        });
      return;
    }
    if (!this.created) return;
    this.created = false;
    // A connection that broke took the table with it.
    if (!this.broken)
      await this.client.query(`drop table if exists ${this.table}`).catch(() => {
        this.broken = true;
      });
  }
}

/**
 * A Kysely over one connection already in a transaction (the merge's): every query on it runs in
 * that transaction. Nothing is released or ended by it.
 */
function onClient(client: pg.PoolClient): Kysely<DB> {
  const connection = { query: client.query.bind(client), release: () => undefined } as unknown as pg.PoolClient;
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: async () => connection, end: async () => undefined } as unknown as pg.Pool }) });
}
