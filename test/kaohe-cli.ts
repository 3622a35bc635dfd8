/** Runs the real bin/kaohe as a child process on a data folder of a test's own (SQLite, never DATABASE_URL). */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'kaohe');

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export function kaoheIn(cwd: string, data: string) {
  function kaohe(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, KAOHE_DATA_DIR: data, KAOHE_USER: 'cli-test', NO_COLOR: '1' };
    delete env.DATABASE_URL;
    return new Promise((done, fail) => {
      execFile(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return fail(error);
        done({ status: error ? (error.code as number) : 0, stdout, stderr });
      });
    });
  }
  /** Runs and expects success; a failure shows its stderr. */
  async function ok(...args: string[]): Promise<string> {
    const r = await kaohe(...args);
    expect(r.stderr, `kaohe ${args.join(' ')}`).toBe('');
    expect(r.status, `kaohe ${args.join(' ')}`).toBe(0);
    return r.stdout;
  }
  return { kaohe, ok };
}
