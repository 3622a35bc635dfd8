/**
 * A large import on two threads (a worker reads and validates, the importing thread stages the
 * rows; the indexes deferred in the merge) against the same import on one thread: the same reports (problems, counts,
 * progress), the same rows in the tables, the same indexes after it, for files with problems of
 * every sort spread through them, for valid files, re-imports and dry runs.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../../test/stores.ts';
import { H1, idNumber, IDS, manyHouseholds, seed, stored, tempDir, TODAY, VALID, writeCsv, type Value } from '../../../test/registry-fixtures.ts';
import type { Store } from '../../store/db.ts';
import { importFile, importTuning, type ImportOptions, type ImportReport } from './import.service.ts';

const tmp = tempDir('kaohe-pipeline-');
afterAll(() => tmp.remove());

const H = VALID.households.headers;
const col = (h: string) => H.indexOf(h);

/** n households; `spoil(i, row)` may change row i (a copy of a valid row). */
const households = manyHouseholds;

/** Problems of every sort, here and there in 30,000 rows (and an empty line or two). */
function spoiled(i: number, r: Value[]): void {
  if (i === 5) r[col('户主身份证号')] = '522425196805120018'; // check character
  if (i === 777) r[col('户编号')] = `5224251002${String(700).padStart(8, '0')}`; // duplicate of row 702
  if (i === 4321) r[col('户主身份证号')] = IDS.wangDashan; // the head of H1 in the registry
  if (i === 4322) r[col('户主身份证号')] = idNumber('522425', '19500101', '100'); // the head of row 2
  if (i === 9000) r[col('村区划代码')] = '522425999999'; // no such village
  if (i === 12_345) r[col('劳动力人数')] = '9'; // more than the household size
  if (i === 15_000) r.fill('');
  if (i === 20_000) r[col('年度')] = '20'; // not a year
  if (i === 29_999) r[col('贫困户属性')] = '五保贫困户'; // not in the code list in 2020
}

type Mode = 'one thread' | 'two threads';

async function run(store: Store, mode: Mode, file: string, options: ImportOptions = {}): Promise<{ report: Omit<ImportReport, 'elapsedMs'>; progress: number[] }> {
  const saved = { ...importTuning };
  if (mode === 'two threads') Object.assign(importTuning, { workerMinBytes: 0, batch: 997, deferIndexesAt: 5_000 });
  else Object.assign(importTuning, { workerMinBytes: Infinity });
  try {
    const progress: number[] = [];
    const { elapsedMs: _, ...report } = await importFile(store, 'households', file, { today: TODAY, ...options, onProgress: (p) => progress.push(p.rows) });
    return { report, progress };
  } finally {
    Object.assign(importTuning, saved);
  }
}

async function indexes(store: Store): Promise<string[]> {
  if (store.dialect === 'sqlite') {
    return (
      store.sqlite!.prepare(`select name || ': ' || coalesce(sql, '') as i from sqlite_master where type = 'index' and tbl_name = 'households' order by name`).all() as Array<{
        i: string;
      }>
    ).map((r) => r.i);
  }
  const r = await sql<{
    i: string;
  }>`select indexname || ': ' || indexdef as i from pg_indexes where schemaname = ${store.pgSchema!} and tablename = 'households' order by indexname`.execute(store.db);
  return r.rows.map((x) => x.i.replace(` ${store.pgSchema}.`, ' '));
}

