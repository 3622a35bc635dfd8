/**
 * A final campaign combining four quarterly campaigns with its own year-end results
 * (综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分), ranked by the scheme's rules (tie-break by the
 * year-end score, 好 at most 25%, points from rank), on every database (test/stores.ts).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, harness, SEED_TEXT, V1, V2, V3, V4, VILLAGES, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { compose } from '../../compose.ts';
import type { Store } from '../../store/db.ts';

const HOOK = 240_000;
const admin = ACTORS.admin;

/** A small township-like scheme with periods and ranking rules. */
const SCHEME = `id: township-periods-test
version: 1
title: 测试镇综合考核
periods:
  - { code: daily, title: 平时考核, weight: 30, combine: average }
  - { code: final, title: 年终考核, weight: 70, combine: last }
ranking:
  quotas: [{ grade: good, share: 25, otherwise: fair }]
  tieBreak: [final, base]
  rankPoints: [60, 57, 54]
  rankPointsRest: 50
grades:
  - { code: good, title: 好, min: 90 }
  - { code: fair, title: 较好, min: 80 }
  - { code: average, title: 一般, min: 0 }
sections:
  - code: "1"
    title: 工作落实
    points: 100
    children:
      - { code: "1.1", title: 工作台账, points: 100, ruleText: 每发现一处问题扣0.5分, rule: { kind: perOccurrence, amount: 0.5 } }
  - code: "2"
    title: 加分项
    points: 5
    bonus: true
    children:
      - { code: "2.1", title: 获得表彰, rule: { kind: bonus, amount: 2 } }
  - code: "3"
    title: 扣分项
    penalty: true
    children:
      - { code: "3.1", title: 被约谈, rule: { kind: fixedPenalty, amount: 1.5 } }
`;

/** Findings per campaign and village: [item, count]. */
type Plan = Record<string, Array<[string, number]>>;
const QUARTERS: Plan[] = [
  { [V1]: [['1.1', 4]], [V4]: [['1.1', 14]] }, // V1 98, V4 93
  {
    [V1]: [
      ['1.1', 2],
      ['2.1', 1],
    ],
    [V4]: [['1.1', 14]],
  }, // V1 99 + 2
  { [V1]: [['1.1', 3]], [V2]: [['3.1', 1]], [V4]: [['1.1', 14]] }, // V1 98.5, V2 −1.5
  { [V4]: [['1.1', 14]] },
];
const YEAR_END: Plan = { [V1]: [['1.1', 10]], [V2]: [['1.1', 16]], [V3]: [['1.1', 20]], [V4]: [['1.1', 14]] }; // 95, 92, 90, 93

