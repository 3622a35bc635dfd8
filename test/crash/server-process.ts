/**
 * The real server as a child process (`bin/kaohe serve` on a SQLite file under a data folder of
 * the test's own, a free port), for tests that kill it with SIGKILL and start it again; and what
 * they look at afterwards: the evidence store's files and the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN } from '../kaohe-cli.ts';

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Milliseconds from spawn to its first answer. */
  startMs: number;
  /** What it printed, for a failure's message. */
  output(): string;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), and wait. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** Starts `bin/kaohe serve` on KAOHE_DATA_DIR=data (SQLite there, unless `env` names a DATABASE_URL) and waits until it answers. */
export async function startServerProcess(dir: string, data: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  const started = Date.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, KAOHE_DATA_DIR: data, KAOHE_LOG: '0', NO_COLOR: '1', ...env };
  // SQLite under `data` unless the test names a database itself (never one from outside).
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--no-demo'], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kaohe serve exited (${child.exitCode}): ${out}`);
    if (out.includes('Kaohe is running')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kaohe serve did not start within 60 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, port, child, startMs: Date.now() - started, output: () => out, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function signIn(url: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('kaohe_session='))!
    .split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Every file under a folder, relative to it. */
export function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out.sort();
}

export function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', fail)
      .on('end', () => done(h.digest('hex')));
  });
}

export interface StoreCheck {
  /** Stored files (ab/cd/<sha256>). */
  stored: string[];
  /** Stored files whose bytes do not hash to their name. */
  damaged: string[];
  /** Files in evidence/tmp. */
  temporary: string[];
  /** Anything else in the store folder. */
  stray: string[];
  /** Evidence rows whose file is missing or damaged. */
  rowsWithoutFile: number[];
  rows: number;
  integrity: string;
}

/** The evidence store and the database as a crash left them (read while the server runs: WAL). */
export async function checkStore(data: string): Promise<StoreCheck> {
  const root = join(data, 'evidence');
  const all = filesUnder(root);
  const stored: string[] = [];
  const damaged: string[] = [];
  const temporary: string[] = [];
  const stray: string[] = [];
  for (const f of all) {
    const m = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(f);
    if (f.startsWith('tmp/')) temporary.push(f);
    else if (m && m[3]!.startsWith(m[1]! + m[2]!)) {
      stored.push(m[3]!);
      if ((await sha256File(join(root, f))) !== m[3]) damaged.push(f);
    } else stray.push(f);
  }
  const db = new Database(join(data, 'kaohe.db'), { readonly: true });
  try {
    const rows = db.prepare('select id, sha256, size from evidence').all() as Array<{ id: number; sha256: string; size: number }>;
    const rowsWithoutFile = rows
      .filter((r) => {
        const p = join(root, r.sha256.slice(0, 2), r.sha256.slice(2, 4), r.sha256);
        return !existsSync(p) || statSync(p).size !== r.size || damaged.includes(`${r.sha256.slice(0, 2)}/${r.sha256.slice(2, 4)}/${r.sha256}`);
      })
      .map((r) => r.id);
    const integrity = (db.prepare('pragma integrity_check').all() as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    return { stored, damaged, temporary, stray, rowsWithoutFile, rows: rows.length, integrity };
  } finally {
    db.close();
  }
}
