/**
 * What each role sees in the menu and which buttons it gets. The server decides again (policies
 * in src/services/policies.ts); this only spares people buttons that would be refused.
 */
import type { Role } from '../../core/roles.ts';

export type { Role };

export type NavKey =
  | 'myVillages'
  | 'overview'
  | 'villages'
  | 'households'
  | 'workTeams'
  | 'helpers'
  | 'records'
  | 'imports'
  | 'exports'
  | 'schemes'
  | 'campaigns'
  | 'review'
  | 'rankings'
  | 'appeals'
  | 'audit'
  | 'users';

const ALL: NavKey[] = [
  'overview',
  'villages',
  'households',
  'workTeams',
  'helpers',
  'records',
  'imports',
  'exports',
  'schemes',
  'campaigns',
  'review',
  'rankings',
  'appeals',
  'audit',
  'users',
];

const NAV: Record<Role, NavKey[]> = {
  admin: ALL,
  reviewer: ['overview', 'villages', 'households', 'workTeams', 'helpers', 'records', 'schemes', 'campaigns', 'review', 'rankings', 'appeals'],
  // An inspector starts on their villages (我的考核村), ordered by what to do next.
  inspector: ['myVillages', 'campaigns', 'villages', 'households', 'workTeams', 'helpers', 'records', 'schemes', 'rankings', 'appeals'],
  village: ['campaigns', 'rankings', 'appeals'],
  viewer: ['overview', 'campaigns', 'rankings'],
};

/**
 * What the office of the whole database alone does (an office of an area does not:
 * assertWholeDatabaseOffice). An office of an area imports and exports its own villages' records
 * (the pages offer it the kinds it may: `areaImport`).
 */
const WHOLE_DATABASE: readonly NavKey[] = ['audit'];

/** The menu of a role; of an office of an area (`area`), without the whole database's pages. */
export function navFor(role: Role, area = false): NavKey[] {
  const nav = NAV[role] ?? [];
  return area ? nav.filter((k) => !WHOLE_DATABASE.includes(k)) : nav;
}

/** The page a role starts on. */
export function homeFor(role: Role): NavKey {
  return navFor(role)[0] ?? 'campaigns';
}

export const can = {
  manage: (role: Role) => role === 'admin',
  record: (role: Role) => role === 'admin' || role === 'inspector',
  review: (role: Role) => role === 'admin' || role === 'reviewer',
  publish: (role: Role) => role === 'admin',
  /** Appealing an item of a published result: mirrors mayAppeal in policies.ts (the village, or the office on its behalf). */
  appeal: (role: Role) => role === 'admin' || role === 'village',
  /** Deciding an appeal: mirrors mayDecideAppeals in policies.ts. */
  decideAppeal: (role: Role) => role === 'admin',
  /** Listing a campaign's appeals (those in reach): mirrors mayListAppeals in policies.ts. */
  listAppeals: (role: Role) => role === 'admin' || role === 'reviewer' || role === 'inspector' || role === 'village',
  seeDrafts: (role: Role) => role === 'admin' || role === 'reviewer' || role === 'inspector',
  import: (role: Role) => role === 'admin',
  editScheme: (role: Role) => role === 'admin',
  /** A provisional ranking of unpublished results (内部预览): mirrors mayPreviewRanking in policies.ts. */
  previewRanking: (role: Role) => role === 'admin',
  /** The list of one's villages with what is left (我的考核村): mirrors mayListMyVillages in policies.ts. */
  listMyVillages: (role: Role) => role === 'admin' || role === 'inspector',
  /** Adding users, changing roles and scopes, resetting passwords, disabling: mirrors mayManageUsers in policies.ts. */
  manageUsers: (role: Role) => role === 'admin',
};

/**
 * A role's part in appeals, read off the permissions above: who decides them (`decide`, the
 * county office), who appeals its own result (`appeal`, a village), who reads those in reach
 * without deciding (`read`, reviewers and inspectors), or none (`none`). The appeals page says
 * each part in words and shows the decision form to `decide` only.
 */
export type AppealPart = 'decide' | 'appeal' | 'read' | 'none';

export function appealPart(role: Role): AppealPart {
  if (can.decideAppeal(role)) return 'decide';
  if (can.appeal(role)) return 'appeal';
  if (can.listAppeals(role)) return 'read';
  return 'none';
}
