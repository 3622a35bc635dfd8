/**
 * Users, passwords and sessions. Passwords are hashed with scrypt (memory-hard); a session is
 * a random token in an HttpOnly cookie, stored only as its SHA-256.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { KaoheError } from '../core/errors.ts';
import { appendAudit } from '../store/audit.repository.ts';
import type { Store } from '../store/db.ts';
import { LoginThrottleRepository } from '../store/login-throttle.repository.ts';
import { HashGate } from './hash-gate.ts';
import { PASSWORD_MAX_LENGTH, passwordMinLength, weakPasswordMessage, weakPasswordReason } from './password-policy.ts';
import { ROLES, type Actor, type Role } from './policies.ts';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** log2 of scrypt's N: 17 (128 MiB, ~0.3 s) by default; tests may lower it with KAOHE_SCRYPT_LOG2N. */
function costLog2(): number {
  const v = Number(process.env.KAOHE_SCRYPT_LOG2N ?? 17);
  return Number.isInteger(v) && v >= 10 && v <= 20 ? v : 17;
}

/** `scrypt$<log2N>$<r>$<p>$<salt>$<key>` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const log2n = costLog2();
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N: 2 ** log2n, r: 8, p: 1, maxmem: 2 ** log2n * 8 * 128 * 2 });
  return `scrypt$${log2n}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, log2n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !log2n || !r || !p || !salt || !key) return false;
  const n = 2 ** Number(log2n);
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: n, r: Number(r), p: Number(p), maxmem: n * Number(r) * 128 * 2 });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password a person can type: 12 characters without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  township: string | null;
  village: string | null;
  mustChangePassword: boolean;
}

/** The actor a user acts as in the services. */
export function actorOf(user: User): Actor {
  const actor: Actor = { user: user.username, role: user.role };
  if (user.township) actor.township = user.township;
  if (user.village) actor.village = user.village;
  return actor;
}

const SESSION_HOURS = 12;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Failed sign-ins of one user name (known or not, so a refusal never tells which names exist):
 * from the 4th on, each must wait longer than the one before (1 s, 2 s, 4 s … at most a minute);
 * the 10th locks the name for 15 minutes, each later lock twice as long as the one before (at
 * most a day). A sign-in that succeeds forgets them; so do 24 hours without a failure.
 */
export const signInLimits = {
  freeFailures: 3,
  maxDelaySeconds: 60,
  lockAfter: 10,
  lockMinutes: 15,
  maxLockMinutes: 24 * 60,
  forgetHours: 24,
};

/** The user name as the sign-in limits count it: every spelling of a name is one key. */
export function signInKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

export interface SignInContext {
  /** The client's address (for the audit entry of a lockout). */
  ip?: string;
}

export class UserService {
  private readonly store: Store;
  private readonly clock: () => Date;
  /** A hash to compare against when the user does not exist, so timing does not tell. */
  private dummyHash: Promise<string> | undefined;
  private readonly throttle: LoginThrottleRepository;
  /** Password hashing, a few at a time (see HashGate). */
  readonly gate: HashGate;

  constructor(deps: { store: Store; clock?: () => Date; gate?: HashGate }) {
    this.store = deps.store;
    this.clock = deps.clock ?? (() => new Date());
    this.throttle = new LoginThrottleRepository(deps.store.db);
    this.gate = deps.gate ?? new HashGate();
  }

