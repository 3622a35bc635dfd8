/**
 * Reading one village's assessment: the whole view (findings, evidence, suggestions, appeals,
 * score and explanation), its state after a change, and its printable score sheet.
 */
import { formatAnchor } from '../../core/audit-anchor.ts';
import { officeTimeZone, officeToday } from '../time-zone.ts';
import { itemsToLook, lookProgress } from '../../core/campaign/progress.ts';
import type { AssessmentContextRecord } from '../../core/campaign/records.ts';
import type { KaoheError } from '../../core/errors.ts';
import { fromCents } from '../../core/numbers.ts';
import { textOf, type Lang } from '../../core/scheme/model.ts';
import { explain } from '../../core/scoring/explain.ts';
import { resultToJson, score } from '../../core/scoring/score.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertRead, maySeeSuggestions, needsTeam, type Actor } from '../policies.ts';
import { buildScoreSheet, unitOfVillage, type ScoreSheet } from '../score-sheet.ts';
import type { RankingService } from './rankings.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { activeFindings, appealDeadline, assessmentContext, engineFinding, hiddenAssessment, notFound, type Clock } from './shared.ts';

type Repos = Pick<
  Repositories,
  'campaigns' | 'assessments' | 'areas' | 'findings' | 'evidence' | 'suggestions' | 'checks' | 'comments' | 'appeals' | 'schemeVersions' | 'audit' | 'views'
>;

/** Who reads an assessment: the office, reviewers and inspectors see the working material (suggestions); a village and viewers the result. */
type AssessmentReader = 'work' | 'result';
/** One assessment as getAssessment returns it. */
export type AssessmentView = Awaited<ReturnType<AssessmentService['assessmentView']>>;
/** The records of a suggestion an assessment view carries (the rest: suggestionRecords). */
export const SHOWN_RECORDS = 50;
/** Assessment views kept at most (a few per village: reader kinds and languages). */
const MAX_VIEWS = 2000;

