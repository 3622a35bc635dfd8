/**
 * What the campaign side's use cases share: the errors they answer with, reading an assessment
 * with what its policies need, the edit token, recording a finding and rescoring. Every write
 * here runs in the caller's transaction (its repositories are bound to it).
 */
import { storedParts } from './ranking-parts.ts';
import type { AssessmentContextRecord, AssessmentStatus, FindingSource } from '../../core/campaign/records.ts';
import { itemsToLook, lookProgress, type LookProgress } from '../../core/campaign/progress.ts';
import { KaoheError } from '../../core/errors.ts';
import { fromCents, type Cents } from '../../core/numbers.ts';
import type { Scheme } from '../../core/scheme/model.ts';
import {
  checkFindings,
  findingProblemText,
  resultToJson,
  score,
  type Finding,
  type FindingProblem,
  type MeasuredValue,
  type ScoreResult,
  type Unit,
} from '../../core/scoring/score.ts';
import { valueFromCents } from '../../contract/finding-values.ts';
import type { StoredFinding } from '../../store/finding.repository.ts';
import type { StoredScore } from '../../store/assessment.repository.ts';
import type { AuditInput } from '../../store/audit.repository.ts';
import type { Repositories } from '../../store/unit-of-work.ts';
import { assertOwnCampaign, assertRecord, seesCampaign, type Actor, type AssessmentContext } from '../policies.ts';
import { unitOfVillage } from '../score-sheet.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';

export type Clock = () => Date;

/**
 * A write of at least this many of a campaign's rows at once (a campaign created, a campaign
 * published) has the database's statistics of them read again after it commits
 * (AssessmentRepository.refreshStatistics): the next ranking is planned for the rows there are.
 */
export const statisticsTuning = { afterRows: 1_000 };

export const notFound = (what: string) => new KaoheError('not-found', `${what} not found`);
/** What a caller who may not see an assessment is told: what a missing one gets (see policies.ts). */
export const hiddenAssessment = (assessmentId: number) => () => notFound(`assessment ${assessmentId}`);
export const invalidState = (message: string) => new KaoheError('invalid-state', message);
const conflict = (current: number, expected: number) =>
  new KaoheError('conflict', `the assessment was changed by someone else (now version ${current}, you edited version ${expected}): reload and apply your change again`, {
    current,
  });

/** Appends an audit entry by an actor, now. */
export function audit(tx: Pick<Repositories, 'audit'>, clock: Clock, actor: Actor, e: Omit<AuditInput, 'at' | 'actor'>): Promise<void> {
  return tx.audit.append({ at: clock().toISOString(), actor: actor.user, ...e });
}

/**
 * Refuses an office of an area a campaign that is not wholly in its area (see assertOwnCampaign):
 * not found when none of its villages is, 403 when some are. Nothing is read for an office
 * without an area.
 */
export async function assertOwnsCampaign(tx: Pick<Repositories, 'assessments'>, actor: Actor, campaignId: number): Promise<void> {
  if (actor.area) assertOwnCampaign(actor, await tx.assessments.townships(campaignId), () => notFound(`campaign ${campaignId}`));
}

/** Refuses (as not found) a campaign none of whose villages is in the actor's area. */
export async function assertSeesCampaign(tx: Pick<Repositories, 'assessments'>, actor: Actor, campaignId: number): Promise<void> {
  if (actor.area && !seesCampaign(actor, await tx.assessments.townships(campaignId))) throw notFound(`campaign ${campaignId}`);
}

/**
 * The assessment with its village and campaign, and what the policies need. The team's members
 * are read only when asked (`withInspectors`: only an inspector's access depends on them).
 */
