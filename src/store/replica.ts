/**
 * Reading from a PostgreSQL read replica (a streaming standby) without reading the past: the
 * primary's WAL position is taken when a report is asked for, and the replica is used once it has
 * replayed that far, so a report drawn there shows everything committed before the request (a
 * result published a second earlier included). See http/report-in-worker.ts and docs/scaling.md.
 */
import { sql } from 'kysely';
import type { Store } from './db.ts';

/**
 * The primary's WAL position now (`pg_current_wal_lsn`), as text; null for SQLite and for a
 * server that is itself a standby (it has no position of its own to wait for).
 */
export async function walPosition(store: Store): Promise<string | null> {
  if (store.dialect !== 'postgres') return null;
  const r = await sql<{ lsn: string | null }>`select case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as lsn`.execute(store.db);
  return r.rows[0]?.lsn ?? null;
}

/**
 * Whether `store` shows everything up to the primary's position `lsn`: a standby that has replayed
 * that far (`pg_last_wal_replay_lsn`); a server not in recovery is taken as up to date (the
 * primary itself, or a copy the operator vouches for).
 */
export async function hasReplayed(store: Store, lsn: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select (not pg_is_in_recovery()) or coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, false) as ok`.execute(store.db);
  return r.rows[0]?.ok === true;
}
