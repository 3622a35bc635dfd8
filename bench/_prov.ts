import { sql } from 'kysely';
import { generateProvince } from '../src/services/demo.service.ts';
import { openStore } from '../src/store/db.ts';
const schema = `prov_${process.pid}`;
const store = await openStore({ url: 'postgres://postgres@127.0.0.1:5432/test', pgSchema: schema });
try {
  const s = await generateProvince(store, { cities: Number(process.argv[2] ?? 2), counties: Number(process.argv[3] ?? 3), villages: Number(process.argv[4] ?? 90), households: Number(process.argv[5] ?? 18000) }, (t, n, ms) => console.log(t, n, ms, 'ms'));
  console.log(JSON.stringify({ ...s, options: undefined }));
} finally {
  if (!process.env.KEEP) await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db);
  await store.close();
}
