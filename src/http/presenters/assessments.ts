/**
 * Presenters of an assessment and what hangs on it: each answer picked field by field from what
 * CampaignService returns, in the contract's camelCase (src/contract/assessments.ts).
 *
 * The records of findings, evidence, suggestions and appeals come from the service as the store
 * reads them (snake_case columns, suggestions' records already parsed); each is mapped in one
 * small function per record type (`present…Row`), the one place to change when the service hands
 * over camelCase records instead.
 */
import type {
  AppealListed,
  AppealRow,
  AssessmentDetail,
  AssessmentState,
  EvidenceRow,
  FindingRow,
  SuggestionRecords,
  SuggestionRow,
} from '../../contract/assessments.ts';
import type { ScoreSheet } from '../../contract/score-sheet.ts';
import type { AssessmentView, CampaignService } from '../../services/campaign.service.ts';

type Result<K extends keyof CampaignService> = CampaignService[K] extends (...args: never[]) => Promise<infer R> ? R : never;

/** A finding as the service hands it over. */
export type FindingSource = AssessmentView['findings'][number];
/** An evidence file's record as the service hands it over (in a view, and after an upload). */
export type EvidenceSource = AssessmentView['evidence'][number] | Result<'evidenceOf'>[number];
/** A suggestion as a view carries it: its first records (parsed) and their number. */
export type SuggestionSource = AssessmentView['suggestions'][number];
/** An appeal as the service hands it over (in a view, and on its own). */
export type AppealSource = AssessmentView['appeals'][number] | Result<'appealInfo'>;

/** Where an evidence file is served. */
export const evidenceUrl = (id: number) => `/api/evidence/${id}`;

export function presentFindingRow(f: FindingSource): FindingRow {
  return {
    id: f.id,
    assessmentId: f.assessment_id,
    item: f.item,
    count: f.count,
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
  };
}

export function presentEvidenceRow(e: EvidenceSource): EvidenceRow {
  return {
    id: e.id,
    findingId: e.finding_id,
    appealId: e.appeal_id,
    sha256: e.sha256,
    filename: e.filename,
    mime: e.mime,
    size: e.size,
    takenAt: e.taken_at,
    latitude: e.latitude,
    longitude: e.longitude,
    status: e.status,
    uploadedAt: e.uploaded_at,
    uploadedBy: e.uploaded_by,
    url: evidenceUrl(e.id),
  };
}

export function presentSuggestionRow(s: SuggestionSource): SuggestionRow {
  return {
    id: s.id,
    assessmentId: s.assessment_id,
    key: s.key,
    item: s.item,
    count: s.count,
    element: s.element,
    householdNo: s.household_no,
    summaryZh: s.summary_zh,
    summaryEn: s.summary_en,
    records: s.records,
    recordCount: s.recordCount,
    status: s.status,
    reason: s.reason,
    findingId: s.finding_id,
    createdAt: s.created_at,
    decidedAt: s.decided_at,
    decidedBy: s.decided_by,
  };
}

export function presentAppealRow(a: AppealSource): AppealRow {
  return {
    id: a.id,
    assessmentId: a.assessment_id,
    item: a.item,
    reason: a.reason,
    status: a.status,
    decisionReason: a.decision_reason,
    adjustedCount: a.adjusted_count,
    createdAt: a.created_at,
    createdBy: a.created_by,
    decidedAt: a.decided_at,
    decidedBy: a.decided_by,
  };
}

/** GET /api/assessments/:id */
export function presentAssessment(v: AssessmentView): AssessmentDetail {
  return {
    id: v.id,
    campaignId: v.campaignId,
    campaign: v.campaign,
    village: { code: v.village.code, name: v.village.name, township: v.village.township, povertyVillage: v.village.povertyVillage },
    status: v.status,
    version: v.version,
    comment: v.comment,
    publishedAt: v.publishedAt,
    scheme: { id: v.scheme.id, version: v.scheme.version },
    findings: v.findings.map(presentFindingRow),
    evidence: v.evidence.map(presentEvidenceRow),
    suggestions: v.suggestions.map(presentSuggestionRow),
    appeals: v.appeals.map(presentAppealRow),
    score: v.score,
    explanation: v.explanation,
  };
}

/** An assessment's state after a change. */
export function presentAssessmentState(s: Result<'assessmentState'>): AssessmentState {
  return { id: s.id, status: s.status, version: s.version, base: s.base, bonus: s.bonus, total: s.total };
}

/** GET /api/assessments/:id/suggestions/:sid/records */
export function presentSuggestionRecords(r: Result<'suggestionRecords'>): SuggestionRecords {
  return { id: r.id, item: r.item, records: r.records };
}

/** An appeal of a campaign's list. */
export function presentAppealListed(a: Result<'listAppeals'>[number]): AppealListed {
  return {
    id: a.id,
    assessmentId: a.assessmentId,
    village: a.village,
    villageName: a.villageName,
    township: a.township,
    townshipName: a.townshipName,
    item: a.item,
    itemTitle: a.itemTitle,
    reason: a.reason,
    status: a.status,
    decisionReason: a.decisionReason,
    adjustedCount: a.adjustedCount,
    currentCount: a.currentCount,
    total: a.total,
    evidenceCount: a.evidenceCount,
    createdAt: a.createdAt,
    createdBy: a.createdBy,
    decidedAt: a.decidedAt,
    decidedBy: a.decidedBy,
  };
}

/** GET /api/assessments/:id/sheet: the service builds the sheet in the contract's shape. */
export function presentScoreSheet(sheet: ScoreSheet): ScoreSheet {
  return sheet;
}
