/**
 * Reads for the registry's API: the area tree, villages, households, work teams, helpers and
 * dated records, each narrowed to a set of villages (the caller's reach, decided by the service)
 * and paged. Rows come back as the tables hold them; the service shapes and masks them.
 */
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { readInChunks } from './in-chunks.ts';
import type { DB } from './schema.ts';
import type { Dialect } from './db.ts';

/** Villages a read is narrowed to; null: every village. */
export type VillageSet = readonly string[] | null;

export interface PageRequest {
  page: number;
  pageSize: number;
}

/**
 * A keyset page (households and dated records, the lists a province counts in millions): at most
 * `limit` rows after the row `after` names (the previous page's `next`), found by an index
 * however deep the page; the total is counted up to COUNT_CAP.
 */
export interface KeysetRequest {
  limit: number;
  after?: string | undefined;
}

export interface PageOf<T> {
  rows: T[];
  total: number;
}

export interface KeysetPageOf<T> extends PageOf<T> {
  /** The cursor of the page's last row when more follow; null at the end. */
  next: string | null;
  /** `total` is COUNT_CAP and there are more (counting them all would read them all). */
  totalCapped: boolean;
}

/** Rows a keyset page's total counts at most (a few milliseconds; a province's ten million would take a second). */
export const registryPaging = { countCap: 100_000 };

/** The rows of a query (with no select yet) counted up to the cap: `count(*)` of at most countCap + 1 of them. */
async function cappedCount(db: AnyDb, q: any): Promise<{ total: number; totalCapped: boolean }> {
  const cap = registryPaging.countCap;
  const inner = q.select(sql`1`.as('one')).limit(cap + 1);
  const { n } = (await db
    .selectFrom(inner.as('c'))
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow()) as { n: number };
  const counted = Number(n);
  return counted > cap ? { total: cap, totalCapped: true } : { total: counted, totalCapped: false };
}

// Dynamic table names (a record kind's table) are outside Kysely's typed schema.
type AnyDb = Kysely<any>;

const offset = (p: PageRequest) => (p.page - 1) * p.pageSize;

/** `LIKE` pattern text with its wildcards escaped (the query says `escape '\'`). */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ---------------------------------------------------------------------------------------------
// Whose villages

/** The villages of a township. */
export async function villagesOfTownship(db: Kysely<DB>, township: string): Promise<string[]> {
  const rows = await db.selectFrom('areas').select('code').where('level', '=', 'village').where('parent_code', '=', township).execute();
  return rows.map((r) => r.code);
}

/** The villages of some townships (an office's area), in code order. */
export async function villagesOfTownships(db: Kysely<DB>, townships: readonly string[]): Promise<string[]> {
  const rows = await readInChunks(townships, (chunk) => db.selectFrom('areas').select('code').where('level', '=', 'village').where('parent_code', 'in', chunk).execute());
  return rows.map((r) => r.code).sort();
}

/** The villages assigned, in any campaign, to an inspection team the user is a member of. */
export async function villagesOfInspector(db: Kysely<DB>, username: string): Promise<string[]> {
  const rows = await db
    .selectFrom('assessments as a')
    .innerJoin('inspection_team_members as m', 'm.team_id', 'a.team_id')
    .select('a.village_code')
    .distinct()
    .where('m.username', '=', username)
    .execute();
  return rows.map((r) => r.village_code);
}

// ---------------------------------------------------------------------------------------------
// Areas and villages

export interface AreaRow {
  code: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  name: string;
  parent_code: string | null;
  poverty_village: number;
  planned_exit_year: number | null;
  exit_year: number | null;
  population: number | null;
}

/** Every area, in code order. */
export async function allAreas(db: Kysely<DB>): Promise<AreaRow[]> {
  return db.selectFrom('areas').selectAll().orderBy('code').execute();
}

export async function areaByCode(db: Kysely<DB>, code: string): Promise<AreaRow | undefined> {
  return db.selectFrom('areas').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Registered households per village (villages without any are absent). */
export async function householdCounts(db: Kysely<DB>, villages: VillageSet): Promise<Map<string, number>> {
  let q = db
    .selectFrom('households')
    .select(['village_code', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('village_code');
  if (villages) {
    if (villages.length === 0) return new Map();
    q = q.where('village_code', 'in', villages);
  }
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.village_code, Number(r.n)]));
}

