/**
 * Changes sent again under their `Idempotency-Key` (offline capture, docs/offline.md): the same
 * key with the same request gets the answer it got the first time and changes nothing; the
 * same key with another request is refused (409 `idempotency-mismatch`); of two sends at once,
 * one applies and the other gets its answer. A send that fails keeps nothing, so the key may be
 * sent again. Keys are per user and kept 30 days.
 *
 * The key's row is written by the first transaction the request opens (the store's unit of work
 * does it, see idempotencyClaims), so the change and its key commit together; the answer is
 * written right after. A row without an answer (the process stopped in between, or a step after
 * the commit failed) is answered by the route's `replay` from the transaction's stored result.
 */
import { createHash } from 'node:crypto';
import { KaoheError } from '../core/errors.ts';
import { idempotencyClaims, type IdempotencyClaim, type IdempotencyRecord, type IdempotencyRepository } from '../store/idempotency.repository.ts';
import type { Clock } from './campaign/shared.ts';
import { canonicalJson } from '../core/canonical-json.ts';

/** An answer as sent: status and JSON body. */
export interface IdempotentAnswer {
  statusCode: number;
  body: unknown;
}

/** A key: 1 to 100 letters, digits, `_` or `-` (a UUID fits). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,100}$/;
/** How long keys are kept (longer than any offline stretch a campaign allows). */
export const IDEMPOTENCY_KEEP_DAYS = 30;
/** How long a second send waits for the first one's answer to be written. */
const WAIT_FOR_ANSWER_MS = 2_000;
/** A row younger than this without an answer may still be getting it; an older one never will. */
const IN_FLIGHT_MS = 30_000;
/** How often old keys are forgotten (at most), in ms. */
const FORGET_EVERY_MS = 60 * 60 * 1000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The hash a request is known by: SHA-256 of its method, path and canonical JSON body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

export interface IdempotentRequest {
  userId: number;
  key: string;
  method: string;
  /** The URL's path, without the query. */
  path: string;
  body: unknown;
}

export class IdempotencyService {
  private lastForget = 0;

  constructor(private readonly deps: { keys: IdempotencyRepository; clock: Clock }) {}

  /**
   * Runs `perform` once per user and key: its answer is kept and sent again to a later send of
   * the same request (`replayed`). `replay` makes the answer from the result the change's
   * transaction stored, for a row whose answer was never written.
   */
  async run(
    request: IdempotentRequest,
    perform: () => Promise<IdempotentAnswer>,
    replay?: (result: unknown) => Promise<IdempotentAnswer>,
  ): Promise<IdempotentAnswer & { replayed: boolean }> {
    const { keys, clock } = this.deps;
    const { userId, key } = request;
    const hash = requestHash(request.method, request.path, request.body);
    await this.forgetOld();
    const earlier = await keys.get(userId, key);
    if (earlier) return this.answerAgain(earlier, hash, replay);
    const claim: IdempotencyClaim = { userId, key, requestHash: hash, at: clock().toISOString(), state: 'open' };
    let answer: IdempotentAnswer;
    try {
      answer = await idempotencyClaims.run(claim, perform);
    } catch (e) {
      // Another send of the key applied first (ours gave way, or failed on what it changed), or
      // ours was committed before a later step failed: what was applied answers.
      const row = await keys.get(userId, key);
      if (row) return this.answerAgain(row, hash, replay, claim.state === 'taken');
      throw e;
    }
    const body = JSON.stringify(answer.body ?? null);
    if (claim.state === 'taken') {
      await keys.saveAnswer(userId, key, answer.statusCode, body);
    } else if (!(await keys.take({ userId, key, requestHash: hash, createdAt: claim.at, statusCode: answer.statusCode, answer: body }))) {
      // Nothing was written (a mark already set), and another send kept its answer meanwhile.
      return this.answerAgain((await keys.get(userId, key))!, hash, replay);
    }
    return { ...answer, replayed: false };
  }

  /** The answer kept for a key, for a send of the same request; a refusal for another request. */
  private async answerAgain(
    row: IdempotencyRecord,
    hash: string,
    replay?: (result: unknown) => Promise<IdempotentAnswer>,
    /** The row is this request's own: no one else will write its answer. */
    own = false,
  ): Promise<IdempotentAnswer & { replayed: boolean }> {
    if (row.requestHash !== hash) {
      throw new KaoheError(
        'idempotency-mismatch',
        `Idempotency-Key ${row.key} was used on ${row.createdAt} for another request: a key names one change; make a new key for a new change`,
      );
    }
    let current = row;
    // The first send committed and is writing its answer: wait for it a moment.
    const young = !own && this.deps.clock().getTime() - Date.parse(row.createdAt) < IN_FLIGHT_MS;
    const until = Date.now() + (young ? WAIT_FOR_ANSWER_MS : 0);
    while (current.answer === null && Date.now() < until) {
      await sleep(25);
      current = (await this.deps.keys.get(row.userId, row.key)) ?? current;
    }
    if (current.answer !== null && current.statusCode !== null) return { statusCode: current.statusCode, body: JSON.parse(current.answer) as unknown, replayed: true };
    if (replay && current.result !== null) return { ...(await replay(JSON.parse(current.result) as unknown)), replayed: true };
    throw new KaoheError('idempotency-pending', `the change sent with Idempotency-Key ${row.key} is still being saved: retry shortly`, { retryAfterSeconds: 2 });
  }

  /** Forgets keys older than 30 days, at most once an hour. */
  private async forgetOld(): Promise<void> {
    const now = this.deps.clock().getTime();
    if (now - this.lastForget < FORGET_EVERY_MS) return;
    this.lastForget = now;
    await this.deps.keys.forgetBefore(new Date(now - IDEMPOTENCY_KEEP_DAYS * 86_400_000).toISOString());
  }
}
