/**
 * The derivation layer measures a value (issue 18), on every database: the township scheme's
 * 1.3 群众认可度 (（满意＋基本满意×0.5）÷有效票×20) from the village's satisfaction surveys, by
 * township-2024.derive.yaml. Derived, the suggestion carries the counts; accepted, the finding
 * records them and the item is scored by them; an inspector's later value replaces it (kept,
 * superseded, audited); deriving again suggests nothing twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, H1, harness, setUpCampaign, totalOf, V1, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { BUILTIN_DIR } from '../../schemes/index.ts';
import type { Store } from '../../store/db.ts';
import type { CampaignServices } from './index.ts';

const { admin, zhang } = ACTORS;
const HOOK = 60_000;
const text = (name: string) => readFileSync(join(BUILTIN_DIR, name), 'utf8');

for (const target of storeTargets()) {
  describe(`a value measured from the registry on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    let a1: number;

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      // V1's households answered the satisfaction survey: H2 满意 (the fixtures'), H1 基本满意.
      const h1 = await store.db.selectFrom('households').select('id').where('household_no', '=', H1).executeTakeFirstOrThrow();
      await store.db
        .insertInto('surveys')
        .values({ household_id: h1.id, kind: 'satisfaction', date: '2020-05-10', respondent: '王大山', topic: '帮扶工作', answer: 'basic' })
        .execute();
      h = harness(store);
      service = h.service;
      const v = await service.schemes.storeSchemeVersion(admin, text('township-2024.yaml'), text('township-2024.derive.yaml'), 'township-2024.yaml');
      a1 = (await setUpCampaign(service, { schemeVersionId: v.id, period: 'final' })).assessments[V1]!;
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('derives the rate as a suggestion with its counts; accepted, 1.3 is scored by them: (1 + 1 × 0.5) ÷ 2 × 20 = 15', async () => {
      expect(await service.suggestions.deriveSuggestions(zhang, a1)).toEqual({ added: 1, total: 1 });
      const view = await service.assessments.getAssessment(zhang, a1);
      const s = view.suggestions.find((x) => x.item === '1.3')!;
      expect(s).toMatchObject({ key: '1.3:satisfaction-rate', count: 1, value: { num: { satisfied: 1, basic: 1 }, of: 2 }, status: 'open' });
      expect(s.summaryZh).toContain('有效票2票，其中满意1票、基本满意1票、不满意0票');
      const before = await totalOf(store, a1);
      const findingId = await service.suggestions.acceptSuggestion(zhang, a1, await versionOf(store, a1), s.id);
      const after = await service.assessments.getAssessment(zhang, a1);
      expect(after.findings.find((f) => f.id === findingId)).toMatchObject({
        item: '1.3',
        source: 'suggestion',
        value: { num: { satisfied: 1, basic: 1 }, of: 2 },
        status: 'active',
      });
      expect(after.score.nodes['1.3']!.score).toBe(15);
      expect(await totalOf(store, a1)).toBe(before - 500);
      // Deriving again suggests nothing twice.
      expect(await service.suggestions.deriveSuggestions(zhang, a1)).toEqual({ added: 0, total: 1 });
    });

    it("an inspector's value, measured again on the spot, replaces the suggestion's (kept, superseded, audited)", async () => {
      const accepted = (await service.assessments.getAssessment(zhang, a1)).findings.find((f) => f.item === '1.3' && f.status === 'active')!;
      const id = await service.findings.addFinding(zhang, a1, await versionOf(store, a1), { item: '1.3', value: { num: { satisfied: 2, basic: 0 }, of: 2 } });
      const view = await service.assessments.getAssessment(zhang, a1);
      expect(view.findings.filter((f) => f.item === '1.3').map((f) => [f.id, f.status, f.source])).toEqual([
        [accepted.id, 'superseded', 'suggestion'],
        [id, 'active', 'inspector'],
      ]);
      expect(view.score.nodes['1.3']!.score).toBe(20);
      const audit = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'finding.supersede').where('entity_id', '=', String(id)).executeTakeFirstOrThrow();
      expect(JSON.parse(audit.before!)).toEqual({ findings: [{ id: accepted.id, value: { num: { satisfied: 1, basic: 1 }, of: 2 } }] });
    });
  });
}
