/**
 * Changes sent with an Idempotency-Key (offline capture), on every database: a resend answers
 * the first answer and applies nothing; another request under the key is refused; two sends at
 * once apply once; a failed send keeps nothing; keys are per user; a bad key is refused.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { storeTargets } from '../../../test/stores.ts';
import { offlineServer, type OfflineServer } from '../../../test/offline-server.ts';

const HOOK = 120_000;
const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

describe.each(storeTargets())('idempotency keys ($dialect)', (target) => {
  let s: OfflineServer;
  beforeAll(async () => {
    s = await offlineServer(target);
  }, HOOK);
  afterAll(() => s?.server.close());

  const addFinding = (key: string | undefined, body: Record<string, unknown>, who: 'inspector' | 'admin' = 'inspector') =>
    s.as[who].request('POST', `/api/assessments/${s.A}/findings`, body, key === undefined ? {} : { 'idempotency-key': key });

  it('answers a resend with the first answer (same finding id), replayed, one finding made', async () => {
    const key = randomUUID();
    const before = await s.count('findings');
    const body = { version: await s.version(s.A), item: '1.1', note: '离线记录' };
    const first = await addFinding(key, body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await addFinding(key, body);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(first));
    expect(await s.count('findings')).toBe(before + 1);
    // Another send with the same content but keys in another order is the same request.
    const reordered = await addFinding(key, { note: body.note, item: body.item, version: body.version });
    expect(reordered.statusCode).toBe(201);
    expect(json<{ id: number }>(reordered).id).toBe(json<{ id: number }>(first).id);
    expect(await s.count('findings')).toBe(before + 1);
  });

  it('refuses the key with another request: 409 idempotency-mismatch, nothing applied', async () => {
    const key = randomUUID();
    const version = await s.version(s.A);
    expect((await addFinding(key, { version, item: '1.1' })).statusCode).toBe(201);
    const before = await s.count('findings');
    const other = await addFinding(key, { version: version + 1, item: '1.1', note: 'another' });
    expect(other.statusCode, other.body).toBe(409);
    expect(json<{ error: { code: string; text: string } }>(other).error).toMatchObject({ code: 'idempotency-mismatch', text: ERROR_MESSAGES['idempotency-mismatch'].zh });
    expect(await s.count('findings')).toBe(before);
  });

  it('applies two sends of one key at once exactly once, and answers both alike', async () => {
    const key = randomUUID();
    const before = await s.count('findings');
    const body = { version: await s.version(s.A), item: '1.1', note: '同时发送' };
    const [a, b] = await Promise.all([addFinding(key, body), addFinding(key, body)]);
    expect([a!.statusCode, b!.statusCode], `${a!.body} ${b!.body}`).toEqual([201, 201]);
    expect(json(a!)).toEqual(json(b!));
    expect([a!.headers['idempotent-replayed'], b!.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    expect(await s.count('findings')).toBe(before + 1);
  });

  it('keeps nothing for a failed send: the same key goes through when sent again right', async () => {
    const key = randomUUID();
    const version = await s.version(s.A);
    const before = await s.count('findings');
    const stale = await addFinding(key, { version: version - 1, item: '1.1' });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(json<{ error: { code: string } }>(stale).error.code).toBe('conflict');
    const bad = await addFinding(key, { version, item: '99.99' });
    expect(bad.statusCode).toBe(400);
    expect(await s.count('findings')).toBe(before);
    const retry = await addFinding(key, { version, item: '1.1' });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await s.count('findings')).toBe(before + 1);
  });

  it("keeps keys per user: another user's same key is another change", async () => {
    const key = randomUUID();
    const before = await s.count('findings');
    const mine = await addFinding(key, { version: await s.version(s.A), item: '1.1' });
    expect(mine.statusCode).toBe(201);
    const theirs = await addFinding(key, { version: await s.version(s.A), item: '1.1' }, 'admin');
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(json<{ id: number }>(theirs).id).not.toBe(json<{ id: number }>(mine).id);
    expect(await s.count('findings')).toBe(before + 2);
  });

  it('replays a withdrawal, a check mark and a workflow step without applying them twice', async () => {
    const added = await addFinding(undefined, { version: await s.version(s.A), item: '1.1' });
    const fid = json<{ id: number }>(added).id;
    const withdraw = { version: await s.version(s.A), reason: '重复记录' };
    const wKey = randomUUID();
    const w1 = await s.as.inspector.request('POST', `/api/assessments/${s.A}/findings/${fid}/withdraw`, withdraw, { 'idempotency-key': wKey });
    expect(w1.statusCode, w1.body).toBe(200);
    const w2 = await s.as.inspector.request('POST', `/api/assessments/${s.A}/findings/${fid}/withdraw`, withdraw, { 'idempotency-key': wKey });
    expect(w2.statusCode, w2.body).toBe(200);
    expect(w2.headers['idempotent-replayed']).toBe('true');
    expect(json(w2)).toEqual(json(w1));

    const check = { version: await s.version(s.A), item: '1.1', checked: true };
    const cKey = randomUUID();
    const c1 = await s.as.inspector.request('POST', `/api/assessments/${s.A}/checks`, check, { 'idempotency-key': cKey });
    expect(c1.statusCode, c1.body).toBe(200);
    const versionAfter = await s.version(s.A);
    const c2 = await s.as.inspector.request('POST', `/api/assessments/${s.A}/checks`, check, { 'idempotency-key': cKey });
    expect(c2.headers['idempotent-replayed']).toBe('true');
    expect(json(c2)).toEqual(json(c1));
    expect(await s.version(s.A)).toBe(versionAfter);

    const step = { version: await s.version(s.C), step: 'submit' };
    const tKey = randomUUID();
    const t1 = await s.as.inspector2.request('POST', `/api/assessments/${s.C}/transition`, step, { 'idempotency-key': tKey });
    expect(t1.statusCode, t1.body).toBe(200);
    const t2 = await s.as.inspector2.request('POST', `/api/assessments/${s.C}/transition`, step, { 'idempotency-key': tKey });
    expect(t2.statusCode, t2.body).toBe(200);
    expect(t2.headers['idempotent-replayed']).toBe('true');
    expect(json(t2)).toEqual(json(t1));
  });

  it('answers a key whose answer was never stored (a stop right after the commit) from the stored result', async () => {
    const key = randomUUID();
    const body = { version: await s.version(s.A), item: '1.1' };
    const first = await addFinding(key, body);
    expect(first.statusCode).toBe(201);
    await s.server.store.db.updateTable('idempotency_keys').set({ status_code: null, answer: null, created_at: '2020-01-01T00:00:00.000Z' }).where('key', '=', key).execute();
    const again = await addFinding(key, body);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json<{ id: number }>(again).id).toBe(json<{ id: number }>(first).id);
  });

  it('refuses a malformed key (400 naming the header), and works as before without one', async () => {
    for (const bad of ['', 'has space', 'x'.repeat(101), 'ключ']) {
      const res = await addFinding(bad, { version: await s.version(s.A), item: '1.1' });
      expect(res.statusCode, `${JSON.stringify(bad)}: ${res.body}`).toBe(400);
      expect(json<{ error: { code: string; message: string } }>(res).error).toMatchObject({ code: 'validation', message: expect.stringMatching(/^headers\.idempotency-key: /) });
    }
    const before = await s.count('findings');
    const body = { version: await s.version(s.A), item: '1.1' };
    expect((await addFinding(undefined, body)).statusCode).toBe(201);
    expect((await addFinding(undefined, body)).statusCode).toBe(409);
    expect(await s.count('findings')).toBe(before + 1);
  });
});
