import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, KeptJson } from './kept-json.ts';

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['GZIP', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['*;q=0, gzip', true],
    ['deflate, br', false],
    ['identity', false],
    ['', false],
  ])('%j → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
  it('is false without the header', () => expect(acceptsGzip(undefined)).toBe(false));
});

describe('KeptJson', () => {
  it('makes the JSON once per object and kind, gzipped for clients that accept it', async () => {
    const kept = new KeptJson<'a' | 'b'>();
    const big = { rows: Array.from({ length: 200 }, (_, i) => ({ i, name: `石桥村 ${i}` })) };
    const small = { ok: true };
    let made = 0;
    const app = Fastify();
    app.get('/big/:kind', (req, reply) => {
      const kind = (req.params as { kind: 'a' | 'b' }).kind;
      return kept.send(req, reply, big, kind, () => (made++, { kind, ...big }));
    });
    app.get('/small', (req, reply) => kept.send(req, reply, small, 'a', () => small));
    const plain = await app.inject({ url: '/big/a' });
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.json()).toEqual({ kind: 'a', ...big });
    const zipped = await app.inject({ url: '/big/a', headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(made).toBe(1);
    expect((await app.inject({ url: '/big/b' })).json()).toMatchObject({ kind: 'b' });
    expect(made).toBe(2);
    const tiny = await app.inject({ url: '/small', headers: { 'accept-encoding': 'gzip' } });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.json()).toEqual(small);
    await app.close();
  });
});
