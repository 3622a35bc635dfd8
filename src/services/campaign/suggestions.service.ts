/** Suggested findings derived from the registry: derived, accepted (they become findings) or dismissed. */
import type { AssessmentContextRecord, SuggestionRecord } from '../../core/campaign/records.ts';
import { KaoheError } from '../../core/errors.ts';
import { loadDeriveConfig } from '../../core/derivation/config.ts';
import { deriveSuggestions } from '../../core/derivation/derive.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertRead, maySeeSuggestions, needsTeam, type Actor } from '../policies.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import {
  assessmentContext,
  audit,
  draftToRecord,
  hiddenAssessment,
  insertReplacingValue,
  invalidState,
  notFound,
  rescore,
  takeEditToken,
  type Clock,
  type FindingInput,
} from './shared.ts';

type Repos = Pick<Repositories, 'assessments' | 'campaigns' | 'findings' | 'suggestions' | 'records' | 'schemeVersions' | 'audit'>;

/** Suggestions decided at once at most. */
export const MAX_BULK = 500;

/**
 * A suggestion of the assessment that is still open, read to be decided: a missing one is not
 * found, a decided one refused, and a note (count 0) refused to accept — it carries no deduction:
 * it is read, or dismissed, never made a finding. `at` names its place in a list.
 */
async function openSuggestion(tx: Pick<Repositories, 'suggestions'>, assessmentId: number, suggestionId: number, action: 'accept' | 'dismiss', at = ''): Promise<SuggestionRecord> {
  const s = await tx.suggestions.byId(assessmentId, suggestionId);
  if (!s) throw notFound(`${at}suggestion ${suggestionId} of assessment ${assessmentId}`);
  if (s.status !== 'open') throw invalidState(`${at}suggestion ${suggestionId} is ${s.status} already`);
  if (action === 'accept' && s.count <= 0) {
    throw invalidState(`${at}suggestion ${suggestionId} is a note with no deduction: it cannot be accepted as a finding (dismiss it once read)`);
  }
  return s;
}

