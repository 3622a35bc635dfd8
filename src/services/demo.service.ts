/**
 * A deterministic demo county for an empty registry: one county, 3 townships, 30 villages
 * (half of them poverty villages), about 3,000 registered households with their members,
 * work teams, helpers, and a year of the records the scheme's items check (visits, meetings,
 * duty days, attendance, reports, surveys, Rain-and-Dew students, petitions, publicity).
 *
 * Every village draws a "quality" from the seed: good villages have almost complete records,
 * poor ones many gaps, so their assessments differ. The same seed always gives the same data.
 * All names and ID numbers are invented (the ID numbers are well-formed, not real people's).
 */
import { KaoheError } from '../core/errors.ts';
import type { Store } from '../store/db.ts';
import { DemoLoadRepository } from '../store/demo-load.repository.ts';
import { buildDemo } from './demo/build.ts';
import { provincePlan, provinceTables, type ProvinceOptions } from './demo/province.ts';
import { loadEmptyTables } from '../store/pg-bulk.ts';
import type { DemoOptions, DemoSummary } from './demo/model.ts';

export { buildDemo } from './demo/build.ts';
export { DEMO_DEFAULTS, DEMO_TABLES, type DemoData, type DemoOptions, type DemoSummary, type DemoTable } from './demo/model.ts';

/**
 * Where the demo is written: its repository (a unit of work hands one bound to its transaction),
 * or the store to write with one over its connection (until a composition root builds the
 * repositories for the command line and the first start).
 */
export type DemoDeps = { demoLoad: DemoLoadRepository } | { store: Store };

function lookup(map: Map<string, number>, key: string, what: string): number {
  const id = map.get(key);
  if (id === undefined) throw new Error(`demo: no ${what} id for ${key}`);
  return id;
}

async function assertEmpty(repository: DemoLoadRepository): Promise<void> {
  for (const table of ['areas', 'households', 'helpers'] as const) {
    const n = await repository.count(table);
    if (n > 0) {
      throw new KaoheError(
        'registry-not-empty',
        `the registry already holds data (${n} rows in ${table}): demo data is only generated into an empty registry, so that it never mixes with real records`,
      );
    }
  }
}

/**
 * Fills an empty registry with the demo county, in one transaction. Refuses (KaoheError
 * 'registry-not-empty') when any area, household or helper is already there.
 */
export async function generateDemo(deps: DemoDeps, options: DemoOptions = {}): Promise<DemoSummary> {
  const demoLoad = 'demoLoad' in deps ? deps.demoLoad : new DemoLoadRepository(deps.store.db);
  await assertEmpty(demoLoad); // fail fast, before building anything
  const data = buildDemo(options);
  await demoLoad.transaction(async (trx) => {
    await assertEmpty(trx); // and again inside the transaction, in case someone wrote meanwhile

    await trx.insert('areas', data.areas);
    await trx.insert('work_teams', data.workTeams);
    const teams = await trx.workTeamIds();
    await trx.insert(
      'team_members',
      data.teamMembers.map(({ village_code, ...m }) => ({ ...m, team_id: lookup(teams, village_code, 'work team') })),
    );
    await trx.insert('helpers', data.helpers);
    const helperIds = await trx.helperIds();
    await trx.insert('households', data.households);
    const hh = await trx.householdIds();
    const hid = (no: string) => lookup(hh, no, 'household');

    await trx.insert(
      'members',
      data.members.map(({ household_no, ...m }) => ({ ...m, household_id: hid(household_no) })),
    );
    await trx.insert(
      'helper_assignments',
      data.helperAssignments.map(({ household_no, helper_id_number, ...a }) => ({
        ...a,
        household_id: hid(household_no),
        helper_id: lookup(helperIds, helper_id_number, 'helper'),
      })),
    );
    await trx.insert(
      'visits',
      data.visits.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })),
    );
    await trx.insert('meetings', data.meetings);
    await trx.insert('duty_days', data.dutyDays);
    await trx.insert('meeting_attendance', data.meetingAttendance);
    await trx.insert('reports', data.reports);
    await trx.insert(
      'surveys',
      data.surveys.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })),
    );
    await trx.insert(
      'students',
      data.students.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })),
    );
    await trx.insert(
      'petitions',
      data.petitions.map(({ household_no, ...x }) => ({ ...x, household_id: household_no === null ? null : hid(household_no) })),
    );
    await trx.insert(
      'publicity',
      data.publicity.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })),
    );
    await trx.insert(
      'household_sources',
      data.householdSources.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })),
    );
    await trx.insert('leader_duties', data.leaderDuties);
  });
  return data.summary;
}

/** What a generated province holds, and how long it took. */
export interface ProvinceSummary {
  options: Required<ProvinceOptions>;
  cities: number;
  counties: number;
  townships: number;
  villages: number;
  /** Rows written per table. */
  counts: Record<string, number>;
  ms: number;
}

/**
 * Fills an empty PostgreSQL registry with a generated province (services/demo/province.ts),
 * through COPY, in one transaction: all of it or nothing. Refuses a registry that holds data,
 * and SQLite (a province is what PostgreSQL is for).
 */
export async function generateProvince(store: Store, options: ProvinceOptions = {}, progress?: (table: string, rows: number, ms: number) => void): Promise<ProvinceSummary> {
  if (store.dialect !== 'postgres' || !store.pgPool)
    throw new KaoheError('demo-option', `a province is generated into PostgreSQL only (DATABASE_URL=postgres://…); ${store.location} is SQLite: use \`kaohe demo\` for a county`);
  const started = Date.now();
  const plan = provincePlan(options);
  await assertEmpty(new DemoLoadRepository(store.db));
  const counts = await loadEmptyTables(store.pgPool, provinceTables(plan), progress);
  return {
    options: plan.options,
    cities: plan.cities.length,
    counties: plan.counties.length,
    townships: plan.townships.length,
    villages: plan.villages.length,
    counts,
    ms: Date.now() - started,
  };
}
