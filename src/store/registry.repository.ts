/**
 * The registry as its API and exports read it: RegistryRepository (the registry pages' reads)
 * and registryRows (every row of a kind, for an export, references as natural keys). Rows keep
 * the keys of the import's fields (the data dictionary, core/registry/kinds.ts: `household_no`,
 * `village_code`, …): the registry services show them by the dictionary, so they are not mapped
 * to other names here.
 */
import { sql } from 'kysely';
import type { KindSpec } from '../core/registry/kinds.ts';
import { underArea } from './area-subtree.ts';
import type { Dialect, Store } from './db.ts';
import type { Executor } from './executor.ts';
import {
  allAreas,
  areaByCode,
  codeLabels,
  helperAssignmentsOf,
  helperCounts,
  helpers,
  householdByNo,
  householdCounts,
  membersOf,
  recordRows,
  searchHouseholds,
  teamMembers,
  villagesOfInspector,
  villagesOfTownship,
  villagesOfTownships,
  visitsOf,
  workTeams,
  type AreaRow,
  type HelperRow,
  type HouseholdRow,
  type HouseholdSearch,
  householdsAfter,
  helpersAfter,
  workTeamsAfter,
  recordsAfter,
  KeysetCursorError,
  type KeysetPageOf,
  type KeysetRequest,
  type PageOf,
  type PageRequest,
  type RecordQuery,
  type TeamMemberRow,
  type VillageSet,
  type WorkTeamRow,
} from './registry-queries.ts';

export type { AreaRow, HelperRow, HouseholdRow, HouseholdSearch, KeysetPageOf, KeysetRequest, PageOf, PageRequest, RecordQuery, TeamMemberRow, VillageSet, WorkTeamRow };
export { KeysetCursorError };

/**
 * The registry's reads (store/registry-queries.ts) over the database or a transaction: the area
 * tree, villages, households, work teams, helpers and dated records, narrowed to a set of
 * villages and paged, as the tables hold them.
 */
export class RegistryRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** The villages of a township. */
  villagesOfTownship(township: string): Promise<string[]> {
    return villagesOfTownship(this.db, township);
  }

  /** The villages assigned, in any campaign, to an inspection team the user is a member of. */
  /** The villages of some townships (an office's area), in code order. */
  villagesOfTownships(townships: readonly string[]): Promise<string[]> {
    return villagesOfTownships(this.db, townships);
  }

  villagesOfInspector(username: string): Promise<string[]> {
    return villagesOfInspector(this.db, username);
  }

  /** Every area, in code order. */
  allAreas(): Promise<AreaRow[]> {
    return allAreas(this.db);
  }

  areaByCode(code: string): Promise<AreaRow | undefined> {
    return areaByCode(this.db, code);
  }

  /** Registered households per village (villages without any are absent). */
  householdCounts(villages: VillageSet): Promise<Map<string, number>> {
    return householdCounts(this.db, villages);
  }

  /** Helpers of a village's households: all who were ever assigned, and those assigned on `today`. */
  helperCounts(village: string, today: string): Promise<{ total: number; current: number }> {
    return helperCounts(this.db, village, today);
  }

  /** Work teams of the villages (by village, then team), a page of them. */
  workTeams(villages: VillageSet, page: PageRequest): Promise<PageOf<WorkTeamRow>> {
    return workTeams(this.db, villages, page);
  }

  /** Work teams of the villages, by village and then team: a keyset page (registry-queries.ts, workTeamsAfter). */
  workTeamsAfter(villages: VillageSet, page: KeysetRequest): Promise<KeysetPageOf<WorkTeamRow>> {
    return workTeamsAfter(this.db, villages, page);
  }

  /** Members of the teams, leaders first, then by start date. */
  teamMembers(teamIds: number[]): Promise<TeamMemberRow[]> {
    return teamMembers(this.db, teamIds);
  }

  /** Helpers assigned (now or before) to households of the villages, with how many households, a page of them. */
  helpers(villages: VillageSet, today: string, page: PageRequest): Promise<PageOf<HelperRow>> {
    return helpers(this.db, villages, today, page, this.dialect);
  }

  /** Households matching a search, by household number, a page of them. */
  searchHouseholds(search: HouseholdSearch, page: PageRequest): Promise<PageOf<HouseholdRow>> {
    return searchHouseholds(this.db, search, page);
  }

  /** Helpers of the villages' households, by name: a keyset page. */
  helpersAfter(villages: VillageSet, today: string, page: KeysetRequest): Promise<KeysetPageOf<HelperRow>> {
    return helpersAfter(this.db, villages, today, page, this.dialect);
  }

  /** Households matching a search, by household number: a keyset page. */
  householdsAfter(search: HouseholdSearch, page: KeysetRequest): Promise<KeysetPageOf<HouseholdRow>> {
    return householdsAfter(this.db, search, page);
  }

  householdByNo(householdNo: string): Promise<HouseholdRow | undefined> {
    return householdByNo(this.db, householdNo);
  }

  /** A household's members, the head first. */
  membersOf(householdId: number) {
    return membersOf(this.db, householdId);
  }

  /** A household's helpers, now and before, latest first. */
  helperAssignmentsOf(householdId: number) {
    return helperAssignmentsOf(this.db, householdId);
  }

  /** The household's latest visits, and how many there are in all. */
  visitsOf(householdId: number, limit: number) {
    return visitsOf(this.db, householdId, limit);
  }

  /** A page of a kind's records (newest first), each with `village_code` and, where it has one, `household_no`. */
  recordRows(query: RecordQuery, page: PageRequest): Promise<PageOf<Record<string, unknown>>> {
    return recordRows(this.db, query, page);
  }

  /** A keyset page of a kind's records, newest first. */
  recordsAfter(query: RecordQuery, page: KeysetRequest): Promise<KeysetPageOf<Record<string, unknown>>> {
    return recordsAfter(this.db, query, page);
  }

  /** The labels of code-list codes, by list and code. */
  codeLabels(): Promise<Map<string, { zh: string; en: string | null }>> {
    return codeLabels(this.db);
  }
}