export class AssessmentService {
  /** Assessment views by assessment, kind of reader and language (see getAssessment). */
  private readonly views = new Map<string, { stamp: string; view: AssessmentView }>();

  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions; rankings: RankingService }) {}

  async assessmentId(campaignId: number, villageCode: string): Promise<number> {
    const id = await this.deps.uow.read.assessments.idOf(campaignId, villageCode);
    if (id === undefined) throw notFound(`village ${villageCode} in campaign ${campaignId}`);
    return id;
  }

  /**
   * A village's assessment in a campaign, by the village's code. Who may not read it is told the
   * village is not in the campaign, word for word what a village that is not gets.
   */
  async getVillageAssessment(actor: Actor, campaignId: number, villageCode: string, lang: Lang = 'zh'): Promise<AssessmentView> {
    const id = await this.assessmentId(campaignId, villageCode);
    return this.getAssessment(actor, id, lang, () => notFound(`village ${villageCode} in campaign ${campaignId}`));
  }

  /**
   * The whole assessment as its reader may see it: findings, evidence, suggestions, appeals,
   * score and explanation. The view is kept per assessment, kind of reader and language, and
   * reused while the assessment row read for the access check is unchanged: its version moves
   * in the transaction of every change to its findings, evidence, suggestions, appeals or
   * status, and the rest of the row (village attributes, scheme version, comment) is compared
   * too, and so are the comments on its findings (which take no edit token, see
   * FindingCommentService) for those who read them. The same object is returned while nothing changed (presenters may memoise on it); it
   * must not be modified.
   */
  async getAssessment(actor: Actor, assessmentId: number, lang: Lang = 'zh', hidden: () => KaoheError = hiddenAssessment(assessmentId)): Promise<AssessmentView> {
    // Suggestions are the inspectors' working material, not part of a village's result.
    const sees: AssessmentReader = maySeeSuggestions(actor) ? 'work' : 'result';
    // For those who read the comments, their stamp comes with the row (one round trip).
    const { a, ctx } = await assessmentContext(this.deps.uow.read, assessmentId, needsTeam(actor), sees === 'work');
    assertRead(actor, ctx, hidden);
    const key = `${assessmentId}|${sees}|${lang}`;
    const stamp = JSON.stringify(a);
    const hit = this.views.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest entry is the first one dropped.
      this.views.delete(key);
      this.views.set(key, hit);
      return hit.view;
    }
    const view = await this.assessmentView(a, lang, sees);
    this.views.delete(key);
    if (this.views.size >= MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
    this.views.set(key, { stamp, view });
    return view;
  }

  private async assessmentView(a: AssessmentContextRecord, lang: Lang, sees: AssessmentReader) {
    const read = this.deps.uow.read;
    const { scheme } = await this.deps.schemes.schemeOf(a.schemeVersionId);
    // Suggestions, the marks "checked, no deduction", the progress and reviewers' comments on
    // findings are working material (maySeeFindingComments: the readers of suggestions).
    // All of it in one round trip on PostgreSQL (store/assessment-view.repository.ts).
    const { findings, evidence, suggestions, checks, appeals, comments, combines } = await read.views.rowsOf(a.id, a.campaignId, sees === 'work');
    // Scored from the findings read here (not the stored result), so the view agrees with its findings.
    const result = score(scheme, unitOfVillage(a), findings.filter((f) => f.status === 'active').map(engineFinding));
    const progress =
      sees === 'work'
        ? lookProgress(itemsToLook(result), {
            findings: findings.filter((f) => f.status !== 'withdrawn').map((f) => f.item),
            suggestions,
            checks: checks.map((c) => c.item),
          })
        : null;
    return {
      id: a.id,
      campaignId: a.campaignId,
      campaign: a.campaignName,
      village: { code: a.villageCode, name: a.villageName, township: a.townshipCode, povertyVillage: a.povertyVillage },
      status: a.status,
      version: a.version,
      comment: a.comment,
      publishedAt: a.publishedAt,
      appealsUntil: appealDeadline(a)?.toISOString() ?? null,
      // A final campaign combining others' results (平时考核×30%＋年终考核×70%): the page shows the combined result too.
      combines,
      scheme: { id: scheme.id, version: scheme.version },
      findings,
      evidence,
      // A suggestion can rest on a thousand records (every household-month short of visits):
      // the view carries the first ones and their number; suggestionRecords gives them all.
      suggestions: suggestions.map((s) => ({ ...s, records: s.records.slice(0, SHOWN_RECORDS), recordCount: s.records.length })),
      appeals,
      checks,
      comments,
      progress,
      score: resultToJson(result),
      explanation: explain(result, scheme, lang).map((l) => l.text),
    };
  }

  /** An assessment's status, version and totals (after a change, for the client's next edit). */
  async assessmentState(actor: Actor, assessmentId: number) {
    const read = this.deps.uow.read;
    const { a, ctx } = await assessmentContext(read, assessmentId);
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    const t = (await read.assessments.totals(assessmentId))!;
    return { id: a.id, status: a.status, version: a.version, base: fromCents(t.base), bonus: fromCents(t.bonus), total: fromCents(t.total) };
  }

  /**
   * The printable score sheet: header (county, township, campaign, village, team, date), every
   * node with its maximum, deduction and score, every deduction with its reason and evidence,
   * totals, grade and rank (among the results the reader may see).
   */
  async scoreSheet(actor: Actor, assessmentId: number, lang: Lang = 'zh'): Promise<ScoreSheet> {
    const read = this.deps.uow.read;
    const { a, ctx } = await assessmentContext(read, assessmentId);
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    const { scheme } = await this.deps.schemes.schemeOf(a.schemeVersionId);
    const findings = await activeFindings(read, assessmentId);
    const township = a.townshipCode ? await read.areas.byCode(a.townshipCode) : undefined;
    const county = township?.parentCode ? await read.areas.byCode(township.parentCode) : undefined;
    const team = a.teamId === null ? undefined : await read.campaigns.teamName(a.teamId);
    const evidence = await read.evidence.activeOfFindings(findings.map((f) => Number(f.id)));
    const ranking = await this.deps.rankings.rankingFor(actor, a.campaignId);
    const placed = ranking.county.find((v) => v.village === a.villageCode);
    const inTownship = ranking.townships.find((t) => t.township === a.townshipCode);
    const head = await read.audit.head();
    return buildScoreSheet({
      scheme,
      unit: unitOfVillage(a),
      findings,
      evidence,
      lang,
      header: {
        county: county ? { code: county.code, name: county.name } : null,
        township: township ? { code: township.code, name: township.name } : null,
        campaign: { id: a.campaignId, name: a.campaignName, year: a.year, period: { from: a.periodFrom, to: a.periodTo } },
        village: { code: a.villageCode, name: a.villageName },
        team: team ?? null,
        scheme: { id: scheme.id, version: scheme.version, title: textOf(scheme.title, lang) },
        status: a.status,
        publishedAt: a.publishedAt,
        date: officeToday(this.deps.clock),
        timeZone: officeTimeZone(),
        auditAnchor: head ? formatAnchor(head) : null,
      },
      rank: placed
        ? { basis: ranking.basis, county: placed.countyRank, countyOf: ranking.county.length, township: placed.townshipRank, townshipOf: inTownship?.count ?? null }
        : null,
    });
  }
}
