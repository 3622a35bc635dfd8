/**
 * Creating users, on every database (test/stores.ts): the office only (a named policy), and
 * each creation in the audit log with who did it, never with the password or its hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { verifyAudit } from '../store/audit.repository.ts';
import type { Store } from '../store/db.ts';
import { firstStart } from './bootstrap.service.ts';
import { mayManageUsers, ROLES, type Actor } from './policies.ts';
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
