/**
 * What an import reads of the registry before the file, once: the code lists, areas, households
 * and head ID numbers validation looks up, and the keys already there (to tell new rows from
 * updates, and to find a parent's id). Keys of more than one column are joined by
 * IMPORT_KEY_SEPARATOR. Records keep their kind's field names (`label_zh` …): they are the
 * registry's vocabulary, shared with the files and core's field checks, not rows of a table.
 */
import { sql, type Kysely } from 'kysely';
import { underArea } from './area-subtree.ts';
import type { KindSpec } from '../core/registry/kinds.ts';
import type { DB } from './schema.ts';

/** Joins the values of a key of several columns into one string (no value holds it). */
export const IMPORT_KEY_SEPARATOR = '\u0001';

/** A code-list entry, as core's codeLookup reads it. */
export interface CodeListEntry {
  list: string;
  code: string;
  label_zh: string;
  label_en: string | null;
  valid_from: number;
  valid_to: number | null;
}

export interface ImportLookups {
  codeRows: CodeListEntry[];
  /** area code → level, including areas added earlier in this file. */
  areas: Map<string, string>;
  households: Map<string, number>;
  /** head ID number → household_no, for households. */
  heads: Map<string, string>;
  /** Existing conflict keys of the kind's table, to tell inserts from updates. */
  existing: Set<string>;
  /** The kind's parents already in the registry: key values (joined by IMPORT_KEY_SEPARATOR) → id. */
  parents: Map<string, number>;
  /** An import by an office of an area: the villages in it (and `households` holds only theirs). */
  villagesInArea?: Set<string>;
}

/**
 * Reads the lookups of an import of one kind: only those the kind needs. Outside any transaction,
 * so that it holds no lock while the file is read; a row another connection adds or removes
 * meanwhile can make the counts of new and updated rows a little off, and a reference removed
 * meanwhile makes the merge refuse the file (StaleReference).
 */
export async function readImportLookups(db: Kysely<DB>, spec: KindSpec, area?: string): Promise<ImportLookups> {
  const SEP = IMPORT_KEY_SEPARATOR;
  // In a stable order (older entries first, then as listed): PostgreSQL returns an updated row
  // last, which reordered the labels in messages.
  const codeRows = await db.selectFrom('code_lists').selectAll().orderBy('valid_from').orderBy('sort').orderBy('list').orderBy('code').execute();
  const needsAreas = Object.values(spec.refs).some((r) => r === 'village' || r === 'area');
  const areas = new Map<string, string>();
  if (needsAreas || spec.kind === 'areas') {
    for (const a of await db.selectFrom('areas').select(['code', 'level']).execute()) areas.set(a.code, a.level);
  }
  let villagesInArea: Set<string> | undefined;
  if (area !== undefined) {
    const under = await sql<{ code: string }>`${underArea(area)} select s.code from sub s join areas a on a.code = s.code where a.level = 'village'`.execute(db);
    villagesInArea = new Set(under.rows.map((r) => r.code));
  }
  const households = new Map<string, number>();
  if (Object.values(spec.refs).includes('household')) {
    // An office of an area looks up its own households only: the others are not its to name.
    const found =
      area === undefined
        ? await db.selectFrom('households').select(['household_no', 'id']).execute()
        : (await sql<{ household_no: string; id: number }>`${underArea(area)} select h.household_no, h.id from households h join sub on sub.code = h.village_code`.execute(db))
            .rows;
    for (const h of found) households.set(h.household_no, h.id);
  }
  const heads = new Map<string, string>();
  if (spec.kind === 'households') {
    for (const h of await db.selectFrom('households').select(['household_no', 'head_id_number']).execute()) heads.set(h.head_id_number, h.household_no);
  }
  const existing = new Set<string>();
  const rows = await db
    .selectFrom(spec.table as 'areas')
    .select(spec.conflict as never[])
    .execute();
  for (const r of rows as Array<Record<string, unknown>>) existing.add(spec.conflict.map((c) => String(r[c])).join(SEP));
  const parents = new Map<string, number>();
  if (spec.parent) {
    const p = spec.parent;
    const found = await db
      .selectFrom(p.table as 'helpers')
      .select(['id', ...p.key] as never[])
      .execute();
    for (const r of found as Array<Record<string, unknown>>) parents.set(p.key.map((k) => String(r[k])).join(SEP), r.id as number);
  }
  return {
    codeRows: codeRows.map((r) => ({ list: r.list, code: r.code, label_zh: r.label_zh, label_en: r.label_en, valid_from: r.valid_from, valid_to: r.valid_to })),
    areas,
    households,
    heads,
    existing,
    parents,
    ...(villagesInArea ? { villagesInArea } : {}),
  };
}
