/**
 * 驻村工作队年度考核细则 (village-team-2024.yaml) on cases an office computes by hand. Points in
 * cents (hundredths): 92.26 is 9226. Scoring order (issue 18): base, + bonus (caps, highest
 * level only), − deductions from the total (uncapped), floored at 0; the most severe veto wins.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { schemeFromData, type RawScheme } from '../core/scheme/build.ts';
import type { Scheme } from '../core/scheme/model.ts';
import { schemeToData } from '../core/scheme/serialize.ts';
import { BUILTIN_DIR, builtinScheme, loadSchemeFile } from './index.ts';
import { nodeOf, scoreCase, scoresOf } from './scheme-cases.ts';

const TEAM = { name: '石门村驻村工作队' };

describe('village-team-2024: the scheme', () => {
  it('loads from its file: 100 points in five sections, a bonus of at most 5, a penalty section', () => {
    const scheme = loadSchemeFile(join(BUILTIN_DIR, 'village-team-2024.yaml'));
    expect(scheme.id).toBe('village-team-2024');
    expect(scheme.sections.map((s) => [s.code, s.points])).toEqual([
      ['1', 1500],
      ['2', 2000],
      ['3', 2500],
      ['4', 2500],
      ['5', 1500],
      ['6', 500],
      ['7', null],
    ]);
    expect(scheme.sections[6]!.penalty).toBe(true);
    expect(scheme.sections[5]!.children[0]!.highestOnly).toBe(true);
    expect(scheme.grades.map((g) => [g.title.zh, g.min])).toEqual([
      ['优秀', 9000],
      ['良好', 8000],
      ['一般', 6000],
      ['较差', 0],
    ]);
    expect(builtinScheme('village-team-2024')).toEqual(scheme);
    // Stored with a campaign as data and read back (the browser's copy): the same scheme.
    expect(schemeFromData(schemeToData(scheme) as unknown as RawScheme)).toEqual(scheme);
  });
});

describe('village-team-2024: hand-computed cases', () => {
  // Loaded before the cases (not while collecting them), so that a scheme that fails to load fails each case.
  let scheme: Scheme;
  beforeAll(() => {
    scheme = builtinScheme('village-team-2024');
  });

  it('a good year: parts, a pool, tiers, a completion rate, the 满意度 formula rounded; the bonus capped at 5 → 优秀', () => {
    // 1.2  “三会一课”缺席1次 −1                          → 10 − 1 = 9;      一、5 + 9 = 14
    // 2.1  缺勤3天 3×0.5 = −1.5                           → 10 − 1.5 = 8.5
    // 2.2  民情日记缺2篇 2×0.5 = −1                       → 5 − 1 = 4;       二、8.5 + 4 + 5 = 17.5
    // 3.1  2户未走访 −2 (扣完25分为止)                    →                  三、25 − 2 = 23
    // 4.1  争取资金60万元 > 50万元                        → 10
    // 4.2  完成45万元 ÷ 目标50万元 = 90%, 10×90%           → 9;               四、10 + 9 + 5 = 24
    // 5.1  (83 + 12×0.5) ÷ 97 × 15 = 89 × 15 ÷ 97 = 13.7628… → 13.76 (四舍五入) 五、13.76
    // 基础分 14 + 17.5 + 23 + 24 + 13.76 = 92.26
    // 加分: 国家级4 与 市级2 同一事项按最高级别 → 4; 经验推广3次 ×1 = 3, 最高加2 → 2;
    //       4 + 2 = 6 > 5 → 加5分 (6.2 gets the 1 left after 6.1's 4)
    // 总分 92.26 + 5 = 97.26 → 优秀
    const r = scoreCase(
      scheme,
      TEAM,
      [
        { item: '1.2', part: 'a', count: 1 },
        { item: '2.1', part: 'a', count: 3 },
        { item: '2.2', count: 2 },
        { item: '3.1', count: 2 },
        { item: '4.1', value: { amount: 6000 } },
        { item: '4.2', value: { num: 45, of: 50 } },
        { item: '5.1', value: { num: { satisfied: 83, basic: 12 }, of: 97 } },
        { item: '6.1.1', count: 1 },
        { item: '6.1.3', count: 1 },
        { item: '6.2', count: 3 },
      ],
      { base: 9226, bonus: 500, penalty: 0, converted: null, total: 9726, grade: '优秀' },
    );
    expect(scoresOf(r, ['1', '1.2', '2', '2.1', '2.2', '3', '3.1', '4', '4.1', '4.2', '5', '5.1', '6', '6.1', '6.2'])).toEqual({
      '1': 1400,
      '1.2': 900,
      '2': 1750,
      '2.1': 850,
      '2.2': 400,
      '3': 2300,
      '3.1': 800,
      '4': 2400,
      '4.1': 1000,
      '4.2': 900,
      '5': 1376,
      '5.1': 1376,
      '6': 500,
      '6.1': 400,
      '6.2': 100,
    });
    expect(r.veto).toBeNull();
  });

  it('通报批评 keeps a 95.75 from 优秀 (ceiling 良好); a discretionary deduction with its reason; 约谈 deducted from the total', () => {
    // 1.2  发展党员工作不规范, 视情况扣1.5分 (reason given)  → 10 − 1.5 = 8.5;   一、5 + 8.5 = 13.5
    // 二、20; 三、25
    // 4.1  争取资金恰好50万元: 不是“50万元以上”, 属“20万元（含）至50万元” → 7
    // 4.2  完成60万元 ÷ 目标50万元 = 120%, 按100%计       → 10;              四、7 + 10 + 5 = 22
    // 5.1  (90 + 10×0.5) ÷ 100 × 15 = 14.25                                   五、14.25
    // 基础分 13.5 + 20 + 25 + 22 + 14.25 = 94.75
    // 加分: 省级表彰 3;  扣分: 被约谈1人次 2
    // 总分 94.75 + 3 − 2 = 95.75 ≥ 90, 但被通报批评不得评为“优秀” → 良好
    const r = scoreCase(
      scheme,
      TEAM,
      [
        { item: '1.2', part: 'b', amount: 150, note: '发展党员程序材料不全' },
        { item: '4.1', value: { amount: 5000 } },
        { item: '4.2', value: { num: 60, of: 50 } },
        { item: '5.1', value: { num: { satisfied: 90, basic: 10 }, of: 100 } },
        { item: '6.1.2', count: 1 },
        { item: '7.1', count: 1 },
        { item: '7.3', count: 1 },
      ],
      { base: 9475, bonus: 300, penalty: 200, converted: null, total: 9575, grade: '良好' },
    );
    expect(scoresOf(r, ['1', '1.2', '4', '4.1', '4.2', '5.1'])).toEqual({ '1': 1350, '1.2': 850, '4': 2200, '4.1': 700, '4.2': 1000, '5.1': 1425 });
    expect(r.veto).toMatchObject({ items: ['7.3'], effect: 'ceiling', grade: 'good' });
    expect(nodeOf(r, '1.2').deductions).toEqual([expect.objectContaining({ note: '发展党员程序材料不全', amount: 150 })]);
  });

  it('a bad year: parts stop at the item, the pool at 25, items at their points; deductions from the total are not capped and the total stops at 0 → 较差', () => {
    // 1.1  未制定年度工作计划 → 0
    // 1.2  “三会一课”缺席6次 −6; 发展党员不规范 视情况扣3分 ×2处 −6; 共12 > 10 → 0;  一、0
    // 2.1  缺勤12天 −6; 擅自离岗3次 −6; 共12 > 10 → 0
    // 2.2  缺12篇 −6 > 5 → 0;  2.3 未建立请销假制度 → 0;                      二、0
    // 3    3.1 9户未走访 −9; 3.2 6户 −12; 3.3 视情况扣2.5分、3分 −5.5;
    //      共26.5, 扣完25分为止 → 三、0 (3.1 得 10 − 9 = 1, 3.2 得0, 3.3 得0)
    // 4.1  15万元 < 20万元 → 4;  4.2 12 ÷ 30 = 40% × 10 = 4;  4.3 少2件 −2 → 3;  四、11
    // 5.1  (40 + 30×0.5) ÷ 100 × 15 = 8.25                                     五、8.25
    // 基础分 0 + 0 + 0 + 11 + 8.25 = 19.25
    // 扣分: 约谈9人次 ×2 = 18; 履职不力 视情况扣3分 → 21 (不受单项分值限制)
    // 总分 19.25 − 21 < 0 → 0 → 较差
    const r = scoreCase(
      scheme,
      TEAM,
      [
        { item: '1.1', count: 1 },
        { item: '1.2', part: 'a', count: 6 },
        { item: '1.2', part: 'b', amount: 300, note: '入党积极分子未经培养考察即列为发展对象' },
        { item: '1.2', part: 'b', amount: 300, note: '发展党员未经支部大会讨论' },
        { item: '2.1', part: 'a', count: 12 },
        { item: '2.1', part: 'b', count: 3 },
        { item: '2.2', count: 12 },
        { item: '2.3', count: 1 },
        { item: '3.1', count: 9 },
        { item: '3.2', count: 6 },
        { item: '3.3', amount: 250, note: '一户一档缺帮扶计划' },
        { item: '3.3', amount: 300, note: '台账与系统数据不一致' },
        { item: '4.1', value: { amount: 1500 } },
        { item: '4.2', value: { num: 12, of: 30 } },
        { item: '4.3', count: 2 },
        { item: '5.1', value: { num: { satisfied: 40, basic: 30 }, of: 100 } },
        { item: '7.1', count: 9 },
        { item: '7.2', amount: 300, note: '防汛期间未在岗' },
      ],
      { base: 1925, bonus: 0, penalty: 2100, converted: null, total: 0, grade: '较差' },
    );
    expect(scoresOf(r, ['1', '1.1', '1.2', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2', '3.3', '4', '4.1', '4.2', '4.3', '5'])).toEqual({
      '1': 0,
      '1.1': 0,
      '1.2': 0,
      '2': 0,
      '2.1': 0,
      '2.2': 0,
      '2.3': 0,
      '3': 0,
      '3.1': 100,
      '3.2': 0,
      '3.3': 0,
      '4': 1100,
      '4.1': 400,
      '4.2': 400,
      '4.3': 300,
      '5': 825,
    });
    expect(nodeOf(r, '3')).toMatchObject({ deductedRaw: 2650, deducted: 2500 });
    expect(r.veto).toBeNull();
  });

  describe('vetoes: the most severe wins', () => {
    // A full base: 4.1 50.01万元 > 50万元 → 10; 4.2 50 ÷ 50 → 10; 5.1 100 ÷ 100 × 15 → 15;
    // nothing else recorded → 15 + 20 + 25 + 25 + 15 = 100.
    const full = [
      { item: '4.1', value: { amount: 5001 } },
      { item: '4.2', value: { num: 50, of: 50 } },
      { item: '5.1', value: { num: { satisfied: 100, basic: 0 }, of: 100 } },
    ];

    it('a full 100 → 优秀; 通报批评 and 擅自离岗超过15天: the forced grade 较差 beats the ceiling 良好, the total stays 100', () => {
      scoreCase(scheme, TEAM, full, { base: 10000, bonus: 0, penalty: 0, converted: null, total: 10000, grade: '优秀' });
      const r = scoreCase(scheme, TEAM, [...full, { item: '7.3' }, { item: '7.4' }], { base: 10000, bonus: 0, penalty: 0, converted: null, total: 10000, grade: '较差' });
      expect(r.veto).toMatchObject({ effect: 'grade', grade: 'poor' });
      expect(r.veto!.items).toContain('7.4');
    });

    it('严重违纪违法 (一票否决) beats both: the total is 0 → 较差, whatever the bonus', () => {
      // 100 + 省级表彰 3 = 103, 一票否决 → 0
      const r = scoreCase(scheme, TEAM, [...full, { item: '6.1.2' }, { item: '7.3' }, { item: '7.4' }, { item: '7.5' }], {
        base: 10000,
        bonus: 300,
        penalty: 0,
        converted: null,
        total: 0,
        grade: '较差',
      });
      expect(r.veto).toMatchObject({ effect: 'zero' });
      expect(r.veto!.items).toContain('7.5');
    });

    it('the ceiling never raises a grade: 72 points with 通报批评 stay 一般', () => {
      // 4.1 恰好20万元 “20万元（含）至50万元” → 7; 4.2 0 ÷ 50 → 0; 5.1 满意0 → 0
      // 基础分 15 + 20 + 25 + (7 + 0 + 5) + 0 = 72 → 一般; 上限良好, 不改变
      const r = scoreCase(
        scheme,
        TEAM,
        [
          { item: '4.1', value: { amount: 2000 } },
          { item: '4.2', value: { num: 0, of: 50 } },
          { item: '5.1', value: { num: { satisfied: 0, basic: 0 }, of: 80 } },
          { item: '7.3' },
        ],
        { base: 7200, bonus: 0, penalty: 0, converted: null, total: 7200, grade: '一般' },
      );
      expect(scoresOf(r, ['4.1', '4.2', '5.1'])).toEqual({ '4.1': 700, '4.2': 0, '5.1': 0 });
    });
  });
});
