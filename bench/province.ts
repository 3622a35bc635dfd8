/**
 * A province on PostgreSQL (issue 11), measured on this machine:
 *
 *   npm run bench:province                 (tsx bench/province.ts: 10,000,000 rows, the whole province)
 *   tsx bench/province.ts --rows 1000000 --households 1000000 --villages 50000
 *   tsx bench/province.ts --skip import    (or --skip province; --schema NAME reuses a generated province)
 *
 * [A] Import: one deterministic CSV of valid households (bench/fixtures/households-csv.ts), into a
 *     fresh schema each time, five ways side by side: Kaohe's import with COPY (full validation;
 *     a first load, straight into the empty table in one transaction, the validating worker
 *     encoding the COPY lines), the same with the rows handed over as values (--no-values-path
 *     skips it), the same staged and merged (the path of a table with rows; --no-staged-path
 *     skips it), Kaohe's import the way before
 *     COPY (batched INSERT … unnest; --no-insert-path skips it), and the baseline, psql's \copy
 *     of the same CSV into a plain table of its 21 text columns; and sqlite3's .import of it (the
 *     issue's "within 2×" baseline); and the validation alone (a dry run: no database work). Then
 *     the same file with its last row bad: nothing may be left in the table. Ratios and peak
 *     memory printed.
 * [B] Province: `kaohe demo --province`'s data written through COPY (per table), a campaign over
 *     every village, results recorded and published, then the ranking cold (a new process's
 *     services, nothing kept) and warm, the list pages, and the HTTP endpoints under 200 clients
 *     (bench/load.ts, in a process of its own): the village assessment (random villages) back to
 *     back, beside the same on fresh servers whose statements go unnamed (the baseline of
 *     store/pg-prepared.ts) and named, and the floor of this machine (the session alone, and no database), then
 *     arriving at random at a quarter, half and three quarters of that pace (an open loop); the
 *     list pages.
 *
 * Environment: KAOHE_BENCH_PG (else KAOHE_TEST_PG, else postgres://postgres@127.0.0.1:5432/test).
 * Schemas kaohe_bench_province_<pid>_* are dropped at the end unless --keep.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { sql } from 'kysely';
import { compose } from '../src/compose.ts';
import { buildServer } from '../src/http/server.ts';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../src/schemes/index.ts';
import { generateProvince } from '../src/services/demo.service.ts';
import { importFile, importTuning } from '../src/services/import/import.service.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { areas, households, HEADERS, mulberry32, writeCsv } from './fixtures/households-csv.ts';
import type { LoadResult } from './load.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    households: { type: 'string', default: '10000000' },
    villages: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '200' },
    skip: { type: 'string', multiple: true, default: [] },
    schema: { type: 'string' },
    campaign: { type: 'string' },
    'no-insert-path': { type: 'boolean', default: false },
    'no-staged-path': { type: 'boolean', default: false },
    'no-values-path': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const num = (v: string) => Number(v.replace(/[_,]/g, ''));
const run = promisify(execFile);
const ROWS = num(args.rows);
const HOUSEHOLDS = num(args.households);
const VILLAGES = num(args.villages);
const PG = process.env.KAOHE_BENCH_PG ?? process.env.KAOHE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const TODAY = '2026-12-01';
const MiB = 1024 * 1024;
const schemas: string[] = [];
const log = (s = '') => console.log(s);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

interface Measured<T> {
  value: T;
  ms: number;
  peakRss: number;
}
async function measure<T>(work: () => Promise<T> | T): Promise<Measured<T>> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - t0, peakRss: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

async function freshStore(label: string): Promise<Store> {
  const schema = `kaohe_bench_province_${process.pid}_${label}`;
  schemas.push(schema);
  return openStore({ url: PG, pgSchema: schema });
}
const psql = (...a: string[]) =>
  execFileSync('psql', [PG, '-v', 'ON_ERROR_STOP=1', '-qAt', ...a], {
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });

log(
  `kaohe province benchmark: ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(1)}, PostgreSQL ${psql('-c', 'show server_version').trim()} (shared_buffers ${psql('-c', 'show shared_buffers').trim()}, max_wal_size ${psql('-c', 'show max_wal_size').trim()})`,
);
/**
 * Each import measured from the same state of PostgreSQL's WAL: the one before leaves up to a
 * gigabyte to write out at the next checkpoint, which would land in the middle of the next
 * measurement (a spread of 12–16 s in runs of the same import, against 11.9–12.2 s so).
 */
