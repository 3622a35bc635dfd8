/**
 * Users, passwords and sessions. Passwords are hashed with scrypt (memory-hard); a session is
 * a random token in an HttpOnly cookie, stored only as its SHA-256.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { KaoheError } from '../core/errors.ts';
import type { AreaRepository } from '../store/area.repository.ts';
import type { LoginThrottleRepository } from '../store/login-throttle.repository.ts';
import type { UserRepository, User as StoredUser, UserListed, UserScope, UserWork } from '../store/user.repository.ts';
import { HashGate } from './hash-gate.ts';
import { PASSWORD_MAX_LENGTH, passwordMinLength, weakPasswordMessage, weakPasswordReason } from './password-policy.ts';
import { areaInReach, assertManageUsers, ROLES, sessionHours, type Actor, type AreaScope, type Role } from './policies.ts';

export type { UserListed } from '../store/user.repository.ts';

/** A signed-in user: the stored user with what their office's area reaches (resolved when the session is read). */
export type User = StoredUser & { areaScope?: AreaScope };

/** The roles an office's area applies to: the office, viewers, inspectors (reviewers and villages have their township or village). */
export const AREA_ROLES: readonly Role[] = ['admin', 'viewer', 'inspector'];

const OFFICE_LEVELS = ['province', 'city', 'county'] as const;

/** A scope as the audit log records it: the area only where there is one (entries before areas read alike). */
const logged = ({ area, ...rest }: UserScope) => (area ? { ...rest, area } : rest);

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

/** The actor a user acts as in the services. */
export function actorOf(user: User): Actor {
  const actor: Actor = { user: user.username, role: user.role };
  if (user.township) actor.township = user.township;
  if (user.village) actor.village = user.village;
  // A user of an area whose reach was not read reaches nothing, never the whole database.
  if (user.area) actor.area = user.areaScope ?? { code: user.area, name: user.area, level: 'county', counties: new Set(), townships: new Set(), whole: false };
  return actor;
}

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

/** What a new user is given. */
export interface NewUserInput {
  username: string;
  role: Role;
  displayName?: string;
  township?: string;
  village?: string;
  /** Office, viewer, inspector: the area (province, city, county) of their office; absent: the creator's (none: the whole database). */
  area?: string;
  /** Without one, a one-time password is generated (to be changed at first sign-in). */
  password?: string;
}

/** A new role and its scope (township for a reviewer, village for a village user; none for the others). */
export interface UserScopeInput {
  role: Role;
  township?: string;
  village?: string;
  area?: string;
}

export interface UserServiceDeps {
  users: UserRepository;
  throttle: LoginThrottleRepository;
  /** To check the township or village a user is scoped to. */
  areas: AreaRepository;
  clock?: () => Date;
  gate?: HashGate;
}

export class UserService {
  private readonly users: UserRepository;
  private readonly throttle: LoginThrottleRepository;
  private readonly areas: AreaRepository;
  private readonly clock: () => Date;
  /** A hash to compare against when the user does not exist, so timing does not tell. */
  private dummyHash: Promise<string> | undefined;
  /** Password hashing, a few at a time (see HashGate). */
  readonly gate: HashGate;

