/** Appeals of published results, and their decisions. */
import { sql, type Selectable, type SqlBool } from 'kysely';
import type { AppealRecord, AppealStatus } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';
import { allOf, reachConditions, villageMatches, type ReachCut } from './list-cut.ts';
import type { AppealsTable } from './schema.ts';

export const appealOf = (a: Selectable<AppealsTable>): AppealRecord => ({
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
    let q = this.listQuery(campaignId);
    if (cut.village !== undefined) q = q.where('a.village_code', '=', cut.village);
    if (cut.township !== undefined) q = q.where('v.parent_code', '=', cut.township);
    if (cut.status === 'decided') q = q.where('ap.status', '!=', 'open');
    else if (cut.status) q = q.where('ap.status', '=', cut.status);
    return (await q.orderBy('ap.id').execute()).map(toListRecord);
  }

  /**
   * A page of a campaign's appeals as its list orders them — open ones first, then the decided,
   * each by id — within the reader's reach (`cut`, all of it in the query) and the filters,
   * after the row `after` (the previous page's last: its rank, 0 open or 1 decided, and id), at
   * most `limit`; `next` is the last row's cursor when more follow. `counts` are the appeals by
   * status under the cut, the township and `q` (the status filter aside).
   */
  async page(
    campaignId: number,
    cut: ReachCut,
    filter: { township?: string; status?: AppealStatus | 'decided'; q?: string },
    page: { after?: AppealCursor; limit: number },
  ): Promise<{ rows: AppealListRecord[]; next: AppealCursor | null; counts: Record<AppealStatus, number> }> {
    const conditions = appealConditions(cut, filter);
    const rank = sql<number>`case when ${sql.ref('ap.status')} = 'open' then 0 else 1 end`;
    if (page.after !== undefined) {
      const { rank: r, id } = page.after;
      conditions.push(sql<SqlBool>`(${rank} > ${r} or (${rank} = ${r} and ${sql.ref('ap.id')} > ${id}))`);
    }
    const rows = (
      await this.listQuery(campaignId)
        .where(allOf(conditions))
        .orderBy(rank)
        .orderBy('ap.id')
        .limit(page.limit + 1)
        .execute()
    ).map(toListRecord);
    const more = rows.length > page.limit;
    if (more) rows.length = page.limit;
    const counted = await this.db
      .selectFrom('appeals as ap')
      .innerJoin('assessments as a', 'a.id', 'ap.assessment_id')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select(['ap.status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.campaign_id', '=', campaignId)
      .where(allOf(appealConditions(cut, { ...filter, status: undefined })))
      .groupBy('ap.status')
      .execute();
    const counts: Record<AppealStatus, number> = { open: 0, upheld: 0, adjusted: 0, rejected: 0 };
    for (const c of counted) counts[c.status] = Number(c.n);
    const last = rows[rows.length - 1];
    return { rows, next: more && last ? { rank: last.status === 'open' ? 0 : 1, id: last.id } : null, counts };
  }

  /** A campaign's appeals with their villages, townships, teams, totals and evidence counts. */
  private listQuery(campaignId: number) {
    return this.db
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
  }
}

/** Where a page of appeals starts: after the appeal of this rank (0 open, 1 decided) and id. */
export interface AppealCursor {
  rank: 0 | 1;
  id: number;
}

/** The conditions of a page of appeals: the reader's reach, then the township, status and search asked for. */
function appealConditions(cut: ReachCut, filter: { township?: string | undefined; status?: AppealStatus | 'decided' | undefined; q?: string | undefined }) {
  const out = reachConditions(cut);
  if (filter.township !== undefined) out.push(sql<SqlBool>`${sql.ref('v.parent_code')} = ${filter.township}`);
  if (filter.status === 'decided') out.push(sql<SqlBool>`${sql.ref('ap.status')} <> 'open'`);
  else if (filter.status !== undefined) out.push(sql<SqlBool>`${sql.ref('ap.status')} = ${filter.status}`);
  if (filter.q) out.push(villageMatches(filter.q));
  return out;
}

/** A row of listQuery as the list's record. */
function toListRecord(
  r: Selectable<AppealsTable> & {
    village_code: string;
    village_name: string;
    parent_code: string | null;
    township_name: string | null;
    team_id: number | null;
    total: number | string | bigint;
    evidence_count: number | string | bigint | null;
  },
): AppealListRecord {
  return {
    ...appealOf(r),
    villageCode: r.village_code,
    villageName: r.village_name,
    townshipCode: r.parent_code,
    townshipName: r.township_name,
    teamId: r.team_id,
    total: Number(r.total),
    evidenceCount: Number(r.evidence_count ?? 0),
  };
}
