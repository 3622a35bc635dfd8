/**
 * The user administration routes (users.ts), on every database: the office only (every other
 * role 403, nothing written), bodies checked naming the field, a missing user 404, and what
 * each change does seen from the outside: a reset password signs in and must be changed, a
 * disabled user is refused with account-disabled in the caller's language and their session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { ROLES, type Role } from '../../services/policies.ts';

const TOWNSHIP = '522425100000';
const VILLAGE = '522425100201';
const PASSWORD = 'copper-kettle-2021';

describe.each(storeTargets())('user administration routes ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Role, Client>;
  const system = { user: 'system', role: 'admin' as const };
  const auditSize = async () => (await server.store.db.selectFrom('audit_log').select('id').execute()).length;
  const newUser = async (username: string, role: Role = 'viewer') => (await server.app.services.users.create(system, { username, role, password: PASSWORD })).user.id;

  beforeAll(async () => {
    server = await startServer(target);
    await server.store.db
      .insertInto('areas')
      .values([
        { code: TOWNSHIP, level: 'township', name: '龙场镇', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        { code: VILLAGE, level: 'village', name: '石桥村', parent_code: TOWNSHIP, poverty_village: 1, planned_exit_year: null, exit_year: null, population: 800 },
      ])
      .execute();
    for (const role of ROLES) {
      await server.app.services.users.create(system, {
        username: `the-${role}`,
        role,
        password: PASSWORD,
        ...(role === 'reviewer' ? { township: TOWNSHIP } : {}),
        ...(role === 'village' ? { village: VILLAGE } : {}),
      });
      as[role] = await signIn(server.app, `the-${role}`, PASSWORD);
    }
  }, 60_000);
  afterAll(() => server?.close());

  it('lists users with their state, one-time flag and last sign-in, never a password hash', async () => {
    const res = await as.admin.get('/api/users');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { users: Array<Record<string, unknown>> };
    const village = body.users.find((u) => u.username === 'the-village')!;
    expect(Object.keys(village).sort()).toEqual([
      'area',
      'createdAt',
      'disabled',
      'displayName',
      'id',
      'lastSignInAt',
      'mustChangePassword',
      'role',
      'township',
      'username',
      'village',
    ]);
    expect(village).toMatchObject({ role: 'village', village: VILLAGE, disabled: false, mustChangePassword: false });
    expect(village.lastSignInAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(res.body).not.toMatch(/scrypt|hash/i);
  });

  it('answers every role but the office 403 on every user route, and writes nothing', async () => {
    const id = await newUser('target-of-others');
    const size = await auditSize();
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const c = as[role];
      for (const [method, url, body] of [
        ['GET', '/api/users', undefined],
        ['POST', '/api/users', { username: `by-${role}`, role: 'viewer' }],
        ['PATCH', `/api/users/${id}`, { role: 'admin' }],
        ['POST', `/api/users/${id}/reset-password`, {}],
        ['POST', `/api/users/${id}/disable`, {}],
        ['POST', `/api/users/${id}/enable`, {}],
      ] as const) {
        const res = await c.request(method, url, body);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
      }
    }
    expect(await auditSize()).toBe(size);
    // Without a session: 401.
    expect((await server.app.inject({ method: 'POST', url: `/api/users/${id}/disable` })).statusCode).toBe(401);
  });

  it('refuses bad bodies and ids with 400 naming the field, and a missing user with 404', async () => {
    const id = await newUser('target-of-bad-bodies');
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['PATCH', `/api/users/${id}`, {}, /^body\.role:/],
      ['PATCH', `/api/users/${id}`, { role: 'boss' }, /^body\.role: one of admin, reviewer/],
      ['PATCH', `/api/users/${id}`, { role: 'reviewer', township: '5224' }, /^body\.township: a 12-digit division code/],
      ['PATCH', `/api/users/${id}`, { role: 'village', village: 12 }, /^body\.village:/],
      ['PATCH', `/api/users/${id}`, { role: 'reviewer' }, /^township: a reviewer reviews/],
      ['PATCH', `/api/users/${id}`, { role: 'village', village: TOWNSHIP }, /^village: 522425100000 is not a village/],
      ['PATCH', '/api/users/abc', { role: 'viewer' }, /^params\.id:/],
      ['POST', '/api/users/0/disable', {}, /^params\.id:/],
      ['POST', '/api/users', { username: 'x', role: 'viewer' }, /^body\.username:/],
    ];
    for (const [method, url, body, message] of cases) {
      const res = await as.admin.request(method as 'PATCH', url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(message) } });
    }
    for (const [method, url] of [
      ['PATCH', '/api/users/999999'],
      ['POST', '/api/users/999999/reset-password'],
      ['POST', '/api/users/999999/disable'],
      ['POST', '/api/users/999999/enable'],
    ] as const) {
      const res = await as.admin.request(method, url, { role: 'viewer' });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not-found', message: 'user 999999 not found' } });
    }
  });

  it('changes a role and scope, audited', async () => {
    const id = await newUser('to-be-reviewer');
    const res = await as.admin.request('PATCH', `/api/users/${id}`, { role: 'reviewer', township: TOWNSHIP });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { id, role: 'reviewer', township: TOWNSHIP, village: null, disabled: false } });
    const entry = await server.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.update').where('entity_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(entry.actor).toBe('the-admin');
  });

  it('resets a password: the one-time password signs in and must be changed first', async () => {
    const id = await newUser('forgetful');
    const res = await as.admin.post(`/api/users/${id}/reset-password`);
    expect(res.statusCode, res.body).toBe(200);
    const { user, password } = res.json() as { user: { mustChangePassword: boolean }; password: string };
    expect(user.mustChangePassword).toBe(true);
    const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'forgetful', password } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { mustChangePassword: true } });
    const old = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'forgetful', password: PASSWORD } });
    expect(old.statusCode).toBe(401);
  });

  it('disables a user: their session ends, sign-in is refused as account-disabled in the asker language; enabled again, they sign in', async () => {
    const id = await newUser('leaving', 'inspector');
    const leaving = await signIn(server.app, 'leaving', PASSWORD);
    expect((await leaving.get('/api/auth/me')).statusCode).toBe(200);
    const res = await as.admin.post(`/api/users/${id}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { id, disabled: true } });
    expect((await leaving.get('/api/auth/me')).statusCode).toBe(401);
    const zh = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leaving', password: PASSWORD } });
    expect(zh.statusCode).toBe(403);
    expect(zh.json()).toEqual({ error: { code: 'account-disabled', message: 'the account leaving is disabled', text: ERROR_MESSAGES['account-disabled'].zh } });
    const en = await server.app.inject({ method: 'POST', url: '/api/auth/login?lang=en', payload: { username: 'leaving', password: PASSWORD } });
    expect(en.json()).toMatchObject({ error: { code: 'account-disabled', text: ERROR_MESSAGES['account-disabled'].en } });
    // A wrong password is answered as for anyone: nothing tells that the account exists.
    const wrong = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leaving', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect((await as.admin.get('/api/users')).json()).toMatchObject({ users: expect.arrayContaining([expect.objectContaining({ username: 'leaving', disabled: true })]) });

    expect((await as.admin.post(`/api/users/${id}/enable`)).json()).toMatchObject({ user: { id, disabled: false } });
    expect((await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leaving', password: PASSWORD } })).statusCode).toBe(200);
  });

  it('keeps the last active administrator: 409 invalid-state when it would be demoted or disabled', async () => {
    const me = ((await as.admin.get('/api/users')).json() as { users: Array<{ id: number; username: string }> }).users.find((u) => u.username === 'the-admin')!;
    const demote = await as.admin.request('PATCH', `/api/users/${me.id}`, { role: 'viewer' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ error: { code: 'invalid-state', message: expect.stringMatching(/last active administrator/) } });
    const disable = await as.admin.post(`/api/users/${me.id}/disable`);
    expect(disable.statusCode).toBe(409);
    expect((await as.admin.get('/api/auth/me')).statusCode).toBe(200);
  });
});
