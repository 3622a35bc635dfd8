/**
 * Reading from a PostgreSQL read replica (a streaming standby) without reading the past: the
 * primary's WAL position is taken when a report is asked for, and the replica is used once it has
 * replayed that far, so a report drawn there shows everything committed before the request (a
 * result published a second earlier included). See http/report-in-worker.ts and docs/scaling.md.
 */
import { sql } from 'kysely';
import type { Store } from './db.ts';

/**
 * Where the primary's WAL stands: its position (`pg_current_wal_lsn`, as text), the cluster's
 * system identifier (a standby has its primary's) and the primary's timeline (a standby promoted
 * since goes on on a timeline of its own).
 */
export interface WalPosition {
  lsn: string;
  system: string;
  timeline: number;
}

/** The timeline of a server not in recovery: the first 8 hex digits of its current WAL file's name. */
const TIMELINE = sql`('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int`;

/**
 * The primary's WAL position now; null for SQLite and for a server that is itself a standby (it
 * has no position of its own to wait for).
 */
export async function walPosition(store: Store): Promise<WalPosition | null> {
  if (store.dialect !== 'postgres') return null;
  const r = await sql<{ lsn: string; system: string; timeline: number } | { lsn: null }>`
    select case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as lsn,
      (select system_identifier::text from pg_control_system()) as system,
      case when pg_is_in_recovery() then null else ${TIMELINE} end as timeline`.execute(store.db);
  const row = r.rows[0];
  return row && row.lsn !== null ? { lsn: row.lsn, system: (row as WalPosition).system, timeline: Number((row as WalPosition).timeline) } : null;
}

/**
 * Whether `store` shows everything up to the primary's position: `yes` for a standby of the same
 * cluster that has replayed that far, or for the primary itself (not in recovery, the same cluster
 * and timeline, at or past the position); `behind` for a standby still replaying; `other` for a
 * server that is neither (another cluster's, or a standby promoted since: it no longer follows
 * the primary, and what it shows may be old).
 */
export async function replayState(store: Store, at: WalPosition): Promise<'yes' | 'behind' | 'other'> {
  const r = await sql<{ recovery: boolean; system: string; far: boolean | null; timeline: number | null }>`
    select pg_is_in_recovery() as recovery,
      (select system_identifier::text from pg_control_system()) as system,
      case when pg_is_in_recovery() then pg_last_wal_replay_lsn() >= ${at.lsn}::pg_lsn else pg_current_wal_lsn() >= ${at.lsn}::pg_lsn end as far,
      case when pg_is_in_recovery() then null else ${TIMELINE} end as timeline`.execute(store.db);
  const row = r.rows[0];
  if (!row || row.system !== at.system) return 'other';
  if (!row.recovery) return Number(row.timeline) === at.timeline && row.far === true ? 'yes' : 'other';
  return row.far === true ? 'yes' : 'behind';
}
