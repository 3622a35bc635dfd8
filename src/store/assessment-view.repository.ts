/**
 * What the view of one assessment reads (AssessmentService.getAssessment): its findings, evidence,
 * appeals and, for those who work on it, its suggestions, marks and comments, and whether its
 * campaign combines others. On PostgreSQL in one statement, each table's rows as a JSON array
 * (`json_agg` of the whole row: every column is text or a number, which JSON carries as the
 * driver does): one round trip instead of seven, which under many readers is most of what an
 * answer costs the database. On SQLite (in the process, no round trip) one query a table.
 */
import { sql, type Selectable } from 'kysely';
import type { AppealRecord, EvidenceRecord, FindingCommentRecord, ItemCheckRecord, SuggestionRecord } from '../core/campaign/records.ts';
import { appealOf } from './appeal.repository.ts';
import type { Dialect } from './db.ts';
import { evidenceOf } from './evidence.repository.ts';
import type { Executor } from './executor.ts';
import { commentOf } from './finding-comment.repository.ts';
import { findingOf, type StoredFinding } from './finding.repository.ts';
import { itemCheckOf } from './item-check.repository.ts';
import type { AppealsTable, EvidenceTable, FindingsTable, SuggestionsTable } from './schema.ts';
import { suggestionOf } from './suggestion.repository.ts';

export interface AssessmentViewRows {
  findings: StoredFinding[];
  evidence: EvidenceRecord[];
  appeals: AppealRecord[];
  /** Only for those who work on it (`work`); else empty. */
  suggestions: SuggestionRecord[];
  checks: ItemCheckRecord[];
  comments: FindingCommentRecord[];
  /** The campaign combines others' results (campaign_parts). */
  combines: boolean;
}

/** The repositories the SQLite path reads through, one query a table. */
interface TableReads {
  findings: { ofAssessment(id: number): Promise<StoredFinding[]> };
  evidence: { ofAssessment(id: number): Promise<EvidenceRecord[]> };
  appeals: { ofAssessment(id: number): Promise<AppealRecord[]> };
  suggestions: { ofAssessment(id: number): Promise<SuggestionRecord[]> };
  checks: { ofAssessment(id: number): Promise<ItemCheckRecord[]> };
  comments: { ofAssessment(id: number): Promise<FindingCommentRecord[]> };
  campaigns: { parts(campaignId: number): Promise<unknown[]> };
}

export class AssessmentViewRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
    private readonly tables: TableReads,
  ) {}

  /** The rows of an assessment's view; the working material (suggestions, marks, comments) only when `work`. */
  async rowsOf(assessmentId: number, campaignId: number, work: boolean): Promise<AssessmentViewRows> {
    if (this.dialect !== 'postgres') {
      const t = this.tables;
      return {
        findings: await t.findings.ofAssessment(assessmentId),
        evidence: await t.evidence.ofAssessment(assessmentId),
        appeals: await t.appeals.ofAssessment(assessmentId),
        suggestions: work ? await t.suggestions.ofAssessment(assessmentId) : [],
        checks: work ? await t.checks.ofAssessment(assessmentId) : [],
        comments: work ? await t.comments.ofAssessment(assessmentId) : [],
        combines: (await t.campaigns.parts(campaignId)).length > 0,
      };
    }
    const id = assessmentId;
    const rows = sql`'[]'::json`;
    const r = await sql<{
      findings: Array<Selectable<FindingsTable>>;
      evidence: Array<Selectable<EvidenceTable>>;
      appeals: Array<Selectable<AppealsTable>>;
      suggestions: Array<Selectable<SuggestionsTable>>;
      checks: Array<{ assessment_id: number; item: string; checked_by: string; checked_at: string }>;
      comments: Array<{ id: number; finding_id: number; author: string; text: string; created_at: string }>;
      combines: boolean;
    }>`select
        (select coalesce(json_agg(t order by t.id), ${rows}) from findings t where t.assessment_id = ${id}) as findings,
        (select coalesce(json_agg(t order by t.id), ${rows}) from evidence t
          where t.finding_id in (select f.id from findings f where f.assessment_id = ${id})
             or t.appeal_id in (select a.id from appeals a where a.assessment_id = ${id})) as evidence,
        (select coalesce(json_agg(t order by t.id), ${rows}) from appeals t where t.assessment_id = ${id}) as appeals,
        ${work ? sql`(select coalesce(json_agg(t order by t.id), ${rows}) from suggestions t where t.assessment_id = ${id})` : rows} as suggestions,
        ${work ? sql`(select coalesce(json_agg(t order by t.item), ${rows}) from item_checks t where t.assessment_id = ${id})` : rows} as checks,
        ${
          work
            ? sql`(select coalesce(json_agg(json_build_object('id', c.id, 'finding_id', c.finding_id, 'author', c.author, 'text', c.text, 'created_at', c.created_at) order by c.id), ${rows})
                from finding_comments c join findings f on f.id = c.finding_id where f.assessment_id = ${id})`
            : rows
        } as comments,
        exists (select 1 from campaign_parts p join campaigns c on c.id = p.part_campaign_id where p.campaign_id = ${campaignId}) as combines`.execute(this.db);
    const row = r.rows[0]!;
    return {
      findings: row.findings.map(findingOf),
      evidence: row.evidence.map(evidenceOf),
      appeals: row.appeals.map(appealOf),
      suggestions: row.suggestions.map(suggestionOf),
      checks: row.checks.map(itemCheckOf),
      comments: row.comments.map(commentOf),
      combines: row.combines,
    };
  }
}
