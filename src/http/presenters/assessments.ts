/**
 * Presenters of an assessment and what hangs on it: each answer picked field by field from what
 * the campaign services return, in the contract's camelCase (src/contract/assessments.ts).
 *
 * The records of findings, evidence, suggestions and appeals come from the service as the store's
 * repositories map them (camelCase domain records, src/core/campaign/records.ts); each is picked
 * field by field in one small function per record type (`present…Row`).
 */
import type {
  AppealListed,
  AppealRow,
  AssessmentDetail,
  AssessmentState,
  EvidenceRow,
  FindingCommentRow,
  FindingRow,
  SuggestionRecords,
  SuggestionRow,
} from '../../contract/assessments.ts';
import type { ScoreSheet } from '../../contract/score-sheet.ts';
import { valueFromCents } from '../../contract/finding-values.ts';
import { fromCents } from '../../core/numbers.ts';
import type { AssessmentView } from '../../services/campaign/index.ts';
import type { Result } from './results.ts';

/** A finding as the service hands it over. */
export type FindingSource = AssessmentView['findings'][number];
/** An evidence file's record as the service hands it over (in a view, and after an upload). */
export type EvidenceSource = AssessmentView['evidence'][number] | Result<'evidenceOf'>[number];
/** A suggestion as a view carries it: its first records (parsed) and their number. */
export type SuggestionSource = AssessmentView['suggestions'][number];
/** An appeal as the service hands it over (in a view, and on its own). */
export type AppealSource = AssessmentView['appeals'][number] | Result<'appealInfo'>;
/** A comment on a finding as the service hands it over. */
export type FindingCommentSource = AssessmentView['comments'][number];

/** Where an evidence file is served. */
export const evidenceUrl = (id: number) => `/api/evidence/${id}`;

export function presentFindingRow(f: FindingSource): FindingRow {
  return {
    id: f.id,
    assessmentId: f.assessmentId,
    item: f.item,
    count: f.count,
    element: f.element,
    note: f.note,
    householdNo: f.householdNo,
    person: f.person,
    source: f.source,
    suggestionId: f.suggestionId,
    appealId: f.appealId,
    supersedesId: f.supersedesId,
    status: f.status,
    createdAt: f.createdAt,
    createdBy: f.createdBy,
    withdrawnAt: f.withdrawnAt,
    withdrawnBy: f.withdrawnBy,
    withdrawReason: f.withdrawReason,
    // Issue 18's kinds: hundredths as stored, decimals in the API.
    value: f.value && valueFromCents(f.value),
    amount: f.amount === null ? null : fromCents(f.amount),
    part: f.part,
  };
}

export function presentEvidenceRow(e: EvidenceSource): EvidenceRow {
  return {
    id: e.id,
    findingId: e.findingId,
    appealId: e.appealId,
    sha256: e.sha256,
    filename: e.filename,
    mime: e.mime,
    size: e.size,
    takenAt: e.takenAt,
    latitude: e.latitude,
    longitude: e.longitude,
    status: e.status,
    uploadedAt: e.uploadedAt,
    uploadedBy: e.uploadedBy,
    url: evidenceUrl(e.id),
  };
}

export function presentSuggestionRow(s: SuggestionSource): SuggestionRow {
  return {
    id: s.id,
    assessmentId: s.assessmentId,
    key: s.key,
    item: s.item,
    count: s.count,
    element: s.element,
    householdNo: s.householdNo,
    summaryZh: s.summaryZh,
    summaryEn: s.summaryEn,
    records: s.records,
    value: s.value && valueFromCents(s.value),
    recordCount: s.recordCount,
    status: s.status,
    reason: s.reason,
    findingId: s.findingId,
    createdAt: s.createdAt,
    decidedAt: s.decidedAt,
    decidedBy: s.decidedBy,
  };
}

export function presentAppealRow(a: AppealSource): AppealRow {
  return {
    id: a.id,
    assessmentId: a.assessmentId,
    item: a.item,
    reason: a.reason,
    status: a.status,
    decisionReason: a.decisionReason,
    adjustedCount: a.adjustedCount,
    createdAt: a.createdAt,
    createdBy: a.createdBy,
    decidedAt: a.decidedAt,
    decidedBy: a.decidedBy,
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
    appealsUntil: v.appealsUntil,
    combines: v.combines,
    scheme: { id: v.scheme.id, version: v.scheme.version },
    findings: v.findings.map(presentFindingRow),
    evidence: v.evidence.map(presentEvidenceRow),
    suggestions: v.suggestions.map(presentSuggestionRow),
    checks: v.checks.map((c) => ({ assessmentId: c.assessmentId, item: c.item, checkedBy: c.checkedBy, checkedAt: c.checkedAt })),
    comments: v.comments.map(presentFindingComment),
    progress: v.progress && { total: v.progress.total, done: v.progress.done, left: [...v.progress.left], openSuggestions: v.progress.openSuggestions },
    appeals: v.appeals.map(presentAppealRow),
    score: v.score,
    explanation: v.explanation,
  };
}

/** A comment on a finding. */
export function presentFindingComment(c: FindingCommentSource): FindingCommentRow {
  return { id: c.id, findingId: c.findingId, author: c.author, text: c.text, createdAt: c.createdAt };
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
    measured: a.measured,
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