export async function assessmentContext(
  tx: Pick<Repositories, 'assessments' | 'campaigns'>,
  assessmentId: number,
  withInspectors = true,
  /** Read the comments' stamp with the row (`a.commentStamp`). */
  commentStamp = false,
): Promise<{ a: AssessmentContextRecord & { commentStamp?: string }; ctx: AssessmentContext }> {
  const a = await tx.assessments.context(assessmentId, { commentStamp });
  if (!a) throw notFound(`assessment ${assessmentId}`);
  const inspectors = a.teamId === null || !withInspectors ? [] : await tx.campaigns.teamMembers(a.teamId);
  return { a, ctx: { villageCode: a.villageCode, townshipCode: a.townshipCode, status: a.status, inspectors } };
}

/**
 * Takes the assessment's edit token: refuses a stale version, and bumps it (the row lock of the
 * transaction). Call it before any other write: every transaction locks the assessment row
 * before the audit head, so two of them never wait on each other in opposite order.
 */
export async function takeEditToken(tx: Pick<Repositories, 'assessments'>, clock: Clock, assessmentId: number, expectedVersion: number): Promise<void> {
  if (await tx.assessments.bump(assessmentId, expectedVersion, clock().toISOString())) return;
  const current = await tx.assessments.version(assessmentId);
  if (current === undefined) throw notFound(`assessment ${assessmentId}`);
  throw conflict(current, expectedVersion);
}

/**
 * A draft the actor may record on (findings, evidence, suggestion decisions), read in the caller's
 * transaction: who may not read it is told it does not exist, who may not record gets 403, and a
 * submitted or later assessment is refused.
 */
export async function draftToRecord(tx: Pick<Repositories, 'assessments' | 'campaigns'>, actor: Actor, assessmentId: number): Promise<AssessmentContextRecord> {
  const { a, ctx } = await assessmentContext(tx, assessmentId);
  assertRecord(actor, ctx, hiddenAssessment(assessmentId));
  assertDraft(a.status);
  return a;
}

/** Findings change only on a draft. */
/** When a published result's appeal window closes: `appealDays` days after its publication; null before publication. */
export function appealDeadline(a: { publishedAt: string | null; appealDays: number }): Date | null {
  return a.publishedAt === null ? null : new Date(Date.parse(a.publishedAt) + a.appealDays * 86_400_000);
}

export function assertDraft(status: AssessmentStatus): void {
  if (status !== 'draft') throw invalidState(`the assessment is ${status}: findings change only while it is a draft (a reviewer can send it back)`);
}

/** A stored finding as the scoring engine takes it. */
export function engineFinding(f: StoredFinding): Finding {
  const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
  if (f.element) out.element = f.element;
  if (f.note) out.note = f.note;
  if (f.householdNo) out.household = f.householdNo;
  return Object.assign(out, engineValues(f));
}

/** A stored finding's fields of issue 18's kinds as the engine takes them (both in hundredths). */
export function engineValues(f: { value: MeasuredValue | null; amount: Cents | null; part: string | null }): Pick<Finding, 'value' | 'amount' | 'part'> {
  const out: Pick<Finding, 'value' | 'amount' | 'part'> = {};
  if (f.value) out.value = f.value;
  if (f.amount !== null) out.amount = f.amount;
  if (f.part) out.part = f.part;
  return out;
}

export async function activeFindings(tx: Pick<Repositories, 'findings'>, assessmentId: number): Promise<Finding[]> {
  return (await tx.findings.active(assessmentId)).map(engineFinding);
}

/** The active findings of some assessments as the engine takes them, by assessment id (none: no entry). */
export async function activeFindingsOf(tx: Pick<Repositories, 'findings'>, assessmentIds: readonly number[]): Promise<Map<number, Finding[]>> {
  const out = new Map<number, Finding[]>();
  for (const [id, list] of await tx.findings.activeOf(assessmentIds)) out.set(id, list.map(engineFinding));
  return out;
}

export interface FindingInput {
  item: string;
  count?: number;
  element?: string;
  note?: string;
  household?: string;
  person?: string;
  /** A measured item's value, in core's hundredths (the route converts the API's decimals). */
  value?: MeasuredValue;
  /** A range rule's amount per occurrence, in hundredths of a point. */
  amount?: Cents;
  /** The part of a several-rule item. */
  part?: string;
}