/** Helpers of a village's households: all who were ever assigned, and those assigned on `today`. */
export async function helperCounts(db: Kysely<DB>, village: string, today: string): Promise<{ total: number; current: number }> {
  const base = () => db.selectFrom('helper_assignments as a').innerJoin('households as h', 'h.id', 'a.household_id').where('h.village_code', '=', village);
  const total = await base()
    .select((eb) => eb.fn.count<number>('a.helper_id').distinct().as('n'))
    .executeTakeFirstOrThrow();
  const current = await base()
    .select((eb) => eb.fn.count<number>('a.helper_id').distinct().as('n'))
    .where('a.start_date', '<=', today)
    .where((eb) => eb.or([eb('a.end_date', 'is', null), eb('a.end_date', '>=', today)]))
    .executeTakeFirstOrThrow();
  return { total: Number(total.n), current: Number(current.n) };
}

// ---------------------------------------------------------------------------------------------
// Work teams and helpers

export interface WorkTeamRow {
  id: number;
  village_code: string;
  village_name: string;
  sending_unit: string;
  start_date: string | null;
  end_date: string | null;
}

export interface TeamMemberRow {
  id: number;
  team_id: number;
  name: string;
  id_number: string;
  is_leader: number;
  is_first_secretary: number;
  phone: string | null;
  start_date: string;
  end_date: string | null;
}

/** Work teams of the villages (by village, then team), a page of them. */
export async function workTeams(db: Kysely<DB>, villages: VillageSet, page: PageRequest): Promise<PageOf<WorkTeamRow>> {
  if (villages && villages.length === 0) return { rows: [], total: 0 };
  let q = db.selectFrom('work_teams as t').innerJoin('areas as a', 'a.code', 't.village_code');
  if (villages) q = q.where('t.village_code', 'in', villages);
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select(['t.id', 't.village_code', 'a.name as village_name', 't.sending_unit', 't.start_date', 't.end_date'])
    .orderBy('t.village_code')
    .orderBy('t.id')
    .limit(page.pageSize)
    .offset(offset(page))
    .execute();
  return { rows, total: Number(n) };
}

/** The query of a keyset page of work teams, by village and id (`limit` + 1 rows); undefined when no village is in reach. */
export function workTeamPageQuery(db: Kysely<DB>, villages: VillageSet, page: KeysetRequest) {
  if (villages && villages.length === 0) return undefined;
  let q = db.selectFrom('work_teams as t').innerJoin('areas as a', 'a.code', 't.village_code');
  if (villages) q = q.where('t.village_code', 'in', villages);
  if (page.after !== undefined) {
    const m = /^(\d{12})~(\d{1,15})$/.exec(page.after);
    if (!m) throw new KeysetCursorError(page.after);
    const [village, id] = [m[1]!, Number(m[2])];
    // `>=` first: the range the index on (village, id) reads; the rest within the village.
    q = q.where('t.village_code', '>=', village).where((eb) => eb.or([eb('t.village_code', '>', village), eb('t.id', '>', id)]));
  }
  return q
    .select(['t.id', 't.village_code', 'a.name as village_name', 't.sending_unit', 't.start_date', 't.end_date'])
    .orderBy('t.village_code')
    .orderBy('t.id')
    .limit(page.limit + 1);
}

/**
 * Work teams of the villages, by village and then team: a keyset page after the team the cursor
 * names (`VILLAGE~ID`, the previous page's `next`). A cursor that is not one is refused
 * (KeysetCursorError).
 */
export async function workTeamsAfter(db: Kysely<DB>, villages: VillageSet, page: KeysetRequest): Promise<KeysetPageOf<WorkTeamRow>> {
  const built = workTeamPageQuery(db, villages, page);
  if (!built) return { rows: [], total: 0, next: null, totalCapped: false };
  let q = db.selectFrom('work_teams as t');
  if (villages) q = q.where('t.village_code', 'in', villages);
  const counted = await cappedCount(db as unknown as AnyDb, q);
  const rows = await built.execute();
  const more = rows.length > page.limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  return { rows, ...counted, next: more && last ? `${last.village_code}~${last.id}` : null };
}

