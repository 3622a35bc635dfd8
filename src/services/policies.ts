/**
 * Who may do what, decided once, here. Every service call names its actor; routes and the CLI
 * only say who is asking.
 *
 * 403 or 404: who may not see an object at all (another village's assessment, another
 * township's, a village outside an inspector's team, an unpublished result for a village user
 * or a viewer) is answered as if it did not exist (`not-found`, the message a missing id gets).
 * `forbidden` is for a caller who sees the object but may not do this to it, or whose role may
 * not do it at all; its message never names an object outside the caller's reach.
 */
import { KaoheError } from '../core/errors.ts';

export type Role = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];

export interface Actor {
  user: string;
  role: Role;
  /** Reviewer: the township (division code) whose villages they review. */
  township?: string;
  /** Village user: their village's division code. */
  village?: string;
}

/** The command line acts as the county office unless told otherwise. */
export const CLI_ADMIN: Actor = { user: 'cli', role: 'admin' };

/** What a decision about one village's assessment needs to know. */
export interface AssessmentContext {
  villageCode: string;
  townshipCode: string | null;
  status: 'draft' | 'submitted' | 'reviewed' | 'published';
  /** Users of the inspection team assigned to the village. */
  inspectors: readonly string[];
}

export function forbidden(message: string): KaoheError {
  return new KaoheError('forbidden', message);
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw forbidden(`${actor.user} (${actor.role}) may not do this: it needs ${roles.join(' or ')}`);
}

/** Creating users (and, when there are such changes, their roles and passwords): the office only. */
export function canManageUsers(actor: Actor): boolean {
  return actor.role === 'admin';
}

export function assertManageUsers(actor: Actor): void {
  if (!canManageUsers(actor)) throw forbidden(`${actor.user} (${actor.role}) may not manage users: only the office does`);
}

/** Reading an assessment: its findings, evidence, suggestions and score. */
export function canRead(actor: Actor, a: AssessmentContext): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'reviewer':
      return actor.township !== undefined && actor.township === a.townshipCode;
    case 'inspector':
      return a.inspectors.includes(actor.user);
    case 'village':
      // A village sees its own results once they are published, never another village's.
      return actor.village === a.villageCode && a.status === 'published';
    case 'viewer':
      return a.status === 'published';
  }
}

/**
 * Reading: who may not read an assessment is told it is not there — `hidden` makes the error a
 * missing one would get, word for word — so a refusal never tells that it exists, or whose it is.
 */
export function assertRead(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  if (!canRead(actor, a)) throw hidden();
}

/**
 * Recording findings, evidence and suggestion decisions: the assigned team, or the office. Who
 * may not even read the assessment gets `hidden` (not found); who reads it but may not record, 403.
 */
export function assertRecord(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  assertRead(actor, a, hidden);
  const allowed = actor.role === 'admin' || (actor.role === 'inspector' && a.inspectors.includes(actor.user));
  if (!allowed) throw forbidden(`${actor.user} (${actor.role}) is not on the inspection team of this village: only its team or the office record`);
}

/** Reviewing or sending back: the township's reviewer, or the office (hidden / 403 as for recording). */
export function assertReview(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  assertRead(actor, a, hidden);
  const allowed = actor.role === 'admin' || (actor.role === 'reviewer' && actor.township === a.townshipCode);
  if (!allowed) throw forbidden(`${actor.user} (${actor.role}) does not review this village: only its township's reviewer or the office do`);
}

/** Appealing: the village itself (or the office on its behalf) (hidden / 403 as for recording). */
export function assertAppeal(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  assertRead(actor, a, hidden);
  const allowed = actor.role === 'admin' || (actor.role === 'village' && actor.village === a.villageCode);
  if (!allowed) throw forbidden(`${actor.user} (${actor.role}) may not appeal: only the village itself or the office do`);
}

/** Publishing one assessment: the office (hidden / 403 as for recording). */
export function assertPublish(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  assertRead(actor, a, hidden);
  requireRole(actor, 'admin');
}

// ---- The office's own work: schemes, campaigns, publication, appeals, rescoring, the audit log.

