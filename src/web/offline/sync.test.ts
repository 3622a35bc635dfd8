/**
 * The phone's queue sent to a real server, on every database (IndexedDB as fake-indexeddb
 * implements it, the server in-process): twenty findings, three photos, a mark and two
 * withdrawals made offline arrive once each, with the photos byte-equal and the server's score
 * equal to what the phone showed; an answer lost on the way (the change applied, the phone not
 * told) is sent again and applied once; a photo's upload cut in the middle goes on from where the
 * server stopped; another inspector's change meanwhile stops the queue until the inspector
 * decides (kept on top, or given up and kept on the phone); an assessment submitted meanwhile
 * refuses the change with the reason.
 */
import 'fake-indexeddb/auto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, setUpCampaign, V1, V2 } from '../../../test/campaign-fixtures.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';
import { ApiError } from '../lib/api.ts';
import { engineFindings, liveScore, schemeOfVersion, unitOf } from '../lib/scoring.ts';
import type { AssessmentDetail } from '../lib/types.ts';
import type { SchemeVersionAnswer } from '../../contract/index.ts';
import { applyChanges, newKey, type Change, type ChangeBody, type PhotoRef } from './changes.ts';
import * as store from './store.ts';
import { PART_BYTES, refresh, resolveConflict, syncQueue, type Transport, type UploadState } from './sync.ts';

const HOOK = 180_000;
const PASSWORD = 'offline-Pa55word';

/** A fault on the way: `before` cuts the request before the server sees it, `after` loses the answer after the server applied it. */
interface Faults {
  before?: (method: string, path: string) => boolean;
  after?: (method: string, path: string) => boolean;
}

/** The phone's network, as Fastify's inject gives it, with faults on demand and a log of what was sent. */
function transport(client: Client, faults: Faults = {}, log: string[] = []): Transport {
  const answer = async <T>(method: string, path: string, res: { statusCode: number; body: string; json(): unknown }): Promise<T> => {
    if (faults.after?.(method, path)) throw new ApiError(0, 'network', 'the answer was lost');
    if (res.statusCode >= 400) {
      const e = (res.json() as { error: { code: string; message: string; details?: unknown } }).error;
      throw new ApiError(res.statusCode, e.code, e.message, e.details);
    }
    return res.json() as T;
  };
  return {
    async json<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) {
      log.push(`${method} ${path}`);
      if (faults.before?.(method, path)) throw new ApiError(0, 'network', 'no network');
      return answer<T>(method, path, await client.request(method, `/api${path}`, body, headers));
    },
    async part(path: string, bytes: Blob) {
      log.push(`PUT ${path}`);
      if (faults.before?.('PUT', path)) throw new ApiError(0, 'network', 'no network');
      const res = await client.request('PUT', `/api${path}`, Buffer.from(await bytes.arrayBuffer()), { 'content-type': 'application/octet-stream' });
      return answer<UploadState>('PUT', path, res);
    },
  };
}

/** A real JPEG of some hundreds of KiB (noise does not compress): several parts to upload. */
async function photo(seed: number, width = 700): Promise<{ bytes: Buffer; ref: PhotoRef; kept: store.KeptPhoto }> {
  const bytes = await sharp({ create: { width, height: 500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 100 + seed, sigma: 70 } } })
    .jpeg({ quality: 95 })
    .toBuffer();
  const { createHash } = await import('node:crypto');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ref = { sha256, name: `IMG_${seed}.jpg`, type: 'image/jpeg', size: bytes.length };
  return { bytes, ref, kept: { ...ref, blob: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), addedAt: new Date().toISOString() } };
}

