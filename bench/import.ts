/**
 * Import benchmark: `importFile(store, 'households', …)` on a generated sheet of households
 * (full validation, staged, merged in one transaction), against the sqlite3 shell's `.import` of
 * the same CSV; and how long a writer in another process waits meanwhile.
 *
 *   npm run bench:import                     (tsx bench/import.ts; 1,000,000 rows)
 *   tsx bench/import.ts --rows 20000         (a quick try)
 *   tsx bench/import.ts --rows 1000000 --xlsx-rows 100000 --seed 7 --pg postgres://…  [--no-pg] [--keep]
 *
 * Environment: KAOHE_BENCH_ROWS, KAOHE_BENCH_XLSX_ROWS, KAOHE_BENCH_SEED, and the PostgreSQL URL from
 * KAOHE_BENCH_PG, else KAOHE_TEST_PG, else postgres://postgres@127.0.0.1:5432/test (skipped with a
 * message when no server answers; KAOHE_BENCH_PG=off skips it too).
 *
 * What runs, in order (all files in a fresh directory under os.tmpdir(), removed at the end):
 *   1. a deterministic (seeded mulberry32) CSV of valid households with the kind's 21 Chinese
 *      headers, and an areas CSV of one county, its townships and ~300 villages;
 *   2. Kaohe: areas, then the households CSV (timed) into a fresh SQLite file store;
 *   3. the baseline: /usr/bin/sqlite3 `.import --csv --skip 1` of the same CSV into a plain table of
 *      the same 21 columns (timed as a child process; also once with Kaohe's indexes, for reference);
 *   4. the first N/10 households as .xlsx (exceljs streaming writer, timed on its own), imported into
 *      a fresh SQLite store (timed);
 *   5. the CSV into PostgreSQL, in a fresh schema kaohe_bench_<pid> dropped afterwards.
 * During each Kaohe import another process (bench/concurrent-writer.ts) runs a read-then-write
 * transaction every 100 ms on the same database, as an inspector's saves do: its longest wait
 * during the import is printed beside the import's time and beside its longest wait in the second
 * before the import (the baseline), with the ratios; a write that fails fails the run.
 * Every import is checked for its row count; any mismatch or problem exits 1. Peak memory is the
 * RSS sampled every 100 ms during each import, plus process.resourceUsage().maxRSS (the process's
 * peak so far). Targets: Kaohe's SQLite CSV import within 3× sqlite3 and under 1 GiB.
 */
import { execFileSync, fork } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { sql } from 'kysely';
import { areas, households, HEADERS, mulberry32, TOWNSHIPS, VILLAGES_PER_TOWNSHIP, writeCsv, type GenRow } from './fixtures/households-csv.ts';
import { kindSpec } from '../src/core/registry/kinds.ts';
import { importFile, type ImportReport } from '../src/services/import/import.service.ts';
import { openStore, type Store } from '../src/store/db.ts';

const runStart = performance.now();

