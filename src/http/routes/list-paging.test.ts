/**
 * Paged lists over HTTP (issue 11), on every database, on the demo county in progress (30
 * villages at every stage, a ranking of published results, appeals): `limit` pages the
 * assessments, the appeals and the ranked rows; without it each answer is the one it always
 * was; `after` and `q` are refused without `limit`; a page of the ranking is never kept as (nor
 * served from) the whole ranking's JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { signIn, startServer, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { AppealsAnswer } from '../../contract/assessments.ts';
import type { AssessmentsAnswer, Ranking, UnrankedAnswer } from '../../contract/campaigns.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';

const HOOK = 180_000;

const json = <T>(res: LightMyRequestResponse): T => {
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};

function expectValidation(res: LightMyRequestResponse, field: string): void {
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe('validation');
  expect(body.error.message.startsWith(`${field}:`), body.error.message).toBe(true);
}

describe.each(storeTargets())('paged lists over HTTP ($dialect)', (target) => {
  let server: TestServer;
  const as: Record<'admin' | 'reviewer' | 'viewer' | 'village', Client> = {} as never;
  let campaignId: number;
  const url = (path: string) => `/api/campaigns/${campaignId}${path}`;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services, { demo: true, inProgress: true }))!;
    const passwords = Object.fromEntries(first.credentials.map((c) => [c.username, c.password]));
    for (const who of ['admin', 'reviewer', 'viewer', 'village'] as const) as[who] = await signIn(server.app, who, passwords[who]!);
    campaignId = await server.app.services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
    // A second, open appeal beside the demo's decided one: the list puts it first.
    const admin = { user: 'admin', role: 'admin' } as const;
    const published = (await server.app.services.campaigns.setup.listAssessments(admin, campaignId, { status: 'published' })).at(-1)!;
    await server.app.services.campaigns.appeals.appeal(admin, published.id, { item: '1.3', reason: '代村申诉' });
  }, HOOK);
  afterAll(() => server?.close());

  describe('assessments', () => {
    it('answers every row without limit, as before (no paging fields)', async () => {
      const body = json<AssessmentsAnswer & Record<string, unknown>>(await as.admin.get(url('/assessments')));
      expect(Object.keys(body)).toEqual(['assessments']);
      expect(body.assessments).toHaveLength(30);
    });

    it('walks the pages by village code to the same rows, telling the total and the counts by status', async () => {
      const whole = json<AssessmentsAnswer>(await as.admin.get(url('/assessments'))).assessments;
      for (const who of ['admin', 'reviewer', 'viewer'] as const) {
        const all = json<AssessmentsAnswer>(await as[who].get(url('/assessments'))).assessments;
        const walked = [];
        let after = '';
        for (let i = 0; i < 40; i++) {
          const page = json<AssessmentsAnswer>(await as[who].get(url(`/assessments?limit=7${after ? `&after=${after}` : ''}`)));
          expect(page.total).toBe(all.length);
          expect(page.counts).toEqual({
            draft: all.filter((r) => r.status === 'draft').length,
            submitted: all.filter((r) => r.status === 'submitted').length,
            reviewed: all.filter((r) => r.status === 'reviewed').length,
            published: all.filter((r) => r.status === 'published').length,
          });
          walked.push(...page.assessments);
          if (page.next === null) break;
          expect(page.next).toBe(page.assessments.at(-1)!.village);
          after = page.next!;
        }
        expect(walked, who).toEqual(all);
      }
      expect(whole.map((r) => r.village)).toEqual(whole.map((r) => r.village).sort());
    });

    it('filters by status, township and a search on the server', async () => {
      const all = json<AssessmentsAnswer>(await as.admin.get(url('/assessments'))).assessments;
      const submitted = json<AssessmentsAnswer>(await as.admin.get(url('/assessments?limit=200&status=submitted')));
      expect(submitted.assessments).toEqual(all.filter((r) => r.status === 'submitted'));
      expect(submitted).toMatchObject({ next: null, total: submitted.assessments.length });
      const township = all[0]!.township!;
      const inTownship = json<AssessmentsAnswer>(await as.admin.get(url(`/assessments?limit=200&township=${township}`)));
      expect(inTownship.assessments).toEqual(all.filter((r) => r.township === township));
      const name = all[3]!.villageName;
      const byName = json<AssessmentsAnswer>(await as.admin.get(url(`/assessments?limit=200&q=${encodeURIComponent(name.slice(0, 2))}`)));
      expect(byName.assessments).toEqual(all.filter((r) => r.villageName.includes(name.slice(0, 2))));
      expect(byName.assessments.length).toBeGreaterThan(0);
      const byCode = json<AssessmentsAnswer>(await as.admin.get(url(`/assessments?limit=200&q=${all[12]!.village.slice(0, 11)}`)));
      expect(byCode.assessments).toEqual(all.filter((r) => r.village.startsWith(all[12]!.village.slice(0, 11))));
      expect(json<AssessmentsAnswer>(await as.admin.get(url('/assessments?limit=5&q=%25'))).assessments).toEqual([]);
    });

    it('refuses a bad limit, and after or q without one', async () => {
      expectValidation(await as.admin.get(url('/assessments?limit=0')), 'query.limit');
      expectValidation(await as.admin.get(url('/assessments?limit=1001')), 'query.limit');
      expectValidation(await as.admin.get(url('/assessments?limit=abc')), 'query.limit');
      expectValidation(await as.admin.get(url('/assessments?after=522425100201')), 'query.limit');
      expectValidation(await as.admin.get(url('/assessments?q=村')), 'query.limit');
      expectValidation(await as.admin.get(url('/assessments?limit=5&after=12')), 'query.after');
      expect((await as.admin.get('/api/campaigns/99999/assessments?limit=5')).statusCode).toBe(404);
    });
  });

  describe('appeals', () => {
    it('pages them open first, with a cursor of rank and id', async () => {
      const all = json<AppealsAnswer & Record<string, unknown>>(await as.admin.get(url('/appeals')));
      expect(Object.keys(all)).toEqual(['appeals']);
      expect(all.appeals.map((a) => a.status === 'open')).toEqual([true, false]);
      const first = json<AppealsAnswer>(await as.admin.get(url('/appeals?limit=1')));
      expect(first).toMatchObject({ total: 2, counts: { open: 1, upheld: expect.any(Number), adjusted: expect.any(Number), rejected: expect.any(Number) } });
      expect(first.appeals).toEqual(all.appeals.slice(0, 1));
      expect(first.next).toBe(`0.${all.appeals[0]!.id}`);
      const second = json<AppealsAnswer>(await as.admin.get(url(`/appeals?limit=1&after=${first.next}`)));
      expect(second.appeals).toEqual(all.appeals.slice(1));
      expect(second.next).toBeNull();
      const decided = json<AppealsAnswer>(await as.admin.get(url('/appeals?limit=5&status=decided')));
      expect(decided.appeals).toEqual(all.appeals.slice(1));
      expect(decided.total).toBe(1);
      expect(json<AppealsAnswer>(await as.admin.get(url(`/appeals?limit=5&q=${all.appeals[0]!.village}`))).appeals).toEqual(all.appeals.slice(0, 1));
    });

    it('refuses a bad cursor, paging without limit, and viewers', async () => {
      expectValidation(await as.admin.get(url('/appeals?limit=5&after=17')), 'query.after');
      expectValidation(await as.admin.get(url('/appeals?limit=5&after=2.17')), 'query.after');
      expectValidation(await as.admin.get(url('/appeals?after=0.17')), 'query.limit');
      expect((await as.viewer.get(url('/appeals?limit=5'))).statusCode).toBe(403);
    });
  });

  describe('ranking', () => {
    it('pages the ranked rows in rank order with every summary whole, and keeps the whole ranking whole', async () => {
      for (const query of ['', 'preview=1&']) {
        // A page first: the whole ranking asked next is not that page.
        const first = json<Ranking>(await as.admin.get(url(`/ranking?${query}limit=1`)));
        const whole = json<Ranking & Record<string, unknown>>(await as.admin.get(url(`/ranking?${query.replace(/&$/, '')}`)));
        expect(whole).not.toHaveProperty('next');
        expect(whole).not.toHaveProperty('total');
        expect(whole.county.length).toBeGreaterThan(2);
        expect(first.county).toEqual(whole.county.slice(0, 1));
        const rows = [];
        let after = '';
        for (let i = 0; i < 40; i++) {
          const page = json<Ranking>(await as.admin.get(url(`/ranking?${query}limit=3${after ? `&after=${after}` : ''}`)));
          expect(page.total).toBe(whole.county.length);
          expect(page.countySummary).toEqual(whole.countySummary);
          expect(page.counties).toEqual(whole.counties);
          // The unranked villages are counted, not listed (…/ranking/unranked pages them).
          expect(page.unranked).toEqual([]);
          expect(page.unrankedTotal).toBe(whole.unranked.length);
          expect(page.townships.map(({ rows: _rows, ...summary }) => summary)).toEqual(whole.townships.map(({ rows: _rows, ...summary }) => summary));
          expect(page.townships.flatMap((t) => t.rows.map((r) => r.village)).sort()).toEqual(page.county.map((r) => r.village).sort());
          rows.push(...page.county);
          if (page.next === null) break;
          expect(page.next).toBe(page.county.at(-1)!.village);
          after = page.next!;
        }
        expect(rows).toEqual(whole.county);
        // And the whole ranking after the pages is still whole (served from what was kept).
        expect(json<Ranking>(await as.admin.get(url(`/ranking?${query.replace(/&$/, '')}`)))).toEqual(whole);
      }
    });

    it('pages the unranked villages by code, searched and by township, as the whole ranking lists them', async () => {
      for (const query of ['', 'preview=1']) {
        const whole = json<Ranking>(await as.admin.get(url(`/ranking?${query}`)));
        expect(whole.unranked.length, query).toBeGreaterThan(4);
        const township = whole.unranked[0]!.township;
        const name = whole.unranked[1]!.name.slice(0, 2);
        for (const [filter, expected] of [
          ['', whole.unranked],
          [`township=${township}`, whole.unranked.filter((u) => u.township === township)],
          [`q=${encodeURIComponent(name)}`, whole.unranked.filter((u) => u.name.includes(name) || u.village.startsWith(name))],
        ] as const) {
          const rows = [];
          let after = '';
          for (let i = 0; i < 40; i++) {
            const page = json<UnrankedAnswer>(await as.admin.get(url(`/ranking/unranked?${[query, filter, 'limit=4', after ? `after=${after}` : ''].filter(Boolean).join('&')}`)));
            expect(page.total, `${query} ${filter}`).toBe(expected.length);
            expect(page.unranked.length).toBeLessThanOrEqual(4);
            rows.push(...page.unranked);
            if (page.next === null) break;
            expect(page.next).toBe(page.unranked.at(-1)!.village);
            after = page.next;
          }
          expect(rows, `${query} ${filter}`).toEqual(expected);
        }
        // After a code that is not one of them: the next ones by code.
        const between = String(BigInt(whole.unranked[2]!.village) - 1n).padStart(12, '0');
        const from = json<UnrankedAnswer>(await as.admin.get(url(`/ranking/unranked?${query ? `${query}&` : ''}limit=2&after=${between}`)));
        expect(from.unranked).toEqual(whole.unranked.filter((u) => u.village > between).slice(0, 2));
      }
      expectValidation(await as.admin.get(url('/ranking/unranked')), 'query.limit');
      expectValidation(await as.admin.get(url('/ranking/unranked?limit=0')), 'query.limit');
    });

    it('searches the ranked rows, and refuses an after the ranking does not hold', async () => {
      const whole = json<Ranking>(await as.viewer.get(url('/ranking')));
      const name = whole.county[1]!.name;
      const found = json<Ranking>(await as.viewer.get(url(`/ranking?limit=10&q=${encodeURIComponent(name)}`)));
      expect(found.county).toEqual(whole.county.filter((r) => r.name.includes(name)));
      expect(found).toMatchObject({ total: found.county.length, next: null });
      const unranked = whole.unranked.find((u) => !whole.county.some((r) => r.village === u.village))!;
      expectValidation(await as.viewer.get(url(`/ranking?limit=10&after=${unranked.village}`)), 'query.after');
      expectValidation(await as.viewer.get(url(`/ranking?after=${whole.county[0]!.village}`)), 'query.limit');
    });
  });
});
