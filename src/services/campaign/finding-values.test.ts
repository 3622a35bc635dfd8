/**
 * Findings of issue 18's kinds on every database (test/stores.ts), on a small scheme with them
 * (test/fixtures/schemes/finding-kinds.yaml): a measured value recorded, replaced (the earlier one
 * kept, superseded) and scored; a range finding with its reason, and without (refused, nothing
 * stored); a part of a several-rule item; the audit log and the score sheet with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, harness, setUpCampaign, totalOf, V1, V2, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { FINDING_KINDS_TEXT } from '../../../test/finding-kinds.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import type { CampaignServices } from './index.ts';
import { refused } from '../../../test/refused.ts';

const { admin, zhang } = ACTORS;
const HOOK = 60_000;

for (const target of storeTargets()) {
  describe(`findings of the new kinds on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    const a: Record<string, number> = {};

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
      const v = await service.schemes.storeSchemeVersion(admin, FINDING_KINDS_TEXT, null, 'finding-kinds.yaml');
      Object.assign(a, (await setUpCampaign(service, { schemeVersionId: v.id })).assessments);
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    const version = (id: number) => versionOf(store, id);
    const total = (id: number) => totalOf(store, id);
    const rows = (id: number) => store.db.selectFrom('findings').selectAll().where('assessment_id', '=', id).orderBy('id').execute();
    const add = async (id: number, input: Parameters<CampaignServices['findings']['addFinding']>[3]) => service.findings.addFinding(zhang, id, await version(id), input);

    it('records a measured rate, scores it, and a new value replaces it (the old one kept, superseded, audited)', async () => {
      const id = a[V1]!;
      expect(await total(id)).toBe(10000);
      // 93 of 100: 7 points short of 100% at 0.5 each → 1.1 scores 26.5.
      const first = await add(id, { item: '1.1', count: 1, value: { num: 93, of: 100 } });
      expect(await total(id)).toBe(9650);
      const view = await service.assessments.getAssessment(zhang, id);
      expect(view.findings.find((f) => f.id === first)).toMatchObject({ value: { num: 93, of: 100 }, amount: null, part: null, status: 'active' });
      expect(view.score.nodes['1.1']!.score).toBe(26.5);
      // 95.5% given as a percentage: 4.5 short, counted as 5 steps → 27.5; the 93 stays, superseded.
      const second = await add(id, { item: '1.1', count: 1, value: { percent: 9550 } });
      expect(await total(id)).toBe(9750);
      const stored = await rows(id);
      expect(stored.map((r) => [r.id, r.status, r.value, r.supersedes_id])).toEqual([
        [first, 'superseded', JSON.stringify({ num: 93, of: 100 }), null],
        [second, 'active', JSON.stringify({ percent: 9550 }), first],
      ]);
      const audit = await store.db.selectFrom('audit_log').selectAll().where('action', 'in', ['finding.add', 'finding.supersede']).orderBy('id').execute();
      // As an appeal's decision: the new finding, then what it superseded (named by the new one's id).
      expect(audit.map((e) => [e.action, Number(e.entity_id)])).toEqual([
        ['finding.add', first],
        ['finding.add', second],
        ['finding.supersede', second],
      ]);
      expect(JSON.parse(audit[0]!.after!)).toMatchObject({ item: '1.1', value: { num: 93, of: 100 } });
      expect(JSON.parse(audit[1]!.after!)).toMatchObject({ item: '1.1', value: { percent: 95.5 }, supersedes: first });
      expect(JSON.parse(audit[2]!.before!)).toEqual({ findings: [{ id: first, value: { num: 93, of: 100 } }] });
      expect(JSON.parse(audit[2]!.after!)).toEqual({ value: { percent: 95.5 } });
    });

    it('records weighted counts, an amount and a rating; a value of the wrong kind is refused naming the item, and the value before stands', async () => {
      const id = a[V1]!;
      await add(id, { item: '1.2', count: 1, value: { num: { satisfied: 80, basic: 10 }, of: 100 } }); // (80 + 5) ÷ 100 × 20 = 17: −3
      await add(id, { item: '2.3', count: 1, value: { amount: 750 } }); // 7.5万元: 10 of 20
      await add(id, { item: '1.3', count: 1, value: { level: 'b' } }); // 较好: 8 of 10
      expect(await total(id)).toBe(9750 - 300 - 1000 - 200);
      const before = (await rows(id)).length;
      const e = await refused(add(id, { item: '1.3', count: 1, value: { level: 'x' } }), 'validation');
      const details = e.details as Array<{ field: string; code: string; zh: string; en: string }>;
      expect(details[0]).toMatchObject({ field: 'value', code: 'unknown-level' });
      expect(details[0]!.zh).toContain('1.3');
      expect(details[0]!.en).toContain('1.3');
      await refused(add(id, { item: '1.1', count: 1 }), 'validation'); // a measured item without a value
      expect((await rows(id)).length).toBe(before);
      expect((await service.assessments.getAssessment(zhang, id)).findings.filter((f) => f.item === '1.3' && f.status === 'active')).toHaveLength(1);
      expect(await total(id)).toBe(8250);
    });

    it('records a range deduction with its reason; without one it is refused and nothing is stored', async () => {
      const id = a[V2]!;
      const before = { rows: (await rows(id)).length, version: await version(id), total: await total(id) };
      const e = await refused(add(id, { item: '2.2', count: 1, amount: 150 }), 'validation');
      expect((e.details as Array<{ field: string; code: string }>)[0]).toMatchObject({ field: 'note', code: 'missing-reason' });
      await refused(add(id, { item: '2.2', count: 1, amount: 120, note: '缺档案' }), 'validation'); // off the 0.5 step
      await refused(add(id, { item: '2.2', count: 1, amount: 400, note: '缺档案' }), 'validation'); // beyond 3
      expect({ rows: (await rows(id)).length, version: await version(id), total: await total(id) }).toEqual(before);
      const f = await add(id, { item: '2.2', count: 2, amount: 150, note: '两户档案缺收入台账' });
      expect(await total(id)).toBe(before.total - 300);
      const row = (await rows(id)).find((r) => r.id === f)!;
      expect(row).toMatchObject({ amount_cents: 150, note: '两户档案缺收入台账', count: 2 });
      expect((await service.assessments.getAssessment(zhang, id)).findings.find((x) => x.id === f)).toMatchObject({ amount: 150 });
    });

    it('records a part of a several-rule item; an unknown or missing part is refused', async () => {
      const id = a[V2]!;
      const t0 = await total(id);
      await refused(add(id, { item: '2.1', count: 1 }), 'validation');
      await refused(add(id, { item: '2.1', count: 1, part: 'z' }), 'validation');
      await add(id, { item: '2.1', count: 2, part: 'a' }); // 2 × 2
      await add(id, { item: '2.1', count: 1, part: 'b' }); // 1 × 1
      expect(await total(id)).toBe(t0 - 500);
      const sheet = await service.assessments.scoreSheet(zhang, id);
      const parts = sheet.deductions.filter((d) => d.item === '2.1');
      expect(parts.map((d) => [d.part, d.partTitle, d.amount])).toEqual([
        ['a', '应纳未纳', 4],
        ['b', '帮扶措施不落实', 1],
      ]);
      const range = sheet.deductions.find((d) => d.item === '2.2')!;
      expect(range).toMatchObject({ picked: 1.5, note: '两户档案缺收入台账', value: null });
    });

    it('shows the measured values on the score sheet, in words', async () => {
      const sheet = await service.assessments.scoreSheet(zhang, a[V1]!);
      const byItem = Object.fromEntries(sheet.deductions.map((d) => [d.item, d.value]));
      expect(byItem['1.1']).toBe('95.5%');
      expect(byItem['1.2']).toBe('满意 80、基本满意 10 / 有效票 100');
      expect(byItem['2.3']).toBe('7.5万元');
    });

    it('decides appeals on the new kinds: a measured item by its value, a range item by another amount, a part by itself; refused ones change nothing', async () => {
      const { villageV1, villageV2 } = ACTORS;
      for (const id of [a[V1]!, a[V2]!]) for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(admin, id, await version(id), step);
      const state = async (id: number) => ({ rows: (await rows(id)).length, version: await version(id), total: await total(id) });

      // V1's 1.1 stands at 95.5% (27.5). The village shows that 98 of 100 were right.
      const ap1 = await service.appeals.appeal(villageV1, a[V1]!, { item: '1.1', reason: '抽查的100户中有98户识别准确' });
      const v1 = await state(a[V1]!);
      await refused(service.appeals.decideAppeal(admin, ap1, { outcome: 'upheld', reason: '核实' }), 'validation'); // a measured item: the value
      await refused(service.appeals.decideAppeal(admin, ap1, { outcome: 'adjusted', reason: '核实', count: 0 }), 'validation');
      await refused(service.appeals.decideAppeal(admin, ap1, { outcome: 'adjusted', reason: '核实', value: { num: 98 } }), 'validation'); // no denominator
      expect(await state(a[V1]!)).toEqual(v1);
      await service.appeals.decideAppeal(admin, ap1, { outcome: 'adjusted', reason: '复核为98户准确', value: { num: 98, of: 100 } });
      // 2 points short at 0.5 each: 29, up 1.5.
      expect(await total(a[V1]!)).toBe(v1.total + 150);
      const view1 = await service.assessments.getAssessment(admin, a[V1]!);
      expect(view1.score.nodes['1.1']!.score).toBe(29);
      expect(view1.findings.filter((f) => f.item === '1.1' && f.status === 'active')).toEqual([expect.objectContaining({ value: { num: 98, of: 100 }, source: 'appeal' })]);
      expect(view1.appeals.find((x) => x.id === ap1)).toMatchObject({ status: 'adjusted', adjustedCount: null });
      const decided = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'appeal.adjusted').where('entity_id', '=', String(ap1)).executeTakeFirstOrThrow();
      expect(JSON.parse(decided.after!)).toMatchObject({ status: 'adjusted', value: { num: 98, of: 100 } });

      // V2's 2.2: two households at 1.5 each (3). Adjusted to 1 each, the count kept; off the step refused.
      const ap2 = await service.appeals.appeal(villageV2, a[V2]!, { item: '2.2', reason: '档案已补齐大部分' });
      const v2 = await state(a[V2]!);
      await refused(service.appeals.decideAppeal(admin, ap2, { outcome: 'adjusted', reason: '核实', count: 2, amount: 120 }), 'validation');
      await refused(service.appeals.decideAppeal(admin, ap2, { outcome: 'adjusted', reason: '核实', count: 2, value: { percent: 10000 } }), 'validation'); // not measured
      expect(await state(a[V2]!)).toEqual(v2);
      await service.appeals.decideAppeal(admin, ap2, { outcome: 'adjusted', reason: '酌情改为每户扣1分', count: 2, amount: 100 });
      expect(await total(a[V2]!)).toBe(v2.total + 100);
      const active22 = (await service.assessments.getAssessment(admin, a[V2]!)).findings.filter((f) => f.item === '2.2' && f.status === 'active');
      expect(active22).toEqual([expect.objectContaining({ count: 2, amount: 100, source: 'appeal' })]);

      // V2's 2.1: part a ×2 (4) and part b ×1 (1). Part b adjusted to none; part a stands.
      const ap3 = await service.appeals.appeal(villageV2, a[V2]!, { item: '2.1', reason: '帮扶措施已落实' });
      const v3 = await state(a[V2]!);
      await refused(service.appeals.decideAppeal(admin, ap3, { outcome: 'adjusted', reason: '核实', count: 0 }), 'validation'); // which part
      expect(await state(a[V2]!)).toEqual(v3);
      await service.appeals.decideAppeal(admin, ap3, { outcome: 'adjusted', reason: '帮扶措施已落实', count: 0, part: 'b' });
      expect(await total(a[V2]!)).toBe(v3.total + 100);
      const active21 = (await service.assessments.getAssessment(admin, a[V2]!)).findings.filter((f) => f.item === '2.1' && f.status === 'active');
      expect(active21.map((f) => [f.part, f.count, f.source])).toEqual([
        ['a', 2, 'inspector'],
        ['b', 0, 'appeal'],
      ]);
    });

    it('keeps the suggestion-free paths: a finding of an old kind carries none of the new fields', async () => {
      const id = a[V2]!;
      const view = await service.assessments.getAssessment(zhang, id);
      expect(view.findings.every((f) => (f.item === '2.2' ? f.amount !== null : f.amount === null))).toBe(true);
      expect(view.findings.every((f) => f.value === null)).toBe(true);
    });
  });
}
