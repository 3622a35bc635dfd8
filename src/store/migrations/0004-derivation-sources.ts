/**
 * Records some derivation rules compare against: the household handbook's and the paper
 * collection form's data (item 2.2.1), and the work-team leader's "ten ones" (item 2.4.1).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../db.ts';
import { withIdFor } from './columns.ts';

export function derivationSources(dialect: Dialect): Migration {
  const withId = withIdFor(dialect);
  return {
    async up(db: Kysely<any>) {
      await withId(db.schema.createTable('household_sources'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('handbook', 'collection-form')`))
        .addColumn('head_name', 'text')
        .addColumn('head_id_number', 'text')
        .addColumn('size', 'integer')
        .addColumn('workers', 'integer')
        .addColumn('attribute', 'text')
        .addColumn('main_cause', 'text')
        .addColumn('status', 'text')
        .addColumn('income_fen', 'integer')
        .addColumn('phone', 'text')
        .addUniqueConstraint('household_sources_nk', ['household_id', 'source'])
        .execute();
      await withId(db.schema.createTable('leader_duties'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('element', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text')
        .addUniqueConstraint('leader_duties_nk', ['village_code', 'year', 'element'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('leader_duties').ifExists().execute();
      await db.schema.dropTable('household_sources').ifExists().execute();
    },
  };
}
