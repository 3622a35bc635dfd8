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
import type { KindSpec } from '../core/registry/kinds.ts';
import { ROLES, type Role } from '../core/roles.ts';

export { ROLES, type Role };

export interface Actor {
  user: string;
  role: Role;
  /** Reviewer: the township (division code) whose villages they review. */
  township?: string;
  /** Village user: their village's division code. */
  village?: string;
  /**
   * Office (admin), viewer, inspector of a province, city or county office: the area they act
   * in. Absent: the whole database (the office that keeps it, as on a county's own laptop).
   */
  area?: AreaScope;
}

/**
 * An office's area and what it reaches (resolved down the area tree when the session is read):
 * a province or city office sees and ranks the counties under it, a county office its own.
 */
export interface AreaScope {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  counties: ReadonlySet<string>;
  townships: ReadonlySet<string>;
  /** Whether the area holds every township of the registry (a province's office on its own database). */
  whole: boolean;
}

/** Whether a village of this township is within the actor's area (always, for an actor without one). */
export function inArea(actor: Actor, townshipCode: string | null): boolean {
  return townshipInArea(actor.area, townshipCode);
}

/** Whether a village of this township is within an area (always, without one). */
export function townshipInArea(area: AreaScope | undefined, townshipCode: string | null): boolean {
  return area === undefined || area.whole || (townshipCode !== null && area.townships.has(townshipCode));
}

/** Whether this area (a county, township, or one of the actor's own level) is within the actor's area. */
export function areaInReach(actor: Actor, code: string): boolean {
  const a = actor.area;
  return a === undefined || a.code === code || a.counties.has(code) || a.townships.has(code);
}

/** The command line acts as the county office unless told otherwise. */
export const CLI_ADMIN: Actor = { user: 'cli', role: 'admin' };

// ---------------------------------------------------------------------------------------------
// Permissions by role alone: what a route (or a command) asks before it calls a service. The
// services check the record again (the village, the team, the status) with the rules below.

/** Whoever has a role: a signed-in user, an actor, a user row. */
export interface RoleHolder {
  role: Role;
}

/** A permission that depends on the role alone. */
export type RolePolicy = (who: RoleHolder) => boolean;

const isOffice = (who: RoleHolder) => who.role === 'admin';

/** Resident ID numbers in full (in their fields and wherever one was typed into a text): the county office only; everyone else sees them masked. */
export const canSeeFullIds: RolePolicy = isOffice;

/** Listing and creating users. */
export const mayManageUsers: RolePolicy = isOffice;

/** Roles that read residents' data (households, members, helpers, records) of the villages in their reach. */
export const RESIDENT_READERS: readonly Role[] = ['admin', 'reviewer', 'inspector', 'village'];

/** Households, helpers and dated records of the villages in reach (viewers see none). */
export const mayReadResidents: RolePolicy = (who) => RESIDENT_READERS.includes(who.role);

/** Importing registry sheets, and reading an import's errors file. */
export const mayImportRegistry: RolePolicy = isOffice;

/** Exporting a registry kind as a workbook or CSV. */
export const mayExportRegistry: RolePolicy = isOffice;

/** Storing a scheme version. */
export const mayStoreSchemeVersions: RolePolicy = isOffice;

/** Creating a campaign, setting its inspection teams, assigning villages to them. */
export const mayManageCampaigns: RolePolicy = isOffice;

/** Publishing a campaign's reviewed assessments at once. */
export const mayPublishCampaigns: RolePolicy = isOffice;

/** Previewing and applying another scheme version to a campaign. */
export const mayRescoreCampaigns: RolePolicy = isOffice;

/** Reading and verifying the audit log (the whole database's: the office without an area, see assertReadAuditLog). */
export const mayReadAudit: RolePolicy = isOffice;

/** Who can be a member of an inspection team: inspectors. */
export const mayJoinInspectionTeams: RolePolicy = (who) => who.role === 'inspector';

/** Recording findings and their evidence, deriving, accepting and dismissing suggestions (on the villages of one's team: assertRecord). */
export const mayRecordFindings: RolePolicy = (who) => who.role === 'admin' || who.role === 'inspector';

