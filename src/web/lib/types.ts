/**
 * What the pages read from the API, in one place. Rows may come as the store's snake_case
 * (`household_no`) or camelCase: `camel()` makes them camelCase, so pages read one spelling.
 */
import type { Role } from './roles.ts';

export type AssessmentStatus = 'draft' | 'submitted' | 'reviewed' | 'published';
export const STATUSES: readonly AssessmentStatus[] = ['draft', 'submitted', 'reviewed', 'published'];

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  township: string | null;
  village: string | null;
  mustChangePassword: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
  /** The least number of characters a new password must have (the server's policy). */
  passwordMinLength: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A text in Chinese with an optional English rendering (scheme titles, kinds). */
export interface LangText {
  zh: string;
  en?: string;
}

export interface Area {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode: string | null;
  povertyVillage?: boolean;
  plannedExitYear?: number | null;
  exitYear?: number | null;
  population?: number | null;
  children?: Area[];
}

export interface Household {
  householdNo: string;
  villageCode: string;
  villageName?: string;
  year: number;
  headName: string;
  headIdNumber: string;
  size: number;
  workers?: number | null;
  standard?: string | null;
  attribute?: string;
  mainCause?: string;
  otherCauses?: string | null;
  status: string;
  identifiedYear?: number | null;
  plannedExitYear?: number | null;
  exitYear?: number | null;
  incomeFen?: number | null;
  phone?: string | null;
  housingGrade?: string | null;
  safeWater?: number | boolean | null;
  electricity?: number | boolean | null;
  road?: number | boolean | null;
  members?: Member[];
  helpers?: Array<Record<string, unknown>>;
}

export interface Member {
  name: string;
  idNumber: string;
  sex: 'M' | 'F';
  relation: string;
  ethnicity?: string | null;
  education?: string | null;
  schooling?: string | null;
  health?: string | null;
  labourAbility?: string | null;
  migrantWork?: number | boolean | null;
  insured?: number | boolean | null;
  dibao?: number | boolean | null;
  wubao?: number | boolean | null;
}

export interface KindField {
  key: string;
  header: string;
  en: string;
  required?: boolean;
  aliases?: string[];
  help?: string;
  example?: string;
}

export interface Kind {
  kind: string;
  title: LangText;
  fields: KindField[];
}

export interface ImportProblem {
  row: number;
  column?: string;
  value?: string;
  message: string;
}

export interface ImportReport {
  kind?: string;
  rows: number;
  inserted: number;
  updated: number;
  problems: ImportProblem[];
  truncated?: boolean;
  ignoredColumns?: string[];
  dryRun?: boolean;
  committed: boolean;
  errorsFile?: string | null;
  elapsedMs?: number;
}

export interface Progress {
  total: number;
  draft: number;
  submitted: number;
  reviewed: number;
  published: number;
}

export interface CampaignSummary {
  id: number;
  name: string;
  year: number;
  /** "seed-2020 v1" */
  scheme: string;
  villages: number;
  /** Over the villages the reader may list. */
  progress: Progress;
}

export interface Team {
  id: number;
  name: string;
  /** Shown to the office's roles only. */
  members?: string[];
  villages: string[];
}

/** One village's assessment as a row of a campaign's lists (points as decimals). */
export interface AssessmentRow {
  id: number;
  village: string;
  villageName: string;
  township: string | null;
  townshipName: string | null;
  status: AssessmentStatus;
  version: number;
  base: number;
  bonus: number;
  total: number;
  team: string | null;
  teamId: number | null;
  updatedAt: string;
  publishedAt: string | null;
}

export interface CampaignDetail {
  id: number;
  name: string;
  year: number;
  period: { from: string; to: string };
  appealDays: number;
  createdAt: string;
  createdBy: string;
  scheme: { versionId: number; id: string; version: number; title: string };
  scope: { villages: number };
  progress: Progress;
  teams: Team[];
  unassigned?: string[];
  villages: AssessmentRow[];
}

export interface Overview {
  campaign: { id: number; name: string; year: number };
  basis: string;
  progress: Progress;
  distribution: Array<{ from: number; to: number; count: number }>;
  sections: Array<{ code: string; title: LangText; max: number | null; bonus: boolean }>;
  county: { count: number; averageTotal: number; averages: Record<string, number>; gradeCounts: Record<string, number> | null };
  townships: Array<{ township: string; name: string; count: number; averageTotal: number; averages: Record<string, number> }>;
  top: OverviewPlace[];
  bottom: OverviewPlace[];
}

export interface OverviewPlace {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  total: number;
  countyRank: number;
  grade: string | null;
}

export interface FindingRow {
  id: number;
  item: string;
  count: number;
  element: string | null;
  note: string | null;
  householdNo: string | null;
  person?: string | null;
  source: 'inspector' | 'suggestion' | 'appeal';
  suggestionId?: number | null;
  appealId?: number | null;
  supersedesId?: number | null;
  status: 'active' | 'withdrawn' | 'superseded';
  createdAt: string;
  createdBy: string;
  withdrawnAt?: string | null;
  withdrawnBy?: string | null;
  withdrawReason?: string | null;
}

