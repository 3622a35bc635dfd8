/**
 * Web first-load benchmark: what a phone on weak mobile data waits for. Two servers over one
 * demo store (with the first start's campaign in progress): one as it serves now (precompressed
 * files, hashed files kept a year, JSON compressed), one plain as before (`webPlain`: every file
 * whole and revalidated on every use; the browser also asks for `Accept-Encoding: identity`).
 * Debian's Chromium (playwright-core) at 390×844 on a slow 3G link (CDP: 1.6 Mbit/s down,
 * 750 kbit/s up, 150 ms latency) opens the sign-in page, the office's overview and the
 * inspector's assessment page of a draft: cold (a new browser context, nothing cached but the
 * session cookie) and repeat (the same context, the page opened again). For each: bytes over
 * the wire (CDP encodedDataLength until the network is idle), requests that went to the server
 * (304s among them), and time until the page's main content is visible (its data-testid).
 * The medians of --runs runs, side by side with the ratios; first what each page loads by the
 * build's manifest (scripts/page-weights.mjs).
 *
 *   npm run bench:web            (tsx bench/web.ts)
 *   tsx bench/web.ts --runs 1
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { buildServer } from '../src/http/server.ts';
import { DEMO_CAMPAIGN, firstStart } from '../src/services/bootstrap.service.ts';
import { EvidenceStore } from '../src/services/evidence/evidence-store.ts';
import { openStore } from '../src/store/db.ts';
import { compose } from '../src/compose.ts';
import { CHROMIUM, chromiumAvailable, launchBrowser } from '../test/browser/helpers.ts';
import { pageWeights, type Manifest } from '../scripts/page-weights.mjs';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.max(1, Number(args.runs));

/** Slow 3G as Chrome's DevTools used to define it, in bytes per second. */
const SLOW_3G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const PHONE = { width: 390, height: 844 };
const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'dist', 'web');
const NEW_PASSWORD = 'bench-weak-signal-2020';

if (!chromiumAvailable()) process.exit(0);
process.env.KAOHE_SCRYPT_LOG2N ??= '12';