describe.each(storeTargets())('the offline queue against the server ($dialect)', (target) => {
  let server: TestServer;
  let zhang: Client;
  let other: Client;
  let userId: number;
  let a1: number;
  let a2: number;
  let items: string[];
  let schemeVersion: SchemeVersionAnswer;

  const detail = async (id: number, who = zhang) => (await who.get(`/api/assessments/${id}`)).json() as AssessmentDetail;
  const keep = async (id: number) => {
    const d = await detail(id);
    await store.keepAssessment({
      id,
      userId,
      campaignId: d.campaignId,
      villageCode: d.village.code,
      detail: d,
      schemeVersion,
      village: { name: d.village.name, povertyVillage: d.village.povertyVillage },
      savedAt: new Date().toISOString(),
    });
    return d;
  };
  const queue = async (assessmentId: number, baseVersion: number, body: ChangeBody, photos: store.KeptPhoto[] = []) =>
    store.enqueue({ key: newKey(), userId, assessmentId, baseVersion, createdAt: new Date().toISOString(), body, state: 'pending' }, photos);

  beforeAll(async () => {
    server = await startServer(target);
    await buildRegistry(server.store);
    const users = server.app.services.users;
    await users.create(ACTORS.admin, { username: 'boss', role: 'admin', password: PASSWORD });
    await users.create(ACTORS.admin, { username: 'zhou', role: 'inspector', password: PASSWORD });
    await users.create(ACTORS.admin, { username: 'qian', role: 'inspector', password: PASSWORD });
    const service = compose({ store: server.store }).campaigns;
    const c = await setUpCampaign(service);
    await service.setup.setTeam(ACTORS.admin, c.campaignId, 'A', ['zhou', 'qian']);
    a1 = c.assessments[V1]!;
    a2 = c.assessments[V2]!;
    zhang = await signIn(server.app, 'zhou', PASSWORD);
    other = await signIn(server.app, 'qian', PASSWORD);
    userId = ((await zhang.get('/api/auth/me')).json() as { user: { id: number } }).user.id;
    schemeVersion = (await zhang.get(`/api/scheme-versions/${c.schemeVersionId}`)).json() as SchemeVersionAnswer;
    // Items a count is recorded on, with no checklist element to name.
    const scheme = schemeOfVersion(schemeVersion);
    const leaves: string[] = [];
    const walk = (n: (typeof scheme.sections)[number]) => {
      if (n.rule?.kind === 'perOccurrence' && !n.checklist?.length) leaves.push(n.code);
      n.children.forEach(walk);
    };
    scheme.sections.forEach(walk);
    items = leaves;
    expect(items.length).toBeGreaterThan(3);
  }, HOOK);
  afterAll(() => server?.close());
  beforeEach(() => store.clearOffline());

  it(
    'sends twenty findings, three photos, a mark and two withdrawals once each; the server ends as the phone showed',
    async () => {
      const before = await keep(a1);
      const server1 = (await zhang.post(`/api/assessments/${a1}/findings`, { version: before.version, item: items[0], count: 1, note: '在线记录' })).json() as { id: number };
      const base = await keep(a1);
      const photos = await Promise.all([1, 2, 3].map((i) => photo(i)));
      const refs: string[] = [];
      for (let i = 0; i < 20; i++) {
        const ref = newKey();
        refs.push(ref);
        const own = i < 3 ? [photos[i]!] : [];
        await queue(
          a1,
          base.version,
          { kind: 'add', ref, item: items[i % items.length]!, count: 1 + (i % 3), note: `第${i + 1}条`, photos: own.map((p) => p.ref) },
          own.map((p) => p.kept),
        );
      }
      await queue(a1, base.version, { kind: 'withdraw', finding: refs[4]!, reason: '记错了' });
      await queue(a1, base.version, { kind: 'withdraw', finding: server1.id, reason: '重复' });
      const unchecked = base.progress!.left.find((i) => !items.slice(0, 3).includes(i))!;
      await queue(a1, base.version, { kind: 'check', item: unchecked, checked: true });

      // What the phone shows, scored in the browser's way.
      const shown = applyChanges(base, await store.queued(), { username: 'zhou' });
      const scheme = schemeOfVersion(schemeVersion);
      const unit = unitOf({ name: base.village.name, povertyVillage: base.village.povertyVillage });
      const phoneScore = liveScore(scheme, unit, engineFindings(shown.findings), 'zh').json!.total;

      const log: string[] = [];
      const outcome = await syncQueue(transport(zhang, {}, log), userId);
      expect(outcome).toMatchObject({ applied: 23, waiting: 0, conflicts: 0, refused: 0 });
      expect(outcome.stopped).toBeUndefined();
      expect(await store.queued()).toEqual([]);

      const after = await detail(a1);
      const active = (d: AssessmentDetail) =>
        d.findings
          .filter((f) => f.status === 'active')
          .map((f) => `${f.item}×${f.count}:${f.note}`)
          .sort();
      expect(active(after)).toEqual(active(shown));
      expect(after.findings.filter((f) => f.status === 'withdrawn').map((f) => f.withdrawReason)).toEqual(expect.arrayContaining(['记错了', '重复']));
      expect(after.checks.map((c) => c.item)).toContain(unchecked);
      expect(after.score.total).toBe(phoneScore);
      // Each change moved the version once, and each photo's evidence once more.
      expect(after.version).toBe(base.version + 23 + 3);
      // The photos, byte for byte, on the findings they were taken for.
      for (const [i, p] of photos.entries()) {
        const e = after.evidence.find((x) => x.sha256 === p.ref.sha256)!;
        expect(after.findings.find((f) => f.id === e.findingId)!.note).toBe(`第${i + 1}条`);
        const file = await zhang.get(`/api/evidence/${e.id}`);
        expect(Buffer.compare(file.rawPayload, p.bytes)).toBe(0);
      }
      // Parts of 256 KiB: each photo in as many parts as it has, none sent twice.
      const parts = log.filter((l) => l.startsWith('PUT '));
      expect(parts.length).toBe(photos.reduce((n, p) => n + Math.ceil(p.ref.size / PART_BYTES), 0));
      // The kept copy is the server's now; the photos are gone from the phone.
      expect((await store.keptAssessment(a1))!.detail.version).toBe(after.version);
      expect(await store.keptPhoto(photos[0]!.ref.sha256)).toBeUndefined();
    },
    HOOK,
  );

  it(
    'applies a change once when its answer was lost, and goes on with a photo from where the cut upload stopped',
    async () => {
      const base = await keep(a2);
      const p = await photo(9, 2400);
      expect(Math.ceil(p.ref.size / PART_BYTES)).toBeGreaterThan(2);
      await queue(a2, base.version, { kind: 'add', ref: 'x1', item: items[0]!, count: 2, photos: [] });
      await queue(a2, base.version, { kind: 'add', ref: 'x2', item: items[1]!, count: 1, photos: [p.ref] }, [p.kept]);
      let findingPosts = 0;
      let puts = 0;
      // The first finding's answer is lost; the network goes during the photo's second part.
      const faults: Faults = {
        after: (m, path) => m === 'POST' && path.endsWith('/findings') && ++findingPosts === 1,
        before: (m) => m === 'PUT' && ++puts === 2,
      };
      const log: string[] = [];
      const first = await syncQueue(transport(zhang, faults, log), userId);
      expect(first.stopped).toBe('offline');
      expect(first.waiting).toBe(2);
      const second = await syncQueue(transport(zhang, faults, log), userId);
      expect(second).toMatchObject({ stopped: 'offline', applied: 1, waiting: 1 });
      // One part is on the server.
      expect(((await zhang.get(`/api/uploads/${p.ref.sha256}`)).json() as UploadState).received).toBe(PART_BYTES);
      const third = await syncQueue(transport(zhang, faults, log), userId);
      expect(third).toMatchObject({ applied: 1, waiting: 0 });
      expect(third.stopped).toBeUndefined();
      const after = await detail(a2);
      // Each finding once, though the first was sent twice.
      expect(after.findings.filter((f) => f.status === 'active').map((f) => `${f.item}×${f.count}`)).toEqual([`${items[0]}×2`, `${items[1]}×1`]);
      // The photo: the first part once, then on from the second; byte-equal on the server.
      const offsets = log.filter((l) => l.startsWith('PUT ')).map((l) => Number(l.split('offset=')[1]));
      expect(offsets.filter((o) => o === 0)).toHaveLength(1);
      expect(offsets.filter((o) => o === PART_BYTES)).toHaveLength(2);
      const e = after.evidence.find((x) => x.sha256 === p.ref.sha256)!;
      expect(Buffer.compare((await zhang.get(`/api/evidence/${e.id}`)).rawPayload, p.bytes)).toBe(0);
    },
    HOOK,
  );

  it(
    "stops on another inspector's change meanwhile; the inspector keeps one change on top and gives another up, losing nothing",
    async () => {
      const base = await keep(a1);
      const kept = await queue(a1, base.version, { kind: 'add', ref: 'c1', item: items[2]!, count: 3, note: '手机上记录', photos: [] });
      // Another inspector records a finding on the same item meanwhile.
      expect((await other.post(`/api/assessments/${a1}/findings`, { version: base.version, item: items[2], count: 1, note: '李的记录' })).statusCode).toBe(201);
      const outcome = await syncQueue(transport(zhang), userId);
      expect(outcome).toMatchObject({ applied: 0, waiting: 1, conflicts: 1 });
      const [stopped] = await store.queued();
      expect(stopped).toMatchObject({ seq: kept.seq, state: 'conflict', problem: { code: 'conflict' } });
      // The phone holds the server's version now, to show beside its change.
      const now = (await store.keptAssessment(a1))!.detail;
      expect(now.version).toBe(base.version + 1);
      expect(now.findings.some((f) => f.note === '李的记录')).toBe(true);

      await resolveConflict(stopped!, 'keep', now.version);
      expect(await syncQueue(transport(zhang), userId)).toMatchObject({ applied: 1, waiting: 0 });
      const after = await detail(a1);
      expect(after.findings.filter((f) => f.item === items[2] && f.status === 'active').map((f) => f.note)).toEqual(expect.arrayContaining(['李的记录', '手机上记录']));

      // A second conflict (the other inspector again), given up: kept in the discarded list.
      await queue(a1, after.version, { kind: 'check', item: items[3]!, checked: true });
      expect((await other.post(`/api/assessments/${a1}/findings`, { version: after.version, item: items[3], count: 1 })).statusCode).toBe(201);
      const [c] = (await syncQueue(transport(zhang), userId), await store.queued());
      expect(c!.state).toBe('conflict');
      await resolveConflict(c!, 'drop', after.version);
      expect(await store.queued()).toEqual([]);
      expect((await store.discardedChanges()).map((d) => [d.change.body.kind, d.why])).toEqual([['check', 'dropped']]);
      expect((await detail(a1)).version).toBe(after.version + 1);
    },
    HOOK,
  );

  it(
    'keeps a change the server refuses (the assessment submitted meanwhile), with the reason',
    async () => {
      const base = await keep(a2);
      await queue(a2, base.version, { kind: 'add', ref: 'r1', item: items[0]!, count: 1, photos: [] });
      expect((await zhang.post(`/api/assessments/${a2}/transition`, { version: base.version, step: 'submit' })).statusCode).toBe(200);
      const outcome = await syncQueue(transport(zhang), userId);
      expect(outcome).toMatchObject({ applied: 0, refused: 1 });
      const [c] = await store.queued();
      expect(c).toMatchObject({ state: 'refused', problem: { code: expect.stringMatching(/invalid-state|conflict/) } });
      // Not shown on the phone's copy, and given up on request.
      const kept = (await store.keptAssessment(a2))!;
      expect(applyChanges(kept.detail, [c as Change], { username: 'x' }).findings).toHaveLength(kept.detail.findings.length);
      await resolveConflict(c!, 'drop', kept.detail.version);
      expect((await store.discardedChanges()).map((d) => d.why)).toEqual(['refused']);
      expect(await refresh(transport(zhang), a2)).toMatchObject({ status: 'submitted' });
    },
    HOOK,
  );
});
