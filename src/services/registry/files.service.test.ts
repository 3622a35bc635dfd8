/**
 * The registry's file tasks (an export, an import's errors file) on every database, through the
 * worker kept for the next task: each task's file is the one asked for, whichever database it
 * reads, and one worker does them all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { seed, tempDir, VALID, withCell, writeCsv } from '../../../test/registry-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import { endIdleFileWorker, fileWorkerStarts, RegistryFileService } from './files.service.ts';

const admin = { user: 'office', role: 'admin' } as const;
const dir = tempDir('kaohe-file-tasks-');
afterAll(() => dir.remove());

describe.each(storeTargets())('file tasks in the kept worker ($dialect)', (target) => {
  it('exports two databases and writes an errors file, each as asked, in one worker', async () => {
    const one: Store = await target.open();
    const two: Store = await target.open();
    const files = [new RegistryFileService({ store: one, clock: () => new Date('2021-06-30T08:00:00Z') }), new RegistryFileService({ store: two })];
    try {
      await seed(one, dir.dir, ['areas', 'households']);
      await seed(two, dir.dir, ['areas']);
      endIdleFileWorker();
      const started = fileWorkerStarts();
      const rowsOf = (path: string) => (parseCsv(readFileSync(path, 'utf8'), { bom: true }) as string[][]).length - 1;
      expect(rowsOf((await files[0]!.exportFile(admin, 'households', 'csv', false)).path)).toBe(VALID.households.rows.length);
      expect(rowsOf((await files[1]!.exportFile(admin, 'households', 'csv', false)).path)).toBe(0);
      expect(rowsOf((await files[1]!.exportFile(admin, 'areas', 'csv', false)).path)).toBe(VALID.areas.rows.length);
      // A file with a bad row: its errors file, written by the same worker.
      const bad = writeCsv(join(dir.dir, 'bad.csv'), withCell(VALID.households, 0, '家庭人口数', '很多'));
      const report = await files[0]!.importUpload(admin, 'households', bad, '贫困户.csv', true);
      expect(report.problems).toEqual([expect.objectContaining({ row: 2, column: expect.stringContaining('家庭人口数') })]);
      expect(readFileSync(files[0]!.errorsFile(admin, report.errorsFile!).path).subarray(0, 2).toString()).toBe('PK');
      expect(fileWorkerStarts()).toBe(started + 1);
    } finally {
      for (const f of files) f.close();
      await one.close();
      await two.close();
    }
  });
});
