/**
 * Writing the demo county: whether the registry is empty, bulk inserts, and the ids of the rows
 * just written (children name their parents by natural key until they are written).
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters and SQLite's 32,766. */
const BATCH = 500;

export class DemoLoadRepository {
  constructor(private readonly db: Kysely<DB> | Transaction<DB>) {}

  /** Runs `work` in one transaction with a repository bound to it (in the transaction this one is bound to, if any). */
  async transaction<T>(work: (repository: DemoLoadRepository) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new DemoLoadRepository(trx)));
  }

  /** Rows in a registry table. */
  async count(table: 'areas' | 'households' | 'helpers'): Promise<number> {
    const { n } = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Inserts rows into a table, BATCH a statement, in order. */
  async insert<T extends keyof DB & string>(table: T, rows: ReadonlyArray<Insertable<DB[T]>>): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      // Kysely's generic insert types do not narrow over a table parameter; the rows are typed above.
      await (this.db as unknown as Kysely<any>)
        .insertInto(table)
        .values(rows.slice(i, i + BATCH) as any[])
        .execute();
    }
  }

  /** Work team ids by village code. */
  async workTeamIds(): Promise<Map<string, number>> {
    return new Map((await this.db.selectFrom('work_teams').select(['id', 'village_code']).execute()).map((t) => [t.village_code, Number(t.id)]));
  }

  /** Helper ids by ID number. */
  async helperIds(): Promise<Map<string, number>> {
    return new Map((await this.db.selectFrom('helpers').select(['id', 'id_number']).execute()).map((h) => [h.id_number, Number(h.id)]));
  }

  /** Household ids by household number. */
  async householdIds(): Promise<Map<string, number>> {
    return new Map((await this.db.selectFrom('households').select(['id', 'household_no']).execute()).map((h) => [h.household_no, Number(h.id)]));
  }
}
