/**
 * Staging for imports, on SQLite and PostgreSQL: staged rows are seen by no one until the merge;
 * the merge upserts them in one transaction (parents first), all or nothing; the non-unique
 * indexes deferred during it (SQLite) come back as they were, after a commit or a rollback; the
 * staging table is gone afterwards, however the work ended.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { openStore, type Store } from './db.ts';
import { StaleReference, withStage, type StagePlan, type Value } from './import-stage.ts';

const VILLAGE = '522425100201';

const indexes = async (store: Store, table: string): Promise<string[]> => {
  if (store.dialect === 'sqlite') {
    const rows = store.sqlite!.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? order by name`).all(table) as Array<{
      name: string;
      sql: string | null;
    }>;
    return rows.map((r) => `${r.name}: ${r.sql ?? '(constraint)'}`);
  }
  const r = await sql<{
    indexname: string;
    indexdef: string;
  }>`select indexname, indexdef from pg_indexes where schemaname = ${store.pgSchema!} and tablename = ${table} order by indexname`.execute(store.db);
  return r.rows.map((x) => `${x.indexname}: ${x.indexdef}`);
};

/** A PostgreSQL table's indexes and constraints, as their definitions. */
const tableShape = async (store: Store, table: 'work_teams'): Promise<string[]> => {
  const c = await sql<{ def: string }>`select conname || ' ' || pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass order by conname`.execute(
    store.db,
  );
  return [...(await indexes(store, table)), ...c.rows.map((r) => r.def)];
};

/** Staging tables (or databases) that exist now: SQLite's attached databases; PostgreSQL's TEMP tables of this process's imports. */
const stagings = async (store: Store): Promise<string[]> => {
  if (store.dialect === 'sqlite') return (store.sqlite!.pragma('database_list') as Array<{ name: string }>).map((d) => d.name).filter((n) => n !== 'main' && n !== 'temp');
  const r = await sql<{ relname: string }>`select relname from pg_class where relname like ${`import_stage_${process.pid}_%`}`.execute(store.db);
  return r.rows.map((x) => x.relname);
};

const HOUSEHOLD_COLUMNS = ['household_no', 'village_code', 'year', 'head_name', 'head_id_number', 'size', 'attribute', 'main_cause', 'status', 'phone'];
const householdPlan: StagePlan = { table: 'households', columns: HOUSEHOLD_COLUMNS, conflict: ['household_no'] };
const household = (i: number, phone: string | null = null, village = VILLAGE): Value[] => [
  `H${i}`,
  village,
  2020,
  `户主${i}`,
  `ID${i}`,
  1 + (i % 5),
  'general',
  'illness',
  'exited',
  phone,
];

const phones = async (store: Store) =>
  (await store.db.selectFrom('households').select(['household_no', 'phone']).orderBy('id').execute()).map((h) => `${h.household_no}:${h.phone ?? '-'}`);

