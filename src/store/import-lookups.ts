/**
 * What an import reads of the registry before the file, once: the code lists, areas, households
 * and head ID numbers validation looks up, and whether the table has rows. Whether a row of the
 * file is new or an update is asked once the file is read, for the file's keys only
 * (existingKeys; its parents' ids too: idsOfKeys). Keys of more than one column are joined by
 * IMPORT_KEY_SEPARATOR. Records keep their kind's field names (`label_zh` …): they are the
 * registry's vocabulary, shared with the files and core's field checks, not rows of a table.
 */
import { sql, type Kysely } from 'kysely';
import { underArea } from './area-subtree.ts';
import type { KindSpec } from '../core/registry/kinds.ts';
import type { DB } from './schema.ts';
import type { Store } from './db.ts';

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
  /** head ID number → household_no, for households (unless read a batch at a time: headsOf). */
  heads: Map<string, string>;
  /**
   * Whether the kind's table had no row (every row of the file is then new). Whether the rows of
   * a table with rows are new or updates is asked once the file is read, for its own keys
   * (existingKeys): not the whole table's keys, which a province's tables have by the ten million.
   */
  tableEmpty: boolean;
  /** An import by an office of an area: the villages in it (and `households` holds only theirs). */
  villagesInArea?: Set<string>;
}

/**
 * Reads the lookups of an import of one kind: only those the kind needs. Outside any transaction,
 * so that it holds no lock while the file is read; a row another connection adds or removes
 * meanwhile can make the counts of new and updated rows a little off, and a reference removed
 * meanwhile makes the merge refuse the file (StaleReference).
 */
export async function readImportLookups(
  db: Kysely<DB>,
  spec: KindSpec,
  area?: string,
  /** Read the registry's head ID numbers (households) and its households (kinds that refer to one) whole; else a batch of the file's at a time (headsOf, householdsOf). */
  whole = true,
): Promise<ImportLookups> {
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
  if (Object.values(spec.refs).includes('household') && whole) {
    // An office of an area looks up its own households only: the others are not its to name.
    const found =
      area === undefined
        ? await db.selectFrom('households').select(['household_no', 'id']).execute()
        : (await sql<{ household_no: string; id: number }>`${underArea(area)} select h.household_no, h.id from households h join sub on sub.code = h.village_code`.execute(db))
            .rows;
    for (const h of found) households.set(h.household_no, h.id);
  }
  const heads = new Map<string, string>();
  if (spec.kind === 'households' && whole) {
    for (const h of await db.selectFrom('households').select(['household_no', 'head_id_number']).execute()) heads.set(h.head_id_number, h.household_no);
  }
  const tableEmpty =
    (await db
      .selectFrom(spec.table as 'areas')
      .select(sql<number>`1`.as('one'))
      .limit(1)
      .executeTakeFirst()) === undefined;
  return {
    codeRows: codeRows.map((r) => ({ list: r.list, code: r.code, label_zh: r.label_zh, label_en: r.label_en, valid_from: r.valid_from, valid_to: r.valid_to })),
    areas,
    households,
    heads,
    tableEmpty,
    ...(villagesInArea ? { villagesInArea } : {}),
  };
}

/** Keys a query of existingKeys asks for at most: a JSON parameter of a few hundred KiB. */
const KEYS_A_QUERY = 5000;
/** existingKeys' choice, lowered by the tests to take small tables down the path of large ones. */
export const existingKeysTuning = {
  /** A table of at most this many times the file's keys has its keys read whole. */
  wholeTableAt: 4,
};

/**
 * How many of the keys `values` holds (the values of `columns` a key, one key after another: the
 * conflict key of rows as staged) are in `table` already: the rows of an import that will be
 * updates. Asked in parts of a few thousand keys, each found through the key's unique index; the
 * keys are unique (the file's duplicates are refused). A key with a null matches nothing (as in
 * ON CONFLICT).
 */
export async function existingKeys(store: Store, table: string, columns: readonly string[], values: ReadonlyArray<string | number | null>): Promise<number> {
  return (await matchKeys(store, table, columns, values, false)).count;
}

/**
 * The ids of the rows of `table` whose keys (`columns`) `values` holds, a key after another (a
 * kind's parents the file names: helpers by ID number, work teams by village and sending unit):
 * key (its values joined by IMPORT_KEY_SEPARATOR) → id. Keys not in the table are not in the map.
 * Asked for as existingKeys asks: not the whole table's, which a province has by the million.
 */
export async function idsOfKeys(store: Store, table: string, columns: readonly string[], values: ReadonlyArray<string | number | null>): Promise<Map<string, number>> {
  return (await matchKeys(store, table, columns, values, true)).ids;
}

/** A key's values joined as the maps of idsOfKeys hold them (`width` values from `from`). */
export function joinedKey(values: ReadonlyArray<unknown>, from: number, width: number): string {
  let key = String(values[from]);
  for (let c = 1; c < width; c++) key += IMPORT_KEY_SEPARATOR + String(values[from + c]);
  return key;
}

