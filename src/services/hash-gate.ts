/**
 * A bound on concurrent password hashing. scrypt with N=2^17 takes 128 MiB and a third of a
 * second of one core per hash; 24 sign-ins at once took the server from 234 to 748 MiB and made
 * a real sign-in wait 21 s. At most `concurrent` hashes run, `queued` more wait their turn, and
 * past that a sign-in is refused at once with `busy` (503 and Retry-After): memory stays bounded
 * and the people already waiting get through. One address may have only a few hashes running
 * or waiting at once (`perKey`, default 2): past that it is told to retry in a second (429), so a
 * flood from one address cannot fill the queue before the people of the county.
 */
import { availableParallelism } from 'node:os';
import { KaoheError } from '../core/errors.ts';

/** A whole number from the environment within bounds, or the default. */
function envCount(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Hashes running or waiting, by key (the client's address). */
  private readonly byKey = new Map<string, number>();

  /** Defaults: KAOHE_HASH_CONCURRENCY (else 2, or 1 on one core), KAOHE_HASH_QUEUE (else 8), KAOHE_HASH_PER_ADDRESS (else 2). */
  constructor(
    readonly concurrent = envCount(process.env.KAOHE_HASH_CONCURRENCY, Math.max(1, Math.min(2, availableParallelism())), 1, 64),
    readonly queued = envCount(process.env.KAOHE_HASH_QUEUE, 8, 0, 1000),
    readonly perKey = envCount(process.env.KAOHE_HASH_PER_ADDRESS, 2, 1, 1000),
  ) {}

  /** Runs `work` when a slot is free; refuses when `key` has too many in already, or too many are waiting. */
  async run<T>(work: () => Promise<T>, key?: string): Promise<T> {
    if (key === undefined) return this.slot(work);
    const mine = this.byKey.get(key) ?? 0;
    if (mine >= this.perKey) {
      throw new KaoheError('rate-limited', 'sign-ins from this address are being checked already: try again in a second', { retryAfterSeconds: 1 });
    }
    this.byKey.set(key, mine + 1);
    try {
      return await this.slot(work);
    } finally {
      const left = (this.byKey.get(key) ?? 1) - 1;
      if (left > 0) this.byKey.set(key, left);
      else this.byKey.delete(key);
    }
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrent) {
      if (this.waiting.length >= this.queued) {
        throw new KaoheError('busy', 'the server is busy checking other sign-ins: try again in a few seconds', { retryAfterSeconds: 2 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line (active stays counted), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Hashes running and waiting now (for tests and the health of the server). */
  load(): { active: number; waiting: number; keys: number } {
    return { active: this.active, waiting: this.waiting.length, keys: this.byKey.size };
  }
}
