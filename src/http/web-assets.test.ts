/**
 * The web app's files and the API's answers as a phone on weak mobile data gets them: the
 * build's brotli or gzip copy by Accept-Encoding, hashed files cached for a year and the page
 * revalidated, JSON answers compressed, and downloads (a report PDF, an evidence photo) sent as
 * they are. The web root is a temporary folder with a page, a hashed script and their copies.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type Client } from '../../test/http.ts';
import { storeTargets } from '../../test/stores.ts';
import { compose } from '../compose.ts';
import { DEMO_CAMPAIGN, firstStart } from '../services/bootstrap.service.ts';
import { EvidenceStore } from '../services/evidence/evidence-store.ts';
import type { Store } from '../store/db.ts';
import { buildServer } from './server.ts';
import { cacheControlFor, chooseEncoding, IMMUTABLE, REVALIDATE } from './web-assets.ts';

const PAGE = `<!doctype html><html><head><script type="module" src="/assets/index-AbC_12-z.js"></script></head><body>${'<div>考核</div>'.repeat(200)}</body></html>`;
const WORKER = `self.addEventListener('fetch', () => undefined);\n// ${'考核 '.repeat(400)}\n`;
const MANIFEST = JSON.stringify({ name: '考核', start_url: '/', icons: [] });
const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word ${i} 考核`))};\n`;

describe('cacheControlFor and chooseEncoding', () => {
  it('keeps hashed files under assets/ for a year, revalidates the rest', () => {
    expect(cacheControlFor('assets/index-6eWh7spX.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/Input-B7TKZ-2Z.js.br')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/index-CQ3I7Vtp.css.gz')).toBe(IMMUTABLE);
    expect(cacheControlFor('index.html')).toBe(REVALIDATE);
    expect(cacheControlFor('index.html.br')).toBe(REVALIDATE);
    expect(cacheControlFor('favicon-6eWh7spX.js')).toBe(REVALIDATE);
    expect(cacheControlFor('assets/logo.svg')).toBe(REVALIDATE);
    // The service worker is asked about every time, never kept for a year.
    expect(cacheControlFor('sw.js')).toBe(REVALIDATE);
    expect(cacheControlFor('sw.js.br')).toBe(REVALIDATE);
    expect(cacheControlFor('manifest.webmanifest')).toBe(REVALIDATE);
  });
  it('prefers brotli, then gzip, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.9')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('')).toBeUndefined();
    expect(chooseEncoding(undefined)).toBeUndefined();
  });
});

describe('web assets and API compression (SQLite)', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let plain: FastifyInstance;
  let admin: Client;

  beforeAll(async () => {
    process.env.KAOHE_SCRYPT_LOG2N ??= '12';
    dir = mkdtempSync(join(tmpdir(), 'kaohe-web-assets-'));
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    const files: Array<[string, string]> = [
      ['index.html', PAGE],
      ['assets/index-AbC_12-z.js', SCRIPT],
      ['sw.js', WORKER],
    ];
    for (const [name, text] of files) {
      writeFileSync(join(web, name), text);
      writeFileSync(join(web, `${name}.br`), brotliCompressSync(text));
      writeFileSync(join(web, `${name}.gz`), gzipSync(text));
    }
    // Too small to compress, as the build leaves it.
    writeFileSync(join(web, 'manifest.webmanifest'), MANIFEST);
    store = await storeTargets()[0]!.open();
    // The demo's photos go to the evidence store the servers read.
    const evidence = new EvidenceStore(join(dir, 'evidence'));
    const first = await firstStart(compose({ store, evidence }), { inProgress: true });
    app = await buildServer({ store, evidence, webRoot: web, loginRateLimit: 1000, webPlain: false });
    plain = await buildServer({ store, evidence, webRoot: web, loginRateLimit: 1000, webPlain: true });
    await Promise.all([app.ready(), plain.ready()]);
    admin = await signIn(app, 'admin', first!.credentials.find((c) => c.username === 'admin')!.password);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await plain?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (server: FastifyInstance, url: string, acceptEncoding?: string) =>
    server.inject({ method: 'GET', url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('sends the brotli copy to a client that accepts it, the gzip copy to one that takes only gzip, else the file', async () => {
    const br = await get(app, '/assets/index-AbC_12-z.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    const gz = await get(app, '/assets/index-AbC_12-z.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);

    for (const header of [undefined, 'identity']) {
      const as = await get(app, '/assets/index-AbC_12-z.js', header);
      expect(as.headers['content-encoding']).toBeUndefined();
      expect(as.body).toBe(SCRIPT);
    }
  });

  it('keeps hashed files for a year and revalidates the page, with the security headers kept', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const script = await get(app, '/assets/index-AbC_12-z.js', encoding);
      expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const page = await get(app, '/', encoding);
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers.etag).toBeTruthy();
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
    }
    // A page of the app's own routes is the same page, compressed and revalidated too.
    const route = await get(app, '/campaigns/1', 'br');
    expect(route.headers['content-encoding']).toBe('br');
    expect(route.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(route.rawPayload).toString()).toBe(PAGE);
    // Revalidation: the page's ETag answers 304 with nothing to download.
    const page = await get(app, '/index.html', 'br');
    const again = await app.inject({ method: 'GET', url: '/index.html', headers: { 'accept-encoding': 'br', 'if-none-match': String(page.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('sends the service worker as text/javascript, revalidated, and the manifest as application/manifest+json, CSP allowing both', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const worker = await get(app, '/sw.js', encoding);
      expect(worker.statusCode).toBe(200);
      expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(worker.headers['cache-control']).toBe('no-cache');
      expect(worker.headers['cache-control']).not.toMatch(/immutable|max-age/);
      expect(worker.headers.etag).toBeTruthy();
      const body = encoding === 'br' ? brotliDecompressSync(worker.rawPayload) : encoding === 'gzip' ? gunzipSync(worker.rawPayload) : worker.rawPayload;
      expect(body.toString()).toBe(WORKER);
    }
    const manifest = await get(app, '/manifest.webmanifest', 'br');
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(manifest.body)).toEqual(JSON.parse(MANIFEST));
    // Plain mode (the bench's baseline) gives them the same types.
    expect((await get(plain, '/sw.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(plain, '/manifest.webmanifest')).headers['content-type']).toBe('application/manifest+json; charset=utf-8');

    const csp = String((await get(app, '/')).headers['content-security-policy']);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("manifest-src 'self'");
  });

  it('answers 404 for a service worker or manifest the build does not have, never the page', async () => {
    rmSync(join(dir, 'web', 'sw.js'));
    rmSync(join(dir, 'web', 'sw.js.br'));
    rmSync(join(dir, 'web', 'sw.js.gz'));
    rmSync(join(dir, 'web', 'manifest.webmanifest'));
    try {
      for (const url of ['/sw.js', '/manifest.webmanifest', '/sw.js?v=2']) {
        const missing = await get(app, url, 'br');
        expect(missing.statusCode, url).toBe(404);
        expect(missing.headers['content-type']).toMatch(/application\/json/);
      }
      // Any other path is still the app's page.
      expect((await get(app, '/villages/1')).headers['content-type']).toMatch(/text\/html/);
    } finally {
      writeFileSync(join(dir, 'web', 'sw.js'), WORKER);
      writeFileSync(join(dir, 'web', 'sw.js.br'), brotliCompressSync(WORKER));
      writeFileSync(join(dir, 'web', 'sw.js.gz'), gzipSync(WORKER));
      writeFileSync(join(dir, 'web', 'manifest.webmanifest'), MANIFEST);
    }
  });

  it('sends everything as before in plain mode (the bench baseline)', async () => {
    const script = await get(plain, '/assets/index-AbC_12-z.js', 'gzip, br');
    expect(script.headers['content-encoding']).toBeUndefined();
    expect(script.headers['cache-control']).toBe('public, max-age=0');
    expect(script.body).toBe(SCRIPT);
    const scheme = await plain.inject({ method: 'GET', url: '/api/schemes/seed-2020', headers: { ...admin.headers, 'accept-encoding': 'gzip, br' } });
    expect(scheme.statusCode).toBe(200);
    expect(scheme.headers['content-encoding']).toBeUndefined();
  });

  it('compresses JSON answers over 1 KB as the client asks, identical once decompressed', async () => {
    const ask = (encoding?: string) =>
      app.inject({ method: 'GET', url: '/api/schemes/seed-2020', headers: { ...admin.headers, ...(encoding ? { 'accept-encoding': encoding } : {}) } });
    const asIs = await ask();
    expect(asIs.statusCode, asIs.body).toBe(200);
    expect(asIs.headers['content-encoding']).toBeUndefined();
    expect(asIs.rawPayload.length).toBeGreaterThan(1024);
    expect(asIs.headers.vary).toMatch(/accept-encoding/i);

    const br = await ask('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('no-store');
    expect(br.headers['content-type']).toMatch(/application\/json/);
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.rawPayload.length).toBeLessThan(asIs.rawPayload.length / 3);
    expect(brotliDecompressSync(br.rawPayload).equals(asIs.rawPayload)).toBe(true);

    const gz = await ask('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(asIs.rawPayload)).toBe(true);

    // Small answers go out as they are.
    const me = await admin.request('GET', '/api/auth/me', undefined, { 'accept-encoding': 'br' });
    expect(me.statusCode).toBe(200);
    expect(me.rawPayload.length).toBeLessThan(1024);
    expect(me.headers['content-encoding']).toBeUndefined();
  });

  it('sends a report PDF and an evidence file as they are, whatever the client accepts', async () => {
    const campaign = await store.db.selectFrom('campaigns').select('id').where('name', '=', DEMO_CAMPAIGN).executeTakeFirstOrThrow();
    const village = await store.db.selectFrom('assessments').select('village_code').where('campaign_id', '=', campaign.id).orderBy('id').executeTakeFirstOrThrow();
    const pdf = await admin.request('GET', `/api/campaigns/${campaign.id}/reports/sheet.pdf?village=${village.village_code}`, undefined, { 'accept-encoding': 'gzip, br' });
    expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-encoding']).toBeUndefined();
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const evidence = await store.db.selectFrom('evidence').select(['id', 'sha256', 'size']).where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const file = await admin.request('GET', `/api/evidence/${evidence.id}`, undefined, { 'accept-encoding': 'gzip, br' });
    expect(file.statusCode, file.body.slice(0, 200)).toBe(200);
    expect(file.headers['content-encoding']).toBeUndefined();
    expect(file.rawPayload.length).toBe(evidence.size);
    expect(file.rawPayload.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  });
});
