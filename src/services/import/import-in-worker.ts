/**
 * Runs an import in a worker thread, so a long import (a million rows) never holds the web
 * server's event loop; progress comes back as messages.
 *
 * A worker that finished its import is kept for the next one a while (`importWorkerTuning`),
 * with the database connections it opened: a worker's start (its modules loaded, the store
 * opened and its migrations checked) took 1–2 s of every upload, longer than a small file's
 * import. One job at a time a worker; imports at the same time each get a worker of their own.
 * A worker whose import failed outside the import's own error handling (it crashed), or that read
 * a large file (its heap grew with the file's keys), is not kept.
 */
import { statSync } from 'node:fs';
import { KaoheError, errorFromWorker } from '../../core/errors.ts';
import type { Store } from '../../store/db.ts';
import { WorkerKeeper } from '../kept-worker.ts';
import type { ImportOptions, ImportProgress, ImportReport } from './import.service.ts';

export interface WorkerJob {
  url: string;
  pgSchema?: string;
  kind: string;
  file: string;
  options: Omit<ImportOptions, 'onProgress'>;
}

export type ToImportWorker = { type: 'job'; job: WorkerJob } | { type: 'end' };
export type FromImportWorker =
  { type: 'progress'; progress: ImportProgress } | { type: 'done'; report: ImportReport } | { type: 'error'; error: { code: string; message: string } };

export const importWorkerTuning = {
  /** How long a worker is kept after its import (it does not keep the process alive). */
  keepIdleMs: 10_000,
  /** A worker that imported a larger file is not kept. */
  keepAfterBytesMax: 64 * 1024 * 1024,
};

const keeper = new WorkerKeeper({
  module: new URL('./import.worker.ts', import.meta.url).href,
  keepIdleMs: () => importWorkerTuning.keepIdleMs,
  endMessage: { type: 'end' } satisfies ToImportWorker,
});

/** Workers started so far (tests read it to see one kept). */
export const importWorkerStarts = (): number => keeper.started;

/** Ends the kept worker now, if there is one (tests). */
export const endIdleImportWorker = (): void => keeper.endIdle();

/** Imports `file` into the store's database from a worker thread (with its own connection). */
export function importInWorker(store: Pick<Store, 'url' | 'pgSchema'>, kind: string, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const { onProgress, ...rest } = options;
  const job: WorkerJob = { url: store.url, kind, file, options: rest, ...(store.pgSchema ? { pgSchema: store.pgSchema } : {}) };
  return keeper.run<FromImportWorker, ImportReport>({ type: 'job', job } satisfies ToImportWorker, {
    onMessage: (m, answer) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') answer.resolve(m.report);
      else if (m.type === 'error') answer.reject(errorFromWorker(m.error.code, m.error.message));
    },
    failed: (why) => new KaoheError('internal', 'error' in why ? `the import worker failed: ${why.error.message}` : `the import worker stopped (exit code ${why.exitCode})`),
    // A worker that answered (done, or the import's own error) takes the next import, unless it read a large file.
    keepAfter: () => sizeOf(file) <= importWorkerTuning.keepAfterBytesMax,
  });
}

/** The file's size in bytes (0 when it cannot be read: the import said why). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
