/**
 * The registry as the API reads it: areas, villages, households, work teams, helpers and dated
 * records, each narrowed to the villages the caller may see, with resident ID numbers masked
 * (in full only for an administrator who asks), and the record kinds the import wizard shows.
 *
 * Who sees which villages:
 * - admin, viewer: every village (a viewer only the area tree, villages and their work teams:
 *   households, helpers and records are residents' data, not published results);
 * - reviewer: the villages of their township;
 * - inspector: the villages assigned to their inspection teams, in any campaign;
 * - village: its own village.
 * A village outside the caller's reach is "not found", so its existence does not leak.
 */
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import type { FieldSpec } from '../../core/registry/fields.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import {
  KeysetCursorError,
  type AreaRow,
  type HouseholdRow,
  type HouseholdSearch,
  type KeysetPageOf,
  type KeysetRequest,
  type PageRequest,
  type TeamMemberRow,
  type VillageSet,
  type WorkTeamRow,
} from '../../store/registry.repository.ts';
import type { Repositories } from '../../store/unit-of-work.ts';
import type { ImportHistory, ImportHistoryEntry } from '../../contract/registry.ts';
import { canSeeFullIds, importableInArea, mayImportRegistry, mayReadResidents, requirePolicy, type Actor } from '../policies.ts';
import { notFound, propertyName, RECORD_KINDS, showFullIds, today, type Clock, type Page, type RecordKind } from './shared.ts';

type Repos = Pick<Repositories, 'registry' | 'audit' | 'users'>;

/** The column that dates a record of each kind, and its form; household-sources are not dated. */
const RECORD_DATES: Record<RecordKind, { column: string; form: 'date' | 'month' | 'year' } | null> = {
  visits: { column: 'date', form: 'date' },
  meetings: { column: 'date', form: 'date' },
  'duty-days': { column: 'month', form: 'month' },
  'meeting-attendance': { column: 'date', form: 'date' },
  reports: { column: 'deadline', form: 'date' },
  surveys: { column: 'date', form: 'date' },
  students: { column: 'school_year', form: 'year' },
  petitions: { column: 'date', form: 'date' },
  publicity: { column: 'date', form: 'date' },
  'household-sources': null,
  'leader-duties': { column: 'year', form: 'year' },
};

const RECENT_VISITS = 20;

export interface RegistryReadServiceDeps {
  repositories: Repos;
  clock?: Clock;
}

export class RegistryReadService {
  private readonly registry: Repos['registry'];
  private readonly audit: Repos['audit'];
  private readonly users: Repos['users'];
  private readonly clock: Clock;

  constructor(deps: RegistryReadServiceDeps) {
    this.registry = deps.repositories.registry;
    this.audit = deps.repositories.audit;
    this.users = deps.repositories.users;
    this.clock = deps.clock ?? (() => new Date());
  }

  private today(): string {
    return today(this.clock);
  }

