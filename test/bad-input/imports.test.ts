/**
 * The bad-input corpus (test/fixtures/bad-input/, see its README.md) as a guarantee: every file
 * imported through the service (on SQLite and PostgreSQL, on the importing thread and a sample
 * through the validation worker), through POST /api/imports/:kind, and a sample through
 * `bin/kaohe import`. A bad file is refused with its code and its place (file, line, row, column)
 * in a bounded message, and leaves every registry table as it was; a valid one imports.
 */
import { inEnglish } from '../import-problems.ts';
import type { ImportProblem } from '../../src/contract/registry.ts';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KaoheError } from '../../src/core/errors.ts';
import { KINDS } from '../../src/core/registry/kinds.ts';
import { exportKind } from '../../src/services/import/export.service.ts';
import { importFile, importTuning, type ImportReport } from '../../src/services/import/import.service.ts';
import type { Store } from '../../src/store/db.ts';
import { startServer, signIn, type Client, type TestServer } from '../http.ts';
import { kaoheIn } from '../kaohe-cli.ts';
import { H1, seed, tempDir, VALID, writeCsv } from '../registry-fixtures.ts';
import { storeTargets } from '../stores.ts';
import { BAD_INPUT, CASES, caseOf, FORMULA_NAMES, generate, messageMatches, type Case } from './fixtures.ts';

const TODAY = '2021-06-30';
const SLOW = { timeout: 180_000 };
/** The longest a refusal's message may be. */
const MESSAGE_MAX = 1_000;
/** The largest an API answer to a bad file may be (a 1M-character cell once came back whole: 3 MB). */
const BODY_MAX = 16_000;

/** Refusals the API answers as a report with one whole-file problem (see RegistryFileService.importUpload); the others as a 400. */
const AS_REPORT = new Set(['missing-columns', 'missing-header', 'empty-file', 'no-data-rows']);

/** Every table an import writes to. */
const TABLES = [...new Set(KINDS.flatMap((k) => [k.table, ...(k.parent ? [k.parent.table] : [])]))];

/** Each registry table's row count and a digest of its rows: what "nothing written" is checked by. */
async function snapshot(store: Store): Promise<Record<string, { rows: number; digest: string }>> {
  const db = store.db as unknown as import('kysely').Kysely<any>;
  const out: Record<string, { rows: number; digest: string }> = {};
  for (const table of TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
    out[table] = { rows: rows.length, digest: createHash('sha256').update(rows.join('\n')).digest('hex') };
  }
  return out;
}

const tmp = tempDir('kaohe-bad-input-');
afterAll(() => tmp.remove());
const generated = join(tmp.dir, 'generated');
beforeAll(() => {
  mkdirSync(generated, { recursive: true });
  generate(generated);
});
const pathOf = (c: Case) => join(c.generated ? generated : BAD_INPUT, c.file);

/** Checks an import's outcome against the case: `name` is how the messages name the file. */
function expectOutcome(c: Case, name: string, outcome: { report?: ImportReport; error?: unknown }): void {
  const e = c.expect;
  if ('refused' in e) {
    expect(outcome.error, `${c.file}: ${JSON.stringify(outcome.report?.problems)}`).toBeInstanceOf(KaoheError);
    const error = outcome.error as KaoheError;
    expect(error.code, error.message).toBe(e.refused);
    expect(messageMatches(error.message, name, e.tail), error.message).toBe(true);
    expect(error.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
    return;
  }
  expect(outcome.error, String(outcome.error)).toBeUndefined();
  const report = outcome.report!;
  expect(JSON.stringify(report).length).toBeLessThanOrEqual(BODY_MAX);
  if (c.file === 'wide-header.csv') expect(report.ignoredColumns).toEqual([...Array.from({ length: 50 }, (_, i) => `备用${i + 1}`), '…(200000 in all)']);
  if ('problems' in e) {
    expect(report.problems.map(inEnglish)).toEqual(e.problems);
    expect(report).toMatchObject({ committed: false, inserted: 0, updated: 0 });
  } else {
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ committed: true, rows: e.imports });
  }
}

