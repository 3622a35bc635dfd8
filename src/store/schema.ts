/** Table types for Kysely. Flags are integers 0/1 and money is in fen on both databases. */
import type { Generated } from 'kysely';

type Flag = number;

export interface AreasTable {
  code: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  name: string;
  parent_code: string | null;
  poverty_village: Generated<Flag>;
  planned_exit_year: number | null;
  exit_year: number | null;
  population: number | null;
}

export interface CodeListsTable {
  list: string;
  code: string;
  label_zh: string;
  label_en: string | null;
  sort: Generated<number>;
  valid_from: number;
  valid_to: number | null;
}

export interface PovertyLinesTable {
  year: number;
  amount_fen: number;
}

export interface WorkTeamsTable {
  id: Generated<number>;
  village_code: string;
  sending_unit: string;
  start_date: string | null;
  end_date: string | null;
}

export interface TeamMembersTable {
  id: Generated<number>;
  team_id: number;
  name: string;
  id_number: string;
  is_leader: Generated<Flag>;
  is_first_secretary: Generated<Flag>;
  phone: string | null;
  start_date: string;
  end_date: string | null;
}

export interface HelpersTable {
  id: Generated<number>;
  id_number: string;
  name: string;
  unit: string | null;
  position: string | null;
  phone: string | null;
}

export interface HouseholdsTable {
  id: Generated<number>;
  household_no: string;
  village_code: string;
  year: number;
  head_name: string;
  head_id_number: string;
  size: number;
  workers: number | null;
  standard: string | null;
  attribute: string;
  main_cause: string;
  other_causes: string | null;
  status: string;
  identified_year: number | null;
  planned_exit_year: number | null;
  exit_year: number | null;
  income_fen: number | null;
  phone: string | null;
  housing_grade: string | null;
  safe_water: Flag | null;
  electricity: Flag | null;
  road: Flag | null;
}

export interface MembersTable {
  id: Generated<number>;
  household_id: number;
  name: string;
  id_number: string;
  sex: 'M' | 'F';
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schooling: string | null;
  health: string | null;
  labour_ability: string | null;
  migrant_work: Flag | null;
  insured: Flag | null;
  dibao: Flag | null;
  wubao: Flag | null;
}

export interface HelperAssignmentsTable {
  id: Generated<number>;
  helper_id: number;
  household_id: number;
  start_date: string;
  end_date: string | null;
}

export interface VisitsTable {
  id: Generated<number>;
  household_id: number;
  visitor_role: 'helper' | 'leader';
  visitor_name: string;
  visitor_id_number: string | null;
  date: string;
  content: string | null;
}

export interface MeetingsTable {
  id: Generated<number>;
  village_code: string;
  kind: 'topic' | 'leader';
  date: string;
  has_minutes: Generated<Flag>;
  topic: string | null;
  attendees: number | null;
}

export interface DutyDaysTable {
  id: Generated<number>;
  village_code: string;
  person_name: string;
  person_id_number: string;
  month: string;
  days: number;
  /** Approved leave in the month (migration 0008); null: not recorded. */
  leave_days: number | null;
  /** Official trips in the month (migration 0008); null: not recorded. */
  trip_days: number | null;
}

export interface MeetingAttendanceTable {
  id: Generated<number>;
  village_code: string;
  meeting: string;
  organiser: string | null;
  date: string;
  person_name: string;
  status: 'attended' | 'leave' | 'absent';
}

export interface ReportsTable {
  id: Generated<number>;
  village_code: string;
  title: string;
  deadline: string;
  submitted_date: string | null;
  status: 'on-time' | 'late' | 'returned' | 'missing';
  note: string | null;
}

export interface SurveysTable {
  id: Generated<number>;
  household_id: number;
  kind: 'awareness' | 'satisfaction';
  date: string;
  respondent: string;
  topic: string;
  answer: string;
}

