/**
 * The registry's files: uploads saved for an import, imports run in a worker thread (with an
 * errors file for the rows refused, kept an hour for the administrator who imported), exports
 * written in a worker thread, import templates, and the temporary files of all of them. No
 * file work runs on the server's event loop but the small template.
 *
 * The workers open their own connection to the store: this service is handed only where the
 * store is (its URL and PostgreSQL schema), not the store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KaoheError, errorFromWorker, isErrorCode } from '../../core/errors.ts';
import { quoteCell } from '../../core/registry/cell-text.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import type { AuditInput } from '../../store/audit.repository.ts';
import type { Store } from '../../store/db.ts';
import { writeTemplate } from '../import/export.service.ts';
import type { ImportReport } from '../import/import.service.ts';
import { importInWorker } from '../import/import-in-worker.ts';
import { WorkerKeeper } from '../kept-worker.ts';
import type { FromFileWorker, ToFileWorker } from './file-task.worker.ts';
import { assertExportKind, assertImportKind, mayExportRegistry, mayImportRegistry, requirePolicy, type Actor } from '../policies.ts';
import { CONTENT_TYPES, maskIdsInText, notFound, showFullIds, today, type Clock, type FileOut, type ImportResult } from './shared.ts';

/** Where the store is, for a worker thread to open its own connection. */
export type StoreLocation = Pick<Store, 'url' | 'pgSchema'>;

const ERRORS_FILE_HOURS = 1;

/**
 * Refusals about the table a file holds (not its format): answered as an import report with one
 * problem for the whole file (row 0, with the code), which the import wizard lists with the rest.
 */
const TABLE_REFUSALS = new Set(['missing-columns', 'missing-header', 'empty-file', 'no-data-rows']);

export interface RegistryFileServiceDeps {
  /** Where the store is: the import and export workers open their own connection to it. */
  store: StoreLocation;
  clock?: Clock;
}

export class RegistryFileService {
  private readonly store: StoreLocation;
  private readonly clock: Clock;
  private dir: string | undefined;
  private readonly errorFiles = new Map<string, { path: string; filename: string; owner: string; expires: number }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(deps: RegistryFileServiceDeps) {
    this.store = { url: deps.store.url, ...(deps.store.pgSchema ? { pgSchema: deps.store.pgSchema } : {}) };
    this.clock = deps.clock ?? (() => new Date());
  }

  private today(): string {
    return today(this.clock);
  }

  private tempDir(): string {
    if (!this.dir) {
      this.dir = mkdtempSync(join(tmpdir(), 'kaohe-registry-'));
      this.sweeper = setInterval(() => this.sweep(), 10 * 60_000);
      this.sweeper.unref();
    }
    return this.dir;
  }

  private sweep(): void {
    const now = this.clock().getTime();
    for (const [token, f] of this.errorFiles) {
      if (f.expires <= now) {
        rmSync(f.path, { force: true });
        this.errorFiles.delete(token);
      }
    }
  }

  /** Saves an upload to a temporary file with the original's extension (the readers go by it). */
  async saveUpload(stream: Readable, filename: string): Promise<string> {
    const ext = extname(filename).toLowerCase();
    const path = join(this.tempDir(), `upload-${randomUUID()}${/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : ''}`);
    await pipeline(stream, createWriteStream(path));
    return path;
  }

  /** Removes a temporary file this service made. */
  discard(path: string): void {
    if (this.dir && path.startsWith(this.dir)) rmSync(path, { force: true });
  }

