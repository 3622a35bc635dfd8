/**
 * Campaigns of a scheme with periods over HTTP: POST /api/campaigns with `period` and `parts`,
 * the campaign's answer naming them, and the final campaign's ranking in points (the combined
 * parts, grades as scored and after quotas, rank points), on every database.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';
import type { CampaignCreated, CombinedAnswer, Ranking } from '../../contract/campaigns.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import type { CampaignServices } from '../../services/campaign/index.ts';
import type { Actor } from '../../services/policies.ts';
import { periodsScheme } from '../../../test/campaign-fixtures.ts';

const SYSTEM: Actor = { user: 'system', role: 'admin' };
const SCHEME = periodsScheme(
  'township-periods-http',
  `  - code: "2"
    title: 扣分项
    penalty: true
    children:
      - { code: "2.1", title: 被约谈, rule: { kind: fixedPenalty, amount: 1.5 } }
`,
);

describe.each(storeTargets())('campaigns with periods over HTTP ($dialect)', (target) => {
  let server: TestServer;
  let admin: Client;
  let viewer: Client;
  let service: CampaignServices;
  let schemeVersionId: number;
  let villages: string[];

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const password = (name: string) => first.credentials.find((c) => c.username === name)!.password;
    admin = await signIn(server.app, 'admin', password('admin'));
    viewer = await signIn(server.app, 'viewer', password('viewer'));
    service = compose({ store: server.store }).campaigns;
    schemeVersionId = (await service.schemes.storeSchemeVersion(SYSTEM, SCHEME, null, 'township.yaml')).id;
    villages = (await server.store.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').limit(2).execute()).map((v) => v.code);
  }, 120_000);
  afterAll(() => server?.close());

  const json = <T>(res: LightMyRequestResponse) => res.json() as T;
  const publish = async (campaignId: number, findings: Record<string, Array<{ item: string; count: number }>>) => {
    for (const v of villages) {
      const id = await service.assessments.assessmentId(campaignId, v);
      const version = async () => (await service.assessments.getAssessment(SYSTEM, id)).version;
      for (const f of findings[v] ?? []) await service.findings.addFinding(SYSTEM, id, await version(), f);
      for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(SYSTEM, id, await version(), step);
    }
  };

  it('creates a quarter and a year-end combining it, and ranks the year-end by the combined score in points', async () => {
    const q = await admin.post('/api/campaigns', { name: '第1季度督查', year: 2024, schemeVersionId, villages, period: 'daily', from: '2024-01-01', to: '2024-03-31' });
    expect(q.statusCode, q.body).toBe(201);
    const quarter = json<CampaignCreated>(q);
    expect(quarter.campaign).toMatchObject({ schemePeriod: { code: 'daily', title: { zh: '平时考核' } }, parts: [], combinedIn: [] });
    // Quarter: V0 loses 4 × 0.5 and is 被约谈 (−1.5); V1 keeps 100.
    await publish(quarter.id, {
      [villages[0]!]: [
        { item: '1.1', count: 4 },
        { item: '2.1', count: 1 },
      ],
    });

    const f = await admin.post('/api/campaigns', { name: '年度考核', year: 2024, schemeVersionId, villages, period: 'final', parts: [quarter.id] });
    expect(f.statusCode, f.body).toBe(201);
    const final = json<CampaignCreated>(f);
    expect(final.campaign.parts).toEqual([{ id: quarter.id, name: '第1季度督查', period: 'daily' }]);
    expect(json<{ combinedIn: unknown }>(await admin.get(`/api/campaigns/${quarter.id}`)).combinedIn).toEqual([{ id: final.id, name: '年度考核' }]);
    expect(
      json<{ campaigns: Array<{ id: number; period: string | null }> }>(await admin.get('/api/campaigns')).campaigns.filter((c) => c.id === quarter.id || c.id === final.id),
    ).toEqual([expect.objectContaining({ id: final.id, period: 'final' }), expect.objectContaining({ id: quarter.id, period: 'daily' })]);
    // Year-end: V1 loses 10 × 0.5 (95).
    await publish(final.id, { [villages[1]!]: [{ item: '1.1', count: 10 }] });

    const r = await viewer.get(`/api/campaigns/${final.id}/ranking`);
    expect(r.statusCode, r.body).toBe(200);
    const ranking = json<Ranking>(r);
    expect(ranking.periods).toEqual([
      { code: 'daily', title: { zh: '平时考核' }, weight: 30, combine: 'average' },
      { code: 'final', title: { zh: '年终考核' }, weight: 70, combine: 'last' },
    ]);
    expect(ranking.rules).toEqual({ quotas: [{ grade: 'good', share: 50, otherwise: 'fair' }], tieBreak: [], rankPoints: [60, 57], rankPointsRest: null });
    // V0: 98 × 30% + 100 × 70% − 1.5 = 29.4 + 70 − 1.5 = 97.9; V1: 30 + 66.5 = 96.5 (好 → 较好 by the 50% quota).
    expect(ranking.county.map((x) => [x.village, x.total, x.base, x.penalty, x.scoredGrade, x.grade, x.rankPoints, x.countyRank])).toEqual([
      [villages[0], 97.9, 99.4, 1.5, 'good', 'good', 60, 1],
      [villages[1], 96.5, 96.5, 0, 'good', 'fair', 57, 2],
    ]);
    expect(ranking.county[0]!.combined).toEqual({
      periods: [
        { code: 'daily', count: 1, values: [98], value: 98, weighted: 29.4 },
        { code: 'final', count: 1, values: [100], value: 100, weighted: 70 },
      ],
      weighted: 99.4,
      bonusRaw: 0,
      bonusMax: 0,
      penalty: 1.5,
      veto: null,
    });

    // One village's combined result, explained part by part: for whoever reads the ranking.
    const c = await viewer.get(`/api/campaigns/${final.id}/combined/${villages[0]}`);
    expect(c.statusCode, c.body).toBe(200);
    expect(json<CombinedAnswer>(c)).toMatchObject({ campaignId: final.id, basis: 'published', village: villages[0], total: 97.9, grade: 'good', countyRank: 1 });
    expect(json<CombinedAnswer>(c).explanation.zh).toEqual(['平时考核 98 ×30% = 29.4', '年终考核 100 ×70% = 70', '扣分 −1.5', '综合得分 29.4 + 70 − 1.5 = 97.9', '等次：好']);
    const en = json<CombinedAnswer>(await viewer.get(`/api/campaigns/${final.id}/combined/${villages[1]}`)).explanation.en;
    expect(en.at(-1)).toBe('graded 较好 by the quota (好 at most 50%)');
    // A quarter combines nothing; a village not in the campaign has no combined result; no session, no answer.
    expect((await viewer.get(`/api/campaigns/${quarter.id}/combined/${villages[0]}`)).statusCode).toBe(404);
    expect((await viewer.get(`/api/campaigns/${final.id}/combined/999999999999`)).statusCode).toBe(404);
    expect((await viewer.get(`/api/campaigns/${final.id}/combined/12`)).statusCode).toBe(400);
    expect((await server.app.inject({ method: 'GET', url: `/api/campaigns/${final.id}/combined/${villages[0]}` })).statusCode).toBe(401);
    const doc = json<{ paths: Record<string, Record<string, { security?: unknown }>> }>(await server.app.inject({ method: 'GET', url: '/api/docs' }));
    expect(doc.paths['/api/campaigns/{id}/combined/{village}']?.get?.security).toEqual([{ session: [] }]);
  });

  it('refuses a campaign of a scheme with periods without its period (400, naming the field), and anyone but the office', async () => {
    const missing = await admin.post('/api/campaigns', { name: 'x', year: 2024, schemeVersionId, villages });
    expect(missing.statusCode, missing.body).toBe(400);
    expect(json<{ error: { code: string; message: string } }>(missing).error).toMatchObject({ code: 'validation', message: expect.stringMatching(/^period: /) });
    const badParts = await admin.post('/api/campaigns', { name: 'y', year: 2024, schemeVersionId, villages, period: 'final', parts: ['one'] });
    expect(badParts.statusCode, badParts.body).toBe(400);
    const refused = await viewer.post('/api/campaigns', { name: 'z', year: 2024, schemeVersionId, villages, period: 'daily' });
    expect(refused.statusCode, refused.body).toBe(403);
  });
});
