/**
 * The registry: areas, villages, households, work teams, helpers, dated records; imports.
 * A registry record is shown by its kind's fields (core/registry/kinds.ts, the data dictionary)
 * under their camelCase names, flags as booleans, ID numbers masked unless the office asked for
 * them, and beside each code-list code its `…Label` (Chinese) and `…LabelEn` (English).
 */
import type { LangText } from './common.ts';

/** A node of the area tree (GET /api/areas). Villages carry their attributes and household count. */
export interface Area {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  povertyVillage?: boolean;
  plannedExitYear?: number | null;
  exitYear?: number | null;
  population?: number | null;
  /** Households registered in the village (villages only). */
  households?: number;
  children?: Area[];
}

/** GET /api/areas */
export interface AreasAnswer {
  areas: Area[];
}

/** A member of a village work team (驻村工作队). */
export interface TeamMember {
  id: number;
  name: string;
  idNumber: string;
  role: 'leader+secretary' | 'leader' | 'secretary' | 'member';
  isLeader: boolean;
  isFirstSecretary: boolean;
  phone: string | null;
  startDate: string;
  endDate: string | null;
  current: boolean;
}

/** A village work team (GET /api/work-teams, and in a village). */
export interface WorkTeam {
  id: number;
  villageCode: string;
  villageName: string;
  sendingUnit: string;
  startDate: string | null;
  endDate: string | null;
  members: TeamMember[];
}

/** GET /api/villages/:code */
export interface VillageDetail extends Area {
  households: number;
  township: { code: string; name: string; level: Area['level'] } | null;
  workTeams: WorkTeam[];
  helpers: { total: number; current: number };
}

/** A helper (帮扶责任人) as GET /api/helpers lists them. */
export interface Helper {
  id: number;
  name: string;
  idNumber: string;
  unit: string | null;
  position: string | null;
  phone: string | null;
  /** Households helped, ever and now. */
  households: number;
  currentHouseholds: number;
}

/** A record of the registry by its kind's fields (camelCase field names, `…Label`/`…LabelEn` beside codes). */
export type RegistryRecord = Record<string, unknown> & { id: number };

/** A household as GET /api/households lists it: the `households` kind's fields, and its village's name. */
export type HouseholdRow = RegistryRecord & {
  householdNo: string;
  villageCode: string;
  villageName: string;
  headName: string;
  headIdNumber: string;
  size: number;
  status: string;
  attribute?: string;
  mainCause?: string;
};

/** A helper of a household, now or before. */
export interface HouseholdHelper {
  id: number;
  name: string;
  idNumber: string;
  unit: string | null;
  position: string | null;
  phone: string | null;
  startDate: string;
  endDate: string | null;
  current: boolean;
}

/** GET /api/households/:no: the household, its members, its helpers and its latest visits (by their kinds' fields). */
export type HouseholdDetail = HouseholdRow & {
  members: RegistryRecord[];
  helpers: HouseholdHelper[];
  visits: { total: number; recent: RegistryRecord[] };
};

/** A dated record of a kind (GET /api/records/:kind): its kind's fields and its village. */
export type DatedRecord = RegistryRecord & { villageCode: string };

/** A field of a record kind, for the import wizard and the tables. */
export interface KindField {
  /** The column (snake_case, as the data dictionary names it). */
  key: string;
  /** The property an API record shows it under (camelCase). */
  property: string;
  header: string;
  aliases: string[];
  en: string;
  type: string;
  required: boolean;
  help: string;
  /** An example value (an ID number masked). */
  example: string | null;
  values?: Array<{ value: string; labels: string[] }>;
  list?: string;
  min?: number | null;
  max?: number | null;
}

/** A record kind with its Chinese headers and fields. */
export interface Kind {
  kind: string;
  title: LangText;
  /** The fields that identify a row: a row with the same key is updated on import. */
  key: string[];
  /** Listed by GET /api/records/:kind. */
  records: boolean;
  /**
   * An office of an area (a province's, a city's, a county's) imports it: its rows are of
   * villages or households, each checked to be in the area. The division tree, the code lists
   * and the poverty lines only the office of the whole database imports.
   */
  areaImport: boolean;
  fields: KindField[];
}

/** GET /api/kinds */
export interface KindsAnswer {
  kinds: Kind[];
}

/** A problem of an imported file: a row and column, or the whole file (row 0, with the refusal's code). */
export interface ImportProblem {
  /** Row in the file (1-based, as a spreadsheet shows it); 0 for a problem with the whole file. */
  row: number;
  /** Column header as in the file, with its letter: `户主身份证号 (E)`. */
  column?: string;
  /** The cell as quoted back: ID numbers masked, at most 100 characters. */
  value?: string;
  /** Why, in English (the CLI's and the logs' words). */
  message: string;
  /**
   * Why, by code and values, for a cell or a row: its sentence in the reader's language is
   * `problemText(reason, lang)` of src/core/registry/problems.ts (zh and en, one catalogue).
   */
  reason?: { code: string; params?: Record<string, string | number> };
  /** For a problem with the whole file (row 0): the refusal's code (`missing-header`, `no-data-rows` …). */
  code?: string;
}

/** POST /api/imports/:kind (multipart: file, dryRun) */
export interface ImportReport {
  kind: string;
  /** The file's name as uploaded. */
  file: string;
  format: 'csv' | 'xlsx';
  encoding?: string;
  /** Data rows read. */
  rows: number;
  inserted: number;
  updated: number;
  problems: ImportProblem[];
  /** Problems were cut off at the most that are collected. */
  truncated: boolean;
  ignoredColumns: string[];
  /** The row holding the column headers (the lower one of a two-row header); 0 before it is found. */
  headerRow: number;
  dryRun: boolean;
  /** True when the rows were written (no problem, not a dry run). */
  committed: boolean;
  elapsedMs: number;
  /** The token of the errors file (GET /api/imports/errors/:token), when rows have problems. */
  errorsFile?: string;
}

/** A committed import, as its audit entry (`registry.import`) records it. */
export interface ImportHistoryEntry {
  /** The audit entry's id. */
  id: number;
  /** When it was asked for (ISO, UTC). */
  at: string;
  /** Who imported (a user name; `cli` for the command line without KAOHE_USER). */
  actor: string;
  /** Their display name, if they have one (张三). */
  actorName?: string;
  kind: string;
  /** The file's name as uploaded. */
  file: string;
  rows: number;
  inserted: number;
  updated: number;
  /** The office's area, for an office of an area. */
  area?: string;
  areaName?: string;
}

/**
 * GET /api/imports?limit=&after=: committed imports, newest first (20 a page, at most 100): every
 * import for the whole database's office, those of offices of its area (and the areas under it)
 * for an office of an area. `next`: the `after` of the next page, null at the end.
 */
export interface ImportHistory {
  items: ImportHistoryEntry[];
  next: string | null;
}
