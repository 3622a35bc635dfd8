/** Assessments: one per village and campaign, with its status, edit version and stored score. */
import type { AssessmentContextRecord, AssessmentStatus, Totals, VillageAttributes } from '../core/campaign/records.ts';
import { sql, type SqlBool } from 'kysely';
import type { Dialect } from './db.ts';
import type { Executor } from './executor.ts';
import { readInChunks, writeInChunks } from './in-chunks.ts';
import { allOf, reachConditions, villageMatches, type ReachCut } from './list-cut.ts';

/** A stored score: totals in cents and the engine's result as JSON text. */
export interface StoredScore extends Totals {
  result: string;
  /** What a ranking reads of it (services/campaign/ranking-parts.ts), JSON. */
  parts: string;
}

/** An assessment as the campaign's lists and rankings show it. */
/** A count of a campaign's assessments of one team (null: none), township and status. */
export interface AssessmentGroup {
  teamId: number | null;
  townshipCode: string | null;
  townshipName: string | null;
  status: AssessmentStatus;
  n: number;
}

export interface AssessmentListRecord extends Totals {
  id: number;
  villageCode: string;
  villageName: string;
  townshipCode: string | null;
  townshipName: string | null;
  status: AssessmentStatus;
  version: number;
  teamId: number | null;
  updatedAt: string;
  publishedAt: string | null;
}

/** An assessment as an inspector's list of villages shows it: the list row, the comment, and the village's attributes (what the scheme's conditions test). */
export interface WorklistRecord extends AssessmentListRecord, VillageAttributes {
  comment: string | null;
  submittedAt: string | null;
}

/** What a workflow step writes besides the status. */
export interface StepStamp {
  status: AssessmentStatus;
  submittedAt?: string;
  submittedBy?: string;
  reviewedAt?: string;
  reviewedBy?: string;
  publishedAt?: string;
  publishedBy?: string;
  comment?: string;
}

