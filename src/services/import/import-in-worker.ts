/**
 * Runs an import in a worker thread, so a long import (a million rows) never holds the web
 * server's event loop; progress comes back as messages.
 */
import { Worker } from 'node:worker_threads';
import { KaoheError, errorFromWorker } from '../../core/errors.ts';
import type { Store } from '../../store/db.ts';
import type { ImportOptions, ImportProgress, ImportReport } from './import.service.ts';

export interface WorkerJob {
  url: string;
  pgSchema?: string;
  kind: string;
  file: string;
  options: Omit<ImportOptions, 'onProgress'>;
}

/** Imports `file` into the store's database from a worker thread (with its own connection). */
export function importInWorker(store: Pick<Store, 'url' | 'pgSchema'>, kind: string, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const { onProgress, ...rest } = options;
  const job: WorkerJob = { url: store.url, kind, file, options: rest, ...(store.pgSchema ? { pgSchema: store.pgSchema } : {}) };
  const worker = new Worker(new URL('../worker-boot.mjs', import.meta.url), {
    workerData: { module: new URL('./import.worker.ts', import.meta.url).href, job },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on(
      'message',
      (m: { type: 'progress'; progress: ImportProgress } | { type: 'done'; report: ImportReport } | { type: 'error'; error: { code: string; message: string } }) => {
        if (m.type === 'progress') onProgress?.(m.progress);
        else if (m.type === 'done') {
          settled = true;
          resolve(m.report);
        } else {
          settled = true;
          reject(errorFromWorker(m.error.code, m.error.message));
        }
      },
    );
    worker.on('error', (e) => {
      settled = true;
      reject(new KaoheError('internal', `the import worker failed: ${e.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new KaoheError('internal', `the import worker stopped (exit code ${code})`));
    });
  });
}
