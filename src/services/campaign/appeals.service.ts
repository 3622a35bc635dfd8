/** Appeals: a village appeals an item of its published result; the office decides (upheld, adjusted, rejected). */
import { KaoheError } from '../../core/errors.ts';
import { fromCents } from '../../core/numbers.ts';
import { textOf, walk, type Lang } from '../../core/scheme/model.ts';
import { checkFindings } from '../../core/scoring/score.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { appealsCut, assertAppeal, assertDecideAppeal, assertListAppeals, assertRead, type Actor } from '../policies.ts';
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

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'findings' | 'appeals' | 'snapshots' | 'schemeVersions' | 'audit'>;

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
          if (clock() > deadline) throw invalidState(`the appeal window closed on ${deadline.toISOString().slice(0, 10)} (${a.appealDays} days after publication)`);
          const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
          if (checkFindings(scheme, unitOfVillage(a), [{ item: input.item, count: 0 }]).length)
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
    // A township filter on top of the reader's own cut.
    if (filter.township) rows = rows.filter((r) => r.townshipCode === filter.township);
    if (cut.byTeamOf !== undefined) {
      const mine = new Set((await read.campaigns.teams(campaignId)).filter((t) => t.members.includes(cut.byTeamOf!)).map((t) => t.id));
      rows = rows.filter((r) => r.teamId !== null && mine.has(r.teamId));
    }
    const counts = await read.findings.activeCounts([...new Set(rows.map((r) => r.assessmentId))]);
    const titles = new Map<string, string>();
    walk(scheme, (node) => titles.set(node.code, textOf(node.title, lang)));
    return rows
      .map((r) => ({
        id: r.id,
        assessmentId: r.assessmentId,
        village: r.villageCode,
        villageName: r.villageName,
        township: r.townshipCode,
        townshipName: r.townshipName,
        item: r.item,
        itemTitle: titles.get(r.item) ?? null,
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
      }))
      .sort((x, y) => Number(x.status !== 'open') - Number(y.status !== 'open') || x.id - y.id);
  }

  /**
   * The office decides an appeal. Upheld: the item's findings are superseded by a count of 0;
   * adjusted: by a new finding with the adjusted count; rejected: nothing changes. Superseded
   * findings are kept; the ranking is snapshotted again.
   */
  async decideAppeal(actor: Actor, appealId: number, decision: { outcome: 'upheld' | 'adjusted' | 'rejected'; reason: string; count?: number }): Promise<void> {
    assertDecideAppeal(actor);
    if (!decision.reason.trim()) throw new KaoheError('validation', 'reason: a decision gives its reasons');
    if (decision.outcome === 'adjusted' && (!Number.isInteger(decision.count) || decision.count! < 0)) {
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
      if (ap.status !== 'open') throw invalidState(`appeal ${appealId} is ${ap.status} already`);
      const { a } = await assessmentContext(tx, ap.assessmentId);
      const before = (await tx.assessments.totals(ap.assessmentId))!;
      if (decision.outcome !== 'rejected') {
        const old = await tx.findings.active(ap.assessmentId, ap.item);
        const count = decision.outcome === 'upheld' ? 0 : decision.count!;
        await tx.findings.supersede(old.map((f) => f.id));
        const first = old[0];
        const input: FindingInput = { item: ap.item, count, note: `申诉${decision.outcome === 'upheld' ? '成立' : '调整'}：${decision.reason}` };
        if (first?.element) input.element = first.element;
        if (first?.householdNo) input.household = first.householdNo;
        // The new count applies to what was found: a measured value, a picked amount, a part (issue 18's kinds) carry over.
        Object.assign(input, first ? engineValues(first) : {});
        const findingId = await insertFinding(tx, schemes, clock, actor, a, input, 'appeal', { appealId, ...(first ? { supersedes: first.id } : {}) });
        await audit(tx, clock, actor, {
          action: 'finding.supersede',
          entity: 'finding',
          entityId: findingId,
          before: { findings: old.map((f) => ({ id: f.id, count: f.count })) },
          after: { count },
        });
      }
      await tx.appeals.decide(appealId, {
        status: decision.outcome,
        reason: decision.reason,
        adjustedCount: decision.outcome === 'adjusted' ? decision.count! : null,
        at: clock().toISOString(),
        by: actor.user,
      });
      const result = await rescore(tx, schemes, clock, actor, ap.assessmentId);
      await audit(tx, clock, actor, {
        action: `appeal.${decision.outcome}`,
        entity: 'appeal',
        entityId: appealId,
        before: { status: 'open', total: fromCents(before.total) },
        after: { status: decision.outcome, reason: decision.reason, total: fromCents(result.total), ...(decision.count !== undefined ? { count: decision.count } : {}) },
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
