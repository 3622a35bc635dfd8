/**
 * Failed sign-ins per account key (the user name as typed, normalised), in the database so the
 * count holds across restarts and across the server's and the CLI's processes.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export interface LoginThrottle {
  key: string;
  /** Failures since the last lock or success. */
  failures: number;
  lastFailureAt: string;
  /** Locks so far: each lasts twice as long as the one before. */
  lockouts: number;
  lockedUntil: string | null;
}

export class LoginThrottleRepository {
  constructor(private readonly db: Kysely<DB> | Transaction<DB>) {}

  async get(key: string): Promise<LoginThrottle | undefined> {
    const row = await this.db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
    // PostgreSQL may hand integers back as strings: numbers here, whatever the database.
    return row ? { key: row.key, failures: Number(row.failures), lastFailureAt: row.last_failure_at, lockouts: Number(row.lockouts), lockedUntil: row.locked_until } : undefined;
  }

  /** Counts one more failure (atomically: racing sign-ins each count); returns the row after it. */
  async fail(key: string, at: string): Promise<LoginThrottle> {
    await this.db
      .insertInto('login_throttle')
      .values({ key, failures: 1, last_failure_at: at, lockouts: 0, locked_until: null })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), last_failure_at: at })))
      .execute();
    return (await this.get(key))!;
  }

  /** Locks the key until a time; the failures start again from zero after it. */
  async lock(key: string, until: string): Promise<void> {
    await this.db
      .updateTable('login_throttle')
      .set((eb) => ({ locked_until: until, failures: 0, lockouts: eb('lockouts', '+', 1) }))
      .where('key', '=', key)
      .execute();
  }

  /** Forgets the failures of a key after a sign-in that succeeded. */
  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  /** Forgets failures older than a time (and expired locks), so the table does not grow. */
  async forgetBefore(at: string): Promise<void> {
    await this.db
      .deleteFrom('login_throttle')
      .where('last_failure_at', '<', at)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .execute();
  }
}