  /**
   * Imports a saved upload in a worker thread (all or nothing; a dry run writes nothing). A file
   * with bad rows, or without the kind's columns, is a report with problems, not an error; when
   * rows have problems, an errors file (the sheet with an error column) is kept for an hour.
   */
  async importUpload(actor: Actor, kind: string, path: string, originalName: string, dryRun: boolean): Promise<ImportResult> {
    requirePolicy(actor, mayImportRegistry);
    const spec = kindSpec(kind);
    if (!spec) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
    // An office of an area imports its own villages' records (import.service.ts checks each row).
    assertImportKind(actor, spec);
    const area = actor.area && !actor.area.whole ? { code: actor.area.code, name: actor.area.name } : undefined;
    // The name as the office knows it, as messages and the errors file's name quote it: one line, not too long.
    const name = quoteCell(basename(originalName).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_'), 100) || 'upload';
    // Messages name the file as the office knows it, not the temporary copy.
    const relabel = (text: string) => maskIdsInText(text.split(path).join(name).split(basename(path)).join(name));
    try {
      let report: ImportReport;
      try {
        report = await importInWorker(this.store, kind, path, {
          dryRun,
          today: this.today(),
          ...(area ? { area } : {}),
          ...(dryRun ? {} : { audit: this.importAudit(actor, kind, name) }),
        });
      } catch (e) {
        if (e instanceof KaoheError && TABLE_REFUSALS.has(e.code)) {
          return {
            kind,
            file: name,
            format: extname(path).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv',
            rows: 0,
            inserted: 0,
            updated: 0,
            problems: [{ row: 0, code: e.code, message: relabel(e.message) }],
            truncated: false,
            ignoredColumns: [],
            headerRow: 0,
            dryRun,
            committed: false,
            elapsedMs: 0,
          };
        }
        // The worker's own failure is the server's (500, logged), not the client's to read.
        if (e instanceof KaoheError && e.code === 'internal') throw new Error(`import worker: ${maskIdsInText(e.message)}`);
        if (e instanceof KaoheError) throw new KaoheError(e.code, relabel(e.message), e.details);
        throw e;
      }
      const result: ImportResult = {
        ...report,
        file: name,
        problems: report.problems.map((p) => ({
          ...p,
          message: relabel(p.message),
          ...(p.value !== undefined ? { value: maskIdsInText(p.value) } : {}),
        })),
      };
      if (report.problems.some((p) => p.row > 0)) {
        const token = randomBytes(32).toString('base64url');
        const out = join(this.tempDir(), `errors-${token}.xlsx`);
        await runFileTask({ type: 'errors-file', file: path, out, problems: report.problems, headerRow: report.headerRow || undefined });
        this.sweep();
        const stem = basename(name, extname(name)) || kind;
        this.errorFiles.set(token, { path: out, filename: `${stem}-错误.xlsx`, owner: actor.user, expires: this.clock().getTime() + ERRORS_FILE_HOURS * 3_600_000 });
        result.errorsFile = token;
      }
      return result;
    } finally {
      this.discard(path);
    }
  }

  /**
   * A committed import's audit entry (`registry.import`): who, the kind, the file's name, the
   * office's area; the import adds the rows read, added and updated, and writes it in the
   * transaction that merges them (import.service.ts, ImportOptions.audit). A dry run or a refused
   * file writes none.
   */
  importAudit(actor: Actor, kind: string, file: string): AuditInput & { after: Record<string, unknown> } {
    const area = actor.area && !actor.area.whole ? actor.area : undefined;
    return {
      at: this.clock().toISOString(),
      actor: actor.user,
      action: 'registry.import',
      entity: 'registry',
      entityId: kind,
      after: { kind, file, ...(area ? { area: area.code, areaName: area.name } : {}) },
    };
  }

  /** An import's errors file, for the administrator who imported, within the hour. */
  errorsFile(actor: Actor, token: string): FileOut {
    requirePolicy(actor, mayImportRegistry);
    this.sweep();
    const f = this.errorFiles.get(token);
    if (!f || f.owner !== actor.user) throw notFound('errors file (they are kept for an hour)');
    return { path: f.path, filename: f.filename, contentType: CONTENT_TYPES.xlsx, temporary: false };
  }

  /**
   * Every row of a kind as .xlsx or .csv, written in a worker thread; ID numbers masked unless
   * asked for. An office of an area gets its own villages' rows, of the kinds it may import (the
   * file can be edited and imported again), named with its area.
   */
  async exportFile(actor: Actor, kind: string, format: 'xlsx' | 'csv', showIdsAsked: boolean): Promise<FileOut> {
    requirePolicy(actor, mayExportRegistry);
    const spec = specOf(kind);
    assertExportKind(actor, spec);
    const area = actor.area && !actor.area.whole ? actor.area : undefined;
    const showIds = showFullIds(actor, showIdsAsked);
    const out = join(this.tempDir(), `export-${randomUUID()}.${format}`);
    try {
      await runFileTask({
        type: 'export',
        url: this.store.url,
        ...(this.store.pgSchema ? { pgSchema: this.store.pgSchema } : {}),
        kind,
        out,
        format,
        showIds,
        ...(area ? { area: area.code } : {}),
      });
    } catch (e) {
      rmSync(out, { force: true });
      throw e;
    }
    return { path: out, filename: `${spec.title.zh}${area ? `（${area.name}）` : ''}.${format}`, contentType: CONTENT_TYPES[format], temporary: true };
  }

  /**
   * The empty import template of a kind (small: written here). Any signed-in user gets it, so
   * its invented example ID numbers are masked, as kinds() shows them: no whole one leaves the
   * server unasked (the CLI's template, for the office, keeps them).
   */
  async templateFile(kind: string): Promise<FileOut> {
    const spec = specOf(kind);
    const out = join(this.tempDir(), `template-${randomUUID()}.xlsx`);
    await writeTemplate(kind, out);
    await maskWorkbookIds(out);
    return { path: out, filename: `${spec.title.zh}模板.xlsx`, contentType: CONTENT_TYPES.xlsx, temporary: true };
  }

  /** Removes the temporary files (on server close). */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.errorFiles.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Masks every ID number in the text cells of a small workbook, in place (rewritten only if one was found). */
async function maskWorkbookIds(path: string): Promise<void> {
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  await book.xlsx.readFile(path);
  let masked = false;
  for (const sheet of book.worksheets) {
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value !== 'string') return;
        const text = maskIdsInText(cell.value);
        if (text !== cell.value) {
          cell.value = text;
          masked = true;
        }
      }),
    );
  }
  if (masked) await book.xlsx.writeFile(path);
}