export interface StudentsTable {
  id: Generated<number>;
  household_id: number;
  name: string;
  id_number: string;
  school_year: number;
  school: string | null;
  eligible: Generated<Flag>;
  notified: Generated<Flag>;
  applied: Generated<Flag>;
}

export interface PetitionsTable {
  id: Generated<number>;
  village_code: string;
  household_id: number | null;
  date: string;
  kind: 'petition' | 'complaint';
  over_county: Generated<Flag>;
  handled: Generated<Flag>;
  summary: string;
}

export interface PublicityTable {
  id: Generated<number>;
  household_id: number;
  procedure: 'entry' | 'exit';
  stage: 'application' | 'review' | 'first-publication' | 'second-publication' | 'announcement';
  date: string;
  reference: string | null;
}

export interface HouseholdSourcesTable {
  id: Generated<number>;
  household_id: number;
  source: 'handbook' | 'collection-form';
  head_name: string | null;
  head_id_number: string | null;
  size: number | null;
  workers: number | null;
  attribute: string | null;
  main_cause: string | null;
  status: string | null;
  income_fen: number | null;
  phone: string | null;
}

export interface LeaderDutiesTable {
  id: Generated<number>;
  village_code: string;
  year: number;
  element: string;
  title: string;
  done: Generated<Flag>;
  note: string | null;
}

export interface SchemeVersionsTable {
  id: Generated<number>;
  scheme_id: string;
  version: number;
  title: string;
  source_text: string;
  derive_text: string | null;
  created_at: string;
  created_by: string;
}

/** A counter per table that kept views rest on, moved by triggers on every write (migration 0007). */
export interface ChangeCountersTable {
  name: string;
  value: number;
}

export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  year: number;
  period_from: string;
  period_to: string;
  scheme_version_id: number;
  appeal_days: Generated<number>;
  created_at: string;
  created_by: string;
  /** The scheme's period the campaign is for (migration 0013); null for a scheme without periods. */
  period: string | null;
}

/** The campaigns whose results a final campaign combines with its own (migration 0013). */
export interface CampaignPartsTable {
  campaign_id: number;
  part_campaign_id: number;
}

export interface InspectionTeamsTable {
  id: Generated<number>;
  campaign_id: number;
  name: string;
}

export interface InspectionTeamMembersTable {
  team_id: number;
  username: string;
}

export type AssessmentStatus = 'draft' | 'submitted' | 'reviewed' | 'published';

export interface AssessmentsTable {
  id: Generated<number>;
  campaign_id: number;
  village_code: string;
  team_id: number | null;
  status: Generated<AssessmentStatus>;
  version: Generated<number>;
  comment: string | null;
  base: Generated<number>;
  bonus: Generated<number>;
  total: Generated<number>;
  result: string | null;
  /** What a ranking reads of the result (migration 0017), JSON; null on rows scored before it. */
  parts: string | null;
  updated_at: string;
  submitted_at: string | null;
  submitted_by: string | null;
  reviewed_at: string | null;
  reviewed_by: string | null;
  published_at: string | null;
  published_by: string | null;
}

export interface FindingsTable {
  id: Generated<number>;
  assessment_id: number;
  item: string;
  count: number;
  element: string | null;
  note: string | null;
  household_no: string | null;
  person: string | null;
  source: 'inspector' | 'suggestion' | 'appeal';
  suggestion_id: number | null;
  appeal_id: number | null;
  supersedes_id: number | null;
  status: Generated<'active' | 'withdrawn' | 'superseded'>;
  created_at: string;
  created_by: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
  /** A measured item's value: the JSON of core's MeasuredValue, in hundredths (migration 0014). */
  value: string | null;
  /** A range rule's amount picked per occurrence, in hundredths of a point. */
  amount_cents: number | null;
  /** The part of a several-rule item the finding is about. */
  part: string | null;
}

export interface EvidenceTable {
  id: Generated<number>;
  finding_id: number | null;
  appeal_id: number | null;
  sha256: string;
  filename: string;
  mime: string;
  size: number;
  taken_at: string | null;
  latitude: number | null;
  longitude: number | null;
  status: Generated<'active' | 'withdrawn'>;
  uploaded_at: string;
  uploaded_by: string;
}

