/**
 * Presenters of users for the office's user management: picked field by field (never the
 * password hash), in the contract's shapes (src/contract/auth.ts).
 */
import type { SessionArea, User, UserListed } from '../../contract/auth.ts';
import type { User as UserRecord, UserListed as UserListedRecord } from '../../services/user.service.ts';

export function presentUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    township: u.township,
    village: u.village,
    area: u.area,
    mustChangePassword: u.mustChangePassword,
  };
}

export function presentUserListed(u: UserListedRecord): UserListed {
  return { ...presentUser(u), disabled: u.disabled, lastSignInAt: u.lastSignInAt, createdAt: u.createdAt };
}

/** The area of the signed-in user's office, as the header names it; null: the whole database. */
export function presentArea(u: UserRecord): SessionArea | null {
  return u.areaScope ? { code: u.areaScope.code, name: u.areaScope.name, level: u.areaScope.level } : null;
}
