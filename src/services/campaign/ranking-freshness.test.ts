/**
 * A kept ranking never shows what is no longer true: after an areas import renames a village and
 * moves another to another township (as the office does, through the registry import), the
 * ranking, the overview and the ranking report read right after show the new names and
 * townships, on every database (test/stores.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeCsv } from '../../../test/registry-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { versionOf } from '../../../test/campaign-fixtures.ts';
import { compose } from '../../compose.ts';
import type { Store } from '../../store/db.ts';
import { DEMO_CAMPAIGN, firstStart } from '../bootstrap.service.ts';
import { importFile } from '../import/import.service.ts';
import type { Actor } from '../policies.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const admin: Actor = { user: 'office', role: 'admin' };
const viewer: Actor = { user: 'viewer', role: 'viewer' };

for (const target of storeTargets()) {
  describe(`a kept ranking after an areas import, on ${target.dialect}`, () => {
    let store: Store;
    let services: ReturnType<typeof compose>;
    let campaignId: number;
    const tmp = tempDir('kaohe-freshness-');
    let T: string[];
    let renamed: string;
    let moved: string;

    beforeAll(async () => {
      store = await target.open();
      services = compose({ store });
      await firstStart(services);
      campaignId = await services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
      T = (await store.db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute()).map((t) => t.code);
      const villages = (await store.db.selectFrom('areas').select('code').where('parent_code', '=', T[0]!).orderBy('code').execute()).map((v) => v.code);
      [renamed, moved] = [villages[0]!, villages[1]!];
      for (const v of [renamed, moved]) {
        const id = await services.campaigns.assessments.assessmentId(campaignId, v);
        for (const step of ['submit', 'review', 'publish'] as const) {
          const a = await store.db.selectFrom('assessments').select('status').where('id', '=', id).executeTakeFirstOrThrow();
          if (['submit', 'review', 'publish'].indexOf(step) < ['submitted', 'reviewed', 'published'].indexOf(a.status) + 1) continue;
          await services.campaigns.workflow.transition(admin, id, await versionOf(store, id), step);
        }
      }
    }, 240_000);

    afterAll(async () => {
      await services?.registry.close();
      await store?.close();
      tmp.remove();
    });

    const places = async (actor: Actor) => {
      const r = await services.campaigns.rankings.rankingFor(actor, campaignId);
      return new Map(r.county.map((v) => [v.village, { name: v.name, township: v.township, townshipName: v.townshipName }]));
    };

    it('shows the new name and township right after the import', async () => {
      const townshipName = async (code: string) => (await store.db.selectFrom('areas').select('name').where('code', '=', code).executeTakeFirstOrThrow()).name;
      // Read (and keep) everything once before the import.
      const before = await places(admin);
      expect(before.get(renamed)?.township).toBe(T[0]);
      expect(before.get(moved)?.township).toBe(T[0]);
      await places(viewer);
      await services.campaigns.rankings.overview(admin, campaignId);
      await services.reports.make(admin, campaignId, 'ranking');

      const file = writeCsv(join(tmp.dir, 'areas.csv'), {
        headers: ['区划代码', '名称', '级别', '上级区划代码'],
        rows: [
          [renamed, '新名村', '村', T[0]!],
          [moved, '搬迁村', '村', T[1]!],
        ],
      });
      const report = await importFile(store, 'areas', file, { today: '2020-12-01' });
      expect(report.committed, JSON.stringify(report.problems)).toBe(true);

      for (const actor of [admin, viewer]) {
        const after = await places(actor);
        expect(after.get(renamed)).toEqual({ name: '新名村', township: T[0], townshipName: await townshipName(T[0]!) });
        expect(after.get(moved)).toEqual({ name: '搬迁村', township: T[1], townshipName: await townshipName(T[1]!) });
      }
      const ranking = await services.campaigns.rankings.rankingFor(admin, campaignId);
      expect(ranking.townships.find((t) => t.township === T[1])!.rows.map((r) => r.village)).toContain(moved);
      expect(ranking.townships.find((t) => t.township === T[0])!.rows.map((r) => r.village)).not.toContain(moved);

      const overview = await services.campaigns.rankings.overview(admin, campaignId);
      expect(overview.top.find((p) => p.village === renamed)?.name).toBe('新名村');
      expect(overview.top.find((p) => p.village === moved)).toMatchObject({ name: '搬迁村', township: T[1] });

      const workbook = await services.reports.make(admin, campaignId, 'ranking');
      const ExcelJS = (await import('exceljs')).default;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(workbook.body as unknown as ArrayBuffer);
      const cells: string[] = [];
      wb.eachSheet((ws) => ws.eachRow((row) => cells.push(row.values!.toString())));
      expect(cells.some((c) => c.includes('新名村'))).toBe(true);
      expect(cells.some((c) => c.includes('搬迁村'))).toBe(true);
    }, 120_000);
  });
}
