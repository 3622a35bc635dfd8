import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import { storeTargets } from '../../../test/stores.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { HashGate } from '../../services/hash-gate.ts';
import { signInLimits } from '../../services/user.service.ts';

describe.each(storeTargets())('auth and users ($dialect)', (target) => {
  let server: TestServer;
  let passwords: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(target, { loginRateLimit: 5 });
    const first = await firstStart(server.app.services);
    passwords = Object.fromEntries(first!.credentials.map((c) => [c.username, c.password]));
  }, 60_000);
  afterAll(() => server.close());
  // The office, signed in once (the login route allows 5 attempts a minute per name here).
  let office: Promise<Client> | undefined;
  const admin = () => (office ??= signIn(server.app, 'admin', passwords.admin!));

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
    expect(JSON.stringify(body)).not.toContain(passwords.reviewer!);
    expect(JSON.stringify(body)).not.toMatch(/hash|scrypt/i);
    // The demo's registry starts at its county: the office of the whole database is a county's.
    expect(body).toMatchObject({ passwordMinLength: 10, timeZone: 'Asia/Shanghai', area: null, databaseLevel: 'county' });
  });

  it('refuses a wrong password or an unknown user alike, with a JSON error', async () => {
    for (const payload of [
      { username: 'admin', password: 'wrong-password' },
      { username: 'nobody', password: 'x' },
    ]) {
      const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: 'wrong username or password', text: ERROR_MESSAGES.unauthenticated.zh } });
    }
  });

  it('validates the body and names the field', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toMatch(/^body\.password:/);
  });

  it('limits login attempts per address and user name, however the name is spelled', async () => {
    const codes: number[] = [];
    // Spellings of one name: spaces around it, another case, full-width letters (NFKC).
    for (const username of ['admin2', ' admin2', 'admin2  ', 'ADMIN2', 'ａｄｍｉｎ2', 'Admin2', 'admin2']) {
      const res = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'guess' } });
      codes.push(res.statusCode);
    }
    // Three failures, then a wait (the service's delay), then the address's limit: one key for all.
    expect(codes).toEqual([401, 401, 401, 429, 429, 429, 429]);
    // Another user name from the same address is not held up by this one.
    const other = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'village', password: passwords.village } });
    expect(other.statusCode).toBe(200);
  });

  it('answers a user who still holds a one-time password 403 on everything but the change', async () => {
    await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'otp', role: 'admin' }).then(async ({ password }) => {
      const otp = await signIn(server.app, 'otp', password, { keepOneTimePassword: true });
      for (const [method, url] of [
        ['GET', '/api/households'],
        ['GET', '/api/users'],
        ['GET', '/api/campaigns'],
        ['POST', '/api/users'],
      ] as const) {
        const res = await otp.request(method, url, method === 'POST' ? { username: 'zz', role: 'admin' } : undefined);
        expect(res.statusCode, url).toBe(403);
        expect(res.json(), url).toMatchObject({ error: { code: 'password-change-required' } });
      }
      expect((await otp.get('/api/auth/me')).statusCode).toBe(200);
      expect((await otp.post('/api/auth/password', { currentPassword: password, newPassword: 'replaced-at-last-1' })).statusCode).toBe(200);
      expect((await otp.get('/api/households')).statusCode).toBe(200);
      expect((await otp.get('/api/auth/me')).json()).toMatchObject({ user: { mustChangePassword: false } });
    });
  });

  it('checks the CSRF token on every change whatever the spelling of the path', async () => {
    const a = await admin();
    const before = (await a.get('/api/users')).json() as { users: unknown[] };
    for (const url of ['/%61pi/users', '/ap%69/users', '/%61%70%69/users', '/api/%75sers', '/api//users', '/API/users', '/api/users/', '/api/users?x=1']) {
      const res = await server.app.inject({
        method: 'POST',
        url,
        headers: { cookie: a.headers.cookie! },
        payload: { username: `csrf${Math.random().toString(36).slice(2, 8)}`, role: 'admin' },
      });
      expect([403, 404], url).toContain(res.statusCode);
      if (res.statusCode === 403) expect(res.json(), url).toMatchObject({ error: { code: 'csrf' } });
    }
    // The campaign routes too (publish, findings): refused before any service is asked.
    for (const url of ['/%61pi/campaigns/1/publish', '/%61pi/assessments/5/findings']) {
      const res = await server.app.inject({ method: 'POST', url, headers: { cookie: a.headers.cookie! }, payload: {} });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'csrf' } });
    }
    expect(((await a.get('/api/users')).json() as { users: unknown[] }).users).toHaveLength(before.users.length);
  });

  it('sends no answer of the API to a cache', async () => {
    const a = await admin();
    for (const url of ['/api/auth/me', '/api/users', '/api/households']) expect((await a.get(url)).headers['cache-control'], url).toBe('no-store');
    expect((await server.app.inject({ method: 'GET', url: '/api/auth/me' })).headers['cache-control']).toBe('no-store');
  });

  it('needs a session for /auth/me, and the CSRF token for changes', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const a = await admin();
    const me = await a.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });
    const noToken = await server.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: a.headers.cookie! }, payload: { username: 'x1', role: 'viewer' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ error: { code: 'csrf' } });
    const wrong = await server.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie: a.headers.cookie!, 'x-csrf-token': 'nope' },
      payload: { username: 'x1', role: 'viewer' },
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('lets only the office create users; a new user gets a one-time password', async () => {
    const a = await admin();
    const created = await a.post('/api/users', { username: 'wang', role: 'viewer', displayName: '王' });
    expect(created.statusCode).toBe(200);
    const { user, password } = created.json() as { user: { username: string; mustChangePassword: boolean }; password: string };
    expect(user).toMatchObject({ username: 'wang', mustChangePassword: true });
    expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
    const list = await a.get('/api/users');
    expect((list.json() as { users: Array<{ username: string }> }).users.map((u) => u.username)).toContain('wang');
    const bad = await a.post('/api/users', { username: 'li', role: 'reviewer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(/^township:/) } });

    const wang = await signIn(server.app, 'wang', password);
    for (const [method, url] of [
      ['GET', '/api/users'],
      ['POST', '/api/users'],
    ] as const) {
      const res = await wang.request(method, url, method === 'POST' ? { username: 'zz', role: 'admin' } : undefined);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('records each user the office creates in the audit log, naming the admin, never the password; a refused creation records nothing', async () => {
    const a = await admin();
    const created = await a.post('/api/users', { username: 'feng', role: 'inspector', displayName: '冯' });
    expect(created.statusCode).toBe(200);
    const { user, password } = created.json() as { user: { id: number }; password: string };
    const entriesOf = () => server.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').orderBy('id').execute();
    const entries = (await entriesOf()).filter((e) => e.entity_id === String(user.id));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'admin', entity: 'user' });
    expect(JSON.parse(entries[0]!.after!)).toEqual({ username: 'feng', displayName: '冯', role: 'inspector', township: null, village: null, mustChangePassword: true });
    expect(JSON.stringify(entries[0])).not.toContain(password);
    expect(JSON.stringify(entries[0])).not.toMatch(/scrypt/);

    const before = await entriesOf();
    const inspector = await signIn(server.app, 'inspector', passwords.inspector!);
    const refused = await inspector.post('/api/users', { username: 'by-inspector', role: 'admin' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(await entriesOf()).toEqual(before);
    expect(await server.app.services.campaigns.audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it('changes a password (the old one stops working) and ends the other sessions', async () => {
    const users = server.app.services.users;
    await users.create({ user: 'admin', role: 'admin' }, { username: 'zhao', role: 'viewer', password: 'first-password' });
    const a = await signIn(server.app, 'zhao', 'first-password');
    const b = await signIn(server.app, 'zhao', 'first-password');
    const short = await a.post('/api/auth/password', { currentPassword: 'first-password', newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({
      error: { code: 'weak-password', message: expect.stringMatching(/^newPassword: at least 10 characters/), details: { reason: 'too-short', minLength: 10 } },
    });
    // Common, blank, one character over and over, the user name in it: each refused with its reason.
    for (const [newPassword, reason] of [
      ['12345678', 'too-short'],
      ['password', 'too-short'],
      ['        ', 'blank'],
      ['          ', 'blank'],
      ['1234567890', 'common'],
      ['password123!', 'common'],
      ['qwertyuiop', 'common'],
      ['woaini1314', 'common'],
      ['aaaaaaaaaaaa', 'too-few-different'],
      ['zhao-is-my-name', 'contains-username'],
      ['ZHAO2020-spring', 'contains-username'],
    ] as const) {
      const res = await a.post('/api/auth/password', { currentPassword: 'first-password', newPassword });
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json(), newPassword).toMatchObject({ error: { code: 'weak-password', details: { reason, field: 'newPassword' } } });
    }
    // The same password again: refused with its own reason (the page words it), nothing changed.
    const same = await a.post('/api/auth/password', { currentPassword: 'first-password', newPassword: 'first-password' });
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ error: { code: 'weak-password', details: { reason: 'same-as-current', field: 'newPassword' } } });
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

describe.each(storeTargets())('sign-in limits ($dialect)', (target) => {
  let now = Date.parse('2021-03-01T08:00:00.000Z');
  const clock = () => new Date(now);
  const later = (seconds: number) => (now += seconds * 1000);
  // The service's limits (per name) are tested on `server`, whose route limit (per address and
  // name, in real minutes) is out of the way; the address limit on `limited` and `proxied`.
  let server: TestServer;
  let limited: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    server = await startServer(target, { clock });
    limited = await startServer(target, { clock, loginRateLimit: 5 });
    proxied = await startServer(target, { clock, loginRateLimit: 5, trustProxy: '127.0.0.1' });
    for (const s of [server, limited, proxied])
      await s.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'liu', role: 'viewer', password: 'river-stone-2021' });
    await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'village', role: 'viewer', password: 'river-stone-2021' });
  }, 60_000);
  afterAll(async () => {
    for (const s of [server, limited, proxied]) await s?.close();
  });
  const login = (s: TestServer, username: string, password: string, headers: Record<string, string> = {}) =>
    s.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username, password } });

  it('counts by the connection address, not a client-sent X-Forwarded-For, unless a proxy is configured', async () => {
    const codes = async (s: TestServer, name: string) => {
      const out: number[] = [];
      for (let i = 0; i < 8; i++) {
        later(120); // past the per-name delays: only the address's limit can refuse
        out.push((await login(s, name, 'guess', { 'x-forwarded-for': `10.0.${i}.${i + 1}` })).statusCode);
      }
      return out;
    };
    expect(await codes(limited, 'xff1')).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Behind a configured proxy (the inject's own address), its header names the client.
    expect(await codes(proxied, 'xff1')).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('makes each failure after the third wait longer, then locks the name and says until when, with an audit entry', async () => {
    later(3600);
    const failures: Array<{ code: number; error?: { code: string; details?: { until?: string } }; retry?: string }> = [];
    const attempt = async () => {
      const res = await login(server, 'liu', 'not-the-password');
      failures.push({
        code: res.statusCode,
        error: (res.json() as { error: { code: string; details?: { until?: string } } }).error,
        retry: res.headers['retry-after'] as string | undefined,
      });
      return res;
    };
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    // The fourth at once: a second's wait, said with its time and Retry-After.
    const waited = await attempt();
    expect(waited.statusCode).toBe(429);
    expect(failures.at(-1)).toMatchObject({ error: { code: 'rate-limited', details: { until: new Date(now + 1000).toISOString() } }, retry: '1' });
    // Each wait is twice the one before: 1, 2, 4, 8, 16, 32 s.
    const delays: number[] = [];
    for (let i = 3; i < signInLimits.lockAfter - 1; i++) {
      later(2 ** (i - 3));
      expect((await attempt()).statusCode).toBe(401);
      delays.push(2 ** (i - 2));
      const early = await attempt();
      expect(early.statusCode).toBe(429);
      expect(Number(early.headers['retry-after'])).toBe(Math.min(60, 2 ** (i - 2)));
    }
    // The tenth failure locks the name for 15 minutes.
    later(60);
    expect((await attempt()).statusCode).toBe(401);
    const locked = await login(server, 'liu', 'river-stone-2021');
    expect(locked.statusCode).toBe(429);
    const until = new Date(now + 15 * 60_000).toISOString();
    expect(locked.json()).toEqual({
      error: { code: 'locked', message: `too many failed sign-ins: the user name liu is locked until ${until}`, text: ERROR_MESSAGES.locked.zh, details: { until } },
    });
    expect(locked.headers['retry-after']).toBe(String(15 * 60));
    const audit = await server.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.lockout').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ failures: 10, until, minutes: 15 });
    expect(audit[0]).toMatchObject({ entity: 'user', entity_id: 'liu' });
    expect(await server.app.services.campaigns.audit.verifyAudit()).toMatchObject({ ok: true });
    // Even the right password waits for the lock to end; then it works and the count starts again.
    later(15 * 60 + 1);
    expect((await login(server, ' liu  ', 'river-stone-2021')).statusCode).toBe(200);
    expect(await server.store.db.selectFrom('login_throttle').selectAll().where('key', '=', 'liu').execute()).toEqual([]);
  });

  it('locks an unknown name as it locks a known one (a refusal never tells which names exist)', async () => {
    later(3600);
    const answers = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < signInLimits.lockAfter + 1; i++) {
        later(61);
        const res = await login(server, name, 'wrong-wrong');
        out.push(`${res.statusCode} ${(res.json() as { error: { code: string } }).error.code}`);
      }
      return out;
    };
    const known = await answers('liu');
    const unknown = await answers('nobody-here');
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toBe('429 locked');
    // The second lock of a name lasts twice as long.
    later(15 * 60 + 1);
    for (let i = 0; i < signInLimits.lockAfter; i++) {
      later(61);
      await login(server, 'liu', 'wrong-wrong');
    }
    const second = await login(server, 'liu', 'river-stone-2021');
    expect(second.json()).toMatchObject({ error: { code: 'locked', details: { until: new Date(now + 30 * 60_000).toISOString() } } });
  });

  it('hashes a few passwords at a time: one address gets two, the queue eight, the rest 429 or 503 at once; a real user still gets in', async () => {
    const gate = server.app.services.users.gate;
    let most = 0;
    const run = gate.run.bind(gate);
    // Each hash is held until every request of the burst has reached the gate (a test hash takes
    // milliseconds, and on a loaded machine a burst's requests can arrive further apart than any
    // fixed delay): the gate decides each request's fate as it arrives, so the counts below do not
    // race. A burst that never fully arrives is let go after ten seconds and fails the counts.
    let expected = 0;
    let entered = 0;
    let open = () => {};
    let opened = Promise.resolve();
    const burst = (size: number) => {
      expected = size;
      entered = 0;
      opened = new Promise<void>((resolve) => {
        open = resolve;
        setTimeout(resolve, 10_000).unref();
      });
    };
    gate.run = async (work, key) => {
      if (++entered >= expected) open();
      return run(async () => {
        most = Math.max(most, gate.load().active);
        await opened;
        return work();
      }, key);
    };
    const from = (address: string, username: string, password: string) =>
      server.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: address, payload: { username, password } });
    const codeOf = (r: { statusCode: number; json(): unknown }) => `${r.statusCode} ${(r.json() as { error?: { code: string } }).error?.code ?? 'ok'}`;
    try {
      later(3600);
      burst(25);
      // 24 at once from one address, with unknown names (each its own: no per-name delay): two are checked.
      const one = await Promise.all([...Array.from({ length: 24 }, (_, i) => from('10.9.9.9', `flood${i}`, 'guess')), from('10.1.1.1', 'liu', 'river-stone-2021')]);
      const codes = one.map(codeOf);
      expect(codes.slice(0, 24).filter((c) => c === '401 unauthenticated')).toHaveLength(2);
      expect(codes.slice(0, 24).filter((c) => c === '429 rate-limited')).toHaveLength(22);
      expect(one.find((r) => r.statusCode === 429)!.headers['retry-after']).toBe('1');
      // The real user, from elsewhere, got in at once.
      expect(codes[24]).toBe('200 ok');
      // 24 at once from 24 addresses: two run, eight wait, the rest are told the server is busy.
      later(3600);
      burst(24);
      const many = (await Promise.all(Array.from({ length: 24 }, (_, i) => from(`10.8.0.${i + 1}`, `spread${i}`, 'guess')))).map(codeOf);
      expect(many.filter((c) => c === '401 unauthenticated')).toHaveLength(gate.concurrent + gate.queued);
      expect(many.filter((c) => c === '503 busy')).toHaveLength(24 - gate.concurrent - gate.queued);
      expect(most).toBeLessThanOrEqual(gate.concurrent);
      burst(12);
      const busy = await Promise.all(Array.from({ length: 12 }, (_, i) => from(`10.7.0.${i + 1}`, `again${i}`, 'guess')));
      expect(busy.find((r) => r.statusCode === 503)?.headers['retry-after']).toBe('2');
      expect(gate.load()).toEqual({ active: 0, waiting: 0, keys: 0 });
      // Once the flood has passed, the real user signs in.
      burst(1);
      expect((await from('10.1.1.1', 'liu', 'river-stone-2021')).statusCode).toBe(200);
    } finally {
      gate.run = run;
    }
  });
});

