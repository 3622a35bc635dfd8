/**
 * One village's assessment: its findings, evidence files, suggested findings, appeals, score and
 * explanation; the changes to it and their answers. Every change carries the version of the
 * assessment the client edited (`version`): a stale one is refused with 409 `conflict`.
 * Findings, evidence, suggestions and appeals are their stored records, every column in camelCase.
 */
import type { ScoreJson } from '../core/scoring/score.ts';
import type { AppealRecord, AppealStatus, EvidenceRecord, FindingCommentRecord, FindingRecord, ItemCheckRecord, SuggestionRecord } from '../core/campaign/records.ts';
import type { LookProgress } from '../core/campaign/progress.ts';
import type { FindingValues, MeasuredValueJson } from './finding-values.ts';
import type { AssessmentStatus } from './common.ts';

export type { DeductionJson, ScoreJson, ScoreNodeJson } from '../core/scoring/score.ts';

/**
 * A recorded finding (a deduction, or a bonus, on an item of the scheme): its stored record, with
 * a measured item's value, a range rule's picked amount and a several-rule item's part (null
 * where the finding has none), in decimals.
 */
export type FindingRow = FindingRecord & FindingValues;

/** An evidence file of a finding or an appeal. */
export interface EvidenceRow extends EvidenceRecord {
  /** Where the file is served (GET /api/evidence/:id). */
  url: string;
}

/**
 * A finding suggested by the registry's records (the office and inspectors see them, villages and
 * viewers not). `records` are the first records behind it (GET …/suggestions/:sid/records gives
 * them all).
 */
export interface SuggestionRow extends Omit<SuggestionRecord, 'value'> {
  /** How many records there are in all. */
  recordCount: number;
  /** A measured value the records give, in the API's decimals (as a finding's). */
  value: MeasuredValueJson | null;
}

export type { AppealStatus };

/** An item marked "checked, no deduction" (已查，无扣分): who marked it and when. */
export type ItemCheckRow = ItemCheckRecord;

/**
 * Items looked at (已查 n/N) of those the village is assessed on (the scheme's items that apply
 * to it): an item is looked at once it has a finding (not withdrawn), a decided suggestion or a
 * mark. `left`: the codes of the others, in scheme order; `openSuggestions`: suggestions not yet
 * accepted or dismissed.
 */
export type AssessmentProgress = LookProgress;

/** A reviewer's (or the office's) comment on one finding (评审意见). */
export type FindingCommentRow = FindingCommentRecord;

/** A village's appeal of an item of its published result. */
export type AppealRow = AppealRecord;

/** GET /api/assessments/:id, GET /api/campaigns/:id/villages/:code/assessment (`?lang=zh|en` for the explanation). */
export interface AssessmentDetail {
  id: number;
  campaignId: number;
  /** The campaign's name. */
  campaign: string;
  village: { code: string; name: string; township: string | null; povertyVillage: boolean };
  status: AssessmentStatus;
  version: number;
  comment: string | null;
  publishedAt: string | null;
  /** When the village's appeal window closes (publication + the campaign's appeal days); null before publication. */
  appealsUntil: string | null;
  /** The campaign combines other campaigns' results (a final one): GET /api/campaigns/:id/combined/:village explains this village's. */
  combines: boolean;
  scheme: { id: string; version: number };
  findings: FindingRow[];
  evidence: EvidenceRow[];
  /** Empty for villages and viewers. */
  suggestions: SuggestionRow[];
  appeals: AppealRow[];
  /** Items marked "checked, no deduction"; empty for villages and viewers. */
  checks: ItemCheckRow[];
  /** Comments on the findings (each names its finding), oldest first; empty for villages and viewers. */
  comments: FindingCommentRow[];
  /** What is looked at and what is left; null for villages and viewers. */
  progress: AssessmentProgress | null;
  /** Scored from the findings above. */
  score: ScoreJson;
  /** The explanation's lines, in the language asked for. */
  explanation: string[];
}

/** An assessment's status, version and totals after a change, for the client's next edit. */
export interface AssessmentState {
  id: number;
  status: AssessmentStatus;
  version: number;
  base: number;
  bonus: number;
  total: number;
}

/** The answer of a change to an assessment that has nothing else to tell. */
export interface AssessmentChanged {
  ok: true;
  assessment: AssessmentState;
}

/** POST /api/assessments/:id/findings */
export interface FindingRequest {
  version: number;
  /** The item of the scheme, e.g. 3.2.1. */
  item: string;
  count?: number;
  element?: string;
  note?: string;
  /** The household's number. */
  household?: string;
  /**
   * A measured item's value, in decimals: `{ num: 93, of: 100 }`, `{ num: { satisfied: 80, basic: 10 }, of: 100 }`,
   * `{ percent: 95.5 }`, `{ amount: 12.5 }` (in the measure's unit), `{ level: 'a' }`. An item holds one
   * value: a new one supersedes the value recorded before (kept, marked superseded).
   */
  value?: MeasuredValueJson;
  /** A discretionary (range) rule: the points picked per occurrence, within the rule's range; `note` gives the reason (required). */
  amount?: number;
  /** An item with several rules: the code of the part the finding is about (required there). */
  part?: string;
}

/** POST /api/assessments/:id/findings (201) */
export interface FindingAdded {
  id: number;
  assessment: AssessmentState;
}

/** POST /api/assessments/:id/findings/:fid/withdraw, POST /api/assessments/:id/suggestions/:sid/dismiss */
export interface WithdrawRequest {
  version: number;
  reason: string;
}

