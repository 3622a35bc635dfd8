/**
 * Worker-thread side of `importInWorker`: runs one import at a time, on stores it opens itself
 * (its own connections) and keeps while the worker is kept, one a database (URL and schema).
 * On 'end' it closes them and stops.
 */
import { parentPort } from 'node:worker_threads';
import { KaoheError } from '../../core/errors.ts';
import { WorkerStores } from '../kept-worker.ts';
import { importFile } from './import.service.ts';
import type { FromImportWorker, ToImportWorker, WorkerJob } from './import-in-worker.ts';

const port = parentPort!;
const post = (m: FromImportWorker) => port.postMessage(m);
const stores = new WorkerStores();

async function run(job: WorkerJob): Promise<void> {
  try {
    const store = await stores.of(job.url, job.pgSchema);
    const report = await importFile(store, job.kind, job.file, {
      ...job.options,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'done', report });
  } catch (e) {
    const error = e instanceof KaoheError ? { code: e.code, message: e.message } : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
    post({ type: 'error', error });
  }
}

async function end(): Promise<void> {
  await stores.close();
  port.close();
}

let queue = Promise.resolve();
port.on('message', (m: ToImportWorker) => {
  queue = queue.then(() => (m.type === 'job' ? run(m.job) : end()));
});