export interface EvidenceRow {
  id: number;
  /** Where the file is served (GET /api/evidence/:id). */
  url?: string;
  findingId: number | null;
  appealId: number | null;
  sha256: string;
  filename: string;
  mime: string;
  size: number;
  takenAt?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  status: 'active' | 'withdrawn';
  uploadedAt: string;
  uploadedBy: string;
}

export interface SuggestionRow {
  id: number;
  key: string;
  item: string;
  count: number;
  element: string | null;
  householdNo: string | null;
  summaryZh: string;
  summaryEn: string;
  /** The first records behind the suggestion (GET …/suggestions/:sid/records gives them all). */
  records: unknown;
  /** How many records there are in all. */
  recordCount?: number;
  status: 'open' | 'accepted' | 'dismissed';
  reason: string | null;
  findingId: number | null;
  decidedAt?: string | null;
  decidedBy?: string | null;
}

export interface AppealRow {
  id: number;
  assessmentId?: number;
  item: string;
  reason: string;
  status: 'open' | 'upheld' | 'adjusted' | 'rejected';
  decisionReason: string | null;
  adjustedCount: number | null;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** A node of a score as resultToJson gives it (points as decimals). */
export interface ScoreNodeJson {
  kind: 'section' | 'item';
  applicable: boolean;
  max: number;
  deductedRaw: number;
  deducted: number;
  score: number;
  addedRaw?: number;
  added?: number;
  pools?: string[];
  vetoed?: boolean;
  findings?: Array<{ finding: number; count: number; element?: string; note?: string; household?: string; amount: number }>;
}

export interface ScoreJson {
  scheme: { id: string; version: number };
  base: number;
  bonus: number;
  total: number;
  max: number;
  bonusMax: number;
  percent: number | null;
  grade: { code: string; title: LangText; min: number } | null;
  veto: { items: string[]; effect: 'zero' | 'grade'; grade?: string } | null;
  nodes: Record<string, ScoreNodeJson>;
}

export interface AssessmentDetail {
  id: number;
  campaignId: number;
  campaign: string;
  village: { code: string; name: string; township: string | null; povertyVillage: boolean; townshipName?: string | null };
  status: AssessmentStatus;
  version: number;
  comment: string | null;
  publishedAt: string | null;
  scheme: { id: string; version: number };
  schemeVersionId?: number;
  findings: FindingRow[];
  evidence: EvidenceRow[];
  suggestions: SuggestionRow[];
  appeals: AppealRow[];
  score: ScoreJson;
  explanation: string[];
  team?: string | null;
  submittedAt?: string | null;
  submittedBy?: string | null;
  reviewedAt?: string | null;
  reviewedBy?: string | null;
  publishedBy?: string | null;
}

export interface RankedRow {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  total: number;
  base: number;
  bonus: number;
  sections: Record<string, number>;
  grade?: string | null;
  countyRank: number;
  townshipRank: number;
  change: { totalDelta: number | null; rankDelta: number | null };
  status?: AssessmentStatus;
}

export interface RankSummary {
  count: number;
  averages: Record<string, number>;
  averageTotal: number;
  averageBase: number;
  averageBonus: number;
  gradeCounts?: Record<string, number>;
}

export interface Ranking {
  campaign: { id: number; name: string; year: number };
  scheme: { id: string; version: number };
  publishedOnly: boolean;
  county: RankedRow[];
  countySummary: RankSummary;
  townships: Array<RankSummary & { township: string; townshipName: string; rows: RankedRow[] }>;
}

export interface SchemeListEntry {
  id: string;
  title: LangText | string;
  builtin?: boolean;
  versions: Array<{ id: number; version: number; title?: string; createdAt?: string; createdBy?: string }>;
  latestVersion?: number;
}

export interface SchemeProblemJson {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  line?: number;
  column?: number;
  node?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  hash?: string;
  prevHash?: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  broken?: { id: number | null; position: number; reason: string };
}

// ---------------------------------------------------------------------------------------------

const camelKey = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** snake_case keys → camelCase, one level deep per object, recursing into arrays and plain objects (not into JSON blobs named `records`, `before`, `after`, `data`). */
export function camel<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => camel(v)) as T;
  if (value === null || typeof value !== 'object') return value as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = camelKey(k);
    out[key] = KEEP.has(key) ? v : camel(v);
  }
  return out as T;
}
const KEEP = new Set(['records', 'before', 'after', 'data', 'nodes', 'sections', 'averages', 'attributes', 'byStatus', 'gradeCounts']);

/** A JSON string (as the store keeps `records`, `before`, `after`) or the value itself. */
export function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** 0/1 flags and booleans alike. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** An assessment as GET /api/assessments/:id gives it, with the store's rows in camelCase. */
export function toAssessment(body: unknown): AssessmentDetail {
  const b = body as Record<string, unknown>;
  const a = { ...(b as object) } as AssessmentDetail;
  a.findings = camel<FindingRow[]>(b.findings ?? []);
  a.evidence = camel<Array<EvidenceRow & { url?: string }>>(b.evidence ?? []);
  a.suggestions = camel<SuggestionRow[]>(b.suggestions ?? []).map((s) => ({ ...s, records: parsedJson(s.records) }));
  a.appeals = camel<AppealRow[]>(b.appeals ?? []);
  a.explanation = (b.explanation as string[] | undefined) ?? [];
  return a;
}
