/**
 * Bulk writes for imports: upserts by natural key inside one transaction. SQLite runs one
 * prepared statement per row on the raw handle (inside Kysely's transaction on the same
 * connection); PostgreSQL sends multi-row INSERT … ON CONFLICT statements.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Store } from './db.ts';
import type { DB } from './schema.ts';

export type Value = string | number | null;
export type Row = Record<string, Value>;

export interface BulkWriter {
  /** Inserts or updates rows (same columns in every row) by the conflict columns. */
  upsert(table: string, rows: Row[], conflict: string[]): Promise<void>;
  /**
   * Writes rows the caller knows are not in the table (no conflict key of theirs was there when the
   * transaction read the table, nor is repeated among them). SQLite, where the transaction's
   * snapshot makes that certain: a plain INSERT, which spares the statement journal an upsert
   * keeps for every row (a row that is there after all fails the transaction instead of updating).
   * PostgreSQL, where another session may have added one since: the same upsert as `upsert`.
   */
  insertNew(table: string, rows: Row[], conflict: string[]): Promise<void>;
  /**
   * `upsert` (onlyNew false) or `insertNew` (onlyNew true) of rows given as one flat array of
   * values, `columns.length` to a row, in the order of `columns`: no object per row.
   */
  writeValues(table: string, columns: string[], values: Value[], conflict: string[], onlyNew: boolean): Promise<void>;
  /** Inserts or updates one row and returns its id. */
  upsertReturningId(table: string, row: Row, conflict: string[]): Promise<number>;
  /**
   * For a large write into `table`: SQLite drops the table's non-unique indexes now, inside the
   * transaction, and creates them again (from their own SQL) just before it commits; building an
   * index once from all rows costs a fraction of keeping it up to date row by row. DDL is
   * transactional in SQLite, so a rollback brings them back as they were. UNIQUE indexes (and the
   * constraints behind them) stay. PostgreSQL: nothing.
   */
  deferIndexes(table: string): Promise<void>;
  /** Reads inside the transaction. */
  db: Kysely<DB>;
}

/** Thrown from inside `inTransaction` to roll back without it being an error of the store. */
export class Rollback extends Error {
  constructor() {
    super('rolled back');
  }
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
};

function upsertSql(table: string, columns: string[], conflict: string[], placeholders: string, returning: boolean): string {
  const update = columns.filter((c) => !conflict.includes(c));
  const action = update.length ? `do update set ${update.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}` : 'do nothing';
  return (
    `insert into ${ident(table)} (${columns.map(ident).join(', ')}) values ${placeholders} ` +
    `on conflict (${conflict.map(ident).join(', ')}) ${action}${returning ? ' returning id' : ''}`
  );
}

/** A statement's parameters at most (SQLite's default limit before 3.32, well under today's). */
const SQLITE_MAX_PARAMS = 999;
/** Rows in one SQLite INSERT (fewer when they would pass SQLITE_MAX_PARAMS). */
const SQLITE_ROWS_PER_STATEMENT = 32;

/** The rows' values in the order of `columns`, one flat array. */
function flatten(rows: Row[], columns: string[]): Value[] {
  const out: Value[] = new Array(rows.length * columns.length);
  let k = 0;
  for (const r of rows) for (const c of columns) out[k++] = r[c] ?? null;
  return out;
}

/** Runs `work` in one transaction with a bulk writer; any throw rolls everything back. */
export async function inTransaction<T>(store: Store, work: (writer: BulkWriter) => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return store.db.transaction().execute(async (trx) => work(pgWriter(trx)));
  // Each upsert inside the transaction keeps a statement journal (foreign keys are on); past
  // 64 KiB SQLite spills it to a temp file, which cost about as much as the row itself. Keep
  // temp storage in memory while the transaction runs (it can only change outside one).
  const raw = store.sqlite!;
  const tempStore = raw.pragma('temp_store', { simple: true }) as number;
  const setTempStore = (mode: number) => {
    try {
      raw.pragma(`temp_store = ${mode}`);
    } catch {
      // an open transaction on the connection: leave it as it is
    }
  };
  if (tempStore !== 2) setTempStore(2);
  try {
    return await store.db.transaction().execute(async (trx) => {
      const writer = sqliteWriter(store, trx);
      const result = await work(writer);
      writer.restoreIndexes();
      return result;
    });
  } finally {
    if (tempStore !== 2) setTempStore(tempStore);
  }
}

