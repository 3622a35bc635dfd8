/**
 * The COPY import into PostgreSQL at size, all or nothing: a households file whose one bad row is
 * the last but one (row 9,999,999 of 10,000,000 at full size) leaves nothing in the registry and no
 * staging behind; the good file then goes in whole. KAOHE_BIG_IMPORT_ROWS sets the size (default
 * 1,000,000 here, to keep the suite's time; `npm run bench:province` runs it at 10,000,000).
 *
 * PostgreSQL only (KAOHE_TEST_PG).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areas, households, mulberry32, writeCsv } from '../bench/fixtures/households-csv.ts';
import { importFile } from '../src/services/import/import.service.ts';
import type { Store } from '../src/store/db.ts';
import { storeTargets } from './stores.ts';

const ROWS = Number(process.env.KAOHE_BIG_IMPORT_ROWS ?? 1_000_000);
const TODAY = '2026-12-01';
const pg = storeTargets().find((t) => t.dialect === 'postgres');

describe.skipIf(!pg)(`importing ${ROWS.toLocaleString('en-US')} households into PostgreSQL through COPY`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-pg-copy-'));
  const good = join(dir, 'households.csv');
  const bad = join(dir, 'households-bad.csv');
  let store: Store;
  const count = async () => Number((await sql<{ n: number }>`select count(*) as n from households`.execute(store.db)).rows[0]!.n);

  beforeAll(async () => {
    store = await pg!.open();
    const a = areas(ROWS, mulberry32(11));
    writeFileSync(join(dir, 'areas.csv'), a.csv);
    writeCsv(good, households(a.villages, ROWS, 11));
    // Data row ROWS − 1 (the sheet's row ROWS, under the header) gets an ID number whose check character is wrong.
    execFileSync('sh', [
      '-c',
      `head -n ${ROWS - 1} '${good}' > '${bad}'; sed -n '${ROWS}p' '${good}' | sed -E 's/,([0-9]{17})[0-9X],/,\\1Y,/' >> '${bad}'; tail -n 1 '${good}' >> '${bad}'`,
    ]);
    const r = await importFile(store, 'areas', join(dir, 'areas.csv'), { today: TODAY });
    expect(r.committed).toBe(true);
  }, 600_000);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bad row next to the end leaves nothing: no household, no staging table, the connection usable', async () => {
    const r = await importFile(store, 'households', bad, { today: TODAY });
    expect(r.committed).toBe(false);
    expect(r.rows).toBe(ROWS);
    expect(r.problems.map((p) => [p.row, p.column])).toEqual([[ROWS, '户主身份证号 (E)']]);
    expect(await count()).toBe(0);
    const staging = await sql<{ n: number }>`select count(*) as n from pg_class where relname like ${`import_stage_${process.pid}_%`}`.execute(store.db);
    expect(Number(staging.rows[0]!.n)).toBe(0);
  }, 600_000);

  it('the good file goes in whole, every row', async () => {
    const r = await importFile(store, 'households', good, { today: TODAY });
    expect(r.problems).toEqual([]);
    expect([r.committed, r.inserted]).toEqual([true, ROWS]);
    expect(await count()).toBe(ROWS);
  }, 600_000);
});
