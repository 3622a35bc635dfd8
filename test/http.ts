/**
 * Helpers for API tests: a server on a fresh store (SQLite or PostgreSQL), users of every role,
 * and signed-in clients that carry the session cookie and the CSRF token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../src/http/server.ts';
import { EvidenceStore, type EvidenceLimits } from '../src/services/evidence/evidence-store.ts';
import type { Store } from '../src/store/db.ts';
import type { StoreTarget } from './stores.ts';

// Fast password hashing in tests (the cost is a parameter of the stored hash).
process.env.KAOHE_SCRYPT_LOG2N ??= '12';

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  dir: string;
  close(): Promise<void>;
}

export async function startServer(
  target: StoreTarget,
  options: { clock?: () => Date; loginRateLimit?: number; trustProxy?: boolean | string; evidence?: EvidenceLimits } = {},
): Promise<TestServer> {
  const store = await target.open();
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-http-'));
  const app = await buildServer({
    store,
    evidence: new EvidenceStore(join(dir, 'evidence'), options.evidence),
    webRoot: null,
    loginRateLimit: options.loginRateLimit ?? 1000,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    dir,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Client {
  username: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The cookie and CSRF headers, for multipart requests built by hand. */
  headers: Record<string, string>;
}

/**
 * Signs a user in and returns a client that sends their cookie and CSRF token. A user who still
 * holds a one-time password is taken to have changed it (the flag cleared, the password kept, so
 * a test can sign them in again), since the API answers such a user 403 on everything but the
 * change; `keepOneTimePassword` leaves them as they are (for the tests of that rule).
 */
export async function signIn(app: FastifyInstance, username: string, password: string, options: { keepOneTimePassword?: boolean } = {}): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  if ((res.json() as { user: { mustChangePassword: boolean } }).user.mustChangePassword && !options.keepOneTimePassword) {
    await app.services.store.db.updateTable('users').set({ must_change_password: 0 }).where('username', '=', username).execute();
  }
  const cookie = res.cookies.find((c) => c.name === 'kaohe_session')!;
  const headers = { cookie: `kaohe_session=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  const request: Client['request'] = (method, url, body, extra = {}) =>
    app.inject({ method, url, headers: { ...headers, ...extra }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { username, headers, request, get: (url) => request('GET', url), post: (url, body) => request('POST', url, body ?? {}) };
}

/** One part of a multipart/form-data body: a field, or a file when it has a filename. */
export interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer | string;
}

/** A multipart/form-data body and its content type, as a browser sends it. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data, 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
