/**
 * Change counters: a row per table that kept views rest on (areas: village names and parents;
 * campaigns: name, year, scheme version), moved by triggers on every write to the table,
 * whoever writes it (an import's merge, the demo, another server process). A ranking kept in
 * memory compares them, with the assessments' versions, to know whether it is still the ranking.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.ts';

/** The tables counted, each with the counter row of its name. */
export const COUNTED_TABLES = ['areas', 'campaigns'] as const;

export function changeCounters(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('change_counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db
        .insertInto('change_counters')
        .values(COUNTED_TABLES.map((name) => ({ name, value: 0 })))
        .execute();
      if (dialect === 'postgres') {
        // Once a statement, not once a row: an import's merge of many areas moves the counter once.
        await sql`create or replace function kaohe_count_change() returns trigger language plpgsql as $$
          begin
            update change_counters set value = value + 1 where name = tg_argv[0];
            return null;
          end $$`.execute(db);
        for (const table of COUNTED_TABLES) {
          await sql`create trigger ${sql.id(`${table}_changed`)} after insert or update or delete or truncate on ${sql.id(table)}
            for each statement execute function kaohe_count_change(${sql.lit(table)})`.execute(db);
        }
      } else {
        // SQLite has row triggers only; these tables hold thousands of rows, not millions.
        for (const table of COUNTED_TABLES) {
          for (const event of ['insert', 'update', 'delete']) {
            await sql`create trigger ${sql.id(`${table}_${event}d`)} after ${sql.raw(event)} on ${sql.id(table)}
              begin update change_counters set value = value + 1 where name = ${sql.lit(table)}; end`.execute(db);
          }
        }
      }
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') {
        for (const table of COUNTED_TABLES) await sql`drop trigger if exists ${sql.id(`${table}_changed`)} on ${sql.id(table)}`.execute(db);
        await sql`drop function if exists kaohe_count_change()`.execute(db);
      } else {
        for (const table of COUNTED_TABLES) for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`${table}_${event}d`)}`.execute(db);
      }
      await db.schema.dropTable('change_counters').ifExists().execute();
    },
  };
}
