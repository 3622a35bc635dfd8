/**
 * What the derivation of suggested findings reads and what it returns. The rows are shaped
 * like the registry's tables (src/store/schema.ts, imported for its types only: core does
 * no I/O); each keeps only the columns the rules need, so a caller may pass whole rows.
 * Flags are 0/1, dates 'YYYY-MM-DD', months 'YYYY-MM'.
 */
import type { Selectable } from 'kysely';
import type {
  AreasTable,
  DutyDaysTable,
  HelperAssignmentsTable,
  HouseholdsTable,
  MeetingAttendanceTable,
  MeetingsTable,
  PetitionsTable,
  ReportsTable,
  StudentsTable,
  SurveysTable,
  TeamMembersTable,
  VisitsTable,
} from '../../store/schema.ts';

/** Household fields that 2.2.1 compares between the system record and a paper source. */
export const COMPARED_FIELDS = [
  'head_name',
  'head_id_number',
  'size',
  'workers',
  'attribute',
  'main_cause',
  'status',
  'income_fen',
  'phone',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export type VillageRow = Pick<Selectable<AreasTable>, 'code' | 'name' | 'poverty_village' | 'planned_exit_year' | 'exit_year'>;

export type HouseholdRow = Pick<
  Selectable<HouseholdsTable>,
  'id' | 'household_no' | 'status' | 'planned_exit_year' | 'exit_year' | ComparedField
>;

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
export type HelperAssignmentRow = Pick<Selectable<HelperAssignmentsTable>, 'id' | 'household_id' | 'start_date' | 'end_date'> & {
  helper_name: string;
};

/** A member of the village's work team; without dates the member counts for the whole period. */
export type TeamMemberRow = Pick<Selectable<TeamMembersTable>, 'id' | 'name' | 'id_number' | 'is_leader'> &
  Partial<Pick<Selectable<TeamMembersTable>, 'start_date' | 'end_date'>>;

export type VisitRow = Pick<Selectable<VisitsTable>, 'id' | 'household_id' | 'visitor_role' | 'visitor_name' | 'date'>;
export type MeetingRow = Pick<Selectable<MeetingsTable>, 'id' | 'kind' | 'date' | 'has_minutes' | 'topic'>;
export type DutyDayRow = Pick<Selectable<DutyDaysTable>, 'id' | 'person_name' | 'person_id_number' | 'month' | 'days'>;
export type AttendanceRow = Pick<Selectable<MeetingAttendanceTable>, 'id' | 'meeting' | 'organiser' | 'date' | 'person_name' | 'status'>;
export type ReportRow = Pick<Selectable<ReportsTable>, 'id' | 'title' | 'deadline' | 'submitted_date' | 'status'>;
export type SurveyRow = Pick<Selectable<SurveysTable>, 'id' | 'household_id' | 'kind' | 'date' | 'respondent' | 'topic' | 'answer'>;
export type StudentRow = Pick<Selectable<StudentsTable>, 'id' | 'household_id' | 'name' | 'school_year' | 'eligible' | 'notified' | 'applied'>;
export type PetitionRow = Pick<Selectable<PetitionsTable>, 'id' | 'household_id' | 'date' | 'kind' | 'over_county' | 'handled' | 'summary'>;

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

/** A finding the registry suggests; an inspector confirms or dismisses it. */
export interface Suggestion {
  /** Scheme item code. */
  item: string;
  /** Stable and unique per village and period, so re-deriving never duplicates a suggestion. */
  key: string;
  count: number;
  /** Checklist element code, only when the scheme's item has that element. */
  element?: string;
  /** household_no, when the suggestion is about one household. */
  household?: string;
  summary: { zh: string; en: string };
  records: SuggestionRecord[];
}
