/**
 * The HTTP load of `npm run bench:province` (its "[B]" figures of the assessment endpoint), in a
 * process of its own so that the server under test has its event loop to itself:
 *
 *   tsx bench/load.ts JOB.json      (JOB: { base, cookie, ids, connections, seconds, seed, rate?, path? })
 *
 * `path` asks one path every time instead of a random village's assessment (the floor beside it:
 * an answer with only the session looked up, or with nothing looked up at all).
 * Without `rate`, `connections` clients ask back to back (autocannon); with it, requests arrive
 * at random (exponential gaps, `rate` a second on average) over at most `connections` kept-alive
 * connections, each timed from when it was due, so a request kept waiting by the ones before it
 * counts its wait (an open loop: no coordinated omission). Prints one line of JSON: requests a
 * second, p50, p90, p99, and the count and failures.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import { mulberry32 } from './fixtures/households-csv.ts';

interface Job {
  base: string;
  cookie: string;
  ids: number[];
  connections: number;
  seconds: number;
  seed: number;
  rate?: number;
  path?: string;
}

export interface LoadResult {
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  count: number;
  failed: number;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const random = mulberry32(job.seed);
const fixed = job.path;
const path = fixed !== undefined ? () => fixed : () => `/api/assessments/${job.ids[Math.floor(random() * job.ids.length)]}`;
// No cookie (an empty `cookie`): the server looks no session up.
const headers: Record<string, string> = job.cookie ? { cookie: job.cookie, 'accept-encoding': 'gzip' } : { 'accept-encoding': 'gzip' };

async function backToBack(): Promise<LoadResult> {
  const r = await autocannon({
    url: job.base,
    connections: job.connections,
    duration: job.seconds,
    headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  return { perSecond: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, count: r.requests.total, failed: r.non2xx + r.errors };
}

async function openLoop(rate: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.base);
  const times: number[] = [];
  let failed = 0;
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  let due = start;
  const end = start + job.seconds * 1000;
  for (;;) {
    due += (-Math.log(1 - random()) / rate) * 1000;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const at = due;
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.get({ host: url.hostname, port: url.port, path: path(), agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) times.push(performance.now() - at);
            else failed++;
            resolve();
          });
        });
        req.on('error', () => {
          failed++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
  return { perSecond: times.length / job.seconds, p50: q(0.5), p90: q(0.9), p99: q(0.99), count: times.length, failed };
}

process.stdout.write(`${JSON.stringify(job.rate === undefined ? await backToBack() : await openLoop(job.rate))}\n`);