const PAGE = 5000;
const WITHOUT_ID = new Set(['areas', 'code_lists', 'poverty_lines']);

/**
 * Where a kind's row is: the column of its village (its own, its parent's, or its household's);
 * undefined for a kind not placed in a village (areas, code lists, poverty lines).
 */
function villageColumn(spec: KindSpec): string | undefined {
  if (spec.parent?.fields.includes('village_code')) return 'p.village_code';
  if (spec.fields.some((f) => f.key === 'village_code')) return 't.village_code';
  if (spec.refs.household_no === 'household') return 'h.village_code';
  return undefined;
}

/**
 * Every row of a kind, page by page, in a stable order; with `area`, only the rows of its villages
 * (an office of an area's export; a kind not placed in a village has none).
 */
export async function* registryRows(store: Store, spec: KindSpec, area?: string): AsyncGenerator<Record<string, unknown>> {
  const db = store.db as unknown as import('kysely').Kysely<any>;
  const village = area === undefined ? undefined : villageColumn(spec);
  if (area !== undefined && village === undefined) return;
  const base = () => {
    let q = db.selectFrom(`${spec.table} as t`).selectAll('t');
    if (spec.parent) {
      const p = spec.parent;
      q = q.innerJoin(`${p.table} as p`, 'p.id', `t.${p.foreignKey}`).select(p.fields.map((f) => `p.${f} as ${f}`));
    }
    if (spec.refs.household_no === 'household') {
      q = q.leftJoin('households as h', 'h.id', 't.household_id').select('h.household_no as household_no');
    }
    if (area !== undefined) q = q.where(sql<boolean>`${sql.ref(village!)} in (${underArea(area)} select code from sub)`);
    return q;
  };
  const shape = (r: Record<string, unknown>) => {
    if (spec.kind === 'team-members') {
      r.role = r.is_leader && r.is_first_secretary ? 'leader+secretary' : r.is_leader ? 'leader' : r.is_first_secretary ? 'secretary' : 'member';
    }
    return r;
  };
  if (WITHOUT_ID.has(spec.table)) {
    // One orderBy call a column: kysely prints a deprecation notice on stdout for orderBy(array).
    let q = base();
    for (const c of spec.conflict) q = q.orderBy(`t.${c}`);
    const rows = await q.execute();
    for (const r of rows) yield shape(r);
    return;
  }
  let after = 0;
  for (;;) {
    const rows = await base().where('t.id', '>', after).orderBy('t.id').limit(PAGE).execute();
    for (const r of rows) yield shape(r);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}
