/**
 * Offline sync benchmark (issue 10): an inspector comes back into coverage with 200 findings and
 * 20 photos of about 3 MB queued on the phone. The phone's own sync code (src/web/offline/sync.ts,
 * IndexedDB as fake-indexeddb implements it) sends them over HTTP to a server on the demo county,
 * beside a baseline in the same run: the same findings and photos sent the way the page sends
 * them online (one POST per finding, then each finding's photos in one multipart upload). Prints
 * the time, the requests and the bytes of each, and the ratios; then the queue again with the
 * network cut after every 7th request, resumed until done (what a weak line costs).
 *
 *   npx tsx bench/offline-sync.ts [--findings 200] [--photos 20] [--photo-mib 3]
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { buildServer } from '../src/http/server.ts';
import { DEMO_CAMPAIGN, firstStart } from '../src/services/bootstrap.service.ts';
import { openStore } from '../src/store/db.ts';
import { compose } from '../src/compose.ts';
import { EvidenceStore } from '../src/services/evidence/evidence-store.ts';
import { ApiError } from '../src/web/lib/api.ts';
import { newKey, type PhotoRef } from '../src/web/offline/changes.ts';
import * as phone from '../src/web/offline/store.ts';
import { syncQueue, type Transport, type UploadState } from '../src/web/offline/sync.ts';

const { values: args } = parseArgs({
  options: { findings: { type: 'string', default: '200' }, photos: { type: 'string', default: '20' }, 'photo-mib': { type: 'string', default: '3' } },
});
const FINDINGS = Number(args.findings);
const PHOTOS = Number(args.photos);
const PHOTO_BYTES = Number(args['photo-mib']) * 1024 * 1024;

process.env.KAOHE_SCRYPT_LOG2N ??= '12';
const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-offline-'));
const store = await openStore({ url: join(dir, 'kaohe.db') });
const evidence = new EvidenceStore(join(dir, 'evidence'), { maxBytes: 20 * 1024 * 1024, quotaBytes: 2 * 1024 * 1024 * 1024 });
const first = (await firstStart(compose({ store, evidence }), { demo: true }))!;
const app = await buildServer({ store, evidence, webRoot: null, logger: false, loginRateLimit: 1000 });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

/** Signs the demo's inspector in (choosing a password: the demo's are one-time) and counts what is sent. */
async function session(user: { username: string; password: string }) {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const h = { cookie, 'x-csrf-token': csrfToken };
  await fetch(`${base}/api/auth/password`, {
    method: 'POST',
    headers: { ...h, 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: user.password, newPassword: 'bench-field-lamp-2021' }),
  });
  return h;
}
const inspector = first.credentials.find((c) => c.role === 'inspector')!;
const headers = await session(inspector);
const me = (await (await fetch(`${base}/api/auth/me`, { headers })).json()) as { user: { id: number } };