// ---------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    'xlsx-rows': { type: 'string' },
    seed: { type: 'string' },
    pg: { type: 'string' },
    'no-pg': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const wholeNumber = (name: string, raw: string | undefined, fallback: number, min = 0): number => {
  const v = raw === undefined || raw === '' ? fallback : Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(v) || v < min) {
    console.error(`--${name} must be a whole number ≥ ${min} (got ${raw})`);
    process.exit(2);
  }
  return v;
};
const ROWS = wholeNumber('rows', args.rows ?? process.env.KAOHE_BENCH_ROWS, 1_000_000, 1);
const XLSX_ROWS = wholeNumber('xlsx-rows', args['xlsx-rows'] ?? process.env.KAOHE_BENCH_XLSX_ROWS, Math.max(1, Math.round(ROWS / 10)));
const SEED = wholeNumber('seed', args.seed ?? process.env.KAOHE_BENCH_SEED, 20200101);
const PG_URL = args['no-pg'] ? undefined : (args.pg ?? process.env.KAOHE_BENCH_PG ?? process.env.KAOHE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test');
const SQLITE3 = '/usr/bin/sqlite3';
const GIB = 1024 ** 3;
/** Dates after today are errors on import; the generated data is all before 2021. */
const TODAY = new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Deterministic data

async function writeXlsx(path: string, rows: Iterable<GenRow>): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('贫困户');
  ws.addRow(HEADERS).commit();
  let n = 0;
  for (const r of rows) {
    ws.addRow(r).commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return n;
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measured<T> {
  value: T;
  ms: number;
  /** Highest RSS sampled (every 100 ms) while it ran, bytes. */
  peakRss: number;
  /** process.resourceUsage().maxRSS after it ran (the process's peak so far), bytes. */
  maxRss: number;
  /** CPU time (user + system, all threads of this process) it took: less swayed by other work on the machine than `ms`. */
  cpuMs: number;
}

async function measure<T>(work: () => Promise<T> | T): Promise<Measured<T>> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, 100);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await work();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms, peakRss: peak, maxRss: process.resourceUsage().maxRSS * 1024, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMiB = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MiB`;
const fmtInt = (n: number) => n.toLocaleString('en-US');
const perSec = (rows: number, ms: number) => fmtInt(Math.round((rows * 1000) / ms));
const log = (s: string) => console.log(s);

let failed = false;
function verify(what: string, got: number, want: number): void {
  if (got === want) log(`  check:  ${fmtInt(got)} rows in the table ✓`);
  else {
    failed = true;
    console.error(`  CHECK FAILED (${what}): ${fmtInt(got)} rows in the table, expected ${fmtInt(want)}`);
  }
}
function checkReport(what: string, r: ImportReport, want: number): void {
  if (r.committed && r.rows === want && r.inserted === want && r.problems.length === 0) return;
  failed = true;
  console.error(
    `  IMPORT FAILED (${what}): committed ${r.committed}, rows ${r.rows}, inserted ${r.inserted}, updated ${r.updated}, problems ${r.problems.length}` +
      r.problems
        .slice(0, 5)
        .map((p) => `\n    row ${p.row} ${p.column ?? ''} ${p.value ?? ''}: ${p.message}`)
        .join(''),
  );
}

/** Progress on stderr (a terminal only), every 10,000 rows from the importer. */
const progress = (label: string) =>
  process.stderr.isTTY
    ? (p: { rows: number; bytesRead: number; totalBytes: number; elapsedMs: number }) =>
        process.stderr.write(`\r  ${label}: ${fmtInt(p.rows)} rows, ${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}% read, ${fmtMs(p.elapsedMs)}   `)
    : undefined;
const endProgress = () => process.stderr.isTTY && process.stderr.write('\r\x1b[K');

interface SummaryRow {
  what: string;
  rows: number;
  ms: number;
  cpuMs?: number;
  peakRss?: number;
  maxRss?: number;
  note?: string;
}
const summary: SummaryRow[] = [];

/** What a concurrent writer (bench/concurrent-writer.ts) met while an import ran, and before it. */
interface WriterFigures {
  /** Writes begun during the import; failed ones among them. */
  during: number;
  failed: number;
  errors: string[];
  /** Longest and median time a write took during the import, and in the second before it (the baseline), ms. */
  longest: number;
  median: number;
  idleLongest: number;
  idleMedian: number;
}
const writerSummary: Array<{ what: string; importMs: number; w: WriterFigures }> = [];

/** Starts a writer process on the store's database; resolves once it runs. */
async function startWriter(store: Store) {
  const child = fork(new URL('./concurrent-writer.ts', import.meta.url).pathname, [store.url, ...(store.dialect === 'postgres' && store.pgSchema ? [store.pgSchema] : [])], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the concurrent writer stopped (exit ${code})`)));
  });
  return {
    async stop(from: number, to: number): Promise<WriterFigures> {
      const got = new Promise<{ samples: Array<[number, number]>; errors: string[] }>((resolve) => child.once('message', (m) => resolve(m as never)));
      child.send('stop');
      const { samples, errors } = await got;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      const during = samples.filter(([at]) => at >= from && at <= to);
      const idle = samples
        .filter(([at]) => at < from)
        .map(([, ms]) => ms)
        .filter((ms) => ms >= 0);
      const ok = during.map(([, ms]) => ms).filter((ms) => ms >= 0);
      return {
        during: during.length,
        failed: during.length - ok.length,
        errors,
        longest: Math.max(...ok),
        median: median(ok),
        idleLongest: Math.max(...idle),
        idleMedian: median(idle),
      };
    },
  };
}

