/** Column helpers shared by the migrations. */
import type { CreateTableBuilder } from 'kysely';
import type { Dialect } from '../db.ts';

/** Adds an auto-numbered primary key `id`, spelled per dialect. */
export function withIdFor(dialect: Dialect) {
  return <T extends string>(t: CreateTableBuilder<T, never>) =>
    dialect === 'postgres' ? t.addColumn('id', 'serial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
