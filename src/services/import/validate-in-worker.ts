/**
 * A large import's two threads: a worker reads and validates the file (validate.worker.ts, with
 * the lookups handed over once), this thread writes the valid rows it sends, in the import's
 * transaction. The problems, the header, the row count and the progress come back in the order
 * of the file; the problems come with the rows or before them, so nothing past a problem is
 * written. The same validation runs on this thread for a small file (validateSheet).
 */
import { KaoheError, errorFromWorker } from '../../core/errors.ts';
import type { KindSpec } from '../../core/registry/kinds.ts';
import type { CodeRow, ImportProblem, SheetResult, ValidationData, Value } from './validate.ts';
import { decodeValueBatch, type ValueBatch } from './value-batch.ts';
import { WorkerKeeper } from '../kept-worker.ts';

export interface ValidationJob {
  kind: string;
  file: string;
  today: string;
  maxProblems: number;
  /** Rows a batch. */
  batch: number;
  /** Batches sent and not yet written, at most. */
  inFlight: number;
  /** Send each row's line in the file with the batch. */
  rowNumbers: boolean;
  /** How the valid rows are handed over (RowsAs). */
  rowsAs: RowsAs;
  /** What of the registry is asked for a batch at a time (ValidationData.headsOf, householdsOf): 'find' to this thread, 'found' back. */
  asked: { heads: boolean; households: boolean };
}

/**
 * How a worker hands the valid rows over: `values` (packed: value-batch.ts); `copy`, the UTF-8
 * bytes of their lines in COPY's text format (store/copy-text.ts), their values in the order of
 * the kind's fields, as a stage that takes them so stages them (Stage.appendCopy: the importing
 * thread only passes the bytes on); `count`, not at all, only how many there were (a dry run
 * that needs no row's values).
 */
export type RowsAs = 'values' | 'copy' | 'count';

export type ToWorker =
  | {
      type: 'job';
      job: ValidationJob;
      data: { codeRows: CodeRow[]; areas: Map<string, string>; households: string[]; heads: Map<string, string>; area?: ValidationData['area'] };
    }
  | { type: 'ack' }
  /**
   * The answer to a 'find': the heads among its ID numbers (head ID number and household number,
   * one pair after another), or the households among its household numbers.
   */
  | { type: 'found'; found: string[] };

export type FromWorker =
  | { type: 'header'; headerRow: number; ignored: string[] }
  | { type: 'rows'; batch: ValueBatch; lines?: Int32Array; problems: ImportProblem[] }
  | { type: 'copy'; count: number; bytes: Uint8Array; problems: ImportProblem[] }
  | { type: 'problems'; problems: ImportProblem[] }
  | { type: 'find'; what: 'heads' | 'households'; keys: string[] }
  | { type: 'progress'; rows: number; bytesRead: number; problems: ImportProblem[] }
  | { type: 'done'; rows: number; truncated: boolean; bytesRead: number; problems: ImportProblem[]; counted: number }
  | { type: 'error'; error: { code?: string; message: string; stack?: string } };

export interface ValidationHandlers {
  header(m: { headerRow: number; ignored: string[] }): void;
  /** `count` valid rows, values in the order of the kind's fields, one row after another (and their lines in the file, when the job asks). */
  rows(values: Value[], count: number, lines?: Int32Array): Promise<void>;
  /** `count` valid rows as COPY lines (when the run asks for them so: ValidationRun.rowsAs). */
  copyLines?(bytes: Uint8Array, count: number): Promise<void>;
  /** How many valid rows there were, at the end (when the run asks for them so). */
  counted?(count: number): void;
  progress(rows: number, bytesRead: number): void;
}

export interface ValidationWorker {
  /**
   * Hands the worker the lookups, then takes its messages until the file is read: the problems go
   * into `problems` (the report's), the rows to `handlers.rows` while `problems` is empty.
   */
  run(data: ValidationData, problems: ImportProblem[], handlers: ValidationHandlers, how?: ValidationRun): Promise<SheetResult & { bytesRead: number }>;
  /** Ends the worker (done or not). */
  stop(): Promise<void>;
}

/** How a run hands its rows over, decided once the lookups are read. */
export interface ValidationRun {
  /** `values` (the default, to handlers.rows), `copy` (to handlers.copyLines) or `count` (to handlers.counted). */
  rowsAs?: RowsAs;
}

type Inbox = FromWorker | { type: 'crash'; error: Error } | { type: 'exit'; code: number };

