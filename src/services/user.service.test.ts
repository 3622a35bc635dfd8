/**
 * Creating users, on every database (test/stores.ts): the office only (a named policy), and
 * each creation in the audit log with who did it, never with the password or its hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { verifyAudit } from '../store/audit.repository.ts';
import type { Store } from '../store/db.ts';
import { firstStart } from './bootstrap.service.ts';
import { mayManageUsers, ROLES, sessionHours, type Actor } from './policies.ts';
import type { UserService } from './user.service.ts';
import { compose } from '../compose.ts';

// A cheap hash: these tests are about who may create users and what is logged, not scrypt's cost.
process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const office: Actor = { user: 'office', role: 'admin' };

describe('mayManageUsers', () => {
  it('allows the office and no other role', () => {
    expect(ROLES.filter((role) => mayManageUsers({ role }))).toEqual(['admin']);
  });
});

describe.each(storeTargets())('UserService.create ($dialect)', (target) => {
  let store: Store;
  let users: UserService;
  const auditOf = (action: string, entityId?: string) => {
    let q = store.db.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (entityId !== undefined) q = q.where('entity_id', '=', entityId);
    return q.orderBy('id').execute();
  };
  const counts = async () => ({
    users: await users.count(),
    audit: Number(
      (
        await store.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  beforeAll(async () => {
    store = await target.open();
    users = compose({ store }).users;
  }, 60_000);
  afterAll(() => store?.close());

  it("lasts a day for an inspector's session (a day offline) and half a day for every other role", async () => {
    expect(ROLES.map((r) => [r, sessionHours(r)])).toEqual(ROLES.map((r) => [r, r === 'inspector' ? 24 : 12]));
    let now = new Date('2021-03-01T08:00:00Z');
    const timed = compose({ store, clock: () => now }).users;
    const { user: inspector } = await users.create(office, { username: 'field-he', role: 'inspector', password: 'copper-kettle-2021' });
    const { user: viewer } = await users.create(office, { username: 'desk-he', role: 'viewer', password: 'copper-kettle-2021' });
    const tokens = { inspector: await timed.startSession(inspector), viewer: await timed.startSession(viewer) };
    now = new Date('2021-03-01T19:59:00Z');
    expect(await timed.sessionUser(tokens.viewer)).not.toBeNull();
    now = new Date('2021-03-01T20:00:01Z');
    expect(await timed.sessionUser(tokens.viewer)).toBeNull();
    expect(await timed.sessionUser(tokens.inspector)).toMatchObject({ username: 'field-he' });
    now = new Date('2021-03-02T07:59:00Z');
    expect(await timed.sessionUser(tokens.inspector)).toMatchObject({ username: 'field-he' });
    now = new Date('2021-03-02T08:00:01Z');
    expect(await timed.sessionUser(tokens.inspector)).toBeNull();
  });

  it('writes an audit entry naming the creator, the user and their role, without the password or its hash', async () => {
    const password = 'copper-kettle-2021';
    const { user } = await users.create(office, { username: 'sun', role: 'viewer', displayName: '孙', password });
    const entries = await auditOf('user.create', String(user.id));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'office', entity: 'user', entity_id: String(user.id), before: null });
    expect(JSON.parse(entries[0]!.after!)).toEqual({ username: 'sun', displayName: '孙', role: 'viewer', township: null, village: null, mustChangePassword: false });
    const hash = await store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    const logged = JSON.stringify(entries[0]);
    expect(logged).not.toContain(password);
    expect(logged).not.toContain(hash.password_hash);
    expect(logged).not.toMatch(/scrypt/);
    expect(await verifyAudit(store.db, store.auditKey)).toMatchObject({ ok: true });
  });

  it('keeps a generated one-time password out of the audit entry too', async () => {
    const { user, password } = await users.create(office, { username: 'qian', role: 'inspector' });
    const [entry] = await auditOf('user.create', String(user.id));
    expect(JSON.parse(entry!.after!)).toMatchObject({ username: 'qian', role: 'inspector', mustChangePassword: true });
    expect(JSON.stringify(entry)).not.toContain(password);
  });

  it('refuses every role but the office, before looking at the input, and writes nothing', async () => {
    const before = await counts();
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const actor: Actor = { user: `a-${role}`, role, township: '522425100000', village: '522425100201' };
      await expect(users.create(actor, { username: `made-by-${role}`, role: 'admin', password: 'copper-kettle-2021' })).rejects.toMatchObject({ code: 'forbidden' });
      // An invalid request is refused as forbidden too: a caller who may not create users learns nothing of the rules.
      await expect(users.create(actor, { username: '!', role: 'reviewer' })).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await counts()).toEqual(before);
  });

  it('writes neither the user nor the entry when the input is refused', async () => {
    const before = await counts();
    await expect(users.create(office, { username: 'sun', role: 'viewer', password: 'copper-kettle-2021' })).rejects.toMatchObject({ code: 'validation' });
    await expect(users.create(office, { username: 'zhou', role: 'viewer', password: 'zhou-zhou-zhou-1' })).rejects.toMatchObject({ code: 'weak-password' });
    expect(await counts()).toEqual(before);
  });
});

describe.each(storeTargets())('first start ($dialect)', (target) => {
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
  }, 60_000);
  afterAll(() => store?.close());

  it('creates the administrator as the system, in the audit log', async () => {
    const first = await firstStart(compose({ store }), { demo: false });
    expect(first?.credentials.map((c) => c.username)).toEqual(['admin']);
    const entries = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'system', entity: 'user' });
    expect(JSON.parse(entries[0]!.after!)).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true });
    expect(JSON.stringify(entries[0])).not.toContain(first!.credentials[0]!.password);
    expect(await firstStart(compose({ store }), { demo: false })).toBeNull();
  });
});

describe.each(storeTargets())('UserService: managing users ($dialect)', (target) => {
  let store: Store;
  let users: UserService;
  let now = new Date('2021-03-01T08:00:00.000Z');
  const TOWNSHIP = '522425100000';
  const VILLAGE = '522425100201';
  const password = 'copper-kettle-2021';
  const auditOf = async (action: string, entityId: number) =>
    (await store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', String(entityId)).orderBy('id').execute()).map((e) => ({
      actor: e.actor,
      before: e.before === null ? null : JSON.parse(e.before),
      after: e.after === null ? null : JSON.parse(e.after),
    }));
  const auditSize = async () =>
    Number(
      (
        await store.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const listed = async (id: number) => (await users.list(office)).find((u) => u.id === id)!;

  beforeAll(async () => {
    store = await target.open();
    await store.db
      .insertInto('areas')
      .values([
        { code: TOWNSHIP, level: 'township', name: '龙场镇', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        { code: VILLAGE, level: 'village', name: '石桥村', parent_code: TOWNSHIP, poverty_village: 1, planned_exit_year: null, exit_year: null, population: 800 },
      ])
      .execute();
    users = compose({ store, clock: () => now }).users;
    // The office itself, the only administrator so far.
    await users.create(office, { username: 'office', role: 'admin', password });
  }, 60_000);
  afterAll(() => store?.close());

  it('lists every user with the disabled and one-time flags and the last sign-in, for the office only', async () => {
    const { user, password: once } = await users.create(office, { username: 'tang', role: 'viewer' });
    expect(await listed(user.id)).toMatchObject({ username: 'tang', disabled: false, mustChangePassword: true, lastSignInAt: null, createdAt: '2021-03-01T08:00:00.000Z' });
    now = new Date('2021-03-02T09:30:00.000Z');
    await users.signIn('tang', once);
    expect((await listed(user.id)).lastSignInAt).toBe('2021-03-02T09:30:00.000Z');
    // A wrong password is no sign-in.
    now = new Date('2021-03-03T09:30:00.000Z');
    await expect(users.signIn('tang', 'not-the-password')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await listed(user.id)).lastSignInAt).toBe('2021-03-02T09:30:00.000Z');
    for (const role of ROLES.filter((r) => r !== 'admin')) await expect(users.list({ user: `a-${role}`, role })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('changes a role and its scope as creation checks it, naming the field, and audits before and after', async () => {
    const { user } = await users.create(office, { username: 'song', role: 'inspector', password });
    const size = await auditSize();
    await expect(users.updateScope(office, user.id, { role: 'reviewer' })).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/^township:/) });
    await expect(users.updateScope(office, user.id, { role: 'village' })).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/^village:/) });
    await expect(users.updateScope(office, user.id, { role: 'reviewer', township: VILLAGE })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/^township: .* not a township/),
    });
    await expect(users.updateScope(office, user.id, { role: 'village', village: TOWNSHIP })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/^village: .* not a village/),
    });
    await expect(users.updateScope(office, user.id, { role: 'boss' as never })).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/^role:/) });
    await expect(users.updateScope(office, 999_999, { role: 'viewer' })).rejects.toMatchObject({ code: 'not-found', message: 'user 999999 not found' });
    expect(await auditSize()).toBe(size);

    const village = await users.updateScope(office, user.id, { role: 'village', village: VILLAGE, township: TOWNSHIP });
    // The township given to a village user is dropped: the scope is the village.
    expect(village).toMatchObject({ role: 'village', village: VILLAGE, township: null });
    const reviewer = await users.updateScope(office, user.id, { role: 'reviewer', township: TOWNSHIP });
    expect(reviewer).toMatchObject({ role: 'reviewer', township: TOWNSHIP, village: null });
    // Inspectors are scoped by their campaign teams: no fixed scope.
    expect(await users.updateScope(office, user.id, { role: 'inspector', township: TOWNSHIP })).toMatchObject({ role: 'inspector', township: null, village: null });
    expect(await auditOf('user.update', user.id)).toEqual([
      {
        actor: 'office',
        before: { username: 'song', role: 'inspector', township: null, village: null },
        after: { username: 'song', role: 'village', township: null, village: VILLAGE },
      },
      {
        actor: 'office',
        before: { username: 'song', role: 'village', township: null, village: VILLAGE },
        after: { username: 'song', role: 'reviewer', township: TOWNSHIP, village: null },
      },
      {
        actor: 'office',
        before: { username: 'song', role: 'reviewer', township: TOWNSHIP, village: null },
        after: { username: 'song', role: 'inspector', township: null, village: null },
      },
    ]);
    // The same role and scope again: nothing written.
    const again = await auditSize();
    await users.updateScope(office, user.id, { role: 'inspector' });
    expect(await auditSize()).toBe(again);
    // The sign-in that follows carries the new scope.
    expect((await users.signIn('song', password)).role).toBe('inspector');
  });

  it('resets a password: a one-time password returned once, to change at the next sign-in, the old one and the sessions gone, audited without it', async () => {
    const { user } = await users.create(office, { username: 'yuan', role: 'viewer', password });
    const token = await users.startSession(user);
    expect(await users.sessionUser(token)).not.toBeNull();
    const { user: after, password: once } = await users.resetPassword(office, user.id);
    expect(once).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(after).toMatchObject({ id: user.id, mustChangePassword: true });
    expect(await users.sessionUser(token)).toBeNull();
    await expect(users.signIn('yuan', password)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await users.signIn('yuan', once)).toMatchObject({ username: 'yuan', mustChangePassword: true });
    const entries = await auditOf('user.resetPassword', user.id);
    expect(entries).toEqual([{ actor: 'office', before: { username: 'yuan', mustChangePassword: false }, after: { username: 'yuan', mustChangePassword: true } }]);
    const row = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.resetPassword').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(once);
    expect(JSON.stringify(row)).not.toMatch(/scrypt/);
    await expect(users.resetPassword(office, 999_999)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('disables a user: sign-in refused as account-disabled (a wrong password still as unauthenticated), sessions ended; enabling lets them in again', async () => {
    const { user } = await users.create(office, { username: 'xu', role: 'village', village: VILLAGE, password });
    const tokens = [await users.startSession(user), await users.startSession(user)];
    const disabled = await users.disable(office, user.id);
    expect(disabled).toMatchObject({ id: user.id, disabled: true });
    for (const token of tokens) expect(await users.sessionUser(token)).toBeNull();
    expect(await store.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
    await expect(users.signIn('xu', password)).rejects.toMatchObject({ code: 'account-disabled' });
    // A wrong password tells nothing of the account.
    await expect(users.signIn('xu', 'not-the-password')).rejects.toMatchObject({ code: 'unauthenticated', message: 'wrong username or password' });
    expect((await listed(user.id)).disabled).toBe(true);
    // Disabling again changes nothing and writes nothing.
    const size = await auditSize();
    await users.disable(office, user.id);
    expect(await auditSize()).toBe(size);

    expect(await users.enable(office, user.id)).toMatchObject({ disabled: false });
    expect(await users.signIn('xu', password)).toMatchObject({ username: 'xu' });
    expect(await auditOf('user.disable', user.id)).toEqual([{ actor: 'office', before: { username: 'xu', disabled: false }, after: { username: 'xu', disabled: true } }]);
    expect(await auditOf('user.enable', user.id)).toEqual([{ actor: 'office', before: { username: 'xu', disabled: true }, after: { username: 'xu', disabled: false } }]);
    await expect(users.disable(office, 999_999)).rejects.toMatchObject({ code: 'not-found' });
    await expect(users.enable(office, 999_999)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps the last active administrator: it cannot be demoted or disabled; with a second one it can', async () => {
    const admins = (await users.list(office)).filter((u) => u.role === 'admin' && !u.disabled);
    expect(admins.map((u) => u.username)).toEqual(['office']);
    const self = admins[0]!;
    const size = await auditSize();
    await expect(users.updateScope(office, self.id, { role: 'viewer' })).rejects.toMatchObject({
      code: 'invalid-state',
      message: expect.stringMatching(/^role: the last active administrator/),
    });
    await expect(users.disable(office, self.id)).rejects.toMatchObject({ code: 'invalid-state', message: expect.stringMatching(/office is the last active administrator/) });
    // A disabled administrator does not count.
    const { user: dormant } = await users.create(office, { username: 'dormant', role: 'admin', password });
    await users.disable(office, dormant.id);
    await expect(users.disable(office, self.id)).rejects.toMatchObject({ code: 'invalid-state' });
    expect((await listed(self.id)).disabled).toBe(false);
    expect(await auditSize()).toBe(size + 2);

    const { user: second } = await users.create(office, { username: 'second', role: 'admin', password });
    expect(await users.updateScope(office, self.id, { role: 'viewer' })).toMatchObject({ role: 'viewer' });
    // Now "second" is the last one.
    await expect(users.disable({ user: 'second', role: 'admin' }, second.id)).rejects.toMatchObject({ code: 'invalid-state' });
    await users.updateScope({ user: 'second', role: 'admin' }, self.id, { role: 'admin' });
    expect(await users.disable({ user: 'second', role: 'admin' }, self.id)).toMatchObject({ disabled: true });
    await users.enable({ user: 'second', role: 'admin' }, self.id);
  });

  it('refuses every change to every role but the office, before looking at the input, and writes nothing', async () => {
    const { user } = await users.create(office, { username: 'he', role: 'viewer', password });
    const size = await auditSize();
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const actor: Actor = { user: `a-${role}`, role, township: TOWNSHIP, village: VILLAGE };
      await expect(users.updateScope(actor, user.id, { role: 'admin' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(users.updateScope(actor, 999_999, { role: 'boss' as never })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(users.resetPassword(actor, user.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(users.disable(actor, user.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(users.enable(actor, user.id)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await auditSize()).toBe(size);
    expect(await listed(user.id)).toMatchObject({ role: 'viewer', disabled: false, mustChangePassword: false });
    expect(await verifyAudit(store.db, store.auditKey)).toMatchObject({ ok: true });
  });
});
