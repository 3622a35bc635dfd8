/**
 * Users and their sessions. Rows become `User` here (camelCase, flags as booleans: SQLite and
 * PostgreSQL alike); the password hash leaves the store only through the two reads that check a
 * password. Sessions are kept by the SHA-256 of their token: the service hashes, this stores.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendAudit, type AuditInput } from './audit.repository.ts';
import type { Dialect } from './db.ts';
import { LoginThrottleRepository } from './login-throttle.repository.ts';
import type { DB, UsersTable } from './schema.ts';

/** What a repository runs its queries on: the store's connection pool, or a transaction of it. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** What the audit log is written with (the Store has both). */
export interface AuditSigning {
  dialect: Dialect;
  auditKey: Buffer;
}

export type UserRole = UsersTable['role'];

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: UserRole;
  /** Reviewer: the township (division code) they review. */
  township: string | null;
  /** Village user: their village (division code). */
  village: string | null;
  /** Administrator, viewer, inspector: the area (province, city, county) of their office; null: the whole database. */
  area: string | null;
  mustChangePassword: boolean;
}

/** A user as the office's list shows them: whether they may sign in, and when they last did. */
export interface UserListed extends User {
  disabled: boolean;
  /** ISO time of the last sign-in; null: never signed in. */
  lastSignInAt: string | null;
  createdAt: string;
}

/** What the office may change of a user: the role and its scope. */
export interface UserScope {
  role: UserRole;
  township: string | null;
  village: string | null;
  area: string | null;
}

export interface NewUser {
  username: string;
  displayName: string | null;
  role: UserRole;
  township: string | null;
  village: string | null;
  area: string | null;
  passwordHash: string;
  mustChangePassword: boolean;
  createdAt: string;
}

export interface NewSession {
  /** The SHA-256 of the session's token, never the token. */
  id: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
}

/** The user a session belongs to, with what decides whether the session still holds. */
export interface SessionOwner {
  user: User;
  disabled: boolean;
  expiresAt: string;
}

/** The repositories a transaction of the user service works with, each bound to the transaction. */
export interface UserWork {
  users: UserRepository;
  throttle: LoginThrottleRepository;
  /** Appends an entry to the audit log, in the transaction: it commits or rolls back with the change it records. */
  audit(entry: AuditInput): Promise<void>;
}

type UserColumns = Pick<Selectable<UsersTable>, 'id' | 'username' | 'display_name' | 'role' | 'township_code' | 'village_code' | 'area_code' | 'must_change_password'>;

const USER_COLUMNS = ['id', 'username', 'display_name', 'role', 'township_code', 'village_code', 'area_code', 'must_change_password'] as const;

const LISTED_COLUMNS = [...USER_COLUMNS, 'disabled', 'last_sign_in_at', 'created_at'] as const;

type ListedColumns = UserColumns & Pick<Selectable<UsersTable>, 'disabled' | 'last_sign_in_at' | 'created_at'>;

function toListed(r: ListedColumns): UserListed {
  return { ...toUser(r), disabled: Number(r.disabled) === 1, lastSignInAt: r.last_sign_in_at, createdAt: r.created_at };
}

function toUser(r: UserColumns): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    township: r.township_code,
    village: r.village_code,
    area: r.area_code,
    mustChangePassword: Number(r.must_change_password) === 1,
  };
}

export class UserRepository {
  /**
   * Over the store's pool (`new UserRepository(store.db, store)`) or a transaction; the audit
   * key is needed only by `transaction(work)`'s `audit`.
   */
  constructor(
    private readonly db: Executor,
    private readonly signing: AuditSigning,
  ) {}

  /**
   * Runs `work` in one transaction, with the repositories it needs bound to it. Inside a
   * transaction already (a repository bound to one), the work joins it: Kysely does not nest them.
   */
  async transaction<T>(work: (tx: UserWork) => Promise<T>): Promise<T> {
    const bound = (trx: Transaction<DB>): UserWork => ({
      users: new UserRepository(trx, this.signing),
      throttle: new LoginThrottleRepository(trx),
      audit: (entry) => appendAudit(trx, this.signing, entry),
    });
    if (this.db.isTransaction) return work(bound(this.db as Transaction<DB>));
    return this.db.transaction().execute((trx) => work(bound(trx)));
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Whether a user of that exact name exists (disabled ones too: a name is never given twice). */
  async exists(username: string): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
  }

