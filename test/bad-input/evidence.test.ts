/**
 * Bad evidence files (test/fixtures/bad-input/evidence, see its README) posted through the HTTP
 * routes, on a finding and on an appeal, on every database: each refused with its status and
 * code, the message naming the file, and nothing left behind (no `evidence` row, no file in the
 * store, no temporary file).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceServer, type EvidenceServer } from '../evidence-server.ts';
import { storeTargets } from '../stores.ts';
import { multipart } from '../multipart.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad-input', 'evidence');

const CASES: Array<{ file: string; type: string; status: number; code: string; why?: RegExp }> = [
  { file: 'html-as.jpg', type: 'image/jpeg', status: 415, code: 'evidence-type', why: /not a file type accepted as evidence/ },
  { file: 'svg-as.png', type: 'image/png', status: 415, code: 'evidence-type', why: /not a file type accepted as evidence/ },
  { file: 'text-as.jpg', type: 'image/jpeg', status: 415, code: 'evidence-type', why: /its content is checked, not its name/ },
  { file: 'empty.jpg', type: 'image/jpeg', status: 400, code: 'evidence-empty', why: /empty \(0 bytes\)/ },
  { file: 'html-pdf-polyglot.pdf', type: 'application/pdf', status: 415, code: 'evidence-type' },
  { file: 'js.pdf', type: 'application/pdf', status: 415, code: 'evidence-active-content', why: /PDF with active content \(.*\/JavaScript.*\)/ },
  { file: 'launch.pdf', type: 'application/pdf', status: 415, code: 'evidence-active-content', why: /\/Launch/ },
  { file: 'embedded-file.pdf', type: 'application/pdf', status: 415, code: 'evidence-active-content', why: /\/EmbeddedFile/ },
  { file: 'objstm-js.pdf', type: 'application/pdf', status: 415, code: 'evidence-active-content', why: /\/JavaScript/ },
];

describe.each(storeTargets())('bad evidence files through the HTTP routes ($dialect)', (target) => {
  let s: EvidenceServer;
  beforeAll(async () => {
    s = await evidenceServer(target);
  }, 120_000);
  afterAll(() => s?.server.close());

  const post = (url: string, files: Array<{ filename: string; type: string; data: Buffer }>) => {
    const m = multipart(files);
    return s.office.request('POST', url, m.payload, m.headers);
  };

  for (const c of CASES) {
    it(`refuses ${c.file} (${c.status} ${c.code}) on a finding and on an appeal, storing nothing`, async () => {
      const data = readFileSync(join(FIXTURES, c.file));
      for (const url of [`/api/findings/${s.findingId}/evidence`, `/api/appeals/${s.appealId}/evidence`]) {
        const before = await s.counts();
        const res = await post(url, [{ filename: c.file, type: c.type, data }]);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(c.status);
        const { error } = res.json() as { error: { code: string; message: string } };
        expect(error.code).toBe(c.code);
        expect(error.message).toContain(c.file);
        if (c.why) expect(error.message).toMatch(c.why);
        expect(await s.counts(), `${c.file} on ${url} left something behind`).toEqual(before);
        expect(before.temporary).toBe(0);
      }
    });
  }

  it('refuses a good photo sent with a bad file in the same upload: neither is stored', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
    const before = await s.counts();
    const res = await post(`/api/findings/${s.findingId}/evidence`, [
      { filename: 'IMG_0001.jpg', type: 'image/jpeg', data: jpeg },
      { filename: 'js.pdf', type: 'application/pdf', data: readFileSync(join(FIXTURES, 'js.pdf')) },
    ]);
    expect(res.statusCode, res.body).toBe(415);
    expect(await s.counts()).toEqual(before);
    // The photo alone is welcome.
    const ok = await post(`/api/findings/${s.findingId}/evidence`, [{ filename: 'IMG_0001.jpg', type: 'image/jpeg', data: jpeg }]);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await s.counts()).toEqual({ rows: before.rows + 1, stored: before.stored + 1, temporary: 0 });
  });
});