/**
 * A finding the engine refuses: a validation error whose details give, per problem, its field and
 * a sentence naming the item in both languages (the error answer keeps the reader's: `text`).
 */
export function findingRefused(problems: readonly FindingProblem[]): KaoheError {
  const details = problems.map((p) => {
    const item = String(p.item);
    // The client names the field by its label (api-fields.ts); the sentence names the item.
    const zh = findingProblemText(p, 'zh');
    const en = findingProblemText(p, 'en');
    return { ...p, zh: zh.includes(item) ? zh : `考核项目 ${item}：${zh}`, en: en.includes(item) ? en : `item ${item}: ${en}` };
  });
  return new KaoheError('validation', problems.map((p) => `${String(p.field)}: ${p.message}`).join('; '), details);
}

/** The finding input as the audit log keeps it: a value and an amount in decimals, as the API gives them. */
function auditedInput(input: FindingInput): Record<string, unknown> {
  const { value, amount, ...rest } = input;
  return { ...rest, ...(value ? { value: valueFromCents(value) } : {}), ...(amount !== undefined ? { amount: fromCents(amount) } : {}) };
}

type WriteRepos = Pick<Repositories, 'assessments' | 'campaigns' | 'findings' | 'schemeVersions' | 'audit'>;

/** Records a finding checked against the scheme (audited); the caller rescores. */
export async function insertFinding(
  tx: WriteRepos,
  schemes: SchemeVersions,
  clock: Clock,
  actor: Actor,
  a: AssessmentContextRecord,
  input: FindingInput,
  source: FindingSource,
  links: { suggestionId?: number; appealId?: number; supersedes?: number } = {},
): Promise<number> {
  const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
  const finding: Finding = { item: input.item, count: input.count ?? 1 };
  if (input.element !== undefined) finding.element = input.element;
  if (input.note !== undefined) finding.note = input.note;
  if (input.value !== undefined) finding.value = input.value;
  if (input.amount !== undefined) finding.amount = input.amount;
  if (input.part !== undefined) finding.part = input.part;
  const problems = checkFindings(scheme, unitOfVillage(a), [finding]);
  if (problems.length) throw findingRefused(problems);
  const id = await tx.findings.insert({
    assessmentId: a.id,
    item: input.item,
    count: input.count ?? 1,
    element: input.element ?? null,
    note: input.note ?? null,
    householdNo: input.household ?? null,
    person: input.person ?? null,
    source,
    suggestionId: links.suggestionId ?? null,
    appealId: links.appealId ?? null,
    supersedesId: links.supersedes ?? null,
    createdAt: clock().toISOString(),
    createdBy: actor.user,
    value: input.value ?? null,
    amount: input.amount ?? null,
    part: input.part ?? null,
  });
  await audit(tx, clock, actor, {
    action: 'finding.add',
    entity: 'finding',
    entityId: id,
    after: { assessmentId: a.id, source, ...auditedInput(input), count: input.count ?? 1, ...links },
  });
  return id;
}

/**
 * Records a finding as insertFinding does; one with a measured `value` replaces the item's value
 * before, as an appeal's decision replaces findings: the earlier value finding is kept, marked
 * superseded, the new one names it, and the audit log has both. (A new value is measured again,
 * not a second occurrence.) A refused value throws, and the transaction rolls back: the value
 * before stands.
 */
export async function insertReplacingValue(
  tx: WriteRepos,
  schemes: SchemeVersions,
  clock: Clock,
  actor: Actor,
  a: AssessmentContextRecord,
  input: FindingInput,
  source: FindingSource,
  links: { suggestionId?: number } = {},
): Promise<number> {
  const replaced = input.value === undefined ? [] : (await tx.findings.active(a.id, input.item)).filter((f) => f.value !== null);
  await tx.findings.supersede(replaced.map((f) => f.id));
  const id = await insertFinding(tx, schemes, clock, actor, a, input, source, { ...links, ...(replaced[0] ? { supersedes: replaced[0].id } : {}) });
  if (replaced.length > 0) {
    await audit(tx, clock, actor, {
      action: 'finding.supersede',
      entity: 'finding',
      entityId: id,
      before: { findings: replaced.map((f) => ({ id: f.id, value: f.value && valueFromCents(f.value) })) },
      after: { value: input.value ? valueFromCents(input.value) : null },
    });
  }
  return id;
}

