/** Worker-thread side of `reportInWorker`: its own store connection, the same services (the composition root's), the file streamed back. */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { KaoheError } from '../core/errors.ts';
import { openServices } from '../compose.ts';
import { EvidenceStore } from '../services/evidence/evidence-store.ts';
import type { ReportJob, WorkerMessage } from './report-in-worker.ts';

const job = workerData.job as ReportJob;
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);
// Its own connection to the same database, and the same services over it as the server's.
const services = await openServices({
  store: { url: job.url, ...(job.pgSchema ? { pgSchema: job.pgSchema } : {}) },
  clock: () => new Date(job.now),
  evidence: new EvidenceStore(job.evidenceRoot),
});
try {
  const docs = services.reports;
  const prepared = await docs.prepare(job.actor, job.campaignId, job.kind, job.request);
  post({ type: 'ready', filename: prepared.filename, contentType: prepared.contentType });
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // A copy the parent can own (the chunk may be a view into a pooled buffer).
      const copy = new Uint8Array(chunk.byteLength);
      copy.set(chunk);
      post({ type: 'data', chunk: copy }, [copy.buffer]);
      done();
    },
  });
  const { pages } = await prepared.write(out, (done) => post({ type: 'progress', done }));
  post(pages !== undefined ? { type: 'done', pages } : { type: 'done' });
} catch (e) {
  post({ type: 'error', error: e instanceof KaoheError ? { code: e.code, message: e.message } : { code: 'internal', message: e instanceof Error ? e.message : String(e) } });
} finally {
  await services.close();
}
