/** Signing in and out, the current user, the password change; user administration. */
import type { Role } from './common.ts';

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  /** Reviewer: the township (division code) whose villages they review. */
  township: string | null;
  /** Village user: their village's division code. */
  village: string | null;
  /** Office, viewer, inspector: the area (province, city or county division code) of their office; null: the whole database. */
  area: string | null;
  /** Holds a one-time password: every route but sign-in/out, me and the password change answers 403. */
  mustChangePassword: boolean;
}

/** POST /api/auth/login */
export interface LoginRequest {
  username: string;
  password: string;
}

/** The area of an office above or at the county (its division code, name and level). */
export interface SessionArea {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
}

/** POST /api/auth/login, GET /api/auth/me */
export interface Session {
  user: User;
  /** The area the signed-in user's office sees and ranks; null: the whole database. */
  area: SessionArea | null;
  /**
   * The level the whole database starts at (its registry's top area: a province's, a city's or a
   * county's), which names the office of the whole database (省/市州/县); null for an empty registry.
   */
  databaseLevel: SessionArea['level'] | null;
  csrfToken: string;
  /** The least number of characters a new password must have (the server's policy). */
  passwordMinLength: number;
  /** The office's time zone (KAOHE_TIME_ZONE, an IANA name; Asia/Shanghai by default): the web shows times in it. */
  timeZone: string;
}

/** POST /api/auth/password */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/** A user as the office's list shows them (GET /api/users and the changes below). */
export interface UserListed extends User {
  /** Disabled (停用): cannot sign in; their sessions ended when disabled. */
  disabled: boolean;
  /** The last sign-in (最近登录), ISO time; null: never signed in. */
  lastSignInAt: string | null;
  createdAt: string;
}

/** GET /api/users */
export interface UsersAnswer {
  users: UserListed[];
}

/** PATCH /api/users/:id: a new role and its scope (township for a reviewer, village for a village user). */
export interface UpdateUserRequest {
  role: Role;
  township?: string;
  village?: string;
  /** Office, viewer, inspector: their office's area (absent: the area of the office making the change, or none). */
  area?: string;
}

/** PATCH /api/users/:id, POST /api/users/:id/disable, POST /api/users/:id/enable */
export interface UserAnswer {
  user: UserListed;
}

/** POST /api/users/:id/reset-password: the new one-time password, shown once; it must be changed at the next sign-in. */
export interface PasswordReset {
  user: UserListed;
  password: string;
}

/** POST /api/users */
export interface CreateUserRequest {
  username: string;
  role: Role;
  displayName?: string;
  township?: string;
  village?: string;
  /** Office, viewer, inspector: their office's area (absent: the area of the office creating them, or none). */
  area?: string;
}

/** POST /api/users: the one-time password is shown once, to the office that created the user. */
export interface UserCreated {
  user: User;
  password: string;
}
