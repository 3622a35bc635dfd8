/**
 * An import killed (SIGKILL) at random moments leaves the registry as it was: the real bin/kaohe
 * imports a large households CSV into a SQLite file that already holds a registry (some of the
 * file's households among it, which the import would update); it is killed at seeded random
 * moments spread over the run. After each kill the database is opened as the next command would:
 * PRAGMA integrity_check is ok, every table holds exactly what it held before (no row of the
 * import, no update of it, no audit entry of it), and nothing of the staging is left: no attached database, no table,
 * no file in the folder the staging's temporary database goes to (SQLITE_TMPDIR).
 *
 * A kill that came after the import committed (the process was closing) must find the whole file
 * in, with its audit entry: never part of it. At least five kills must land before the commit.
 *
 * KAOHE_CRASH_SEED=n repeats a run's moments (the seed is printed).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.ts';
import { importFile } from '../../src/services/import/import.service.ts';
import { openStore } from '../../src/store/db.ts';
import { BIN } from '../kaohe-cli.ts';
import { manyHouseholds, seed, tempDir, TODAY, VALID, writeCsv } from '../registry-fixtures.ts';

const ROWS = 150_000;
/** Households of the file already in the registry before the import (the import would update them). */
const BEFORE = 20_000;
const KILLS_BEFORE_COMMIT = 5;
const PHONE = VALID.households.headers.indexOf('联系电话');
const MAX_KILLS = 10;

const tmp = tempDir('kaohe-crash-');
afterAll(() => tmp.remove());

const data = join(tmp.dir, 'data');
const dbFile = join(data, 'kaohe.db');
const stageDir = join(tmp.dir, 'sqlite-tmp');

/** Every table's rows, hashed (in rowid order), after opening the database as the next command would. */
async function inspect(): Promise<{ integrity: string; tables: Record<string, string>; households: number; attached: string[] }> {
  const store = await openStore({ url: dbFile });
  try {
    const raw = store.sqlite!;
    const integrity = (raw.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    const tables: Record<string, string> = {};
    const names = (raw.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as Array<{ name: string }>).map(
      (t) => t.name,
    );
    // The audit log's entries without what depends on the clock: the time of an import's entry
    // (written in the import's transaction) and the chain's hashes over it differ from run to run.
    const columns: Record<string, string> = { audit_log: 'id, actor, action, entity, entity_id, before, after', audit_head: 'id, entries' };
    for (const name of names) {
      const hash = createHash('sha1');
      for (const row of raw
        .prepare(`select ${columns[name] ?? '*'} from "${name}" order by rowid`)
        .raw()
        .iterate())
        hash.update(JSON.stringify(row));
      tables[name] = hash.digest('hex');
    }
    const households = (raw.prepare('select count(*) as n from households').get() as { n: number }).n;
    const attached = (raw.pragma('database_list') as Array<{ name: string }>).map((d) => d.name).filter((n) => n !== 'main' && n !== 'temp');
    return { integrity, tables, households, attached };
  } finally {
    await store.close();
  }
}

/** Runs `kaohe import households FILE`; kills it with SIGKILL after `killAfterMs` (if given and still running). */
function runImport(file: string, killAfterMs?: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, KAOHE_DATA_DIR: data, SQLITE_TMPDIR: stageDir, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'import', 'households', file], { cwd: tmp.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, ms: performance.now() - started, stderr });
    });
  });
}

describe('kaohe import killed at random moments', () => {
  it(`leaves the registry exactly as it was, ${KILLS_BEFORE_COMMIT}+ times, and leaves nothing of the staging behind`, { timeout: 180_000 }, async () => {
    mkdirSync(data, { recursive: true });
    mkdirSync(stageDir, { recursive: true });
    const file = writeCsv(
      join(tmp.dir, 'households.csv'),
      manyHouseholds(ROWS, (i, r) => (r[PHONE] = `139${String(i).padStart(8, '0')}`)),
    );
    // The registry before: areas, the fixtures' households, and the first BEFORE of the file's households as they were.
    const store = await openStore({ url: dbFile });
    try {
      await seed(store, tmp.dir, ['areas', 'households']);
      const older = writeCsv(join(tmp.dir, 'older.csv'), manyHouseholds(BEFORE));
      expect(await importFile(store, 'households', older, { today: TODAY })).toMatchObject({ committed: true, inserted: BEFORE });
    } finally {
      await store.close();
    }
    const base = join(tmp.dir, 'base.db');
    copyFileSync(dbFile, base);
    const restore = () => {
      for (const suffix of ['-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
      copyFileSync(base, dbFile);
    };
    const before = await inspect();
    expect(before.integrity).toBe('ok');

    // A run to the end, for how long one takes and what the database holds after it.
    const whole = await runImport(file);
    expect(whole, whole.stderr).toMatchObject({ status: 0 });
    const after = await inspect();
    expect(after.households).toBe(before.households + ROWS - BEFORE);
    restore();

    const seedValue = Number(process.env.KAOHE_CRASH_SEED ?? Date.now() % 2 ** 31);
    const random = new Random(seedValue);
    console.log(`import-crash: seed ${seedValue} (KAOHE_CRASH_SEED=${seedValue} repeats it); a whole run took ${whole.ms.toFixed(0)} ms`);
    const outcomes: string[] = [];
    let beforeCommit = 0;
    for (let k = 0; k < MAX_KILLS && beforeCommit < KILLS_BEFORE_COMMIT; k++) {
      // Spread: the k-th kill falls in the k-th of KILLS_BEFORE_COMMIT slices of the whole run's time, at random within it.
      const slice = k % KILLS_BEFORE_COMMIT;
      const at = Math.round(whole.ms * (0.05 + (0.9 * (slice + random.next())) / KILLS_BEFORE_COMMIT));
      const run = await runImport(file, at);
      const now = await inspect();
      expect(now.integrity, `kill at ${at} ms`).toBe('ok');
      expect(now.attached, `kill at ${at} ms`).toEqual([]);
      expect(readdirSync(stageDir), `kill at ${at} ms: files left in SQLITE_TMPDIR`).toEqual([]);
      expect(Object.keys(now.tables), `kill at ${at} ms: tables`).toEqual(Object.keys(before.tables));
      if (run.signal === 'SIGKILL' && JSON.stringify(now.tables) === JSON.stringify(before.tables)) {
        beforeCommit++;
        outcomes.push(`${at} ms: killed, nothing imported`);
      } else {
        // Killed after the commit, or not killed at all (it ended first): the whole file, never part of it.
        expect(now.tables, `kill at ${at} ms (${run.signal ?? `exit ${run.status}`}): neither before nor after`).toEqual(after.tables);
        outcomes.push(`${at} ms: ${run.signal ? 'killed after the commit' : `ended first (exit ${run.status})`}, whole file in`);
        restore();
      }
    }
    console.log(`import-crash: ${outcomes.join('; ')}`);
    expect(beforeCommit).toBeGreaterThanOrEqual(KILLS_BEFORE_COMMIT);
    expect(existsSync(base)).toBe(true);
  });
});