/** Members of the teams, leaders first, then by start date. */
export async function teamMembers(db: Kysely<DB>, teamIds: number[]): Promise<TeamMemberRow[]> {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('team_members')
    .selectAll()
    .where('team_id', 'in', teamIds)
    .orderBy('team_id')
    .orderBy('is_leader', 'desc')
    .orderBy('is_first_secretary', 'desc')
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

export interface HelperRow {
  id: number;
  name: string;
  id_number: string;
  unit: string | null;
  position: string | null;
  phone: string | null;
  households: number;
  current_households: number;
}

/** How many of a helper's assignments (`a`) run on `today`: the households they help now. */
function currentHouseholds(eb: ExpressionBuilder<DB & { a: DB['helper_assignments'] }, 'a'>, today: string) {
  return eb.fn.sum<number>(
    eb
      .case()
      .when(eb.and([eb('a.start_date', '<=', today), eb.or([eb('a.end_date', 'is', null), eb('a.end_date', '>=', today)])]))
      .then(1)
      .else(0)
      .end(),
  );
}

/**
 * Helpers assigned (now or before) to households of the villages, with how many households, a
 * page of them by number: the page found through the helpers' (name, id) index, then counted for
 * its helpers only (as helpersAfter), not every helper's households grouped before the page is cut
 * (at a province, 10 million assignments: 27 s for page 1).
 */
export async function helpers(db: Kysely<DB>, villages: VillageSet, today: string, page: PageRequest, dialect: Dialect): Promise<PageOf<HelperRow>> {
  const q = helperQuery(db, villages, dialect);
  if (!q) return { rows: [], total: 0 };
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const found = await q
    .select(['p.id', 'p.name', 'p.id_number', 'p.unit', 'p.position', 'p.phone'])
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(page.pageSize)
    .offset(offset(page))
    .execute();
  return { rows: await withHouseholdCounts(db, villages, today, found), total: Number(n) };
}

/** Helpers with how many households of the villages each helps (now and ever), counted for these helpers only. */
async function withHouseholdCounts(db: Kysely<DB>, villages: VillageSet, today: string, found: Array<Omit<HelperRow, 'households' | 'current_households'>>): Promise<HelperRow[]> {
  const counts = new Map<number, { households: number; current: number }>();
  if (found.length > 0) {
    let assigned = db.selectFrom('helper_assignments as a').where(
      'a.helper_id',
      'in',
      found.map((h) => h.id),
    );
    if (villages) assigned = assigned.innerJoin('households as h', 'h.id', 'a.household_id').where('h.village_code', 'in', villages);
    const rows = await assigned
      .select((eb) => ['a.helper_id', eb.fn.count<number>('a.household_id').distinct().as('households'), currentHouseholds(eb, today).as('current')])
      .groupBy('a.helper_id')
      .execute();
    for (const r of rows) counts.set(r.helper_id, { households: Number(r.households), current: Number(r.current ?? 0) });
  }
  return found.map((h) => ({ ...h, households: counts.get(h.id)?.households ?? 0, current_households: counts.get(h.id)?.current ?? 0 }));
}

/** The helpers assigned (now or before) to households of the villages (with no select yet); undefined when none is in reach. */
function helperQuery(db: Kysely<DB>, villages: VillageSet, dialect: Dialect) {
  if (villages && villages.length === 0) return undefined;
  const p = db.selectFrom('helpers as p');
  if (villages) {
    // An area's: its households' helpers, gathered from the households up (a county's few
    // thousand, through the indexes of households by village and assignments by household), not
    // every helper of a province tried one by one. On PostgreSQL the households' ids as an array:
    // the planner, not knowing how many, looks each one's assignments up by the index rather
    // than reading all ten million (2–3 s for a county of a province).
    const households = db.selectFrom('households as h').select('h.id').where('h.village_code', 'in', villages);
    const assigned = db.selectFrom('helper_assignments as a').select('a.helper_id');
    return p.where(
      'p.id',
      'in',
      dialect === 'postgres' ? assigned.where(sql<boolean>`a.household_id = any(array(${households}))`) : assigned.where('a.household_id', 'in', households),
    );
  }
  // The whole database's: every helper with an assignment, read in the order of the page.
  return p.where((eb) =>
    eb.exists(
      eb
        .selectFrom('helper_assignments as a')
        .select(sql`1`.as('one'))
        .whereRef('a.helper_id', '=', 'p.id'),
    ),
  );
}

/** The query of a keyset page of helpers by name and id (`limit` + 1 rows); undefined when none is in reach. */
export function helperPageQuery(db: Kysely<DB>, villages: VillageSet, page: KeysetRequest, dialect: Dialect) {
  let q = helperQuery(db, villages, dialect);
  if (!q) return undefined;
  if (page.after !== undefined) {
    const m = /^(\d{1,15})~(.{1,60})$/s.exec(page.after);
    if (!m) throw new KeysetCursorError(page.after);
    const [id, name] = [Number(m[1]), m[2]!];
    // `>=` first: the range the (name, id) index reads; the rest within the name.
    q = q.where('p.name', '>=', name).where(sql<boolean>`(p.name > ${name} or p.id > ${id})`);
  }
  return q
    .select(['p.id', 'p.name', 'p.id_number', 'p.unit', 'p.position', 'p.phone'])
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(page.limit + 1);
}

/**
 * Helpers assigned to households of the villages, by name: a keyset page after the helper the
 * cursor (`ID~NAME`) names, each with how many of those households they help (now and ever),
 * counted for the page's helpers only.
 */
export async function helpersAfter(db: Kysely<DB>, villages: VillageSet, today: string, page: KeysetRequest, dialect: Dialect): Promise<KeysetPageOf<HelperRow>> {
  const q = helperQuery(db, villages, dialect);
  if (!q) return { rows: [], total: 0, next: null, totalCapped: false };
  const built = helperPageQuery(db, villages, page, dialect)!;
  const counted = await cappedCount(db as unknown as AnyDb, q);
  const found = await built.execute();
  const more = found.length > page.limit;
  if (more) found.pop();
  const last = found[found.length - 1];
  return {
    rows: await withHouseholdCounts(db, villages, today, found),
    ...counted,
    next: more && last ? `${last.id}~${last.name}` : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Households

export interface HouseholdSearch {
  villages: VillageSet;
  status?: string;
  /** Matched anywhere in the household number or the head's name. */
  text?: string;
  /** Exact ID number of the head or a member. */
  idExact?: string;
  /** Part of the head's or a member's ID number, anywhere in it. */
  idContains?: string;
  /** Start of the head's or a member's ID number. */
  idPrefix?: string;
  /** End of the head's or a member's ID number. */
  idSuffix?: string;
}

export type HouseholdRow = Selectable<DB['households']> & { village_name: string };

/** The households matching a search (with no select yet); undefined when no village is in reach. */
function householdQuery(db: Kysely<DB>, search: HouseholdSearch) {
  if (search.villages && search.villages.length === 0) return undefined;
  let q = db.selectFrom('households as h').innerJoin('areas as a', 'a.code', 'h.village_code');
  if (search.villages) q = q.where('h.village_code', 'in', search.villages);
  if (search.status) q = q.where('h.status', '=', search.status);
  const idMatch = (pattern: string | undefined, exact: boolean) => {
    if (pattern === undefined) return [];
    const op = exact ? sql`=` : sql`like`;
    const esc = exact ? sql`` : sql` escape '\\'`;
    return [
      sql<boolean>`h.head_id_number ${op} ${pattern}${esc}`,
      sql<boolean>`exists (select 1 from members m where m.household_id = h.id and m.id_number ${op} ${pattern}${esc})`,
    ];
  };
  const anyOf = [
    ...(search.text !== undefined
      ? [sql<boolean>`h.household_no like ${`%${likeEscape(search.text)}%`} escape '\\'`, sql<boolean>`h.head_name like ${`%${likeEscape(search.text)}%`} escape '\\'`]
      : []),
    ...idMatch(search.idExact, true),
    ...idMatch(search.idContains === undefined ? undefined : `%${likeEscape(search.idContains)}%`, false),
    ...idMatch(search.idPrefix === undefined ? undefined : `${likeEscape(search.idPrefix)}%`, false),
    ...idMatch(search.idSuffix === undefined ? undefined : `%${likeEscape(search.idSuffix)}`, false),
  ];
  if (anyOf.length > 0) q = q.where(sql<boolean>`(${sql.join(anyOf, sql` or `)})`);
  return q;
}

/** Households matching a search, by household number, a page of them. */
export async function searchHouseholds(db: Kysely<DB>, search: HouseholdSearch, page: PageRequest): Promise<PageOf<HouseholdRow>> {
  const q = householdQuery(db, search);
  if (!q) return { rows: [], total: 0 };
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll('h').select('a.name as village_name').orderBy('h.household_no').limit(page.pageSize).offset(offset(page)).execute();
  return { rows: rows as HouseholdRow[], total: Number(n) };
}

/** The query of a keyset page of households (`limit` + 1 rows, to tell whether more follow); undefined when no village is in reach. */
export function householdPageQuery(db: Kysely<DB>, search: HouseholdSearch, page: KeysetRequest) {
  const q = householdQuery(db, search);
  if (!q) return undefined;
  const from = page.after === undefined ? q : q.where('h.household_no', '>', page.after);
  return from
    .selectAll('h')
    .select('a.name as village_name')
    .orderBy('h.household_no')
    .limit(page.limit + 1);
}

/** Households matching a search, by household number: a keyset page after the household `after`. */
export async function householdsAfter(db: Kysely<DB>, search: HouseholdSearch, page: KeysetRequest): Promise<KeysetPageOf<HouseholdRow>> {
  const q = householdQuery(db, search);
  if (!q) return { rows: [], total: 0, next: null, totalCapped: false };
  const counted = await cappedCount(db as unknown as AnyDb, q);
  const rows = (await householdPageQuery(db, search, page)!.execute()) as HouseholdRow[];
  const more = rows.length > page.limit;
  if (more) rows.pop();
  return { rows, ...counted, next: more ? rows[rows.length - 1]!.household_no : null };
}

export async function householdByNo(db: Kysely<DB>, householdNo: string): Promise<HouseholdRow | undefined> {
  const row = await db
    .selectFrom('households as h')
    .innerJoin('areas as a', 'a.code', 'h.village_code')
    .selectAll('h')
    .select('a.name as village_name')
    .where('h.household_no', '=', householdNo)
    .executeTakeFirst();
  return row as HouseholdRow | undefined;
}

export async function membersOf(db: Kysely<DB>, householdId: number) {
  // The head first, then as registered.
  return db
    .selectFrom('members')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy(sql`case when relation = 'head' then 0 else 1 end`)
    .orderBy('id')
    .execute();
}

export async function helperAssignmentsOf(db: Kysely<DB>, householdId: number) {
  return db
    .selectFrom('helper_assignments as a')
    .innerJoin('helpers as p', 'p.id', 'a.helper_id')
    .select(['a.id', 'a.start_date', 'a.end_date', 'p.name', 'p.id_number', 'p.unit', 'p.position', 'p.phone'])
    .where('a.household_id', '=', householdId)
    .orderBy('a.start_date', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
}

/** The household's latest visits, and how many there are in all. */
export async function visitsOf(db: Kysely<DB>, householdId: number, limit: number) {
  const { n } = await db
    .selectFrom('visits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('household_id', '=', householdId)
    .executeTakeFirstOrThrow();
  const rows = await db.selectFrom('visits').selectAll().where('household_id', '=', householdId).orderBy('date', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return { rows, total: Number(n) };
}

// ---------------------------------------------------------------------------------------------
// Dated records of one kind

export interface RecordQuery {
  table: string;
  /** The table has its own village_code; else it reaches a village through household_id. */
  byVillage: boolean;
  /** The table has a household_id (possibly null): its household number is added. */
  hasHousehold: boolean;
  villages: VillageSet;
  /** The column that dates a record, and the bounds (inclusive) in that column's own form. */
  dated?: { column: string; from?: string | number; to?: string | number };
}

/** A kind's records matching the query (with no select yet); undefined when no village is in reach. */
function recordQuery(db: Kysely<DB>, query: RecordQuery): any {
  if (query.villages && query.villages.length === 0) return undefined;
  const any = db as unknown as AnyDb;
  let q: any = any.selectFrom(`${query.table} as t`);
  if (query.hasHousehold) q = q.leftJoin('households as h', 'h.id', 't.household_id');
  const village = query.byVillage ? 't.village_code' : 'h.village_code';
  if (query.villages) q = q.where(village, 'in', query.villages);
  if (query.dated) {
    const c = `t.${query.dated.column}`;
    if (query.dated.from !== undefined) q = q.where(c, '>=', query.dated.from);
    if (query.dated.to !== undefined) q = q.where(c, '<=', query.dated.to);
  }
  return q;
}

/** The records' columns: the table's, the household number and the village where it comes from the household. */
function recordColumns(q: any, query: RecordQuery): any {
  let rows = q.selectAll('t');
  if (query.hasHousehold) rows = rows.select('h.household_no as household_no');
  if (!query.byVillage) rows = rows.select('h.village_code as village_code');
  return rows;
}

/** A page of a kind's records (newest first), each with `village_code` and, where it has one, `household_no`. */
export async function recordRows(db: Kysely<DB>, query: RecordQuery, page: PageRequest): Promise<PageOf<Record<string, unknown>>> {
  const q = recordQuery(db, query);
  if (!q) return { rows: [], total: 0 };
  const { n } = (await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()) as { n: number };
  let rows = recordColumns(q, query);
  if (query.dated) rows = rows.orderBy(`t.${query.dated.column}`, 'desc');
  const result = await rows.orderBy('t.id', 'desc').limit(page.pageSize).offset(offset(page)).execute();
  return { rows: result as Array<Record<string, unknown>>, total: Number(n) };
}

/** The query of a keyset page of records (`limit` + 1 rows); undefined when no village is in reach. */
export function recordPageQuery(db: Kysely<DB>, query: RecordQuery, page: KeysetRequest): any {
  const q = recordQuery(db, query);
  if (!q) return undefined;
  const column = query.dated ? `t.${query.dated.column}` : undefined;
  let from = q;
  if (page.after !== undefined) {
    const m = /^(?:(.{1,20})~)?(\d{1,15})$/.exec(page.after);
    if (!m || (column !== undefined) !== (m[1] !== undefined)) throw new KeysetCursorError(page.after);
    const id = Number(m[2]);
    if (column === undefined) from = q.where('t.id', '<', id);
    else {
      // A year is a number (school_year, year); a date or a month is text.
      const numeric = /year$/.test(query.dated!.column);
      if (numeric && !/^\d{1,4}$/.test(m[1]!)) throw new KeysetCursorError(page.after);
      const value = numeric ? Number(m[1]) : m[1]!;
      // `<=` first: the range an index on the date reads; the rest within the date.
      from = q.where(column, '<=', value).where(sql<boolean>`(${sql.ref(column)} < ${value} or t.id < ${id})`);
    }
  }
  let rows = recordColumns(from, query);
  if (column) rows = rows.orderBy(column, 'desc');
  return rows.orderBy('t.id', 'desc').limit(page.limit + 1);
}

/**
 * A keyset page of a kind's records, newest first (by its date, then id): after the record the
 * cursor names, `DATE~ID` (or `ID` for a kind without a date), as the previous page's `next`.
 * A cursor that is not one is refused (KeysetCursorError).
 */
export async function recordsAfter(db: Kysely<DB>, query: RecordQuery, page: KeysetRequest): Promise<KeysetPageOf<Record<string, unknown>>> {
  const q = recordQuery(db, query);
  if (!q) return { rows: [], total: 0, next: null, totalCapped: false };
  const built = recordPageQuery(db, query, page);
  const counted = await cappedCount(db as unknown as AnyDb, q);
  const result = (await built.execute()) as Array<Record<string, unknown>>;
  const more = result.length > page.limit;
  if (more) result.pop();
  const last = result[result.length - 1];
  const cursor = (r: Record<string, unknown>) => (query.dated ? `${String(r[query.dated.column])}~${String(r.id)}` : String(r.id));
  return { rows: result, ...counted, next: more && last ? cursor(last) : null };
}

/** A keyset cursor that is not one of the list's (`after`). */
export class KeysetCursorError extends Error {
  constructor(readonly after: string) {
    super(`"${after}" is not a cursor of this list`);
    this.name = 'KeysetCursorError';
  }
}

/** The labels of code-list codes (Chinese, and English where the list has one), by list and code (the latest where a code changed its name). */
export async function codeLabels(db: Kysely<DB>): Promise<Map<string, { zh: string; en: string | null }>> {
  const rows = await db.selectFrom('code_lists').select(['list', 'code', 'label_zh', 'label_en']).orderBy('valid_from').execute();
  const out = new Map<string, { zh: string; en: string | null }>();
  for (const r of rows) out.set(`${r.list}\u0001${r.code}`, { zh: r.label_zh, en: r.label_en || null });
  return out;
}