function sqliteWriter(store: Store, trx: Transaction<DB>): BulkWriter & { restoreIndexes(): void } {
  const raw = store.sqlite!;
  /** Indexes dropped by deferIndexes, by table: their CREATE statements, to run before commit. */
  const deferred = new Map<string, string[]>();
  const statements = new Map<string, ReturnType<typeof raw.prepare>>();
  /** The statement for `rows` rows of `columns` at once (`returning`: one row, its id back). */
  const statement = (table: string, columns: string[], conflict: string[] | 'insert', returning: boolean, rows = 1) => {
    const k = `${table}|${columns.join(',')}|${conflict === 'insert' ? conflict : conflict.join(',')}|${returning}|${rows}`;
    let s = statements.get(k);
    if (!s) {
      const one = `(${columns.map(() => '?').join(', ')})`;
      const values = rows === 1 ? one : Array.from({ length: rows }, () => one).join(', ');
      s = raw.prepare(
        conflict === 'insert'
          ? `insert into ${ident(table)} (${columns.map(ident).join(', ')}) values ${values}`
          : upsertSql(table, columns, conflict, values, returning),
      );
      statements.set(k, s);
    }
    return s;
  };
  /**
   * Rows go SQLITE_ROWS_PER_STATEMENT to a statement (one VALUES list): a statement's own work
   * (binding the call, starting and ending it, the AUTOINCREMENT counter) is spread over them.
   */
  const writeFlat = (table: string, columns: string[], values: Value[], conflict: string[] | 'insert') => {
    const width = columns.length;
    if (values.length === 0 || width === 0) return;
    const per = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / width)));
    let i = 0;
    const many = per * width;
    if (per > 1 && values.length >= many) {
      const s = statement(table, columns, conflict, false, per);
      for (; i + many <= values.length; i += many) s.run(values.slice(i, i + many));
    }
    if (i < values.length) {
      const s = statement(table, columns, conflict, false, 1);
      for (; i < values.length; i += width) s.run(values.slice(i, i + width));
    }
  };
  const write = (table: string, rows: Row[], conflict: string[] | 'insert') => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    writeFlat(table, columns, flatten(rows, columns), conflict);
  };
  return {
    db: trx,
    async upsert(table, rows, conflict) {
      write(table, rows, conflict);
    },
    async insertNew(table, rows) {
      write(table, rows, 'insert');
    },
    async writeValues(table, columns, values, conflict, onlyNew) {
      writeFlat(table, columns, values, onlyNew ? 'insert' : conflict);
    },
    async upsertReturningId(table, row, conflict) {
      const columns = Object.keys(row);
      const got = statement(table, columns, conflict, true).get(columns.map((c) => row[c] ?? null)) as { id: number } | undefined;
      if (got) return got.id;
      // "do nothing" returns no row: the row exists unchanged.
      const where = conflict.map((c) => `${ident(c)} = ?`).join(' and ');
      return (raw.prepare(`select id from ${ident(table)} where ${where}`).get(conflict.map((c) => row[c] ?? null)) as { id: number }).id;
    },
    async deferIndexes(table) {
      if (deferred.has(table)) return;
      // Indexes with SQL of their own (not a constraint's autoindex), not UNIQUE.
      const indexes = (
        raw.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`).all(table) as Array<{ name: string; sql: string }>
      ).filter((i) => !/^\s*create\s+unique\s/i.test(i.sql));
      for (const i of indexes) raw.exec(`drop index "${i.name.replace(/"/g, '""')}"`);
      deferred.set(table, indexes.map((i) => i.sql));
    },
    restoreIndexes() {
      for (const sqls of deferred.values()) for (const s of sqls) raw.exec(s);
      deferred.clear();
    },
  };
}

function pgWriter(trx: Transaction<DB>): BulkWriter {
  const runValues = async (table: string, columns: string[], values: Value[], conflict: string[], returning: boolean) => {
    const width = columns.length;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let i = 0; i < values.length; i += width) {
      const cells: string[] = [];
      for (let c = 0; c < width; c++) cells.push(`$${params.push(values[i + c] ?? null)}`);
      tuples.push(`(${cells.join(', ')})`);
    }
    const text = upsertSql(table, columns, conflict, tuples.join(', '), returning);
    return (await trx.executeQuery<{ id: number }>(CompiledQuery.raw(text, params))).rows;
  };
  const run = (table: string, rows: Row[], conflict: string[], returning: boolean) => {
    const columns = Object.keys(rows[0]!);
    return runValues(table, columns, flatten(rows, columns), conflict, returning);
  };
  const upsertValues = async (table: string, columns: string[], values: Value[], conflict: string[]) => {
    if (values.length === 0 || columns.length === 0) return;
    // PostgreSQL takes at most 65535 parameters a statement.
    const per = Math.max(1, Math.floor(60_000 / columns.length)) * columns.length;
    for (let i = 0; i < values.length; i += per) await runValues(table, columns, values.slice(i, i + per), conflict, false);
  };
  const upsert = async (table: string, rows: Row[], conflict: string[]) => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    await upsertValues(table, columns, flatten(rows, columns), conflict);
  };
  return {
    db: trx,
    upsert,
    insertNew: upsert,
    async writeValues(table, columns, values, conflict) {
      await upsertValues(table, columns, values, conflict);
    },
    async upsertReturningId(table, row, conflict) {
      const got = await run(table, [row], conflict, true);
      if (got[0]) return got[0].id;
      const where = conflict.map((c, i) => `${ident(c)} = $${i + 1}`).join(' and ');
      const found = await trx.executeQuery<{ id: number }>(CompiledQuery.raw(`select id from ${ident(table)} where ${where}`, conflict.map((c) => row[c] ?? null)));
      return found.rows[0]!.id;
    },
    async deferIndexes() {
      // PostgreSQL keeps its indexes (dropping them would lock the table for other sessions).
    },
  };
}
