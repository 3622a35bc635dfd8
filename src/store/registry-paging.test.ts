/**
 * Keyset pages of the registry's two long lists (issue 11: a province's ten million households
 * and twelve million home visits), on every database: walked a few rows at a time, with and
 * without filters, they give the same rows in the same order as the pages by number; the total
 * is counted up to its cap; a cursor that is not one is refused. On PostgreSQL the page queries
 * use their indexes (households by number; records by date and id, migration 0020).
 */
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS } from '../../test/campaign-fixtures.ts';
import { refused } from '../../test/refused.ts';
import { manyHouseholds, seed, tempDir, TODAY, VILLAGE, VILLAGE2, writeCsv } from '../../test/registry-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { compose, type Services } from '../compose.ts';
import { importFile } from '../services/import/import.service.ts';
import type { Actor } from '../services/policies.ts';
import type { Store } from './db.ts';
import { RECORD_DATE_COLUMNS } from './migrations/0020-record-indexes.ts';
import { helperPageQuery, householdPageQuery, recordPageQuery, registryPaging, workTeamPageQuery } from './registry-queries.ts';

const HOOK = 240_000;
const HOUSEHOLDS = 240;
const office = ACTORS.admin as Actor;

interface Listed {
  items: Array<{ id: number } & Record<string, unknown>>;
  total: number;
  next?: string | null;
  totalCapped?: true;
}

