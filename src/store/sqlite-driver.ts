/**
 * Kysely's SQLite driver, changed in two ways so that a long write elsewhere (an import's merge,
 * another process's save) makes this connection wait rather than fail, and wait without holding
 * its thread:
 *
 * - transactions begin IMMEDIATE: the write lock is taken at BEGIN, where SQLite can wait for it.
 *   A deferred BEGIN that reads and later writes fails at once with SQLITE_BUSY when another
 *   connection wrote meanwhile (its snapshot is stale; SQLite calls no busy handler for that).
 *   Every transaction of the services writes, so none is made to wait for nothing.
 * - while the lock is held by another connection, BEGIN IMMEDIATE (and a write outside a
 *   transaction) is tried again after a short sleep, up to the busy timeout, instead of SQLite's
 *   own busy handler sleeping on the thread: better-sqlite3 is synchronous, and the server's
 *   event loop would stop for as long as the other writer holds the lock. Between tries the
 *   connection is given back, so this process's reads go on meanwhile (WAL lets them).
 */
import type Database from 'better-sqlite3';
import { CompiledQuery, SelectQueryNode, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

/** An SQLite error that says another connection holds a lock (SQLITE_BUSY and its extended codes). */
export function isBusy(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits between tries for the lock: short at first (most writes hold it for a few ms), then 25 ms. */
const PAUSES_MS = [1, 2, 5, 10, 15, 20];
const LAST_PAUSE_MS = 25;

class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

export class WaitingSqliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly connection: WaitingSqliteConnection;

  constructor(
    private readonly db: Database.Database,
    /** How long to wait for the write lock, in ms. */
    private readonly busyMs: number,
  ) {
    this.connection = new WaitingSqliteConnection(db, this);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection: whoever has it runs alone until they release it.
    await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    await this.whenUnlocked(() => this.db.exec('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quote(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quote(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quote(name)}`));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    this.db.close();
  }

  /**
   * Runs `attempt` (which must change nothing when it fails with SQLITE_BUSY: a BEGIN, or one
   * statement outside a transaction) without SQLite's busy handler; while another connection holds
   * the lock, gives this connection back to this process's other work, sleeps a little and tries
   * again, until the busy timeout has passed. Called with the connection held; returns with it held.
   */
  async whenUnlocked<T>(attempt: () => T): Promise<T> {
    const deadline = Date.now() + this.busyMs;
    for (let i = 0; ; i++) {
      // (A prepared PRAGMA takes effect when it is prepared, not when run: db.pragma prepares anew.)
      this.db.pragma('busy_timeout = 0');
      try {
        return attempt();
      } catch (e) {
        if (!isBusy(e) || Date.now() >= deadline) throw e;
      } finally {
        this.db.pragma(`busy_timeout = ${this.busyMs}`);
      }
      this.mutex.unlock();
      try {
        await sleep(PAUSES_MS[i] ?? LAST_PAUSE_MS);
      } finally {
        await this.mutex.lock();
      }
    }
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

class WaitingSqliteConnection implements DatabaseConnection {
  constructor(
    private readonly db: Database.Database,
    private readonly driver: WaitingSqliteDriver,
  ) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.db.prepare(compiled.sql);
    // Inside a transaction the lock is this connection's already (BEGIN IMMEDIATE); a read needs
    // none (WAL); a write outside a transaction takes it for its own statement, and may wait.
    if (this.db.inTransaction || stmt.readonly) return Promise.resolve(this.run<R>(stmt, compiled));
    return this.driver.whenUnlocked(() => this.run<R>(stmt, compiled));
  }

  private run<R>(stmt: Database.Statement, compiled: CompiledQuery): QueryResult<R> {
    const parameters = compiled.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    const stmt = this.db.prepare(compiled.sql);
    for (const row of stmt.iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }
}
