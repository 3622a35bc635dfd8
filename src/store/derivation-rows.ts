/**
 * Compile-time check only: the registry's rows (this folder's table types) satisfy the row
 * shapes core's derivation declares for itself (src/core/derivation/types.ts), so a row read
 * here may be passed to the rules whole. Core cannot import store; store checks the fit.
 */
import type { Selectable } from 'kysely';
import type {
  AttendanceRow,
  DutyDayRow,
  HelperAssignmentRow,
  HouseholdRow,
  MeetingRow,
  PetitionRow,
  PublicityRow,
  ReportRow,
  StudentRow,
  SurveyRow,
  TeamMemberRow,
  VillageRow,
  VisitRow,
} from '../core/derivation/types.ts';
import type {
  AreasTable,
  DutyDaysTable,
  HelperAssignmentsTable,
  HouseholdsTable,
  MeetingAttendanceTable,
  MeetingsTable,
  PetitionsTable,
  PublicityTable,
  ReportsTable,
  StudentsTable,
  SurveysTable,
  TeamMembersTable,
  VisitsTable,
} from './schema.ts';

type Fits<Row extends Core, Core> = Row;

export type DerivationRowsFit = [
  Fits<Selectable<AreasTable>, VillageRow>,
  Fits<Selectable<HouseholdsTable>, HouseholdRow>,
  Fits<Selectable<HelperAssignmentsTable> & { helper_name: string }, HelperAssignmentRow>,
  Fits<Selectable<TeamMembersTable>, TeamMemberRow>,
  Fits<Selectable<VisitsTable>, VisitRow>,
  Fits<Selectable<MeetingsTable>, MeetingRow>,
  Fits<Selectable<DutyDaysTable>, DutyDayRow>,
  Fits<Selectable<MeetingAttendanceTable>, AttendanceRow>,
  Fits<Selectable<ReportsTable>, ReportRow>,
  Fits<Selectable<SurveysTable>, SurveyRow>,
  Fits<Selectable<StudentsTable>, StudentRow>,
  Fits<Selectable<PetitionsTable>, PetitionRow>,
  Fits<Selectable<PublicityTable>, PublicityRow>,
];
