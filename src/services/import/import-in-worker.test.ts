import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../core/ids/gb11643.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import { importFile } from './import.service.ts';
import { endIdleImportWorker, importInWorker, importWorkerStarts, importWorkerTuning } from './import-in-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(rows: number) {
  const areas = join(dir, 'areas.csv');
  writeFileSync(
    areas,
    ['区划代码,名称,级别,上级区划代码,是否贫困村', '522425000000,织金县,县,,', '522425100000,城关镇,乡镇,522425000000,', '522425100201,石桥村,村,522425100000,是'].join('\n'),
  );
  const households = join(dir, `households-${rows}.csv`);
  const lines = ['户编号,村区划代码,年度,户主姓名,户主身份证号,家庭人口数,贫困户属性,主要致贫原因,贫困户状态'];
  for (let i = 0; i < rows; i++) {
    const first17 = `52242519${String(50 + (i % 40)).padStart(2, '0')}0101${String(i % 1000).padStart(3, '0')}`;
    // Vary the birth date's day-of-year through the sequence so every ID number is unique.
    const day = 1 + (Math.floor(i / 1000) % 28);
    const month = 1 + (Math.floor(i / 28000) % 12);
    const base = `${first17.slice(0, 10)}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${first17.slice(14)}`;
    lines.push(`H${String(i).padStart(8, '0')},522425100201,2020,户主${i},${base}${checkCharacter(base)},3,一般贫困户,因病,未脱贫`);
  }
  writeFileSync(households, lines.join('\n'));
  return { areas, households };
}

describe.each(storeTargets())('import in a worker thread ($dialect)', (target) => {
  it('imports without holding the event loop, and reports progress', async () => {
    const store = await target.open();
    try {
      const { areas, households } = files(30_000);
      expect((await importFile(store, 'areas', areas, { today: '2026-01-01' })).committed).toBe(true);
      let last = Date.now();
      let worstGap = 0;
      const timer = setInterval(() => {
        const now = Date.now();
        worstGap = Math.max(worstGap, now - last);
        last = now;
      }, 5);
      const progress: number[] = [];
      const report = await importInWorker(store, 'households', households, { today: '2026-01-01', onProgress: (p) => progress.push(p.rows) });
      clearInterval(timer);
      expect(report.problems).toEqual([]);
      expect(report.committed).toBe(true);
      expect(report.inserted).toBe(30_000);
      expect(progress.at(-1)).toBe(30_000);
      const { n } = await store.db
        .selectFrom('households')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n)).toBe(30_000);
      // The main thread kept ticking while 30,000 rows were validated and written.
      expect(worstGap).toBeLessThan(250);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('passes a file-level error back as a KaoheError', async () => {
    const store = await target.open();
    try {
      await expect(importInWorker(store, 'households', join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'unreadable-file' });
    } finally {
      await store.close();
    }
  });

  describe('the worker kept between imports', () => {
    const keep = { ...importWorkerTuning };
    afterEach(() => {
      Object.assign(importWorkerTuning, keep);
      endIdleImportWorker();
    });
    const count = async (store: Store, table: 'areas' | 'households') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('takes the next import, of either of two databases, each into its own, and after a refused file too', async () => {
      const [one, two] = [await target.open(), await target.open()];
      try {
        const { areas, households } = files(40);
        endIdleImportWorker();
        const started = importWorkerStarts();
        expect((await importInWorker(one, 'areas', areas, { today: '2026-01-01' })).inserted).toBe(3);
        expect((await importInWorker(two, 'areas', areas, { today: '2026-01-01' })).inserted).toBe(3);
        await expect(importInWorker(one, 'households', join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'unreadable-file' });
        expect((await importInWorker(two, 'households', households, { today: '2026-01-01' })).inserted).toBe(40);
        // A dry run into the first: nothing written there, nor into the second.
        expect(await importInWorker(one, 'households', households, { today: '2026-01-01', dryRun: true })).toMatchObject({ committed: false, inserted: 40 });
        expect(importWorkerStarts()).toBe(started + 1);
        expect([await count(one, 'areas'), await count(one, 'households'), await count(two, 'areas'), await count(two, 'households')]).toEqual([3, 0, 3, 40]);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('gives imports at the same time a worker each, and ends a kept one after a while', async () => {
      const store = await target.open();
      try {
        const { areas, households } = files(50);
        await importFile(store, 'areas', areas, { today: '2026-01-01' });
        endIdleImportWorker();
        const started = importWorkerStarts();
        const reports = await Promise.all([
          importInWorker(store, 'households', households, { today: '2026-01-01', dryRun: true }),
          importInWorker(store, 'households', households, { today: '2026-01-01', dryRun: true }),
        ]);
        expect(reports.map((r) => r.inserted)).toEqual([50, 50]);
        expect(importWorkerStarts()).toBe(started + 2);
        // One of the two is kept, for a while only.
        importWorkerTuning.keepIdleMs = 50;
        await importInWorker(store, 'households', households, { today: '2026-01-01' });
        expect(importWorkerStarts()).toBe(started + 2);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect((await importInWorker(store, 'households', households, { today: '2026-01-01' })).updated).toBe(50);
        expect(importWorkerStarts()).toBe(started + 3);
        expect(await count(store, 'households')).toBe(50);
      } finally {
        await store.close();
      }
    });
  });
});
