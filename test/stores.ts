/**
 * The databases storage and service tests run on: SQLite always, PostgreSQL too when
 * KAOHE_TEST_PG holds a connection URL (CI sets it). Each store is fresh: a temporary SQLite
 * file, or a PostgreSQL schema of its own that is dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Dialect, type Store } from '../src/store/db.ts';

export interface StoreTarget {
  dialect: Dialect;
  open(): Promise<Store>;
}

let counter = 0;

export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [
    {
      dialect: 'sqlite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'kaohe-test-'));
        const store = await openStore({ url: join(dir, 'kaohe.db') });
        const close = store.close;
        store.close = async () => {
          await close();
          rmSync(dir, { recursive: true, force: true });
        };
        return store;
      },
    },
  ];
  const pgUrl = process.env.KAOHE_TEST_PG;
  if (pgUrl) {
    targets.push({
      dialect: 'postgres',
      async open() {
        const schema = `kaohe_test_${process.pid}_${Date.now()}_${counter++}`;
        const store = await openStore({ url: pgUrl, pgSchema: schema });
        const close = store.close;
        store.close = async () => {
          await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
          await close();
        };
        return store;
      },
    });
  }
  return targets;
}
