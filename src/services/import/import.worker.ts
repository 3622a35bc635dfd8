/**
 * Worker-thread side of `importInWorker`: runs one import at a time, on stores it opens itself
 * (its own connections) and keeps while the worker is kept, one a database (URL and schema).
 * On 'end' it closes them and stops.
 */
import { parentPort } from 'node:worker_threads';
import { KaoheError } from '../../core/errors.ts';
import { openStore, type Store } from '../../store/db.ts';
import { importFile } from './import.service.ts';
import type { FromImportWorker, ToImportWorker, WorkerJob } from './import-in-worker.ts';

const port = parentPort!;
const post = (m: FromImportWorker) => port.postMessage(m);
const stores = new Map<string, Promise<Store>>();

function storeFor(job: WorkerJob): Promise<Store> {
  const key = `${job.url}\u0000${job.pgSchema ?? ''}`;
  let store = stores.get(key);
  if (!store) {
    store = openStore({ url: job.url, ...(job.pgSchema ? { pgSchema: job.pgSchema } : {}) });
    // A store that could not be opened is tried again by the next job.
    store.catch(() => stores.delete(key));
    stores.set(key, store);
  }
  return store;
}

async function run(job: WorkerJob): Promise<void> {
  try {
    const store = await storeFor(job);
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
  const open = [...stores.values()];
  stores.clear();
  await Promise.allSettled(open.map(async (s) => (await s).close()));
  post({ type: 'ended' });
  port.close();
}

let queue = Promise.resolve();
port.on('message', (m: ToImportWorker) => {
  queue = queue.then(() => (m.type === 'job' ? run(m.job) : end()));
});
