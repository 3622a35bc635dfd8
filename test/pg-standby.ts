/**
 * A PostgreSQL primary and a streaming standby of it, made for a test in a temporary folder from
 * the PostgreSQL binaries on this machine (initdb, pg_basebackup, pg_ctl), on free ports: a real
 * read replica, replaying the primary's WAL, that refuses every write. Run as the `postgres` user
 * when the test runs as root (PostgreSQL refuses root). Undefined, with why, when this machine
 * cannot (no binaries).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface StandbyPair {
  /** postgres://…/postgres of the primary and of the standby. */
  primary: string;
  standby: string;
  /** An SQL statement on the standby as its superuser (pause or resume the replay). */
  onStandby(statement: string): void;
  stop(): void;
}

/** The newest PostgreSQL's bin folder, if any. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_basebackup'))) return join(root, v, 'bin');
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function standbyUnavailable(): string | undefined {
  if (!binDir()) return 'no PostgreSQL binaries (initdb, pg_basebackup, pg_ctl) under /usr/lib/postgresql';
  if (userInfo().uid === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser';
  return undefined;
}

export async function startStandbyPair(): Promise<StandbyPair> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-standby-'));
  chmodSync(dir, 0o777);
  const asPostgres = userInfo().uid === 0;
  const run = (tool: string, args: string[]) =>
    execFileSync(asPostgres ? 'runuser' : join(bin, tool), asPostgres ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { cwd: dir, stdio: 'pipe' });
  const [p, s] = [await freePort(), await freePort()];
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const options = (port: number) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const started: string[] = [];
  const stop = () => {
    for (const d of started.reverse()) {
      try {
        run('pg_ctl', ['-D', d, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already down
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    appendFileSync(join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    run('pg_ctl', ['-D', primaryDir, '-o', options(p), '-l', join(dir, 'primary.log'), '-w', 'start']);
    started.push(primaryDir);
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(p), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream']);
    run('pg_ctl', ['-D', standbyDir, '-o', options(s), '-l', join(dir, 'standby.log'), '-w', 'start']);
    started.push(standbyDir);
  } catch (e) {
    stop();
    throw e;
  }
  return {
    primary: `postgres://postgres@127.0.0.1:${p}/postgres`,
    standby: `postgres://postgres@127.0.0.1:${s}/postgres`,
    onStandby: (statement) => void execFileSync('psql', [`postgres://postgres@127.0.0.1:${s}/postgres`, '-qAt', '-c', statement], { stdio: 'pipe' }),
    stop,
  };
}