describe.each(storeTargets())('keyset pages of households and records ($dialect)', (target) => {
  let store: Store;
  let services: Services;
  const dir = tempDir('kaohe-registry-paging-');

  /** Every row of a list, `limit` at a time, following `next`. */
  const walk = async (list: (page: { limit: number; after?: string }) => Promise<Listed>, limit: number) => {
    const rows: number[] = [];
    let after: string | undefined;
    let total = -1;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await list({ limit, ...(after ? { after } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (total === -1) total = page.total;
      expect(page.total).toBe(total);
      rows.push(...page.items.map((r) => r.id));
      if (!page.next) return { rows, total };
      expect(page.items.length).toBe(limit);
      after = page.next;
    }
    throw new Error('no end');
  };
  /** Every row of a list by page numbers (the order the keyset pages must keep). */
  const byNumber = async (list: (page: { page: number; pageSize: number }) => Promise<Listed>) => {
    const rows: number[] = [];
    for (let page = 1; ; page++) {
      const p = await list({ page, pageSize: 200 });
      rows.push(...p.items.map((r) => r.id));
      if (rows.length >= p.total) return { rows, total: p.total };
    }
  };

  /** Inserts rows into a table `size` a statement; a row whose key is there already is skipped. */
  const insertAll = async (table: 'visits' | 'helpers' | 'helper_assignments' | 'work_teams', rows: readonly object[], size: number) => {
    for (let i = 0; i < rows.length; i += size)
      await store.db
        .insertInto(table)
        .values(rows.slice(i, i + size) as never)
        .onConflict((oc) => oc.doNothing())
        .execute();
  };

  beforeAll(async () => {
    store = await target.open();
    services = compose({ store });
    await seed(store, dir.dir, ['areas', 'households', 'members', 'helpers', 'students', 'duty-days']);
    const many = await importFile(store, 'households', writeCsv(join(dir.dir, 'many.csv'), manyHouseholds(HOUSEHOLDS)), { today: TODAY });
    expect(many.committed, JSON.stringify(many.problems.slice(0, 2))).toBe(true);
    // Home visits: every household on each of twelve dates, so that pages end inside a day (and
    // the table is large enough for PostgreSQL to page it by its index).
    const ids = (await store.db.selectFrom('households').select('id').orderBy('id').execute()).map((r) => r.id);
    const visits = ids.flatMap((household_id, i) =>
      Array.from({ length: 12 }, (_, d) => ({
        household_id,
        visitor_role: 'helper',
        visitor_name: `走访人${i % 7}`,
        visitor_id_number: null,
        date: `2020-${String(1 + d).padStart(2, '0')}-1${i % 3}`,
        content: `第${i}户第${d}次走访`,
      })),
    );
    await insertAll('visits', visits, 500);
    // Helpers: 300 more, some of the same name, each helping a household or two.
    const helperRows = Array.from({ length: 300 }, (_, i) => ({
      id_number: `52242519800101${String(1000 + i)}`,
      name: `帮扶人${i % 40}`,
      unit: '县直单位',
      position: null,
      phone: null,
    }));
    await insertAll('helpers', helperRows, 100);
    const helperIds = (await store.db.selectFrom('helpers').select('id').where('unit', '=', '县直单位').orderBy('id').execute()).map((r) => r.id);
    const assignments = helperIds.flatMap((helper_id, i) =>
      [ids[i % ids.length]!, ...(i % 3 === 0 ? [ids[(i * 7) % ids.length]!] : [])].map((household_id) => ({
        helper_id,
        household_id,
        start_date: '2018-01-01',
        end_date: i % 5 === 0 ? '2019-12-31' : null,
      })),
    );
    await insertAll('helper_assignments', assignments, 200);
    // Work teams: 600 of them over the villages, to be paged by village and id.
    const villageCodes = (await store.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((r) => r.code);
    const teams = Array.from({ length: 600 }, (_, i) => ({
      village_code: villageCodes[(i * 7) % villageCodes.length]!,
      sending_unit: `派出单位${i}`,
      start_date: '2018-03-01',
      end_date: null,
    }));
    await insertAll('work_teams', teams, 200);
    await sql`analyze`.execute(store.db).catch(() => undefined);
  }, HOOK);

  afterAll(async () => {
    await store?.close();
    dir.remove();
  });

  it('walks the households a few at a time in the order of the pages by number, with and without filters', async () => {
    for (const filter of [{}, { village: VILLAGE2 }, { status: 'exited' }, { q: '户主1' }, { village: VILLAGE, q: '5224251002' }]) {
      const keyset = await walk((page) => services.registry.read.households(office, filter, page) as Promise<Listed>, 7);
      const numbered = await byNumber((page) => services.registry.read.households(office, filter, page) as Promise<Listed>);
      expect(keyset.rows.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(keyset, JSON.stringify(filter)).toEqual(numbered);
    }
  });

  it('walks the home visits newest first, pages ending inside a day, as the pages by number list them', async () => {
    for (const filter of [{}, { village: VILLAGE2 }, { from: '2020-02-01', to: '2020-04-30' }]) {
      const keyset = await walk((page) => services.registry.read.records(office, 'visits', filter, page) as Promise<Listed>, 50);
      const numbered = await byNumber((page) => services.registry.read.records(office, 'visits', filter, page) as Promise<Listed>);
      expect(keyset.rows.length, JSON.stringify(filter)).toBeGreaterThan(100);
      expect(keyset, JSON.stringify(filter)).toEqual(numbered);
    }
    // A kind dated by a year (a number) and one by a month page too.
    for (const kind of ['students', 'duty-days'] as const) {
      const keyset = await walk((page) => services.registry.read.records(office, kind, {}, page) as Promise<Listed>, 1);
      expect(keyset.rows.length, kind).toBeGreaterThan(1);
      expect(keyset).toEqual(await byNumber((page) => services.registry.read.records(office, kind, {}, page) as Promise<Listed>));
    }
  });

  it('walks the helpers by name, each with the households they help, as the pages by number list them', async () => {
    for (const filter of [{}, { village: VILLAGE2 }]) {
      const list = (page: { limit: number; after?: string } | { page: number; pageSize: number }) => services.registry.read.helpers(office, filter, page) as Promise<Listed>;
      const keyset = await walk(list, 9);
      expect(keyset.rows.length, JSON.stringify(filter)).toBeGreaterThan(20);
      expect(keyset, JSON.stringify(filter)).toEqual(await byNumber(list));
      // The counts are the same on both: every helper's households, now and ever.
      const all = (await list({ limit: 1000 })).items;
      const numbered = (await list({ page: 1, pageSize: 200 })).items.concat((await list({ page: 2, pageSize: 200 })).items);
      expect(all).toEqual(numbered);
    }
  });

  it('walks the work teams by village and team, each with its members, as the pages by number list them', async () => {
    for (const filter of [{}, { village: VILLAGE2 }]) {
      const list = (page: { limit: number; after?: string } | { page: number; pageSize: number }) => services.registry.read.workTeams(office, filter, page) as Promise<Listed>;
      const keyset = await walk(list, 7);
      expect(keyset.rows.length, JSON.stringify(filter)).toBeGreaterThanOrEqual(filter.village ? 2 : 600);
      expect(keyset, JSON.stringify(filter)).toEqual(await byNumber(list));
      // The teams as the pages by number give them, members and all.
      expect((await list({ limit: 200 })).items).toEqual((await list({ page: 1, pageSize: 200 })).items);
    }
  });

  it('counts the total up to its cap', async () => {
    const was = registryPaging.countCap;
    registryPaging.countCap = 50;
    try {
      const page = (await services.registry.read.households(office, {}, { limit: 10 })) as Listed;
      expect(page).toMatchObject({ total: 50, totalCapped: true });
      expect(page.items).toHaveLength(10);
      const village = (await services.registry.read.households(office, { village: VILLAGE, status: 'relapsed' }, { limit: 10 })) as Listed;
      expect(village.totalCapped).toBeUndefined();
      expect(village.total).toBeLessThan(50);
    } finally {
      registryPaging.countCap = was;
    }
  });

  it('refuses a cursor that is not one, naming after', async () => {
    await refused(services.registry.read.records(office, 'visits', {}, { limit: 5, after: 'abc' }), 'validation', /query\.after/);
    await refused(services.registry.read.records(office, 'visits', {}, { limit: 5, after: '17' }), 'validation', /query\.after/);
    await refused(services.registry.read.records(office, 'students', {}, { limit: 5, after: '2020-01-01~3' }), 'validation', /query\.after/);
    await refused(services.registry.read.helpers(office, {}, { limit: 5, after: '李明' }), 'validation', /query\.after/);
    await refused(services.registry.read.workTeams(office, {}, { limit: 5, after: '5224251002~3' }), 'validation', /query\.after/);
    await refused(services.registry.read.workTeams(office, {}, { limit: 5, after: `${VILLAGE}~x` }), 'validation', /query\.after/);
  });

  it.runIf(target.dialect === 'postgres')('finds a page by an index: households by number, records by date and id, helpers by name, work teams by village', async () => {
    const plan = async (q: CompiledQuery) => {
      const r = await store.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    };
    // The page queries as the store runs them, deep in the list.
    const households = householdPageQuery(store.db, { villages: null }, { limit: 20, after: '5224251002000100' })!.compile();
    expect(await plan(households)).toMatch(/Index Scan using households_household_no_key/);
    const visits = recordPageQuery(
      store.db,
      { table: 'visits', byVillage: false, hasHousehold: true, villages: null, dated: { column: 'date' } },
      { limit: 20, after: '2020-06-11~400' },
    ).compile();
    expect(await plan(visits)).toMatch(/Index Scan Backward using visits_date_id/);
    const helpers = helperPageQuery(store.db, null, { limit: 20, after: '5~帮扶人2' }, store.dialect)!.compile();
    expect(await plan(helpers)).toMatch(/Index Scan using helpers_name_id/);
    const teams = workTeamPageQuery(store.db, null, { limit: 20, after: `${VILLAGE2}~100` })!.compile();
    expect(await plan(teams)).toMatch(/Index Scan using work_teams_village_id/);
    // Every dated record table has its (date, id) index.
    const indexes = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = current_schema()`.execute(store.db);
    for (const [table, column] of RECORD_DATE_COLUMNS) expect(indexes.rows.map((r) => r.indexname)).toContain(`${table}_${column}_id`);
  });
});