/**
 * Imports the areas (untimed), then times the households file, while another process writes
 * every 100 ms (the second before the import is its baseline).
 */
async function kaoheImport(store: Store, label: string, areasCsv: string, file: string, rows: number): Promise<Measured<ImportReport> & { writer: WriterFigures }> {
  const a = await importFile(store, 'areas', areasCsv, { today: TODAY });
  const areaCount = 1 + TOWNSHIPS + TOWNSHIPS * VILLAGES_PER_TOWNSHIP;
  checkReport(`${label} areas`, a, areaCount);
  const writer = await startWriter(store);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const from = Date.now();
  const m = await measure(() => importFile(store, 'households', file, { today: TODAY, onProgress: progress(label) }));
  const to = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const w = await writer.stop(from, to);
  endProgress();
  checkReport(label, m.value, rows);
  if (w.failed > 0 || w.during === 0) {
    failed = true;
    console.error(`  CONCURRENT WRITER (${label}): ${w.failed} of ${w.during} writes during the import failed: ${w.errors.join('; ')}`);
  }
  writerSummary.push({ what: label, importMs: m.ms, w });
  return { ...m, writer: w };
}

const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

/** The writer's figures, one line. */
function writerLine(w: WriterFigures, importMs: number): string {
  return (
    `  writer: ${w.during} read-then-write transactions from another process during the import, ${w.failed} failed; ` +
    `longest wait ${fmtMs(w.longest)} (median ${fmtMs(w.median)}) beside ${fmtMs(w.idleLongest)} (median ${fmtMs(w.idleMedian)}) with no import: ` +
    `${times(w.longest / w.idleLongest)} the idle longest, ${((100 * w.longest) / importMs).toFixed(1)}% of the import's time`
  );
}

