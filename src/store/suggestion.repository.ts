/** Suggested findings derived from the registry, with the records they rest on. */
import { readInChunks } from './in-chunks.ts';
import type { Selectable } from 'kysely';
import type { SuggestionRecord } from '../core/campaign/records.ts';
import type { MeasuredValue } from '../core/scoring/score.ts';
import { valueOf } from './finding.repository.ts';
import type { Executor } from './executor.ts';
import type { SuggestionsTable } from './schema.ts';

const recordsOf = (text: string): unknown[] => {
  const records = JSON.parse(text) as unknown;
  return Array.isArray(records) ? records : [records];
};

export const suggestionOf = (s: Selectable<SuggestionsTable>): SuggestionRecord => ({
  id: s.id,
  assessmentId: s.assessment_id,
  key: s.key,
  item: s.item,
  count: Number(s.count),
  element: s.element,
  householdNo: s.household_no,
  summaryZh: s.summary_zh,
  summaryEn: s.summary_en,
  records: recordsOf(s.records),
  value: valueOf(s.value),
  status: s.status,
  reason: s.reason,
  findingId: s.finding_id,
  createdAt: s.created_at,
  decidedAt: s.decided_at,
  decidedBy: s.decided_by,
});

export interface NewSuggestion {
  key: string;
  item: string;
  count: number;
  element: string | null;
  householdNo: string | null;
  summaryZh: string;
  summaryEn: string;
  records: unknown;
  value?: MeasuredValue | null;
}

export class SuggestionRepository {
  constructor(private readonly db: Executor) {}

  async ofAssessment(assessmentId: number): Promise<SuggestionRecord[]> {
    return (await this.db.selectFrom('suggestions').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute()).map(suggestionOf);
  }

  async byId(assessmentId: number, suggestionId: number): Promise<SuggestionRecord | undefined> {
    const s = await this.db.selectFrom('suggestions').selectAll().where('id', '=', suggestionId).where('assessment_id', '=', assessmentId).executeTakeFirst();
    return s && suggestionOf(s);
  }

  /** The item and status of every suggestion of some assessments, without their records (one query per 500 ids). */
  async statusesOf(assessmentIds: readonly number[]): Promise<Array<{ assessmentId: number; item: string; status: SuggestionRecord['status'] }>> {
    const rows = await readInChunks(assessmentIds, (chunk) =>
      this.db.selectFrom('suggestions').select(['assessment_id', 'item', 'status']).where('assessment_id', 'in', chunk).execute(),
    );
    return rows.map((r) => ({ assessmentId: Number(r.assessment_id), item: r.item, status: r.status }));
  }

  /** The keys of the suggestions an assessment has (decided or not). */
  async keys(assessmentId: number): Promise<Set<string>> {
    return new Set((await this.db.selectFrom('suggestions').select('key').where('assessment_id', '=', assessmentId).execute()).map((s) => s.key));
  }

  async insertMany(assessmentId: number, suggestions: readonly NewSuggestion[], now: string): Promise<void> {
    for (let i = 0; i < suggestions.length; i += 200) {
      await this.db
        .insertInto('suggestions')
        .values(
          suggestions.slice(i, i + 200).map((s) => ({
            assessment_id: assessmentId,
            key: s.key,
            item: s.item,
            count: s.count,
            element: s.element,
            household_no: s.householdNo,
            summary_zh: s.summaryZh,
            summary_en: s.summaryEn,
            records: JSON.stringify(s.records),
            value: s.value ? JSON.stringify(s.value) : null,
            created_at: now,
          })),
        )
        .execute();
    }
  }

  async accept(suggestionId: number, findingId: number, at: string, by: string): Promise<void> {
    await this.db.updateTable('suggestions').set({ status: 'accepted', finding_id: findingId, decided_at: at, decided_by: by }).where('id', '=', suggestionId).execute();
  }

  async dismiss(suggestionId: number, reason: string, at: string, by: string): Promise<void> {
    await this.db.updateTable('suggestions').set({ status: 'dismissed', reason, decided_at: at, decided_by: by }).where('id', '=', suggestionId).execute();
  }

  /** Opens a suggestion again (its finding was withdrawn). */
  async reopen(suggestionId: number): Promise<void> {
    await this.db.updateTable('suggestions').set({ status: 'open', finding_id: null, decided_at: null, decided_by: null }).where('id', '=', suggestionId).execute();
  }
}
