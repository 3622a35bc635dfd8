/**
 * Worker-thread side of a large import (see validate-in-worker.ts): reads and validates a file
 * while the importing thread writes, and hands it the valid rows in packed batches. A few batches
 * at most are on their way at once: each waits for the importing thread's word that it wrote one.
 * One job at a time; the thread waits for the next one when done (it is kept for a while).
 */
import { parentPort } from 'node:worker_threads';
import { KaoheError } from '../../core/errors.ts';
import { kindSpec } from '../../core/registry/kinds.ts';
import { openSheet } from './readers.ts';
import { validateSheet, type ImportProblem } from './validate.ts';
import { transferables, ValueBatchEncoder } from './value-batch.ts';
import { CopyLinesEncoder } from '../../store/copy-text.ts';
import type { FromWorker, ToWorker } from './validate-in-worker.ts';

const port = parentPort!;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let unacknowledged = 0;
let wake: (() => void) | undefined;
const acknowledged = () => {
  unacknowledged--;
  const w = wake;
  wake = undefined;
  w?.();
};
/** Until fewer than `most` batches wait for their word. */
const settle = async (most: number) => {
  while (unacknowledged >= most) await new Promise<void>((resolve) => (wake = resolve));
};

/** The answer awaited to a 'find' (one at a time). */
let answer: ((found: string[]) => void) | undefined;
const find = (what: 'heads' | 'households', keys: string[]) =>
  new Promise<string[]>((resolve) => {
    answer = resolve;
    post({ type: 'find', what, keys });
  });
const headsOf = async (heads: string[]) => {
  const found = await find('heads', heads);
  const out = new Map<string, string>();
  for (let i = 0; i < found.length; i += 2) out.set(found[i]!, found[i + 1]!);
  return out;
};
const householdsOf = async (households: string[]) => new Set(await find('households', households));

let queue = Promise.resolve();
port.on('message', (m: ToWorker) => {
  if (m.type === 'ack') acknowledged();
  else if (m.type === 'found') {
    const a = answer;
    answer = undefined;
    a?.(m.found);
  } else queue = queue.then(() => run(m));
});

async function run({ job, data }: Extract<ToWorker, { type: 'job' }>): Promise<void> {
  unacknowledged = 0;
  try {
    const spec = kindSpec(job.kind);
    if (!spec) throw new KaoheError('unknown-kind', `no record kind "${job.kind}"`);
    const sheet = openSheet(job.file);
    const problems: ImportProblem[] = [];
    let sent = 0;
    /** The problems not yet sent. */
    const news = () => {
      if (sent === problems.length) return [];
      const p = problems.slice(sent);
      sent = problems.length;
      return p;
    };
    const encoder = job.rowsAs === 'copy' ? new CopyLinesEncoder(spec.fields.length, job.batch) : new ValueBatchEncoder(spec.fields.length, job.batch);
    /** Valid rows handed over (or, rows as `count`, that would have been). */
    let counted = 0;
    // Each row's line in the file, when the job asks (an office of an area's import).
    let lines: number[] = [];
    const sendRows = async () => {
      // Past a problem nothing is written: the rows are not sent.
      if (problems.length > 0) {
        encoder.take();
        lines = [];
        post({ type: 'problems', problems: news() });
        return;
      }
      unacknowledged++;
      if (encoder instanceof CopyLinesEncoder) {
        const { count, bytes } = encoder.take();
        post({ type: 'copy', count, bytes, problems: news() }, [bytes.buffer as ArrayBuffer]);
      } else {
        const batch = encoder.take();
        const batchLines = job.rowNumbers ? Int32Array.from(lines) : undefined;
        lines = [];
        post({ type: 'rows', batch, ...(batchLines ? { lines: batchLines } : {}), problems: news() }, [...transferables(batch), ...(batchLines ? [batchLines.buffer] : [])]);
      }
      await settle(job.inFlight);
    };
    const result = await validateSheet(
      spec,
      sheet,
      job.file,
      {
        codeRows: data.codeRows,
        areas: data.areas,
        households: new Set(data.households),
        heads: data.heads,
        ...(job.asked.heads ? { headsOf } : {}),
        ...(job.asked.households ? { householdsOf } : {}),
        ...(data.area ? { area: data.area } : {}),
      },
      { today: job.today, maxProblems: job.maxProblems, problems },
      {
        header: (m) => post({ type: 'header', headerRow: m.headerRow, ignored: m.ignored }),
        row: (values, row) => {
          counted++;
          if (job.rowsAs === 'count') return;
          encoder.add(values);
          if (job.rowNumbers) lines.push(row);
          if (encoder.full) return sendRows();
        },
        progress: (rows) => post({ type: 'progress', rows, bytesRead: sheet.bytesRead(), problems: news() }),
      },
    );
    if (encoder.count > 0) await sendRows();
    // Every batch written: no word of this job comes after its end.
    await settle(1);
    post({ type: 'done', rows: result.rows, truncated: result.truncated, bytesRead: sheet.bytesRead(), problems: news(), counted });
  } catch (e) {
    post({
      type: 'error',
      error:
        e instanceof KaoheError ? { code: e.code, message: e.message } : { message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined },
    });
  }
}
