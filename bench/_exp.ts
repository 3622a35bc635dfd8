import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { areas, households, mulberry32, writeCsv } from './fixtures/households-csv.ts';
import { importFile, importTuning } from '../src/services/import/import.service.ts';
import { openStore } from '../src/store/db.ts';
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'exp-'));
const a = areas(rows, mulberry32(7));
writeFileSync(join(dir, 'areas.csv'), a.csv);
writeCsv(join(dir, 'hh.csv'), households(a.villages, rows, 7));
for (const mode of (process.argv[3] ?? 'copy').split(',')) {
  importTuning.pgStaging = mode as 'copy';
  const schema = `exp_${process.pid}_${mode}`;
  const store = await openStore({ url: 'postgres://postgres@127.0.0.1:5432/test', pgSchema: schema });
  await importFile(store, 'areas', join(dir, 'areas.csv'), { today: '2026-01-01' });
  const t0 = performance.now();
  const r = await importFile(store, 'households', join(dir, 'hh.csv'), { today: '2026-01-01' });
  console.log(mode, r.inserted, ((performance.now() - t0) / 1000).toFixed(2), 's');
  await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db);
  await store.close();
}
