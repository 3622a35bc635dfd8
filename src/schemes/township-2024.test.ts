/**
 * 乡镇巩固拓展脱贫攻坚成果同乡村振兴有效衔接考核细则 (township-2024.yaml) on cases an office
 * computes by hand: ONE assessment's score (a quarter's 督查 or the year's end); combining the
 * periods (平时考核×30%＋年终考核×70%) and the ranking rules are tested where they are computed.
 * Points in cents (hundredths): 85.57 is 8557; rates as counts or in hundredths of a percent.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { schemeFromData, type RawScheme } from '../core/scheme/build.ts';
import type { Scheme } from '../core/scheme/model.ts';
import { schemeToData } from '../core/scheme/serialize.ts';
import { BUILTIN_DIR, builtinScheme, loadSchemeFile } from './index.ts';
import { nodeOf, scoreCase, scoresOf } from './scheme-cases.ts';

const TOWNSHIP = { name: '石门镇' };

describe('township-2024: the scheme', () => {
  it('loads from its file: 100 points, bonus at most 5, periods 30% and 70%, a quota for 好, tie-breaks, data sources', () => {
    const scheme = loadSchemeFile(join(BUILTIN_DIR, 'township-2024.yaml'));
    expect(scheme.sections.map((s) => [s.title.zh, s.points])).toEqual([
      ['三率一度', 4000],
      ['防止返贫动态监测和帮扶', 2000],
      ['衔接资金和项目管理', 2500],
      ['乡村振兴重点工作', 1500],
      ['加分项', 500],
      ['扣分项', null],
    ]);
    expect(scheme.periods).toEqual([
      { code: 'daily', title: { zh: '平时考核' }, weight: 3000, combine: 'average' },
      { code: 'final', title: { zh: '年终考核' }, weight: 7000, combine: 'last' },
    ]);
    expect(scheme.ranking).toEqual({ quotas: [{ grade: 'good', share: 2000, otherwise: 'fair' }], tieBreak: ['final'] });
    const item = scheme.sections[0]!.children[0]!;
    expect(item.dataSource).toEqual({ zh: '以县级交叉考核入户抽样调查结果为准' });
    expect(item.department).toEqual({ zh: '县乡村振兴局' });
    expect(item.rule).toEqual({
      kind: 'measured',
      measure: { kind: 'rate', title: { zh: '准确识别率' }, of: { zh: '抽查户数' } },
      scoring: { by: 'shortfall', target: 10000, step: 100, amount: 50, rounding: 'up', floor: 9000 },
    });
    expect(builtinScheme('township-2024')).toEqual(scheme);
    // Stored with a campaign as data and read back (the browser's copy): the same scheme.
    expect(schemeFromData(schemeToData(scheme) as unknown as RawScheme)).toEqual(scheme);
  });
});

describe('township-2024: hand-computed cases (one assessment)', () => {
  // Loaded before the cases (not while collecting them), so that a scheme that fails to load fails each case.
  let scheme: Scheme;
  beforeAll(() => {
    scheme = builtinScheme('township-2024');
  });

  it('a strong township: shortfalls rounded up and pro rata, the 认可度 formula, tiers, a rating, per-unit bonus; one 反馈问题 takes it below 90 → 较好', () => {
    // 1.1  准确识别率 283 ÷ 300 = 94.33%, 低5.67个百分点, 不足1个百分点按1个百分点计 → 6 × 0.5 = 3 → 7
    // 1.2  退出准确率 193 ÷ 198 = 97.47%, 低2.53个百分点 × 1分 (按实际差值计算) = 2.53 → 7.47
    // 1.3  (420 + 60×0.5) ÷ 500 × 20 = 90% × 20 = 18                 一、7 + 7.47 + 18 = 32.47
    // 2.1  应纳未纳1户 −2; 帮扶措施不落实2户 −2 → 6
    // 2.2  风险消除 18 ÷ 20 = 90% × 10 = 9                             二、6 + 9 = 15
    // 3.1  衔接资金12万元, 10万元以上 → 7;  3.2 → 8
    // 3.3  支出进度95.5%, 低4.5个百分点 × 0.2 = 0.9 → 9.1             三、7 + 8 + 9.1 = 24.1
    // 4.1 → 5;  4.2 一户无人就业 −1 → 4;  4.3 评价“好” → 5          四、14
    // 基础分 32.47 + 15 + 24.1 + 14 = 85.57
    // 加分: 国家级3、市级1, 按最高级别 → 3; 社会帮扶资金25万元, 每10万元0.5分 → 2 × 0.5 = 1;
    //       经验推广 1 → 5 (最高5分)
    // 扣分: 反馈问题1个 −1
    // 得分 85.57 + 5 − 1 = 89.57 → 较好
    const r = scoreCase(
      scheme,
      TOWNSHIP,
      [
        { item: '1.1', value: { num: 283, of: 300 } },
        { item: '1.2', value: { num: 193, of: 198 } },
        { item: '1.3', value: { num: { satisfied: 420, basic: 60 }, of: 500 } },
        { item: '2.1', part: 'a', count: 1, household: '石门镇东岭村 张某' },
        { item: '2.1', part: 'b', count: 2 },
        { item: '2.2', value: { num: 18, of: 20 } },
        { item: '3.1', value: { amount: 1200 } },
        { item: '3.3', value: { percent: 9550 } },
        { item: '4.2', count: 1 },
        { item: '4.3', value: { level: 'a' } },
        { item: '5.1.1', count: 1 },
        { item: '5.1.3', count: 1 },
        { item: '5.2', value: { amount: 2500 } },
        { item: '5.3', count: 1 },
        { item: '6.2', count: 1 },
      ],
      { base: 8557, bonus: 500, penalty: 100, converted: null, total: 8957, grade: '较好' },
    );
    expect(scoresOf(r, ['1', '1.1', '1.2', '1.3', '2', '2.1', '2.2', '3', '3.1', '3.3', '4', '4.2', '4.3', '5.1', '5.2', '5.3'])).toEqual({
      '1': 3247,
      '1.1': 700,
      '1.2': 747,
      '1.3': 1800,
      '2': 1500,
      '2.1': 600,
      '2.2': 900,
      '3': 2410,
      '3.1': 700,
      '3.3': 910,
      '4': 1400,
      '4.2': 400,
      '4.3': 500,
      '5.1': 300,
      '5.2': 100,
      '5.3': 100,
    });
    expect(r.veto).toBeNull();
  });

  it('a weak township: below the floor 本项不得分, the floor itself still scored, tier bounds, items at 0, the per-unit bonus at its own cap and the section at 5 → 差', () => {
    // 1.1  准确识别率 89 ÷ 100 = 89% < 90% → 本项不得分 0
    // 1.2  退出准确率恰好95%, 不低于95%: 低5个百分点 × 1 = 5 → 5
    // 1.3  (300 + 100×0.5) ÷ 500 × 20 = 70% × 20 = 14                 一、0 + 5 + 14 = 19
    // 2.1  应纳未纳6户 × 2 = 12 > 10, 扣完为止 → 0
    // 2.2  5 ÷ 20 = 25% × 10 = 2.5                                      二、2.5
    // 3.1  恰好10万元: 不是“10万元以上”, 属“5万元（含）至10万元” → 5
    // 3.2  资产未全部确权登记 → 0
    // 3.3  支出进度40%, 低60个百分点 × 0.2 = 12 > 10 → 0                三、5
    // 4.1  联农带农机制不健全, 视情况扣2.5分 → 2.5;  4.2 7户 −7 > 5 → 0;  4.3 “差” → 0   四、2.5
    // 基础分 19 + 2.5 + 5 + 2.5 = 29
    // 加分: 国家级 3; 社会帮扶资金60万元 → 6 × 0.5 = 3, 最高加2分 → 2; 经验推广 1;
    //       3 + 2 + 1 = 6 > 5 → 5 (5.3 gets nothing left)
    // 扣分: 约谈3次 × 2 = 6
    // 得分 29 + 5 − 6 = 28 → 差
    const r = scoreCase(
      scheme,
      TOWNSHIP,
      [
        { item: '1.1', value: { num: 89, of: 100 } },
        { item: '1.2', value: { percent: 9500 } },
        { item: '1.3', value: { num: { satisfied: 300, basic: 100 }, of: 500 } },
        { item: '2.1', part: 'a', count: 6 },
        { item: '2.2', value: { num: 5, of: 20 } },
        { item: '3.1', value: { amount: 1000 } },
        { item: '3.2', count: 1 },
        { item: '3.3', value: { percent: 4000 } },
        { item: '4.1', amount: 250, note: '合作社分红协议未落实到户' },
        { item: '4.2', count: 7 },
        { item: '4.3', value: { level: 'd' } },
        { item: '5.1.1', count: 1 },
        { item: '5.2', value: { amount: 6000 } },
        { item: '5.3', count: 1 },
        { item: '6.1', count: 3 },
      ],
      { base: 2900, bonus: 500, penalty: 600, converted: null, total: 2800, grade: '差' },
    );
    expect(scoresOf(r, ['1', '1.1', '1.2', '1.3', '2', '2.1', '2.2', '3', '3.1', '3.2', '3.3', '4', '4.1', '4.2', '4.3', '5.1', '5.2', '5.3'])).toEqual({
      '1': 1900,
      '1.1': 0,
      '1.2': 500,
      '1.3': 1400,
      '2': 250,
      '2.1': 0,
      '2.2': 250,
      '3': 500,
      '3.1': 500,
      '3.2': 0,
      '3.3': 0,
      '4': 250,
      '4.1': 250,
      '4.2': 0,
      '4.3': 0,
      '5.1': 300,
      '5.2': 200,
      '5.3': 0,
    });
  });

  it('准确识别率 exactly 90% still scores 10 × 0.5 = 5 off; values not yet measured keep their points (unmeasured: full)', () => {
    // 1.1  90 ÷ 100 = 90%, 不低于90%: 低10个百分点 × 0.5 = 5 → 5; 其余未测, 保留分值
    // 基础分 100 − 5 = 95 → 好 (a measured bonus item without a value adds nothing)
    const r = scoreCase(scheme, TOWNSHIP, [{ item: '1.1', value: { num: 90, of: 100 } }], {
      base: 9500,
      bonus: 0,
      penalty: 0,
      converted: null,
      total: 9500,
      grade: '好',
    });
    expect(nodeOf(r, '1.1').score).toBe(500);
    expect(r.unmeasured).toEqual(expect.arrayContaining(['1.2', '1.3', '2.2', '3.1', '3.3', '4.3']));
    expect(r.unmeasured).not.toContain('1.1');
  });

  it('工作评价 较好 and 一般; 社会帮扶资金 counted in whole 10万元 only', () => {
    // 4.3 “较好” → 4 (5 − 1); 其余未测, 保留分值 → 基础分 99
    // 5.2 9.99万元: 不足10万元 → 0;  19.99万元 → 1 × 0.5 = 0.5
    const better = scoreCase(
      scheme,
      TOWNSHIP,
      [
        { item: '4.3', value: { level: 'b' } },
        { item: '5.2', value: { amount: 999 } },
      ],
      {
        base: 9900,
        bonus: 0,
        penalty: 0,
        converted: null,
        total: 9900,
        grade: '好',
      },
    );
    expect(nodeOf(better, '4.3').score).toBe(400);
    // 4.3 “一般” → 3 → 基础分 98; 加0.5 → 98.5
    const fair = scoreCase(
      scheme,
      TOWNSHIP,
      [
        { item: '4.3', value: { level: 'c' } },
        { item: '5.2', value: { amount: 1999 } },
      ],
      {
        base: 9800,
        bonus: 50,
        penalty: 0,
        converted: null,
        total: 9850,
        grade: '好',
      },
    );
    expect(scoresOf(fair, ['4.3', '5.2'])).toEqual({ '4.3': 300, '5.2': 50 });
  });

  describe('vetoes', () => {
    // 1.1 999 ÷ 1000 = 99.9%, 低0.1个百分点, 按1个百分点计 → 10 − 0.5 = 9.5; every other
    // measured item at its full value (3.1: 10.01万元 > 10万元 → 7) → 基础分 99.5.
    const strong = [
      { item: '1.1', value: { num: 999, of: 1000 } },
      { item: '1.2', value: { percent: 10000 } },
      { item: '1.3', value: { num: { satisfied: 500, basic: 0 }, of: 500 } },
      { item: '2.2', value: { num: 20, of: 20 } },
      { item: '3.1', value: { amount: 1001 } },
      { item: '3.3', value: { percent: 10000 } },
      { item: '4.3', value: { level: 'a' } },
    ];

    it('被通报批评: 99.5 − 约谈2 = 97.5, not 好 → 较好', () => {
      const r = scoreCase(scheme, TOWNSHIP, [...strong, { item: '6.1' }, { item: '6.3' }], {
        base: 9950,
        bonus: 0,
        penalty: 200,
        converted: null,
        total: 9750,
        grade: '较好',
      });
      expect(nodeOf(r, '1.1').score).toBe(950);
      expect(r.veto).toMatchObject({ effect: 'ceiling', grade: 'fair' });
    });

    it('发生规模性返贫 (一票否决) beats the ceiling: 0 → 差', () => {
      const r = scoreCase(scheme, TOWNSHIP, [...strong, { item: '6.3' }, { item: '6.4' }], {
        base: 9950,
        bonus: 0,
        penalty: 0,
        converted: null,
        total: 0,
        grade: '差',
      });
      expect(r.veto).toMatchObject({ effect: 'zero' });
      expect(r.veto!.items).toContain('6.4');
    });
  });
});
