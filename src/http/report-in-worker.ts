/**
 * The long reports (the whole campaign as one PDF, the county summary with its charts) drawn in a
 * worker thread with its own database connection, so the server's event loop keeps answering
 * while thousands of pages are laid out. The worker first reads and checks everything (a
 * refusal comes back before any byte, as an error), then streams the file back in chunks.
 * With a read replica (KAOHE_REPORTS_DATABASE_URL) the worker reads there instead, once the
 * replica has caught up with the primary as of the request (store/replica.ts).
 */
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { KaoheError, errorFromWorker } from '../core/errors.ts';
import type { Actor } from '../services/policies.ts';
import type { WalPosition } from '../services/replica-reads.ts';
import type { ReportKind, ReportRequest } from '../services/report-documents.ts';
import type { Store } from '../store/db.ts';

export interface ReportJob {
  url: string;
  pgSchema?: string;
  actor: Actor;
  campaignId: number;
  kind: ReportKind;
  request: ReportRequest;
  /** The server's clock at the request: the report's date is the same as in-process. */
  now: string;
  /** The server's evidence folder: the photos on the sheets are read (as thumbnails) from it. */
  evidenceRoot: string;
  /**
   * A read replica to draw the report on (KAOHE_REPORTS_DATABASE_URL), once it has replayed the
   * primary's WAL position at the request (`lsn`), waiting at most `waitMs`; otherwise, or if it
   * cannot be reached, the report is drawn on the primary.
   */
  replica?: { url: string; lsn: WalPosition | null; waitMs: number };
}

/** Where a report was read: the primary, or the read replica (and how long it was waited for). */
export interface ReadFrom {
  source: 'primary' | 'replica';
  waitedMs: number;
  /** Why not the replica, when one was configured and the primary was read instead. */
  reason?: string;
}

export type WorkerMessage =
  | { type: 'ready'; filename: string; contentType: string; readFrom: ReadFrom }
  | { type: 'data'; chunk: Uint8Array }
  | { type: 'progress'; done: number }
  | { type: 'done'; pages?: number }
  | { type: 'error'; error: { code: string; message: string } };

export interface StreamedReport {
  filename: string;
  contentType: string;
  /** Where it was read (a report drawn on the server's thread: the primary). */
  readFrom: ReadFrom;
  /** The file's bytes as they are drawn; destroyed with an error if the worker fails midway. */
  body: PassThrough;
  /** Settles when the worker is done (rejects when it failed after `ready`). */
  finished: Promise<{ pages?: number }>;
}

/** Whether the store can be opened again from a worker (an in-memory SQLite database cannot). */
export function workerCanOpen(store: Pick<Store, 'url'>): boolean {
  return store.url !== ':memory:' && store.url !== '';
}

/** Starts a report in a worker; resolves once it has been read and checked, rejects with the worker's refusal. */
export function reportInWorker(store: Pick<Store, 'url' | 'pgSchema'>, job: Omit<ReportJob, 'url' | 'pgSchema'>): Promise<StreamedReport> {
  const full: ReportJob = { ...job, url: store.url, ...(store.pgSchema ? { pgSchema: store.pgSchema } : {}) };
  const worker = new Worker(new URL('../services/worker-boot.mjs', import.meta.url), {
    workerData: { module: new URL('./report.worker.ts', import.meta.url).href, job: full },
  });
  const body = new PassThrough();
  let started = false;
  let settled = false;
  let finish!: { resolve: (v: { pages?: number }) => void; reject: (e: Error) => void };
  const finished = new Promise<{ pages?: number }>((resolve, reject) => (finish = { resolve, reject }));
  // Nobody may wait on `finished` when the answer was refused: never an unhandled rejection.
  finished.catch(() => undefined);
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      if (!started) reject(e);
      else {
        body.destroy(e);
        finish.reject(e);
      }
    };
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready':
          started = true;
          resolve({ filename: m.filename, contentType: m.contentType, readFrom: m.readFrom, body, finished });
          break;
        case 'data':
          body.write(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
          break;
        case 'progress':
          break;
        case 'done':
          settled = true;
          body.end();
          finish.resolve(m.pages !== undefined ? { pages: m.pages } : {});
          break;
        case 'error':
          fail(errorFromWorker(m.error.code, m.error.message));
          break;
      }
    });
    // A crash of the thread itself (an error thrown outside its try, such as a store it cannot open).
    worker.on('error', (e) => fail(new KaoheError('internal', `the report worker failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new KaoheError('internal', `the report worker stopped (exit code ${code})`)));
    // The client went away: stop drawing.
    body.on('close', () => {
      if (!settled) void worker.terminate();
    });
  });
}
