/**
 * The roles a user of Kaohe has. Plain data shared by the services (who may do what is decided
 * in services/policies.ts), the API's contract and the web app (which buttons to offer).
 */

/** County office, township reviewer, inspection team member, village, read-only viewer. */
export type Role = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];