/** The list of one's villages with what is left to do in each (我的考核村): inspectors (their teams' villages) and the office (every village). */
export const mayListMyVillages: RolePolicy = (who) => who.role === 'admin' || who.role === 'inspector';

/** Suggested findings are the inspectors' working material: not a village's, not a viewer's. */
export const maySeeSuggestions: RolePolicy = (who) => who.role === 'admin' || who.role === 'reviewer' || who.role === 'inspector';

/** Commenting on one finding (评审意见): a township's reviewer (their villages) and the office (assertCommentFinding). */
export const mayCommentFindings: RolePolicy = (who) => who.role === 'admin' || who.role === 'reviewer';

/**
 * Reading the comments on findings: working material like suggestions, so exactly their readers
 * (the office, reviewers and the village's inspectors; not villages, not viewers). An assessment
 * view is kept per kind of reader on that line (assessments.service.ts).
 */
export const maySeeFindingComments: RolePolicy = (who) => maySeeSuggestions(who);

/** Moving an assessment along (submit, send back, review, publish: each step checked by the service). */
export const mayMoveAssessments: RolePolicy = (who) => who.role === 'admin' || who.role === 'reviewer' || who.role === 'inspector';

/** Listing a campaign's appeals (each reader those in reach; viewers none). */
export const mayListAppeals: RolePolicy = (who) => who.role === 'admin' || who.role === 'reviewer' || who.role === 'inspector' || who.role === 'village';

/** Appealing an item of a published result, with evidence: the village itself, or the office on its behalf (assertAppeal). */
export const mayAppeal: RolePolicy = (who) => who.role === 'admin' || who.role === 'village';

/** Deciding an appeal. */
export const mayDecideAppeals: RolePolicy = isOffice;

/**
 * How long a sign-in lasts, in hours: a day for an inspector (a day in the field offline,
 * docs/offline.md), half a day for everyone else. The session cookie lasts as long.
 */
export function sessionHours(role: Role): number {
  return role === 'inspector' ? 24 : 12;
}

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

/**
 * Refuses an actor a role-level policy does not allow, naming the roles it allows (as
 * requireRole does): one definition per permission, the policy, and its refusal from it.
 */
export function requirePolicy(actor: Actor, policy: RolePolicy): void {
  if (!policy(actor)) requireRole(actor, ...ROLES.filter((role) => policy({ role })));
}

/** Creating users (and, when there are such changes, their roles and passwords): the office only. */
export function assertManageUsers(actor: Actor): void {
  if (!mayManageUsers(actor)) throw forbidden(`${actor.user} (${actor.role}) may not manage users: only the office does`);
}

