/**
 * A long import beside the daily work, on SQLite and PostgreSQL: while a 60,000-household file is
 * imported on one connection, an inspector saves a finding every 100 ms through another connection
 * to the same database (the server and the CLI are separate processes). Every save succeeds, the
 * import commits, and the longest a save took is printed (the import's merge is what it may wait
 * for). Before staging, the import held the write lock from its first row to its commit, and the
 * saves (or the import) failed with "database is locked".
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, countRows, harness, saver, setUpCampaign, V1, versionOf } from '../../../test/campaign-fixtures.ts';
import { count, H2, manyHouseholds, seed, tempDir, TODAY, VALID, writeCsv } from '../../../test/registry-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { openStore, type Store } from '../../store/db.ts';
import { importFile } from './import.service.ts';

const ROWS = 60_000;
const tmp = tempDir('kaohe-concurrency-');
afterAll(() => tmp.remove());

for (const target of storeTargets()) {
  describe(`an import beside an inspector's saves, on ${target.dialect}`, () => {
    const opened: Store[] = [];
    afterAll(async () => {
      for (const s of opened.reverse()) await s.close();
    });

    it(`imports ${ROWS.toLocaleString('en')} households while a finding is saved every 100 ms on another connection: every save succeeds`, { timeout: 240_000 }, async () => {
      const store = await target.open();
      opened.push(store);
      // The inspector's side: another connection to the same database.
      const other = await openStore({ url: store.url, migrate: false, ...(store.pgSchema ? { pgSchema: store.pgSchema } : {}) });
      opened.push(other);
      await buildRegistry(store);
      const h = harness(other);
      try {
        const { assessments } = await setUpCampaign(h.service);
        const assessment = assessments[V1]!;
        const file = writeCsv(join(tmp.dir, `households-${target.dialect}.csv`), manyHouseholds(ROWS));
        const findingsBefore = await countRows(store, 'findings');

        const s = saver(
          async () => h.service.findings.addFinding(ACTORS.zhang, assessment, await versionOf(other, assessment), { item: '3.2.1', count: 1, note: 'during the import' }),
          100,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const started = performance.now();
        const report = await importFile(store, 'households', file, { today: TODAY });
        const ended = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await s.stop();

        expect(report).toMatchObject({ committed: true, rows: ROWS, inserted: ROWS, problems: [] });
        expect(s.saves.filter((x) => x.error)).toEqual([]);
        const during = s.saves.filter((x) => x.at >= started && x.at <= ended);
        expect(during.length).toBeGreaterThanOrEqual(3);
        const longest = Math.max(...s.saves.map((x) => x.ms));
        console.log(
          `${target.dialect}: import of ${ROWS} households ${(ended - started).toFixed(0)} ms; ${s.saves.length} saves (${during.length} begun during it), ` +
            `the longest ${longest.toFixed(0)} ms, median ${median(s.saves.map((x) => x.ms)).toFixed(0)} ms`,
        );
        const findingsAfter = await countRows(store, 'findings');
        expect(findingsAfter - findingsBefore).toBe(s.saves.length);
      } finally {
        h.cleanup();
      }
    });

    it('refuses the file whole when a household it names is removed while it is read (code conflict)', async () => {
      if (target.dialect !== 'sqlite') return; // the removal must come between the last row and the merge: SQLite's synchronous handle can
      const store = await target.open();
      opened.push(store);
      await seed(store, tmp.dir, ['areas', 'households']);
      const file = writeCsv(join(tmp.dir, 'visits.csv'), VALID.visits);
      // The last progress comes after the last row is staged, before the merge.
      const onProgress = () => store.sqlite!.prepare('delete from households where household_no = ?').run(H2);
      await expect(importFile(store, 'visits', file, { today: TODAY, onProgress })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('import the file again'),
      });
      expect(await count(store, 'visits')).toBe(0);
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
