/**
 * Reviewers' comments on one finding (评审意见): the township's reviewer or the office writes one
 * under a finding, at any stage of the assessment; the office, reviewers and the village's
 * inspectors read them with the assessment (villages and viewers do not). A comment changes no
 * score and takes no edit token: an inspector at work on the draft is not interrupted by it.
 */
import type { FindingCommentRecord } from '../../core/campaign/records.ts';
import { KaoheError } from '../../core/errors.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertCommentFinding, type Actor } from '../policies.ts';
import { assessmentContext, audit, notFound, type Clock } from './shared.ts';

type Repos = Pick<Repositories, 'assessments' | 'campaigns' | 'findings' | 'comments' | 'audit'>;

/** The longest comment taken. */
export const MAX_COMMENT = 2000;

export class FindingCommentService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock }) {}

  /** Adds a comment to a finding; audited (`finding.comment`). Who may not read its assessment is told the finding is not there. Answers the stored comment. */
  async addComment(actor: Actor, findingId: number, text: string): Promise<FindingCommentRecord> {
    const body = text.trim();
    if (!body) throw new KaoheError('validation', 'text: write the comment');
    if (body.length > MAX_COMMENT) throw new KaoheError('validation', `text: at most ${MAX_COMMENT} characters`);
    const { uow, clock } = this.deps;
    return uow.transaction(async (tx) => {
      const missing = () => notFound(`finding ${findingId}`);
      const owner = await tx.findings.owner(findingId);
      if (!owner) throw missing();
      const { ctx } = await assessmentContext(tx, owner.assessmentId);
      assertCommentFinding(actor, ctx, missing);
      const f = await tx.findings.byId(owner.assessmentId, findingId);
      const comment = { findingId, author: actor.user, text: body, createdAt: clock().toISOString() };
      const id = await tx.comments.insert(comment);
      await audit(tx, clock, actor, {
        action: 'finding.comment',
        entity: 'finding',
        entityId: findingId,
        after: { assessmentId: owner.assessmentId, item: f?.item, commentId: id, text: body },
      });
      return { id, ...comment };
    });
  }
}
