/** Appeals: a village appeals an item of its published result; the office decides (upheld, adjusted, rejected). */
import { KaoheError } from '../../core/errors.ts';
import { localDate } from '../../core/time-zone.ts';
import { officeTimeZone } from '../time-zone.ts';
import { valueFromCents } from '../../contract/finding-values.ts';
import { fromCents, type Cents } from '../../core/numbers.ts';
import { textOf, walk, type Lang, type Rule, type Scheme } from '../../core/scheme/model.ts';
import { checkFindings, type MeasuredValue } from '../../core/scoring/score.ts';
import type { AppealCursor, AppealListRecord } from '../../store/appeal.repository.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { appealsCut, appealsListCut, assertAppeal, assertDecideAppeal, assertListAppeals, assertRead, inArea, type Actor } from '../policies.ts';
import { unitOfVillage } from '../score-sheet.ts';
import type { EvidenceFile, EvidenceService } from './evidence.service.ts';
import type { RankingService } from './rankings.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import {
  appealDeadline,
  assessmentContext,
  audit,
  engineValues,
  hiddenAssessment,
  insertFinding,
  invalidState,
  notFound,
  rescore,
  type Clock,
  type FindingInput,
} from './shared.ts';

/** The office's decision on an appeal (value and amount in core's hundredths). */
export interface AppealDecision {
  outcome: 'upheld' | 'adjusted' | 'rejected';
  reason: string;
  /** The new count of an adjustment (not of a measured item). */
  count?: number;
  /** The value the appeal established, of a measured item (upheld or adjusted). */
  value?: MeasuredValue;
  /** A range rule's amount per occurrence, of an adjustment. */
  amount?: Cents;
  /** The part an adjustment of a several-rule item adjusts. */
  part?: string;
}

/** The rule of an item of the scheme (undefined if there is no such item). */
function ruleOf(scheme: Scheme, code: string): Rule | undefined {
  let rule: Rule | undefined;
  walk(scheme, (n) => {
    if (n.code === code && n.rule) rule = n.rule;
  });
  return rule;
}

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'findings' | 'appeals' | 'snapshots' | 'schemeVersions' | 'audit' | 'areas'>;

/** Which appeals a list shows: open, decided (any outcome) or one outcome. */
export type AppealFilter = 'open' | 'decided' | 'upheld' | 'adjusted' | 'rejected';

