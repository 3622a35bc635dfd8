/** Worker-thread side of `importInWorker`: opens its own store connection and runs the import. */
import { parentPort, workerData } from 'node:worker_threads';
import { KaoheError } from '../../core/errors.ts';
import { openStore } from '../../store/db.ts';
import { importFile } from './import.service.ts';
import type { WorkerJob } from './import-in-worker.ts';

const job = workerData.job as WorkerJob;
const store = await openStore({ url: job.url, ...(job.pgSchema ? { pgSchema: job.pgSchema } : {}) });
try {
  const report = await importFile(store, job.kind, job.file, {
    ...job.options,
    onProgress: (progress) => parentPort!.postMessage({ type: 'progress', progress }),
  });
  parentPort!.postMessage({ type: 'done', report });
} catch (e) {
  const error = e instanceof KaoheError ? { code: e.code, message: e.message } : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
  parentPort!.postMessage({ type: 'error', error });
} finally {
  await store.close();
}