for (const target of storeTargets()) {
  describe(`a combined ranking of four quarters and a year-end, on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let schemeVersionId: number;
    let quarters: number[];
    let finalId: number;

    /** V3's result of the fourth quarter, published only after the year-end (see the last test). */
    let late: number;
    const run = async (campaignId: number, plan: Plan, holdBack?: string) => {
      for (const v of VILLAGES) {
        const id = await h.service.assessments.assessmentId(campaignId, v);
        for (const [item, count] of plan[v] ?? []) await h.service.findings.addFinding(admin, id, await versionOf(store, id), { item, count });
        const steps = v === holdBack ? (['submit', 'review'] as const) : (['submit', 'review', 'publish'] as const);
        for (const step of steps) await h.service.workflow.transition(admin, id, await versionOf(store, id), step);
        if (v === holdBack) late = id;
      }
    };

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      schemeVersionId = (await h.service.schemes.storeSchemeVersion(admin, SCHEME, null, 'township-periods-test.yaml')).id;
      quarters = [];
      for (const [i, plan] of QUARTERS.entries()) {
        const month = String(i * 3 + 1).padStart(2, '0');
        const id = await h.service.setup.createCampaign(admin, {
          name: `2024年第${i + 1}季度督查`,
          year: 2024,
          schemeVersionId,
          villages: [...VILLAGES],
          period: 'daily',
          from: `2024-${month}-01`,
          to: `2024-${String(i * 3 + 3).padStart(2, '0')}-28`,
        });
        quarters.push(id);
        await run(id, plan, i === 3 ? V3 : undefined);
      }
      finalId = await h.service.setup.createCampaign(admin, { name: '2024年度考核', year: 2024, schemeVersionId, villages: [...VILLAGES], period: 'final', parts: quarters });
      await run(finalId, YEAR_END);
    }, HOOK);

    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('combines each village: quarters averaged ×30%, year-end ×70%, bonus and deductions of every assessment', async () => {
      const r = await h.service.rankings.rankingFor(admin, finalId);
      const row = (v: string) => r.county.find((x) => x.village === v)!;
      // V1: (98 + 99 + 98.5 + 100) / 4 = 98.875 → 98.88 × 30% = 29.664 → 29.66; 95 × 70% = 66.5; +2 → 98.16.
      expect(row(V1).combined).toEqual({
        periods: [
          { code: 'daily', count: 4, values: [9800, 9900, 9850, 10000], value: 9888, weighted: 2966 },
          { code: 'final', count: 1, values: [9500], value: 9500, weighted: 6650 },
        ],
        weighted: 9616,
        bonusRaw: 200,
        bonusMax: 500,
        penalty: 0,
        veto: null,
      });
      expect([row(V1).total, row(V1).base, row(V1).bonus]).toEqual([9816, 9616, 200]);
      // V2: 100 × 30% + 92 × 70% − 1.5 (the third quarter's 被约谈) = 92.9.
      expect([row(V2).total, row(V2).penalty]).toEqual([9290, 150]);
      // V3: 30 + 90 × 70% = 93; V4: 93 × 30% + 93 × 70% = 93.
      expect([row(V3).total, row(V4).total]).toEqual([9300, 9300]);
      expect(r.periods?.map((p) => [p.code, p.weight])).toEqual([
        ['daily', 3000],
        ['final', 7000],
      ]);
      expect(r.parts?.map((p) => p.id)).toEqual(quarters);
    });

    it('ranks by the rules: the tie broken by the year-end score, 好 at most 25%, points from rank', async () => {
      const r = await h.service.rankings.rankingFor(admin, finalId);
      expect(r.county.map((x) => [x.village, x.countyRank, x.scoredGrade, x.grade, x.rankPoints])).toEqual([
        [V1, 1, 'good', 'good', 6000],
        [V4, 2, 'good', 'fair', 5700], // 93, year-end 93
        [V3, 3, 'good', 'fair', 5400], // 93, year-end 90
        [V2, 4, 'good', 'fair', 5000],
      ]);
      expect(r.countySummary.gradeCounts).toEqual({ good: 1, fair: 3 });
      expect(r.townships.map((t) => t.rows.map((x) => [x.village, x.townshipRank]))).toEqual([
        [
          [V1, 1],
          [V2, 2],
        ],
        [
          [V4, 1],
          [V3, 2],
        ],
      ]);
    });

    it('keeps the combined columns in the snapshot published with the last result', async () => {
      const snapshots = await h.service.rankings.snapshots(finalId);
      const data = snapshots.at(-1)!.data as { county: Array<{ village: string; total: number; combined?: unknown; grade?: string }> };
      expect(data.county.map((x) => [x.village, x.total, x.grade])).toEqual([
        [V1, 9816, 'good'],
        [V4, 9300, 'fair'],
        [V3, 9300, 'fair'],
        [V2, 9290, 'fair'],
      ]);
      expect(data.county[0]!.combined).toBeDefined();
    });

    it("explains a village's combined result part by part, with the grade the quota gave", async () => {
      const c = await h.service.rankings.combinedResult(admin, finalId, V4);
      expect(c.periods.map((p) => p.assessments.map((a) => a.campaign))).toEqual([
        ['2024年第1季度督查', '2024年第2季度督查', '2024年第3季度督查', '2024年第4季度督查'],
        ['2024年度考核'],
      ]);
      expect(c.explanation.zh).toEqual([
        '平时考核 4次平均 93（93、93、93、93） ×30% = 27.9',
        '年终考核 93 ×70% = 65.1',
        '综合得分 27.9 + 65.1 = 93',
        '等次：好',
        '按等次比例（好不超过25%）确定为较好',
      ]);
      expect(c.explanation.en.at(-1)).toBe('graded 较好 by the quota (好 at most 25%)');
      const v1 = await h.service.rankings.combinedResult(admin, finalId, V1);
      expect(v1.explanation.zh.slice(0, 4)).toEqual([
        '平时考核 4次平均 98.88（98、99、98.5、100） ×30% = 29.66',
        '年终考核 95 ×70% = 66.5',
        '加分 +2',
        '综合得分 29.66 + 66.5 + 2 = 98.16',
      ]);
    });

    it('the ranking report shows the combined columns: each period weighted, bonus, deductions, combined score, both grades, rank points', async () => {
      const file = await compose({ store }).reports.make(admin, finalId, 'ranking');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(file.body as unknown as ExcelJS.Buffer);
      const sheet = book.worksheets[0]!;
      const texts: string[][] = [];
      sheet.eachRow((row) => texts.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
      // Two header rows: the periods' group over their columns, then each column.
      expect(texts.find((r) => r.includes('综合得分'))!.slice(0, 4)).toEqual(['乡镇', '村', '各阶段得分（已乘权重）', '各阶段得分（已乘权重）']);
      const header = texts.find((r) => r.includes('平时考核×30%'))!;
      expect(header).toEqual([
        '乡镇',
        '村',
        '平时考核×30%',
        '年终考核×70%',
        '加分（5）',
        '扣分',
        '综合得分',
        '评定等次',
        '确定等次（按比例）',
        '名次分',
        '乡镇排名',
        '全县排名',
        '区划代码',
      ]);
      const v4 = texts.find((r) => r.includes(V4))!;
      expect(v4.slice(2, 12)).toEqual(['27.9', '65.1', '0', '0', '93', '好', '较好', '57', '1', '2']);
    });

    it('ranks a quarter as scored: no rules, no combination', async () => {
      const r = await h.service.rankings.rankingFor(admin, quarters[0]!);
      expect(r.county.map((x) => [x.village, x.total, x.countyRank])).toEqual([
        [V2, 10000, 1],
        [V3, 10000, 1],
        [V1, 9800, 3],
        [V4, 9300, 4],
      ]);
      expect(r.county.every((x) => x.rankPoints === undefined && x.scoredGrade === undefined && x.combined === undefined)).toBe(true);
    });

    it('lists the period and the parts on the campaign', async () => {
      const d = await h.service.setup.campaignDetail(admin, finalId);
      expect(d.schemePeriod).toEqual({ code: 'final', title: { zh: '年终考核' } });
      expect(d.parts.map((p) => [p.id, p.period])).toEqual(quarters.map((q) => [q, 'daily']));
      expect((await h.service.setup.campaignDetail(admin, quarters[1]!)).combinedIn).toEqual([{ id: finalId, name: '2024年度考核' }]);
    });

    it('a result of a quarter published after the year-end snapshots the year-end ranking again', async () => {
      const before = await h.service.rankings.snapshots(finalId);
      const count = (data: unknown) =>
        (data as { county: Array<{ village: string; combined: { periods: Array<{ count: number }> } }> }).county.find((x) => x.village === V3)!.combined.periods[0]!.count;
      expect(count(before.at(-1)!.data)).toBe(3);
      await h.service.workflow.transition(admin, late, await versionOf(store, late), 'publish');
      const after = await h.service.rankings.snapshots(finalId);
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)!.reason).toBe(`publish ${V3}`);
      expect(count(after.at(-1)!.data)).toBe(4);
      // V3's quarters are all 100: its combined score stays 93.
      expect((await h.service.rankings.rankingFor(admin, finalId)).county.find((x) => x.village === V3)!.total).toBe(9300);
    });

    it('refuses a campaign without its period, with a period the scheme lacks, and parts that do not fit', async () => {
      const base = { year: 2024, schemeVersionId, villages: [V1] };
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x1' })).rejects.toThrow(
        /^period: scheme township-periods-test v1 has periods \(daily 平时考核, final 年终考核\)/,
      );
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x2', period: 'monthly' })).rejects.toThrow(
        /^period: monthly is not a period of scheme township-periods-test/,
      );
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x3', period: 'final', parts: [finalId] })).rejects.toThrow(
        /^parts\.0: campaign "2024年度考核" combines others itself/,
      );
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x4', period: 'final', parts: [99999] })).rejects.toThrow(/^parts\.0: there is no campaign 99999/);
      const seed = (await h.service.schemes.storeSchemeVersion(admin, SEED_TEXT, null, 'seed-2020.yaml')).id;
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x5', schemeVersionId: seed, period: 'daily' })).rejects.toThrow(
        /^period: scheme seed-2020 v1 has no periods/,
      );
      const seedCampaign = await h.service.setup.createCampaign(admin, { ...base, name: 'x6', schemeVersionId: seed });
      await expect(h.service.setup.createCampaign(admin, { ...base, name: 'x7', period: 'final', parts: [seedCampaign] })).rejects.toThrow(
        /^parts\.0: campaign "x6" is scored by scheme seed-2020, not township-periods-test/,
      );
      expect(await store.db.selectFrom('campaigns').select('name').where('name', 'in', ['x1', 'x2', 'x3', 'x4', 'x5', 'x7']).execute()).toEqual([]);
    });
  });
}
