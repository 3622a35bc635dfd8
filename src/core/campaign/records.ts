/**
 * The campaign side's records as the store hands them up: camelCase, booleans and numbers
 * normalised (SQLite's 0/1, PostgreSQL's numeric strings), JSON columns parsed. Points are
 * integer hundredths (cents) as the scoring engine keeps them.
 */
import type { MeasuredValue } from '../scoring/score.ts';

export type AssessmentStatus = 'draft' | 'submitted' | 'reviewed' | 'published';
export type FindingSource = 'inspector' | 'suggestion' | 'appeal';
export type FindingStatus = 'active' | 'withdrawn' | 'superseded';
export type EvidenceStatus = 'active' | 'withdrawn';
export type SuggestionStatus = 'open' | 'accepted' | 'dismissed';
export type AppealStatus = 'open' | 'upheld' | 'adjusted' | 'rejected';

/** A stored version of a scheme, with its source and derivation rules. */
export interface SchemeVersionRecord {
  id: number;
  schemeId: string;
  version: number;
  title: string;
  sourceText: string;
  deriveText: string | null;
  createdAt: string;
  createdBy: string;
}

export interface CampaignRecord {
  id: number;
  name: string;
  year: number;
  periodFrom: string;
  periodTo: string;
  schemeVersionId: number;
  appealDays: number;
  createdAt: string;
  createdBy: string;
  /** The scheme's period the campaign is for (平时考核, 年终考核); null for a scheme without periods. */
  period: string | null;
}

export interface TeamRecord {
  id: number;
  name: string;
  members: string[];
}

/** The attributes of a village the scheme's conditions test. */
export interface VillageAttributes {
  villageName: string;
  povertyVillage: boolean;
  plannedExitYear: number | null;
  exitYear: number | null;
  population: number | null;
}

/** One village's assessment with its village and campaign: what a use case and the policies need. */
export interface AssessmentContextRecord extends VillageAttributes {
  id: number;
  campaignId: number;
  villageCode: string;
  teamId: number | null;
  status: AssessmentStatus;
  version: number;
  comment: string | null;
  publishedAt: string | null;
  townshipCode: string | null;
  schemeVersionId: number;
  year: number;
  periodFrom: string;
  periodTo: string;
  appealDays: number;
  campaignName: string;
}

/** Stored totals of an assessment, in cents. */
export interface Totals {
  base: number;
  bonus: number;
  total: number;
}

export interface FindingRecord {
  id: number;
  assessmentId: number;
  item: string;
  count: number;
  element: string | null;
  note: string | null;
  householdNo: string | null;
  person: string | null;
  /** Recorded by an inspector, accepted from a suggestion, or set by an appeal's decision. */
  source: FindingSource;
  suggestionId: number | null;
  appealId: number | null;
  /** The finding an appeal's decision replaced. */
  supersedesId: number | null;
  status: FindingStatus;
  createdAt: string;
  createdBy: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawReason: string | null;
}

export interface EvidenceRecord {
  id: number;
  findingId: number | null;
  appealId: number | null;
  sha256: string;
  filename: string;
  mime: string;
  size: number;
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
  status: EvidenceStatus;
  uploadedAt: string;
  uploadedBy: string;
}

export interface SuggestionRecord {
  id: number;
  assessmentId: number;
  key: string;
  item: string;
  count: number;
  element: string | null;
  householdNo: string | null;
  summaryZh: string;
  summaryEn: string;
  /** The registry records the suggestion rests on (always a list). */
  records: unknown[];
  /** A measured value the records give (a rate's counts), recorded with the finding when accepted. */
  value: MeasuredValue | null;
  status: SuggestionStatus;
  /** Why it was dismissed. */
  reason: string | null;
  /** The finding accepting it recorded. */
  findingId: number | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** An item marked "checked, no deduction" (已查，无扣分) on an assessment. */
export interface ItemCheckRecord {
  assessmentId: number;
  item: string;
  checkedBy: string;
  checkedAt: string;
}

/** A reviewer's (or the office's) comment on one finding. */
export interface FindingCommentRecord {
  id: number;
  findingId: number;
  author: string;
  text: string;
  createdAt: string;
}

export interface AppealRecord {
  id: number;
  assessmentId: number;
  item: string;
  reason: string;
  status: AppealStatus;
  decisionReason: string | null;
  adjustedCount: number | null;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

export interface RankingSnapshotRecord {
  id: number;
  campaignId: number;
  createdAt: string;
  createdBy: string;
  reason: string;
  data: unknown;
  auditEntries: number | null;
  auditHash: string | null;
}

export interface AuditEntryRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  /** The chain: the previous entry's hash, and this entry's (keyed). */
  prevHash: string;
  hash: string;
}

/** What the log is searched by (see AuditRepository.list). */
export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  /** ISO date-times, inclusive. */
  from?: string;
  to?: string;
  /** A village's code: the entries about its assessments and everything on them. */
  village?: string;
  limit?: number;
}
