/**
 * 村级防止返贫动态监测和帮扶工作考核细则 (village-monitoring-2024.yaml) on cases an office
 * computes by hand. Section 三 applies to 脱贫村 only (povertyVillage); elsewhere it leaves the
 * maximum (notApplicable: exclude) and the base is converted: 实得分 ÷ 应得分 × 100, rounded
 * half up to 0.01, then + bonus (at most 3) − deductions (at most 10), floored at 0.
 * Points in cents (hundredths): 81.38 is 8138.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { schemeFromData, type RawScheme } from '../core/scheme/build.ts';
import type { Scheme } from '../core/scheme/model.ts';
import { schemeToData } from '../core/scheme/serialize.ts';
import { FindingsError, score } from '../core/scoring/score.ts';
import { BUILTIN_DIR, builtinScheme, loadSchemeFile } from './index.ts';
import { nodeOf, scoreCase, scoresOf } from './scheme-cases.ts';

const OTHER_VILLAGE = { name: '东岭村', attributes: { povertyVillage: false } };
const POVERTY_VILLAGE = { name: '石门村', attributes: { povertyVillage: true } };

describe('village-monitoring-2024: the scheme', () => {
  it('loads from its file: converts to 100, excludes what does not apply, bonus at most 3, deductions at most 10', () => {
    const scheme = loadSchemeFile(join(BUILTIN_DIR, 'village-monitoring-2024.yaml'));
    expect(scheme.convert).toBe(10000);
    expect(scheme.notApplicable).toBe('exclude');
    expect(scheme.sections.map((s) => [s.title.zh, s.points])).toEqual([
      ['监测对象识别', 3000],
      ['帮扶措施落实', 3000],
      ['脱贫村专项', 2000],
      ['档案资料', 2000],
      ['加分项', 300],
      ['扣分项', null],
    ]);
    expect(scheme.sections[2]!.appliesIf).toEqual({ povertyVillage: true });
    expect(scheme.sections[5]).toMatchObject({ penalty: true, penaltyCap: 1000 });
    expect(builtinScheme('village-monitoring-2024')).toEqual(scheme);
    // Stored with a campaign as data and read back (the browser's copy): the same scheme.
    expect(schemeFromData(schemeToData(scheme) as unknown as RawScheme)).toEqual(scheme);
  });
});

describe('village-monitoring-2024: hand-computed cases', () => {
  // Loaded before the cases (not while collecting them), so that a scheme that fails to load fails each case.
  let scheme: Scheme;
  beforeAll(() => {
    scheme = builtinScheme('village-monitoring-2024');
  });

  it('a village that is not a 脱贫村: discretionary deductions per place, a pool; 65.1 of 80 converted to 81.38, then +2 −2 → 较好', () => {
    // 1.2  应纳未纳1户 −3; 识别程序不规范 每户扣0.5-1分: 0.8 + 0.5 = −1.3 → 12 − 4.3 = 7.7
    // 1.3  信息录入错误 每处扣0.5-1分: 0.6 + 1 = −1.6 → 6.4             一、10 + 7.7 + 6.4 = 24.1
    // 2.1  视情况扣2.5分 → 12.5;  2.2 2户 −2 → 8;  2.3 → 5               二、25.5
    // 三、脱贫村专项 不参与考核 (应得分 100 − 20 = 80)
    // 4.1  5户 × 0.5 = −2.5;  4.2 缺2次 −2; 扣完20分为止 → 20 − 4.5     四、15.5
    // 实得分 24.1 + 25.5 + 15.5 = 65.1;  折算 65.1 ÷ 80 × 100 = 81.375 → 81.38
    // 加分: 通报表扬2次 × 1 = 2;  扣分: 督查发现漏评1户 −2
    // 最终得分 81.38 + 2 − 2 = 81.38 → 较好
    const r = scoreCase(
      scheme,
      OTHER_VILLAGE,
      [
        { item: '1.2', part: 'a', count: 1 },
        { item: '1.2', part: 'b', amount: 80, note: '未经村民代表评议' },
        { item: '1.2', part: 'b', amount: 50, note: '公示时间不足' },
        { item: '1.3', amount: 60, note: '家庭人口数录入错误' },
        { item: '1.3', amount: 100, note: '风险类型录入错误' },
        { item: '2.1', amount: 250, note: '因病风险户未落实医疗保障措施' },
        { item: '2.2', count: 2 },
        { item: '4.1', count: 5 },
        { item: '4.2', count: 2 },
        { item: '5.2', count: 2 },
        { item: '6.1', count: 1 },
      ],
      { base: 6510, bonus: 200, penalty: 200, converted: 8138, total: 8138, grade: '较好' },
    );
    expect(r.max).toBe(8000);
    expect(scoresOf(r, ['1', '1.2', '1.3', '2', '2.1', '2.2', '4', '4.1', '4.2'])).toEqual({
      '1': 2410,
      '1.2': 770,
      '1.3': 640,
      '2': 2550,
      '2.1': 1250,
      '2.2': 800,
      '4': 1550,
      '4.1': 750,
      '4.2': 800,
    });
    expect(nodeOf(r, '3')).toMatchObject({ applicable: false, max: 0 });
    expect(nodeOf(r, '1.3').deductions!.map((d) => [d.note, d.amount])).toEqual([
      ['家庭人口数录入错误', 60],
      ['风险类型录入错误', 100],
    ]);
  });

  it('a 脱贫村: section 三 applies, 86.5 of 100 stays 86.5; the bonus stops at 3 → 较好', () => {
    // 1.1  未开展集中排查 → 0                                           一、0 + 12 + 8 = 20
    // 二、30
    // 3.1  项目资产管护不到位 每处扣0.5-1分: 1 + 0.5 → 8.5;  3.2 缺勤4天 × 0.5 = −2 → 8   三、16.5
    // 四、20
    // 实得分 20 + 30 + 16.5 + 20 = 86.5;  应得分100, 折算 86.5 ÷ 100 × 100 = 86.5
    // 加分: 经验推广 2 + 通报表扬2次 2 = 4 > 3 → 3
    // 最终得分 86.5 + 3 = 89.5 → 较好
    const r = scoreCase(
      scheme,
      POVERTY_VILLAGE,
      [
        { item: '1.1', count: 1 },
        { item: '3.1', amount: 100, note: '光伏电站无管护记录' },
        { item: '3.1', amount: 50, note: '扶贫车间未挂牌' },
        { item: '3.2', count: 4 },
        { item: '5.1', count: 1 },
        { item: '5.2', count: 2 },
      ],
      { base: 8650, bonus: 300, penalty: 0, converted: 8650, total: 8950, grade: '较好' },
    );
    expect(r.max).toBe(10000);
    expect(scoresOf(r, ['1', '1.1', '3', '3.1', '3.2', '5', '5.1', '5.2'])).toEqual({
      '1': 2000,
      '1.1': 0,
      '3': 1650,
      '3.1': 850,
      '3.2': 800,
      '5': 300,
      '5.1': 200,
      '5.2': 100,
    });
    expect(nodeOf(r, '3')).toMatchObject({ applicable: true, max: 2000 });
  });

  it('deductions from the total stop at 10; parts stop at their item, the pool at 20; 33 of 80 → 41.25 − 10 = 31.25 → 差', () => {
    // 1.2  应纳未纳5户 × 3 = 15 > 12, 扣完为止 → 0                   一、10 + 0 + 8 = 18
    // 2.1  视情况扣3分: 2处 ×2 + 1处 + 1处 = 6处 × 3 = 18 > 15 → 0      二、0 + 10 + 5 = 15
    // 4.1  30户 × 0.5 = 15;  4.2 缺10次 × 1 = 10; 共25, 扣完20分为止  四、0
    // 实得分 18 + 15 + 0 = 33;  折算 33 ÷ 80 × 100 = 41.25
    // 扣分: 督查发现错评漏评4户 × 2 = 8; 数据弄虚作假 视情况扣5分; 共13, 最多扣10分 → 10
    // 最终得分 41.25 − 10 = 31.25 → 差
    const r = scoreCase(
      scheme,
      OTHER_VILLAGE,
      [
        { item: '1.2', part: 'a', count: 5 },
        { item: '2.1', amount: 300, count: 2, note: '两户因学风险未落实教育资助' },
        { item: '2.1', amount: 300, count: 2, note: '两户因残风险未落实残疾人补贴' },
        { item: '2.1', amount: 300, note: '一户因灾风险未落实救助' },
        { item: '2.1', amount: 300, note: '一户务工风险未落实就业帮扶' },
        { item: '4.1', count: 30 },
        { item: '4.2', count: 10 },
        { item: '6.1', count: 4 },
        { item: '6.2', amount: 500, note: '监测对象收入数据编造' },
      ],
      { base: 3300, bonus: 0, penalty: 1000, converted: 4125, total: 3125, grade: '差' },
    );
    expect(scoresOf(r, ['1', '1.2', '2', '2.1', '4', '4.1', '4.2'])).toEqual({ '1': 1800, '1.2': 0, '2': 1500, '2.1': 0, '4': 0, '4.1': 0, '4.2': 0 });
    expect(nodeOf(r, '4')).toMatchObject({ deductedRaw: 2500, deducted: 2000 });
    expect(nodeOf(r, '2.1').deductedRaw).toBe(1800);
  });

  it('nothing found in a village that is not a 脱贫村: 80 of 80 → 100 → 好; 发生返贫 (一票否决) → 0 → 差, whatever the bonus', () => {
    // 实得分80, 应得分80 → 80 ÷ 80 × 100 = 100
    scoreCase(scheme, OTHER_VILLAGE, [], { base: 8000, bonus: 0, penalty: 0, converted: 10000, total: 10000, grade: '好' });
    // 100 + 经验推广2 = 102, 一票否决 → 0
    const r = scoreCase(scheme, OTHER_VILLAGE, [{ item: '5.1' }, { item: '6.3' }], {
      base: 8000,
      bonus: 200,
      penalty: 0,
      converted: 10000,
      total: 0,
      grade: '差',
    });
    expect(r.veto).toMatchObject({ items: ['6.3'], effect: 'zero' });
  });

  it('a discretionary deduction needs a reason and an amount within its range (any amount in it: the wording states no steps); a part must be named', () => {
    try {
      score(scheme, POVERTY_VILLAGE, [
        { item: '1.3', amount: 80 },
        { item: '1.3', amount: 120, note: '每处扣0.5-1分, 不能扣1.2分' },
        { item: '2.1', amount: 350, note: '视情况扣1—3分, 不能扣3.5分' },
        { item: '1.2', count: 1 },
      ]);
      expect.unreachable('expected a FindingsError');
    } catch (e) {
      expect(e).toBeInstanceOf(FindingsError);
      expect((e as FindingsError).problems.map((p) => [p.index, p.item, p.code])).toEqual([
        [0, '1.3', 'missing-reason'],
        [1, '1.3', 'bad-amount'],
        [2, '2.1', 'bad-amount'],
        [3, '1.2', 'missing-part'],
      ]);
    }
  });

  it('a finding on section 三 of a village that is not a 脱贫村 is refused, never scored', () => {
    try {
      score(scheme, OTHER_VILLAGE, [{ item: '3.2', count: 2 }]);
      expect.unreachable('expected a FindingsError');
    } catch (e) {
      expect(e).toBeInstanceOf(FindingsError);
      expect((e as FindingsError).problems).toEqual([expect.objectContaining({ index: 0, item: '3.2', code: 'not-applicable' })]);
    }
  });
});