/** Storing scheme versions: the office. */
export function assertManageSchemes(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Setting up campaigns (scope, teams, assignments): the office. */
export function assertManageCampaigns(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Publishing a whole campaign: the office. */
export function assertPublishCampaign(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Deciding appeals: the office. */
export function assertDecideAppeal(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Rescoring a campaign with another scheme version (and its preview): the office. */
export function assertRescore(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Reading the audit log: the office. */
export function assertReadAuditLog(actor: Actor): void {
  requireRole(actor, 'admin');
}

/** Listing a campaign's appeals: everyone but viewers (each sees those within reach, see appealsCut). */
export function assertListAppeals(actor: Actor): void {
  requireRole(actor, 'admin', 'reviewer', 'inspector', 'village');
}

/** A team member must be an inspector (the users that exist and their roles are the caller's to give). */
export function assertTeamMembers(members: readonly string[], inspectors: ReadonlySet<string>): void {
  const unknown = members.findIndex((m) => !inspectors.has(m));
  if (unknown >= 0) throw new KaoheError('validation', `members.${unknown}: ${members[unknown]} is not an inspector's user name`);
}

// ---- What a reader sees.

/** Suggested findings are the inspectors' working material: the office, reviewers and inspectors see them; villages and viewers the result only. */
export function canSeeSuggestions(actor: Actor): boolean {
  return actor.role !== 'village' && actor.role !== 'viewer';
}

/** Results before publication: the office and the reviewers (a reviewer's ranking counts their township's, see seesResult). */
export function canSeeUnpublished(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'reviewer';
}

/** Team members' names: the office, reviewers and inspectors. */
export function canSeeTeamMembers(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'reviewer' || actor.role === 'inspector';
}

/** The office sees a campaign whole: every team and the villages not yet assigned. */
export function seesWholeCampaign(actor: Actor): boolean {
  return actor.role === 'admin';
}

/** Whether an inspector's access to an assessment depends on its team (only then are the members read). */
export function needsTeam(actor: Actor): boolean {
  return actor.role === 'inspector';
}

/**
 * The rows of a campaign's lists (progress, assessments) an actor sees: the office every one,
 * a reviewer their township's, an inspector their team's villages, village users and viewers
 * published results.
 */
export function listsRow(actor: Actor, row: { status: AssessmentContext['status']; townshipCode: string | null; inspectors: readonly string[] }): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'reviewer':
      return actor.township !== undefined && actor.township === row.townshipCode;
    case 'inspector':
      return row.inspectors.includes(actor.user);
    case 'village':
    case 'viewer':
      return row.status === 'published';
  }
}

/** The results counted in the rankings an actor sees: the office all, a reviewer published ones and their township's, everyone else published ones. */
export function seesResult(actor: Actor, row: { status: AssessmentContext['status']; township: string | null }): boolean {
  if (actor.role === 'admin' || row.status === 'published') return true;
  return actor.role === 'reviewer' && actor.township !== undefined && actor.township === row.township;
}

/** What a ranking shown to an actor rests on. */
export function rankingBasis(actor: Actor, publishedOnly: boolean): 'published' | 'all' | 'published-and-own-township' {
  return publishedOnly ? 'published' : actor.role === 'admin' ? 'all' : 'published-and-own-township';
}

/**
 * Which of a campaign's appeals an actor sees, as far as the query can cut them: a village its
 * own, a reviewer their township's; an inspector's (their team's villages) are cut after
 * (`inspectorTeams`), the office sees every one.
 */
export function appealsCut(actor: Actor): { village?: string; township?: string; byTeamOf?: string } {
  switch (actor.role) {
    case 'village':
      return { village: actor.village ?? '' };
    case 'reviewer':
      return { township: actor.township ?? '' };
    case 'inspector':
      return { byTeamOf: actor.user };
    default:
      return {};
  }
}

/** Resident ID numbers in full: the office only; everyone else gets them masked. */
export function canSeeFullIds(actor: { role: Role }): boolean {
  return actor.role === 'admin';
}

/** Whether a user can be put on an inspection team. */
export function isInspector(user: { role: Role }): boolean {
  return user.role === 'inspector';
}