export interface SuggestionsTable {
  id: Generated<number>;
  assessment_id: number;
  key: string;
  item: string;
  count: number;
  element: string | null;
  household_no: string | null;
  summary_zh: string;
  summary_en: string;
  records: string;
  status: Generated<'open' | 'accepted' | 'dismissed'>;
  reason: string | null;
  finding_id: number | null;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  /** A measured value the registry gives: the JSON of core's MeasuredValue (migration 0015). */
  value: string | null;
}

/** An item marked "checked, no deduction" on an assessment (migration 0010). */
export interface ItemChecksTable {
  assessment_id: number;
  item: string;
  checked_by: string;
  checked_at: string;
}

/** A reviewer's comment on one finding (migration 0011). */
export interface FindingCommentsTable {
  id: Generated<number>;
  finding_id: number;
  author: string;
  text: string;
  created_at: string;
}

export interface AppealsTable {
  id: Generated<number>;
  assessment_id: number;
  item: string;
  reason: string;
  status: Generated<'open' | 'upheld' | 'adjusted' | 'rejected'>;
  decision_reason: string | null;
  adjusted_count: number | null;
  created_at: string;
  created_by: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface RankingSnapshotsTable {
  id: Generated<number>;
  campaign_id: number;
  created_at: string;
  created_by: string;
  reason: string;
  data: string;
  /** The audit head when the snapshot was taken (an anchor for verify). */
  audit_entries: number | null;
  audit_hash: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  hash: string;
  entries: number;
  /** HMAC of (entries, hash) with the audit key. */
  mac: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: string;
  lockouts: number;
  locked_until: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string | null;
  role: 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer';
  township_code: string | null;
  village_code: string | null;
  password_hash: string;
  must_change_password: Generated<Flag>;
  disabled: Generated<Flag>;
  created_at: string;
  /** When the user last signed in (ISO time); null: never (migration 0009). */
  last_sign_in_at: string | null;
  /** An administrator's, viewer's or inspector's area (province, city, county); null: the whole database (migration 0018). */
  area_code: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

/** A change sent with an Idempotency-Key, per user and key (migration 0012). */
export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  request_hash: string;
  /** JSON: what the transaction that applied the change returned (written in it). */
  result: string | null;
  /** The HTTP answer, written right after the commit; null until then. */
  status_code: number | null;
  answer: string | null;
  created_at: string;
}

export interface DB {
  areas: AreasTable;
  code_lists: CodeListsTable;
  poverty_lines: PovertyLinesTable;
  work_teams: WorkTeamsTable;
  team_members: TeamMembersTable;
  helpers: HelpersTable;
  households: HouseholdsTable;
  members: MembersTable;
  helper_assignments: HelperAssignmentsTable;
  visits: VisitsTable;
  meetings: MeetingsTable;
  duty_days: DutyDaysTable;
  meeting_attendance: MeetingAttendanceTable;
  reports: ReportsTable;
  surveys: SurveysTable;
  students: StudentsTable;
  petitions: PetitionsTable;
  publicity: PublicityTable;
  household_sources: HouseholdSourcesTable;
  leader_duties: LeaderDutiesTable;
  scheme_versions: SchemeVersionsTable;
  campaigns: CampaignsTable;
  campaign_parts: CampaignPartsTable;
  change_counters: ChangeCountersTable;
  inspection_teams: InspectionTeamsTable;
  inspection_team_members: InspectionTeamMembersTable;
  assessments: AssessmentsTable;
  findings: FindingsTable;
  evidence: EvidenceTable;
  suggestions: SuggestionsTable;
  item_checks: ItemChecksTable;
  finding_comments: FindingCommentsTable;
  appeals: AppealsTable;
  ranking_snapshots: RankingSnapshotsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  idempotency_keys: IdempotencyKeysTable;
}
