/**
 * HTTP benchmark: the ranking and village-assessment endpoints (an empty draft, and one with its
 * suggestions derived and three accepted) under 50 concurrent clients (autocannon) for 20 s each
 * against the demo county, beside a bare endpoint of the same server returning a fixed JSON body
 * (same session cookie, same hooks). Prints requests/s, p50, p99 and the ratio to the bare
 * endpoint. Targets: p99 under 50 ms, at least a third of the bare endpoint's requests/s.
 *
 *   npm run bench:http                (tsx bench/http.ts)
 *   tsx bench/http.ts --seconds 5 --connections 50
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildServer } from '../src/http/server.ts';
import { DEMO_CAMPAIGN, firstStart } from '../src/services/bootstrap.service.ts';
import { openStore } from '../src/store/db.ts';
import { compose } from '../src/compose.ts';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '50' }, workers: { type: 'string', default: '1' } },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
/** Threads the clients run on (autocannon's workers); 0: on the server's own thread. */
const WORKERS = Number(args.workers);

process.env.KAOHE_SCRYPT_LOG2N ??= '14';
const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-http-'));
const store = await openStore({ url: join(dir, 'kaohe.db') });
const setupStart = Date.now();
const first = (await firstStart(compose({ store })))!;
const app = await buildServer({ store, webRoot: null, logger: false, loginRateLimit: 1000 });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
const base = `http://127.0.0.1:${address.port}`;

const admin = first.credentials.find((c) => c.role === 'admin')!;
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: admin.username, password: admin.password }),
});
if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
// The demo's passwords are one-time: the first thing a user does is choose their own.
{
  const { csrfToken } = (await login.clone().json()) as { csrfToken: string };
  const changed = await fetch(`${base}/api/auth/password`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: admin.password, newPassword: 'bench-desk-lamp-2021' }),
  });
  if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${await changed.text()}`);
}
const get = async (path: string) => {
  const r = await fetch(base + path, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<unknown>;
};
const campaigns = (await get('/api/campaigns')) as { campaigns?: Array<{ id: number; name: string }> } | Array<{ id: number; name: string }>;
const list = Array.isArray(campaigns) ? campaigns : (campaigns.campaigns ?? []);
const campaign = list.find((c) => c.name === DEMO_CAMPAIGN) ?? list[0];
if (!campaign) throw new Error('no campaign in the demo data');
const [assessment, worked] = await store.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaign.id).orderBy('id').limit(2).execute();
if (!assessment || !worked) throw new Error('the demo campaign has fewer than two assessments');
// A second assessment as an inspection leaves it: suggestions derived from the registry, a few
// accepted as findings, so its answer is the size of a real one (the first stays an empty draft).
{
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const post = async (path: string, body: unknown = {}) => {
    const r = await fetch(base + path, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ assessment: { version: number } }>;
  };
  let version = (await post(`/api/assessments/${worked.id}/suggestions/derive`)).assessment.version;
  const view = (await get(`/api/assessments/${worked.id}`)) as { suggestions: Array<{ id: number; status: string }> };
  for (const s of view.suggestions.filter((x) => x.status === 'open').slice(0, 3)) {
    version = (await post(`/api/assessments/${worked.id}/suggestions/${s.id}/accept`, { version })).assessment.version;
  }
}
console.log(`kaohe HTTP benchmark: demo county, ${CONNECTIONS} connections, ${SECONDS} s per endpoint (setup ${((Date.now() - setupStart) / 1000).toFixed(1)} s)`);

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function run(name: string, path: string): Promise<Result> {
  const body = JSON.stringify(await get(path)); // warm up and check it answers
  console.log(`${name.trim()}: ${path} (${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB)`);
  // As a browser asks: gzip accepted (large answers are sent gzipped, see src/http/kept-json.ts).
  const r = await autocannon({
    url: base + path,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(WORKERS > 0 ? { workers: WORKERS } : {}),
    headers: { cookie, 'accept-encoding': 'gzip, deflate, br' },
  });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

const results: Result[] = [];
results.push(await run('bare (fixed JSON)', '/api/health'));
results.push(await run('ranking', `/api/campaigns/${campaign.id}/ranking`));
results.push(await run('village assessment', `/api/assessments/${assessment.id}`));
results.push(await run('  … with suggestions', `/api/assessments/${worked.id}`));

const bare = results[0]!;
console.log('');
console.log(`${'endpoint'.padEnd(22)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs bare'.padStart(10)}  target`);
let ok = true;
for (const r of results) {
  const ratio = r.rps / bare.rps;
  const meets = r === bare ? '' : r.p99 < 50 && ratio >= 1 / 3 ? 'met' : 'MISSED';
  if (meets === 'MISSED' || r.errors || r.non2xx) ok = false;
  console.log(
    `${r.name.padEnd(22)}${r.rps.toFixed(0).padStart(10)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${ratio.toFixed(2).padStart(10)}  ${meets}${r.errors || r.non2xx ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : ''}`,
  );
}
console.log('');
console.log(ok ? 'targets met: p99 < 50 ms and ≥ 1/3 of the bare endpoint' : 'targets missed (see above)');
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