  /**
   * Committed imports, newest first (their audit entries): every one for the whole database's
   * office; for an office of an area, those of offices of its area and the areas under it (an
   * import by the whole database's office, or by another area's, is not its to read).
   */
  async importHistory(actor: Actor, options: { limit?: number; after?: number } = {}): Promise<ImportHistory> {
    requirePolicy(actor, mayImportRegistry);
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 20)), 100);
    const area = actor.area && !actor.area.whole ? actor.area.code : undefined;
    const entries = await this.audit.imports({ limit: limit + 1, ...(options.after !== undefined ? { before: options.after } : {}), ...(area ? { area } : {}) });
    // Who imported, by the name the office knows them by (a user name only when they have none).
    const names = await this.users.displayNames(entries.map((e) => e.actor));
    const items = entries.slice(0, limit).map((e): ImportHistoryEntry => {
      const after = (e.after ?? {}) as Partial<Record<'kind' | 'file' | 'area' | 'areaName', string> & Record<'rows' | 'inserted' | 'updated', number>>;
      return {
        id: e.id,
        at: e.at,
        actor: e.actor,
        ...(names.has(e.actor) ? { actorName: names.get(e.actor)! } : {}),
        kind: after.kind ?? String(e.entityId),
        file: after.file ?? '',
        rows: after.rows ?? 0,
        inserted: after.inserted ?? 0,
        updated: after.updated ?? 0,
        ...(after.area ? { area: after.area } : {}),
        ...(after.areaName ? { areaName: after.areaName } : {}),
      };
    });
    return { items, next: entries.length > limit ? String(items[items.length - 1]!.id) : null };
  }

  // ------------------------------------------------------------------------------------------
  // Reach

  /** The villages an actor may see; null: all of them. */
  async villageScope(actor: Actor): Promise<VillageSet> {
    switch (actor.role) {
      case 'admin':
      case 'viewer':
        // An office of an area: its villages (all of them when its area is the whole tree).
        return actor.area && !actor.area.whole ? this.registry.villagesOfTownships([...actor.area.townships]) : null;
      case 'reviewer':
        return actor.township ? this.registry.villagesOfTownship(actor.township) : [];
      case 'inspector':
        return this.registry.villagesOfInspector(actor.user);
      case 'village':
        return actor.village ? [actor.village] : [];
    }
  }

  /** The villages a list covers: the caller's reach, or the one village asked for if it is in it (else not found). */
  private async narrow(actor: Actor, village: string | undefined): Promise<VillageSet> {
    const scope = await this.villageScope(actor);
    if (village === undefined) return scope;
    if (scope !== null && !scope.includes(village)) throw notFound(`village ${village}`);
    const area = await this.registry.areaByCode(village);
    if (area?.level !== 'village') throw notFound(`village ${village}`);
    return [village];
  }

  // ------------------------------------------------------------------------------------------
  // Areas and villages

  /** The county → township → village tree, narrowed to the caller's villages (and their ancestors). */
  async areas(actor: Actor) {
    const scope = await this.villageScope(actor);
    const [areas, counts] = await Promise.all([this.registry.allAreas(), this.registry.householdCounts(scope)]);
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const visible = new Set<string>();
    const reach = scope === null ? null : new Set(scope);
    for (const a of areas) {
      if (a.level !== 'village' || (reach !== null && !reach.has(a.code))) continue;
      // A village and its ancestors (a cycle in the data would stop at a code seen before).
      for (let at: AreaRow | undefined = a; at && !visible.has(at.code); at = at.parent_code ? byCode.get(at.parent_code) : undefined) visible.add(at.code);
    }
    // The office sees its whole tree, townships without villages included.
    if (scope === null) for (const a of areas) visible.add(a.code);
    type Node = ReturnType<typeof areaNode> & { children?: Node[] };
    const nodes = new Map<string, Node>();
    for (const a of areas) if (visible.has(a.code)) nodes.set(a.code, areaNode(a, counts));
    const roots: Node[] = [];
    for (const a of areas) {
      const node = nodes.get(a.code);
      if (!node) continue;
      const parent = a.parent_code ? nodes.get(a.parent_code) : undefined;
      if (parent) (parent.children ??= []).push(node);
      else roots.push(node);
    }
    return { areas: roots };
  }

  /** One village with its work teams (members' ID numbers masked) and helper counts. */
  async village(actor: Actor, code: string, options: { showIds?: boolean } = {}) {
    const showIds = showFullIds(actor, options.showIds);
    const scope = await this.villageScope(actor);
    const area = await this.registry.areaByCode(code);
    if (!area || area.level !== 'village' || (scope !== null && !scope.includes(code))) throw notFound(`village ${code}`);
    const parent = area.parent_code ? await this.registry.areaByCode(area.parent_code) : undefined;
    const counts = await this.registry.householdCounts([code]);
    const teams = await this.registry.workTeams([code], { page: 1, pageSize: 1000 });
    return {
      ...areaNode(area, counts),
      township: parent ? { code: parent.code, name: parent.name, level: parent.level } : null,
      workTeams: await this.withMembers(teams.rows, showIds),
      helpers: await this.registry.helperCounts(code, this.today()),
    };
  }

  async workTeams(actor: Actor, filter: { village?: string; showIds?: boolean }, page: PageRequest | KeysetRequest): Promise<Page<unknown>> {
    const showIds = showFullIds(actor, filter.showIds);
    const villages = await this.narrow(actor, filter.village);
    if ('limit' in page) {
      const result = await keysetPage(() => this.registry.workTeamsAfter(villages, page));
      return keysetAnswer({ ...result, rows: await this.withMembers(result.rows, showIds) }, (team) => team);
    }
    const teams = await this.registry.workTeams(villages, page);
    return { items: await this.withMembers(teams.rows, showIds), total: teams.total, ...page };
  }

  private async withMembers(teams: WorkTeamRow[], showIds: boolean) {
    const members = await this.registry.teamMembers(teams.map((t) => t.id));
    const today = this.today();
    return teams.map((t) => ({
      id: t.id,
      villageCode: t.village_code,
      villageName: t.village_name,
      sendingUnit: t.sending_unit,
      startDate: t.start_date,
      endDate: t.end_date,
      members: members.filter((m) => m.team_id === t.id).map((m) => teamMember(m, showIds, today)),
    }));
  }

  async helpers(actor: Actor, filter: { village?: string; showIds?: boolean }, page: PageRequest | KeysetRequest): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = showFullIds(actor, filter.showIds);
    const villages = await this.narrow(actor, filter.village);
    const item = (h: Awaited<ReturnType<typeof this.registry.helpers>>['rows'][number]) => ({
      id: h.id,
      name: h.name,
      idNumber: showIds ? h.id_number : maskIdNumber(h.id_number),
      unit: h.unit,
      position: h.position,
      phone: h.phone,
      households: h.households,
      currentHouseholds: h.current_households,
    });
    if ('limit' in page) {
      const result = await keysetPage(() => this.registry.helpersAfter(villages, this.today(), page));
      return keysetAnswer(result, item);
    }
    const result = await this.registry.helpers(villages, this.today(), page);
    return { items: result.rows.map(item), total: result.total, ...page };
  }

  // ------------------------------------------------------------------------------------------
  // Households

  /**
   * Households by village, status and a search text: the household number or the head's name
   * (any part), or an ID number of the head or a member. The office finds by any part of an ID
   * number; the others by a whole one, or by the parts a masked number shows anyway (the first
   * six characters, the last four), so a search cannot be used to read a masked number digit by digit.
   */
  async households(actor: Actor, filter: { village?: string; q?: string; status?: string; showIds?: boolean }, page: PageRequest | KeysetRequest): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = showFullIds(actor, filter.showIds);
    const search: HouseholdSearch = { villages: await this.narrow(actor, filter.village) };
    if (filter.status) search.status = filter.status;
    const q = filter.q?.trim();
    if (q) {
      search.text = q;
      const id = q.toUpperCase();
      if (/^\d{17}[\dX]$/.test(id)) search.idExact = id;
      else if (/^[\dX]+$/.test(id)) {
        if (canSeeFullIds(actor)) search.idContains = id;
        else {
          if (id.length <= 6 && !id.includes('X')) search.idPrefix = id;
          if (id.length <= 4) search.idSuffix = id;
        }
      }
    }
    const spec = kindSpec('households')!;
    // The labels are read beside the rows, not after them.
    const labelsRead = this.registry.codeLabels();
    const itemOf = (labels: Awaited<typeof labelsRead>) => (h: HouseholdRow) => ({ id: h.id, ...present(spec, h, labels, showIds), villageName: h.village_name });
    if ('limit' in page) {
      const [labels, result] = await Promise.all([labelsRead, this.registry.householdsAfter(search, page)]);
      return keysetAnswer(result, itemOf(labels));
    }
    const [labels, result] = await Promise.all([labelsRead, this.registry.searchHouseholds(search, page)]);
    return { items: result.rows.map(itemOf(labels)), total: result.total, ...page };
  }

  /** One household: its record, members, helpers (now and before) and latest visits. */
  async household(actor: Actor, householdNo: string, options: { showIds?: boolean } = {}) {
    requirePolicy(actor, mayReadResidents);
    const showIds = showFullIds(actor, options.showIds);
    const scope = await this.villageScope(actor);
    const h = await this.registry.householdByNo(householdNo);
    if (!h || (scope !== null && !scope.includes(h.village_code))) throw notFound(`household ${householdNo}`);
    const [members, assignments, visits, labels] = await Promise.all([
      this.registry.membersOf(h.id),
      this.registry.helperAssignmentsOf(h.id),
      this.registry.visitsOf(h.id, RECENT_VISITS),
      this.registry.codeLabels(),
    ]);
    const today = this.today();
    const memberSpec = kindSpec('members')!;
    const visitSpec = kindSpec('visits')!;
    return {
      id: h.id,
      ...present(kindSpec('households')!, h, labels, showIds),
      villageName: h.village_name,
      members: members.map((m) => {
        const { householdNo: _, ...rest } = present(memberSpec, m, labels, showIds);
        return { id: m.id, ...rest };
      }),
      helpers: assignments.map((a) => ({
        id: a.id,
        name: a.name,
        idNumber: showIds ? a.id_number : maskIdNumber(a.id_number),
        unit: a.unit,
        position: a.position,
        phone: a.phone,
        startDate: a.start_date,
        endDate: a.end_date,
        current: a.start_date <= today && (a.end_date === null || a.end_date >= today),
      })),
      visits: {
        total: visits.total,
        recent: visits.rows.map((v) => {
          const { householdNo: _, ...rest } = present(visitSpec, v, labels, showIds);
          return { id: v.id, ...rest };
        }),
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // Dated records

  /** A kind's records by village and period (inclusive), newest first. */
  async records(
    actor: Actor,
    kind: RecordKind,
    filter: { village?: string; from?: string; to?: string; showIds?: boolean },
    page: PageRequest | KeysetRequest,
  ): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = showFullIds(actor, filter.showIds);
    const spec = kindSpec(kind)!;
    const villages = await this.narrow(actor, filter.village);
    const dating = RECORD_DATES[kind];
    const bound = (d: string | undefined) => {
      if (d === undefined || !dating) return undefined;
      return dating.form === 'date' ? d : dating.form === 'month' ? d.slice(0, 7) : Number(d.slice(0, 4));
    };
    const byVillage = spec.refs.village_code === 'village';
    const hasHousehold = spec.refs.household_no === 'household';
    const query = {
      table: spec.table,
      byVillage,
      hasHousehold,
      villages,
      ...(dating ? { dated: { column: dating.column, from: bound(filter.from), to: bound(filter.to) } } : {}),
    };
    const labels = await this.registry.codeLabels();
    const item = (r: Record<string, unknown>) => ({ id: r.id as number, villageCode: r.village_code as string, ...present(spec, r, labels, showIds) });
    if ('limit' in page) {
      const result = await keysetPage(() => this.registry.recordsAfter(query, page));
      return keysetAnswer(result, item);
    }
    const result = await this.registry.recordRows(query, page);
    return { items: result.rows.map(item), total: result.total, ...page };
  }

  /** Record kinds with their Chinese headers and what each column takes (for the import wizard). */
  kinds() {
    return {
      kinds: KINDS.map((k) => ({
        kind: k.kind,
        title: k.title,
        /** The fields that identify a row: a row with the same key is updated on import. */
        key: k.key,
        /** Listed by GET /api/records/:kind. */
        records: (RECORD_KINDS as readonly string[]).includes(k.kind),
        /** An office of an area imports it (its rows are of villages); else only the whole database's office. */
        areaImport: importableInArea(k),
        fields: k.fields.map((f) => ({
          key: f.key,
          property: propertyName(f.key),
          header: f.header,
          aliases: f.aliases ?? [],
          en: f.en,
          type: f.type.kind,
          required: !!f.required,
          help: f.help,
          // Even an invented example ID number is shown masked: no whole one leaves the server unasked.
          example: f.example === undefined ? null : f.type.kind === 'idNumber' && f.example ? maskIdNumber(f.example) : f.example,
          ...(f.type.kind === 'enum' ? { values: f.type.values.map((v) => ({ value: v.value, labels: v.labels })) } : {}),
          ...(f.type.kind === 'code' || f.type.kind === 'codes' ? { list: f.type.list } : {}),
          ...(f.type.kind === 'text' && f.type.max ? { max: f.type.max } : {}),
          ...(f.type.kind === 'int' ? { min: f.type.min ?? null, max: f.type.max ?? null } : {}),
        })),
      })),
    };
  }
}

function areaNode(a: AreaRow, counts: Map<string, number>) {
  const base = { code: a.code, name: a.name, level: a.level };
  if (a.level !== 'village') return base;
  return {
    ...base,
    povertyVillage: Number(a.poverty_village) === 1,
    plannedExitYear: a.planned_exit_year,
    exitYear: a.exit_year,
    population: a.population,
    households: counts.get(a.code) ?? 0,
  };
}

function teamMember(m: TeamMemberRow, showIds: boolean, today: string) {
  const leader = Number(m.is_leader) === 1;
  const secretary = Number(m.is_first_secretary) === 1;
  return {
    id: m.id,
    name: m.name,
    idNumber: showIds ? m.id_number : maskIdNumber(m.id_number),
    role: leader && secretary ? 'leader+secretary' : leader ? 'leader' : secretary ? 'secretary' : 'member',
    isLeader: leader,
    isFirstSecretary: secretary,
    phone: m.phone,
    startDate: m.start_date,
    endDate: m.end_date,
    current: m.start_date <= today && (m.end_date === null || m.end_date >= today),
  };
}

/**
 * A stored row as the API shows it: the kind's fields by camelCase name, flags as booleans, ID
 * numbers masked (unless shown), and beside each code-list code its `…Label` (Chinese) and
 * `…LabelEn` (English; the Chinese label where the list has no English one).
 */
function present(spec: KindSpec, row: object, labels: Map<string, { zh: string; en: string | null }>, showIds: boolean): Record<string, unknown> {
  const r = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const key = propertyName(f.key);
    const v = r[f.key];
    out[key] = value(f, v, showIds);
    if ((f.type.kind === 'code' || f.type.kind === 'codes') && v !== null && v !== undefined) {
      const list = f.type.list;
      const codes = String(v).split(',');
      out[`${key}Label`] = codes.map((c) => labels.get(`${list}\u0001${c}`)?.zh ?? c).join('、');
      out[`${key}LabelEn`] = codes.map((c) => labels.get(`${list}\u0001${c}`)?.en ?? labels.get(`${list}\u0001${c}`)?.zh ?? c).join(', ');
    }
  }
  return out;
}

function value(f: FieldSpec, v: unknown, showIds: boolean): unknown {
  if (v === null || v === undefined) return null;
  switch (f.type.kind) {
    case 'idNumber':
      return showIds ? String(v) : maskIdNumber(String(v));
    case 'bool':
      return Number(v) === 1;
    case 'int':
    case 'year':
    case 'money':
      return Number(v);
    default:
      return v;
  }
}

/** A keyset page; a cursor that is not one of the list's is refused, naming the query's `after`. */
async function keysetPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof KeysetCursorError) throw new KaoheError('validation', `query.after: ${e.message} (the previous page's next)`);
    throw e;
  }
}

/** A keyset page's answer: its items, total, next cursor, and whether the total is the count's cap. */
function keysetAnswer<R, T>(result: KeysetPageOf<R>, item: (row: R) => T): Page<T> {
  return { items: result.rows.map(item), total: result.total, next: result.next, ...(result.totalCapped ? { totalCapped: true as const } : {}) };
}
