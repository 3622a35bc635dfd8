/**
 * A worker thread kept for the next job a while after its last one: a worker's start (tsx
 * registered, its modules loaded, a store opened) takes 1–2 s, longer than a small job. One worker
 * is kept at most a kind; a job that comes while it works gets a new one. A kept worker does not
 * keep the process alive.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { openStore, type Store } from '../store/db.ts';

export interface KeeperOptions {
  /** The TypeScript (or data:) module the worker runs (through worker-boot.mjs). */
  module: string;
  resourceLimits?: ResourceLimits;
  /** How long a worker is kept after its job, in ms (read at each keep). */
  keepIdleMs: () => number;
  /**
   * How a worker no longer kept is ended: by default terminated; a worker holding connections is
   * asked to close them (the message), and terminated if it has not stopped within 5 s.
   */
  endMessage?: unknown;
}

export class WorkerKeeper {
  /** Workers started so far (tests read it to see one kept). */
  started = 0;
  private idle: { worker: Worker; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: KeeperOptions) {}

  /** The kept worker, or a new one. */
  take(): Worker {
    if (this.idle) {
      const { worker, timer } = this.idle;
      this.idle = undefined;
      clearTimeout(timer);
      worker.ref();
      return worker;
    }
    this.started++;
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { module: this.options.module },
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    worker.once('exit', () => {
      if (this.idle?.worker === worker) {
        clearTimeout(this.idle.timer);
        this.idle = undefined;
      }
    });
    return worker;
  }

  /**
   * Runs one job on the kept worker or a new one: posts `message`, hands each message of the
   * worker to `job.onMessage` until it answers (`answer.resolve` with the result, or
   * `answer.reject` with the job's own error), then keeps the worker for the next job, or ends it
   * where `job.keepAfter` says not to keep it. A worker that fails or stops before answering is
   * terminated and the job rejected with `job.failed`'s error.
   */
  run<M, T>(
    message: unknown,
    job: {
      onMessage: (m: M, answer: { resolve: (value: T) => void; reject: (error: unknown) => void }) => void;
      failed: (why: { error: Error } | { exitCode: number }) => Error;
      keepAfter?: () => boolean;
    },
  ): Promise<T> {
    const worker = this.take();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (answered: boolean, done: () => void) => {
        if (settled) return;
        settled = true;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (!answered) void worker.terminate();
        else if (job.keepAfter?.() ?? true) this.keep(worker);
        else this.end(worker);
        done();
      };
      const answer = {
        resolve: (value: T) => settle(true, () => resolve(value)),
        reject: (error: unknown) => settle(true, () => reject(error)),
      };
      const onMessage = (m: M) => job.onMessage(m, answer);
      const onError = (error: Error) => settle(false, () => reject(job.failed({ error })));
      const onExit = (exitCode: number) => settle(false, () => reject(job.failed({ exitCode })));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(message);
    });
  }

  /** Keeps a worker that ended its job cleanly for the next one, for a while (or ends it, if one is kept already). */
  keep(worker: Worker): void {
    if (this.idle) return this.end(worker);
    worker.unref();
    const timer = setTimeout(() => {
      if (this.idle?.worker === worker) this.idle = undefined;
      this.end(worker);
    }, this.options.keepIdleMs());
    timer.unref();
    this.idle = { worker, timer };
  }

  /** Ends a worker (see KeeperOptions.endMessage). */
  end(worker: Worker): void {
    if (this.options.endMessage === undefined) {
      void worker.terminate();
      return;
    }
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    timer.unref();
    worker.once('exit', () => clearTimeout(timer));
    worker.postMessage(this.options.endMessage);
  }

  /** Ends the kept worker now, if there is one. */
  endIdle(): void {
    if (!this.idle) return;
    const { worker, timer } = this.idle;
    this.idle = undefined;
    clearTimeout(timer);
    this.end(worker);
  }
}

/**
 * Worker side: the stores a kept worker opened, one a database (URL and PostgreSQL schema), kept
 * while the worker is; a store that could not be opened is tried again by the next job.
 */
export class WorkerStores {
  private readonly stores = new Map<string, Promise<Store>>();

  of(url: string, pgSchema: string | undefined): Promise<Store> {
    const key = `${url}\u0000${pgSchema ?? ''}`;
    let store = this.stores.get(key);
    if (!store) {
      store = openStore(pgSchema ? { url, pgSchema } : { url });
      store.catch(() => this.stores.delete(key));
      this.stores.set(key, store);
    }
    return store;
  }

  /** Closes them all (the worker is no longer kept). */
  async close(): Promise<void> {
    const open = [...this.stores.values()];
    this.stores.clear();
    await Promise.allSettled(open.map(async (s) => (await s).close()));
  }
}