/**
 * The keys of `values` found in `table`: counted, and with `withIds` each with its row's id (by
 * the key as `values` spells it). A table of at most wholeTableAt times the keys is read whole; a
 * larger one is asked for the keys, KEYS_A_QUERY a query, through the key's unique index.
 */
async function matchKeys(
  store: Store,
  table: string,
  columns: readonly string[],
  values: ReadonlyArray<string | number | null>,
  withIds: boolean,
): Promise<{ count: number; ids: Map<string, number> }> {
  const t = sql.table(table);
  const width = columns.length;
  const kept = values.length / width;
  const ids = new Map<string, number>();
  let count = 0;
  if (kept === 0) return { count, ids };
  // A table not much larger than the file (at most wholeTableAt times its keys): its keys read
  // whole, once, cost less than the file's keys asked for a part at a time.
  const most = kept * existingKeysTuning.wholeTableAt;
  const rows = await tableRowsUpTo(store, table, most + 1);
  if (rows === 0) return { count, ids };
  if (rows <= most) {
    const there = new Map<string, number>();
    const all = await store.db
      .selectFrom(table as 'areas')
      .select((withIds ? ['id', ...columns] : columns) as never[])
      .execute();
    for (const r of all as Array<Record<string, unknown>>)
      there.set(
        joinedKey(
          columns.map((c) => r[c]),
          0,
          width,
        ),
        withIds ? Number(r.id) : 0,
      );
    for (let i = 0; i < values.length; i += width) {
      const key = joinedKey(values, i, width);
      const id = there.get(key);
      if (id === undefined) continue;
      count++;
      if (withIds) ids.set(key, id);
    }
    return { count, ids };
  }
  for (let from = 0; from < values.length; from += KEYS_A_QUERY * width) {
    const part: Array<Array<string | number | null>> = [];
    for (let i = from; i < Math.min(values.length, from + KEYS_A_QUERY * width); i += width) part.push(values.slice(i, i + width));
    // With ids, each found key's place in the part (0 on): the key as the file spells it.
    let query;
    if (store.dialect === 'postgres') {
      // The keys as rows of the table's own type: each value compared as its column's type, by the index.
      const json = JSON.stringify(part.map((k) => Object.fromEntries(columns.map((c, i) => [c, k[i]]))));
      const on = sql.join(
        columns.map((c) => sql`x.${sql.ref(c)} = k.${sql.ref(c)}`),
        sql` and `,
      );
      const select = withIds ? sql`x.id, k.ordinality - 1 as at` : sql`count(*) as n`;
      query = sql<{
        n?: string | number;
        id?: string | number;
        at?: string | number;
      }>`select ${select} from json_populate_recordset(null::${t}, ${json}::json) with ordinality k join ${t} x on ${on}`;
    } else {
      const json = JSON.stringify(part);
      const on = sql.join(
        columns.map((c, i) => sql`x.${sql.ref(c)} = json_extract(k.value, ${`$[${i}]`})`),
        sql` and `,
      );
      const select = withIds ? sql`x.id, k.key as at` : sql`count(*) as n`;
      query = sql<{ n?: string | number; id?: string | number; at?: string | number }>`select ${select} from json_each(${json}) k join ${t} x on ${on}`;
    }
    const got = (await query.execute(store.db)).rows;
    if (!withIds) count += Number(got[0]!.n);
    else {
      count += got.length;
      for (const r of got) ids.set(joinedKey(part[Number(r.at)]!, 0, width), Number(r.id));
    }
  }
  return { count, ids };
}

/** The rows of `table`, counted up to `most` (more: `most`). */
export async function tableRowsUpTo(store: Store, table: string, most: number): Promise<number> {
  const r = await sql<{ n: string | number }>`select count(*) as n from (select 1 from ${sql.table(table)} limit ${most}) s`.execute(store.db);
  return Number(r.rows[0]!.n);
}

/** Keys a query of headsOf or householdsOf asks for at most. */
const HEADS_A_QUERY = 1000;

/** Which of `heads` (ID numbers) head a household in the registry: head ID number → household number. */
export async function headsOf(db: Kysely<DB>, heads: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let from = 0; from < heads.length; from += HEADS_A_QUERY) {
    const part = heads.slice(from, from + HEADS_A_QUERY);
    for (const h of await db.selectFrom('households').select(['household_no', 'head_id_number']).where('head_id_number', 'in', part).execute())
      found.set(h.head_id_number, h.household_no);
  }
  return found;
}

/**
 * Which of `households` (household numbers) are in the registry (of the area, for an office of
 * an area: the others are not its to name): household number → id.
 */
export async function householdsOf(db: Kysely<DB>, households: readonly string[], area?: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let from = 0; from < households.length; from += HEADS_A_QUERY) {
    const part = households.slice(from, from + HEADS_A_QUERY);
    const rows =
      area === undefined
        ? await db.selectFrom('households').select(['household_no', 'id']).where('household_no', 'in', part).execute()
        : (
            await sql<{
              household_no: string;
              id: number;
            }>`${underArea(area)} select h.household_no, h.id from households h join sub on sub.code = h.village_code where h.household_no in (${sql.join(part)})`.execute(db)
          ).rows;
    for (const h of rows) found.set(h.household_no, h.id);
  }
  return found;
}