// 1. The build, and what each page loads by its manifest.
execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
const manifestFile = join(ROOT, 'dist', 'web-manifest.json');
if (!existsSync(manifestFile)) throw new Error('no dist/web-manifest.json: run node scripts/build-web.mjs --force');
const weights = pageWeights(WEB, JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log('\nWhat each page loads (index.html, scripts and styles; by the build manifest):');
console.log(`${'page'.padEnd(12)}${'files'.padStart(6)}${'as is'.padStart(12)}${'gzip'.padStart(12)}${'brotli'.padStart(12)}`);
for (const [name, w] of Object.entries(weights)) {
  console.log(`${name.padEnd(12)}${String(w.files.length).padStart(6)}${kib(w.raw).padStart(12)}${kib(w.gzip).padStart(12)}${kib(w.brotli).padStart(12)}`);
}
const echartsIn = Object.entries(weights)
  .filter(([, w]) => w.files.some((f) => /echarts/i.test(f)))
  .map(([n]) => n);
console.log(`echarts is loaded by: ${echartsIn.join(', ') || 'none of these pages'}`);

// 2. The demo store and the two servers.
const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-web-'));
const store = await openStore({ url: join(dir, 'kaohe.db') });
const evidence = new EvidenceStore(join(dir, 'evidence'));
const setupStart = Date.now();
const first = await firstStart(compose({ store, evidence }), { inProgress: true });
if (!first) throw new Error('firstStart created nothing on a fresh store');
const servers: Record<'plain' | 'compressed', { app: FastifyInstance; base: string }> = {} as never;
for (const variant of ['plain', 'compressed'] as const) {
  const app = await buildServer({ store, evidence, webRoot: WEB, logger: false, loginRateLimit: 1000, webPlain: variant === 'plain' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  servers[variant] = { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** Signs a user in over the API and changes their one-time password; the session cookie's value. */
async function session(username: string): Promise<string> {
  const base = servers.compressed.base;
  const password = first!.credentials.find((c) => c.username === username)!.password;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (login.status !== 200) throw new Error(`sign-in of ${username} failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const changed = await fetch(`${base}/api/auth/password`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: password, newPassword: NEW_PASSWORD }),
  });
  if (changed.status !== 200) throw new Error(`password change of ${username} failed: ${changed.status} ${await changed.text()}`);
  return cookie.slice(cookie.indexOf('=') + 1);
}
const sessions = { admin: await session('admin'), inspector: await session('inspector') };
// The inspector's page: a draft of the demo campaign their team has to assess.
const draft = await store.db
  .selectFrom('assessments')
  .innerJoin('campaigns', 'campaigns.id', 'assessments.campaign_id')
  .select('assessments.id')
  .where('campaigns.name', '=', DEMO_CAMPAIGN)
  .where('assessments.status', '=', 'draft')
  .where('assessments.team_id', 'is not', null)
  .orderBy('assessments.id')
  .executeTakeFirstOrThrow();
console.log(
  `\ndemo store and two servers ready in ${((Date.now() - setupStart) / 1000).toFixed(1)} s; Chromium ${CHROMIUM}, ${PHONE.width}×${PHONE.height}, slow 3G (200 kB/s down, 150 ms), median of ${RUNS} run(s)`,
);

interface PageCase {
  name: string;
  path: string;
  testId: string;
  user?: keyof typeof sessions;
}
const CASES: PageCase[] = [
  { name: 'sign-in', path: '/login', testId: 'login-page' },
  { name: 'overview', path: '/', testId: 'overview-page', user: 'admin' },
  { name: 'assessment', path: `/assessments/${draft.id}`, testId: 'assessment-page', user: 'inspector' },
];

interface Visit {
  bytes: number;
  requests: number;
  notModified: number;
  ms: number;
  encoded: number;
}

/** Counts what goes over the wire for one page of a context, between start() and stop(). */
function watch(cdp: CDPSession) {
  let counting = false;
  const sent = new Set<string>();
  const fromCache = new Set<string>();
  let bytes = 0;
  let notModified = 0;
  let encoded = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (counting && !e.request.url.startsWith('data:')) sent.add(e.requestId);
  });
  cdp.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    if (!counting || !sent.has(e.requestId)) return;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) fromCache.add(e.requestId);
    if (e.response.status === 304) notModified++;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') encoded++;
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (counting && sent.has(e.requestId)) bytes += e.encodedDataLength;
  });
  return {
    start() {
      sent.clear();
      fromCache.clear();
      bytes = 0;
      notModified = 0;
      encoded = 0;
      counting = true;
    },
    stop(ms: number): Visit {
      counting = false;
      return { bytes, requests: [...sent].filter((id) => !fromCache.has(id)).length, notModified, ms, encoded };
    },
  };
}

/** One page opened cold in a new context, then again in the same context. */
async function measure(browser: Browser, variant: 'plain' | 'compressed', c: PageCase): Promise<{ cold: Visit; repeat: Visit }> {
  const base = servers[variant].base;
  const context: BrowserContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    if (c.user) await context.addCookies([{ name: 'kaohe_session', value: sessions[c.user], url: base }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    if (variant === 'plain') await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    const counter = watch(cdp);
    const visit = async (): Promise<Visit> => {
      counter.start();
      const started = Date.now();
      await page.goto(base + c.path, { waitUntil: 'commit', timeout: 180_000 });
      await page.getByTestId(c.testId).waitFor({ state: 'visible', timeout: 180_000 });
      const ms = Date.now() - started;
      // What the page goes on to fetch (its data, photos) counts too.
      await page.waitForLoadState('networkidle', { timeout: 180_000 }).catch(() => undefined);
      return counter.stop(ms);
    };
    const cold = await visit();
    const repeat = await visit();
    return { cold, repeat };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const medianVisit = (vs: Visit[]): Visit => ({
  bytes: median(vs.map((v) => v.bytes)),
  requests: median(vs.map((v) => v.requests)),
  notModified: median(vs.map((v) => v.notModified)),
  ms: median(vs.map((v) => v.ms)),
  encoded: median(vs.map((v) => v.encoded)),
});

// 3. The pages, each variant in turn, run after run.
const browser = await launchBrowser();
const results = new Map<string, { plain: Visit[]; compressed: Visit[] }>();
try {
  for (let run = 0; run < RUNS; run++) {
    for (const c of CASES) {
      for (const variant of ['plain', 'compressed'] as const) {
        const { cold, repeat } = await measure(browser, variant, c);
        for (const [visit, v] of [
          ['cold', cold],
          ['repeat', repeat],
        ] as const) {
          const key = `${c.name}\t${visit}`;
          if (!results.has(key)) results.set(key, { plain: [], compressed: [] });
          results.get(key)![variant].push(v);
        }
        process.stdout.write('.');
      }
    }
  }
} finally {
  await browser.close();
  for (const { app } of Object.values(servers)) await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

// 4. The table.
const cell = (v: Visit) => `${kib(v.bytes).padStart(11)} ${String(v.requests).padStart(4)} (${String(v.notModified).padStart(2)})${(v.ms / 1000).toFixed(2).padStart(7)} s`;
const ratio = (a: number, b: number) => (a === 0 ? (b === 0 ? '—' : '∞') : (b / a).toFixed(2));
console.log('\n');
console.log(
  `${'page'.padEnd(11)}${'visit'.padEnd(8)}│${'plain: bytes  req (304)   shown'.padStart(33)} │${'compressed: bytes  req (304)   shown'.padStart(38)} │ ${'bytes ×'.padStart(8)} ${'time ×'.padStart(7)}`,
);
console.log('─'.repeat(118));
let plainEncoded = 0;
for (const [key, r] of results) {
  const [name, visit] = key.split('\t') as [string, string];
  const p = medianVisit(r.plain);
  const c = medianVisit(r.compressed);
  plainEncoded += p.encoded;
  console.log(`${name.padEnd(11)}${visit.padEnd(8)}│${cell(p).padStart(33)} │${cell(c).padStart(38)} │ ${ratio(p.bytes, c.bytes).padStart(8)} ${ratio(p.ms, c.ms).padStart(7)}`);
}
console.log(
  '(bytes: CDP encodedDataLength until the network is idle; req: requests that reached the server, 304s in brackets; shown: until the data-testid is visible; × compressed / plain)',
);
if (plainEncoded > 0) console.log(`warning: ${plainEncoded} answers of the plain server came compressed although the browser asked for identity`);
