/**
 * The registry as the API reads it: areas, villages, households, work teams, helpers and dated
 * records, each narrowed to the villages the caller may see, with resident ID numbers masked
 * (in full only for an administrator who asks). Also imports, exports and templates run off the
 * server's event loop, with their temporary files.
 *
 * Who sees which villages:
 * - admin, viewer: every village (a viewer only the area tree, villages and their work teams:
 *   households, helpers and records are residents' data, not published results);
 * - reviewer: the villages of their township;
 * - inspector: the villages assigned to their inspection teams, in any campaign;
 * - village: its own village.
 * A village outside the caller's reach is "not found", so its existence does not leak.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { KaoheError, errorFromWorker, isErrorCode } from '../core/errors.ts';
import { maskIdNumber } from '../core/ids/gb11643.ts';
import { quoteCell } from '../core/registry/cell-text.ts';
import type { FieldSpec } from '../core/registry/fields.ts';
import { kindSpec, KINDS, type KindSpec } from '../core/registry/kinds.ts';
import type { Store } from '../store/db.ts';
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
  visitsOf,
  workTeams,
  type AreaRow,
  type HouseholdSearch,
  type PageRequest,
  type TeamMemberRow,
  type VillageSet,
  type WorkTeamRow,
} from '../store/registry-queries.ts';
import { writeTemplate } from './import/export.service.ts';
import type { ImportReport } from './import/import.service.ts';
import { importInWorker } from './import/import-in-worker.ts';
import { canSeeFullIds, forbidden, mayExportRegistry, mayImportRegistry, mayReadResidents, requirePolicy, type Actor } from './policies.ts';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** Kinds of dated operational records listed by village. */
export const RECORD_KINDS = [
  'visits',
  'meetings',
  'duty-days',
  'meeting-attendance',
  'reports',
  'surveys',
  'students',
  'petitions',
  'publicity',
  'household-sources',
  'leader-duties',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

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

const ERRORS_FILE_HOURS = 1;

/**
 * Refusals about the table a file holds (not its format): answered as an import report with one
 * problem for the whole file (row 0, with the code), which the import wizard lists with the rest.
 */
const TABLE_REFUSALS = new Set(['missing-columns', 'missing-header', 'empty-file', 'no-data-rows']);
const RECENT_VISITS = 20;

/** snake_case column → camelCase property. */
export function propertyName(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Any 18-character (or 15-digit) ID number in free text, masked: a safety net for messages. */
export function maskIdsInText(text: string): string {
  return text.replace(/(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g, (m) => maskIdNumber(m));
}

const notFound = (what: string) => new KaoheError('not-found', `${what} not found (or not yours to see)`);

export interface FileOut {
  path: string;
  /** The name offered to the browser. */
  filename: string;
  contentType: string;
  /** Delete the file once sent. */
  temporary: boolean;
}

export const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export type ImportResult = ImportReport & { errorsFile?: string };

export class RegistryService {
  private readonly store: Store;
  private readonly clock: () => Date;
  private dir: string | undefined;
  private readonly errorFiles = new Map<string, { path: string; filename: string; owner: string; expires: number }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(deps: { store: Store; clock?: () => Date }) {
    this.store = deps.store;
    this.clock = deps.clock ?? (() => new Date());
  }

  private get db() {
    return this.store.db;
  }

  private today(): string {
    return this.clock().toISOString().slice(0, 10);
  }

  // ------------------------------------------------------------------------------------------
  // Reach

  /** The villages an actor may see; null: all of them. */
  async villageScope(actor: Actor): Promise<VillageSet> {
    switch (actor.role) {
      case 'admin':
      case 'viewer':
        return null;
      case 'reviewer':
        return actor.township ? villagesOfTownship(this.db, actor.township) : [];
      case 'inspector':
        return villagesOfInspector(this.db, actor.user);
      case 'village':
        return actor.village ? [actor.village] : [];
    }
  }

  /** The villages a list covers: the caller's reach, or the one village asked for if it is in it (else not found). */
  private async narrow(actor: Actor, village: string | undefined): Promise<VillageSet> {
    const scope = await this.villageScope(actor);
    if (village === undefined) return scope;
    if (scope !== null && !scope.includes(village)) throw notFound(`village ${village}`);
    const area = await areaByCode(this.db, village);
    if (area?.level !== 'village') throw notFound(`village ${village}`);
    return [village];
  }

  /** Full ID numbers: only an administrator, only when asked. */
  private showIds(actor: Actor, asked: boolean | undefined): boolean {
    if (!asked) return false;
    if (!canSeeFullIds(actor)) throw forbidden(`${actor.user} (${actor.role}) may not see ID numbers in full: only the county office may`);
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Areas and villages

  /** The county → township → village tree, narrowed to the caller's villages (and their ancestors). */
  async areas(actor: Actor) {
    const scope = await this.villageScope(actor);
    const [areas, counts] = await Promise.all([allAreas(this.db), householdCounts(this.db, scope)]);
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const visible = new Set<string>();
    for (const a of areas) {
      if (a.level !== 'village' || (scope !== null && !scope.includes(a.code))) continue;
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
    const showIds = this.showIds(actor, options.showIds);
    const scope = await this.villageScope(actor);
    const area = await areaByCode(this.db, code);
    if (!area || area.level !== 'village' || (scope !== null && !scope.includes(code))) throw notFound(`village ${code}`);
    const parent = area.parent_code ? await areaByCode(this.db, area.parent_code) : undefined;
    const counts = await householdCounts(this.db, [code]);
    const teams = await workTeams(this.db, [code], { page: 1, pageSize: 1000 });
    return {
      ...areaNode(area, counts),
      township: parent ? { code: parent.code, name: parent.name, level: parent.level } : null,
      workTeams: await this.withMembers(teams.rows, showIds),
      helpers: await helperCounts(this.db, code, this.today()),
    };
  }

  async workTeams(actor: Actor, filter: { village?: string; showIds?: boolean }, page: PageRequest): Promise<Page<unknown>> {
    const showIds = this.showIds(actor, filter.showIds);
    const villages = await this.narrow(actor, filter.village);
    const teams = await workTeams(this.db, villages, page);
    return { items: await this.withMembers(teams.rows, showIds), total: teams.total, ...page };
  }

  private async withMembers(teams: WorkTeamRow[], showIds: boolean) {
    const members = await teamMembers(
      this.db,
      teams.map((t) => t.id),
    );
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

  async helpers(actor: Actor, filter: { village?: string; showIds?: boolean }, page: PageRequest): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = this.showIds(actor, filter.showIds);
    const villages = await this.narrow(actor, filter.village);
    const result = await helpers(this.db, villages, this.today(), page);
    return {
      items: result.rows.map((h) => ({
        id: h.id,
        name: h.name,
        idNumber: showIds ? h.id_number : maskIdNumber(h.id_number),
        unit: h.unit,
        position: h.position,
        phone: h.phone,
        households: h.households,
        currentHouseholds: h.current_households,
      })),
      total: result.total,
      ...page,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Households

  /**
   * Households by village, status and a search text: the household number or the head's name
   * (any part), or an ID number of the head or a member. The office finds by any part of an ID
   * number; the others by a whole one, or by the parts a masked number shows anyway (the first
   * six characters, the last four), so a search cannot be used to read a masked number digit by digit.
   */
  async households(actor: Actor, filter: { village?: string; q?: string; status?: string; showIds?: boolean }, page: PageRequest): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = this.showIds(actor, filter.showIds);
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
    const [result, labels] = await Promise.all([searchHouseholds(this.db, search, page), codeLabels(this.db)]);
    const spec = kindSpec('households')!;
    return {
      items: result.rows.map((h) => ({ id: h.id, ...present(spec, h, labels, showIds), villageName: h.village_name })),
      total: result.total,
      ...page,
    };
  }

  /** One household: its record, members, helpers (now and before) and latest visits. */
  async household(actor: Actor, householdNo: string, options: { showIds?: boolean } = {}) {
    requirePolicy(actor, mayReadResidents);
    const showIds = this.showIds(actor, options.showIds);
    const scope = await this.villageScope(actor);
    const h = await householdByNo(this.db, householdNo);
    if (!h || (scope !== null && !scope.includes(h.village_code))) throw notFound(`household ${householdNo}`);
    const [members, assignments, visits, labels] = await Promise.all([membersOf(this.db, h.id), helperAssignmentsOf(this.db, h.id), visitsOf(this.db, h.id, RECENT_VISITS), codeLabels(this.db)]);
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
  async records(actor: Actor, kind: RecordKind, filter: { village?: string; from?: string; to?: string; showIds?: boolean }, page: PageRequest): Promise<Page<unknown>> {
    requirePolicy(actor, mayReadResidents);
    const showIds = this.showIds(actor, filter.showIds);
    const spec = kindSpec(kind)!;
    const villages = await this.narrow(actor, filter.village);
    const dating = RECORD_DATES[kind];
    const bound = (d: string | undefined) => {
      if (d === undefined || !dating) return undefined;
      return dating.form === 'date' ? d : dating.form === 'month' ? d.slice(0, 7) : Number(d.slice(0, 4));
    };
    const byVillage = spec.refs.village_code === 'village';
    const hasHousehold = spec.refs.household_no === 'household';
    const result = await recordRows(
      this.db,
      {
        table: spec.table,
        byVillage,
        hasHousehold,
        villages,
        ...(dating ? { dated: { column: dating.column, from: bound(filter.from), to: bound(filter.to) } } : {}),
      },
      page,
    );
    const labels = await codeLabels(this.db);
    return {
      items: result.rows.map((r) => ({ id: r.id as number, villageCode: r.village_code as string, ...present(spec, r, labels, showIds) })),
      total: result.total,
      ...page,
    };
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

  // ------------------------------------------------------------------------------------------
  // Files: imports, errors files, exports, templates

  private tempDir(): string {
    if (!this.dir) {
      this.dir = mkdtempSync(join(tmpdir(), 'kaohe-registry-'));
      this.sweeper = setInterval(() => this.sweep(), 10 * 60_000);
      this.sweeper.unref();
    }
    return this.dir;
  }

  private sweep(): void {
    const now = this.clock().getTime();
    for (const [token, f] of this.errorFiles) {
      if (f.expires <= now) {
        rmSync(f.path, { force: true });
        this.errorFiles.delete(token);
      }
    }
  }

  /** Saves an upload to a temporary file with the original's extension (the readers go by it). */
  async saveUpload(stream: Readable, filename: string): Promise<string> {
    const ext = extname(filename).toLowerCase();
    const path = join(this.tempDir(), `upload-${randomUUID()}${/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : ''}`);
    await pipeline(stream, createWriteStream(path));
    return path;
  }

  /** Removes a temporary file this service made. */
  discard(path: string): void {
    if (this.dir && path.startsWith(this.dir)) rmSync(path, { force: true });
  }

  /**
   * Imports a saved upload in a worker thread (all or nothing; a dry run writes nothing). A file
   * with bad rows, or without the kind's columns, is a report with problems, not an error; when
   * rows have problems, an errors file (the sheet with an error column) is kept for an hour.
   */
  async importUpload(actor: Actor, kind: string, path: string, originalName: string, dryRun: boolean): Promise<ImportResult> {
    requirePolicy(actor, mayImportRegistry);
    if (!kindSpec(kind)) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
    // The name as the office knows it, as messages and the errors file's name quote it: one line, not too long.
    const name = quoteCell(basename(originalName).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_'), 100) || 'upload';
    // Messages name the file as the office knows it, not the temporary copy.
    const relabel = (text: string) => maskIdsInText(text.split(path).join(name).split(basename(path)).join(name));
    try {
      let report: ImportReport;
      try {
        report = await importInWorker(this.store, kind, path, { dryRun, today: this.today() });
      } catch (e) {
        if (e instanceof KaoheError && TABLE_REFUSALS.has(e.code)) {
          return {
            kind,
            file: name,
            format: extname(path).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv',
            rows: 0,
            inserted: 0,
            updated: 0,
            problems: [{ row: 0, code: e.code, message: relabel(e.message) }],
            truncated: false,
            ignoredColumns: [],
            headerRow: 0,
            dryRun,
            committed: false,
            elapsedMs: 0,
          };
        }
        // The worker's own failure is the server's (500, logged), not the client's to read.
        if (e instanceof KaoheError && e.code === 'internal') throw new Error(`import worker: ${maskIdsInText(e.message)}`);
        if (e instanceof KaoheError) throw new KaoheError(e.code, relabel(e.message), e.details);
        throw e;
      }
      const result: ImportResult = {
        ...report,
        file: name,
        problems: report.problems.map((p) => ({
          ...p,
          message: relabel(p.message),
          ...(p.value !== undefined ? { value: maskIdsInText(p.value) } : {}),
        })),
      };
      if (report.problems.some((p) => p.row > 0)) {
        const token = randomBytes(32).toString('base64url');
        const out = join(this.tempDir(), `errors-${token}.xlsx`);
        await runFileTask({ type: 'errors-file', file: path, out, problems: report.problems, headerRow: report.headerRow || undefined });
        this.sweep();
        const stem = basename(name, extname(name)) || kind;
        this.errorFiles.set(token, { path: out, filename: `${stem}-错误.xlsx`, owner: actor.user, expires: this.clock().getTime() + ERRORS_FILE_HOURS * 3_600_000 });
        result.errorsFile = token;
      }
      return result;
    } finally {
      this.discard(path);
    }
  }

  /** An import's errors file, for the administrator who imported, within the hour. */
  errorsFile(actor: Actor, token: string): FileOut {
    requirePolicy(actor, mayImportRegistry);
    this.sweep();
    const f = this.errorFiles.get(token);
    if (!f || f.owner !== actor.user) throw notFound('errors file (they are kept for an hour)');
    return { path: f.path, filename: f.filename, contentType: CONTENT_TYPES.xlsx, temporary: false };
  }

  /** Every row of a kind as .xlsx or .csv, written in a worker thread; ID numbers masked unless asked for. */
  async exportFile(actor: Actor, kind: string, format: 'xlsx' | 'csv', showIdsAsked: boolean): Promise<FileOut> {
    requirePolicy(actor, mayExportRegistry);
    const showIds = this.showIds(actor, showIdsAsked);
    const spec = specOf(kind);
    const out = join(this.tempDir(), `export-${randomUUID()}.${format}`);
    try {
      await runFileTask({ type: 'export', url: this.store.url, ...(this.store.pgSchema ? { pgSchema: this.store.pgSchema } : {}), kind, out, format, showIds });
    } catch (e) {
      rmSync(out, { force: true });
      throw e;
    }
    return { path: out, filename: `${spec.title.zh}.${format}`, contentType: CONTENT_TYPES[format], temporary: true };
  }

  /**
   * The empty import template of a kind (small: written here). Any signed-in user gets it, so
   * its invented example ID numbers are masked, as kinds() shows them: no whole one leaves the
   * server unasked (the CLI's template, for the office, keeps them).
   */
  async templateFile(kind: string): Promise<FileOut> {
    const spec = specOf(kind);
    const out = join(this.tempDir(), `template-${randomUUID()}.xlsx`);
    await writeTemplate(kind, out);
    await maskWorkbookIds(out);
    return { path: out, filename: `${spec.title.zh}模板.xlsx`, contentType: CONTENT_TYPES.xlsx, temporary: true };
  }

  /** Removes the temporary files (on server close). */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.errorFiles.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Masks every ID number in the text cells of a small workbook, in place (rewritten only if one was found). */
async function maskWorkbookIds(path: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  let masked = false;
  for (const sheet of book.worksheets) {
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value !== 'string') return;
        const text = maskIdsInText(cell.value);
        if (text !== cell.value) {
          cell.value = text;
          masked = true;
        }
      }),
    );
  }
  if (masked) await book.xlsx.writeFile(path);
}

function specOf(kind: string): KindSpec {
  const s = kindSpec(kind);
  if (!s) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
  return s;
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

// ---------------------------------------------------------------------------------------------
// File work in a worker thread (never on the server's event loop)

type FileTask =
  | { type: 'errors-file'; file: string; out: string; problems: ImportReport['problems']; headerRow: number | undefined }
  | { type: 'export'; url: string; pgSchema?: string; kind: string; out: string; format: 'xlsx' | 'csv'; showIds: boolean };

const MODULES = {
  errors: new URL('./import/errors-file.ts', import.meta.url).href,
  exporter: new URL('./import/export.service.ts', import.meta.url).href,
  db: new URL('../store/db.ts', import.meta.url).href,
};

// The worker's module, inline: worker-boot.mjs registers tsx, then imports this from a data: URL.
const TASK_MODULE = `
import { parentPort, workerData } from 'node:worker_threads';
const task = workerData.task;
try {
  if (task.type === 'errors-file') {
    const { writeErrorsFile } = await import(${JSON.stringify(MODULES.errors)});
    await writeErrorsFile(task.file, task.out, task.problems, task.headerRow === undefined ? {} : { headerRow: task.headerRow });
    parentPort.postMessage({ ok: true });
  } else {
    const { openStore } = await import(${JSON.stringify(MODULES.db)});
    const { exportKind } = await import(${JSON.stringify(MODULES.exporter)});
    const store = await openStore(task.pgSchema ? { url: task.url, pgSchema: task.pgSchema } : { url: task.url });
    try {
      const rows = await exportKind(store, task.kind, task.out, { format: task.format, showIds: task.showIds });
      parentPort.postMessage({ ok: true, rows });
    } finally {
      await store.close();
    }
  }
} catch (e) {
  parentPort.postMessage({ ok: false, code: typeof e?.code === 'string' ? e.code : 'internal', message: e instanceof Error ? e.message : String(e) });
}
`;

function runFileTask(task: FileTask): Promise<void> {
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { module: `data:text/javascript,${encodeURIComponent(TASK_MODULE)}`, task },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: { ok: true } | { ok: false; code: string; message: string }) => {
      settled = true;
      if (m.ok) resolve();
      // An internal error's message stays in the server (it may name paths); the client gets the code.
      else reject(!isErrorCode(m.code) || m.code === 'internal' ? new Error(`file worker: ${maskIdsInText(m.message)}`) : errorFromWorker(m.code, m.message));
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the file worker stopped (exit code ${code})`));
    });
  });
}