const counter = { requests: 0, bytes: 0 };
async function call(method: string, path: string, body?: BodyInit, type?: string, extra: Record<string, string> = {}): Promise<Response> {
  counter.requests++;
  if (typeof body === 'string') counter.bytes += Buffer.byteLength(body);
  else if (body instanceof Blob) counter.bytes += body.size;
  const res = await fetch(`${base}/api${path}`, { method, headers: { ...headers, ...(type ? { 'content-type': type } : {}), ...extra }, body });
  if (res.status >= 400) {
    const e = ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;
    throw new ApiError(res.status, e.code, e.message, e.details);
  }
  return res;
}
/** The phone's transport over real HTTP; `cut` makes a request fail for the network before it is sent. */
function transport(cut: () => boolean = () => false): Transport {
  return {
    async json<T>(method: 'GET' | 'POST', path: string, body?: unknown, extra?: Record<string, string>) {
      if (cut()) throw new ApiError(0, 'network', 'cut');
      return (await (await call(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json', extra)).json()) as T;
    },
    async part(path: string, bytes: Blob) {
      if (cut()) throw new ApiError(0, 'network', 'cut');
      return (await (await call('PUT', path, bytes, 'application/octet-stream')).json()) as UploadState;
    },
  };
}

// The inspector's draft assessments of the demo campaign: one for the queue, one for the baseline, one for the weak line.
const listed = (await (await fetch(`${base}/api/campaigns`, { headers })).json()) as { campaigns?: Array<{ id: number; name: string }> } | Array<{ id: number; name: string }>;
const campaigns = Array.isArray(listed) ? listed : (listed.campaigns ?? []);
const campaignId = (campaigns.find((c) => c.name === DEMO_CAMPAIGN) ?? campaigns[0]!).id;
const mine = (await (await fetch(`${base}/api/campaigns/${campaignId}/my-villages`, { headers })).json()) as { villages: Array<{ id: number; status: string }> };
const [qa, ba, wa] = mine.villages.filter((v) => v.status === 'draft').map((v) => v.id);
if (!qa || !ba || !wa) throw new Error('the demo inspector needs three draft assessments');
const ITEMS = ['2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.2.1', '2.2.2', '2.3.1', '3.2.1'];

/** Photos of about PHOTO_BYTES (noise: JPEG cannot shrink it), each different. */
async function makePhoto(i: number): Promise<{ ref: PhotoRef; bytes: Buffer }> {
  // Noise at quality 92 takes about 0.8 bytes a pixel.
  const side = Math.round(Math.sqrt(PHOTO_BYTES / 0.8));
  const bytes = await sharp({ create: { width: side, height: side, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 90 + i, sigma: 60 } } })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { ref: { sha256: createHash('sha256').update(bytes).digest('hex'), name: `IMG_${i}.jpg`, type: 'image/jpeg', size: bytes.length }, bytes };
}
console.log(`making 3 × ${PHOTOS} photos of about ${args['photo-mib']} MiB…`);
// Each run its own photos: the server keeps a file once, and would not take the same one again.
const sets: Array<Array<{ ref: PhotoRef; bytes: Buffer }>> = [];
for (let s = 0; s < 3; s++) sets.push(await Promise.all(Array.from({ length: PHOTOS }, (_, i) => makePhoto(s * PHOTOS + i))));
const photoMiB = sets[0]!.reduce((n, p) => n + p.ref.size, 0) / 1048576;

async function detail(id: number) {
  return (await (await fetch(`${base}/api/assessments/${id}`, { headers })).json()) as { version: number; findings: unknown[]; evidence: unknown[] };
}

/** Queues FINDINGS findings (the first PHOTOS with a photo each) for assessment `id` on the phone. */
async function fillQueue(id: number, photos: Array<{ ref: PhotoRef; bytes: Buffer }>): Promise<void> {
  await phone.clearOffline();
  const d = await detail(id);
  await phone.keepAssessment({
    id,
    userId: me.user.id,
    campaignId,
    villageCode: '',
    detail: d as never,
    schemeVersion: {} as never,
    village: { name: '' },
    savedAt: '',
  });
  for (let i = 0; i < FINDINGS; i++) {
    const p = photos[i];
    await phone.enqueue(
      {
        key: newKey(),
        userId: me.user.id,
        assessmentId: id,
        baseVersion: d.version,
        createdAt: new Date().toISOString(),
        state: 'pending',
        body: { kind: 'add', ref: newKey(), item: ITEMS[i % ITEMS.length]!, count: 1, note: `离线记录${i + 1}`, photos: p ? [p.ref] : [] },
      },
      p ? [{ ...p.ref, blob: new Blob([new Uint8Array(p.bytes)], { type: 'image/jpeg' }), addedAt: '' }] : [],
    );
  }
}

// --- the queue ---
await fillQueue(qa, sets[0]!);
Object.assign(counter, { requests: 0, bytes: 0 });
let t0 = performance.now();
const outcome = await syncQueue(transport(), me.user.id);
const queueMs = performance.now() - t0;
const queueCounts = { ...counter };
if (outcome.waiting || outcome.applied !== FINDINGS) throw new Error(`the queue did not finish: ${JSON.stringify(outcome)}`);

// --- the baseline: the online page's way ---
Object.assign(counter, { requests: 0, bytes: 0 });
t0 = performance.now();
let version = (await detail(ba)).version;
for (let i = 0; i < FINDINGS; i++) {
  const r = (await (
    await call('POST', `/assessments/${ba}/findings`, JSON.stringify({ version, item: ITEMS[i % ITEMS.length], count: 1, note: `离线记录${i + 1}` }), 'application/json')
  ).json()) as { id: number; assessment: { version: number } };
  version = r.assessment.version;
  const p = sets[1]![i];
  if (p) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(p.bytes)], { type: 'image/jpeg' }), p.ref.name);
    counter.bytes += p.ref.size;
    version = ((await (await call('POST', `/findings/${r.id}/evidence`, form)).json()) as { assessment: { version: number } }).assessment.version;
  }
}
const baseMs = performance.now() - t0;
const baseCounts = { ...counter };

// --- the queue on a weak line: every 7th request cut, synced again until done ---
await fillQueue(wa, sets[2]!);
Object.assign(counter, { requests: 0, bytes: 0 });
let n = 0;
let rounds = 0;
t0 = performance.now();
for (;;) {
  rounds++;
  const o = await syncQueue(
    transport(() => ++n % 7 === 0),
    me.user.id,
  );
  if (!o.stopped && o.waiting === 0) break;
  if (rounds > 10 * FINDINGS) throw new Error('the weak line never finished');
}
const weakMs = performance.now() - t0;
const weakCounts = { ...counter };

const check = async (id: number) => {
  const d = await detail(id);
  return `${d.findings.length} findings, ${d.evidence.length} photos`;
};
const row = (name: string, ms: number, c: { requests: number; bytes: number }) =>
  `${name.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${String(c.requests).padStart(6)} requests  ${(c.bytes / 1048576).toFixed(1).padStart(7)} MiB sent`;
console.log(`\n${FINDINGS} findings, ${PHOTOS} photos (${photoMiB.toFixed(1)} MiB in all), SQLite, one inspector\n`);
console.log(row('queue (sync.ts)', queueMs, queueCounts), ' →', await check(qa));
console.log(row('baseline (online page, one by one)', baseMs, baseCounts), ' →', await check(ba));
console.log(row(`queue, every 7th request cut (${rounds} syncs)`, weakMs, weakCounts), ' →', await check(wa));
console.log(`\nqueue / baseline: time ×${(queueMs / baseMs).toFixed(2)}, requests ×${(queueCounts.requests / baseCounts.requests).toFixed(2)}`);
console.log(`weak line / queue: time ×${(weakMs / queueMs).toFixed(2)}, requests ×${(weakCounts.requests / queueCounts.requests).toFixed(2)}`);

await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
