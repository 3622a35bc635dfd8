/**
 * PostgreSQL in bulk, for the imports' staging (import-stage.ts) and a generated province
 * (services/demo/province.ts, through loadEmptyTables): rows through COPY … FROM STDIN
 * (pg-copy-streams) in COPY's text format, and an empty table's secondary indexes, unique and
 * foreign-key constraints set aside while it is filled and made again afterwards from all its
 * rows at once (an index built in one pass, a foreign key checked by one join instead of a
 * trigger a row). All of it inside the caller's transaction: a failure, including a constraint
 * the rows break, rolls back to the table as it was.
 */
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { KaoheError } from '../core/errors.ts';
import { copyText, type CopyValue } from './copy-text.ts';

export const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
};

/** One COPY … FROM STDIN, written to as the rows come, ended (or aborted) once. */
export class CopyIn {
  private readonly stream: Writable;
  private readonly done: Promise<void>;
  private failed: Error | undefined;

  constructor(client: pg.PoolClient, table: string, columns: readonly string[]) {
    this.stream = client.query(copyFrom(`copy ${table} (${columns.map(ident).join(', ')}) from stdin`));
    this.done = new Promise<void>((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', (e: Error) => {
        this.failed = e;
        reject(e);
      });
    });
    // Seen by the next write or the end.
    this.done.catch(() => undefined);
  }

  /** Writes lines of COPY text (each ending in \n; or their UTF-8 bytes); waits while the server is behind. */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const drained = () => {
          this.stream.off('error', fail);
          resolve();
        };
        const fail = (e: Error) => {
          this.stream.off('drain', drained);
          reject(e);
        };
        this.stream.once('drain', drained);
        this.stream.once('error', fail);
      });
    }
    if (this.failed) throw this.failed;
  }

  /** Ends the COPY: resolves when the server has every row. */
  async end(): Promise<void> {
    this.stream.end();
    await this.done;
  }

  /**
   * Aborts the COPY (a CopyFail: the server keeps none of its rows). False if it did not settle
   * within `ms`: the connection is then in no state to reuse.
   */
  async abort(ms = 10_000): Promise<boolean> {
    this.stream.destroy();
    return Promise.race([
      this.done.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  }
}

/** Rows as COPY text: `width` values a row, written to the COPY a megabyte at a time. */
export async function copyRows(copy: CopyIn, rows: Iterable<readonly CopyValue[]>): Promise<number> {
  let text = '';
  let n = 0;
  for (const row of rows) {
    let line = copyText(row[0]);
    for (let c = 1; c < row.length; c++) line += '\t' + copyText(row[c]);
    text += line + '\n';
    n++;
    if (text.length >= 1 << 20) {
      await copy.write(text);
      text = '';
    }
  }
  if (text) await copy.write(text);
  return n;
}

/** What `setAside` took off a table, to be made again by `restore`. */
export interface SetAside {
  restore(): Promise<void>;
}

/**
 * If `table` is empty (checked under a lock that keeps other writers out until the transaction
 * ends), drops its non-unique indexes, unique and foreign-key constraints (not its primary key);
 * `restore` makes them again, indexes first. Undefined if the table has rows: nothing is dropped.
 * Readers of the table wait from the first drop to the commit.
 */
export async function setAsideIfEmpty(client: pg.PoolClient, table: string): Promise<SetAside | undefined> {
  const t = ident(table);
  await client.query(`lock table ${t} in share row exclusive mode`);
  const empty = (await client.query<{ empty: boolean }>(`select not exists (select 1 from ${t}) as empty`)).rows[0]!.empty;
  if (!empty) return undefined;
  const constraints = (
    await client.query<{ name: string; def: string }>(
      `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = $1::regclass and contype in ('u', 'f') order by contype desc, conname`,
      [table],
    )
  ).rows;
  const indexes = (
    await client.query<{ name: string; def: string }>(
      `select i.relname as name, pg_get_indexdef(i.oid) as def from pg_index x join pg_class i on i.oid = x.indexrelid ` +
        `where x.indrelid = $1::regclass and not x.indisunique and not x.indisprimary order by i.relname`,
      [table],
    )
  ).rows;
  for (const c of constraints) await client.query(`alter table ${t} drop constraint ${ident(c.name)}`);
  for (const i of indexes) await client.query(`drop index ${ident(i.name)}`);
  return {
    async restore() {
      for (const i of indexes) await client.query(i.def);
      for (const c of constraints) await client.query(`alter table ${t} add constraint ${ident(c.name)} ${c.def}`);
    },
  };
}

/** A table to fill: its columns, its rows (generated as they are written), and whether they carry their own ids. */
export interface TableLoad {
  table: string;
  columns: readonly string[];
  rows: () => Iterable<readonly CopyValue[]>;
  /** The rows give `id`: the table's sequence is moved past the largest afterwards. */
  ids?: boolean;
}

/**
 * Fills empty registry tables through COPY, one after another, in one transaction on one
 * connection: all of them or, on any error (a constraint the rows break included), none. Each
 * table's indexes and constraints are set aside while it fills (setAsideIfEmpty) and made again
 * before the next; statistics are gathered after the commit. Refuses a table that has rows.
 */
export async function loadEmptyTables(pool: pg.Pool, tables: readonly TableLoad[], progress?: (table: string, rows: number, ms: number) => void): Promise<Record<string, number>> {
  const client = await pool.connect();
  const counts: Record<string, number> = {};
  let broken = false;
  try {
    await client.query('begin');
    try {
      for (const t of tables) {
        const started = Date.now();
        const aside = await setAsideIfEmpty(client, t.table);
        if (!aside) throw new KaoheError('registry-not-empty', `${t.table} already holds rows: a generated data set is only written into an empty registry`);
        const copy = new CopyIn(client, ident(t.table), t.columns);
        try {
          counts[t.table] = await copyRows(copy, t.rows());
          await copy.end();
        } catch (e) {
          if (!(await copy.abort())) broken = true;
          throw e;
        }
        await aside.restore();
        if (t.ids) await client.query(`select setval(pg_get_serial_sequence($1, 'id'), greatest((select max(id) from ${ident(t.table)}), 1))`, [t.table]);
        progress?.(t.table, counts[t.table]!, Date.now() - started);
      }
      await client.query('commit');
    } catch (e) {
      if (!broken) await client.query('rollback').catch(() => (broken = true));
      throw e;
    }
    for (const t of tables) await client.query(`analyze ${ident(t.table)}`);
    return counts;
  } finally {
    client.release(broken || undefined);
  }
}