export class AssessmentRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** Draft assessments for the villages of a new campaign, each with the empty score. */
  async insertDrafts(campaignId: number, villages: readonly string[], now: string, empty: StoredScore): Promise<void> {
    for (let i = 0; i < villages.length; i += 500) {
      await this.db
        .insertInto('assessments')
        .values(
          villages.slice(i, i + 500).map((v) => ({
            campaign_id: campaignId,
            village_code: v,
            updated_at: now,
            base: empty.base,
            bonus: empty.bonus,
            total: empty.total,
            result: empty.result,
            parts: empty.parts,
          })),
        )
        .execute();
    }
  }

  async villageCodes(campaignId: number): Promise<string[]> {
    return (await this.db.selectFrom('assessments').select('village_code').where('campaign_id', '=', campaignId).execute()).map((a) => a.village_code);
  }

  /** The campaign's villages in these townships, by code. */
  async villagesIn(campaignId: number, townships: readonly string[]): Promise<Array<{ code: string; township: string }>> {
    if (townships.length === 0) return [];
    const rows = await readInChunks(townships, (chunk) =>
      this.db
        .selectFrom('assessments as a')
        .innerJoin('areas as v', 'v.code', 'a.village_code')
        .select(['a.village_code', 'v.parent_code'])
        .where('a.campaign_id', '=', campaignId)
        .where('v.parent_code', 'in', chunk)
        .execute(),
    );
    return rows.map((r) => ({ code: r.village_code, township: r.parent_code! }));
  }

  /**
   * A campaign's assessments under a reader's cut, counted by team, township and status: the
   * campaign page's progress, townships and teams without the campaign's rows (a province's
   * 50,000 come to a few thousand groups).
   */
  async groups(campaignId: number, cut: ReachCut): Promise<AssessmentGroup[]> {
    const rows = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .select(['a.team_id', 'v.parent_code', 't.name as township_name', 'a.status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.campaign_id', '=', campaignId)
      .where(allOf(reachConditions(cut)))
      .groupBy(['a.team_id', 'v.parent_code', 't.name', 'a.status'])
      .orderBy('v.parent_code')
      .execute();
    return rows.map((r) => ({ teamId: r.team_id, townshipCode: r.parent_code, townshipName: r.township_name, status: r.status, n: Number(r.n) }));
  }

  /** The comments of a campaign's drafts that have one, under a reader's cut (the sent-back drafts are among them). */
  async draftComments(campaignId: number, cut: ReachCut): Promise<string[]> {
    const rows = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select('a.comment')
      .where('a.campaign_id', '=', campaignId)
      .where('a.status', '=', 'draft')
      .where('a.comment', 'is not', null)
      .where(allOf(reachConditions(cut)))
      .execute();
    return rows.map((r) => r.comment ?? '');
  }

  /** The township of every village a campaign assesses, each once (null: a village without one). */
  async townships(campaignId: number): Promise<(string | null)[]> {
    const rows = await this.db
      .selectFrom('assessments as s')
      .innerJoin('areas as v', 'v.code', 's.village_code')
      .select('v.parent_code')
      .distinct()
      .where('s.campaign_id', '=', campaignId)
      .execute();
    return rows.map((r) => r.parent_code);
  }

  async ids(campaignId: number): Promise<number[]> {
    return (await this.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute()).map((r) => r.id);
  }

  /** Gives a team these villages of the campaign (a statement for every 500 codes), or every one of them (`all`). */
  async assignTeam(campaignId: number, teamId: number, villages: readonly string[] | 'all'): Promise<void> {
    const set = () => this.db.updateTable('assessments').set({ team_id: teamId }).where('campaign_id', '=', campaignId);
    if (villages === 'all') {
      await set().execute();
      return;
    }
    await readInChunks(villages, async (chunk) => {
      await set().where('village_code', 'in', chunk).execute();
      return [];
    });
  }

  async idOf(campaignId: number, villageCode: string): Promise<number | undefined> {
    return (await this.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).where('village_code', '=', villageCode).executeTakeFirst())?.id;
  }

  /** The assessment with its village and campaign. */
  async context(id: number, options: { commentStamp?: boolean } = {}): Promise<(AssessmentContextRecord & { commentStamp?: string }) | undefined> {
    const a = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
      .select([
        'a.id',
        'a.campaign_id',
        'a.village_code',
        'a.team_id',
        'a.status',
        'a.version',
        'a.comment',
        'a.published_at',
        'v.name as village_name',
        'v.parent_code as township_code',
        'v.poverty_village',
        'v.planned_exit_year',
        'v.exit_year',
        'v.population',
        'c.scheme_version_id',
        'c.year',
        'c.period_from',
        'c.period_to',
        'c.appeal_days',
        'c.name as campaign_name',
      ])
      // What changes when a comment is added to its findings (their number and the last id): a
      // view of the assessment is kept while this and the row are unchanged. In the same round trip.
      .$if(!!options.commentStamp, (q) =>
        q.select((eb) => [
          eb
            .selectFrom('finding_comments as fc')
            .innerJoin('findings as ff', 'ff.id', 'fc.finding_id')
            .whereRef('ff.assessment_id', '=', 'a.id')
            .select((sub) => sub.fn.countAll().as('n'))
            .as('comment_count'),
          eb
            .selectFrom('finding_comments as fc')
            .innerJoin('findings as ff', 'ff.id', 'fc.finding_id')
            .whereRef('ff.assessment_id', '=', 'a.id')
            .select((sub) => sub.fn.max('fc.id').as('m'))
            .as('comment_last'),
        ]),
      )
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!a) return undefined;
    return {
      id: a.id,
      campaignId: a.campaign_id,
      villageCode: a.village_code,
      teamId: a.team_id,
      status: a.status,
      version: Number(a.version),
      comment: a.comment,
      publishedAt: a.published_at,
      villageName: a.village_name,
      townshipCode: a.township_code,
      povertyVillage: Number(a.poverty_village) === 1,
      plannedExitYear: a.planned_exit_year,
      exitYear: a.exit_year,
      population: a.population,
      schemeVersionId: a.scheme_version_id,
      year: Number(a.year),
      periodFrom: a.period_from,
      periodTo: a.period_to,
      appealDays: Number(a.appeal_days),
      campaignName: a.campaign_name,
      ...(options.commentStamp ? { commentStamp: `${Number(a.comment_count ?? 0)}:${Number(a.comment_last ?? 0)}` } : {}),
    };
  }

  /** The village names of some assessments, by assessment id (one query a few hundred ids). */
  async villageNames(ids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('assessments as a')
        .innerJoin('areas as v', 'v.code', 'a.village_code')
        .select(['a.id', 'v.name'])
        .where('a.id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(Number(r.id), r.name);
    }
    return out;
  }

  /** Moves the version from `expected` by one (the row lock of the transaction); false when it is not at `expected`. */
  async bump(id: number, expected: number, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('assessments')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async version(id: number): Promise<number | undefined> {
    const r = await this.db.selectFrom('assessments').select('version').where('id', '=', id).executeTakeFirst();
    return r && Number(r.version);
  }

  /** Moves the version whatever it is (and takes the row lock). */
  async touch(id: number, now: string): Promise<void> {
    await this.db
      .updateTable('assessments')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .execute();
  }

  /** Moves the version of every assessment of a campaign. */
  async touchCampaign(campaignId: number, now: string): Promise<void> {
    await this.db
      .updateTable('assessments')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('campaign_id', '=', campaignId)
      .execute();
  }

  async status(id: number): Promise<AssessmentStatus | undefined> {
    return (await this.db.selectFrom('assessments').select('status').where('id', '=', id).executeTakeFirst())?.status;
  }

  async totals(id: number): Promise<Totals | undefined> {
    const t = await this.db.selectFrom('assessments').select(['base', 'bonus', 'total']).where('id', '=', id).executeTakeFirst();
    return t && { base: Number(t.base), bonus: Number(t.bonus), total: Number(t.total) };
  }

  async saveScore(id: number, s: StoredScore): Promise<void> {
    await this.db.updateTable('assessments').set({ base: s.base, bonus: s.bonus, total: s.total, result: s.result, parts: s.parts }).where('id', '=', id).execute();
  }

  /**
   * Stores many assessments' scores (a campaign rescored): on PostgreSQL 500 rows a statement
   * (given as one JSON parameter, joined by id), on SQLite a statement a row (no round trip to pay).
   */
  async saveScores(scores: ReadonlyArray<StoredScore & { id: number }>): Promise<void> {
    if (this.dialect !== 'postgres') {
      for (const s of scores) await this.saveScore(s.id, s);
      return;
    }
    // Each chunk as one JSON parameter (serialised natively), not six arrays of text that the driver escapes element by element.
    await writeInChunks(scores, (chunk) =>
      sql`update assessments as a set base = v.base, bonus = v.bonus, total = v.total, result = v.result, parts = v.parts
        from json_to_recordset(${JSON.stringify(chunk)}::json) as v(id integer, base integer, bonus integer, total integer, result text, parts text)
        where a.id = v.id`.execute(this.db),
    );
  }

  async setStep(id: number, step: StepStamp): Promise<void> {
    const set: Partial<Record<string, string | null>> = { status: step.status };
    if (step.submittedAt !== undefined) Object.assign(set, { submitted_at: step.submittedAt, submitted_by: step.submittedBy });
    if (step.reviewedAt !== undefined) Object.assign(set, { reviewed_at: step.reviewedAt, reviewed_by: step.reviewedBy });
    if (step.publishedAt !== undefined) Object.assign(set, { published_at: step.publishedAt, published_by: step.publishedBy });
    if (step.comment !== undefined) set.comment = step.comment;
    await this.db.updateTable('assessments').set(set).where('id', '=', id).execute();
  }

  /**
   * After a write of a whole campaign's rows (a campaign created over a province's 50,000 villages,
   * a campaign published at once): PostgreSQL's statistics of the table read again (ANALYZE,
   * outside the write's transaction), so the next ranking is planned for 50,000 rows, not for the
   * few hundred the old statistics said (a nested loop of 50,000 lookups: 0.28 s against 0.10 s).
   * Autovacuum would, a minute or more later. SQLite plans these reads by their indexes alone.
   */
  async refreshStatistics(): Promise<void> {
    if (this.dialect === 'postgres') await sql`analyze assessments`.execute(this.db);
  }

  /**
   * Publishes every assessment of a campaign that is reviewed (moving each one's version); the
   * ids published, in order. The rows are locked in id order first on PostgreSQL (two
   * publications of one campaign at once wait on each other, never deadlock), then published 500
   * a statement by id: a plan that reads them by id whatever the statistics say (one statement
   * joining the campaign's rows to themselves, planned on statistics that counted one reviewed
   * row, took 545 s for 50,000). One another transaction moved on meanwhile is left alone.
   */
  async publishReviewed(campaignId: number, now: string, by: string): Promise<number[]> {
    let reviewed = this.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).where('status', '=', 'reviewed').orderBy('id');
    if (this.dialect === 'postgres') reviewed = reviewed.forUpdate();
    const ids = (await reviewed.execute()).map((r) => r.id);
    const set = { status: 'published' as const, published_at: now, published_by: by, version: sql<number>`version + 1`, updated_at: now };
    const published = await readInChunks(ids, (chunk) =>
      this.db.updateTable('assessments').set(set).where('id', 'in', chunk).where('status', '=', 'reviewed').returning('id').execute(),
    );
    return published.map((r) => r.id).sort((a, b) => a - b);
  }

  /** Every assessment of a campaign with its village and township, by village code. */
  async list(campaignId: number): Promise<AssessmentListRecord[]> {
    return this.listed(campaignId, false, true);
  }

  /**
   * A page of a campaign's list: the rows within the reader's reach (`cut`) and the filters, by
   * village code after `after` (the previous page's last), at most `limit`; `next` is the last
   * row's village code when more follow. `counts` are the rows by status under the cut, the
   * township and `q` (the status filter aside), so a page can say how many each status has.
   */
  async page(
    campaignId: number,
    cut: ReachCut,
    filter: { township?: string; status?: AssessmentStatus; q?: string },
    page: { after?: string; limit: number },
  ): Promise<{ rows: AssessmentListRecord[]; next: string | null; counts: Record<AssessmentStatus, number> }> {
    const rows = (await this.pageQuery(campaignId, cut, filter, page).execute()).map(toListRecord);
    const more = rows.length > page.limit;
    if (more) rows.length = page.limit;
    const counted = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select(['a.status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.campaign_id', '=', campaignId)
      .where(allOf(pageConditions(cut, { ...filter, status: undefined })))
      .groupBy('a.status')
      .execute();
    const counts: Record<AssessmentStatus, number> = { draft: 0, submitted: 0, reviewed: 0, published: 0 };
    for (const c of counted) counts[c.status] = Number(c.n);
    return { rows, next: more ? rows[rows.length - 1]!.villageCode : null, counts };
  }

  /**
   * The query of a page (one row more than `limit`, to tell whether another page follows): by
   * village code, so that the unique (campaign_id, village_code) index (assessments_nk) walks a
   * campaign in order and each page starts where the last ended (list-paging.test.ts).
   */
  pageQuery(campaignId: number, cut: ReachCut, filter: { township?: string; status?: AssessmentStatus; q?: string }, page: { after?: string; limit: number }) {
    const conditions = pageConditions(cut, filter);
    if (page.after !== undefined) conditions.push(sql<SqlBool>`${sql.ref('a.village_code')} > ${page.after}`);
    return this.listQuery(campaignId)
      .where(allOf(conditions))
      .orderBy('a.village_code')
      .limit(page.limit + 1);
  }

  /** The assessments a ranking is computed from (all, or published ones), in the store's order. */
  async forRanking(campaignId: number, publishedOnly: boolean): Promise<AssessmentListRecord[]> {
    return this.listed(campaignId, publishedOnly, false);
  }

  /**
   * Every assessment of a campaign as a ranking reads it: the list row and what its score stored
   * for rankings (`parts`), in one statement (a province's 50,000 rows, read once on a cold start).
   */
  async forRankingWithParts(campaignId: number): Promise<Array<AssessmentListRecord & { parts: string | null }>> {
    const rows = await this.listQuery(campaignId).select('a.parts').execute();
    return rows.map((r) => Object.assign(toListRecord(r), { parts: r.parts }));
  }

  /** A campaign's assessments with their villages and townships: the columns every list reads. */
  private listQuery(campaignId: number) {
    return this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .select([
        'a.id',
        'a.village_code',
        'a.status',
        'a.version',
        'a.base',
        'a.bonus',
        'a.total',
        'a.team_id',
        'a.updated_at',
        'a.published_at',
        'v.name as village_name',
        'v.parent_code',
        't.name as township_name',
      ])
      .where('a.campaign_id', '=', campaignId);
  }

  private async listed(campaignId: number, publishedOnly: boolean, byVillage: boolean): Promise<AssessmentListRecord[]> {
    let q = this.listQuery(campaignId);
    if (publishedOnly) q = q.where('a.status', '=', 'published');
    if (byVillage) q = q.orderBy('a.village_code');
    return (await q.execute()).map(toListRecord);
  }

  /**
   * Every assessment of a campaign under a reader's cut with its comment and its village's
   * attributes, in one query, by village code (an inspector's list of villages).
   */
  async worklist(campaignId: number, cut: ReachCut = {}): Promise<WorklistRecord[]> {
    const rows = await this.listQuery(campaignId)
      .select(['a.comment', 'a.submitted_at', 'v.poverty_village', 'v.planned_exit_year', 'v.exit_year', 'v.population'])
      .where(allOf(reachConditions(cut)))
      .orderBy('a.village_code')
      .execute();
    return rows.map((r) => ({
      ...toListRecord(r),
      comment: r.comment,
      submittedAt: r.submitted_at,
      povertyVillage: Number(r.poverty_village) === 1,
      plannedExitYear: r.planned_exit_year === null ? null : Number(r.planned_exit_year),
      exitYear: r.exit_year === null ? null : Number(r.exit_year),
      population: r.population === null ? null : Number(r.population),
    }));
  }

  /** Every assessment of a campaign with its village's attributes, by village code (for rescoring). */
  async withVillages(campaignId: number): Promise<
    Array<{
      id: number;
      villageCode: string;
      base: number;
      bonus: number;
      total: number;
      villageName: string;
      povertyVillage: boolean;
      plannedExitYear: number | null;
      exitYear: number | null;
      population: number | null;
    }>
  > {
    const rows = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select(['a.id', 'a.village_code', 'a.base', 'a.bonus', 'a.total', 'v.name', 'v.poverty_village', 'v.planned_exit_year', 'v.exit_year', 'v.population'])
      .where('a.campaign_id', '=', campaignId)
      .orderBy('a.village_code')
      .execute();
    return rows.map((a) => ({
      id: a.id,
      villageCode: a.village_code,
      base: Number(a.base),
      bonus: Number(a.bonus),
      total: Number(a.total),
      villageName: a.name,
      povertyVillage: Number(a.poverty_village) === 1,
      plannedExitYear: a.planned_exit_year,
      exitYear: a.exit_year,
      population: a.population,
    }));
  }

  /** What rankings read of some assessments' results (JSON text, null when not stored), with their versions. */
  async rankingParts(ids: readonly number[]): Promise<Array<{ id: number; version: number; parts: string | null }>> {
    const rows = await readInChunks(ids, (chunk) => this.db.selectFrom('assessments').select(['id', 'version', 'parts']).where('id', 'in', chunk).execute());
    return rows.map((r) => ({ id: r.id, version: Number(r.version), parts: r.parts }));
  }

  /** The stored results (engine JSON, parsed) of some assessments, with their versions. */
  async results(ids: readonly number[]): Promise<Array<{ id: number; version: number; result: unknown }>> {
    const rows = await readInChunks(ids, (chunk) => this.db.selectFrom('assessments').select(['id', 'version', 'result']).where('id', 'in', chunk).execute());
    return rows.map((r) => ({ id: r.id, version: Number(r.version), result: r.result ? (JSON.parse(r.result) as unknown) : null }));
  }

  /** Published totals of a campaign by village. */
  async publishedTotals(campaignId: number): Promise<Array<{ villageCode: string; total: number }>> {
    const rows = await this.db.selectFrom('assessments').select(['village_code', 'total']).where('campaign_id', '=', campaignId).where('status', '=', 'published').execute();
    return rows.map((r) => ({ villageCode: r.village_code, total: Number(r.total) }));
  }

  /** Assessments by campaign and status, counted. */
  async statusCounts(): Promise<Array<{ campaignId: number; status: AssessmentStatus; n: number }>> {
    const rows = await this.db
      .selectFrom('assessments')
      .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['campaign_id', 'status'])
      .execute();
    return rows.map((r) => ({ campaignId: r.campaign_id, status: r.status, n: Number(r.n) }));
  }

  /**
   * What a ranking rests on, as one string that moves whenever it changes: the number of
   * assessments and the sum of their versions (every change to an assessment moves its version),
   * and the change counters of areas (village names, townships) and campaigns, which triggers
   * move on every write (migration 0007), from whichever process.
   */
  async versionStamp(campaignIds: readonly number[]): Promise<string> {
    const s = await this.db
      .selectFrom('assessments')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('version').as('v')])
      .where('campaign_id', 'in', campaignIds.length ? campaignIds : [-1])
      .executeTakeFirstOrThrow();
    const counters = await this.db.selectFrom('change_counters').select(['name', 'value']).orderBy('name').execute();
    return [`${s.n}|${s.v}`, ...counters.map((c) => `${c.name}:${c.value}`)].join('|');
  }
}

