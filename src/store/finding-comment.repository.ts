/** Reviewers' comments on findings (migration 0011): appended, never changed. */
import type { FindingCommentRecord } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';

/** A comment as its row holds it (the columns ofAssessment reads). */
export const commentOf = (r: { id: number; finding_id: number; author: string; text: string; created_at: string }): FindingCommentRecord => ({
  id: Number(r.id),
  findingId: Number(r.finding_id),
  author: r.author,
  text: r.text,
  createdAt: r.created_at,
});

export class FindingCommentRepository {
  constructor(private readonly db: Executor) {}

  /** The comments on an assessment's findings, oldest first. */
  async ofAssessment(assessmentId: number): Promise<FindingCommentRecord[]> {
    const rows = await this.db
      .selectFrom('finding_comments as c')
      .innerJoin('findings as f', 'f.id', 'c.finding_id')
      .select(['c.id', 'c.finding_id', 'c.author', 'c.text', 'c.created_at'])
      .where('f.assessment_id', '=', assessmentId)
      .orderBy('c.id')
      .execute();
    return rows.map(commentOf);
  }

  async insert(c: Omit<FindingCommentRecord, 'id'>): Promise<number> {
    const r = await this.db
      .insertInto('finding_comments')
      .values({ finding_id: c.findingId, author: c.author, text: c.text, created_at: c.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }
}
