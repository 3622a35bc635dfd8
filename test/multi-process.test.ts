/**
 * Several server processes behind one PostgreSQL database give the same answers: two real
 * `bin/kaohe serve` processes on one schema (and one evidence folder, one audit key), a change
 * made through one read back at once through the other, after the other had read (and kept) the
 * view before it. Nothing one process keeps in memory (assessment views, rankings, scheme
 * versions, sessions) may answer from a state the other has moved past.
 *
 * PostgreSQL only (KAOHE_TEST_PG); SQLite is one process's file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../src/compose.ts';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../src/schemes/index.ts';
import { generateDemo } from '../src/services/demo.service.ts';
import { openStore } from '../src/store/db.ts';
import { signIn, startServerProcess, type ServerProcess, type Session } from './crash/server-process.ts';

const PG = process.env.KAOHE_TEST_PG;
const PASSWORD = 'two-servers-password';

interface Finding {
  id: number;
  item: string;
  status: string;
  note: string | null;
}
interface Assessment {
  id: number;
  version: number;
  status: string;
  findings: Finding[];
  score: { total: number };
}
interface Ranking {
  county: Array<{ village: string; total: number; countyRank: number }>;
  unranked: Array<{ village: string }>;
}

describe.skipIf(!PG)('two server processes on one PostgreSQL database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-two-servers-'));
  const data = join(dir, 'data');
  const schema = `kaohe_mp_${process.pid}_${Date.now()}`;
  const key = randomBytes(32);
  let a: ServerProcess;
  let b: ServerProcess;
  let onA: Session;
  let onB: Session;
  let campaignId: number;
  let assessmentId: number;
  let village: string;

  const call = async <T>(server: ServerProcess, session: Session, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const read = async <T>(server: ServerProcess, session: Session, path: string): Promise<T> => {
    const r = await call<T>(server, session, 'GET', path);
    expect(r.status, `GET ${path} on ${server.url}`).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    mkdirSync(data, { recursive: true });
    const store = await openStore({ url: PG!, pgSchema: schema, auditKey: key });
    try {
      await generateDemo({ store }, { households: 200 });
      const system = { user: 'system', role: 'admin' as const };
      const services = compose({ store });
      const version = await services.campaigns.schemes.storeSchemeVersion(
        system,
        readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8'),
        null,
        `${DEFAULT_SCHEME_ID}.yaml`,
      );
      campaignId = await services.campaigns.setup.createCampaign(system, { name: '两个进程', year: 2020, schemeVersionId: version.id, appealDays: 15 });
      village = (await store.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').executeTakeFirstOrThrow()).code;
      assessmentId = await services.campaigns.assessments.assessmentId(campaignId, village);
      await services.users.create(system, { username: 'office', role: 'admin', password: PASSWORD });
    } finally {
      await store.close();
    }
    // As an operator points several servers at one database: the same URL, schema, audit key and evidence folder.
    const env = { DATABASE_URL: PG!, KAOHE_PG_SCHEMA: schema, KAOHE_AUDIT_KEY: key.toString('hex'), KAOHE_SCRYPT_LOG2N: '12' };
    [a, b] = await Promise.all([startServerProcess(dir, data, env), startServerProcess(dir, data, env)]);
    [onA, onB] = await Promise.all([signIn(a.url, 'office', PASSWORD), signIn(b.url, 'office', PASSWORD)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    const store = await openStore({ url: PG!, migrate: false, auditKey: key });
    try {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    } finally {
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('are two processes on one schema', async () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    // Each sees the campaign the set-up made (not a first start of its own).
    for (const [s, session] of [
      [a, onA],
      [b, onB],
    ] as const)
      expect((await read<{ campaigns: Array<{ id: number }> }>(s, session, '/campaigns')).campaigns.map((c) => c.id)).toEqual([campaignId]);
  });

  it('a finding recorded through one is in the assessment, score and ranking the other serves, though it had read them before', async () => {
    // B reads first, so that whatever it keeps is warm.
    const before = await read<Assessment>(b, onB, `/assessments/${assessmentId}`);
    const rankingBefore = await read<Ranking>(b, onB, `/campaigns/${campaignId}/ranking?preview=1`);
    expect(before.findings).toEqual([]);
    expect(rankingBefore.county.map((r) => r.village)).not.toContain(village);

    const added = await call<{ id: number }>(a, onA, 'POST', `/assessments/${assessmentId}/findings`, { version: before.version, item: '1.1', note: '甲进程记录' });
    expect(added.status).toBe(201);
    const after = await read<Assessment>(b, onB, `/assessments/${assessmentId}`);
    expect(after.findings.map((f) => [f.id, f.note, f.status])).toEqual([[added.body.id, '甲进程记录', 'active']]);
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.score.total).toBeLessThan(before.score.total);
    // The other's view is what A itself answers.
    expect((await read<Assessment>(a, onA, `/assessments/${assessmentId}`)).score.total).toBe(after.score.total);

    // Submitted through A: B's preview ranking counts it (it listed the village unranked before).
    const submitted = await call(a, onA, 'POST', `/assessments/${assessmentId}/transition`, { version: after.version, step: 'submit' });
    expect(submitted.status).toBe(200);
    const rankingAfter = await read<Ranking>(b, onB, `/campaigns/${campaignId}/ranking?preview=1`);
    expect(rankingAfter.county.find((r) => r.village === village)?.total).toBe(after.score.total);
    expect(rankingAfter.unranked.map((r) => r.village)).not.toContain(village);
  });

  it('a stale version sent to one after a change through the other is refused, not overwritten', async () => {
    const seen = await read<Assessment>(b, onB, `/assessments/${assessmentId}`);
    const sendBack = await call(a, onA, 'POST', `/assessments/${assessmentId}/transition`, { version: seen.version, step: 'sendBack', comment: '退回补充' });
    expect(sendBack.status).toBe(200);
    // B is sent the version it read: someone changed the assessment since.
    const late = await call<{ error: { code: string } }>(b, onB, 'POST', `/assessments/${assessmentId}/findings`, { version: seen.version, item: '1.2', note: '乙进程迟到' });
    expect(late.status).toBe(409);
    const now = await read<Assessment>(a, onA, `/assessments/${assessmentId}`);
    expect(now.status).toBe('draft');
    expect(now.findings.map((f) => f.note)).toEqual(['甲进程记录']);
  });

  it('signing out through one ends the session on the other', async () => {
    const session = await signIn(a.url, 'office', PASSWORD);
    expect((await call(b, session, 'GET', '/auth/me')).status).toBe(200);
    expect((await call(a, session, 'POST', '/auth/logout')).status).toBeLessThan(300);
    expect((await call(b, session, 'GET', '/auth/me')).status).toBe(401);
  });
});
