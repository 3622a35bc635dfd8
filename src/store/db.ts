/**
 * The database: embedded SQLite by default (a file under ./data, WAL mode), PostgreSQL when
 * DATABASE_URL=postgres://… is set. Same code and migrations on both.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { KaoheError } from '../core/errors.ts';
import type { DB } from './schema.ts';
import { migrateToLatest } from './migrate.ts';
import { resolveAuditKey } from './audit-key.ts';
import { WaitingSqliteDriver } from './sqlite-driver.ts';
import { prepareRepeated } from './pg-prepared.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DB>;
  dialect: Dialect;
  /**
   * The raw SQLite handle (SQLite only), for an import's staging and merge; use it with the
   * connection held (inside a transaction, or `db.connection()`). A statement on it that needs
   * the write lock waits for it on the thread, up to the busy timeout; Kysely's queries wait
   * without holding the thread (sqlite-driver.ts).
   */
  sqlite?: Database.Database;
  /**
   * The PostgreSQL pool (PostgreSQL only), for an import's COPY into its staging table: a client
   * taken from it for the import's whole run (import-stage.ts). Everything else goes through `db`.
   */
  pgPool?: pg.Pool;
  /** Where the data lives, for messages: a file path or a URL without password. */
  location: string;
  /** What the store was opened with, so another thread or process can open the same database. */
  url: string;
  /** PostgreSQL: the schema the store works in (default: public). */
  pgSchema?: string;
  /** The audit log's key, kept outside the database (see audit-key.ts). */
  auditKey: Buffer;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… for PostgreSQL; a file path (or ':memory:') for SQLite. */
  url?: string;
  /** PostgreSQL: the schema to work in (created if missing); tests use one per run. */
  pgSchema?: string;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
  /**
   * A read-only server (a PostgreSQL standby, a read replica): nothing is created or migrated on
   * open; the schema must be there (the primary's, replicated).
   */
  readOnly?: boolean;
  /** The audit key; default from the environment or the key file (resolveAuditKey). */
  auditKey?: Buffer;
  /**
   * SQLite: how long a write waits for another connection's write (an import's merge, another
   * process's save) before it fails, in ms. Default: KAOHE_SQLITE_BUSY_MS, else 30,000.
   */
  busyTimeoutMs?: number;
  /**
   * PostgreSQL: name the statements a connection runs over and over (pg-prepared.ts). Default:
   * KAOHE_PG_NAMED_STATEMENTS, else on.
   */
  namedStatements?: boolean;
}

/** SQLite's wait for the write lock when neither the options nor KAOHE_SQLITE_BUSY_MS say. */
export const DEFAULT_SQLITE_BUSY_MS = 30_000;

/** The SQLite busy timeout the environment asks for (KAOHE_SQLITE_BUSY_MS), else the default. */
export function configuredBusyTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.KAOHE_SQLITE_BUSY_MS);
  return env.KAOHE_SQLITE_BUSY_MS && Number.isSafeInteger(v) && v >= 0 ? v : DEFAULT_SQLITE_BUSY_MS;
}

/** The database URL or SQLite file the environment asks for (DATABASE_URL, KAOHE_DATA_DIR). */
export function configuredUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  return join(resolve(env.KAOHE_DATA_DIR ?? 'data'), 'kaohe.db');
}

/**
 * The PostgreSQL schema the environment asks for (KAOHE_PG_SCHEMA; default: the server's search
 * path, normally public): several Kaohe databases in one PostgreSQL, or several servers on one.
 */
export function configuredPgSchema(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.KAOHE_PG_SCHEMA?.trim();
  if (!v) return undefined;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v))
    throw new KaoheError('validation', `KAOHE_PG_SCHEMA: "${v}" is not a schema name Kaohe uses (lower-case letters, digits and _, not starting with a digit)`);
  return v;
}

// pg returns bigint (count, sum) as strings; counts here fit a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens the store and brings its schema up to date. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.url ?? configuredUrl();
  const auditKey = options.auditKey ?? resolveAuditKey(url);
  let store: Store;
  if (/^postgres(ql)?:\/\//.test(url)) {
    const schema = options.pgSchema ?? configuredPgSchema();
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // The reads made over and over are parsed and planned once a connection (pg-prepared.ts).
    if (options.namedStatements ?? configuredNamedStatements()) prepareRepeated(pool);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    if (schema && !options.readOnly) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    store = {
      db,
      dialect: 'postgres',
      pgPool: pool,
      url,
      pgSchema: schema ?? 'public',
      auditKey,
      location: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
      close: () => db.destroy(),
    };
  } else {
    if (url !== ':memory:') mkdirSync(dirname(resolve(url)), { recursive: true });
    const sqlite = new Database(url);
    const busyMs = options.busyTimeoutMs ?? configuredBusyTimeout();
    // WAL: readers never wait for the writer. The busy timeout is the backstop for statements run
    // on the raw handle; Kysely's queries wait for the lock without blocking the thread (below).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${busyMs}`);
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<DB>({ dialect: new WaitingSqliteDialect(sqlite, busyMs) });
    store = { db, dialect: 'sqlite', sqlite, url, auditKey, location: url, close: () => db.destroy() };
  }
  if (options.migrate !== false && !options.readOnly) await migrateToLatest(store);
  return store;
}

/**
 * Whether a PostgreSQL connection names the statements it runs over and over (pg-prepared.ts):
 * KAOHE_PG_NAMED_STATEMENTS `on` (the default) or `off` (for a pooler in front of PostgreSQL that
 * hands one client's statements to different server connections: PgBouncer's transaction mode
 * before its `max_prepared_statements`).
 */
export function configuredNamedStatements(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.KAOHE_PG_NAMED_STATEMENTS?.trim().toLowerCase();
  if (!v || v === 'on') return true;
  if (v === 'off') return false;
  throw new KaoheError('validation', `KAOHE_PG_NAMED_STATEMENTS: "${env.KAOHE_PG_NAMED_STATEMENTS}" is neither on nor off`);
}

/**
 * Kysely's SQLite dialect with a driver that begins transactions IMMEDIATE and waits for the write
 * lock without blocking the thread (see sqlite-driver.ts).
 */
class WaitingSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly busyMs: number,
  ) {
    super({ database: sqlite });
  }
  override createDriver() {
    return new WaitingSqliteDriver(this.sqlite, this.busyMs);
  }
}