  constructor(deps: UserServiceDeps) {
    this.users = deps.users;
    this.throttle = deps.throttle;
    this.areas = deps.areas;
    this.clock = deps.clock ?? (() => new Date());
    this.gate = deps.gate ?? new HashGate();
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  /**
   * Creates a user, for the office only; without a password, a one-time one is generated (to be
   * changed at first sign-in) and returned. The audit entry says who created whom, with which
   * role and scope, never the password or its hash.
   */
  async create(actor: Actor, input: NewUserInput): Promise<{ user: User; password: string }> {
    assertManageUsers(actor);
    const username = input.username.trim();
    if (!/^[\p{L}\p{N}._-]{2,40}$/u.test(username)) throw new KaoheError('validation', 'username: 2 to 40 letters, digits, dot, dash or underscore');
    const scope = await this.checkScope(actor, input);
    if (await this.users.exists(username)) throw new KaoheError('validation', `username: ${username} exists already`);
    if (input.password !== undefined) checkNewPassword(input.password, username, 'password');
    const password = input.password ?? generatePassword();
    const passwordHash = await this.gate.run(() => hashPassword(password));
    const at = this.clock().toISOString();
    const user = await this.users.transaction(async (tx) => {
      const created = await tx.users.insert({
        username,
        displayName: input.displayName ?? null,
        ...scope,
        passwordHash,
        mustChangePassword: input.password === undefined,
        createdAt: at,
      });
      // Named field by field, so that nothing of the password (or its hash) can slip into the log.
      const after = {
        username: created.username,
        displayName: created.displayName,
        role: created.role,
        township: created.township,
        village: created.village,
        ...(created.area ? { area: created.area } : {}),
        mustChangePassword: created.mustChangePassword,
      };
      await tx.audit({ at, actor: actor.user, action: 'user.create', entity: 'user', entityId: created.id, after });
      return created;
    });
    return { user, password };
  }

  /**
   * The role and scope a user may be given, checked: a reviewer needs a township and a village
   * user a village of the registry; the office, viewers and inspectors may have an area (a
   * province, city or county: their office's), and a scope of another role's is dropped. An
   * office of an area gives only scopes within it, and its own area to whom it names none.
   */
  private async checkScope(actor: Actor, input: UserScopeInput): Promise<UserScope> {
    if (!ROLES.includes(input.role)) throw new KaoheError('validation', `role: one of ${ROLES.join(', ')}`);
    if (input.role === 'reviewer' && !input.township) throw new KaoheError('validation', 'township: a reviewer reviews the villages of a township (its division code)');
    if (input.role === 'village' && !input.village) throw new KaoheError('validation', 'village: a village user belongs to a village (its division code)');
    const outside = (field: string, code: string) => new KaoheError('validation', `${field}: ${code} is not within your area ${actor.area?.code}`);
    const township = input.role === 'reviewer' ? input.township! : null;
    const village = input.role === 'village' ? input.village! : null;
    const area = AREA_ROLES.includes(input.role) ? (input.area ?? actor.area?.code ?? null) : null;
    if (township !== null) {
      if ((await this.areas.levelOf(township)) !== 'township') throw new KaoheError('validation', `township: ${township} is not a township in the registry`);
      if (!areaInReach(actor, township)) throw outside('township', township);
    }
    if (village !== null) {
      const v = await this.areas.byCode(village);
      if (v?.level !== 'village') throw new KaoheError('validation', `village: ${village} is not a village in the registry`);
      if (!areaInReach(actor, v.parentCode ?? '')) throw outside('village', village);
    }
    if (area !== null) {
      const level = await this.areas.levelOf(area);
      if (!level || !(OFFICE_LEVELS as readonly string[]).includes(level)) throw new KaoheError('validation', `area: ${area} is not a province, city or county in the registry`);
      if (!areaInReach(actor, area)) throw outside('area', area);
    }
    return { role: input.role, township, village, area };
  }

  /** Whether a user is within an office's area: their own area, township or village is. */
  private async reaches(actor: Actor, user: Pick<User, 'role' | 'township' | 'village' | 'area'>, villageTownship?: ReadonlyMap<string, string | null>): Promise<boolean> {
    if (!actor.area) return true;
    if (user.township) return areaInReach(actor, user.township);
    if (user.village) {
      const t = villageTownship ? villageTownship.get(user.village) : (await this.areas.byCode(user.village))?.parentCode;
      return t != null && areaInReach(actor, t);
    }
    // A user of the whole database (no area) is the top office's, not an area's.
    return user.area !== null && areaInReach(actor, user.area);
  }

  /** Every user, disabled ones too, with the disabled and one-time-password flags and the last sign-in: for the office only. */
  async list(actor: Actor): Promise<UserListed[]> {
    assertManageUsers(actor);
    const all = await this.users.listAll();
    if (!actor.area) return all;
    const villages = all.flatMap((u) => (u.village ? [u.village] : []));
    const townships = await this.areas.parentsOf(villages);
    const out: UserListed[] = [];
    for (const u of all) if (await this.reaches(actor, u, townships)) out.push(u);
    return out;
  }

  /**
   * Gives a user another role or scope (the office only). The last administrator who may sign in
   * keeps the office's role: nobody would be left to manage users. Audited with the role and
   * scope before and after; nothing is written when nothing changes.
   */
  async updateScope(actor: Actor, id: number, input: UserScopeInput): Promise<UserListed> {
    assertManageUsers(actor);
    const scope = await this.checkScope(actor, input);
    return this.users.transaction(async (tx) => {
      const before = await this.target(tx, actor, id);
      const was: UserScope = { role: before.role, township: before.township, village: before.village, area: before.area };
      if (was.role === scope.role && was.township === scope.township && was.village === scope.village && was.area === scope.area) return before;
      if (was.role === 'admin' && was.area === null && (scope.role !== 'admin' || scope.area !== null) && !before.disabled)
        await this.keepAnAdmin(tx, before, 'role: the last active administrator keeps the office role (give another user the role first)');
      await tx.users.setScope(id, scope);
      await tx.audit({
        at: this.now(),
        actor: actor.user,
        action: 'user.update',
        entity: 'user',
        entityId: id,
        before: { username: before.username, ...logged(was) },
        after: { username: before.username, ...logged(scope) },
      });
      return { ...before, ...scope };
    });
  }

  /**
   * Gives a user a new one-time password (the office only), returned once: it must be changed at
   * the next sign-in, and the user's sessions end. The audit entry never holds the password.
   */
  async resetPassword(actor: Actor, id: number): Promise<{ user: UserListed; password: string }> {
    assertManageUsers(actor);
    const password = generatePassword();
    const passwordHash = await this.gate.run(() => hashPassword(password));
    const user = await this.users.transaction(async (tx) => {
      const before = await this.target(tx, actor, id);
      await tx.users.setOneTimePassword(id, passwordHash);
      await tx.users.deleteSessionsOf(id);
      await tx.audit({
        at: this.now(),
        actor: actor.user,
        action: 'user.resetPassword',
        entity: 'user',
        entityId: id,
        before: { username: before.username, mustChangePassword: before.mustChangePassword },
        after: { username: before.username, mustChangePassword: true },
      });
      return { ...before, mustChangePassword: true };
    });
    return { user, password };
  }

  /**
   * Disables a user (the office only): they can no longer sign in (`account-disabled`) and their
   * sessions end at once. The last administrator who may sign in cannot be disabled. Disabling a
   * disabled user changes nothing and writes nothing.
   */
  async disable(actor: Actor, id: number): Promise<UserListed> {
    assertManageUsers(actor);
    return this.users.transaction(async (tx) => {
      const before = await this.target(tx, actor, id);
      if (before.disabled) return before;
      if (before.role === 'admin')
        await this.keepAnAdmin(tx, before, `${before.username} is the last active administrator and cannot be disabled: make another user an administrator first`);
      await tx.users.setDisabled(id, true);
      await tx.users.deleteSessionsOf(id);
      await tx.audit({
        at: this.now(),
        actor: actor.user,
        action: 'user.disable',
        entity: 'user',
        entityId: id,
        before: { username: before.username, disabled: false },
        after: { username: before.username, disabled: true },
      });
      return { ...before, disabled: true };
    });
  }

  /** Enables a disabled user again (the office only); enabling an enabled user writes nothing. */
  async enable(actor: Actor, id: number): Promise<UserListed> {
    assertManageUsers(actor);
    return this.users.transaction(async (tx) => {
      const before = await this.target(tx, actor, id);
      if (!before.disabled) return before;
      await tx.users.setDisabled(id, false);
      await tx.audit({
        at: this.now(),
        actor: actor.user,
        action: 'user.enable',
        entity: 'user',
        entityId: id,
        before: { username: before.username, disabled: true },
        after: { username: before.username, disabled: false },
      });
      return { ...before, disabled: false };
    });
  }

  /** The user an office's change is about, or `not-found`. */
  private async target(tx: UserWork, actor: Actor, id: number): Promise<UserListed> {
    const user = await tx.users.byId(id);
    // A user outside an office's area is not there for it.
    if (!user || !(await this.reaches(actor, user))) throw new KaoheError('not-found', `user ${id} not found`);
    return user;
  }

  /** Refuses a change that would leave no administrator who may sign in. */
  private async keepAnAdmin(tx: UserWork, user: UserListed, message: string): Promise<void> {
    // The office of the whole database keeps one of its own: an area's office cannot stand in for it.
    if (user.area !== null) return;
    const others = (await tx.users.activeAdminIds({ wholeDatabase: true })).filter((adminId) => adminId !== user.id);
    if (others.length === 0) throw new KaoheError('invalid-state', message);
  }

  private now(): string {
    return this.clock().toISOString();
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
    if (state?.lockedUntil && state.lockedUntil > now.toISOString()) {
      throw new KaoheError('locked', `too many failed sign-ins: the user name ${name} is locked until ${state.lockedUntil}`, { until: state.lockedUntil });
    }
    if (state && state.failures >= signInLimits.freeFailures) {
      const delay = Math.min(signInLimits.maxDelaySeconds, 2 ** (state.failures - signInLimits.freeFailures));
      const until = new Date(Date.parse(state.lastFailureAt) + delay * 1000);
      if (until > now)
        throw new KaoheError('rate-limited', `${state.failures} failed sign-ins: wait until ${until.toISOString()} before trying again`, { until: until.toISOString() });
    }
    const found = await this.users.credentialsOf(name);
    // An unknown name costs what a known one does (the dummy hash is made before, not inside, its turn).
    this.dummyHash ??= hashPassword(generatePassword());
    const compareWith = found?.passwordHash ?? (await this.dummyHash);
    const ok = await this.gate.run(() => verifyPassword(password, compareWith), context.ip);
    if (ok && found) {
      if (state) await this.throttle.clear(key);
      // Only once the password is right: a refusal of a wrong one never tells that the name exists.
      if (found.disabled) throw new KaoheError('account-disabled', `the account ${found.user.username} is disabled`);
      await this.users.recordSignIn(found.user.id, now.toISOString());
      return this.withReach(found.user);
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
    await this.users.transaction(async (tx) => {
      await tx.throttle.lock(key, until);
      await tx.audit({
        at: now.toISOString(),
        actor: 'sign-in',
        action: 'user.lockout',
        entity: 'user',
        entityId: key,
        after: { failures: after.failures, until, minutes, ...(context.ip ? { ip: context.ip } : {}) },
      });
    });
  }

  /** Starts a session, as long as the user's role has them (sessionHours); returns the token for the cookie. */
  /**
   * The level the whole database starts at (its registry's top: a province, a city or a county),
   * for naming the office of the whole database (省/市州/县); undefined for an empty registry or
   * one that starts below the county.
   */
  async databaseLevel(): Promise<'province' | 'city' | 'county' | undefined> {
    const top = await this.areas.topLevel();
    return top === 'province' || top === 'city' || top === 'county' ? top : undefined;
  }

  async startSession(user: Pick<User, 'id' | 'role'>): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + sessionHours(user.role) * 3_600_000).toISOString();
    await this.users.insertSession({ id: tokenHash(token), userId: user.id, createdAt: now.toISOString(), expiresAt });
    return token;
  }

