/** Table types for Kysely. Flags are integers 0/1 and money is in fen on both databases. */
import type { Generated } from 'kysely';

type Flag = number;

export interface AreasTable {
  code: string;
  level: 'county' | 'township' | 'village';
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
}