/** Recomputes and stores the score of an assessment from its active findings; a score that moves is audited, before and after. */
export async function rescore(tx: WriteRepos, schemes: SchemeVersions, clock: Clock, actor: Actor, assessmentId: number, schemeVersionId?: number): Promise<ScoreResult> {
  const { a } = await assessmentContext(tx, assessmentId);
  const { scheme } = await schemes.schemeOf(schemeVersionId ?? a.schemeVersionId, tx);
  const prev = (await tx.assessments.totals(assessmentId))!;
  const result = score(scheme, unitOfVillage(a), await activeFindings(tx, assessmentId));
  await tx.assessments.saveScore(assessmentId, storedScore(result, scheme, schemeVersionId ?? a.schemeVersionId));
  const change = scoreChange(assessmentId, prev, result, scheme);
  if (change) await audit(tx, clock, actor, change);
  return result;
}

/** A score as stored: its points, the result's JSON and what rankings read of it (for the scheme version). */
export function storedScore(result: ScoreResult, scheme: Scheme, schemeVersionId: number): StoredScore {
  const json = resultToJson(result);
  return { base: result.base, bonus: result.bonus, total: result.total, result: JSON.stringify(json), parts: storedParts(json, scheme, schemeVersionId) };
}

/** The audit entry of an assessment's score moved by a rescoring (none when its points are the same). */
export function scoreChange(
  assessmentId: number,
  prev: { base: Cents; bonus: Cents; total: Cents },
  result: { base: Cents; bonus: Cents; total: Cents },
  scheme: Scheme,
): Omit<AuditInput, 'at' | 'actor'> | null {
  if (prev.base === result.base && prev.bonus === result.bonus && prev.total === result.total) return null;
  const points = (x: { base: number; bonus: number; total: number }) => ({ base: fromCents(x.base), bonus: fromCents(x.bonus), total: fromCents(x.total) });
  return {
    action: 'assessment.score',
    entity: 'assessment',
    entityId: assessmentId,
    before: points(prev),
    after: { ...points(result), scheme: `${scheme.id} v${scheme.version}` },
  };
}

/**
 * The items a village is assessed on (itemsToLook), computed from the scheme and the village's
 * attributes alone: kept per scheme and attributes, since a campaign's villages share a few.
 */
const lookCache = new WeakMap<Scheme, Map<string, string[]>>();
export function itemsForUnit(scheme: Scheme, unit: Unit): string[] {
  let byUnit = lookCache.get(scheme);
  if (!byUnit) lookCache.set(scheme, (byUnit = new Map()));
  const key = JSON.stringify(unit.attributes ?? {});
  let items = byUnit.get(key);
  if (!items) {
    items = itemsToLook(score(scheme, { attributes: unit.attributes ?? {} }, []));
    if (byUnit.size >= 1000) byUnit.clear();
    byUnit.set(key, items);
  }
  return items;
}

/** An assessment's progress (已查 n/N), read in the caller's transaction. */
export async function progressOf(
  tx: Pick<Repositories, 'findings' | 'suggestions' | 'checks' | 'schemeVersions'>,
  schemes: SchemeVersions,
  a: AssessmentContextRecord,
): Promise<LookProgress> {
  const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
  const items = itemsForUnit(scheme, unitOfVillage(a));
  const findings = (await tx.findings.itemsOf([a.id])).map((f) => f.item);
  const suggestions = await tx.suggestions.statusesOf([a.id]);
  const checks = (await tx.checks.itemsOf([a.id])).map((c) => c.item);
  return lookProgress(items, { findings, suggestions, checks });
}
