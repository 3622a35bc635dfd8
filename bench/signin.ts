/**
 * Sign-in under a flood: 24 sign-ins at once with unknown user names (each its own, so only the
 * hashing is in the way), then a real user signing in, against the server with the production
 * password cost (scrypt N=2^17, 128 MiB a hash). Three runs side by side, each a server process
 * of its own so its peak memory is its own:
 *   quiet       the real sign-in alone (the baseline)
 *   unbounded   the flood with hashing unbounded (as Kaohe was: only Node's 4 threads bound it)
 *   bounded     the flood with Kaohe's bound (2 at once, 8 waiting, 2 per address; past them
 *               429 or 503 with Retry-After)
 * and two floods: from one address (127.0.0.2; the real user signs in from 127.0.0.1), and from
 * 24 addresses (127.0.1.1…24, as a botnet would). One unknown name signs in first in each run, so
 * the server has made its comparison hash before the flood (as a server running a while has).
 * The real user follows Retry-After as the web app's user would (tries again after it). Prints the
 * time until the real user is in, the server's peak RSS, how the flood was answered, and ratios.
 *
 *   npm run bench:signin          (tsx bench/signin.ts)
 *   tsx bench/signin.ts --flood 24
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compose } from '../src/compose.ts';

const { values: args } = parseArgs({ options: { serve: { type: 'string' }, flood: { type: 'string', default: '24' } } });

if (args.serve) {
  // The server process: a fresh database with one user, on a free port; prints the port.
  const { buildServer } = await import('../src/http/server.ts');
  const { openStore } = await import('../src/store/db.ts');
  const store = await openStore({ url: join(args.serve, 'kaohe.db') });
  await compose({ store }).users.create({ user: 'admin', role: 'admin' }, { username: 'zhao', role: 'viewer', password: 'a-real-password-2021' });
  const app = await buildServer({ store, webRoot: null, logger: false, loginRateLimit: 1000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
} else {
  const FLOOD = Number(args.flood);
  const peakRss = (child: ChildProcess) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

  async function run(name: string, env: Record<string, string>, flood: number, spread = false) {
    const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-signin-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/signin.ts', '--serve', dir], {
      env: { ...process.env, KAOHE_SCRYPT_LOG2N: '17', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    /** A sign-in from a local address; its status and Retry-After. */
    const login = (username: string, password: string, localAddress = '127.0.0.1') =>
      new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
        const body = JSON.stringify({ username, password });
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/auth/login',
            method: 'POST',
            localAddress,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    await login('warm-up', 'guess');
    const startRss = peakRss(child);
    const started = Date.now();
    const floodAnswers = Array.from({ length: flood }, (_, i) => login(`nobody${i}`, 'guess', spread ? `127.0.1.${i + 1}` : '127.0.0.2').then((r) => r.status));
    await new Promise((r) => setTimeout(r, 20));
    const realStart = Date.now();
    let tries = 0;
    let status = 0;
    while (status !== 200 && tries < 60) {
      tries++;
      const r = await login('zhao', 'a-real-password-2021');
      status = r.status;
      if (status !== 200) await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
    }
    const realMs = Date.now() - realStart;
    const codes = await Promise.all(floodAnswers);
    const floodMs = Date.now() - started;
    const peak = peakRss(child);
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    const count = (c: number) => codes.filter((x) => x === c).length;
    return { name, realMs, tries, status, floodMs, peak, startRss, answered: `401×${count(401)} 429×${count(429)} 503×${count(503)}` };
  }

  const unbounded = { KAOHE_HASH_CONCURRENCY: '64', KAOHE_HASH_QUEUE: '0', KAOHE_HASH_PER_ADDRESS: '1000' };
  const rows = [
    await run('quiet', {}, 0),
    await run('unbounded, one address', unbounded, FLOOD),
    await run('bounded, one address', {}, FLOOD),
    await run('unbounded, 24 addresses', unbounded, FLOOD, true),
    await run('bounded, 24 addresses', {}, FLOOD, true),
  ];
  const quiet = rows[0]!;
  console.log(`sign-in under a flood of ${FLOOD} unknown names (scrypt N=2^17), a server process per run`);
  console.log('run                        real user in   tries  flood done   peak RSS   flood answered         vs quiet (time, RSS)');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(26)} ${(r.realMs / 1000).toFixed(2).padStart(8)} s   ${String(r.tries).padStart(5)}  ${(r.floodMs / 1000).toFixed(2).padStart(7)} s  ${r.peak.toFixed(0).padStart(5)} MiB   ${r.answered.padEnd(22)} ${(r.realMs / quiet.realMs).toFixed(1)}×, ${(r.peak / quiet.peak).toFixed(2)}×`,
    );
    if (r.status !== 200) console.log(`  ${r.name}: the real user did not get in (${r.status})`);
  }
}