  private toUser(r: { id: number; username: string; display_name: string | null; role: Role; township_code: string | null; village_code: string | null; must_change_password: number }): User {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      township: r.township_code,
      village: r.village_code,
      mustChangePassword: Number(r.must_change_password) === 1,
    };
  }

  async count(): Promise<number> {
    const { n } = await this.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Creates a user; without a password, a one-time one is generated (to be changed at first login) and returned. */
  async create(input: { username: string; role: Role; displayName?: string; township?: string; village?: string; password?: string }): Promise<{ user: User; password: string }> {
    const username = input.username.trim();
    if (!/^[\p{L}\p{N}._-]{2,40}$/u.test(username)) throw new KaoheError('validation', 'username: 2 to 40 letters, digits, dot, dash or underscore');
    if (!ROLES.includes(input.role)) throw new KaoheError('validation', `role: one of ${ROLES.join(', ')}`);
    if (input.role === 'reviewer' && !input.township) throw new KaoheError('validation', 'township: a reviewer reviews the villages of a township (its division code)');
    if (input.role === 'village' && !input.village) throw new KaoheError('validation', "village: a village user belongs to a village (its division code)");
    const db = this.store.db;
    if (input.township) {
      const t = await db.selectFrom('areas').select('level').where('code', '=', input.township).executeTakeFirst();
      if (t?.level !== 'township') throw new KaoheError('validation', `township: ${input.township} is not a township in the registry`);
    }
    if (input.village) {
      const v = await db.selectFrom('areas').select('level').where('code', '=', input.village).executeTakeFirst();
      if (v?.level !== 'village') throw new KaoheError('validation', `village: ${input.village} is not a village in the registry`);
    }
    if (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) {
      throw new KaoheError('validation', `username: ${username} exists already`);
    }
    if (input.password !== undefined) checkNewPassword(input.password, username, 'password');
    const password = input.password ?? generatePassword();
    const row = await db
      .insertInto('users')
      .values({
        username,
        display_name: input.displayName ?? null,
        role: input.role,
        township_code: input.role === 'reviewer' ? input.township! : null,
        village_code: input.role === 'village' ? input.village! : null,
        password_hash: await this.gate.run(() => hashPassword(password)),
        must_change_password: input.password === undefined ? 1 : 0,
        created_at: this.clock().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { user: this.toUser(row), password };
  }

  async list(): Promise<User[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().where('disabled', '=', 0).orderBy('id').execute();
    return rows.map((r) => this.toUser(r));
  }

  /**
   * The user for a user name and password, or a refusal: `unauthenticated` (wrong name or
   * password, the same answer and the same time either way), `rate-limited` while a delay after
   * earlier failures runs, `locked` after too many (details.until says until when), `busy` when
   * too many sign-ins are being checked at once. The name is trimmed, as the limits count it.
   */
  async signIn(username: string, password: string, context: SignInContext = {}): Promise<User> {
    const name = username.trim();
    const key = signInKey(name);
    const now = this.clock();
    const state = await this.throttle.get(key);
    if (state?.locked_until && state.locked_until > now.toISOString()) {
      throw new KaoheError('locked', `too many failed sign-ins: the user name ${name} is locked until ${state.locked_until}`, { until: state.locked_until });
    }
    if (state && state.failures >= signInLimits.freeFailures) {
      const delay = Math.min(signInLimits.maxDelaySeconds, 2 ** (state.failures - signInLimits.freeFailures));
      const until = new Date(Date.parse(state.last_failure_at) + delay * 1000);
      if (until > now) throw new KaoheError('rate-limited', `${state.failures} failed sign-ins: wait until ${until.toISOString()} before trying again`, { until: until.toISOString() });
    }
    const row = await this.store.db.selectFrom('users').selectAll().where('username', '=', name).where('disabled', '=', 0).executeTakeFirst();
    // An unknown name costs what a known one does (the dummy hash is made before, not inside, its turn).
    this.dummyHash ??= hashPassword(generatePassword());
    const compareWith = row?.password_hash ?? (await this.dummyHash);
    const ok = await this.gate.run(() => verifyPassword(password, compareWith), context.ip);
    if (ok && row) {
      if (state) await this.throttle.clear(key);
      return this.toUser(row);
    }
    await this.failedSignIn(key, context);
    throw new KaoheError('unauthenticated', 'wrong username or password');
  }

  private async failedSignIn(key: string, context: SignInContext): Promise<void> {
    const now = this.clock();
    await this.throttle.forgetBefore(new Date(now.getTime() - signInLimits.forgetHours * 3_600_000).toISOString());
    const after = await this.throttle.fail(key, now.toISOString());
    if (after.failures < signInLimits.lockAfter) return;
    const minutes = Math.min(signInLimits.maxLockMinutes, signInLimits.lockMinutes * 2 ** after.lockouts);
    const until = new Date(now.getTime() + minutes * 60_000).toISOString();
    await this.store.db.transaction().execute(async (trx) => {
      await new LoginThrottleRepository(trx).lock(key, until);
      await appendAudit(trx, this.store, {
        at: now.toISOString(),
        actor: 'sign-in',
        action: 'user.lockout',
        entity: 'user',
        entityId: key,
        after: { failures: after.failures, until, minutes, ...(context.ip ? { ip: context.ip } : {}) },
      });
    });
  }

  /** Starts a session; returns the token for the cookie. */
  async startSession(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.store.db
      .insertInto('sessions')
      .values({ id: tokenHash(token), user_id: userId, created_at: now.toISOString(), expires_at: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString() })
      .execute();
    return token;
  }

  /** The user of a live session, or null. */
  async sessionUser(token: string | undefined): Promise<User | null> {
    if (!token) return null;
    const row = await this.store.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.township_code', 'u.village_code', 'u.must_change_password', 'u.disabled', 's.expires_at'])
      .where('s.id', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row || Number(row.disabled) === 1 || row.expires_at <= this.clock().toISOString()) return null;
    return this.toUser(row);
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token) await this.store.db.deleteFrom('sessions').where('id', '=', tokenHash(token)).execute();
  }

  /** Changes a password after checking the current one; ends the user's other sessions. */
  async changePassword(user: User, current: string, next: string, keepToken?: string): Promise<void> {
    const row = await this.store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    if (!(await this.gate.run(() => verifyPassword(current, row.password_hash)))) throw new KaoheError('validation', 'currentPassword: the current password is not right');
    checkNewPassword(next, user.username, 'newPassword');
    if (next === current) throw new KaoheError('validation', 'newPassword: choose a password different from the current one');
    const hash = await this.gate.run(() => hashPassword(next));
    await this.store.db.updateTable('users').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', user.id).execute();
    let q = this.store.db.deleteFrom('sessions').where('user_id', '=', user.id);
    if (keepToken) q = q.where('id', '!=', tokenHash(keepToken));
    await q.execute();
  }
}

/** Refuses a password the policy does not allow (password-policy.ts), naming the field and why. */
function checkNewPassword(password: string, username: string, field: string): void {
  const reason = weakPasswordReason(password, username);
  if (reason) {
    throw new KaoheError('weak-password', weakPasswordMessage(reason).replace(/^newPassword/, field), { field, reason, minLength: passwordMinLength(), maxLength: PASSWORD_MAX_LENGTH });
  }
}

/** The CSRF token of a session: derived from its token, sent back in X-CSRF-Token on every change. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}