export class AppealService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions; rankings: RankingService; evidence: EvidenceService }) {}

  /**
   * A village appeals an item of its published result, within the campaign's window. Evidence
   * files given with it are checked first: a bad file opens no appeal.
   */
  async appeal(actor: Actor, assessmentId: number, input: { item: string; reason: string }, files: EvidenceFile[] = []): Promise<number> {
    if (!input.reason.trim()) throw new KaoheError('validation', 'reason: an appeal gives its reasons');
    const { uow, clock, schemes, evidence } = this.deps;
    return evidence.checkedFirst(
      files,
      () => evidence.evidenceRoom(actor, { assessmentId, appeal: true }),
      async (staged) => {
        const id = await uow.transaction(async (tx) => {
          const { a, ctx } = await assessmentContext(tx, assessmentId);
          assertAppeal(actor, ctx, hiddenAssessment(assessmentId));
          if (a.status !== 'published') throw invalidState('only a published result can be appealed');
          const deadline = appealDeadline(a)!;
          if (clock() > deadline) throw invalidState(`the appeal window closed on ${localDate(deadline, officeTimeZone())} (${a.appealDays} days after publication)`);
          const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
          // Whether the item is one that applies; what a finding of it would need (a value, a part) is the decision's.
          const ITEM_PROBLEMS = ['missing-item', 'unknown-item', 'not-an-item', 'not-applicable'];
          if (checkFindings(scheme, unitOfVillage(a), [{ item: input.item, count: 0 }]).some((p) => ITEM_PROBLEMS.includes(p.code)))
            throw new KaoheError('validation', `item: ${input.item} is not an item of the scheme that applies to this village`);
          // An appeal is part of the assessment's page: its version moves (see takeEditToken).
          // The row is ours from here, so two appeals of one item cannot both pass the check below.
          await tx.assessments.touch(assessmentId, clock().toISOString());
          const open = await tx.appeals.openOfItem(assessmentId, input.item);
          if (open !== undefined) throw invalidState(`item ${input.item} has an open appeal already (${open})`);
          const id = await tx.appeals.insert({ assessmentId, item: input.item, reason: input.reason, createdAt: clock().toISOString(), createdBy: actor.user });
          await audit(tx, clock, actor, { action: 'appeal.open', entity: 'appeal', entityId: id, after: { assessmentId, item: input.item, reason: input.reason } });
          return id;
        });
        if (staged.length > 0) await evidence.addEvidenceFiles(actor, { appealId: id }, staged);
        return id;
      },
    );
  }

  /**
   * The appeals of a campaign the actor may see — the office every one, a reviewer their
   * township's, an inspector those of their team's villages, a village its own; viewers none
   * (refused) — open first, each with its village, the item's title, its evidence files and
   * the item's count as it stands (the count appealed against, or the decided one).
   */
  async listAppeals(actor: Actor, campaignId: number, filter: { status?: AppealFilter; township?: string } = {}, lang: Lang = 'zh') {
    assertListAppeals(actor);
    const read = this.deps.uow.read;
    const c = await read.campaigns.byId(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    const { scheme } = await this.deps.schemes.schemeOf(c.schemeVersionId);
    const cut = appealsCut(actor);
    let rows = await read.appeals.ofCampaign(campaignId, {
      ...(cut.village !== undefined ? { village: cut.village } : {}),
      ...(cut.township !== undefined ? { township: cut.township } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    });
    // A township filter on top of the reader's own cut, and an office's area.
    if (filter.township) rows = rows.filter((r) => r.townshipCode === filter.township);
    if (actor.area) rows = rows.filter((r) => inArea(actor, r.townshipCode));
    if (cut.byTeamOf !== undefined) {
      const mine = new Set((await read.campaigns.teams(campaignId)).filter((t) => t.members.includes(cut.byTeamOf!)).map((t) => t.id));
      rows = rows.filter((r) => r.teamId !== null && mine.has(r.teamId));
    }
    return (await this.listed(rows, scheme, lang)).sort((x, y) => Number(x.status !== 'open') - Number(y.status !== 'open') || x.id - y.id);
  }

  /**
   * A page of the appeals of a campaign the actor may see (as listAppeals, the reader's reach
   * cut in the query: appealsListCut), in the list's order — open first, then by id — after the
   * previous page's last (`after`, the answer's `next`), optionally of one status, one township
   * and a search (`q`: a village code's beginning or a part of its name). `total` counts the
   * appeals under every filter, `counts` them by status (the status filter aside).
   */
  async pageAppeals(
    actor: Actor,
    campaignId: number,
    filter: { status?: AppealFilter; township?: string; q?: string },
    page: { after?: AppealCursor; limit: number },
    lang: Lang = 'zh',
  ) {
    assertListAppeals(actor);
    const read = this.deps.uow.read;
    const c = await read.campaigns.byId(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    const { scheme } = await this.deps.schemes.schemeOf(c.schemeVersionId);
    const { rows, next, counts } = await read.appeals.page(campaignId, appealsListCut(actor), filter, page);
    const total =
      filter.status === undefined
        ? counts.open + counts.upheld + counts.adjusted + counts.rejected
        : filter.status === 'decided'
          ? counts.upheld + counts.adjusted + counts.rejected
          : counts[filter.status];
    return { rows: await this.listed(rows, scheme, lang), next, total, counts };
  }

  /** Appeals as a list gives them: each with the item's title, whether it is measured, and its count as it stands. */
  private async listed(rows: AppealListRecord[], scheme: Scheme, lang: Lang) {
    const read = this.deps.uow.read;
    const counts = await read.findings.activeCounts([...new Set(rows.map((r) => r.assessmentId))]);
    const titles = new Map<string, string>();
    const measured = new Set<string>();
    walk(scheme, (node) => {
      titles.set(node.code, textOf(node.title, lang));
      if (node.rule?.kind === 'measured') measured.add(node.code);
    });
    return rows.map((r) => ({
      id: r.id,
      assessmentId: r.assessmentId,
      village: r.villageCode,
      villageName: r.villageName,
      township: r.townshipCode,
      townshipName: r.townshipName,
      item: r.item,
      itemTitle: titles.get(r.item) ?? null,
      measured: measured.has(r.item),
      reason: r.reason,
      status: r.status,
      decisionReason: r.decisionReason,
      adjustedCount: r.adjustedCount,
      currentCount: counts.get(`${r.assessmentId}|${r.item}`) ?? 0,
      total: fromCents(r.total),
      evidenceCount: r.evidenceCount,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      decidedAt: r.decidedAt,
      decidedBy: r.decidedBy,
    }));
  }

  /**
   * The office decides an appeal. Upheld: the item's findings are superseded by a count of 0;
   * adjusted: by a new finding with the adjusted count; rejected: nothing changes. Superseded
   * findings are kept; the ranking is snapshotted again.
   *
   * Issue 18's kinds: a measured item is decided by the value the appeal established (`value`,
   * upheld or adjusted alike: there is no count to cancel); a discretionary (range) item may be
   * adjusted to another amount per occurrence (`amount`, else the one picked stands); an item of
   * several rules is adjusted one part at a time (`part`: only that part's findings are
   * superseded), and upheld as a whole.
   */
  async decideAppeal(actor: Actor, appealId: number, decision: AppealDecision): Promise<void> {
    assertDecideAppeal(actor);
    if (!decision.reason.trim()) throw new KaoheError('validation', 'reason: a decision gives its reasons');
    if (decision.outcome === 'adjusted' && decision.count !== undefined && (!Number.isInteger(decision.count) || decision.count < 0)) {
      throw new KaoheError('validation', 'count: an adjustment gives the new count (a whole number ≥ 0)');
    }
    const { uow, clock, schemes, rankings } = this.deps;
    await uow.transaction(async (tx) => {
      const target = await tx.appeals.byId(appealId);
      if (!target) throw notFound(`appeal ${appealId}`);
      // The assessment row first (see takeEditToken): two decisions on its appeals queue here,
      // and the appeal is read again once it is ours.
      await tx.assessments.touch(target.assessmentId, clock().toISOString());
      const ap = (await tx.appeals.byId(appealId))!;
      const { a, ctx } = await assessmentContext(tx, ap.assessmentId);
      // An office of an area decides its own villages' appeals (an appeal elsewhere is not there).
      assertRead(actor, ctx, () => notFound(`appeal ${appealId}`));
      if (ap.status !== 'open') throw invalidState(`appeal ${appealId} is ${ap.status} already`);
      const before = (await tx.assessments.totals(ap.assessmentId))!;
      const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
      const rule = ruleOf(scheme, ap.item);
      const measured = rule?.kind === 'measured';
      if (decision.outcome !== 'rejected') {
        if (measured && !decision.value) throw new KaoheError('validation', `value: a decision on the measured item ${ap.item} gives the value the appeal established`);
        if (!measured && decision.value) throw new KaoheError('validation', `value: item ${ap.item} is not measured`);
        if (decision.outcome === 'adjusted' && !measured && decision.count === undefined) {
          throw new KaoheError('validation', 'count: an adjustment gives the new count (a whole number ≥ 0)');
        }
        if (decision.outcome === 'adjusted' && rule?.kind === 'parts' && !rule.parts.some((x) => x.code === decision.part)) {
          throw new KaoheError('validation', `part: an adjustment of item ${ap.item} names the part it adjusts (${rule.parts.map((x) => x.code).join(', ')})`);
        }
        if (decision.amount !== undefined && decision.outcome !== 'adjusted') throw new KaoheError('validation', 'amount: only an adjustment gives an amount');
      }
      let count: number | null = null;
      if (decision.outcome !== 'rejected') {
        const all = await tx.findings.active(ap.assessmentId, ap.item);
        // An adjustment of one part supersedes that part's findings only.
        const old = decision.outcome === 'adjusted' && decision.part !== undefined ? all.filter((f) => f.part === decision.part) : all;
        count = measured ? 1 : decision.outcome === 'upheld' ? 0 : decision.count!;
        await tx.findings.supersede(old.map((f) => f.id));
        const first = old[0];
        const input: FindingInput = { item: ap.item, count, note: `申诉${decision.outcome === 'upheld' ? '成立' : '调整'}：${decision.reason}` };
        if (first?.element) input.element = first.element;
        if (first?.householdNo) input.household = first.householdNo;
        // What was found carries over (a picked amount, a part), unless the decision says otherwise.
        Object.assign(input, first ? engineValues(first) : {});
        if (rule?.kind === 'parts' && !input.part) input.part = decision.part ?? rule.parts[0]!.code;
        if (decision.part !== undefined) input.part = decision.part;
        if (decision.value) input.value = decision.value;
        if (decision.amount !== undefined) input.amount = decision.amount;
        const findingId = await insertFinding(tx, schemes, clock, actor, a, input, 'appeal', { appealId, ...(first ? { supersedes: first.id } : {}) });
        await audit(tx, clock, actor, {
          action: 'finding.supersede',
          entity: 'finding',
          entityId: findingId,
          before: {
            findings: old.map((f) => ({
              id: f.id,
              count: f.count,
              ...(f.value ? { value: valueFromCents(f.value) } : {}),
              ...(f.amount !== null ? { amount: fromCents(f.amount) } : {}),
            })),
          },
          after: {
            count,
            ...(input.value ? { value: valueFromCents(input.value) } : {}),
            ...(input.amount !== undefined ? { amount: fromCents(input.amount) } : {}),
            ...(input.part ? { part: input.part } : {}),
          },
        });
      }
      await tx.appeals.decide(appealId, {
        status: decision.outcome,
        reason: decision.reason,
        adjustedCount: decision.outcome === 'adjusted' && !measured ? count : null,
        at: clock().toISOString(),
        by: actor.user,
      });
      const result = await rescore(tx, schemes, clock, actor, ap.assessmentId);
      await audit(tx, clock, actor, {
        action: `appeal.${decision.outcome}`,
        entity: 'appeal',
        entityId: appealId,
        before: { status: 'open', total: fromCents(before.total) },
        after: {
          status: decision.outcome,
          reason: decision.reason,
          total: fromCents(result.total),
          ...(decision.count !== undefined ? { count: decision.count } : {}),
          ...(decision.value ? { value: valueFromCents(decision.value) } : {}),
          ...(decision.amount !== undefined ? { amount: fromCents(decision.amount) } : {}),
          ...(decision.part !== undefined ? { part: decision.part } : {}),
        },
      });
      if (decision.outcome !== 'rejected') await rankings.snapshot(tx, actor, a.campaignId, `appeal ${appealId}`);
    });
  }

  /** An appeal, for a reader of its assessment. */
  async appealInfo(actor: Actor, appealId: number) {
    const read = this.deps.uow.read;
    const ap = await read.appeals.byId(appealId);
    if (!ap) throw notFound(`appeal ${appealId}`);
    const { ctx } = await assessmentContext(read, ap.assessmentId);
    assertRead(actor, ctx, () => notFound(`appeal ${appealId}`));
    return ap;
  }
}
