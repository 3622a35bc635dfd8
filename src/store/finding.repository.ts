/** Findings of assessments: recorded, withdrawn, superseded (never deleted). */
import { readInChunks } from './in-chunks.ts';
import type { Selectable } from 'kysely';
import type { FindingRecord, FindingSource, FindingStatus } from '../core/campaign/records.ts';
import type { Cents } from '../core/numbers.ts';
import type { MeasuredValue } from '../core/scoring/score.ts';
import type { Executor } from './executor.ts';
import type { FindingsTable } from './schema.ts';

/**
 * A stored finding: its record, and the fields of the rule kinds of issue 18 as the engine takes
 * them, in hundredths: a measured item's value, a range rule's amount picked per occurrence, a
 * several-rule item's part (null where the finding has none). The API's decimals are the
 * presenter's (src/contract/finding-values.ts).
 */
export type StoredFinding = FindingRecord & { value: MeasuredValue | null; amount: Cents | null; part: string | null };

/** A stored value column: core's MeasuredValue as JSON text. */
export const valueOf = (text: string | null | undefined): MeasuredValue | null => (text === null || text === undefined ? null : (JSON.parse(text) as MeasuredValue));

export const findingOf = (f: Selectable<FindingsTable>): StoredFinding => ({
  id: f.id,
  assessmentId: f.assessment_id,
  item: f.item,
  count: Number(f.count),
  element: f.element,
  note: f.note,
  householdNo: f.household_no,
  person: f.person,
  source: f.source,
  suggestionId: f.suggestion_id,
  appealId: f.appeal_id,
  supersedesId: f.supersedes_id,
  status: f.status,
  createdAt: f.created_at,
  createdBy: f.created_by,
  withdrawnAt: f.withdrawn_at,
  withdrawnBy: f.withdrawn_by,
  withdrawReason: f.withdraw_reason,
  value: valueOf(f.value),
  amount: f.amount_cents === null || f.amount_cents === undefined ? null : Number(f.amount_cents),
  part: f.part ?? null,
});

export interface NewFinding {
  assessmentId: number;
  item: string;
  count: number;
  element: string | null;
  note: string | null;
  householdNo: string | null;
  person: string | null;
  source: FindingSource;
  suggestionId: number | null;
  appealId: number | null;
  supersedesId: number | null;
  createdAt: string;
  createdBy: string;
  /** A measured value, in core's hundredths. */
  value?: MeasuredValue | null;
  /** A range amount per occurrence, in hundredths of a point. */
  amount?: Cents | null;
  part?: string | null;
}

export class FindingRepository {
  constructor(private readonly db: Executor) {}

  /** Every finding of an assessment, by id. */
  async ofAssessment(assessmentId: number): Promise<StoredFinding[]> {
    return (await this.db.selectFrom('findings').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute()).map(findingOf);
  }

  /** The active findings of an assessment (or of one of its items), by id. */
  async active(assessmentId: number, item?: string): Promise<StoredFinding[]> {
    let q = this.db.selectFrom('findings').selectAll().where('assessment_id', '=', assessmentId).where('status', '=', 'active');
    if (item !== undefined) q = q.where('item', '=', item);
    return (await q.orderBy('id').execute()).map(findingOf);
  }

  /** The active findings of some assessments (one query per 500 ids), each assessment's by id. */
  async activeOf(assessmentIds: readonly number[]): Promise<Map<number, StoredFinding[]>> {
    const rows = await readInChunks(assessmentIds, (chunk) =>
      this.db.selectFrom('findings').selectAll().where('assessment_id', 'in', chunk).where('status', '=', 'active').orderBy('assessment_id').orderBy('id').execute(),
    );
    const out = new Map<number, StoredFinding[]>();
    for (const r of rows) {
      const f = findingOf(r);
      const list = out.get(f.assessmentId);
      if (list) list.push(f);
      else out.set(f.assessmentId, [f]);
    }
    return out;
  }

  /** The items of some assessments that have a finding not withdrawn (one query per 500 ids). */
  async itemsOf(assessmentIds: readonly number[]): Promise<Array<{ assessmentId: number; item: string }>> {
    const rows = await readInChunks(assessmentIds, (chunk) =>
      this.db.selectFrom('findings').select(['assessment_id', 'item']).distinct().where('assessment_id', 'in', chunk).where('status', '!=', 'withdrawn').execute(),
    );
    return rows.map((r) => ({ assessmentId: Number(r.assessment_id), item: r.item }));
  }

  async byId(assessmentId: number, findingId: number): Promise<StoredFinding | undefined> {
    const f = await this.db.selectFrom('findings').selectAll().where('id', '=', findingId).where('assessment_id', '=', assessmentId).executeTakeFirst();
    return f && findingOf(f);
  }

  /** The assessment and status of a finding. */
  async owner(findingId: number): Promise<{ assessmentId: number; status: FindingStatus } | undefined> {
    const r = await this.db.selectFrom('findings').select(['assessment_id', 'status']).where('id', '=', findingId).executeTakeFirst();
    return r && { assessmentId: r.assessment_id, status: r.status };
  }

  async insert(f: NewFinding): Promise<number> {
    const row = await this.db
      .insertInto('findings')
      .values({
        assessment_id: f.assessmentId,
        item: f.item,
        count: f.count,
        element: f.element,
        note: f.note,
        household_no: f.householdNo,
        person: f.person,
        source: f.source,
        suggestion_id: f.suggestionId,
        appeal_id: f.appealId,
        supersedes_id: f.supersedesId,
        created_at: f.createdAt,
        created_by: f.createdBy,
        value: f.value ? JSON.stringify(f.value) : null,
        amount_cents: f.amount ?? null,
        part: f.part ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async withdraw(findingId: number, at: string, by: string, reason: string): Promise<void> {
    await this.db.updateTable('findings').set({ status: 'withdrawn', withdrawn_at: at, withdrawn_by: by, withdraw_reason: reason }).where('id', '=', findingId).execute();
  }

  async supersede(findingIds: readonly number[]): Promise<void> {
    if (findingIds.length) await this.db.updateTable('findings').set({ status: 'superseded' }).where('id', 'in', findingIds).execute();
  }

  /** The active count of every item of some assessments, keyed `assessmentId|item`. */
  async activeCounts(assessmentIds: readonly number[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (let i = 0; i < assessmentIds.length; i += 500) {
      const found = await this.db
        .selectFrom('findings')
        .select(['assessment_id', 'item', (eb) => eb.fn.sum<number>('count').as('n')])
        .where('assessment_id', 'in', assessmentIds.slice(i, i + 500))
        .where('status', '=', 'active')
        .groupBy(['assessment_id', 'item'])
        .execute();
      for (const f of found) counts.set(`${f.assessment_id}|${f.item}`, Number(f.n));
    }
    return counts;
  }
}
