/**
 * Named statements on PostgreSQL (pg-prepared.ts), read off the server's own list of a
 * connection's prepared statements: a text run repeatedly outside a transaction is named, one in a
 * transaction never is, and a named `select *` whose table has changed under it is answered, not
 * refused.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { configuredNamedStatements, openStore, type Store } from './db.ts';
import { preparedTuning } from './pg-prepared.ts';

/** The table these tests make, as Kysely sees it. */
interface Probe {
  prepared_probe: { id: number; name: string; note?: string };
}

const pg = storeTargets().find((t) => t.dialect === 'postgres');

describe.skipIf(!pg)('named statements (PostgreSQL)', () => {
  let store: Store;
  const tuning = { ...preparedTuning };
  beforeAll(async () => {
    store = await pg!.open();
    await sql`create table prepared_probe (id integer primary key, name text)`.execute(store.db);
    await sql`insert into prepared_probe values (1, 'a'), (2, 'b')`.execute(store.db);
  }, 60_000);
  afterAll(() => store?.close());
  afterEach(() => Object.assign(preparedTuning, tuning));

  /** One connection of the pool, held for `f`. */
  const onOneConnection = <T>(f: (db: Kysely<Probe>) => Promise<T>) => store.db.connection().execute((db) => f(db as unknown as Kysely<Probe>));
  const preparedOn = async (db: Kysely<Probe>) =>
    (
      await sql<{
        statement: string;
      }>`select statement from pg_prepared_statements where statement like '%prepared_probe%' and statement not like '%pg_prepared_statements%' order by statement`.execute(db)
    ).rows.map((r) => r.statement);
  const byId = (db: Kysely<Probe>, id: number) => db.selectFrom('prepared_probe').select(['id', 'name']).where('id', '=', id).executeTakeFirstOrThrow();

  it('names a text once it has run it `after` times outside a transaction, and answers it the same named', async () => {
    preparedTuning.after = 3;
    await onOneConnection(async (db) => {
      const before = await preparedOn(db);
      expect(await byId(db, 1)).toEqual({ id: 1, name: 'a' });
      expect(await byId(db, 2)).toEqual({ id: 2, name: 'b' });
      expect(await preparedOn(db)).toEqual(before);
      // The third run names it; the values are bound each run, not part of the text.
      expect(await byId(db, 1)).toEqual({ id: 1, name: 'a' });
      const named = (await preparedOn(db)).filter((s) => !before.includes(s));
      expect(named).toEqual([expect.stringMatching(/^select "id", "name" from "prepared_probe" where "id" = \$1$/)]);
      expect(await byId(db, 2)).toEqual({ id: 2, name: 'b' });
      await sql`update prepared_probe set name = 'c' where id = 2`.execute(db);
      // Nothing of the data is kept: the named statement reads the table again.
      expect(await byId(db, 2)).toEqual({ id: 2, name: 'c' });
    });
  });

  it('names nothing inside a transaction, and nothing with `after` Infinity', async () => {
    preparedTuning.after = 1;
    await store.db.transaction().execute(async (trx) => {
      const db = trx as unknown as Kysely<Probe>;
      const before = await preparedOn(db);
      for (let i = 0; i < 5; i++) await db.selectFrom('prepared_probe').select('name').where('id', '>', i).execute();
      expect(await preparedOn(db)).toEqual(before);
    });
    preparedTuning.after = Infinity;
    await onOneConnection(async (db) => {
      const before = await preparedOn(db);
      for (let i = 0; i < 5; i++) await db.selectFrom('prepared_probe').select('name').where('id', '<', i).execute();
      expect(await preparedOn(db)).toEqual(before);
    });
  });

  /** Runs the probe's query five times on one connection of `off` and reads what is named there. */
  const namedOn = (off: Store) =>
    off.db.connection().execute(async (conn) => {
      const db = conn as unknown as Kysely<Probe>;
      for (let i = 0; i < 5; i++) await db.selectFrom('prepared_probe').select('name').where('id', '<>', i).execute();
      return preparedOn(db);
    });

  it('names nothing on a store opened with KAOHE_PG_NAMED_STATEMENTS=off', async () => {
    preparedTuning.after = 1;
    const before = process.env.KAOHE_PG_NAMED_STATEMENTS;
    process.env.KAOHE_PG_NAMED_STATEMENTS = 'off';
    const off = await openStore({ url: store.url, pgSchema: store.pgSchema!, migrate: false });
    if (before === undefined) delete process.env.KAOHE_PG_NAMED_STATEMENTS;
    else process.env.KAOHE_PG_NAMED_STATEMENTS = before;
    try {
      expect(await namedOn(off)).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('names nothing on a store opened with namedStatements false, whatever the environment says', async () => {
    preparedTuning.after = 1;
    const before = process.env.KAOHE_PG_NAMED_STATEMENTS;
    process.env.KAOHE_PG_NAMED_STATEMENTS = 'on';
    const off = await openStore({ url: store.url, pgSchema: store.pgSchema!, migrate: false, namedStatements: false });
    const on = await openStore({ url: store.url, pgSchema: store.pgSchema!, migrate: false, namedStatements: true });
    if (before === undefined) delete process.env.KAOHE_PG_NAMED_STATEMENTS;
    else process.env.KAOHE_PG_NAMED_STATEMENTS = before;
    try {
      expect(await namedOn(off)).toEqual([]);
      expect((await namedOn(on)).length).toBe(1);
    } finally {
      await off.close();
      await on.close();
    }
  });

  it('answers a named `select *` after its table gained a column (a migration by another process), and runs it unnamed after', async () => {
    preparedTuning.after = 1;
    await onOneConnection(async (db) => {
      const all = () => db.selectFrom('prepared_probe').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
      expect(await all()).toEqual({ id: 1, name: 'a' });
      expect((await preparedOn(db)).some((s) => s.startsWith('select * from "prepared_probe"'))).toBe(true);
      await sql`alter table prepared_probe add column note text default 'n'`.execute(store.db);
      // PostgreSQL cannot make the kept plan again ("cached plan must not change result type"): the answer comes unnamed.
      expect(await all()).toEqual({ id: 1, name: 'a', note: 'n' });
      expect(await all()).toEqual({ id: 1, name: 'a', note: 'n' });
    });
  });

  it('lets a failing named statement fail as it would unnamed', async () => {
    preparedTuning.after = 1;
    await onOneConnection(async (db) => {
      const insert = (id: number) => db.insertInto('prepared_probe').values({ id, name: 'x' }).execute();
      await insert(10);
      await expect(insert(10)).rejects.toMatchObject({ code: '23505' });
      await insert(11);
      expect((await db.selectFrom('prepared_probe').select('id').where('id', '>=', 10).orderBy('id').execute()).map((r) => r.id)).toEqual([10, 11]);
    });
  });
});

describe('KAOHE_PG_NAMED_STATEMENTS', () => {
  it('is on unless set off, and refuses any other word naming the variable', () => {
    expect(configuredNamedStatements({})).toBe(true);
    expect(configuredNamedStatements({ KAOHE_PG_NAMED_STATEMENTS: ' ON ' })).toBe(true);
    expect(configuredNamedStatements({ KAOHE_PG_NAMED_STATEMENTS: 'off' })).toBe(false);
    expect(() => configuredNamedStatements({ KAOHE_PG_NAMED_STATEMENTS: 'no' })).toThrow(/KAOHE_PG_NAMED_STATEMENTS: "no" is neither on nor off/);
  });
});