async function countHouseholds(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('households')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------------------------------------------------------------------------------------------
// The run

const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-import-'));
const areasCsv = join(dir, 'areas.csv');
const householdsCsv = join(dir, 'households.csv');
const householdsXlsx = join(dir, 'households.xlsx');

async function main(): Promise<void> {
  log(`kaohe import benchmark: ${fmtInt(ROWS)} households (CSV), ${fmtInt(XLSX_ROWS)} (xlsx), seed ${SEED}, node ${process.version}`);
  log(`  files in ${dir}${args.keep ? ' (kept)' : ''}; ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)} (other work on the machine slows every figure)`);

  // 1. Data.
  const { csv, villages } = areas(ROWS, mulberry32(SEED));
  {
    const fd = openSync(areasCsv, 'w');
    writeSync(fd, csv);
    closeSync(fd);
  }
  const gen = await measure(() => writeCsv(householdsCsv, households(villages, ROWS, SEED)));
  const csvBytes = statSync(householdsCsv).size;
  log(`\nCSV written: ${fmtInt(gen.value)} rows, ${(csvBytes / 1024 ** 2).toFixed(1)} MiB, ${villages.length} villages, in ${fmtMs(gen.ms)} (untimed for the imports)`);

  // 2. Kaohe into SQLite.
  log(`\n[1] Kaohe importFile('households', CSV) → fresh SQLite file (full validation, staged, merged in one transaction)`);
  const sqliteStore = await openStore({ url: join(dir, 'kaohe-csv.db') });
  let kaohe: { ms: number; cpuMs: number };
  try {
    const m = await kaoheImport(sqliteStore, 'SQLite CSV', areasCsv, householdsCsv, ROWS);
    kaohe = m;
    log(`  time:   ${fmtMs(m.ms)}  (${perSec(ROWS, m.ms)} rows/s), CPU ${fmtMs(m.cpuMs)}; inserted ${fmtInt(m.value.inserted)}, problems ${m.value.problems.length}`);
    log(`  memory: peak RSS ${fmtMiB(m.peakRss)} (sampled), maxRSS ${fmtMiB(m.maxRss)}  — target < 1 GiB: ${m.peakRss < GIB && m.maxRss < GIB ? 'met' : 'MISSED'}`);
    log(writerLine(m.writer, m.ms));
    verify('SQLite CSV', await countHouseholds(sqliteStore), ROWS);
    summary.push({ what: 'Kaohe → SQLite, CSV', rows: ROWS, ms: m.ms, cpuMs: m.cpuMs, peakRss: m.peakRss, maxRss: m.maxRss });
  } finally {
    await sqliteStore.close();
  }

  // 3. The sqlite3 shell's .import.
  log(`\n[2] Baseline: sqlite3 .import --csv --skip 1 → fresh database, plain table of the same 21 columns`);
  let sqlite3Ms: number | undefined;
  if (!existsSync(SQLITE3)) {
    log(`  skipped: ${SQLITE3} is missing (install it: apt-get install sqlite3)`);
  } else {
    const version = execFileSync(SQLITE3, ['--version'], { encoding: 'utf8' }).split(' ')[0];
    const table = baselineTable();
    const plain = sqlite3Import(join(dir, 'sqlite3-plain.db'), table, []);
    sqlite3Ms = plain.ms;
    log(`  sqlite3 ${version}: ${fmtMs(plain.ms)}  (${perSec(ROWS, plain.ms)} rows/s), CPU ${fmtMs(plain.cpuMs)}`);
    verify('sqlite3 plain', plain.count, ROWS);
    summary.push({ what: 'sqlite3 .import (plain table)', rows: ROWS, ms: plain.ms, cpuMs: plain.cpuMs, note: 'child process' });
    const indexed = sqlite3Import(join(dir, 'sqlite3-indexed.db'), table, [
      'create unique index households_no on households(household_no);',
      'create index households_village on households(village_code);',
      'create index households_head_id on households(head_id_number);',
    ]);
    log(`  for reference, with Kaohe's three indexes on the table: ${fmtMs(indexed.ms)}  (${perSec(ROWS, indexed.ms)} rows/s), CPU ${fmtMs(indexed.cpuMs)}`);
    verify('sqlite3 indexed', indexed.count, ROWS);
    summary.push({ what: 'sqlite3 .import (+ Kaohe indexes)', rows: ROWS, ms: indexed.ms, cpuMs: indexed.cpuMs, note: 'reference only' });
    const ratio = kaohe.ms / plain.ms;
    log(`  ratio:  Kaohe / sqlite3 = ${ratio.toFixed(2)}×  — target within 3×: ${ratio <= 3 ? 'met' : 'MISSED'}  (vs. indexed table: ${(kaohe.ms / indexed.ms).toFixed(2)}×)`);
    log(`          by CPU time: ${(kaohe.cpuMs / plain.cpuMs).toFixed(2)}×  (vs. indexed table: ${(kaohe.cpuMs / indexed.cpuMs).toFixed(2)}×)`);
  }

  // 4. xlsx.
  log(`\n[3] ${fmtInt(XLSX_ROWS)} households as .xlsx → fresh SQLite file`);
  const wx = await measure(() => writeXlsx(householdsXlsx, take(households(villages, ROWS, SEED), XLSX_ROWS)));
  log(`  written with exceljs' streaming WorkbookWriter: ${fmtMs(wx.ms)}, ${(statSync(householdsXlsx).size / 1024 ** 2).toFixed(1)} MiB (not part of the import time)`);
  summary.push({ what: 'write .xlsx (exceljs stream)', rows: wx.value, ms: wx.ms, peakRss: wx.peakRss, note: 'generation, not import' });
  const xlsxStore = await openStore({ url: join(dir, 'kaohe-xlsx.db') });
  try {
    const m = await kaoheImport(xlsxStore, 'SQLite xlsx', areasCsv, householdsXlsx, wx.value);
    log(`  import: ${fmtMs(m.ms)}  (${perSec(wx.value, m.ms)} rows/s), CPU ${fmtMs(m.cpuMs)}`);
    log(writerLine(m.writer, m.ms));
    log(`  memory: peak RSS ${fmtMiB(m.peakRss)} (sampled), maxRSS ${fmtMiB(m.maxRss)} (process peak so far)`);
    verify('SQLite xlsx', await countHouseholds(xlsxStore), wx.value);
    summary.push({ what: 'Kaohe → SQLite, xlsx', rows: wx.value, ms: m.ms, cpuMs: m.cpuMs, peakRss: m.peakRss, maxRss: m.maxRss });
  } finally {
    await xlsxStore.close();
  }

  // 5. PostgreSQL.
  log(`\n[4] Kaohe importFile('households', CSV) → PostgreSQL`);
  if (!PG_URL || PG_URL === 'off') {
    log('  skipped (--no-pg / KAOHE_BENCH_PG=off)');
  } else {
    const shownUrl = PG_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    const reason = await pgAnswers(PG_URL);
    if (reason) {
      log(`  skipped: no PostgreSQL server answers at ${shownUrl} (${reason}); set KAOHE_BENCH_PG to one`);
    } else {
      const schema = `kaohe_bench_${process.pid}`;
      const store = await openPgStore(PG_URL, schema);
      try {
        const m = await kaoheImport(store, 'PostgreSQL CSV', areasCsv, householdsCsv, ROWS);
        log(`  ${shownUrl}, schema ${schema}`);
        log(`  time:   ${fmtMs(m.ms)}  (${perSec(ROWS, m.ms)} rows/s), CPU here ${fmtMs(m.cpuMs)} (the rest is the server's)`);
        log(`  memory: peak RSS ${fmtMiB(m.peakRss)} (sampled), maxRSS ${fmtMiB(m.maxRss)} (process peak so far)`);
        log(writerLine(m.writer, m.ms));
        if (sqlite3Ms !== undefined) log(`  ratio:  Kaohe on PostgreSQL / sqlite3 .import = ${(m.ms / sqlite3Ms).toFixed(2)}×`);
        verify('PostgreSQL CSV', await countHouseholds(store), ROWS);
        summary.push({ what: 'Kaohe → PostgreSQL, CSV', rows: ROWS, ms: m.ms, cpuMs: m.cpuMs, peakRss: m.peakRss, maxRss: m.maxRss, note: 'CPU: this process only' });
      } finally {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db).catch((e: Error) => console.error(`  could not drop schema ${schema}: ${e.message}`));
        await store.close();
      }
    }
  }

  // Summary.
  const base = summary.find((s) => s.what.startsWith('sqlite3 .import (plain'));
  log(`\nSummary (${fmtInt(ROWS)} rows; ratio = time / sqlite3 .import of the same CSV)`);
  const table = [
    ['', 'rows', 'time', 'rows/s', 'ratio', 'CPU', 'peak RSS', 'maxRSS', ''],
    ...summary.map((s) => [
      s.what,
      fmtInt(s.rows),
      fmtMs(s.ms),
      perSec(s.rows, s.ms),
      base && s.rows === base.rows && !s.what.startsWith('write') ? `${(s.ms / base.ms).toFixed(2)}×` : '',
      s.cpuMs === undefined ? '' : fmtMs(s.cpuMs),
      s.peakRss === undefined ? '' : fmtMiB(s.peakRss),
      s.maxRss === undefined ? '' : fmtMiB(s.maxRss),
      s.note ?? '',
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const r of table)
    log(
      '  ' +
        r
          .map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
          .join('  ')
          .trimEnd(),
    );
  log(`  (maxRSS is the process's peak up to the end of that step; peak RSS is sampled every 100 ms during it)`);
  log(`\nA writer beside each import (another process, a read-then-write transaction every 100 ms; baseline: the second before the import)`);
  const wtable = [
    ['', 'import', 'writes', 'failed', 'longest wait', 'median', 'idle longest', 'idle median', 'longest / idle', 'longest / import'],
    ...writerSummary.map(({ what, importMs, w }) => [
      what,
      fmtMs(importMs),
      String(w.during),
      String(w.failed),
      fmtMs(w.longest),
      fmtMs(w.median),
      fmtMs(w.idleLongest),
      fmtMs(w.idleMedian),
      times(w.longest / w.idleLongest),
      `${((100 * w.longest) / importMs).toFixed(1)}%`,
    ]),
  ];
  const wwidths = wtable[0]!.map((_, c) => Math.max(...wtable.map((r) => r[c]!.length)));
  for (const r of wtable)
    log(
      '  ' +
        r
          .map((cell, c) => (c === 0 ? cell.padEnd(wwidths[c]!) : cell.padStart(wwidths[c]!)))
          .join('  ')
          .trimEnd(),
    );
  log(`  run time: ${fmtMs(performance.now() - runStart)} in all; load average now ${loadavg()[0]!.toFixed(1)}`);
}

/** The households table for the baseline: the kind's 21 columns, integer where Kaohe stores integers. */
function baselineTable(): string {
  const integer = new Set(['int', 'year', 'money', 'bool']);
  const cols = kindSpec('households')!.fields.map((f) => `"${f.key}" ${integer.has(f.type.kind) ? 'integer' : 'text'}`);
  return `create table households (${cols.join(', ')});`;
}

/**
 * Runs the sqlite3 shell on the script (on stdin), timed from here. It runs under bash only so that
 * bash's `times` can report the shell's CPU time afterwards (its children's user and system time).
 */
function sqlite3Import(db: string, table: string, indexes: string[]): { ms: number; cpuMs: number; count: number } {
  const script = [
    '.bail on',
    '.mode csv',
    table,
    ...indexes,
    `.import --csv --skip 1 '${householdsCsv.replace(/'/g, "''")}' households`,
    '.mode list',
    'select count(*) from households;',
    '',
  ].join('\n');
  const t0 = performance.now();
  const out = execFileSync('/bin/bash', ['-c', '"$0" "$1" && times', SQLITE3, db], { input: script, encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = performance.now() - t0;
  const lines = out.trim().split('\n');
  // `times`: the shell's user and system time, then its children's: "0m2.345s 0m0.120s".
  const seconds = (t: string) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  const cpuMs =
    1000 *
    lines[lines.length - 1]!.split(' ')
      .map(seconds)
      .reduce((a, b) => a + b, 0);
  return { ms, cpuMs, count: Number(lines[lines.length - 3]) };
}

/**
 * Opens (and migrates) the store in its own schema. Kysely's migrator lists the tables of every
 * schema in the database; when tests running at the same time drop their schema in between, it
 * fails with 'schema "…" does not exist'. That is someone else's schema: try again.
 */
async function openPgStore(url: string, schema: string): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStore({ url, pgSchema: schema });
    } catch (e) {
      // openStore created the schema before its migrations failed: drop it, whatever comes next.
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop schema if exists "${schema}" cascade`).finally(() => cleanup.end());
      const message = (e as Error).message;
      if (attempt >= 5 || !/schema "(?!kaohe_bench_)[^"]*" does not exist/.test(message)) throw e;
      log(`  (migrations met a schema dropped meanwhile by another process; trying again: ${message})`);
    }
  }
}

/** Undefined when a PostgreSQL server answers `select 1`; otherwise why not. */
async function pgAnswers(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return (e as Error).message || (e as { code?: string }).code || String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

try {
  await main();
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.error('\nbench:import FAILED (see above)');
  process.exit(1);
}
