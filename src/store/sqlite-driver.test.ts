/**
 * SQLite connections that wait for one another's writes instead of failing: a transaction that
 * reads and then writes while another connection writes (an inspector's save during an import's
 * merge) waits and succeeds; while it waits, the thread is free and the same store still reads;
 * past the busy timeout it fails with SQLITE_BUSY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './db.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite writers wait for each other', () => {
  let dir: string;
  let file: string;
  let store: Store;
  /** Another connection to the same file, raw: it holds the write lock as long as a test says. */
  let other: Database.Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaohe-driver-'));
    file = join(dir, 'kaohe.db');
    store = await openStore({ url: file });
    other = new Database(file);
    other.pragma('busy_timeout = 5000');
  });
  afterAll(async () => {
    other?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The test's rows (years before 2000; the migrations add later ones). */
  const lines = () => store.db.selectFrom('poverty_lines').select(['year', 'amount_fen']).where('year', '<', 2000).orderBy('year').execute();

  afterEach(() => {
    if (other.inTransaction) other.exec('rollback');
  });

  it('a read-then-write transaction waits for the other connection’s write, without holding the thread or the store', async () => {
    other.exec('begin immediate');
    other.prepare('insert into poverty_lines (year, amount_fen) values (?, ?)').run(1901, 1);
    const started = Date.now();
    const saved = store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('poverty_lines').selectAll().where('year', '<', 2000).execute();
      await trx.insertInto('poverty_lines').values({ year: 1902, amount_fen: before.length }).execute();
    });
    // While it waits: timers fire, and the same store reads (WAL: the other's write is not seen yet).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await sleep(150);
    expect(await lines()).toEqual([]);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(5);
    other.exec('commit');
    await saved;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    // It began after the other's commit: it saw that row.
    expect(await lines()).toEqual([
      { year: 1901, amount_fen: 1 },
      { year: 1902, amount_fen: 1 },
    ]);
  });

  it('a transaction holds the lock from its start: another store’s write waits for it, and neither fails', async () => {
    const second = await openStore({ url: file, migrate: false });
    try {
      let theirs: Promise<unknown> | undefined;
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('poverty_lines').selectAll().execute();
        // Another process writes between this transaction's read and its write (with a deferred
        // BEGIN, this transaction's write would fail with SQLITE_BUSY_SNAPSHOT).
        theirs = second.db.insertInto('poverty_lines').values({ year: 1903, amount_fen: 3 }).execute();
        await sleep(50);
        await trx.insertInto('poverty_lines').values({ year: 1904, amount_fen: 4 }).execute();
      });
      await theirs;
      expect((await lines()).map((l) => l.year)).toEqual([1901, 1902, 1903, 1904]);
    } finally {
      await second.close();
    }
  });

  it('gives up with SQLITE_BUSY once the busy timeout has passed', async () => {
    const impatient = await openStore({ url: file, migrate: false, busyTimeoutMs: 100 });
    try {
      other.exec('begin immediate');
      const started = Date.now();
      await expect(impatient.db.transaction().execute((trx) => trx.insertInto('poverty_lines').values({ year: 1905, amount_fen: 5 }).execute())).rejects.toMatchObject({
        code: 'SQLITE_BUSY',
      });
      await expect(impatient.db.insertInto('poverty_lines').values({ year: 1906, amount_fen: 6 }).execute()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      other.exec('rollback');
      // The connection is usable afterwards.
      await impatient.db.insertInto('poverty_lines').values({ year: 1907, amount_fen: 7 }).execute();
      expect((await lines()).map((l) => l.year)).toEqual([1901, 1902, 1903, 1904, 1907]);
    } finally {
      await impatient.close();
    }
  });
});