  /** The user of a live session, or null. */
  async sessionUser(token: string | undefined): Promise<User | null> {
    if (!token) return null;
    const owner = await this.users.sessionOwner(tokenHash(token));
    if (!owner || owner.disabled || owner.expiresAt <= this.clock().toISOString()) return null;
    return this.withReach(owner.user);
  }

  /**
   * A user with what their office's area reaches, read now (an area's tree can change under a
   * session; nothing is cached between requests, so every server process answers alike).
   */
  async withReach(user: StoredUser): Promise<User> {
    if (!user.area) return user;
    const reach = await this.areas.reachOf(user.area);
    const level = reach?.level;
    if (!reach || (level !== 'province' && level !== 'city' && level !== 'county')) return user;
    return { ...user, areaScope: { code: user.area, name: reach.name, level, counties: new Set(reach.counties), townships: new Set(reach.townships), whole: reach.whole } };
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token) await this.users.deleteSession(tokenHash(token));
  }

  /** Changes a password after checking the current one; ends the user's other sessions. */
  async changePassword(user: User, current: string, next: string, keepToken?: string): Promise<void> {
    const currentHash = await this.users.passwordHashOf(user.id);
    if (!(await this.gate.run(() => verifyPassword(current, currentHash)))) throw new KaoheError('validation', 'currentPassword: the current password is not right');
    checkNewPassword(next, user.username, 'newPassword');
    if (next === current) {
      throw new KaoheError('weak-password', 'newPassword: choose a password different from the current one', {
        field: 'newPassword',
        reason: 'same-as-current',
        minLength: passwordMinLength(),
        maxLength: PASSWORD_MAX_LENGTH,
      });
    }
    const hash = await this.gate.run(() => hashPassword(next));
    // One transaction: a password changed must never leave the other sessions alive.
    await this.users.transaction(async (tx) => {
      await tx.users.setPassword(user.id, hash);
      await tx.users.deleteSessionsOf(user.id, keepToken ? tokenHash(keepToken) : undefined);
    });
  }
}

/** Refuses a password the policy does not allow (password-policy.ts), naming the field and why. */
function checkNewPassword(password: string, username: string, field: string): void {
  const reason = weakPasswordReason(password, username);
  if (reason) {
    throw new KaoheError('weak-password', weakPasswordMessage(reason).replace(/^newPassword/, field), {
      field,
      reason,
      minLength: passwordMinLength(),
      maxLength: PASSWORD_MAX_LENGTH,
    });
  }
}

/** The CSRF token of a session: derived from its token, sent back in X-CSRF-Token on every change. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}
