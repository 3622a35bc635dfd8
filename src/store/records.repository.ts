/** One village's registry records for a period, shaped for the derivation rules. */
import type { Kysely, Transaction } from 'kysely';
import type { LeaderDuty, Period, VillageRecords } from '../core/derivation/types.ts';
import type { DB } from './schema.ts';

/** Everything the derivation rules read for one village and period. */
export async function loadVillageRecords(db: Kysely<DB> | Transaction<DB>, villageCode: string, period: Period): Promise<VillageRecords> {
  const village = await db
    .selectFrom('areas')
    .select(['code', 'name', 'poverty_village', 'planned_exit_year', 'exit_year'])
    .where('code', '=', villageCode)
    .executeTakeFirstOrThrow();
  const households = await db
    .selectFrom('households')
    .select([
      'id',
      'household_no',
      'status',
      'identified_year',
      'planned_exit_year',
      'exit_year',
      'head_name',
      'head_id_number',
      'size',
      'workers',
      'attribute',
      'main_cause',
      'income_fen',
      'phone',
    ])
    .where('village_code', '=', villageCode)
    .orderBy('id')
    .execute();
  const inVillage = db.selectFrom('households').select('id').where('village_code', '=', villageCode);
  const householdSources = await db
    .selectFrom('household_sources as s')
    .innerJoin('households as h', 'h.id', 's.household_id')
    .select(['s.id', 'h.household_no', 's.source', 's.head_name', 's.head_id_number', 's.size', 's.workers', 's.attribute', 's.main_cause', 's.status', 's.income_fen', 's.phone'])
    .where('h.village_code', '=', villageCode)
    .execute();
  const helperAssignments = await db
    .selectFrom('helper_assignments as a')
    .innerJoin('helpers as p', 'p.id', 'a.helper_id')
    .select(['a.id', 'a.household_id', 'a.start_date', 'a.end_date', 'p.name as helper_name'])
    .where('a.household_id', 'in', inVillage)
    .execute();
  const teamMembers = await db
    .selectFrom('team_members as m')
    .innerJoin('work_teams as t', 't.id', 'm.team_id')
    .select(['m.id', 'm.name', 'm.id_number', 'm.is_leader', 'm.start_date', 'm.end_date'])
    .where('t.village_code', '=', villageCode)
    .execute();
  const visits = await db
    .selectFrom('visits')
    .select(['id', 'household_id', 'visitor_role', 'visitor_name', 'date'])
    .where('household_id', 'in', inVillage)
    .where('date', '>=', period.from)
    .where('date', '<=', period.to)
    .execute();
  const meetings = await db
    .selectFrom('meetings')
    .select(['id', 'kind', 'date', 'has_minutes', 'topic'])
    .where('village_code', '=', villageCode)
    .where('date', '>=', period.from)
    .where('date', '<=', period.to)
    .execute();
  const dutyDays = await db
    .selectFrom('duty_days')
    .select(['id', 'person_name', 'person_id_number', 'month', 'days', 'leave_days', 'trip_days'])
    .where('village_code', '=', villageCode)
    .where('month', '>=', period.from.slice(0, 7))
    .where('month', '<=', period.to.slice(0, 7))
    .execute();
  const meetingAttendance = await db
    .selectFrom('meeting_attendance')
    .select(['id', 'meeting', 'organiser', 'date', 'person_name', 'status'])
    .where('village_code', '=', villageCode)
    .where('date', '>=', period.from)
    .where('date', '<=', period.to)
    .execute();
  const reports = await db
    .selectFrom('reports')
    .select(['id', 'title', 'deadline', 'submitted_date', 'status'])
    .where('village_code', '=', villageCode)
    .where('deadline', '>=', period.from)
    .where('deadline', '<=', period.to)
    .execute();
  const surveys = await db
    .selectFrom('surveys')
    .select(['id', 'household_id', 'kind', 'date', 'respondent', 'topic', 'answer'])
    .where('household_id', 'in', inVillage)
    .where('date', '>=', period.from)
    .where('date', '<=', period.to)
    .execute();
  const students = await db
    .selectFrom('students')
    .select(['id', 'household_id', 'name', 'school_year', 'eligible', 'notified', 'applied'])
    .where('household_id', 'in', inVillage)
    .where('school_year', '=', period.year)
    .execute();
  const petitions = await db
    .selectFrom('petitions')
    .select(['id', 'household_id', 'date', 'kind', 'over_county', 'handled', 'summary'])
    .where('village_code', '=', villageCode)
    .where('date', '>=', period.from)
    .where('date', '<=', period.to)
    .execute();
  const duties = await db.selectFrom('leader_duties').select(['element', 'title', 'done']).where('village_code', '=', villageCode).where('year', '=', period.year).execute();
  const leaderDuties: LeaderDuty[] = duties.map((d) => ({ element: d.element, title: d.title, done: Number(d.done) === 1 }));
  const publicity = await db.selectFrom('publicity').select(['id', 'household_id', 'procedure', 'stage', 'date', 'reference']).where('household_id', 'in', inVillage).execute();
  return {
    village,
    households,
    householdSources: householdSources as VillageRecords['householdSources'],
    helperAssignments,
    teamMembers,
    visits,
    meetings,
    dutyDays,
    meetingAttendance,
    reports,
    surveys,
    students,
    petitions,
    leaderDuties,
    publicity,
  };
}