  async insert(user: NewUser): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        township_code: user.township,
        village_code: user.village,
        area_code: user.area,
        password_hash: user.passwordHash,
        must_change_password: user.mustChangePassword ? 1 : 0,
        created_at: user.createdAt,
      })
      .returning(USER_COLUMNS)
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  /** The users who may sign in, in the order they were created. */
  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').select(USER_COLUMNS).where('disabled', '=', 0).orderBy('id').execute();
    return rows.map(toUser);
  }

  /** The display names of these user names (disabled users' too); a user without one is left out. */
  async displayNames(usernames: readonly string[]): Promise<Map<string, string>> {
    if (usernames.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['username', 'display_name'])
      .where('username', 'in', [...new Set(usernames)])
      .where('display_name', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.username, r.display_name!]));
  }

  /** Every user, disabled ones too, with their flags and last sign-in, in the order they were created. */
  async listAll(): Promise<UserListed[]> {
    const rows = await this.db.selectFrom('users').select(LISTED_COLUMNS).orderBy('id').execute();
    return rows.map(toListed);
  }

  /** One user by id, disabled or not (undefined: no such user). */
  async byId(id: number): Promise<UserListed | undefined> {
    const row = await this.db.selectFrom('users').select(LISTED_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toListed(row) : undefined;
  }

  /**
   * The ids of the administrators who may sign in. In a transaction on PostgreSQL their rows are
   * locked (FOR UPDATE), so two offices demoting or disabling each other at once cannot both pass
   * a "not the last one" check; SQLite's transactions are serial already.
   */
  async activeAdminIds(options: { wholeDatabase?: boolean } = {}): Promise<number[]> {
    let q = this.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).orderBy('id');
    if (options.wholeDatabase) q = q.where('area_code', 'is', null);
    if (this.signing.dialect === 'postgres' && this.db.isTransaction) q = q.forUpdate();
    return (await q.execute()).map((r) => r.id);
  }

  /**
   * A user by exact name with their password hash (to check a sign-in against), and whether
   * they are disabled: the service refuses a disabled user only once the password is right.
   */
  async credentialsOf(username: string): Promise<{ user: User; passwordHash: string; disabled: boolean } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash', 'disabled'])
      .where('username', '=', username)
      .executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash, disabled: Number(row.disabled) === 1 } : undefined;
  }

  /** A new role and scope (the fields of the other roles' scopes cleared by the service). */
  async setScope(userId: number, scope: UserScope): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ role: scope.role, township_code: scope.township, village_code: scope.village, area_code: scope.area })
      .where('id', '=', userId)
      .execute();
  }

  /** Disables or enables a user (a disabled user's sessions are ended by the service, in the same transaction). */
  async setDisabled(userId: number, disabled: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ disabled: disabled ? 1 : 0 })
      .where('id', '=', userId)
      .execute();
  }

  /** A one-time password set by the office: to be changed at the next sign-in. */
  async setOneTimePassword(userId: number, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, must_change_password: 1 }).where('id', '=', userId).execute();
  }

  /** Notes a successful sign-in. */
  async recordSignIn(userId: number, at: string): Promise<void> {
    await this.db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId).execute();
  }

  /** The password hash of a user; throws when there is no such user. */
  async passwordHashOf(userId: number): Promise<string> {
    const row = await this.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
    return row.password_hash;
  }

  /** A new password, chosen by its owner: the one-time password is then gone. */
  async setPassword(userId: number, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0 }).where('id', '=', userId).execute();
  }

  async insertSession(session: NewSession): Promise<void> {
    await this.db.insertInto('sessions').values({ id: session.id, user_id: session.userId, created_at: session.createdAt, expires_at: session.expiresAt }).execute();
  }

  /** The user of a session (by its id, the token's hash), disabled or not, and when the session ends. */
  async sessionOwner(sessionId: string): Promise<SessionOwner | undefined> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.township_code', 'u.village_code', 'u.area_code', 'u.must_change_password', 'u.disabled', 's.expires_at'])
      .where('s.id', '=', sessionId)
      .executeTakeFirst();
    return row ? { user: toUser(row), disabled: Number(row.disabled) === 1, expiresAt: row.expires_at } : undefined;
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  /** Ends every session of a user but the one kept (the one that changed the password). */
  async deleteSessionsOf(userId: number, keepSessionId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionId !== undefined) q = q.where('id', '!=', keepSessionId);
    await q.execute();
  }
}
