/**
 * Changes sent with an `Idempotency-Key` (migration 0012): per user and key, the request's hash,
 * the result of the transaction that applied the change and the answer sent for it.
 *
 * The key row is written by the transaction that applies the change (see `unitOfWork` in
 * unit-of-work.ts, which reads the key of the request from `idempotencyClaims`), so a change is
 * never committed without its key, nor a key without its change. Of two sends of one key at
 * once, the second's insert waits for the first's transaction (PostgreSQL's unique index; SQLite
 * runs one transaction at a time) and then finds the row: it gives way (`IdempotencyKeyTaken`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Executor } from './executor.ts';

export interface IdempotencyRecord {
  userId: number;
  key: string;
  requestHash: string;
  /** What the applying transaction returned (JSON); null for a key kept without a transaction. */
  result: string | null;
  /** The answer sent (status and JSON body); null until written after the commit. */
  statusCode: number | null;
  answer: string | null;
  createdAt: string;
}

/**
 * The key a request carries, for the first transaction it opens. `state`: `open` until a
 * transaction takes it, `taken` once that transaction committed (with the key row), `lost` when
 * another send of the same key had taken it first (the transaction rolled back).
 */
export interface IdempotencyClaim {
  userId: number;
  key: string;
  requestHash: string;
  at: string;
  state: 'open' | 'taking' | 'taken' | 'lost';
}

/** The key of the request being handled (set by the idempotency service around the request's work). */
export const idempotencyClaims = new AsyncLocalStorage<IdempotencyClaim>();

/** Thrown inside a transaction whose key another send took first: the transaction rolls back. */
export class IdempotencyKeyTaken extends Error {
  constructor(key: string) {
    super(`idempotency key ${key} was taken by another send of the same request`);
    this.name = 'IdempotencyKeyTaken';
  }
}

export class IdempotencyRepository {
  constructor(private readonly db: Executor) {}

  async get(userId: number, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await this.db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
    return r
      ? {
          userId: Number(r.user_id),
          key: r.key,
          requestHash: r.request_hash,
          result: r.result,
          statusCode: r.status_code === null ? null : Number(r.status_code),
          answer: r.answer,
          createdAt: r.created_at,
        }
      : undefined;
  }

  /**
   * Inserts a key's row unless there is one; true when this call inserted it. On PostgreSQL an
   * insert racing another transaction's uncommitted row of the same key waits for it to end.
   */
  async take(row: { userId: number; key: string; requestHash: string; createdAt: string; statusCode?: number; answer?: string }): Promise<boolean> {
    const r = await this.db
      .insertInto('idempotency_keys')
      .values({
        user_id: row.userId,
        key: row.key,
        request_hash: row.requestHash,
        result: null,
        status_code: row.statusCode ?? null,
        answer: row.answer ?? null,
        created_at: row.createdAt,
      })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The result of the transaction that applied the change (in that transaction). */
  async saveResult(userId: number, key: string, result: string): Promise<void> {
    await this.db.updateTable('idempotency_keys').set({ result }).where('user_id', '=', userId).where('key', '=', key).execute();
  }

  /** The answer sent for the change. */
  async saveAnswer(userId: number, key: string, statusCode: number, answer: string): Promise<void> {
    await this.db.updateTable('idempotency_keys').set({ status_code: statusCode, answer }).where('user_id', '=', userId).where('key', '=', key).execute();
  }

  /** Forgets keys made before a time; returns how many. */
  async forgetBefore(at: string): Promise<number> {
    const r = await this.db.deleteFrom('idempotency_keys').where('created_at', '<', at).executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }
}
