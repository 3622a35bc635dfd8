/**
 * Worker-thread side of the registry's file tasks (files.service.ts): an import's errors file, an
 * export. One task at a time; the stores it opens (for exports) are kept while the worker is
 * kept, one a database (URL and schema), and closed on 'end', when it stops.
 */
import { parentPort } from 'node:worker_threads';
import { WorkerStores } from '../kept-worker.ts';
import { writeErrorsFile } from '../import/errors-file.ts';
import { exportKind } from '../import/export.service.ts';
import type { FileTask } from './files.service.ts';

export type ToFileWorker = FileTask | { type: 'end' };
export type FromFileWorker = { ok: true; rows?: number } | { ok: false; code: string; message: string };

const port = parentPort!;
const stores = new WorkerStores();

async function run(task: FileTask): Promise<FromFileWorker> {
  try {
    if (task.type === 'errors-file') {
      await writeErrorsFile(task.file, task.out, task.problems, task.headerRow === undefined ? {} : { headerRow: task.headerRow });
      return { ok: true };
    }
    const store = await stores.of(task.url, task.pgSchema);
    const rows = await exportKind(store, task.kind, task.out, { format: task.format, showIds: task.showIds, ...(task.area ? { area: task.area } : {}) });
    return { ok: true, rows };
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    return { ok: false, code: typeof code === 'string' ? code : 'internal', message: e instanceof Error ? e.message : String(e) };
  }
}

async function end(): Promise<void> {
  await stores.close();
  port.close();
}

let queue = Promise.resolve();
port.on('message', (m: ToFileWorker) => {
  queue = queue.then(async () => (m.type === 'end' ? end() : port.postMessage(await run(m))));
});