for (const target of storeTargets()) {
  describe(`import staging on ${target.dialect}`, () => {
    let store: Store;
    let before: string[];
    beforeAll(async () => {
      store = await target.open();
      before = await indexes(store, 'households');
      await store.db.insertInto('areas').values({ code: '522425000000', level: 'county', name: '县' }).execute();
      await store.db.insertInto('areas').values({ code: '522425100000', level: 'township', name: '镇', parent_code: '522425000000' }).execute();
      await store.db.insertInto('areas').values({ code: VILLAGE, level: 'village', name: '村', parent_code: '522425100000' }).execute();
      await store.db
        .insertInto('households')
        .values({
          household_no: 'H1',
          village_code: VILLAGE,
          year: 2020,
          head_name: '户主1',
          head_id_number: 'ID1',
          size: 2,
          attribute: 'general',
          main_cause: 'illness',
          status: 'exited',
          phone: 'old',
        })
        .execute();
    });
    afterAll(() => store?.close());

    it('stages rows no one sees, then merges them in one go: new rows inserted in order, existing ones updated', async () => {
      // Another connection to the same database (the server, while the CLI imports).
      const other = store.dialect === 'sqlite' ? await openStore({ url: store.url, migrate: false }) : store;
      try {
        await withStage(store, householdPlan, async (stage) => {
          await stage.append([...household(3, 'p3'), ...household(1, 'new'), ...household(2, 'p2')]);
          await stage.append(household(4));
          expect(stage.rows).toBe(4);
          expect(await phones(other)).toEqual(['H1:old']);
          expect(await stagings(store)).toHaveLength(1);
          await stage.merge();
          expect(await phones(other)).toEqual(['H1:new', 'H3:p3', 'H2:p2', 'H4:-']);
        });
        expect(await stagings(store)).toEqual([]);
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('changes nothing and leaves nothing behind when the work throws before or during the merge', async () => {
      const was = await phones(store);
      await expect(
        withStage(store, householdPlan, async (stage) => {
          await stage.append(household(9, 'x'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      // A row that names a village not in the registry: the merge fails as a whole.
      await expect(
        withStage(store, householdPlan, async (stage) => {
          await stage.append([...household(1, 'changed'), ...household(10), ...household(11, null, '522425100299')]);
          await stage.merge({ deferIndexes: true });
        }),
      ).rejects.toBeInstanceOf(StaleReference);
      expect(await phones(store)).toEqual(was);
      expect(await indexes(store, 'households')).toEqual(before);
      expect(await stagings(store)).toEqual([]);
      // A stage with nothing appended merges nothing and creates nothing.
      await withStage(store, householdPlan, async (stage) => {
        await stage.merge();
        expect(await stagings(store)).toEqual([]);
      });
    });

    it('keeps text as it was: tabs, line breaks, backslashes, \\N and empty text are not read as COPY syntax, null stays null', async () => {
      const odd = ['a\tb', 'two\nlines\r\n', 'back\\slash \\N', '\\N', '', '户主\\t名'];
      // PostgreSQL's two ways in: COPY (the default) and the batched INSERT before it.
      for (const [k, pgStaging] of (['copy', 'insert'] as const).entries()) {
        const at = 30 + k * 10;
        await withStage(
          store,
          householdPlan,
          async (stage) => {
            await stage.append(odd.flatMap((text, i) => household(at + i, text)));
            await stage.append(household(at + 6, null));
            await stage.merge();
          },
          { pgStaging },
        );
        const got = await store.db
          .selectFrom('households')
          .select(['household_no', 'phone'])
          .where('household_no', 'in', [...odd.map((_, i) => `H${at + i}`), `H${at + 6}`])
          .orderBy('id')
          .execute();
        expect(
          got.map((h) => h.phone),
          pgStaging,
        ).toEqual([...odd, null]);
      }
    });

    it('PostgreSQL: into an empty table, drops its indexes and constraints for the merge and makes them again; a bad reference still fails it whole', async () => {
      if (store.dialect !== 'postgres') return;
      const plan: StagePlan = { table: 'work_teams', columns: ['village_code', 'sending_unit', 'start_date', 'end_date'], conflict: ['village_code', 'sending_unit'] };
      const shape = () => tableShape(store, 'work_teams');
      const was = await shape();
      expect(was.some((d) => /foreign key/i.test(d))).toBe(true);
      expect(was.some((d) => /unique/i.test(d))).toBe(true);
      const team = (unit: string, village = VILLAGE): Value[] => [village, unit, '2020-01-01', null];
      // A village that is not there: the foreign key made again refuses it; nothing is merged.
      await expect(
        withStage(store, plan, async (stage) => {
          await stage.append([...team('县发改局'), ...team('县财政局', '522425100299')]);
          await stage.merge({ deferIndexes: true });
        }),
      ).rejects.toBeInstanceOf(StaleReference);
      expect(await store.db.selectFrom('work_teams').select('id').execute()).toEqual([]);
      expect(await shape()).toEqual(was);
      await withStage(store, plan, async (stage) => {
        await stage.append([...team('县发改局'), ...team('县财政局'), ...team('县教育局')]);
        await stage.merge({ deferIndexes: true });
      });
      expect((await store.db.selectFrom('work_teams').select('sending_unit').orderBy('id').execute()).map((t) => t.sending_unit)).toEqual(['县发改局', '县财政局', '县教育局']);
      expect(await shape()).toEqual(was);
      // The constraints hold again: the same team twice is refused.
      await expect(store.db.insertInto('work_teams').values({ village_code: VILLAGE, sending_unit: '县发改局' }).execute()).rejects.toThrow(/unique|duplicate/i);
    });

    it('PostgreSQL: a first load goes straight into the empty table, all or nothing; into a table with rows, it is staged', async () => {
      if (store.dialect !== 'postgres') return;
      const plan: StagePlan = { table: 'work_teams', columns: ['village_code', 'sending_unit', 'start_date', 'end_date'], conflict: ['village_code', 'sending_unit'] };
      const shape = () => tableShape(store, 'work_teams');
      const units = async () => (await store.db.selectFrom('work_teams').select('sending_unit').orderBy('id').execute()).map((t) => t.sending_unit);
      await store.db.deleteFrom('work_teams').execute();
      const was = await shape();
      const team = (unit: string, village = VILLAGE): Value[] => [village, unit, '2020-01-01', null];
      // What the rows' transaction holds on this schema's table (other tests' schemas have theirs): the table itself, no staging table.
      const locks = async () =>
        (
          await sql<{
            mode: string;
          }>`select l.mode from pg_locks l where l.relation = 'work_teams'::regclass and l.pid <> pg_backend_pid() and l.granted`.execute(store.db)
        ).rows.map((r) => r.mode);
      // A problem found after rows went in (the work throws): nothing is left, the table as it was.
      await expect(
        withStage(
          store,
          plan,
          async (stage) => {
            await stage.append([...team('县发改局'), ...team('县财政局')]);
            expect(await stagings(store)).toEqual([]);
            expect(await locks()).toContain('AccessExclusiveLock');
            throw new Error('a problem in the file');
          },
          { firstLoad: true },
        ),
      ).rejects.toThrow('a problem in the file');
      expect(await units()).toEqual([]);
      expect(await shape()).toEqual(was);
      expect(await locks()).toEqual([]);
      // A village that is not there: the foreign key made again at the merge refuses it, nothing is in.
      await expect(
        withStage(
          store,
          plan,
          async (stage) => {
            await stage.append([...team('县发改局'), ...team('县财政局', '522425100299')]);
            await stage.merge();
          },
          { firstLoad: true },
        ),
      ).rejects.toBeInstanceOf(StaleReference);
      expect(await units()).toEqual([]);
      expect(await shape()).toEqual(was);
      // The first load merged, with what is written in its transaction (an import's audit entry).
      let within = 0;
      await withStage(
        store,
        plan,
        async (stage) => {
          for (let b = 0; b < 4; b++) await stage.append(Array.from({ length: 250 }, (_, r) => team(`单位${b * 250 + r}`)).flat());
          const r = await stage.merge({
            within: async (db) => {
              within = Number(
                (
                  await db
                    .selectFrom('work_teams')
                    .select((e) => e.fn.countAll<number>().as('n'))
                    .executeTakeFirstOrThrow()
                ).n,
              );
            },
          });
          expect(r).toEqual({ merged: true, outside: [] });
        },
        { firstLoad: true },
      );
      expect(within).toBe(1000);
      expect(await units()).toEqual(Array.from({ length: 1000 }, (_, i) => `单位${i}`));
      expect(await shape()).toEqual(was);
      await expect(store.db.insertInto('work_teams').values({ village_code: VILLAGE, sending_unit: '单位0' }).execute()).rejects.toThrow(/unique|duplicate/i);
      // The table has rows now: the next file is staged and upserted (a staging table, no lock on the table before the merge).
      await withStage(
        store,
        plan,
        async (stage) => {
          await stage.append([...team('单位0'), ...team('县农业局')]);
          expect(await stagings(store)).toHaveLength(1);
          expect(await locks()).toEqual([]);
          await stage.merge();
        },
        { firstLoad: true },
      );
      expect((await units()).slice(-2)).toEqual(['单位999', '县农业局']);
      await store.db.deleteFrom('work_teams').execute();
    });

    it('PostgreSQL: a value the server refuses in the COPY fails the import whole, and the connection is usable after it', async () => {
      if (store.dialect !== 'postgres') return;
      const was = await phones(store);
      await expect(
        withStage(store, householdPlan, async (stage) => {
          for (let b = 0; b < 20; b++) await stage.append(Array.from({ length: 500 }, (_, r) => household(1000 + b * 500 + r, 'copied')).flat());
          // A year that is not a number: COPY stops at it.
          const bad = household(99_999, 'bad');
          bad[2] = 'nineteen';
          await stage.append(bad);
          await stage.merge();
        }),
      ).rejects.toThrow(/integer/);
      expect(await phones(store)).toEqual(was);
      expect(await stagings(store)).toEqual([]);
      // Every connection of the pool answers after it.
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          store.db
            .selectFrom('households')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow(),
        ),
      );
      expect(new Set(answers.map((a) => Number(a.n)))).toEqual(new Set([was.length]));
    });

    it('defers the non-unique indexes during the merge (SQLite), and builds them again before it commits', async () => {
      if (store.dialect === 'sqlite') {
        const raw = store.sqlite!;
        raw.exec(`create temp table seen (indexes text)`);
        raw.exec(
          `create temp trigger seen_insert after insert on main.households when not exists (select 1 from temp.seen) begin ` +
            `insert into seen select group_concat(name) from (select name from main.sqlite_master where type = 'index' and tbl_name = 'households' order by name); end`,
        );
      }
      await withStage(store, householdPlan, async (stage) => {
        await stage.append([...household(20), ...household(21)]);
        await stage.merge({ deferIndexes: true });
      });
      expect(await indexes(store, 'households')).toEqual(before);
      if (store.dialect === 'sqlite') {
        // Only the UNIQUE constraint's own index was there while the rows went in.
        expect(store.sqlite!.prepare('select indexes from temp.seen').all()).toEqual([{ indexes: 'sqlite_autoindex_households_1' }]);
        store.sqlite!.exec('drop trigger temp.seen_insert; drop table temp.seen');
      }
      expect((await phones(store)).slice(-2)).toEqual(['H20:-', 'H21:-']);
    });

    it('merges a kind with a parent: each parent upserted once, with its first row’s values; the rows carry its id', async () => {
      await store.db.insertInto('helpers').values({ id_number: 'P1', name: '旧名', unit: null, position: null, phone: null }).execute();
      const plan: StagePlan = {
        table: 'helper_assignments',
        columns: ['id_number', 'name', 'unit', 'position', 'phone', 'start_date', 'end_date', 'household_id'],
        conflict: ['helper_id', 'household_id', 'start_date'],
        parent: { table: 'helpers', fields: ['id_number', 'name', 'unit', 'position', 'phone'], key: ['id_number'], foreignKey: 'helper_id' },
      };
      const hid = async (no: string) => (await store.db.selectFrom('households').select('id').where('household_no', '=', no).executeTakeFirstOrThrow()).id;
      const [h1, h2] = [await hid('H1'), await hid('H2')];
      await withStage(store, plan, async (stage) => {
        await stage.append([
          ...['P2', '新人', '县教育局', null, null, '2018-03-01', null, h1],
          ...['P1', '新名', '县财政局', '科员', null, '2018-03-01', null, h1],
          ...['P2', '别名', null, null, null, '2019-01-01', '2019-12-31', h2],
          ...['P1', '又一名', null, null, null, '2018-03-01', null, h2],
        ]);
        await stage.merge();
      });
      const helpers = await store.db.selectFrom('helpers').select(['id', 'id_number', 'name', 'unit']).orderBy('id').execute();
      expect(helpers.map((h) => [h.id_number, h.name, h.unit])).toEqual([
        ['P1', '新名', '县财政局'],
        ['P2', '新人', '县教育局'],
      ]);
      const id = new Map(helpers.map((h) => [h.id, h.id_number]));
      const rows = await store.db.selectFrom('helper_assignments').select(['helper_id', 'household_id', 'start_date', 'end_date']).orderBy('id').execute();
      expect(rows.map((r) => [id.get(r.helper_id), r.household_id, r.start_date, r.end_date])).toEqual([
        ['P2', h1, '2018-03-01', null],
        ['P1', h1, '2018-03-01', null],
        ['P2', h2, '2019-01-01', '2019-12-31'],
        ['P1', h2, '2018-03-01', null],
      ]);
      // Again, one row changed: updated in place, nothing added.
      await withStage(store, plan, async (stage) => {
        await stage.append(['P2', '新人', '县教育局', null, null, '2019-01-01', '2020-06-30', h2]);
        await stage.merge();
      });
      const again = await store.db.selectFrom('helper_assignments').select(['end_date']).orderBy('id').execute();
      expect(again.map((r) => r.end_date)).toEqual([null, null, '2020-06-30', null]);
      expect(await stagings(store)).toEqual([]);
    });
  });
}
