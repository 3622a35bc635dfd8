/**
 * Presenters of users for the office's user management: picked field by field (never the
 * password hash), in the contract's shapes (src/contract/auth.ts).
 */
import type { User, UserListed } from '../../contract/auth.ts';
import type { User as UserRecord, UserListed as UserListedRecord } from '../../services/user.service.ts';

export function presentUser(u: UserRecord): User {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, township: u.township, village: u.village, mustChangePassword: u.mustChangePassword };
}

export function presentUserListed(u: UserListedRecord): UserListed {
  return { ...presentUser(u), disabled: u.disabled, lastSignInAt: u.lastSignInAt, createdAt: u.createdAt };
}
