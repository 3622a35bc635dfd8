/** What the demo is asked for and what it gives: its options, the data set (rows of the registry's tables) and its summary. */
import type { Insertable } from 'kysely';
import type { DB } from '../../store/schema.ts';

export interface DemoOptions {
  /** Seed of the generator (an integer; default 2020). */
  seed?: number;
  /** Registered households in the county (default 3,000; 30 to 100,000). */
  households?: number;
  /** The assessment year the records cover (default 2020; 2015 to 2100). */
  year?: number;
}

/** Tables the demo fills, in insertion order. */
export const DEMO_TABLES = [
  'areas',
  'work_teams',
  'team_members',
  'helpers',
  'households',
  'members',
  'helper_assignments',
  'visits',
  'meetings',
  'duty_days',
  'meeting_attendance',
  'reports',
  'surveys',
  'students',
  'petitions',
  'publicity',
  'household_sources',
  'leader_duties',
] as const satisfies ReadonlyArray<keyof DB>;

export type DemoTable = (typeof DEMO_TABLES)[number];

export interface DemoSummary {
  seed: number;
  year: number;
  county: { code: string; name: string };
  /** Rows written per table. */
  counts: Record<DemoTable, number>;
  /** Villages by kind, and the exit cases the year's assessment will find (items 2.6.1 and 2.6.2). */
  villages: { total: number; poverty: number; exited: number; dueNotExited: number };
  households: { total: number; exited: number; notExited: number; relapsed: number; dueNotExited: number };
}

export const DEMO_DEFAULTS = { seed: 2020, households: 3000, year: 2020 } as const;

/** A row to insert into a registry table. */
export type Row<T extends keyof DB> = Insertable<DB[T]>;

/** The whole data set: each table's rows, references to rows not yet written by natural key (village code, household number, helper ID number). */
export interface DemoData {
  summary: DemoSummary;
  areas: Row<'areas'>[];
  workTeams: Array<Row<'work_teams'>>;
  teamMembers: Array<Omit<Row<'team_members'>, 'team_id'> & { village_code: string }>;
  helpers: Row<'helpers'>[];
  households: Row<'households'>[];
  members: Array<Omit<Row<'members'>, 'household_id'> & { household_no: string }>;
  helperAssignments: Array<Omit<Row<'helper_assignments'>, 'helper_id' | 'household_id'> & { helper_id_number: string; household_no: string }>;
  visits: Array<Omit<Row<'visits'>, 'household_id'> & { household_no: string }>;
  meetings: Row<'meetings'>[];
  dutyDays: Row<'duty_days'>[];
  meetingAttendance: Row<'meeting_attendance'>[];
  reports: Row<'reports'>[];
  surveys: Array<Omit<Row<'surveys'>, 'household_id'> & { household_no: string }>;
  students: Array<Omit<Row<'students'>, 'household_id'> & { household_no: string }>;
  petitions: Array<Omit<Row<'petitions'>, 'household_id'> & { household_no: string | null }>;
  publicity: Array<Omit<Row<'publicity'>, 'household_id'> & { household_no: string }>;
  householdSources: Array<Omit<Row<'household_sources'>, 'household_id'> & { household_no: string }>;
  leaderDuties: Row<'leader_duties'>[];
}
