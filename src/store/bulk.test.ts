/**
 * The bulk writer's deferred indexes: dropped inside the transaction, built again from their
 * own SQL before it commits, back as they were after a rollback; UNIQUE ones never dropped.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import type { Store } from './db.ts';
import { inTransaction, Rollback } from './bulk.ts';

const indexes = async (store: Store, table: string): Promise<string[]> => {
  if (store.dialect === 'sqlite') {
    const rows = store.sqlite!.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? order by name`).all(table) as Array<{ name: string; sql: string | null }>;
    return rows.map((r) => `${r.name}: ${r.sql ?? '(constraint)'}`);
  }
  const r = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where schemaname = ${store.pgSchema!} and tablename = ${table} order by indexname`.execute(store.db);
  return r.rows.map((x) => `${x.indexname}: ${x.indexdef}`);
};

for (const target of storeTargets()) {
  describe(`deferIndexes on ${target.dialect}`, () => {
    let store: Store;
    let before: string[];
    beforeAll(async () => {
      store = await target.open();
      before = await indexes(store, 'households');
    });
    afterAll(() => store?.close());

    it('has the non-unique indexes to defer', () => {
      expect(before.some((i) => i.startsWith('households_village:'))).toBe(true);
      expect(before.some((i) => i.startsWith('households_head_id:'))).toBe(true);
    });

    it('drops the non-unique indexes inside the transaction (SQLite), and builds them again before it commits', async () => {
      await store.db.insertInto('areas').values({ code: '522425000000', level: 'county', name: '县' }).execute();
      await store.db.insertInto('areas').values({ code: '522425100000', level: 'township', name: '镇', parent_code: '522425000000' }).execute();
      await store.db.insertInto('areas').values({ code: '522425100201', level: 'village', name: '村', parent_code: '522425100000' }).execute();
      const row = (i: number) => ({
        household_no: `H${i}`, village_code: '522425100201', year: 2020, head_name: '王', head_id_number: `ID${i}`, size: 1, attribute: 'general', main_cause: 'illness', status: 'exited',
      });
      let during: string[] = [];
      await inTransaction(store, async (writer) => {
        await writer.deferIndexes('households');
        await writer.deferIndexes('households'); // a second call changes nothing
        await writer.insertNew('households', [row(1), row(2)], ['household_no']);
        during = store.dialect === 'sqlite' ? await indexes(store, 'households') : before;
      });
      if (store.dialect === 'sqlite') {
        expect(during.some((i) => i.startsWith('households_village:') || i.startsWith('households_head_id:'))).toBe(false);
        // The UNIQUE constraint stays.
        expect(during.filter((i) => i.endsWith('(constraint)'))).toEqual(before.filter((i) => i.endsWith('(constraint)')));
      }
      expect(await indexes(store, 'households')).toEqual(before);
      expect(await store.db.selectFrom('households').select('household_no').orderBy('household_no').execute()).toEqual([{ household_no: 'H1' }, { household_no: 'H2' }]);
      // The unique one still refuses a second H1 (a plain INSERT on SQLite; PostgreSQL upserts).
      if (store.dialect === 'sqlite') await expect(inTransaction(store, async (writer) => writer.insertNew('households', [row(1)], ['household_no']))).rejects.toThrow();
    });

    it('a rollback brings the indexes back as they were', async () => {
      await expect(
        inTransaction(store, async (writer) => {
          await writer.deferIndexes('households');
          throw new Rollback();
        }),
      ).rejects.toBeInstanceOf(Rollback);
      expect(await indexes(store, 'households')).toEqual(before);
      await expect(
        inTransaction(store, async (writer) => {
          await writer.deferIndexes('households');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await indexes(store, 'households')).toEqual(before);
    });
  });
}
