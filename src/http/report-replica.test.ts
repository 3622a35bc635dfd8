/**
 * The long reports on a read replica (KAOHE_REPORTS_DATABASE_URL), against a real streaming
 * standby of a real primary (test/pg-standby.ts): the PDF is drawn on the standby once it has
 * replayed the primary's position at the request; a standby still behind after the wait, or one
 * that cannot be reached, leaves the report to the primary, saying why. The standby refuses every
 * write, so a report drawn there shows that drawing one writes nothing. The settings are checked
 * at start, naming the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../test/http.ts';
import { standbyUnavailable, startStandbyPair, type StandbyPair } from '../../test/pg-standby.ts';
import { storeTargets } from '../../test/stores.ts';
import { DEMO_CAMPAIGN, firstStart } from '../services/bootstrap.service.ts';
import { openStore } from '../store/db.ts';
import { configuredReportReplica, DEFAULT_REPLICA_WAIT_MS } from '../services/report-replica.ts';
import { replayState, walPosition } from '../store/replica.ts';
import { reportInWorker, type StreamedReport } from './report-in-worker.ts';

const HOOK = 180_000;
const STEP = 120_000;

const drain = async (r: StreamedReport): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of r.body) chunks.push(c as Buffer);
  await r.finished;
  return Buffer.concat(chunks);
};

describe('the read replica setting', () => {
  it('is none unless set; a URL that is not PostgreSQL or a wait that is not milliseconds is refused, naming the variable', () => {
    expect(configuredReportReplica({})).toBeUndefined();
    expect(configuredReportReplica({ KAOHE_REPORTS_DATABASE_URL: 'postgres://r/kaohe' })).toEqual({ url: 'postgres://r/kaohe', waitMs: DEFAULT_REPLICA_WAIT_MS });
    expect(configuredReportReplica({ KAOHE_REPORTS_DATABASE_URL: 'postgresql://r/kaohe', KAOHE_REPORTS_REPLICA_WAIT_MS: '0' })).toEqual({ url: 'postgresql://r/kaohe', waitMs: 0 });
    expect(() => configuredReportReplica({ KAOHE_REPORTS_DATABASE_URL: 'data/replica.db' })).toThrow(/KAOHE_REPORTS_DATABASE_URL/);
    expect(() => configuredReportReplica({ KAOHE_REPORTS_DATABASE_URL: 'postgres://r/kaohe', KAOHE_REPORTS_REPLICA_WAIT_MS: 'soon' })).toThrow(/KAOHE_REPORTS_REPLICA_WAIT_MS/);
    expect(() => configuredReportReplica({ KAOHE_REPORTS_REPLICA_WAIT_MS: '-1' })).toThrow(/KAOHE_REPORTS_REPLICA_WAIT_MS/);
  });

  it('stops a server on SQLite that is given one', async () => {
    process.env.KAOHE_REPORTS_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
    try {
      await expect(startServer(storeTargets()[0]!)).rejects.toThrow(/KAOHE_REPORTS_DATABASE_URL: the database is SQLite/);
    } finally {
      delete process.env.KAOHE_REPORTS_DATABASE_URL;
    }
  });
});

const why = standbyUnavailable();
if (why) console.log(`read replica tests skipped: ${why}`);

describe.skipIf(!!why)('long reports on a real streaming standby', () => {
  let pair: StandbyPair;
  let server: TestServer;
  let admin: Client;
  let campaignId: number;
  const schema = 'kaohe_replica';

  /** Waits until the standby shows everything the primary has committed. */
  const caughtUp = async () => {
    const lsn = (await walPosition(server.store))!;
    const standby = await openStore({ url: pair.standby, pgSchema: schema, readOnly: true });
    try {
      for (let i = 0; i < 300 && (await replayState(standby, lsn)) !== 'yes'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await replayState(standby, lsn)).toBe('yes');
    } finally {
      await standby.close();
    }
  };
  const job = () => ({
    actor: { user: 'admin', role: 'admin' as const },
    campaignId,
    kind: 'summary' as const,
    request: { lang: 'zh' as const },
    now: new Date().toISOString(),
    evidenceRoot: server.app.services.evidenceStore.root,
  });

  beforeAll(async () => {
    pair = await startStandbyPair();
    process.env.KAOHE_REPORTS_DATABASE_URL = pair.standby;
    try {
      server = await startServer({ dialect: 'postgres', open: () => openStore({ url: pair.primary, pgSchema: schema }) });
    } finally {
      delete process.env.KAOHE_REPORTS_DATABASE_URL;
    }
    const first = (await firstStart(server.app.services))!;
    const admin0 = first.credentials.find((c) => c.username === 'admin')!;
    admin = await signIn(server.app, 'admin', admin0.password);
    campaignId = await server.app.services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
    await caughtUp();
  }, HOOK);

  afterAll(async () => {
    await server?.close();
    pair?.stop();
  });

  it(
    'the summary PDF asked over HTTP is drawn on the standby (which takes no write), and says so',
    async () => {
      const res = await admin.get(`/api/campaigns/${campaignId}/reports/summary.pdf`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['x-kaohe-read-from']).toBe('replica');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      // The standby is one: it refuses a write.
      await expect(
        (async () => {
          const standby = await openStore({ url: pair.standby, pgSchema: schema, readOnly: true });
          try {
            await standby.db.updateTable('areas').set({ name: '改名' }).where('level', '=', 'village').execute();
          } finally {
            await standby.close();
          }
        })(),
      ).rejects.toThrow(/read-only/);
    },
    STEP,
  );

  it(
    'waits for a standby behind the request, and draws on the primary when it is still behind after the wait',
    async () => {
      pair.onStandby('select pg_wal_replay_pause()');
      try {
        // A change on the primary the paused standby does not have.
        await server.store.db
          .updateTable('campaigns')
          .set({ name: `${DEMO_CAMPAIGN}（复核）` })
          .where('id', '=', campaignId)
          .execute();
        const lsn = await walPosition(server.store);
        expect(lsn).toMatchObject({ lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/), system: expect.stringMatching(/^\d+$/), timeline: 1 });
        const behind = await reportInWorker(server.store, { ...job(), replica: { url: pair.standby, lsn, waitMs: 600 } });
        expect(behind.readFrom).toMatchObject({ source: 'primary', reason: expect.stringMatching(/had not replayed/) });
        expect(behind.readFrom.waitedMs).toBeGreaterThanOrEqual(600);
        // Read on the primary: the new name is the report's.
        expect(behind.filename).toContain('复核');
        expect((await drain(behind)).subarray(0, 5).toString()).toBe('%PDF-');
        // The replay goes on (during the wait, or before the worker has started): the standby is
        // used once it has caught up, and shows the change made while it was paused.
        setTimeout(() => pair.onStandby('select pg_wal_replay_resume()'), 1500);
        const later = await reportInWorker(server.store, { ...job(), replica: { url: pair.standby, lsn, waitMs: 30_000 } });
        expect(later.readFrom.source).toBe('replica');
        expect(later.filename).toContain('复核');
        expect((await drain(later)).subarray(0, 5).toString()).toBe('%PDF-');
      } finally {
        pair.onStandby('select pg_wal_replay_resume()');
      }
    },
    STEP,
  );

  it(
    'takes the primary itself as up to date, and refuses a server of another cluster at once',
    async () => {
      const lsn = await walPosition(server.store);
      const itself = await reportInWorker(server.store, { ...job(), replica: { url: pair.primary, lsn, waitMs: 5_000 } });
      expect(itself.readFrom.source).toBe('replica');
      expect((await drain(itself)).subarray(0, 5).toString()).toBe('%PDF-');
      // The tests' own server is another cluster: whatever its position, it is not this database's copy.
      const other = process.env.KAOHE_TEST_PG;
      if (other) {
        const r = await reportInWorker(server.store, { ...job(), replica: { url: other, lsn, waitMs: 5_000 } });
        expect(r.readFrom).toMatchObject({ source: 'primary', reason: expect.stringMatching(/not a standby of this database/) });
        expect(r.readFrom.waitedMs).toBeLessThan(5_000);
        r.body.destroy();
      }
    },
    STEP,
  );

  it(
    'draws on the primary when the replica cannot be reached, saying why',
    async () => {
      const lsn = await walPosition(server.store);
      const r = await reportInWorker(server.store, { ...job(), replica: { url: 'postgres://postgres@127.0.0.1:1/postgres', lsn, waitMs: 5_000 } });
      expect(r.readFrom).toMatchObject({ source: 'primary', reason: expect.stringMatching(/could not be read/) });
      // Where it was read is known before the first byte: the drawing is not waited for.
      r.body.destroy();
    },
    STEP,
  );

  // Last: it ends the pair's replication.
  it(
    'refuses the standby once promoted: it no longer follows the primary',
    async () => {
      pair.onStandby('select pg_promote()');
      // A change the promoted server will never see.
      await server.store.db
        .updateTable('campaigns')
        .set({ name: `${DEMO_CAMPAIGN}（终审）` })
        .where('id', '=', campaignId)
        .execute();
      const lsn = await walPosition(server.store);
      const r = await reportInWorker(server.store, { ...job(), replica: { url: pair.standby, lsn, waitMs: 5_000 } });
      expect(r.readFrom).toMatchObject({ source: 'primary', reason: expect.stringMatching(/standby promoted since/) });
      expect(r.filename).toContain('终审');
      expect((await drain(r)).subarray(0, 5).toString()).toBe('%PDF-');
    },
    STEP,
  );
});
