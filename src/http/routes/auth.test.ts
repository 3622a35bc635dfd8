import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStart } from '../../services/bootstrap.service.ts';
import { UserService } from '../../services/user.service.ts';
import { storeTargets } from '../../../test/stores.ts';
import { signIn, startServer, type TestServer } from '../../../test/http.ts';

describe.each(storeTargets())('auth and users ($dialect)', (target) => {
  let server: TestServer;
  let passwords: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(target, { loginRateLimit: 5 });
    const first = await firstStart(server.store);
    passwords = Object.fromEntries(first!.credentials.map((c) => [c.username, c.password]));
  }, 60_000);
  afterAll(() => server.close());

  it('signs in with a session cookie that is HttpOnly and SameSite, and returns the user and a CSRF token', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'reviewer', password: passwords.reviewer } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'kaohe_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const body = res.json() as { user: { username: string; role: string; township: string; mustChangePassword: boolean }; csrfToken: string };
    expect(body.user).toMatchObject({ username: 'reviewer', role: 'reviewer', mustChangePassword: true });
    expect(body.user.township).toMatch(/^\d{12}$/);
    expect(body.csrfToken.length).toBeGreaterThan(20);
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('refuses a wrong password or an unknown user alike, with a JSON error', async () => {
    for (const payload of [{ username: 'admin', password: 'wrong-password' }, { username: 'nobody', password: 'x' }]) {
      const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: 'wrong username or password' } });
    }
  });

  it('validates the body and names the field', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toMatch(/^body\.password:/);
  });

  it('limits login attempts per address and user name', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'viewer', password: 'guess' + i } });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const limited = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'viewer', password: passwords.viewer } });
    expect(limited.json()).toMatchObject({ error: { code: 'rate-limited' } });
    // Another user name from the same address is not held up.
    const other = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'village', password: passwords.village } });
    expect(other.statusCode).toBe(200);
  });

  it('needs a session for /auth/me, and the CSRF token for changes', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const admin = await signIn(server.app, 'admin', passwords.admin!);
    const me = await admin.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });
    const noToken = await server.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin.headers.cookie! }, payload: { username: 'x1', role: 'viewer' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ error: { code: 'csrf' } });
    const wrong = await server.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin.headers.cookie!, 'x-csrf-token': 'nope' }, payload: { username: 'x1', role: 'viewer' } });
    expect(wrong.statusCode).toBe(403);
  });

  it('lets only the office create users; a new user gets a one-time password', async () => {
    const admin = await signIn(server.app, 'admin', passwords.admin!);
    const created = await admin.post('/api/users', { username: 'wang', role: 'viewer', displayName: '王' });
    expect(created.statusCode).toBe(200);
    const { user, password } = created.json() as { user: { username: string; mustChangePassword: boolean }; password: string };
    expect(user).toMatchObject({ username: 'wang', mustChangePassword: true });
    expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
    const list = await admin.get('/api/users');
    expect((list.json() as { users: Array<{ username: string }> }).users.map((u) => u.username)).toContain('wang');
    const bad = await admin.post('/api/users', { username: 'li', role: 'reviewer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(/^township:/) } });

    const wang = await signIn(server.app, 'wang', password);
    for (const [method, url] of [['GET', '/api/users'], ['POST', '/api/users']] as const) {
      const res = await wang.request(method, url, method === 'POST' ? { username: 'zz', role: 'admin' } : undefined);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('changes a password (the old one stops working) and ends the other sessions', async () => {
    const users = new UserService({ store: server.store });
    await users.create({ username: 'zhao', role: 'viewer', password: 'first-password' });
    const a = await signIn(server.app, 'zhao', 'first-password');
    const b = await signIn(server.app, 'zhao', 'first-password');
    const short = await a.post('/api/auth/password', { currentPassword: 'first-password', newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(/newPassword/) } });
    const wrong = await a.post('/api/auth/password', { currentPassword: 'not-it', newPassword: 'second-password' });
    expect(wrong.json()).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(/^currentPassword/) } });
    const ok = await a.post('/api/auth/password', { currentPassword: 'first-password', newPassword: 'second-password' });
    expect(ok.statusCode).toBe(200);
    expect((await a.get('/api/auth/me')).statusCode).toBe(200);
    expect((await b.get('/api/auth/me')).statusCode).toBe(401);
    await expect(signIn(server.app, 'zhao', 'first-password')).rejects.toThrow(/401/);
    const again = await signIn(server.app, 'zhao', 'second-password');
    expect((await again.get('/api/auth/me')).json()).toMatchObject({ user: { mustChangePassword: false } });
  });

  it('signs out: the session ends', async () => {
    const v = await signIn(server.app, 'village', passwords.village!);
    expect((await v.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await v.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('stores no password or session token in the clear', async () => {
    const rows = await server.store.db.selectFrom('users').select(['username', 'password_hash']).execute();
    for (const r of rows) expect(r.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(rows.map((r) => r.password_hash).join()).not.toContain(passwords.admin!);
    const v = await signIn(server.app, 'viewer', passwords.viewer!).catch(() => null);
    if (v) {
      const token = v.headers.cookie!.split('=')[1]!;
      const sessions = await server.store.db.selectFrom('sessions').select('id').execute();
      expect(sessions.map((s) => s.id)).not.toContain(token);
    }
  });

  it('publishes an OpenAPI document and answers unknown routes with JSON', async () => {
    const docs = await server.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    const doc = docs.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/me', '/api/users']));
    const missing = await server.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not-found' } });
  });
});
