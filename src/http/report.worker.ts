/**
 * Worker-thread side of `reportInWorker`: its own store connection (to the read replica when one
 * is configured and has caught up, else to the primary), the same services (the composition
 * root's), the file streamed back.
 */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { KaoheError } from '../core/errors.ts';
import { openServices, servicesOver } from '../compose.ts';
import { EvidenceStore } from '../services/evidence/evidence-store.ts';
import { openCaughtUpReplica } from '../services/replica-reads.ts';
import type { ReadFrom, ReportJob, WorkerMessage } from './report-in-worker.ts';

const job = workerData.job as ReportJob;
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);
const schema = job.pgSchema ? { pgSchema: job.pgSchema } : {};

const fromReplica = job.replica ? await openCaughtUpReplica(job.replica, { primaryUrl: job.url, ...schema }) : undefined;
const readFrom: ReadFrom = fromReplica?.store
  ? { source: 'replica', waitedMs: fromReplica.waitedMs }
  : { source: 'primary', waitedMs: fromReplica?.waitedMs ?? 0, ...(fromReplica?.reason ? { reason: fromReplica.reason } : {}) };
// Its own connection (to the same database, or to its replica), and the same services over it as the server's.
const common = { clock: () => new Date(job.now), evidence: new EvidenceStore(job.evidenceRoot) };
const services = fromReplica?.store ? servicesOver(fromReplica.store, common) : await openServices({ store: { url: job.url, ...schema }, ...common });
try {
  const docs = services.reports;
  const prepared = await docs.prepare(job.actor, job.campaignId, job.kind, job.request);
  post({ type: 'ready', filename: prepared.filename, contentType: prepared.contentType, readFrom });
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
