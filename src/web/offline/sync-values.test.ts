/**
 * The phone's queue with findings of issue 18's kinds sent to a real server (SQLite; IndexedDB as
 * fake-indexeddb implements it): a measured value, its replacement, a range amount with its reason
 * and a part arrive unchanged, and the server's score is the one the phone showed.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, setUpCampaign, V1 } from '../../../test/campaign-fixtures.ts';
import { FINDING_KINDS_TEXT } from '../../../test/finding-kinds.ts';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';
import { ApiError } from '../lib/api.ts';
import { engineFindings, liveScore, schemeOfVersion, unitOf } from '../lib/scoring.ts';
import type { AssessmentDetail } from '../lib/types.ts';
import type { SchemeVersionAnswer } from '../../contract/index.ts';
import { applyChanges, newKey, type ChangeBody } from './changes.ts';
import * as store from './store.ts';
import { syncQueue, type Transport, type UploadState } from './sync.ts';

const HOOK = 180_000;
const PASSWORD = 'offline-Pa55word';

/** The phone's network, as Fastify's inject gives it. */
function transport(client: Client): Transport {
  const answer = async <T>(res: { statusCode: number; json(): unknown }): Promise<T> => {
    if (res.statusCode >= 400) {
      const e = (res.json() as { error: { code: string; message: string; details?: unknown } }).error;
      throw new ApiError(res.statusCode, e.code, e.message, e.details);
    }
    return res.json() as T;
  };
  return {
    async json<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) {
      return answer<T>(await client.request(method, `/api${path}`, body, headers));
    },
    async part(path: string, bytes: Blob) {
      return answer<UploadState>(await client.request('PUT', `/api${path}`, Buffer.from(await bytes.arrayBuffer()), { 'content-type': 'application/octet-stream' }));
    },
  };
}

describe.each(storeTargets().slice(0, 1))("the offline queue with issue 18's kinds ($dialect)", (target) => {
  let server: TestServer;
  let zhou: Client;
  let userId: number;
  let a1: number;
  let schemeVersion: SchemeVersionAnswer;

  const detail = async () => (await zhou.get(`/api/assessments/${a1}`)).json() as AssessmentDetail;

  beforeAll(async () => {
    server = await startServer(target);
    await buildRegistry(server.store);
    await server.app.services.users.create(ACTORS.admin, { username: 'zhou', role: 'inspector', password: PASSWORD });
    const service = compose({ store: server.store }).campaigns;
    const v = await service.schemes.storeSchemeVersion(ACTORS.admin, FINDING_KINDS_TEXT, null, 'finding-kinds.yaml');
    const c = await setUpCampaign(service, { schemeVersionId: v.id });
    await service.setup.setTeam(ACTORS.admin, c.campaignId, 'A', ['zhou']);
    a1 = c.assessments[V1]!;
    zhou = await signIn(server.app, 'zhou', PASSWORD);
    userId = ((await zhou.get('/api/auth/me')).json() as { user: { id: number } }).user.id;
    schemeVersion = (await zhou.get(`/api/scheme-versions/${v.id}`)).json() as SchemeVersionAnswer;
    await store.clearOffline();
  }, HOOK);
  afterAll(() => server?.close());

  it(
    'sends a value, its replacement, a range amount with its reason and a part unchanged; the server scores as the phone',
    async () => {
      const base = await detail();
      const bodies: ChangeBody[] = [
        { kind: 'add', ref: newKey(), item: '1.1', count: 1, value: { num: 93, of: 100 }, photos: [] },
        { kind: 'add', ref: newKey(), item: '1.1', count: 1, value: { percent: 95.5 }, photos: [] },
        { kind: 'add', ref: newKey(), item: '1.2', count: 1, value: { num: { satisfied: 80, basic: 10 }, of: 100 }, photos: [] },
        { kind: 'add', ref: newKey(), item: '2.2', count: 2, amount: 1.5, note: '两户档案缺收入台账', photos: [] },
        { kind: 'add', ref: newKey(), item: '2.1', count: 1, part: 'b', photos: [] },
      ];
      for (const body of bodies)
        await store.enqueue({ key: newKey(), userId, assessmentId: a1, baseVersion: base.version, createdAt: new Date().toISOString(), body, state: 'pending' }, []);
      const shown = applyChanges(base, await store.queued(), { username: 'zhou' });
      const scheme = schemeOfVersion(schemeVersion);
      const unit = unitOf({ name: base.village.name, povertyVillage: base.village.povertyVillage });
      const phoneScore = liveScore(scheme, unit, engineFindings(shown.findings), 'zh').json!.total;
      expect(phoneScore).toBe(90.5);

      await syncQueue(transport(zhou), userId);
      const after = await detail();
      expect(after.score.total).toBe(phoneScore);
      expect(after.findings.map((f) => [f.item, f.status, f.value, f.amount, f.part])).toEqual([
        ['1.1', 'superseded', { num: 93, of: 100 }, null, null],
        ['1.1', 'active', { percent: 95.5 }, null, null],
        ['1.2', 'active', { num: { satisfied: 80, basic: 10 }, of: 100 }, null, null],
        ['2.2', 'active', null, 1.5, null],
        ['2.1', 'active', null, null, 'b'],
      ]);
    },
    HOOK,
  );
});