/**
 * POST /api/findings/:fid/evidence, POST /api/appeals/:id/evidence (201; multipart, parts named `file`);
 * POST /api/findings/:fid/evidence/uploaded (201; files uploaded in parts).
 */
export interface EvidenceUploaded {
  evidence: EvidenceRow[];
  /** A finding's assessment after the files were added (its version moves); absent for an appeal's evidence. */
  assessment?: AssessmentState;
}

/** POST /api/uploads: start (or resume) an upload in parts of a file named by its SHA-256. */
export interface UploadStart {
  /** 64 lowercase hexadecimal digits. */
  sha256: string;
  /** Bytes, 1 to the evidence size limit. */
  size: number;
  filename: string;
}

/**
 * The answer of POST /api/uploads, PUT /api/uploads/:sha256?offset=N (a part: the raw bytes,
 * application/octet-stream, at most 1 MiB) and GET /api/uploads/:sha256. The next part starts
 * at `received`; `complete` once the whole file is here (its hash checked) or was stored already.
 */
export interface UploadState {
  sha256: string;
  size: number;
  received: number;
  complete: boolean;
}

/** POST /api/findings/:fid/evidence/uploaded: attach files uploaded in parts (1 to 20). */
export interface EvidenceFromUploads {
  files: Array<{ sha256: string; filename: string; /** ISO 8601; used when the photo's EXIF has no time. */ takenAt?: string }>;
}

/** POST /api/assessments/:id/suggestions/derive */
export interface SuggestionsDerived {
  /** Suggestions new this time. */
  added: number;
  total: number;
  assessment: AssessmentState;
}

/** GET /api/assessments/:id/suggestions/:sid/records */
export interface SuggestionRecords {
  id: number;
  item: string;
  records: unknown[];
}

/** POST /api/assessments/:id/suggestions/:sid/accept */
export interface AcceptRequest {
  version: number;
  note?: string;
}

/** POST /api/assessments/:id/suggestions/:sid/accept */
export interface SuggestionAccepted {
  findingId: number;
  assessment: AssessmentState;
}

/** POST /api/assessments/:id/suggestions/:sid/dismiss */
export type DismissRequest = WithdrawRequest;

/** POST /api/assessments/:id/suggestions/bulk: accept, or dismiss with one reason, several open suggestions at once (all or none). */
export interface BulkSuggestionsRequest {
  version: number;
  action: 'accept' | 'dismiss';
  ids: number[];
  /** Required to dismiss. */
  reason?: string;
}

/** POST /api/assessments/:id/suggestions/bulk */
export interface SuggestionsDecided {
  /** The findings made (accept), in the order of `ids`; empty for a dismissal. */
  findingIds: number[];
  assessment: AssessmentState;
}

/** POST /api/findings/:fid/comments */
export interface CommentRequest {
  text: string;
}

/** POST /api/findings/:fid/comments (201) */
export interface CommentAdded {
  id: number;
  comment: FindingCommentRow;
}

/** POST /api/assessments/:id/checks: mark an item "checked, no deduction" (`checked: true`) or take the mark back. Answer: AssessmentChanged. */
export interface CheckRequest {
  version: number;
  /** The item of the scheme, e.g. 3.2.1: one that applies to the village. */
  item: string;
  checked: boolean;
}

export type TransitionStep = 'submit' | 'sendBack' | 'review' | 'publish';

/** POST /api/assessments/:id/transition */
export interface TransitionRequest {
  version: number;
  step: TransitionStep;
  comment?: string;
}

/** POST /api/assessments/:id/appeals */
export interface AppealRequest {
  item: string;
  reason: string;
}

/** POST /api/assessments/:id/appeals (201) */
export interface AppealCreated {
  id: number;
  appeal: AppealRow;
}

/** POST /api/appeals/:id/decide */
export interface AppealDecisionRequest {
  outcome: 'upheld' | 'adjusted' | 'rejected';
  reason: string;
  /** The new count, for an adjustment (not of a measured item). */
  count?: number;
  /** The value the appeal established, of a measured item (upheld or adjusted), in decimals. */
  value?: MeasuredValueJson;
  /** A discretionary (range) item's amount per occurrence, of an adjustment, in points. */
  amount?: number;
  /** The part an adjustment of a several-rule item adjusts. */
  part?: string;
}

/** POST /api/appeals/:id/decide */
export interface AppealDecided {
  appeal: AppealRow;
  assessment: AssessmentState;
}

/** An appeal as a campaign's list gives it (GET /api/campaigns/:id/appeals). */
export interface AppealListed {
  id: number;
  assessmentId: number;
  village: string;
  villageName: string;
  township: string | null;
  townshipName: string | null;
  item: string;
  /** The item's title in the language asked for. */
  itemTitle: string | null;
  /** A measured item: decided by a value, not a count. */
  measured: boolean;
  reason: string;
  status: AppealStatus;
  decisionReason: string | null;
  adjustedCount: number | null;
  /** The item's count as it stands: the one appealed against while open, the decided one after. */
  currentCount: number;
  /** The village's total. */
  total: number;
  evidenceCount: number;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** GET /api/campaigns/:id/appeals (`?limit=` pages it: docs/api.md, "Paged lists") */
export interface AppealsAnswer {
  appeals: AppealListed[];
  /** A paged answer: the `after` of the next page (the last row's cursor, e.g. `0.17`), null on the last page. */
  next?: string | null;
  /** A paged answer: the appeals under the filters within the caller's reach, on every page. */
  total?: number;
  /** A paged answer: those appeals by status, the status filter aside (for a page's status tabs). */
  counts?: Record<AppealStatus, number>;
}