describe.each(storeTargets())('bad input through the import service ($dialect)', SLOW, (target) => {
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
    await seed(store, tmp.dir, ['areas', 'households', 'members']);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  const run = (c: Case) =>
    importFile(store, c.kind, pathOf(c), { today: TODAY }).then(
      (report) => ({ report }),
      (error: unknown) => ({ error }),
    );

  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const before = await snapshot(store);
    const outcome = await run(c);
    expectOutcome(c, pathOf(c), outcome);
    if (!('imports' in c.expect)) expect(await snapshot(store)).toEqual(before);
  });

  it('reads a workbook without r attributes as the same rows as the CSV: the households, unchanged', async () => {
    const before = await snapshot(store);
    const report = await importFile(store, 'households', pathOf(caseOf('no-r-attributes.xlsx')), { today: TODAY });
    expect(report).toMatchObject({ committed: true, rows: 3, updated: 3, inserted: 0, problems: [] });
    // The same values as the seeded VALID households, every cell in its column.
    expect(await snapshot(store)).toEqual(before);
  });

  it('stores a note’s line break as LF, and formula-looking text as text', async () => {
    const db = store.db;
    const note = await db.selectFrom('visits').select('content').where('visitor_name', '=', '李明').where('date', '=', '2020-04-01').executeTakeFirstOrThrow();
    expect(note.content).toBe('第一行：了解收入\n第二行：宣讲政策');
    const names = (await db.selectFrom('visits').select('visitor_name').where('date', '>=', '2020-03-11').where('date', '<=', '2020-03-14').orderBy('date').execute()).map(
      (r) => r.visitor_name,
    );
    expect(names).toEqual(FORMULA_NAMES);
  });

  it('exports formula-looking text so no spreadsheet runs it: CSV with a leading apostrophe, xlsx as text cells', async () => {
    const csv = join(tmp.dir, `visits-${target.dialect}.csv`);
    await exportKind(store, 'visits', csv, { format: 'csv' });
    const rows = parseCsv(readFileSync(csv, 'utf8'), { bom: true }) as string[][];
    const name = VALID.visits.headers.indexOf('走访人姓名');
    const content = VALID.visits.headers.indexOf('走访内容');
    for (const f of FORMULA_NAMES) expect(rows.map((r) => r[name])).toContain(`'${f}`);
    expect(rows.map((r) => r[content])).toContain(`'=HYPERLINK("http://example.com","点击")`);
    const xlsx = join(tmp.dir, `visits-${target.dialect}.xlsx`);
    await exportKind(store, 'visits', xlsx, { format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const cells: ExcelJS.Cell[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((cell) => cells.push(cell)));
    const formulaLike = cells.filter((cell) => typeof cell.value === 'string' && /^[=+\-@]/.test(cell.value));
    expect(formulaLike.map((cell) => cell.value)).toEqual(expect.arrayContaining(FORMULA_NAMES));
    for (const cell of cells) expect(cell.type, String(cell.value)).not.toBe(ExcelJS.ValueType.Formula);
  });

  it('never exports a NUL or ESC, even one an older import let in', async () => {
    const db = store.db;
    const household = await db.selectFrom('households').select('id').where('household_no', '=', H1).executeTakeFirstOrThrow();
    // PostgreSQL's text holds no NUL at all; SQLite's does.
    const bad = target.dialect === 'sqlite' ? '旧\u0000数\u001b据' : '旧\u001b数\u001b据';
    await db
      .insertInto('visits')
      .values({ household_id: household.id, visitor_role: 'helper', visitor_name: bad, visitor_id_number: null, date: '2019-01-02', content: `a\u0007b` })
      .execute();
    try {
      const csv = join(tmp.dir, `nul-${target.dialect}.csv`);
      await exportKind(store, 'visits', csv, { format: 'csv' });
      const bytes = readFileSync(csv);
      expect(bytes.includes(0x00)).toBe(false);
      expect(bytes.includes(0x1b)).toBe(false);
      expect(bytes.includes(0x07)).toBe(false);
      expect(bytes.toString('utf8')).toContain('旧\ufffd数\ufffd据');
      const xlsx = join(tmp.dir, `nul-${target.dialect}.xlsx`);
      await exportKind(store, 'visits', xlsx, { format: 'xlsx' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsx);
      const values: unknown[] = [];
      wb.worksheets[0]!.eachRow((row) => values.push(...(row.values as unknown[])));
      expect(values).toContain('旧\ufffd数\ufffd据');
    } finally {
      await db.deleteFrom('visits').where('date', '=', '2019-01-02').execute();
    }
  });

  describe('through the validation worker (as a file of 4 MiB or more goes)', () => {
    const SAMPLE = [
      'mixed-after-sample.csv',
      'gbk-bad-sequence.csv',
      'control-chars.csv',
      'long-cell.csv',
      'no-header.csv',
      'header-only.xlsx',
      'zip-bomb-lying.xlsx',
      'no-r-attributes.xlsx',
    ];
    const workerMinBytes = importTuning.workerMinBytes;
    beforeAll(() => {
      importTuning.workerMinBytes = 0;
    });
    afterAll(() => {
      importTuning.workerMinBytes = workerMinBytes;
    });
    it.each(SAMPLE)('%s', async (file) => {
      const c = caseOf(file);
      const before = await snapshot(store);
      expectOutcome(c, pathOf(c), await run(c));
      if (!('imports' in c.expect)) expect(await snapshot(store)).toEqual(before);
    });
  });
});

describe.each(storeTargets())('bad input through POST /api/imports/:kind ($dialect)', SLOW, (target) => {
  let server: TestServer;
  let admin: Client;
  beforeAll(async () => {
    server = await startServer(target, { clock: () => new Date(`${TODAY}T08:00:00Z`) });
    await seed(server.store, tmp.dir, ['areas', 'households', 'members']);
    await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'office', role: 'admin', password: 'a-long-test-password' });
    admin = await signIn(server.app, 'office', 'a-long-test-password');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  function upload(kind: string, name: string, content: Buffer) {
    const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return admin.request('POST', `/api/imports/${kind}`, payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  }

  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const before = await snapshot(server.store);
    const res = await upload(c.kind, c.file, readFileSync(pathOf(c)));
    expect(res.body.length, res.body.slice(0, 300)).toBeLessThanOrEqual(BODY_MAX);
    const body = res.json();
    const e = c.expect;
    if ('refused' in e && AS_REPORT.has(e.refused)) {
      expect(res.statusCode, res.body).toBe(200);
      expect(body).toMatchObject({ committed: false, problems: [{ row: 0, code: e.refused }] });
      expect(body.problems).toHaveLength(1);
      expect(messageMatches(body.problems[0].message, c.file, e.tail), body.problems[0].message).toBe(true);
    } else if ('refused' in e) {
      expect(res.statusCode, res.body).toBe(400);
      expect(body.error.code, res.body).toBe(e.refused);
      expect(messageMatches(body.error.message, c.file, e.tail), body.error.message).toBe(true);
      expect(body.error.message).not.toContain('upload-'); // the temporary copy's name
    } else if ('problems' in e) {
      expect(res.statusCode, res.body).toBe(200);
      expect(body).toMatchObject({ committed: false, inserted: 0, updated: 0 });
      expect((body.problems as ImportProblem[]).map(inEnglish)).toEqual(e.problems);
      expect(body.errorsFile).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } else {
      expect(res.statusCode, res.body).toBe(200);
      expect(body).toMatchObject({ committed: true, rows: e.imports, problems: [] });
    }
    if (!('imports' in e)) expect(await snapshot(server.store)).toEqual(before);
  });

  it('writes the errors file of a file with control characters and a 1M-character cell as a workbook Excel opens', async () => {
    for (const file of ['control-chars.csv', 'long-cell.csv']) {
      const c = caseOf(file);
      const body = (await upload(c.kind, c.file, readFileSync(pathOf(c)))).json();
      const res = await admin.get(`/api/imports/errors/${body.errorsFile}`);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const values: unknown[] = [];
      wb.worksheets[0]!.eachRow((row) => values.push(...(row.values as unknown[])));
      for (const v of values) if (typeof v === 'string') expect(v.length, file).toBeLessThanOrEqual(32_767);
      if (file === 'control-chars.csv') expect(values).toContain('王␀大山');
    }
  });
});

