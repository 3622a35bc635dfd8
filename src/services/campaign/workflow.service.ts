/** The workflow of an assessment: draft → submitted → reviewed → published, and publishing a whole campaign. */
import type { AssessmentStatus } from '../../core/campaign/records.ts';
import { KaoheError } from '../../core/errors.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertPublish, assertPublishCampaign, assertRecord, assertReview, type Actor } from '../policies.ts';
import type { RankingService } from './rankings.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { assessmentContext, assertOwnsCampaign, audit, hiddenAssessment, invalidState, notFound, progressOf, statisticsTuning, takeEditToken, type Clock } from './shared.ts';

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'snapshots' | 'schemeVersions' | 'findings' | 'suggestions' | 'checks' | 'audit' | 'areas'>;

export type Step = 'submit' | 'sendBack' | 'review' | 'publish';

/** The transitions of the workflow; anything else is refused. */
const TRANSITIONS: Record<Step, { from: AssessmentStatus; to: AssessmentStatus }> = {
  submit: { from: 'draft', to: 'submitted' },
  sendBack: { from: 'submitted', to: 'draft' },
  review: { from: 'submitted', to: 'reviewed' },
  publish: { from: 'reviewed', to: 'published' },
};

export class WorkflowService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; rankings: RankingService; schemes: SchemeVersions }) {}

  /**
   * Moves an assessment along: submit (team), sendBack / review (reviewer), publish (office).
   * Submitting with items not looked at or suggestions still open is the inspector's call (the
   * web asks first): the submit's audit entry records how many there were.
   */
  async transition(actor: Actor, assessmentId: number, expectedVersion: number, step: Step, comment?: string): Promise<void> {
    const t = TRANSITIONS[step];
    if (step === 'sendBack' && !comment?.trim()) throw new KaoheError('validation', 'comment: say what must be corrected when sending back');
    const { uow, clock, rankings } = this.deps;
    await uow.transaction(async (tx) => {
      const { a, ctx } = await assessmentContext(tx, assessmentId);
      if (step === 'submit') assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      else if (step === 'publish') assertPublish(actor, ctx, hiddenAssessment(assessmentId));
      else assertReview(actor, ctx, hiddenAssessment(assessmentId));
      if (a.status !== t.from) throw invalidState(`cannot ${step} an assessment that is ${a.status} (it must be ${t.from})`);
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      const now = clock().toISOString();
      // What was left when it was handed in (read before the status changes; no write yet but the token).
      const left = step === 'submit' ? await progressOf(tx, this.deps.schemes, a) : undefined;
      await tx.assessments.setStep(assessmentId, {
        status: t.to,
        ...(step === 'submit' ? { submittedAt: now, submittedBy: actor.user } : {}),
        ...(step === 'review' ? { reviewedAt: now, reviewedBy: actor.user } : {}),
        ...(step === 'publish' ? { publishedAt: now, publishedBy: actor.user } : {}),
        ...(comment !== undefined ? { comment } : {}),
      });
      await audit(tx, clock, actor, {
        action: `assessment.${step}`,
        entity: 'assessment',
        entityId: assessmentId,
        before: { status: a.status },
        after: {
          status: t.to,
          ...(comment ? { comment } : {}),
          ...(left ? { items: left.total, unchecked: left.left.length, uncheckedItems: left.left, openSuggestions: left.openSuggestions } : {}),
        },
      });
      // A published result changes the published ranking: snapshot it, as publishCampaign does.
      if (step === 'publish') await rankings.snapshot(tx, actor, a.campaignId, `publish ${a.villageCode}`);
    });
  }

  /** Publishes every reviewed assessment of a campaign and snapshots the ranking. */
  async publishCampaign(actor: Actor, campaignId: number): Promise<{ published: number; snapshotId: number }> {
    assertPublishCampaign(actor);
    const { uow, clock, rankings } = this.deps;
    const done = await uow.transaction(async (tx) => {
      if (!(await tx.campaigns.byId(campaignId))) throw notFound(`campaign ${campaignId}`);
      await assertOwnsCampaign(tx, actor, campaignId);
      const at = clock().toISOString();
      // Every reviewed row locked (in id order) and published before the audit head (see takeEditToken).
      const published = await tx.assessments.publishReviewed(campaignId, at, actor.user);
      await tx.audit.appendMany(
        published.map((id) => ({
          at,
          actor: actor.user,
          action: 'assessment.publish',
          entity: 'assessment',
          entityId: id,
          before: { status: 'reviewed' },
          after: { status: 'published' },
        })),
      );
      const snapshotId = await rankings.snapshot(tx, actor, campaignId, 'publish');
      return { published: published.length, snapshotId };
    });
    if (done.published >= statisticsTuning.afterRows) await uow.read.assessments.refreshStatistics();
    return done;
  }
}
