/**
 * The daily work beside bench/import.ts's imports: another process (as the web server is to the
 * CLI) that runs a small read-then-write transaction every 100 ms on the same database, like an
 * inspector's save, until told to stop; then it sends back when each one began and how long it
 * took (-1: it failed). Forked by bench/import.ts:
 *
 *     concurrent-writer.ts URL [PG_SCHEMA]      (IPC: 'ready' →, ← 'stop', { samples, errors } →)
 */
import { openStore } from '../src/store/db.ts';

const [url, schema] = process.argv.slice(2);
if (!url || !process.send) {
  console.error('usage: forked by bench/import.ts with the database URL (and a PostgreSQL schema)');
  process.exit(2);
}
const store = await openStore({ url, migrate: false, ...(schema ? { pgSchema: schema } : {}) });
let stopping = false;
process.on('message', (m) => {
  if (m === 'stop') stopping = true;
});
/** [began (epoch ms), took (ms, -1: failed)] */
const samples: Array<[number, number]> = [];
const errors: string[] = [];
process.send('ready');
while (!stopping) {
  const began = Date.now();
  const t0 = performance.now();
  try {
    await store.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('poverty_lines').select('amount_fen').where('year', '=', 1900).executeTakeFirst();
      await trx
        .insertInto('poverty_lines')
        .values({ year: 1900, amount_fen: (row?.amount_fen ?? 0) + 1 })
        .onConflict((oc) => oc.column('year').doUpdateSet({ amount_fen: (row?.amount_fen ?? 0) + 1 }))
        .execute();
    });
    samples.push([began, performance.now() - t0]);
  } catch (e) {
    samples.push([began, -1]);
    if (errors.length < 5) errors.push((e as Error).message);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - t0))));
}
await store.close();
process.send({ samples, errors }, () => process.disconnect());