/** A worker that read a larger file is not kept: its heap grew with the file's keys, and the next import can wait a quarter of a second. */
const KEEP_AFTER_BYTES_MAX = 64 * 1024 * 1024;
/** A worker kept after its job for the next import, 10 s. */
const keeper = new WorkerKeeper({
  module: new URL('./validate.worker.ts', import.meta.url).href,
  // Nearly all it makes is garbage a row old: a young generation larger than the default is
  // collected less often, for less (a second of the collector's threads in a million rows).
  resourceLimits: { maxYoungGenerationSizeMb: 64 },
  keepIdleMs: () => 10_000,
});

/**
 * Gets a worker for `file` (one kept from an earlier import, or a new one, which loads while the
 * caller reads the lookups).
 */
export function startValidationWorker(spec: KindSpec, file: string, opts: { today: string; maxProblems: number; batch: number; rowNumbers?: boolean }): ValidationWorker {
  const job: ValidationJob = {
    kind: spec.kind,
    file,
    today: opts.today,
    maxProblems: opts.maxProblems,
    batch: opts.batch,
    inFlight: 3,
    rowNumbers: !!opts.rowNumbers,
    rowsAs: 'values',
    asked: { heads: false, households: false },
  };
  const worker = keeper.take();
  const inbox: Inbox[] = [];
  let wake: (() => void) | undefined;
  const arrive = (m: Inbox) => {
    inbox.push(m);
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onMessage = (m: FromWorker) => arrive(m);
  const onError = (error: Error) => arrive({ type: 'crash', error });
  const onExit = (code: number) => arrive({ type: 'exit', code });
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  let head = 0;
  const next = async (): Promise<Inbox> => {
    while (head === inbox.length) await new Promise<void>((resolve) => (wake = resolve));
    const m = inbox[head++]!;
    if (head > 64 && head * 2 > inbox.length) {
      inbox.splice(0, head);
      head = 0;
    }
    return m;
  };
  /** The job ended with its 'done' (and the file was not large): the worker can take another. */
  let clean = false;
  let stopped = false;

  return {
    async run(data, problems, handlers, how = {}) {
      const rowsAs = how.rowsAs ?? 'values';
      if ((rowsAs === 'copy' && !handlers.copyLines) || (rowsAs === 'count' && !handlers.counted) || (rowsAs !== 'values' && job.rowNumbers))
        throw new Error(`rows as ${rowsAs}: a handler for them, and no row numbers`);
      const start: ToWorker = {
        type: 'job',
        job: { ...job, rowsAs, asked: { heads: data.headsOf !== undefined, households: data.householdsOf !== undefined } },
        data: {
          codeRows: data.codeRows,
          areas: data.areas,
          households: data.householdsOf ? [] : [...keysOf(data.households)],
          heads: data.heads,
          ...(data.area ? { area: data.area } : {}),
        },
      };
      worker.postMessage(start);
      for (;;) {
        const m = await next();
        if ('problems' in m && m.problems.length > 0) problems.push(...m.problems);
        switch (m.type) {
          case 'header':
            handlers.header(m);
            break;
          case 'rows':
            if (problems.length === 0) await handlers.rows(decodeValueBatch(m.batch), m.batch.count, m.lines);
            worker.postMessage({ type: 'ack' } satisfies ToWorker);
            break;
          case 'copy':
            if (problems.length === 0) await handlers.copyLines!(m.bytes, m.count);
            worker.postMessage({ type: 'ack' } satisfies ToWorker);
            break;
          case 'problems':
            break;
          case 'find': {
            const found: string[] = [];
            if (m.what === 'heads') for (const [head, household] of await data.headsOf!(m.keys)) found.push(head, household);
            else found.push(...(await data.householdsOf!(m.keys)));
            worker.postMessage({ type: 'found', found } satisfies ToWorker);
            break;
          }
          case 'progress':
            handlers.progress(m.rows, m.bytesRead);
            break;
          case 'done':
            if (rowsAs === 'count' && problems.length === 0) handlers.counted!(m.counted);
            clean = m.bytesRead <= KEEP_AFTER_BYTES_MAX;
            return { rows: m.rows, truncated: m.truncated, bytesRead: m.bytesRead };
          case 'error': {
            if (m.error.code !== undefined) throw errorFromWorker(m.error.code, m.error.message);
            const e = new Error(m.error.message);
            if (m.error.stack) e.stack = m.error.stack;
            throw e;
          }
          case 'crash':
            throw m.error;
          case 'exit':
            throw new KaoheError('internal', `the import's validation thread stopped (exit code ${m.code})`);
        }
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // A job that did not end cleanly (an error here or there) may have left the worker mid-file.
      if (clean && inbox.length === head) keeper.keep(worker);
      else await worker.terminate();
    },
  };
}

function keysOf(households: ValidationData['households']): Iterable<string> {
  if (households instanceof Map || households instanceof Set) return households.keys();
  throw new Error('households: a Map or a Set');
}
