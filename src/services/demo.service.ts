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
import type { Insertable, Kysely, Transaction } from 'kysely';
import { KaoheError } from '../core/errors.ts';
import type { Store } from '../store/db.ts';
import type { DB } from '../store/schema.ts';
import { buildDemo } from './demo/build.ts';
import type { DemoOptions, DemoSummary } from './demo/model.ts';

export { buildDemo } from './demo/build.ts';
export { DEMO_DEFAULTS, DEMO_TABLES, type DemoData, type DemoOptions, type DemoSummary, type DemoTable } from './demo/model.ts';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters and SQLite's 32,766. */
const BATCH = 500;

// ---------------------------------------------------------------------------------------------
// Writing

async function insertAll<T extends keyof DB & string>(trx: Transaction<DB>, table: T, rows: ReadonlyArray<Insertable<DB[T]>>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    // Kysely's generic insert types do not narrow over a table parameter; the rows are typed above.
    await (trx as unknown as Kysely<any>).insertInto(table).values(rows.slice(i, i + BATCH) as any[]).execute();
  }
}

function lookup(map: Map<string, number>, key: string, what: string): number {
  const id = map.get(key);
  if (id === undefined) throw new Error(`demo: no ${what} id for ${key}`);
  return id;
}

async function assertEmpty(db: Kysely<DB>): Promise<void> {
  for (const table of ['areas', 'households', 'helpers'] as const) {
    const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(n) > 0) {
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
export async function generateDemo(store: Store, options: DemoOptions = {}): Promise<DemoSummary> {
  await assertEmpty(store.db); // fail fast, before building anything
  const data = buildDemo(options);
  await store.db.transaction().execute(async (trx) => {
    await assertEmpty(trx); // and again inside the transaction, in case someone wrote meanwhile

    await insertAll(trx, 'areas', data.areas);
    await insertAll(trx, 'work_teams', data.workTeams);
    const teams = new Map((await trx.selectFrom('work_teams').select(['id', 'village_code']).execute()).map((t) => [t.village_code, t.id]));
    await insertAll(
      trx,
      'team_members',
      data.teamMembers.map(({ village_code, ...m }) => ({ ...m, team_id: lookup(teams, village_code, 'work team') })),
    );
    await insertAll(trx, 'helpers', data.helpers);
    const helperIds = new Map((await trx.selectFrom('helpers').select(['id', 'id_number']).execute()).map((h) => [h.id_number, h.id]));
    await insertAll(trx, 'households', data.households);
    const hh = new Map((await trx.selectFrom('households').select(['id', 'household_no']).execute()).map((h) => [h.household_no, h.id]));
    const hid = (no: string) => lookup(hh, no, 'household');

    await insertAll(trx, 'members', data.members.map(({ household_no, ...m }) => ({ ...m, household_id: hid(household_no) })));
    await insertAll(
      trx,
      'helper_assignments',
      data.helperAssignments.map(({ household_no, helper_id_number, ...a }) => ({ ...a, household_id: hid(household_no), helper_id: lookup(helperIds, helper_id_number, 'helper') })),
    );
    await insertAll(trx, 'visits', data.visits.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'meetings', data.meetings);
    await insertAll(trx, 'duty_days', data.dutyDays);
    await insertAll(trx, 'meeting_attendance', data.meetingAttendance);
    await insertAll(trx, 'reports', data.reports);
    await insertAll(trx, 'surveys', data.surveys.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'students', data.students.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'petitions', data.petitions.map(({ household_no, ...x }) => ({ ...x, household_id: household_no === null ? null : hid(household_no) })));
    await insertAll(trx, 'publicity', data.publicity.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'household_sources', data.householdSources.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'leader_duties', data.leaderDuties);
  });
  return data.summary;
}