/** Reading an assessment: its findings, evidence, suggestions and score. */
export function canRead(actor: Actor, a: AssessmentContext): boolean {
  if (!inArea(actor, a.townshipCode)) return false;
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

/** Commenting on a finding: the township's reviewer, or the office (hidden / 403 as for recording). */
export function assertCommentFinding(actor: Actor, a: AssessmentContext, hidden: () => KaoheError): void {
  assertRead(actor, a, hidden);
  const allowed = actor.role === 'admin' || (actor.role === 'reviewer' && actor.township === a.townshipCode);
  if (!allowed) throw forbidden(`${actor.user} (${actor.role}) may not comment on findings: only the township's reviewer or the office do`);
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
  requirePolicy(actor, mayStoreSchemeVersions);
}

/** Setting up campaigns (scope, teams, assignments): the office. */
export function assertManageCampaigns(actor: Actor): void {
  requirePolicy(actor, mayManageCampaigns);
}

/** Publishing a whole campaign: the office. */
export function assertPublishCampaign(actor: Actor): void {
  requirePolicy(actor, mayPublishCampaigns);
}

/** Deciding appeals: the office. */
export function assertDecideAppeal(actor: Actor): void {
  requirePolicy(actor, mayDecideAppeals);
}

/** Rescoring a campaign with another scheme version (and its preview): the office. */
export function assertRescore(actor: Actor): void {
  requirePolicy(actor, mayRescoreCampaigns);
}

/**
 * What the office of the whole database alone does: the registry's imports and whole-kind
 * exports (the registry is kept in one place, loaded from the national system's exports), and the
 * audit log. An office of an area reads the registry of its villages (RegistryReadService).
 */
export function assertWholeDatabaseOffice(actor: Actor, what: string): void {
  if (actor.area)
    throw forbidden(`${actor.user} (${actor.role}) may not ${what}: the office of the whole database does, an office of an area (${actor.area.code}) reads its own villages`);
}

/**
 * Whether an office of an area may import a kind: its rows name a village or a household, so each
 * can be checked to lie in the area (import.service.ts). The division tree, the code lists and
 * the poverty lines are the whole database's office's.
 */
export function importableInArea(spec: Pick<KindSpec, 'refs'>): boolean {
  return Object.values(spec.refs).some((r) => r === 'village' || r === 'household');
}

/** Importing a sheet of a kind: the office; an office of an area only the kinds placed in its villages. */
export function assertImportKind(actor: Actor, spec: KindSpec): void {
  requirePolicy(actor, mayImportRegistry);
  if (actor.area && !importableInArea(spec))
    throw forbidden(
      `${actor.user} (${actor.role}) may not import ${spec.kind}: an office of an area (${actor.area.code}) imports its own villages' records; the office of the whole database imports ${spec.kind}`,
    );
}

/** Exporting a kind: the office; an office of an area only the kinds placed in its villages (its own villages' rows). */
export function assertExportKind(actor: Actor, spec: KindSpec): void {
  requirePolicy(actor, mayExportRegistry);
  if (actor.area && !importableInArea(spec))
    throw forbidden(
      `${actor.user} (${actor.role}) may not export ${spec.kind}: an office of an area (${actor.area.code}) exports its own villages' records; the office of the whole database exports ${spec.kind}`,
    );
}

/** Reading the audit log: the office. */
export function assertReadAuditLog(actor: Actor): void {
  requirePolicy(actor, mayReadAudit);
  // The log is one chain over the whole database; an entry is not marked with an area.
  assertWholeDatabaseOffice(actor, 'read the audit log');
}

/** Listing a campaign's appeals: everyone but viewers (each sees those within reach, see appealsCut). */
export function assertListAppeals(actor: Actor): void {
  requirePolicy(actor, mayListAppeals);
}

/** A team member must be an inspector (the users that exist and their roles are the caller's to give). */
export function assertTeamMembers(members: readonly string[], inspectors: ReadonlySet<string>): void {
  const unknown = members.findIndex((m) => !inspectors.has(m));
  if (unknown >= 0) throw new KaoheError('validation', `members.${unknown}: ${members[unknown]} is not an inspector's user name`);
}

// ---- What a reader sees.

/** Results before publication: the office and the reviewers (a reviewer's ranking counts their township's, see seesResult). */
export function canSeeUnpublished(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'reviewer';
}

/** Team members' names: the office, reviewers and inspectors. */
export function canSeeTeamMembers(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'reviewer' || actor.role === 'inspector';
}

/**
 * The office sees a campaign whole: every team and the villages not yet assigned. An office of
 * an area sees the campaign's villages in its area (and the teams assigned to them), and manages
 * a campaign only if every village of it is in its area (assertOwnCampaign).
 */
export function seesWholeCampaign(actor: Actor): boolean {
  return actor.role === 'admin' && actor.area === undefined;
}

/** Whether an office of an area (or none) sees a campaign at all: one of its villages is in the area. */
export function seesCampaign(actor: Actor, townships: readonly (string | null)[]): boolean {
  return actor.area === undefined || townships.some((t) => inArea(actor, t));
}

/**
 * Managing a whole campaign (its teams and assignments, publishing it at once, rescoring it):
 * the office whose area holds every village of it. A county office does its own villages' work
 * in a city's or province's campaign (findings, reviews, appeals) but leaves the campaign's
 * set-up and its publication to the office that made it.
 */
export function assertOwnCampaign(actor: Actor, townships: readonly (string | null)[], hidden: () => KaoheError): void {
  if (actor.area === undefined) return;
  const inside = townships.filter((t) => inArea(actor, t)).length;
  if (inside === 0) throw hidden();
  if (inside < townships.length)
    throw forbidden(`${actor.user} (${actor.role}) may not manage this campaign: it assesses villages outside ${actor.area.code}, whose office manages it`);
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
  if (!inArea(actor, row.townshipCode)) return false;
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

/**
 * Whether a reader is told why a village of a ranking has no rank — 未考核 (no result handed in)
 * or 未发布 (one awaiting publication) — which is the campaign's progress in that village: only
 * whoever lists its row (listsRow). To anyone else every village without a published result is
 * 未发布, which is true of both.
 */
export function seesUnrankedState(actor: Actor, row: { status: AssessmentContext['status']; townshipCode: string | null; inspectors: readonly string[] }): boolean {
  return listsRow(actor, row);
}

/**
 * A provisional ranking of submitted and reviewed results beside the published ones (内部预览,
 * internal preview): the office only. Reviewers see unpublished results of their own township
 * (canSeeUnpublished) to review them, village by village; a ranking that put their township's
 * unreviewed results among other townships' published ones would rank unlike things, so they
 * get the published ranking like everyone else.
 */
export function mayPreviewRanking(actor: Actor): boolean {
  return actor.role === 'admin';
}

/** Which results a ranking counts: published ones, or (a preview) submitted, reviewed and published ones. */
export type RankingBasis = 'published' | 'preview';

/** What a ranking shown to an actor rests on: a preview only for who may ask for it (else `forbidden`). */
export function rankingBasis(actor: Actor, preview: boolean): RankingBasis {
  if (!preview) return 'published';
  if (!mayPreviewRanking(actor)) throw new KaoheError('forbidden', 'only the county office may see a provisional ranking of unpublished results');
  return 'preview';
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

/** The townships an actor's area cuts a list to: undefined without an area, or with a whole one (no cut). */
export function areaTownships(actor: Actor): readonly string[] | undefined {
  const area = actor.area;
  return area === undefined || area.whole ? undefined : [...area.townships].sort();
}

/**
 * What a campaign's list query may show an actor, said so the store can cut it in SQL before it
 * pages: exactly the rows `listsRow` lets through (list-paging.test.ts walks both for every
 * role). `townships`: only villages whose township is one of these (an area's; absent, no cut;
 * empty, none); `township`: only this township's villages (a reviewer's; '' when they have none,
 * which matches no village); `teamMember`: only villages of the campaign's teams this user is a
 * member of (an inspector's); `publishedOnly`: published results only (village users, viewers).
 */
export interface ListCut {
  townships?: readonly string[];
  township?: string;
  teamMember?: string;
  publishedOnly?: boolean;
}

/** The cut of a campaign's lists (assessments) for an actor, as `listsRow` decides row by row. */
export function listCut(actor: Actor): ListCut {
  const townships = areaTownships(actor);
  const area: ListCut = townships === undefined ? {} : { townships };
  switch (actor.role) {
    case 'admin':
      return area;
    case 'reviewer':
      return { ...area, township: actor.township ?? '' };
    case 'inspector':
      return { ...area, teamMember: actor.user };
    case 'village':
    case 'viewer':
      return { ...area, publishedOnly: true };
  }
}

/**
 * The cut of a campaign's appeals for an actor, all of it in the query (for paging): appealsCut
 * with an inspector's team membership and an office's area said as the store cuts them.
 */
export function appealsListCut(actor: Actor): { village?: string; township?: string; teamMember?: string; townships?: readonly string[] } {
  const { byTeamOf, ...cut } = appealsCut(actor);
  const townships = areaTownships(actor);
  return { ...cut, ...(byTeamOf !== undefined ? { teamMember: byTeamOf } : {}), ...(townships !== undefined ? { townships } : {}) };
}
