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
  /** Holds a one-time password: every route but sign-in/out, me and the password change answers 403. */
  mustChangePassword: boolean;
}

/** POST /api/auth/login */
export interface LoginRequest {
  username: string;
  password: string;
}

/** POST /api/auth/login, GET /api/auth/me */
export interface Session {
  user: User;
  csrfToken: string;
  /** The least number of characters a new password must have (the server's policy). */
  passwordMinLength: number;
}

/** POST /api/auth/password */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/** GET /api/users */
export interface UsersAnswer {
  users: User[];
}

/** POST /api/users */
export interface CreateUserRequest {
  username: string;
  role: Role;
  displayName?: string;
  township?: string;
  village?: string;
}

/** POST /api/users: the one-time password is shown once, to the office that created the user. */
export interface UserCreated {
  user: User;
  password: string;
}
