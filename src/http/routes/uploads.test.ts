/**
 * Evidence uploaded in parts by SHA-256 (offline capture), on every database: a resume after an
 * interrupted part, a wrong offset (409 with what the server holds), a hash that does not match
 * (400, nothing kept), a file the store holds already (complete at once), a finding citing the
 * uploads (rows whose files are byte for byte what was sent, with an Idempotency-Key), who may
 * not; and the inspector's day-long sign-in.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../core/errors.ts';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { storeTargets } from '../../../test/stores.ts';
import { offlineServer, type OfflineServer } from '../../../test/offline-server.ts';
import type { Client } from '../../../test/http.ts';

const HOOK = 120_000;
const KiB = 1024;
const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);

function errorOf(res: LightMyRequestResponse): { code: ErrorCode; message: string; details?: unknown } {
  const { text, ...error } = json<{ error: { code: ErrorCode; message: string; text: string; details?: unknown } }>(res).error;
  expect(text).toBe(ERROR_MESSAGES[error.code].zh);
  return error;
}

describe.each(storeTargets())('uploads in parts ($dialect)', (target) => {
  let s: OfflineServer;
  beforeAll(async () => {
    s = await offlineServer(target);
  }, HOOK);
  afterAll(() => s?.server.close());

  const start = (c: Client, file: Buffer, filename = 'IMG_0001.jpg') => c.post('/api/uploads', { sha256: sha(file), size: file.length, filename });
  const part = (c: Client, file: Buffer, from: number, to: number, offset = from) =>
    c.request('PUT', `/api/uploads/${sha(file)}?offset=${offset}`, file.subarray(from, to), { 'content-type': 'application/octet-stream' });
  const newFinding = async (c: Client = s.as.inspector) => {
    const res = await c.post(`/api/assessments/${s.A}/findings`, { version: await s.version(s.A), item: '1.1' });
    expect(res.statusCode, res.body).toBe(201);
    return json<{ id: number }>(res).id;
  };
  const userUploads = async (username: string) => {
    const { id } = await s.server.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    const dir = join(s.server.dir, 'evidence', 'uploads', String(id));
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('resumes after an interrupted part: the state says where to go on, and the finished file is cited byte for byte', async () => {
    const file = jpeg(600 * KiB);
    const started = await start(s.as.inspector, file);
    expect(started.statusCode, started.body).toBe(200);
    expect(json(started)).toEqual({ sha256: sha(file), size: file.length, received: 0, complete: false });
    expect(json(await part(s.as.inspector, file, 0, 256 * KiB))).toEqual({ sha256: sha(file), size: file.length, received: 256 * KiB, complete: false });
    // The connection dropped: the phone asks how far it got (and starting again says the same).
    const state = await s.as.inspector.get(`/api/uploads/${sha(file)}`);
    expect(json(state)).toMatchObject({ received: 256 * KiB, complete: false });
    expect(json(await start(s.as.inspector, file))).toMatchObject({ received: 256 * KiB, complete: false });
    const received = json<{ received: number }>(state).received;
    expect(json(await part(s.as.inspector, file, received, 512 * KiB))).toMatchObject({ received: 512 * KiB, complete: false });
    const last = await part(s.as.inspector, file, 512 * KiB, file.length);
    expect(last.statusCode, last.body).toBe(200);
    expect(json(last)).toEqual({ sha256: sha(file), size: file.length, received: file.length, complete: true });
    expect(json(await s.as.inspector.get(`/api/uploads/${sha(file)}`))).toMatchObject({ complete: true });

    const fid = await newFinding();
    const before = await s.count('evidence');
    const key = randomUUID();
    const body = { files: [{ sha256: sha(file), filename: '现场照片.jpg', takenAt: '2021-03-01T10:30:00+08:00' }] };
    const attached = await s.as.inspector.request('POST', `/api/findings/${fid}/evidence/uploaded`, body, { 'idempotency-key': key });
    expect(attached.statusCode, attached.body).toBe(201);
    const rows = json<{ evidence: Array<{ id: number; findingId: number; filename: string; mime: string; size: number; takenAt: string; url: string }> }>(attached).evidence;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ findingId: fid, filename: '现场照片.jpg', mime: 'image/jpeg', size: file.length, takenAt: '2021-03-01T10:30:00+08:00' });
    const download = await s.as.inspector.get(rows[0]!.url);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(file)).toBe(true);
    // Sent again under its key: the same answer, no second row.
    const again = await s.as.inspector.request('POST', `/api/findings/${fid}/evidence/uploaded`, body, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(attached));
    expect(await s.count('evidence')).toBe(before + 1);
    // The upload is gone from the user's folder: the store holds the file now.
    expect(await userUploads('inspector')).toEqual([]);
    expect(json(await s.as.inspector.get(`/api/uploads/${sha(file)}`))).toMatchObject({ complete: true, received: file.length });
  });

  it('refuses a part at the wrong offset with 409 upload-offset and the bytes held', async () => {
    const file = jpeg(100 * KiB);
    await start(s.as.inspector, file);
    await part(s.as.inspector, file, 0, 40 * KiB);
    for (const offset of [0, 30 * KiB, 50 * KiB]) {
      const res = await part(s.as.inspector, file, offset, offset + 10 * KiB);
      expect(res.statusCode, res.body).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: 'upload-offset', details: { received: 40 * KiB } });
    }
    expect(json(await s.as.inspector.get(`/api/uploads/${sha(file)}`))).toMatchObject({ received: 40 * KiB });
  });

  it('discards an upload whose bytes do not hash to its name (400 upload-hash-mismatch), keeping nothing', async () => {
    const file = jpeg(50 * KiB);
    const other = Buffer.from(file);
    other[other.length - 1] = other[other.length - 1]! ^ 0xff;
    await start(s.as.inspector, file);
    const res = await s.as.inspector.request('PUT', `/api/uploads/${sha(file)}?offset=0`, other, { 'content-type': 'application/octet-stream' });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorOf(res).code).toBe('upload-hash-mismatch');
    expect((await s.as.inspector.get(`/api/uploads/${sha(file)}`)).statusCode).toBe(404);
    expect((await userUploads('inspector')).filter((n) => n.startsWith(sha(file)))).toEqual([]);
  });

  it('refuses a file of a type not accepted on its first part', async () => {
    const file = Buffer.concat([Buffer.from('<html><script>'), randomBytes(2000)]);
    await start(s.as.inspector, file, 'page.jpg');
    const res = await part(s.as.inspector, file, 0, 1000);
    expect(res.statusCode, res.body).toBe(415);
    expect(errorOf(res).code).toBe('evidence-type');
    expect((await s.as.inspector.get(`/api/uploads/${sha(file)}`)).statusCode).toBe(404);
  });

  it('answers complete at once for a file the store holds already', async () => {
    const file = jpeg(20 * KiB);
    await s.server.app.services.evidenceStore.put({ filename: 'x.jpg', bytes: file });
    const res = await start(s.as.inspector2, file);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toEqual({ sha256: sha(file), size: file.length, received: file.length, complete: true });
    expect(json(await s.as.inspector2.get(`/api/uploads/${sha(file)}`))).toMatchObject({ complete: true });
  });

  it('refuses to cite an upload not finished (409 upload-incomplete naming the file), attaching none of the files', async () => {
    const done = jpeg(10 * KiB);
    await start(s.as.inspector, done);
    expect(json(await part(s.as.inspector, done, 0, done.length))).toMatchObject({ complete: true });
    const half = jpeg(10 * KiB);
    await start(s.as.inspector, half);
    await part(s.as.inspector, half, 0, 5 * KiB);
    const fid = await newFinding();
    const before = await s.count('evidence');
    const res = await s.as.inspector.post(`/api/findings/${fid}/evidence/uploaded`, {
      files: [
        { sha256: sha(done), filename: 'a.jpg' },
        { sha256: sha(half), filename: 'b.jpg' },
      ],
    });
    expect(res.statusCode, res.body).toBe(409);
    const error = errorOf(res);
    expect(error.code).toBe('upload-incomplete');
    expect(error.message).toMatch(/^b\.jpg: /);
    expect(await s.count('evidence')).toBe(before);
  });

  it("keeps uploads per user, and refuses a village user and another team's inspector as the evidence routes do", async () => {
    const file = jpeg(10 * KiB);
    await start(s.as.inspector, file);
    await part(s.as.inspector, file, 0, 5 * KiB);
    // Another inspector has no upload of it (and the store does not hold it).
    expect((await s.as.inspector2.get(`/api/uploads/${sha(file)}`)).statusCode).toBe(404);
    expect(json(await start(s.as.inspector2, file))).toMatchObject({ received: 0 });
    // A village user and a reviewer may not upload evidence for findings.
    for (const who of ['village', 'reviewer'] as const) {
      expect((await start(s.as[who], file)).statusCode).toBe(403);
      expect((await s.as[who].get(`/api/uploads/${sha(file)}`)).statusCode).toBe(403);
      expect((await part(s.as[who], file, 0, 10)).statusCode).toBe(403);
    }
    // Another team's inspector may not cite an upload on this team's finding (as for the multipart route: 404).
    await part(s.as.inspector2, file, 0, file.length);
    const fid = await newFinding();
    const theirs = await s.as.inspector2.post(`/api/findings/${fid}/evidence/uploaded`, { files: [{ sha256: sha(file), filename: 'x.jpg' }] });
    expect(theirs.statusCode, theirs.body).toBe(404);
    const village = await s.as.village.post(`/api/findings/${fid}/evidence/uploaded`, { files: [{ sha256: sha(file), filename: 'x.jpg' }] });
    expect(village.statusCode).toBe(403);
  });

  it('validates the start: the hash, the size within the limit, the name', async () => {
    for (const body of [
      { sha256: 'ABC', size: 10, filename: 'a.jpg' },
      { sha256: 'a'.repeat(64), size: 0, filename: 'a.jpg' },
      { sha256: 'a'.repeat(64), size: s.server.app.services.evidenceStore.maxBytes + 1, filename: 'a.jpg' },
      { sha256: 'a'.repeat(64), size: 10, filename: '' },
    ]) {
      const res = await s.as.inspector.post('/api/uploads', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(errorOf(res).code).toBe('validation');
    }
  });

  it('gives an inspector a sign-in of a day (cookie and session) and others half a day', async () => {
    const login = async (username: string, password: string) => s.server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    await s.server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'inspector3', role: 'inspector', password: 'a-good-password' });
    await s.server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'viewer3', role: 'viewer', password: 'a-good-password' });
    const cookieAge = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'kaohe_session')!.maxAge;
    expect(cookieAge(await login('inspector3', 'a-good-password'))).toBe(24 * 3600);
    expect(cookieAge(await login('viewer3', 'a-good-password'))).toBe(12 * 3600);
  });
});

describe('error texts of offline capture', () => {
  it('has a Chinese and an English text for every new code', () => {
    for (const code of ['upload-offset', 'upload-hash-mismatch', 'upload-incomplete', 'idempotency-mismatch', 'idempotency-pending'] as const) {
      expect(ERROR_MESSAGES[code].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(ERROR_MESSAGES[code].en).toMatch(/^[A-Z]/);
    }
  });
});