export class SuggestionService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions }) {}

  /** Derives suggestions for the assessment's village and period; new ones open, known ones kept as decided. */
  async deriveSuggestions(actor: Actor, assessmentId: number): Promise<{ added: number; total: number }> {
    const { uow, clock, schemes } = this.deps;
    return uow.transaction(async (tx) => {
      const a = await draftToRecord(tx, actor, assessmentId);
      const { scheme, deriveText } = await schemes.schemeOf(a.schemeVersionId, tx);
      if (!deriveText) return { added: 0, total: 0 };
      const config = loadDeriveConfig(deriveText, { scheme });
      const period = { year: a.year, from: a.periodFrom, to: a.periodTo };
      const records = await tx.records.load(a.villageCode, period);
      const derived = deriveSuggestions(config, scheme, records, period);
      const known = await tx.suggestions.keys(assessmentId);
      const fresh = derived.filter((s) => !known.has(s.key));
      const now = clock().toISOString();
      // New suggestions change what the assessment shows: its version moves (before any other
      // write, see takeEditToken), so editors and cached views see them.
      if (fresh.length) await tx.assessments.touch(assessmentId, now);
      await tx.suggestions.insertMany(
        assessmentId,
        fresh.map((s) => ({
          key: s.key,
          item: s.item,
          count: s.count,
          element: s.element ?? null,
          householdNo: s.household ?? null,
          summaryZh: s.summary.zh,
          summaryEn: s.summary.en,
          records: s.records,
          value: s.value ?? null,
        })),
        now,
      );
      if (fresh.length) {
        await audit(tx, clock, actor, { action: 'suggestion.derive', entity: 'assessment', entityId: assessmentId, after: { added: fresh.length, keys: fresh.map((s) => s.key) } });
      }
      return { added: fresh.length, total: derived.length };
    });
  }

  /** Accepts a suggestion: it becomes a finding (source: suggestion). */
  async acceptSuggestion(actor: Actor, assessmentId: number, expectedVersion: number, suggestionId: number, note?: string): Promise<number> {
    const { uow, clock, schemes } = this.deps;
    return uow.transaction(async (tx) => {
      const a = await draftToRecord(tx, actor, assessmentId);
      const s = await openSuggestion(tx, assessmentId, suggestionId, 'accept');
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      const findingId = await this.accept(tx, actor, a, s, note);
      await rescore(tx, schemes, clock, actor, assessmentId);
      return findingId;
    });
  }

  /** Dismisses a suggestion, with a reason. */
  async dismissSuggestion(actor: Actor, assessmentId: number, expectedVersion: number, suggestionId: number, reason: string): Promise<void> {
    if (!reason.trim()) throw new KaoheError('validation', 'reason: say why the suggestion is dismissed');
    const { uow, clock } = this.deps;
    await uow.transaction(async (tx) => {
      await draftToRecord(tx, actor, assessmentId);
      const s = await openSuggestion(tx, assessmentId, suggestionId, 'dismiss');
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      await this.dismiss(tx, actor, s.id, reason);
    });
  }

  /**
   * Accepts or dismisses several suggestions at once, all or none, in one transaction and one
   * version step: each is checked first (one missing, not open, or — to accept — a note with no
   * deduction refuses the whole request, naming it), then decided by the same steps as one alone
   * and audited as one alone; the score is computed once at the end. Answers the findings made
   * (accept), in the order of `ids`.
   */
  async decideSuggestions(
    actor: Actor,
    assessmentId: number,
    expectedVersion: number,
    decision: { action: 'accept' | 'dismiss'; ids: readonly number[]; reason?: string },
  ): Promise<number[]> {
    const { action, ids } = decision;
    if (ids.length === 0) throw new KaoheError('validation', 'ids: choose at least one suggestion');
    if (ids.length > MAX_BULK) throw new KaoheError('validation', `ids: at most ${MAX_BULK} suggestions at once`);
    const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (twice >= 0) throw new KaoheError('validation', `ids.${twice}: suggestion ${ids[twice]} is listed twice`);
    const reason = decision.reason?.trim() ?? '';
    if (action === 'dismiss' && !reason) throw new KaoheError('validation', 'reason: say why the suggestions are dismissed');
    const { uow, clock, schemes } = this.deps;
    return uow.transaction(async (tx) => {
      const a = await draftToRecord(tx, actor, assessmentId);
      const chosen: SuggestionRecord[] = [];
      for (const [i, id] of ids.entries()) chosen.push(await openSuggestion(tx, assessmentId, id, action, `ids.${i}: `));
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      const findings: number[] = [];
      for (const s of chosen) {
        if (action === 'accept') findings.push(await this.accept(tx, actor, a, s));
        else await this.dismiss(tx, actor, s.id, reason);
      }
      if (action === 'accept') await rescore(tx, schemes, clock, actor, assessmentId);
      return findings;
    });
  }

  /** Makes an open suggestion a finding (audited); the caller has taken the edit token and rescores. */
  private async accept(tx: Repos, actor: Actor, a: AssessmentContextRecord, s: SuggestionRecord, note?: string): Promise<number> {
    const { clock, schemes } = this.deps;
    const input: FindingInput = { item: s.item, count: s.count, note: note ?? s.summaryZh };
    if (s.element) input.element = s.element;
    if (s.householdNo) input.household = s.householdNo;
    // A measured value the records give replaces the item's value before, as an inspector's does.
    if (s.value) input.value = s.value;
    const findingId = await insertReplacingValue(tx, schemes, clock, actor, a, input, 'suggestion', { suggestionId: s.id });
    await tx.suggestions.accept(s.id, findingId, clock().toISOString(), actor.user);
    await audit(tx, clock, actor, {
      action: 'suggestion.accept',
      entity: 'suggestion',
      entityId: s.id,
      before: { status: 'open' },
      after: { status: 'accepted', findingId },
    });
    return findingId;
  }

  /** Dismisses an open suggestion (audited); the caller has taken the edit token. */
  private async dismiss(tx: Repos, actor: Actor, suggestionId: number, reason: string): Promise<void> {
    const { clock } = this.deps;
    await tx.suggestions.dismiss(suggestionId, reason, clock().toISOString(), actor.user);
    await audit(tx, clock, actor, {
      action: 'suggestion.dismiss',
      entity: 'suggestion',
      entityId: suggestionId,
      before: { status: 'open' },
      after: { status: 'dismissed', reason },
    });
  }

  /** Every registry record behind a suggestion, for those who see suggestions (not villages, not viewers). */
  async suggestionRecords(actor: Actor, assessmentId: number, suggestionId: number): Promise<{ id: number; item: string; records: unknown[] }> {
    const read = this.deps.uow.read;
    const { ctx } = await assessmentContext(read, assessmentId, needsTeam(actor));
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    if (!maySeeSuggestions(actor)) throw new KaoheError('forbidden', `${actor.user} (${actor.role}) does not see suggested findings`);
    const s = await read.suggestions.byId(assessmentId, suggestionId);
    if (!s) throw notFound(`suggestion ${suggestionId} of assessment ${assessmentId}`);
    return { id: s.id, item: s.item, records: s.records };
  }
}
