/**
 * What the derivation of suggested findings reads and what it returns. The rows are shaped
 * like the registry's tables (src/store/schema.ts) but defined here, so core depends on no
 * other part of the project: each keeps only the columns the rules need, and a store row
 * (Selectable<…Table>) satisfies it structurally, so a caller may pass whole rows
 * (src/store/derivation-rows.ts checks that at compile time).
 * Flags are 0/1, dates 'YYYY-MM-DD', months 'YYYY-MM'.
 */

import type { MeasuredValue } from '../scoring/score.ts';

/** 0 or 1, as both databases store flags. */
type Flag = number;

/** Household fields that 2.2.1 compares between the system record and a paper source. */
export const COMPARED_FIELDS = ['head_name', 'head_id_number', 'size', 'workers', 'attribute', 'main_cause', 'status', 'income_fen', 'phone'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface VillageRow {
  code: string;
  name: string;
  poverty_village: Flag;
  planned_exit_year: number | null;
  exit_year: number | null;
}

export interface HouseholdRow {
  id: number;
  household_no: string;
  head_name: string;
  head_id_number: string;
  size: number;
  workers: number | null;
  attribute: string;
  main_cause: string;
  status: string;
  planned_exit_year: number | null;
  exit_year: number | null;
  /** The year the household was identified (entered the register); 3.1.3 checks that year's entry papers. */
  identified_year?: number | null;
  income_fen: number | null;
  phone: string | null;
}

export type HouseholdSourceKind = 'handbook' | 'collection-form';
export const HOUSEHOLD_SOURCE_KINDS: readonly HouseholdSourceKind[] = ['handbook', 'collection-form'];

/**
 * A household's details as a paper source has them (扶贫手册 or 信息采集表), for 2.2.1.
 * Null: the source leaves the field empty.
 */
export interface HouseholdSource {
  /** The source record's id, where the caller stores one. */
  id?: number;
  household_no: string;
  source: HouseholdSourceKind;
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

/** A helper's assignment to a household, with the helper's name (helpers.name). */
export interface HelperAssignmentRow {
  id: number;
  household_id: number;
  start_date: string;
  end_date: string | null;
  helper_name: string;
}

/** A member of the village's work team; without dates the member counts for the whole period. */
export interface TeamMemberRow {
  id: number;
  name: string;
  id_number: string;
  is_leader: Flag;
  start_date?: string;
  end_date?: string | null;
}

export interface VisitRow {
  id: number;
  household_id: number;
  visitor_role: 'helper' | 'leader';
  visitor_name: string;
  date: string;
}
export interface MeetingRow {
  id: number;
  kind: 'topic' | 'leader';
  date: string;
  has_minutes: Flag;
  topic: string | null;
}
export interface DutyDayRow {
  id: number;
  person_name: string;
  person_id_number: string;
  month: string;
  days: number;
  /** Approved leave in the month, which counts as on duty; null or absent: not recorded. */
  leave_days?: number | null;
  /** Official trips in the month, which count as on duty; null or absent: not recorded. */
  trip_days?: number | null;
}
export interface AttendanceRow {
  id: number;
  meeting: string;
  organiser: string | null;
  date: string;
  person_name: string;
  status: 'attended' | 'leave' | 'absent';
}
export interface ReportRow {
  id: number;
  title: string;
  deadline: string;
  submitted_date: string | null;
  status: 'on-time' | 'late' | 'returned' | 'missing';
}
export interface SurveyRow {
  id: number;
  household_id: number;
  kind: 'awareness' | 'satisfaction';
  date: string;
  respondent: string;
  topic: string;
  answer: string;
}
export interface StudentRow {
  id: number;
  household_id: number;
  name: string;
  school_year: number;
  eligible: Flag;
  notified: Flag;
  applied: Flag;
}
export interface PetitionRow {
  id: number;
  household_id: number | null;
  date: string;
  kind: 'petition' | 'complaint';
  over_county: Flag;
  handled: Flag;
  summary: string;
}

/** One step of a household's entry or exit procedure (申请、评议、两公示一公告), for 3.1.3. */
export interface PublicityRow {
  id: number;
  household_id: number;
  procedure: 'entry' | 'exit';
  stage: 'application' | 'review' | 'first-publication' | 'second-publication' | 'announcement';
  date: string;
  reference: string | null;
}

/** One of the work-team leader's "ten ones" (十个一), as the county lists them, and whether it was done. */
export interface LeaderDuty {
  /** Code of the duty in the county's list; a checklist element of 2.4.1 where the scheme has one. */
  element: string;
  title: string;
  done: boolean;
  /** 'YYYY-MM' for a monthly duty; absent for a duty of the whole period. */
  month?: string;
}

/** Everything the rules read for ONE village and ONE period. Household ids refer to `households`. */
export interface VillageRecords {
  village: VillageRow;
  households: HouseholdRow[];
  householdSources: HouseholdSource[];
  helperAssignments: HelperAssignmentRow[];
  teamMembers: TeamMemberRow[];
  visits: VisitRow[];
  meetings: MeetingRow[];
  dutyDays: DutyDayRow[];
  meetingAttendance: AttendanceRow[];
  reports: ReportRow[];
  surveys: SurveyRow[];
  students: StudentRow[];
  petitions: PetitionRow[];
  leaderDuties: LeaderDuty[];
  /** Entry and exit procedure steps of the village's households (3.1.3); absent: not read. */
  publicity?: PublicityRow[];
}

/** The assessed period: a year, and the dates (inclusive) the records are read between. */
export interface Period {
  year: number;
  from: string;
  to: string;
}

/** A record that justifies a suggestion; for an absence, the period that was checked. */
export interface SuggestionRecord {
  table: string;
  id?: number;
  label: string;
}

/**
 * A finding the registry suggests; an inspector confirms or dismisses it. A suggestion with
 * count 0 is a NOTE: information for the inspector on a requirement the source sets no penalty
 * for (days on duty, for one); it carries no deduction and cannot be accepted as a finding.
 */
export interface Suggestion {
  /** Scheme item code. */
  item: string;
  /** Stable and unique per village and period, so re-deriving never duplicates a suggestion. */
  key: string;
  /** Occurrences the finding would record; 0 for a note. */
  count: number;
  /** Checklist element code, only when the scheme's item has that element. */
  element?: string;
  /** household_no, when the suggestion is about one household. */
  household?: string;
  summary: { zh: string; en: string };
  records: SuggestionRecord[];
  /** A measured item's value the records give (a rate's counts), recorded with the finding when accepted. */
  value?: MeasuredValue;
}