describe('bad input through bin/kaohe import (SQLite)', SLOW, () => {
  const dir = join(tmp.dir, 'cli');
  const { kaohe } = kaoheIn(tmp.dir, join(tmp.dir, 'cli-data'));
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    for (const kind of ['areas', 'households'] as const) {
      const r = await kaohe('import', kind, writeCsv(join(dir, `${kind}.csv`), VALID[kind]));
      expect(r.stderr).toBe('');
    }
  }, 60_000);

  // Whole-file refusals exit 2 with `kaohe: FILE: …`; rejected rows exit 1 naming row, column and (quoted) value; valid files exit 0.
  it.each([
    ['empty.csv', 2],
    ['mixed-utf8-gbk.csv', 2],
    ['utf16le-bom.csv', 2],
    ['zip-bomb.xlsx', 2],
    ['truncated.xlsx', 2],
    ['control-chars.csv', 1],
    ['long-cell.csv', 1],
    ['future-exit-year.csv', 1],
    ['no-r-attributes.xlsx', 0],
  ] as const)('%s: exit %i', async (file, status) => {
    const c = caseOf(file);
    const path = pathOf(c);
    const r = await kaohe('import', c.kind, path);
    expect(r.status, r.stderr).toBe(status);
    expect(r.stderr.length).toBeLessThanOrEqual(BODY_MAX);
    // Nothing a terminal would act on: no NUL, ESC or other control character but the line breaks.
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const e = c.expect;
    if ('refused' in e) {
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith('kaohe: ')).toBe(true);
      expect(messageMatches(r.stderr.slice('kaohe: '.length).trimEnd(), path, e.tail), r.stderr).toBe(true);
    } else if ('problems' in e) {
      expect(r.stdout).toBe('');
      // The CLI's today is the clock's: of the future years, 2099 stays in the future (2022 no longer is).
      const thisYear = new Date().getUTCFullYear();
      const lines = r.stderr.split('\n');
      for (const p of e.problems.filter((p) => file !== 'future-exit-year.csv' || p.value === '2099')) {
        const message = p.message.replace('(this year is 2021)', `(this year is ${thisYear})`);
        expect(lines, r.stderr).toContain(`  row ${p.row}, ${p.column}, 「${p.value}」: ${message}`);
      }
    } else {
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`imported ${e.imports} ${c.kind} rows`));
    }
  });
});
