/**
 * Users and sessions on every database (test/stores.ts): rows come back as `User` (flags as
 * booleans on both), and a transaction's user, throttle and audit writes commit or roll back together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { auditHead, verifyAudit } from './audit.repository.ts';
import type { Store } from './db.ts';
import { LoginThrottleRepository } from './login-throttle.repository.ts';
import { UserRepository, type NewUser } from './user.repository.ts';

const newUser = (username: string, more: Partial<NewUser> = {}): NewUser => ({
  username,
  displayName: null,
  role: 'viewer',
  township: null,
  village: null,
  area: null,
  passwordHash: `not-a-real-hash-of-${username}`,
  mustChangePassword: true,
  createdAt: '2021-03-01T08:00:00.000Z',
  ...more,
});

describe.each(storeTargets())('UserRepository ($dialect)', (target) => {
  let store: Store;
  let users: UserRepository;
  beforeAll(async () => {
    store = await target.open();
    users = new UserRepository(store.db, store);
  }, 60_000);
  afterAll(() => store?.close());

  it('maps rows to users, with the one-time flag a boolean, and keeps the hash to the reads that check a password', async () => {
    const ma = await users.insert(newUser('ma', { displayName: '马', mustChangePassword: false }));
    expect(ma).toEqual({ id: expect.any(Number), username: 'ma', displayName: '马', role: 'viewer', township: null, village: null, area: null, mustChangePassword: false });
    expect(await users.count()).toBe(1);
    expect(await users.exists('ma')).toBe(true);
    expect(await users.exists('MA')).toBe(false);
    expect(await users.list()).toEqual([ma]);
    expect(await users.credentialsOf('ma')).toEqual({ user: ma, passwordHash: 'not-a-real-hash-of-ma', disabled: false });
    await users.setPassword(ma.id, 'another-hash');
    expect(await users.passwordHashOf(ma.id)).toBe('another-hash');
    await store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', ma.id).execute();
    // A disabled user's credentials still come back, flagged: the service refuses them by name once the password is right.
    expect(await users.credentialsOf('ma')).toEqual({ user: ma, passwordHash: 'another-hash', disabled: true });
    expect(await users.credentialsOf('nobody')).toBeUndefined();
    expect(await users.list()).toEqual([]);
  });

  it('lists every user with the disabled flag and the last sign-in, changes the scope, sets a one-time password', async () => {
    const lu = await users.insert(newUser('lu', { mustChangePassword: false }));
    expect(await users.byId(lu.id)).toEqual({ ...lu, disabled: false, lastSignInAt: null, createdAt: '2021-03-01T08:00:00.000Z' });
    expect(await users.byId(999_999)).toBeUndefined();
    await users.recordSignIn(lu.id, '2021-03-02T09:30:00.000Z');
    await users.setScope(lu.id, { role: 'reviewer', township: null, village: null, area: null });
    await users.setOneTimePassword(lu.id, 'one-time-hash');
    await users.setDisabled(lu.id, true);
    const listed = (await users.listAll()).find((u) => u.id === lu.id);
    expect(listed).toEqual({ ...lu, role: 'reviewer', mustChangePassword: true, disabled: true, lastSignInAt: '2021-03-02T09:30:00.000Z', createdAt: '2021-03-01T08:00:00.000Z' });
    expect(await users.passwordHashOf(lu.id)).toBe('one-time-hash');
    expect((await users.listAll()).map((u) => u.username)).toContain('ma');
    await users.setDisabled(lu.id, false);
    expect((await users.byId(lu.id))?.disabled).toBe(false);
  });

  it('gives the ids of the administrators who may sign in', async () => {
    const before = await users.activeAdminIds();
    const a = await users.insert(newUser('guan', { role: 'admin' }));
    expect(await users.activeAdminIds()).toEqual([...before, a.id]);
    await users.setDisabled(a.id, true);
    expect(await users.activeAdminIds()).toEqual(before);
    // Inside a transaction too (on PostgreSQL the rows are locked FOR UPDATE).
    expect(await users.transaction((tx) => tx.users.activeAdminIds())).toEqual(before);
  });

  it("finds a session's owner, and ends one session or all but one", async () => {
    const niu = await users.insert(newUser('niu'));
    for (const id of ['s1', 's2', 's3']) await users.insertSession({ id, userId: niu.id, createdAt: '2021-03-01T08:00:00.000Z', expiresAt: '2021-03-01T20:00:00.000Z' });
    expect(await users.sessionOwner('s1')).toEqual({ user: { ...niu, mustChangePassword: true }, disabled: false, expiresAt: '2021-03-01T20:00:00.000Z' });
    expect(await users.sessionOwner('nope')).toBeUndefined();
    await users.deleteSession('s1');
    expect(await users.sessionOwner('s1')).toBeUndefined();
    await users.deleteSessionsOf(niu.id, 's3');
    expect(await users.sessionOwner('s2')).toBeUndefined();
    expect(await users.sessionOwner('s3')).toBeDefined();
  });

  it("commits a transaction's writes and its audit entry together, or none of them", async () => {
    const head = (await auditHead(store.db))!;
    await expect(
      users.transaction(async (tx) => {
        await tx.users.insert(newUser('yang'));
        await tx.throttle.fail('yang', '2021-03-01T08:00:00.000Z');
        await tx.audit({ at: '2021-03-01T08:00:00.000Z', actor: 'test', action: 'user.create', entity: 'user', entityId: 'yang' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await users.exists('yang')).toBe(false);
    expect(await new LoginThrottleRepository(store.db).get('yang')).toBeUndefined();
    expect(await auditHead(store.db)).toEqual(head);

    const zhu = await users.transaction(async (tx) => {
      const created = await tx.users.insert(newUser('zhu'));
      // A repository bound to the transaction joins it rather than opening another.
      await tx.users.transaction((inner) => inner.audit({ at: '2021-03-01T08:00:00.000Z', actor: 'test', action: 'user.create', entity: 'user', entityId: created.id }));
      return created;
    });
    expect(await users.exists('zhu')).toBe(true);
    expect(await auditHead(store.db)).toMatchObject({ entries: head.entries + 1 });
    expect(await store.db.selectFrom('audit_log').select('entity_id').orderBy('id', 'desc').limit(1).executeTakeFirst()).toEqual({ entity_id: String(zhu.id) });
    expect(await verifyAudit(store.db, store.auditKey)).toMatchObject({ ok: true });
  });
});