function specOf(kind: string): KindSpec {
  const s = kindSpec(kind);
  if (!s) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// File work in a worker thread (never on the server's event loop)

export type FileTask =
  | { type: 'errors-file'; file: string; out: string; problems: ImportReport['problems']; headerRow: number | undefined }
  | { type: 'export'; url: string; pgSchema?: string; kind: string; out: string; format: 'xlsx' | 'csv'; showIds: boolean; area?: string };

/** The worker of the file tasks, kept for the next task 10 s with the stores it opened. */
const keeper = new WorkerKeeper({
  module: new URL('./file-task.worker.ts', import.meta.url).href,
  keepIdleMs: () => 10_000,
  endMessage: { type: 'end' } satisfies ToFileWorker,
});

/** Workers of the file tasks started so far (tests read it to see one kept). */
export const fileWorkerStarts = (): number => keeper.started;

/** Ends the kept worker of the file tasks now, if there is one (tests). */
export const endIdleFileWorker = (): void => keeper.endIdle();

function runFileTask(task: FileTask): Promise<void> {
  return keeper.run<FromFileWorker, void>(task satisfies ToFileWorker, {
    onMessage: (m, answer) => {
      if (m.ok) answer.resolve();
      // An internal error's message stays in the server (it may name paths); the client gets the code.
      else answer.reject(!isErrorCode(m.code) || m.code === 'internal' ? new Error(`file worker: ${maskIdsInText(m.message)}`) : errorFromWorker(m.code, m.message));
    },
    failed: (why) => ('error' in why ? why.error : new Error(`the file worker stopped (exit code ${why.exitCode})`)),
  });
}
