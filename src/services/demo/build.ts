/**
 * The demo county built in memory, step by step. Every step draws from its own named fork of
 * the seeded generator (per village where it works village by village), so a step's data depends
 * only on the seed, the options and what earlier steps made; the people drawn (ID numbers, staff
 * names) are shared, so the steps run in this order.
 */
import { KaoheError } from '../../core/errors.ts';
import { buildAreas } from './areas.ts';
import { DemoContext, type HouseholdsByVillage } from './context.ts';
import { buildHandbooks, buildPetitions, buildPublicity, buildStudents, buildSurveys } from './household-records.ts';
import { buildHouseholds } from './households.ts';
import { DEMO_DEFAULTS, type DemoData, type DemoOptions, type DemoTable } from './model.ts';
import { buildDutyDays, buildMeetingAttendance, buildMeetings, buildReports } from './village-work.ts';
import { buildVisits } from './visits.ts';
import { buildLeaderDuties, buildWorkTeams } from './work-teams.ts';
import { COUNTY } from './words.ts';

/** Builds the whole data set in memory: pure, the same for the same options. */
export function buildDemo(options: DemoOptions = {}): DemoData {
  const { seed, households: householdTotal, year } = validate(options);
  const ctx = new DemoContext(seed, year);

  const { areas, villages, summary: villageSummary } = buildAreas(ctx);
  const { workTeams, teamMembers } = buildWorkTeams(ctx, villages);
  const { helpers, households, members, helperAssignments, drafts, summary: householdSummary } = buildHouseholds(ctx, villages, householdTotal);
  const householdsOf: HouseholdsByVillage = new Map();
  for (const d of drafts) {
    const list = householdsOf.get(d.village.code) ?? [];
    list.push(d);
    householdsOf.set(d.village.code, list);
  }
  const visits = buildVisits(ctx, villages, householdsOf);
  const meetings = buildMeetings(ctx, villages);
  const dutyDays = buildDutyDays(ctx, villages);
  const reports = buildReports(ctx, villages);
  const meetingAttendance = buildMeetingAttendance(ctx, villages);
  const surveys = buildSurveys(ctx, villages, householdsOf);
  const students = buildStudents(ctx, villages, householdsOf);
  const publicity = buildPublicity(ctx, villages, householdsOf);
  const petitions = buildPetitions(ctx, villages, householdsOf);
  const householdSources = buildHandbooks(ctx, villages, households);
  const leaderDuties = buildLeaderDuties(ctx, villages);

  const data: Omit<DemoData, 'summary'> = {
    areas,
    workTeams,
    teamMembers,
    helpers,
    households,
    members,
    helperAssignments,
    visits,
    meetings,
    dutyDays,
    meetingAttendance,
    reports,
    surveys,
    students,
    petitions,
    publicity,
    householdSources,
    leaderDuties,
  };
  const counts: Record<DemoTable, number> = {
    areas: areas.length,
    work_teams: workTeams.length,
    team_members: teamMembers.length,
    helpers: helpers.length,
    households: households.length,
    members: members.length,
    helper_assignments: helperAssignments.length,
    visits: visits.length,
    meetings: meetings.length,
    duty_days: dutyDays.length,
    meeting_attendance: meetingAttendance.length,
    reports: reports.length,
    surveys: surveys.length,
    students: students.length,
    petitions: petitions.length,
    publicity: publicity.length,
    household_sources: householdSources.length,
    leader_duties: leaderDuties.length,
  };
  return {
    ...data,
    summary: {
      seed,
      year,
      county: { ...COUNTY },
      counts,
      villages: { total: villages.length, ...villageSummary },
      households: { total: households.length, ...householdSummary },
    },
  };
}

function validate(options: DemoOptions): { seed: number; households: number; year: number } {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const households = options.households ?? DEMO_DEFAULTS.households;
  const year = options.year ?? DEMO_DEFAULTS.year;
  if (!Number.isSafeInteger(seed)) throw new KaoheError('demo-option', `the seed must be an integer, got ${seed}`);
  if (!Number.isInteger(households) || households < 30 || households > 100_000) {
    throw new KaoheError('demo-option', `the number of households must be a whole number from 30 to 100000 (one village needs at least one), got ${households}`);
  }
  if (!Number.isInteger(year) || year < 2015 || year > 2100) {
    throw new KaoheError('demo-option', `the year must be a whole year from 2015 (households were registered from 2014) to 2100, got ${year}`);
  }
  return { seed, households, year };
}
