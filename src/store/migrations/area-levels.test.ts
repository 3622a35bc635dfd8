/**
 * Migration 0016: the areas hold a province and its cities above the county, on SQLite (the
 * table's own CREATE statement rewritten) and on PostgreSQL (the check replaced); any other level
 * is still refused, and the rows before it are as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../../test/stores.ts';
import { openStore, type Store } from '../db.ts';

for (const target of storeTargets()) {
  describe(`the area tree above the county on ${target.dialect}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(() => store?.close());

    it('takes province → city → county → township → village, and refuses another level', async () => {
      const rows = [
        { code: '520000000000', level: 'province', name: '贵州省', parent_code: null },
        { code: '522400000000', level: 'city', name: '毕节市', parent_code: '520000000000' },
        { code: '522425000000', level: 'county', name: '织金县', parent_code: '522400000000' },
        { code: '522425100000', level: 'township', name: '八步街道', parent_code: '522425000000' },
        { code: '522425100201', level: 'village', name: '石桥村', parent_code: '522425100000' },
      ] as const;
      for (const r of rows) await store.db.insertInto('areas').values(r).execute();
      expect((await store.db.selectFrom('areas').select(['code', 'level']).orderBy('code').execute()).map((r) => r.level)).toEqual([
        'province',
        'city',
        'county',
        'township',
        'village',
      ]);
      await expect(
        store.db
          .insertInto('areas')
          .values({ code: '522425100299', level: 'hamlet' as 'village', name: '组', parent_code: '522425100201' })
          .execute(),
      ).rejects.toThrow(/check/i);
      if (store.dialect === 'sqlite') {
        expect(store.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
        // Another connection reads the widened schema.
        const other = await openStore({ url: store.url, migrate: false });
        try {
          await other.db.insertInto('areas').values({ code: '522401000000', level: 'county', name: '七星关区', parent_code: '522400000000' }).execute();
        } finally {
          await other.close();
        }
      }
    });
  });
}
