/**
 * A bound on concurrent password hashing. scrypt with N=2^17 takes 128 MiB and a third of a
 * second of one core per hash; 24 sign-ins at once took the server from 234 to 748 MiB and made
 * a real sign-in wait 21 s. At most `concurrent` hashes run, `queued` more wait their turn, and
 * past that a sign-in is refused at once with `busy` (503 and Retry-After): memory stays bounded
 * and the people already waiting get through.
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

  /** Defaults: KAOHE_HASH_CONCURRENCY (else 2, or 1 on one core) and KAOHE_HASH_QUEUE (else 8). */
  constructor(
    readonly concurrent = envCount(process.env.KAOHE_HASH_CONCURRENCY, Math.max(1, Math.min(2, availableParallelism())), 1, 64),
    readonly queued = envCount(process.env.KAOHE_HASH_QUEUE, 8, 0, 1000),
  ) {}

  /** Runs `work` when a slot is free; refuses when too many are waiting already. */
  async run<T>(work: () => Promise<T>): Promise<T> {
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
  load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
