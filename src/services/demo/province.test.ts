/**
 * The generated province: its shape as asked, the same rows for the same seed, valid and unique ID
 * numbers, every reference pointing at a row made before it; and, on PostgreSQL, written whole
 * through COPY into an empty registry or not at all.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../../test/stores.ts';
import { checkIdNumber } from '../../core/ids/gb11643.ts';
import { KaoheError } from '../../core/errors.ts';
import type { Store } from '../../store/db.ts';
import { loadEmptyTables } from '../../store/pg-bulk.ts';
import { generateProvince } from '../demo.service.ts';
import { apportion, provincePlan, provinceTables, type ProvinceOptions } from './province.ts';

const SMALL: ProvinceOptions = { cities: 3, counties: 7, townshipsPerCounty: 4, villages: 70, households: 7_000 };

const digest = (options: ProvinceOptions) => {
  const plan = provincePlan(options);
  const out: Record<string, string> = {};
  for (const t of provinceTables(plan)) {
    const h = createHash('sha256');
    for (const r of t.rows()) h.update(JSON.stringify(r));
    out[t.table] = h.digest('hex');
  }
  return out;
};

describe('a generated province', () => {
  it('shares exactly what was asked: cities, counties, townships, villages, households', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [3, 1], 2)).toEqual([4, 3]);
    const plan = provincePlan(SMALL);
    expect([plan.cities.length, plan.counties.length, plan.townships.length, plan.villages.length]).toEqual([3, 7, 28, 70]);
    expect(plan.villages.reduce((n, v) => n + v.households, 0)).toBe(7_000);
    expect(plan.villages.every((v) => v.households >= 1)).toBe(true);
    // The default is the province of the issue: 16 cities, 110 counties, 50,000 villages, 10,000,000 households.
    expect(provincePlan().options).toMatchObject({ cities: 16, counties: 110, villages: 50_000, households: 10_000_000 });
  });

  it('is the same for the same seed, row for row, and another for another seed', () => {
    const a = digest(SMALL);
    expect(digest(SMALL)).toEqual(a);
    const b = digest({ ...SMALL, seed: 7 });
    expect(Object.keys(a).filter((t) => a[t] === b[t])).toEqual([]);
  });

  it('gives every person a valid, unique ID number of their county, and every reference a row written before it', () => {
    const plan = provincePlan(SMALL);
    const tables = Object.fromEntries(provinceTables(plan).map((t) => [t.table, { columns: t.columns, rows: [...t.rows()] }]));
    const col = (table: string, column: string) => tables[table]!.columns.indexOf(column);
    const ids = [...tables.members!.rows.map((r) => String(r[col('members', 'id_number')])), ...tables.helpers!.rows.map((r) => String(r[col('helpers', 'id_number')]))];
    expect(new Set(ids).size).toBe(ids.length);
    const bad = ids.filter((id) => !checkIdNumber(id, { today: '2026-12-06' }).ok);
    expect(bad).toEqual([]);
    // Members' sex is the one their ID number says.
    for (const m of tables.members!.rows.slice(0, 500)) expect(checkIdNumber(String(m[col('members', 'id_number')])).sex).toBe(m[col('members', 'sex')]);
    // The tree: every parent is an area listed above it, one level up.
    const level = new Map<string, string>();
    const up: Record<string, string> = { city: 'province', county: 'city', township: 'county', village: 'township' };
    for (const [code, lvl, , parent] of tables.areas!.rows as Array<[string, string, string, string | null]>) {
      if (parent === null) expect(lvl).toBe('province');
      else expect(level.get(parent)).toBe(up[lvl]);
      level.set(code, lvl);
    }
    // Heads are their households' first members; every household and helper named exists.
    const households = new Set(tables.households!.rows.map((r) => r[0]));
    const heads = new Set(tables.households!.rows.map((r) => r[col('households', 'head_id_number')]));
    expect(tables.members!.rows.filter((r) => r[col('members', 'relation')] === 'head').every((r) => heads.has(r[col('members', 'id_number')]))).toBe(true);
    for (const t of ['members', 'visits', 'surveys', 'helper_assignments'])
      expect(
        tables[t]!.rows.every((r) => households.has(r[col(t, 'household_id')])),
        t,
      ).toBe(true);
    const helpers = new Set(tables.helpers!.rows.map((r) => r[0]));
    expect(tables.helper_assignments!.rows.every((r) => helpers.has(r[0]))).toBe(true);
    expect(tables.helper_assignments!.rows).toHaveLength(7_000);
  });

  it('refuses a shape it cannot make, naming the option', () => {
    expect(() => provincePlan({ cities: 3, counties: 2 })).toThrow(/counties must be a whole number from 3/);
    expect(() => provincePlan({ ...SMALL, households: 10 })).toThrow(/households must be a whole number from 70/);
  });
});

for (const target of storeTargets()) {
  describe(`writing a province on ${target.dialect}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(() => store?.close());

    if (target.dialect === 'sqlite') {
      it('is refused on SQLite, pointing to PostgreSQL', async () => {
        await expect(generateProvince(store, SMALL)).rejects.toThrow(/PostgreSQL only/);
      });
      return;
    }

    it('leaves the registry empty when a table fails half-way (all or nothing), and the connection usable', async () => {
      const plan = provincePlan(SMALL);
      const tables = provinceTables(plan);
      const members = tables.find((t) => t.table === 'members')!;
      const failing = tables.map((t) =>
        t !== members
          ? t
          : {
              ...t,
              *rows() {
                let n = 0;
                for (const r of members.rows()) {
                  if (++n === 10_000) throw new Error('the generator broke at row 10,000 of members');
                  yield r;
                }
              },
            },
      );
      await expect(loadEmptyTables(store.pgPool!, failing)).rejects.toThrow('row 10,000 of members');
      for (const t of ['areas', 'helpers', 'households', 'members'] as const) {
        const n = await store.db
          .selectFrom(t)
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(n.n), t).toBe(0);
      }
    });

    it('writes every table whole, with the tree above the county, ids that go on from it, and refuses a second time', async () => {
      const s = await generateProvince(store, SMALL);
      expect(s.counts).toMatchObject({ areas: 1 + 3 + 7 + 28 + 70, households: 7_000, helper_assignments: 7_000 });
      const levels = await store.db
        .selectFrom('areas')
        .select(['level'])
        .select((e) => e.fn.countAll<number>().as('n'))
        .groupBy('level')
        .orderBy('level')
        .execute();
      expect(Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]))).toEqual({ province: 1, city: 3, county: 7, township: 28, village: 70 });
      // The sequence goes on after the ids the rows carried.
      const next = await store.db
        .insertInto('households')
        .values({
          household_no: 'X1',
          village_code: provincePlan(SMALL).villages[0]!.code,
          year: 2020,
          head_name: '新户',
          head_id_number: 'X',
          size: 1,
          attribute: 'general',
          main_cause: 'illness',
          status: 'exited',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(next.id).toBe(7_001);
      await expect(generateProvince(store, SMALL)).rejects.toBeInstanceOf(KaoheError);
    });
  });
}
