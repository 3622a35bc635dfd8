/**
 * The evidence routes' rules on every database: the size limit enforced while the file streams
 * (refused at its limit + 1 byte, nothing stored), the quota per assessment and the count per
 * upload, the download's headers (photos inline, PDFs as attachments, sandboxed, never sniffed,
 * never cached), a refusal over a real socket while the client is still sending; and the memory
 * a 10 × 19 MiB upload takes.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../core/errors.ts';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { evidenceServer, type EvidenceServer } from '../../../test/evidence-server.ts';
import { storeTargets } from '../../../test/stores.ts';
import { multipart, type UploadFile } from '../../../test/multipart.ts';

const MiB = 1024 * 1024;
const HOOK = 120_000;

const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** The error's code and message (and details); its text is checked here to be the catalogue's Chinese one. */
function errorOf(body: string): { code: string; message: string } {
  const { text, ...error } = (JSON.parse(body) as { error: { code: ErrorCode; message: string; text: string } }).error;
  expect(text).toBe(ERROR_MESSAGES[error.code].zh);
  return error;
}

describe.each(storeTargets())('evidence upload and download rules ($dialect)', (target) => {
  // Small limits, so the limits are reached quickly: 2 MiB a file, 3 MiB an assessment, 3 files an upload.
  let s: EvidenceServer;
  beforeAll(async () => {
    s = await evidenceServer(target, { maxBytes: 2 * MiB, quotaBytes: 3 * MiB, maxFiles: 3 });
  }, HOOK);
  afterAll(() => s?.server.close());

  const post = (url: string, files: UploadFile[]) => {
    const m = multipart(files);
    return s.office.request('POST', url, m.payload, m.headers);
  };
  const findingUrl = () => `/api/findings/${s.findingId}/evidence`;

  it('serves a photo inline and a PDF as an attachment, both sandboxed, not sniffed, not cached', async () => {
    const photo = jpeg(5000);
    const up = await post(`/api/appeals/${s.appealId}/evidence`, [
      { filename: 'IMG_0001.jpg', type: 'image/jpeg', data: photo },
      { filename: '验收材料.pdf', type: 'application/pdf', data: PDF },
    ]);
    expect(up.statusCode, up.body).toBe(201);
    const [img, pdf] = (up.json() as { evidence: Array<{ id: number; mime: string; url: string }> }).evidence;
    expect([img!.mime, pdf!.mime]).toEqual(['image/jpeg', 'application/pdf']);

    const common = {
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'private, no-store',
    };
    const shown = await s.office.get(img!.url);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers).toMatchObject({ ...common, 'content-type': 'image/jpeg', 'content-disposition': `inline; filename="IMG_0001.jpg"; filename*=UTF-8''IMG_0001.jpg` });
    expect(shown.rawPayload.equals(photo)).toBe(true);
    const saved = await s.office.get(`${img!.url}?download=1`);
    expect(saved.headers['content-disposition']).toMatch(/^attachment; /);
    expect(saved.headers).toMatchObject(common);

    // A PDF is never shown by the browser on Kaohe's origin: an attachment, with or without ?download=1.
    for (const url of [pdf!.url, `${pdf!.url}?download=1`]) {
      const res = await s.office.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({ ...common, 'content-type': 'application/pdf' });
      expect(res.headers['content-disposition']).toBe(`attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('验收材料.pdf')}`);
      expect(res.rawPayload.equals(PDF)).toBe(true);
    }
  });

  it('takes a file of exactly the limit and refuses one of the limit + 1 byte (413, naming the limit), storing nothing', async () => {
    // The draft assessment holds no evidence yet (the test before used the appeal's).
    const before = await s.counts();
    const over = await post(findingUrl(), [{ filename: 'IMG_big.jpg', type: 'image/jpeg', data: jpeg(2 * MiB + 1) }]);
    expect(over.statusCode, over.body).toBe(413);
    expect(errorOf(over.body)).toEqual({ code: 'evidence-too-large', message: 'IMG_big.jpg is more than 2 MiB (2,097,152 bytes); the limit is 2 MiB (2,097,152 bytes)' });
    expect(await s.counts()).toEqual(before);
    // Far more than an upload may carry: refused before a byte is read, the connection closed after the answer.
    const huge = Buffer.alloc(10 * MiB, 0xff);
    const m = multipart([{ filename: 'IMG_huge.jpg', type: 'image/jpeg', data: huge }]);
    const refused = await s.office.request('POST', findingUrl(), m.payload, m.headers);
    expect(refused.statusCode).toBe(413);
    expect(errorOf(refused.body).message).toBe('file: this upload is 10 MiB; an upload carries at most 3 files of at most 2 MiB each');
    expect(refused.headers.connection).toBe('close');
    expect(await s.counts()).toEqual(before);

    const exact = await post(findingUrl(), [{ filename: 'IMG_exact.jpg', type: 'image/jpeg', data: jpeg(2 * MiB) }]);
    expect(exact.statusCode, exact.body).toBe(201);
    expect(await s.counts()).toEqual({ rows: before.rows + 1, stored: before.stored + 1, temporary: 0 });
  });

  it('keeps an assessment within its quota, naming the quota and what is used, whether the upload says its size or not', async () => {
    // 2 MiB used by the test before: 1 MiB left.
    const before = await s.counts();
    // Declared larger than what is left: refused before it is read.
    const declared = await post(findingUrl(), [{ filename: 'a.jpg', type: 'image/jpeg', data: jpeg(1.5 * MiB) }]);
    expect(declared.statusCode, declared.body).toBe(413);
    expect(errorOf(declared.body).code).toBe('evidence-quota');
    expect(errorOf(declared.body).message).toMatch(/^the evidence of this assessment is limited to 3 MiB: 2 MiB already used, 1 MiB left, and this upload is 1\.5 MiB$/);
    // Small enough by its declared length, too large as it streams: stopped at the first byte past the quota.
    const streamed = await post(findingUrl(), [{ filename: 'b.jpg', type: 'image/jpeg', data: jpeg(MiB + 20 * 1024) }]);
    expect(streamed.statusCode, streamed.body).toBe(413);
    expect(errorOf(streamed.body).message).toMatch(/limited to 3 MiB: 2 MiB already used, 1 MiB left, and this upload is more than 1 MiB$/);
    // Two files that fit one by one but not together.
    const two = await post(findingUrl(), [
      { filename: 'c.jpg', type: 'image/jpeg', data: jpeg(600 * 1024) },
      { filename: 'd.jpg', type: 'image/jpeg', data: jpeg(600 * 1024) },
    ]);
    expect(two.statusCode, two.body).toBe(413);
    expect(errorOf(two.body).code).toBe('evidence-quota');
    expect(await s.counts()).toEqual(before);
    // What fits is taken; then the quota is used up and even a small file is refused.
    expect((await post(findingUrl(), [{ filename: 'e.jpg', type: 'image/jpeg', data: jpeg(MiB) }])).statusCode).toBe(201);
    const full = await post(findingUrl(), [{ filename: 'f.jpg', type: 'image/jpeg', data: jpeg(10) }]);
    expect(full.statusCode).toBe(413);
    expect(errorOf(full.body).message).toMatch(/3 MiB already used, 0 KiB left/);
    expect(await s.counts()).toEqual({ rows: before.rows + 1, stored: before.stored + 1, temporary: 0 });
  });

  it('takes at most the configured number of files in one upload', async () => {
    const before = await s.counts();
    const files = Array.from({ length: 4 }, (_, i) => ({ filename: `p${i}.jpg`, type: 'image/jpeg', data: jpeg(100) }));
    const res = await post(`/api/appeals/${s.appealId}/evidence`, files);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res.body)).toEqual({ code: 'validation', message: 'file: at most 3 files at once' });
    expect(await s.counts()).toEqual(before);
  });

  it('answers 413 over a real socket while the client is still sending, storing nothing', async () => {
    await s.server.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = s.server.app.server.address() as AddressInfo;
    const before = await s.counts();
    const boundary = 'kaohe-socket-test';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    // Within what the request may declare (3 files of 2 MiB) and the appeal's assessment's quota, past one file's limit.
    const fileSize = 2.5 * MiB;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/appeals/${s.appealId}/evidence`,
      headers: { ...s.office.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + fileSize + tail.length) },
    });
    let sent = 0;
    let answered = false;
    const answer = new Promise<{ status: number; body: string; sentThen: number }>((resolve, reject) => {
      req.on('response', (res) => {
        answered = true;
        const sentThen = sent;
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, sentThen }));
      });
      req.on('error', reject);
    });
    req.write(head);
    // The file's first 2 MiB + 64 KiB, then nothing more: the answer must come without the rest.
    const chunk = jpeg(64 * 1024);
    while (sent < 2 * MiB + chunk.length && !answered) {
      await new Promise<void>((r) => req.write(chunk, () => r()));
      sent += chunk.length;
    }
    const r = await Promise.race([answer, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer while the rest of the body was held back')), 10_000))]);
    req.destroy();
    expect(r.status, r.body).toBe(413);
    expect(errorOf(r.body).message).toMatch(/IMG_huge\.jpg is more than 2 MiB .*the limit is 2 MiB/);
    expect(r.sentThen).toBeLessThan(fileSize);
    expect(await s.counts()).toEqual(before);
  });
});

describe('the memory a 10 × 19 MiB upload takes (sqlite, a real socket)', () => {
  let s: EvidenceServer;
  beforeAll(async () => {
    // The default limits: 20 MiB a file, 10 files an upload; a quota with room for them.
    s = await evidenceServer(storeTargets()[0]!, { quotaBytes: 400 * MiB });
    await s.server.app.listen({ port: 0, host: '127.0.0.1' });
  }, HOOK);
  afterAll(() => s?.server.close());

  it('streams each file to disk: the process grows by well under 60 MiB', async () => {
    const { port } = s.server.app.server.address() as AddressInfo;
    const files = 10;
    const fileSize = 19 * MiB;
    const boundary = 'kaohe-memory-test';
    const heads = Array.from({ length: files }, (_, i) =>
      Buffer.from(`${i ? '\r\n' : ''}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_${i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const length = heads.reduce((n, h) => n + h.length, 0) + files * fileSize + tail.length;
    // One 256 KiB block, written again and again (its first bytes changed per file): the client keeps nothing.
    const block = randomBytes(256 * 1024);

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = Date.now();
    try {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/findings/${s.findingId}/evidence`,
        headers: { ...s.office.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
      });
      const write = (b: Buffer) => new Promise<void>((r) => (req.write(b) ? r() : req.once('drain', () => r())));
      for (let i = 0; i < files; i++) {
        await write(heads[i]!);
        for (let at = 0; at < fileSize; at += block.length) {
          const part = Buffer.from(block.subarray(0, Math.min(block.length, fileSize - at)));
          if (at === 0) {
            part.set([0xff, 0xd8, 0xff, 0xe0], 0);
            part.writeUInt32BE(i, 4);
          }
          await write(part);
        }
      }
      req.end(tail);
      const res = await answer;
      expect(res.status, res.body).toBe(201);
      expect((JSON.parse(res.body) as { evidence: unknown[] }).evidence).toHaveLength(files);
    } finally {
      clearInterval(sample);
    }
    const growth = (peak - baseline) / MiB;
    process.stdout.write(
      `[memory] 10 × 19 MiB upload (190 MiB) in ${Date.now() - started} ms: RSS ${(baseline / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB, growth ${growth.toFixed(1)} MiB\n`,
    );
    expect(growth).toBeLessThan(60);
    expect(await s.counts()).toEqual({ rows: files, stored: files, temporary: 0 });
  });
});
