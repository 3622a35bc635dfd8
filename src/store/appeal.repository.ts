/** Appeals of published results, and their decisions. */
import type { Selectable } from 'kysely';
import type { AppealRecord, AppealStatus } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';
import type { AppealsTable } from './schema.ts';

const appealOf = (a: Selectable<AppealsTable>): AppealRecord => ({
  id: a.id,
  assessmentId: a.assessment_id,
  item: a.item,
  reason: a.reason,
  status: a.status,
  decisionReason: a.decision_reason,
  adjustedCount: a.adjusted_count === null ? null : Number(a.adjusted_count),
  createdAt: a.created_at,
  createdBy: a.created_by,
  decidedAt: a.decided_at,
  decidedBy: a.decided_by,
});

/** An appeal as a campaign's list shows it: with its village, township, team and the assessment's total. */
export interface AppealListRecord extends AppealRecord {
  villageCode: string;
  villageName: string;
  townshipCode: string | null;
  townshipName: string | null;
  teamId: number | null;
  /** The assessment's total now, in cents. */
  total: number;
  /** Active evidence files of the appeal. */
  evidenceCount: number;
}

export class AppealRepository {
  constructor(private readonly db: Executor) {}

  async byId(appealId: number): Promise<AppealRecord | undefined> {
    const a = await this.db.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirst();
    return a && appealOf(a);
  }

  async ofAssessment(assessmentId: number): Promise<AppealRecord[]> {
    return (await this.db.selectFrom('appeals').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute()).map(appealOf);
  }

  /** The open appeal of an item, if there is one. */
  async openOfItem(assessmentId: number, item: string): Promise<number | undefined> {
    return (await this.db.selectFrom('appeals').select('id').where('assessment_id', '=', assessmentId).where('item', '=', item).where('status', '=', 'open').executeTakeFirst())
      ?.id;
  }

  async insert(a: { assessmentId: number; item: string; reason: string; createdAt: string; createdBy: string }): Promise<number> {
    const row = await this.db
      .insertInto('appeals')
      .values({ assessment_id: a.assessmentId, item: a.item, reason: a.reason, created_at: a.createdAt, created_by: a.createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async decide(appealId: number, d: { status: Exclude<AppealStatus, 'open'>; reason: string; adjustedCount: number | null; at: string; by: string }): Promise<void> {
    await this.db
      .updateTable('appeals')
      .set({ status: d.status, decision_reason: d.reason, adjusted_count: d.adjustedCount, decided_at: d.at, decided_by: d.by })
      .where('id', '=', appealId)
      .execute();
  }

  /**
   * The appeals of a campaign, by id, cut in the query to a village or a township when asked;
   * `status` 'decided' is every outcome but open.
   */
  async ofCampaign(campaignId: number, cut: { village?: string; township?: string; status?: AppealStatus | 'decided' } = {}): Promise<AppealListRecord[]> {
    let q = this.db
      .selectFrom('appeals as ap')
      .innerJoin('assessments as a', 'a.id', 'ap.assessment_id')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .selectAll('ap')
      .select([
        'a.village_code',
        'a.team_id',
        'a.total',
        'v.name as village_name',
        'v.parent_code',
        't.name as township_name',
        (eb) => eb.selectFrom('evidence as e').select(eb.fn.countAll<number>().as('n')).whereRef('e.appeal_id', '=', 'ap.id').where('e.status', '=', 'active').as('evidence_count'),
      ])
      .where('a.campaign_id', '=', campaignId);
    if (cut.village !== undefined) q = q.where('a.village_code', '=', cut.village);
    if (cut.township !== undefined) q = q.where('v.parent_code', '=', cut.township);
    if (cut.status === 'decided') q = q.where('ap.status', '!=', 'open');
    else if (cut.status) q = q.where('ap.status', '=', cut.status);
    const rows = await q.orderBy('ap.id').execute();
    return rows.map((r) => ({
      ...appealOf(r),
      villageCode: r.village_code,
      villageName: r.village_name,
      townshipCode: r.parent_code,
      townshipName: r.township_name,
      teamId: r.team_id,
      total: Number(r.total),
      evidenceCount: Number(r.evidence_count ?? 0),
    }));
  }
}
