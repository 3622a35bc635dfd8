/**
 * The first start of `kaohe serve` (firstStart with `inProgress`): the demo county opens on a
 * campaign in progress — the previous year published in full, this year's first township at
 * every stage, findings with photos, a decided appeal — and the audit chain verifies.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/registry-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { compose } from '../compose.ts';
import type { Store } from '../store/db.ts';
import { DEMO_CAMPAIGN, DEMO_PREVIOUS_CAMPAIGN, firstStart, type FirstStart } from './bootstrap.service.ts';
import { EvidenceStore } from './evidence/evidence-store.ts';
import type { Actor } from './policies.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const office: Actor = { user: 'office', role: 'admin' };

for (const target of storeTargets()) {
  describe(`the first start with the demo campaign in progress, on ${target.dialect}`, { timeout: 120_000 }, () => {
    let store: Store;
    let services: ReturnType<typeof compose>;
    let first: FirstStart | null;
    let ms: number;
    const tmp = tempDir('kaohe-bootstrap-');

    beforeAll(async () => {
      store = await target.open();
      services = compose({ store, evidence: new EvidenceStore(join(tmp.dir, 'evidence')) });
      const t0 = performance.now();
      first = await firstStart(services, { demo: true, inProgress: true });
      ms = performance.now() - t0;
      console.log(`firstStart (in progress) on ${target.dialect}: ${Math.round(ms)} ms`);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      tmp.remove();
    });

    it('creates the demo and its users', () => {
      expect(first?.demo).toBe(true);
      expect(first?.campaign).toBe(DEMO_CAMPAIGN);
      expect(first?.credentials.map((c) => c.username)).toEqual(['admin', 'reviewer', 'inspector', 'village', 'viewer']);
    });

    it('publishes the 2019 campaign in full', async () => {
      const id = await services.campaigns.setup.campaignByName(DEMO_PREVIOUS_CAMPAIGN);
      const rows = await services.campaigns.setup.listAssessments(office, id);
      expect(rows.length).toBe(30);
      expect(rows.every((r) => r.status === 'published')).toBe(true);
    });

    it('has the 2020 campaign at every stage, with a ranking of published results, spread, with a change column', async () => {
      const id = await services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
      const rows = await services.campaigns.setup.listAssessments(office, id);
      const count = (s: string) => rows.filter((r) => r.status === s).length;
      expect({ published: count('published'), reviewed: count('reviewed'), submitted: count('submitted') }).toEqual({ published: 4, reviewed: 2, submitted: 2 });
      expect(count('draft')).toBe(22);
      const ranking = await services.campaigns.rankings.ranking({ user: 'viewer', role: 'viewer' }, id);
      expect(ranking.county.length).toBe(4);
      const totals = ranking.county.map((v) => v.total);
      expect(new Set(totals).size).toBeGreaterThan(1);
      expect(totals.some((t) => t < 20_000)).toBe(true);
      expect(ranking.county.every((v) => v.change.totalDelta !== null)).toBe(true);
    });

    it('keeps evidence on findings and a decided appeal', async () => {
      const evidence = await store.db.selectFrom('evidence').select(['id', 'finding_id']).execute();
      expect(evidence.length).toBeGreaterThanOrEqual(1);
      const id = await services.campaigns.setup.campaignByName(DEMO_CAMPAIGN);
      const decided = await services.campaigns.appeals.listAppeals(office, id, { status: 'decided' });
      expect(decided.length).toBe(1);
    });

    it('leaves an audit chain that verifies, and is quick enough for every fresh start', async () => {
      const v = await services.campaigns.audit.verifyAudit();
      expect(v.ok).toBe(true);
      expect(ms).toBeLessThan(60_000);
    });
  });
}