/** The conditions of a page: the reader's reach, then the township, status and search asked for. */
function pageConditions(cut: ReachCut, filter: { township?: string | undefined; status?: AssessmentStatus | undefined; q?: string | undefined }) {
  const out = reachConditions(cut);
  if (filter.township !== undefined) out.push(sql<SqlBool>`${sql.ref('v.parent_code')} = ${filter.township}`);
  if (filter.status !== undefined) out.push(sql<SqlBool>`${sql.ref('a.status')} = ${filter.status}`);
  if (filter.q) out.push(villageMatches(filter.q));
  return out;
}

/** A row of listQuery as the list's record. */
function toListRecord(r: {
  id: number;
  village_code: string;
  village_name: string;
  parent_code: string | null;
  township_name: string | null;
  status: AssessmentListRecord['status'];
  version: number | string | bigint;
  base: number | string | bigint;
  bonus: number | string | bigint;
  total: number | string | bigint;
  team_id: number | null;
  updated_at: string;
  published_at: string | null;
}): AssessmentListRecord {
  return {
    id: r.id,
    villageCode: r.village_code,
    villageName: r.village_name,
    townshipCode: r.parent_code,
    townshipName: r.township_name,
    status: r.status,
    version: Number(r.version),
    base: Number(r.base),
    bonus: Number(r.bonus),
    total: Number(r.total),
    teamId: r.team_id,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
  };
}