const checkpoint = () => psql('-c', 'checkpoint');
const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-province-'));

// ---------------------------------------------------------------------------------------------
// [A] Import

if (!args.skip.includes('import')) {
  log(`\n[A] import of ${ROWS.toLocaleString('en-US')} households`);
  const a = areas(ROWS, mulberry32(20200101));
  const areasCsv = join(dir, 'areas.csv');
  writeFileSync(areasCsv, a.csv);
  const csv = join(dir, 'households.csv');
  const written = await measure(() => writeCsv(csv, households(a.villages, ROWS, 20200101)));
  log(`  CSV: ${(statSync(csv).size / MiB).toFixed(0)} MiB written in ${secs(written.ms)} (untimed below)`);
  // Written out to the disk before anything is measured: else the first import shares the disk with it.
  execFileSync('sync');

  const kaohe = async (how: 'copy' | 'insert', firstLoad = true, copyLines = true) => {
    importTuning.pgStaging = how;
    importTuning.copyLines = copyLines;
    if (!firstLoad) importTuning.firstLoadMinBytes = Infinity;
    const store = await freshStore(`import_${how}${firstLoad ? '' : '_staged'}${copyLines ? '' : '_values'}`);
    try {
      await importFile(store, 'areas', areasCsv, { today: TODAY });
      checkpoint();
      const m = await measure(() => importFile(store, 'households', csv, { today: TODAY }));
      if (!m.value.committed || m.value.inserted !== ROWS) throw new Error(`${how}: ${JSON.stringify(m.value.problems.slice(0, 3))}`);
      return m;
    } finally {
      importTuning.pgStaging = 'copy';
      importTuning.copyLines = true;
      importTuning.firstLoadMinBytes = firstLoadMinBytes;
      await store.close();
    }
  };
  const firstLoadMinBytes = importTuning.firstLoadMinBytes;
  const copy = await kaohe('copy');
  log(`  Kaohe, COPY:            ${secs(copy.ms)} (${rate(ROWS, copy.ms)}), peak RSS ${(copy.peakRss / MiB).toFixed(0)} MiB (a first load: straight into the empty table)`);
  // The same with the rows handed over as values, made into COPY lines on the importing thread (before the worker encoded them).
  const values = args['no-values-path'] ? undefined : await kaohe('copy', true, false);
  if (values)
    log(
      `  Kaohe, COPY, as values: ${secs(values.ms)} (${rate(ROWS, values.ms)}), peak RSS ${(values.peakRss / MiB).toFixed(0)} MiB (the worker's rows as values, not COPY lines: ${(values.ms / copy.ms).toFixed(2)}×)`,
    );
  // The same through a staging table and the merge's INSERT … SELECT, rows as values (the path of a table with rows, and of a first load before).
  const staged = args['no-staged-path'] ? undefined : await kaohe('copy', false, false);
  if (staged)
    log(
      `  Kaohe, COPY, staged:    ${secs(staged.ms)} (${rate(ROWS, staged.ms)}), peak RSS ${(staged.peakRss / MiB).toFixed(0)} MiB (staged / first load ${(staged.ms / copy.ms).toFixed(2)}×)`,
    );
  const insert = args['no-insert-path'] ? undefined : await kaohe('insert');
  if (insert) log(`  Kaohe, batched INSERT:  ${secs(insert.ms)} (${rate(ROWS, insert.ms)}), peak RSS ${(insert.peakRss / MiB).toFixed(0)} MiB`);
  // What no database work is in: the file read and validated on its thread, nothing written (a dry run).
  const dry = await (async () => {
    const store = await freshStore('import_dry');
    try {
      await importFile(store, 'areas', areasCsv, { today: TODAY });
      checkpoint();
      return await measure(() => importFile(store, 'households', csv, { today: TODAY, dryRun: true }));
    } finally {
      await store.close();
    }
  })();
  log(`  validation alone:       ${secs(dry.ms)} (${rate(ROWS, dry.ms)}; a dry run: the file read and validated, nothing written)`);

  // The baseline: psql's \copy of the same CSV into a plain table (no validation, no indexes).
  const plain = `kaohe_bench_province_${process.pid}_plain`;
  schemas.push(plain);
  psql('-c', `create schema ${plain}; create table ${plain}.households (${HEADERS.map((_, i) => `c${i} text`).join(', ')})`);
  checkpoint();
  const t0 = performance.now();
  psql('-c', `\\copy ${plain}.households from '${csv}' with (format csv, header true)`);
  const psqlMs = performance.now() - t0;
  log(`  psql \\copy (baseline):  ${secs(psqlMs)} (${rate(ROWS, psqlMs)})`);
  // sqlite3's own time varies with the disk (3.2–5.3 s for a million rows in runs one after the
  // other): the best of three is the baseline (of one, ten million rows and up).
  const sqliteRuns: number[] = [];
  let sqliteFailed = '';
  for (let run = 0; run < (ROWS > 2_000_000 ? 1 : 3) && !sqliteFailed; run++) {
    const db = join(dir, `plain-${run}.db`);
    const t1 = performance.now();
    const sqlite = spawnSync('sqlite3', [db, '.import --csv --skip 1 ' + csv + ' households'], {
      input: `create table households (${HEADERS.map((_, i) => `c${i} text`).join(', ')});`,
    });
    sqliteRuns.push(performance.now() - t1);
    rmSync(db, { force: true });
    if (sqlite.status !== 0) sqliteFailed = String(sqlite.stderr);
  }
  const sqliteMs = Math.min(...sqliteRuns);
  if (sqliteFailed) log(`  sqlite3 .import failed: ${sqliteFailed}`);
  else
    log(
      `  sqlite3 .import:        ${secs(sqliteMs)} (${rate(ROWS, sqliteMs)}${sqliteRuns.length > 1 ? `; the best of ${sqliteRuns.length}: ${sqliteRuns.map((ms) => secs(ms)).join(', ')}` : ''})`,
    );
  log(
    `  ratios: COPY / psql \\copy ${(copy.ms / psqlMs).toFixed(2)}×, COPY / sqlite3 .import ${(copy.ms / sqliteMs).toFixed(2)}×, validation alone / sqlite3 .import ${(dry.ms / sqliteMs).toFixed(2)}×${insert ? `, INSERT / COPY ${(insert.ms / copy.ms).toFixed(2)}×` : ''}`,
  );
  log(
    `  targets: ${ROWS >= 10_000_000 ? `10M in < 120 s: ${copy.ms < 120_000 ? 'met' : 'MISSED'}` : `within 2× of sqlite3 .import: ${copy.ms <= 2 * sqliteMs ? 'met' : 'MISSED'}`}`,
  );

  // All or nothing: the same file with its last row bad (an ID number with a wrong check character).
  const bad = join(dir, 'households-bad.csv');
  execFileSync('sh', ['-c', `head -n ${ROWS} '${csv}' > '${bad}' && tail -n 1 '${csv}' | sed -E 's/,([0-9]{17})[0-9X],/,\\1Y,/' >> '${bad}'`]);
  const store = await freshStore('import_bad');
  try {
    await importFile(store, 'areas', areasCsv, { today: TODAY });
    const m = await measure(() => importFile(store, 'households', bad, { today: TODAY }));
    const left = Number((await sql<{ n: number }>`select count(*) as n from households`.execute(store.db)).rows[0]!.n);
    log(
      `  bad row ${ROWS.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')}: ${m.value.problems.length} problem (row ${m.value.problems[0]?.row}), committed ${m.value.committed}, ${left} rows in the table, in ${secs(m.ms)}`,
    );
    if (m.value.committed || left !== 0) throw new Error('the bad file left rows behind');
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// [B] Province

if (!args.skip.includes('province')) {
  log(
    args.schema
      ? `\n[B] the province an earlier run kept in schema ${args.schema}`
      : `\n[B] a province of ${VILLAGES.toLocaleString('en-US')} villages and ${HOUSEHOLDS.toLocaleString('en-US')} households`,
  );
  const store = args.schema ? await openStore({ url: PG, pgSchema: args.schema }) : await freshStore('province');
  try {
    if (!args.schema) {
      const g = await measure(() =>
        generateProvince(store, { villages: VILLAGES, households: HOUSEHOLDS }, (t, n, ms) =>
          log(`  ${t.padEnd(20)} ${n.toLocaleString('en-US').padStart(12)} rows  ${secs(ms).padStart(8)}  ${rate(n, ms)}`),
        ),
      );
      const rows = Object.values(g.value.counts).reduce((a, b) => a + b, 0);
      log(`  generated: ${rows.toLocaleString('en-US')} rows in ${secs(g.ms)}, peak RSS ${(g.peakRss / MiB).toFixed(0)} MiB`);
    }
    const system = { user: 'bench', role: 'admin' as const };
    const services = compose({ store });
    let campaignId: number;
    let ids: number[];
    if (args.campaign) {
      // A campaign an earlier run made and published (with --keep --schema).
      campaignId = num(args.campaign);
      ids = (await sql<{ id: number }>`select id from assessments where campaign_id = ${campaignId} order by id`.execute(store.db)).rows.map((r) => r.id);
      log(`  campaign ${campaignId}: ${ids.length.toLocaleString('en-US')} villages, made by an earlier run`);
    } else {
      const version = await services.campaigns.schemes.storeSchemeVersion(
        system,
        readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8'),
        null,
        `${DEFAULT_SCHEME_ID}.yaml`,
      );
      const created = await measure(() =>
        services.campaigns.setup.createCampaign(system, { name: `省级考核 ${process.pid}`, year: 2020, schemeVersionId: version.id, appealDays: 15 }),
      );
      campaignId = created.value;
      const count = Number((await sql<{ n: number }>`select count(*) as n from assessments where campaign_id = ${campaignId}`.execute(store.db)).rows[0]!.n);
      log(`  campaign over ${count.toLocaleString('en-US')} villages created in ${secs(created.ms)}`);
      // Results: a finding on every tenth village (through the service), then every assessment
      // published at once in SQL (the bench's shortcut past 50,000 reviews).
      ids = (await sql<{ id: number }>`select id from assessments where campaign_id = ${campaignId} order by id`.execute(store.db)).rows.map((r) => r.id);
      const f = await measure(async () => {
        for (let i = 0; i < ids.length; i += 10) {
          const a = await services.campaigns.assessments.getAssessment(system, ids[i]!);
          await services.campaigns.findings.addFinding(system, ids[i]!, a.version, { item: '1.1', note: '未见工作计划' });
        }
      });
      log(`  ${Math.ceil(ids.length / 10).toLocaleString('en-US')} findings recorded in ${secs(f.ms)}`);
      // Every assessment reviewed at once in SQL (the bench's shortcut past 50,000 reviews), then
      // the campaign published through the service, as the office does (audited, snapshotted,
      // the table's statistics read again after).
      await sql`update assessments set status = 'reviewed', reviewed_at = ${new Date().toISOString()}, reviewed_by = 'bench', version = version + 1 where campaign_id = ${campaignId}`.execute(
        store.db,
      );
      const p = await measure(() => services.campaigns.workflow.publishCampaign(system, campaignId));
      log(`  the campaign published (${p.value.published.toLocaleString('en-US')} villages, each audited, the ranking snapshotted) in ${secs(p.ms)}`);
    }
    // The ranking: cold (new services, nothing kept in memory), then warm. The first ranking of
    // this process also runs the ranking's code for the first time (the JIT cold, as after a
    // server's start); a server that has ranked before (after a publication: every result's
    // version moved) recomputes with its code warm: new services again, three times.
    const cold = compose({ store });
    const r1 = await measure(() => cold.campaigns.rankings.rankingFor(system, campaignId));
    const r2 = await measure(() => cold.campaigns.rankings.rankingFor(system, campaignId));
    log(
      `  ranking of ${r1.value.county.length.toLocaleString('en-US')} villages: cold ${r1.ms.toFixed(0)} ms (target < 1,000: ${r1.ms < 1000 ? 'met' : 'MISSED'}), warm ${r2.ms.toFixed(1)} ms (target < 50: ${r2.ms < 50 ? 'met' : 'MISSED'})`,
    );
    const recomputed: number[] = [];
    for (let i = 0; i < 3; i++) recomputed.push((await measure(() => compose({ store }).campaigns.rankings.rankingFor(system, campaignId))).ms);
    log(`  … cold again, its code run before (new services, nothing kept): ${recomputed.map((ms) => ms.toFixed(0)).join(' / ')} ms`);

    // HTTP under CONNECTIONS clients.
    process.env.KAOHE_SCRYPT_LOG2N ??= '14';
    const app = await buildServer({ store, webRoot: null, logger: false, loginRateLimit: 1000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // A user of the office (made once in a kept schema).
    if (!(await store.db.selectFrom('users').select('id').where('username', '=', 'province-office').executeTakeFirst()))
      await services.users.create(system, { username: 'province-office', role: 'admin', password: 'quiet-river-lamp-2021' });
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'province-office', password: 'quiet-river-lamp-2021' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const lists: Array<[string, string]> = [
      ['ranking', `/api/campaigns/${campaignId}/ranking`],
      ['overview', `/api/campaigns/${campaignId}/overview`],
      ['assessments list', `/api/campaigns/${campaignId}/assessments`],
      ['appeals list', `/api/campaigns/${campaignId}/appeals`],
      // The pages the web app asks for (200 rows), first and deep in the list.
      ['ranking, a page of 200', `/api/campaigns/${campaignId}/ranking?limit=200`],
      ['assessments, a page of 200', `/api/campaigns/${campaignId}/assessments?limit=200`],
      [
        'assessments, a page of 200 after the 40,000th village',
        `/api/campaigns/${campaignId}/assessments?limit=200&after=${(await sql<{ code: string }>`select village_code as code from assessments where campaign_id = ${campaignId} order by village_code offset 40000 limit 1`.execute(store.db)).rows[0]?.code ?? ''}`,
      ],
      ['assessments, a page of 200 published', `/api/campaigns/${campaignId}/assessments?limit=200&status=published`],
      ['appeals, a page of 200', `/api/campaigns/${campaignId}/appeals?limit=200`],
      // The campaign page: the campaign with every village's row, and without (what the web app asks for).
      ['the campaign, with its rows', `/api/campaigns/${campaignId}`],
      ['the campaign without its rows (?villages=false)', `/api/campaigns/${campaignId}?villages=false`],
      ['the unranked villages, a page of 200', `/api/campaigns/${campaignId}/ranking/unranked?limit=200`],
      // 我的考核村 of the office: the whole province is more than it lists one by one (counts and townships), then a township's villages.
      ['my villages (the office: tooMany)', `/api/campaigns/${campaignId}/my-villages`],
      [
        "my villages, a township's",
        `/api/campaigns/${campaignId}/my-villages?township=${(await sql<{ code: string }>`select code from areas where level = 'township' order by code limit 1`.execute(store.db)).rows[0]!.code}`,
      ],
      // The registry's long lists: a keyset page, first and deep, beside the page by number as deep (the baseline).
      ['households, a page of 200', '/api/households?limit=200'],
      [
        'households, a page of 200 after the 150,000th',
        `/api/households?limit=200&after=${(await sql<{ no: string }>`select household_no as no from households order by household_no offset 150000 limit 1`.execute(store.db)).rows[0]?.no ?? ''}`,
      ],
      ['households, page 751 of 200 by number (the same depth)', '/api/households?page=751&pageSize=200'],
      ['home visits, a page of 200', '/api/records/visits?limit=200'],
      ['home visits, page 1,000 of 200 by number', '/api/records/visits?page=1000&pageSize=200'],
      ['helpers, a page of 200', '/api/helpers?limit=200'],
      ['helpers, page 1 of 200 by number', '/api/helpers?page=1&pageSize=200'],
      [
        'households of a village',
        `/api/households?village=${encodeURIComponent((await sql<{ code: string }>`select code from areas where level = 'village' order by code limit 1`.execute(store.db)).rows[0]!.code)}`,
      ],
    ];
    for (const [name, path] of lists) {
      const m = await measure(async () => {
        const res = await fetch(base + path, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return (await res.arrayBuffer()).byteLength;
      });
      log(`  GET ${name}: ${m.ms.toFixed(0)} ms, ${(m.value / 1024).toFixed(0)} KiB`);
    }
    const seconds = num(args.seconds);
    const connections = num(args.connections);
    // The load comes from another process (bench/load.ts): the server has its event loop to itself.
    const jobFile = join(dir, 'load.json');
    const load = async (rate?: number, path?: string, signedIn = true, at = base): Promise<LoadResult> => {
      writeFileSync(
        jobFile,
        JSON.stringify({ base: at, cookie: signedIn ? cookie : '', ids, connections, seconds, seed: 7, ...(rate ? { rate } : {}), ...(path ? { path } : {}) }),
      );
      // Asynchronously: this process's server answers meanwhile.
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load.ts'), jobFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
      return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
    };
    // The clients ask back to back (the issue's measure).
    const result = await load();
    log(
      `  GET /api/assessments/:id (random of ${ids.length.toLocaleString('en-US')}), ${connections} clients back to back, ${seconds} s: ${Math.round(result.perSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms (target < 50: ${result.p99 < 50 ? 'met' : 'MISSED'}), ${result.failed} failed`,
    );
    // The baseline: the same load on two fresh servers of their own, one whose connections send
    // every statement unnamed, parsed and planned each time (as before store/pg-prepared.ts), and
    // one whose connections name the statements they run over and over; asked in the order
    // unnamed, named, named, unnamed (the second server's run came out slower than the first's
    // with both unnamed: 1.35×, the drift of the machine and this process).
    {
      const serverOn = async (named: boolean) => {
        const s = await openStore({ url: PG, pgSchema: store.pgSchema!, migrate: false, namedStatements: named });
        const a = await buildServer({ store: s, webRoot: null, logger: false, loginRateLimit: 1000 });
        await a.listen({ port: 0, host: '127.0.0.1' });
        return { at: `http://127.0.0.1:${(a.server.address() as { port: number }).port}`, close: async () => (await a.close(), await s.close()) };
      };
      const servers = { unnamed: await serverOn(false), named: await serverOn(true) };
      try {
        const runs: Record<'unnamed' | 'named', LoadResult[]> = { unnamed: [], named: [] };
        for (const which of ['unnamed', 'named', 'named', 'unnamed'] as const) runs[which].push(await load(undefined, undefined, true, servers[which].at));
        const rate = (rs: LoadResult[]) => rs.reduce((sum, r) => sum + r.perSecond, 0) / rs.length;
        for (const which of ['unnamed', 'named'] as const)
          log(
            `  … the same on a fresh server, statements ${which === 'named' ? 'named (as kept)' : 'all unnamed (the baseline)'}: ${runs[which].map((r) => `${Math.round(r.perSecond)} req/s, p99 ${r.p99} ms`).join('; ')}`,
          );
        log(`  … named / unnamed: ${(rate(runs.named) / rate(runs.unnamed)).toFixed(2)}× the answers a second`);
      } finally {
        await servers.unnamed.close();
        await servers.named.close();
      }
    }
    // The floor on this machine, the same clients back to back: an answer that only looks up who
    // is asking (the session: one query; every request with a session cookie looks it up, even
    // /api/health's), and one that looks up nothing (no cookie: no database). No endpoint that
    // checks who is asking answers faster than the first.
    for (const [name, path, signedIn] of [
      ['GET /api/auth/me (the session only)', '/api/auth/me', true],
      ['GET /api/health, no cookie (no database)', '/api/health', false],
    ] as const) {
      const floor = await load(undefined, path, signedIn);
      log(
        `  ${name}, ${connections} clients back to back: ${Math.round(floor.perSecond)} req/s, p50 ${floor.p50} ms, p99 ${floor.p99} ms (${floor.p99 < 50 ? 'under' : 'over'} 50 ms), ${floor.failed} failed`,
      );
    }
    // Then at a set pace, as people at their screens ask: requests arriving at random (Poisson)
    // at RATE a second in all over the same number of connections, each timed from when it was
    // due (a request that waits for a free connection counts its wait).
    for (const share of [0.25, 0.5, 0.75]) {
      const rate = Math.max(1, Math.round(result.perSecond * share));
      const paced = await load(rate);
      log(
        `  … requests arriving at random, ${rate} req/s (${Math.round(share * 100)}% of back to back) over ${connections} connections: p50 ${paced.p50.toFixed(1)} ms, p90 ${paced.p90.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms (${paced.p99 < 50 ? 'under' : 'over'} 50 ms), ${paced.count} requests, ${paced.failed} failed`,
      );
    }
    await app.close();
  } finally {
    await store.close();
  }
}

log(`\npeak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
if (!args.keep) for (const s of schemas) psql('-c', `drop schema if exists ${s} cascade`);
rmSync(dir, { recursive: true, force: true });
