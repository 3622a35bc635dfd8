/**
 * The area tree above the county (issue 11): a province and its prefectures/cities
 * (province → city → county → township → village), so that one database can hold a province's
 * counties and a city's or province's office can see its own. Only the check on `areas.level`
 * widens; no row changes.
 *
 * SQLite cannot alter a CHECK constraint; it allows, for a change that leaves every stored row
 * valid, rewriting the table's own CREATE statement in the schema table (sqlite.org, "ALTER
 * TABLE", "Making Other Kinds Of Table Schema Changes"): done here inside the migration's
 * transaction, with the schema version moved so every connection reads the schema again, and
 * an integrity check after.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Store } from '../db.ts';

const BEFORE = "level in ('county', 'township', 'village')";
const AFTER = "level in ('province', 'city', 'county', 'township', 'village')";

export function areaLevels(store: Store): Migration {
  const widen = async (db: Kysely<unknown>, from: string, to: string) => {
    if (store.dialect === 'postgres') {
      // The name PostgreSQL gave the column's check.
      const r = await sql<{ conname: string }>`
        select conname from pg_constraint
        where conrelid = 'areas'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%level%'`.execute(db);
      for (const c of r.rows) await sql`alter table areas drop constraint ${sql.id(c.conname)}`.execute(db);
      await sql`alter table areas add constraint areas_level_check check (${sql.raw(to)})`.execute(db);
      return;
    }
    const raw = store.sqlite!;
    const table = raw.prepare(`select sql from sqlite_schema where type = 'table' and name = 'areas'`).get() as { sql: string };
    if (!table.sql.includes(from)) throw new Error(`areas: the level check is not "${from}" (${table.sql})`);
    const version = raw.pragma('schema_version', { simple: true }) as number;
    raw.unsafeMode(true);
    try {
      raw.pragma('writable_schema = on');
      raw.prepare(`update sqlite_schema set sql = ? where type = 'table' and name = 'areas'`).run(table.sql.replace(from, to));
      raw.pragma(`schema_version = ${version + 1}`);
      raw.pragma('writable_schema = off');
    } finally {
      raw.unsafeMode(false);
    }
    const check = raw.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`areas: the schema after widening the level check: ${String(check)}`);
  };
  return {
    async up(db) {
      await widen(db, BEFORE, AFTER);
    },
    async down(db) {
      await widen(db, AFTER, BEFORE);
    },
  };
}