describe('HashGate', () => {
  it('runs at most `concurrent` at once, queues `queued`, refuses the rest with busy', async () => {
    const gate = new HashGate(2, 3, 100);
    let active = 0;
    let most = 0;
    const work = () =>
      gate.run(async () => {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return 'done';
      });
    const results = await Promise.allSettled(Array.from({ length: 9 }, work));
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['busy', 'busy', 'busy', 'busy']);
    expect(gate.load()).toEqual({ active: 0, waiting: 0, keys: 0 });
    // A failing job frees its slot.
    await expect(gate.run(async () => Promise.reject(new Error('x')), 'k')).rejects.toThrow('x');
    expect(gate.load()).toEqual({ active: 0, waiting: 0, keys: 0 });
  });

  it('lets one key have at most `perKey` in at once, others not held up by it', async () => {
    const gate = new HashGate(4, 10, 2);
    const slow = (key: string) => gate.run(() => new Promise((r) => setTimeout(() => r(key), 20)), key);
    const results = await Promise.allSettled([slow('a'), slow('a'), slow('a'), slow('b'), slow('a')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as { code: string }).code))).toEqual(['a', 'a', 'rate-limited', 'b', 'rate-limited']);
    expect(gate.load()).toEqual({ active: 0, waiting: 0, keys: 0 });
    expect(await slow('a')).toBe('a');
  });
});