for (const target of storeTargets()) {
  describe(`one thread or two, on ${target.dialect}`, () => {
    const opened: Store[] = [];
    afterAll(async () => {
      for (const s of opened) await s.close();
    });
    /** A fresh store per mode, with the areas and the three valid households. */
    const stores = async (): Promise<Record<Mode, Store>> => {
      const out = {} as Record<Mode, Store>;
      for (const mode of ['one thread', 'two threads'] as const) {
        const store = await target.open();
        opened.push(store);
        await seed(store, tmp.dir, ['areas', 'households']);
        out[mode] = store;
      }
      return out;
    };
    const both = async (s: Record<Mode, Store>, file: string, options: ImportOptions = {}) => {
      const one = await run(s['one thread'], 'one thread', file, options);
      const two = await run(s['two threads'], 'two threads', file, options);
      expect(two).toEqual(one);
      expect(await stored(s['two threads'], 'households')).toEqual(await stored(s['one thread'], 'households'));
      expect(await indexes(s['two threads'])).toEqual(await indexes(s['one thread']));
      return one;
    };

    it('reports the same problems, in the same order, and writes nothing', async () => {
      const s = await stores();
      const file = writeCsv(join(tmp.dir, 'spoiled.csv'), households(30_000, spoiled));
      const { report, progress } = await both(s, file);
      expect(report).toMatchObject({ rows: 29_999, committed: false, inserted: 0, updated: 0, truncated: false });
      expect(report.problems.map((p) => [p.row, p.message])).toEqual([
        [7, 'the check character (last character) does not match: a digit is mistyped'],
        [779, 'duplicate of row 702'],
        [4323, `already the head of household ${H1} in the registry`],
        [4324, 'the same head ID number as row 2'],
        [9002, 'no such village in the registry (import areas first)'],
        [12_347, 'more than the household size (5)'],
        [20_002, 'not a year'],
        [30_001, expect.stringMatching(/^not in the code list/)],
      ]);
      expect(progress).toEqual([10_000, 20_000, 29_999]);
      expect(await stored(s['one thread'], 'households')).toHaveLength(3);
      // The registry's heads asked for a batch of rows at a time (a county's file into a province's table), not read whole: the same.
      const readWholePerByte = importTuning.readWholePerByte;
      importTuning.readWholePerByte = 0;
      try {
        const byBatch = await both(s, file);
        expect(byBatch.report).toEqual(report);
      } finally {
        importTuning.readWholePerByte = readWholePerByte;
      }
      // Cut off after a few: the same few.
      const few = await both(s, file, { maxProblems: 3 });
      expect(few.report).toMatchObject({ truncated: true });
      expect(few.report.problems.map((p) => p.row)).toEqual([7, 779, 4323]);
      expect(few.progress).toEqual([10_000, 20_000, 29_999]);
    });

    it('writes the same rows, updates the same rows, and builds the same indexes; a dry run counts the same', async () => {
      const s = await stores();
      const file = writeCsv(join(tmp.dir, 'valid.csv'), households(12_000));
      const dry = await both(s, file, { dryRun: true });
      expect(dry.report).toMatchObject({ rows: 12_000, inserted: 12_000, updated: 0, committed: false, problems: [] });
      expect(await stored(s['one thread'], 'households')).toHaveLength(3);
      const first = await both(s, file);
      expect(first.report).toMatchObject({ rows: 12_000, inserted: 12_000, updated: 0, committed: true, problems: [] });
      expect(await stored(s['one thread'], 'households')).toHaveLength(12_003);
      // Again, with some rows changed and some new: updates and inserts, in batches of each.
      const again = writeCsv(
        join(tmp.dir, 'again.csv'),
        households(13_000, (i, r) => {
          if (i % 5 === 0) r[col('联系电话')] = '13912345678';
        }),
      );
      const second = await both(s, again);
      expect(second.report).toMatchObject({ rows: 13_000, inserted: 1_000, updated: 12_000, committed: true, problems: [] });
      expect((await stored(s['two threads'], 'households')).filter((h) => h.phone === '13912345678')).toHaveLength(2_600);
    });

    it('defers the indexes in the merge of a file at least a quarter the size of the table, not of a smaller one; never while the file is read', async () => {
      if (target.dialect !== 'sqlite') return;
      const s = await stores();
      const saved = { ...importTuning };
      const store = s['one thread'];
      const raw = store.sqlite!;
      try {
        Object.assign(importTuning, { workerMinBytes: Infinity, deferIndexesAt: 15_000, batch: 1_000 });
        const all = await indexes(store);
        // What the merge sees when it writes its first row: whether households_head_id is there.
        raw.exec(`create temp table seen (has_index integer)`);
        for (const event of ['insert', 'update']) {
          raw.exec(
            `create temp trigger seen_${event} after ${event} on main.households when not exists (select 1 from temp.seen) begin ` +
              `insert into seen select count(*) from main.sqlite_master where type = 'index' and name = 'households_head_id'; end`,
          );
        }
        const merged = () => {
          const r = raw.prepare('select has_index from temp.seen').all() as Array<{ has_index: number }>;
          raw.exec('delete from temp.seen');
          return r.map((x) => x.has_index === 1);
        };
        // While the file is read, the table is not touched: its indexes are all there.
        const during: boolean[] = [];
        const onProgress = () =>
          during.push((raw.prepare(`select count(*) as n from sqlite_master where type = 'index' and name = 'households_head_id'`).get() as { n: number }).n === 1);
        // 30,000 rows into 3: deferred.
        const big = writeCsv(join(tmp.dir, 'defer-30k.csv'), households(30_000));
        expect(await importFile(store, 'households', big, { today: TODAY, onProgress })).toMatchObject({ committed: true, inserted: 30_000 });
        expect(merged()).toEqual([false]);
        expect(during).toEqual([true, true, true, true]);
        expect(await indexes(store)).toEqual(all);
        // 90,000 (60,000 new) into 30,003: deferred.
        expect(await importFile(store, 'households', writeCsv(join(tmp.dir, 'defer-90k.csv'), households(90_000)), { today: TODAY })).toMatchObject({
          committed: true,
          inserted: 60_000,
        });
        expect(merged()).toEqual([false]);
        // 16,000 changed rows into 90,003: the indexes stay.
        const changed = households(16_000, (_, r) => (r[col('联系电话')] = '13900000000'));
        expect(await importFile(store, 'households', writeCsv(join(tmp.dir, 'defer-16k.csv'), changed), { today: TODAY })).toMatchObject({ committed: true, updated: 16_000 });
        expect(merged()).toEqual([true]);
        expect(await indexes(store)).toEqual(all);
      } finally {
        Object.assign(importTuning, saved);
        raw.exec('drop trigger if exists temp.seen_insert; drop trigger if exists temp.seen_update; drop table if exists temp.seen');
      }
    });

    it('a first load (PostgreSQL: straight into the empty table) reports and writes what the staged import does; a bad file leaves nothing', async () => {
      if (target.dialect !== 'postgres') return;
      const saved = { ...importTuning };
      const direct = await target.open();
      const staged = await target.open();
      // The rows handed over as values, not as the worker's COPY lines.
      const values = await target.open();
      opened.push(direct, staged, values);
      for (const store of [direct, staged, values]) await seed(store, tmp.dir, ['areas']);
      const load = async (store: Store, file: string, firstLoadMinBytes: number, copyLines = true, options: ImportOptions = {}, workerMinBytes = 0) => {
        Object.assign(importTuning, { workerMinBytes, batch: 997, firstLoadMinBytes, copyLines });
        try {
          const { elapsedMs: _, ...report } = await importFile(store, 'households', file, { today: TODAY, ...options });
          return report;
        } finally {
          Object.assign(importTuning, saved);
        }
      };
      const bad = writeCsv(join(tmp.dir, 'first-spoiled.csv'), households(30_000, spoiled));
      const refused = await load(direct, bad, 1);
      expect(refused).toEqual(await load(staged, bad, Infinity));
      expect(refused.problems).toHaveLength(7);
      expect(await stored(direct, 'households')).toEqual([]);
      expect(await indexes(direct)).toEqual(await indexes(staged));
      // A name with a backslash (escaped in COPY's text) and a character outside the BMP (four bytes of UTF-8).
      const file = writeCsv(
        join(tmp.dir, 'first-valid.csv'),
        households(12_000, (i, r) => {
          if (i === 10) r[col('户主姓名')] = '王\\𠮷';
        }),
      );
      // A dry run into the empty table: the worker only counts the rows; the same report as this thread's.
      const dry = await load(direct, file, 1, true, { dryRun: true });
      expect(dry).toMatchObject({ rows: 12_000, inserted: 12_000, committed: false, problems: [] });
      expect(dry).toEqual(await load(direct, file, 1, true, { dryRun: true }, Infinity));
      expect(await load(direct, bad, 1, true, { dryRun: true })).toEqual(await load(direct, bad, 1, true, { dryRun: true }, Infinity));
      const first = await load(direct, file, 1);
      expect(first).toMatchObject({ rows: 12_000, inserted: 12_000, committed: true, problems: [] });
      expect(first).toEqual(await load(staged, file, Infinity));
      expect(first).toEqual(await load(values, file, Infinity, false));
      expect(await stored(direct, 'households')).toEqual(await stored(staged, 'households'));
      expect(await stored(values, 'households')).toEqual(await stored(staged, 'households'));
      // The same ids, in the order of the file.
      const ids = async (store: Store) => (await store.db.selectFrom('households').select(['id', 'household_no']).orderBy('id').execute()).map((h) => h.household_no);
      expect(await ids(direct)).toEqual(await ids(staged));
      expect(await ids(values)).toEqual(await ids(staged));
      expect((await stored(direct, 'households')).map((h) => h.head_name)).toContain('王\\𠮷');
      expect(await indexes(direct)).toEqual(await indexes(staged));
    });

    it('the file as a whole: a missing column is the same error', async () => {
      const s = await stores();
      const table = households(10);
      const file = writeCsv(join(tmp.dir, 'no-head.csv'), { headers: table.headers.map((h) => (h === '户主身份证号' ? '备注' : h)), rows: table.rows });
      const one = await run(s['one thread'], 'one thread', file).catch((e: Error) => e);
      const two = await run(s['two threads'], 'two threads', file).catch((e: Error) => e);
      expect(one).toMatchObject({ code: 'missing-columns' });
      expect(two).toEqual(one);
    });
  });
}
