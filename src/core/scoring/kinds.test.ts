/**
 * The rule kinds offices write beyond the seed's (issue 18): measured values, several rules in
 * one item, discretionary ranges, penalty sections, highest-only bonus groups, conversion,
 * vetoes by severity. Every case is computed by hand in its comment, as an office checks it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScheme, loadScheme } from '../scheme/load.ts';
import { lintNotes } from '../scheme/lint.ts';
import { schemeToData } from '../scheme/serialize.ts';
import { schemeFromData, type RawScheme } from '../scheme/build.ts';
import { schemeProblemText } from '../scheme/problem-text.ts';
import { explain } from './explain.ts';
import { checkFindings, findingProblemText, FindingsError, resultToJson, score, type Finding } from './score.ts';

const SCHEME = `
id: kinds
version: 1
title: 新规则类型
grades:
  - { code: good, title: 好, min: 50 }
  - { code: fair, title: 较好, min: 40 }
  - { code: poor, title: 差, min: 0 }
sections:
  - code: "1"
    title: 三率一度
    points: 40
    children:
      - code: "1.1"
        title: 识别准确率
        points: 10
        ruleText: 达到100%得满分，每低1个百分点扣0.5分（不足1个百分点按1个百分点计），低于90%的，本项不得分
        dataSource: 以县级交叉考核入户抽样调查结果为准
        rule:
          kind: measured
          measure: { kind: rate, of: 抽查户数 }
          scoring: { by: shortfall, target: 100, step: 1, amount: 0.5, rounding: up, floor: 90 }
      - code: "1.2"
        title: 群众满意度
        points: 15
        ruleText: （满意＋基本满意×0.5）÷有效票×15
        rule:
          kind: measured
          measure:
            kind: rate
            terms: [{ code: satisfied, title: 满意, weight: 1 }, { code: basic, title: 基本满意, weight: 0.5 }]
            of: 有效票
          scoring: { by: proportional }
      - code: "1.3"
        title: 资金投入
        points: 7
        rule:
          kind: measured
          measure: { kind: amount, unit: 万元 }
          scoring: { by: tiers, tiers: [{ min: 10, points: 7, above: true }, { min: 5, points: 5 }, { min: 0, points: 2 }] }
      - code: "1.4"
        title: 工作评价
        points: 8
        rule:
          kind: measured
          measure: { kind: rating, levels: [{ code: a, title: 好, points: 8 }, { code: b, title: 较好, points: 6 }, { code: c, title: 一般, points: 4 }, { code: d, title: 差, points: 0 }] }
          scoring: { by: rating }
  - code: "2"
    title: 动态监测
    points: 20
    children:
      - code: "2.1"
        title: 应纳尽纳
        points: 10
        rule:
          kind: parts
          parts:
            - { code: a, title: 应纳未纳, rule: { kind: perOccurrence, amount: 2 } }
            - { code: b, title: 帮扶措施不落实, rule: { kind: perOccurrence, amount: 1 } }
      - code: "2.2"
        title: 档案资料
        points: 10
        rule: { kind: range, min: 1, max: 3, step: 0.5 }
  - code: "3"
    title: 加分项
    points: 5
    bonus: true
    children:
      - code: "3.1"
        title: 获得表彰
        highestOnly: true
        children:
          - { code: "3.1.1", title: 国家级表彰, rule: { kind: bonus, amount: 3 } }
          - { code: "3.1.2", title: 省级表彰, rule: { kind: bonus, amount: 2 } }
      - code: "3.2"
        title: 落实帮扶资金
        points: 2
        rule: { kind: measured, measure: { kind: amount, unit: 万元 }, scoring: { by: perUnit, unit: 10, amount: 0.5, rounding: down } }
  - code: "4"
    title: 扣分项
    penalty: true
    children:
      - { code: "4.1", title: 被约谈, rule: { kind: fixedPenalty, amount: 2 } }
      - { code: "4.2", title: 被通报批评, rule: { kind: veto, effect: ceiling, grade: fair } }
      - { code: "4.3", title: 发生规模性返贫, rule: { kind: veto, effect: zero } }
`;

const scheme = loadScheme(SCHEME);
const unit = { name: '甲村' };
const pts = (cents: number) => cents / 100;

describe('measured values, parts, ranges, bonus groups and penalties', () => {
  it('case A: every kind once', () => {
    const findings: Finding[] = [
      // 1.1: 93% is 7 points short of 100% → 7 steps × 0.5 = 3.5 → 10 − 3.5 = 6.5
      { item: '1.1', value: { num: 93, of: 100 } },
      // 1.2: (80 + 10 × 0.5) ÷ 100 = 85% → 15 × 85% = 12.75
      { item: '1.2', value: { num: { satisfied: 80, basic: 10 }, of: 100 } },
      // 1.3: 10万元 is not above 10, but reaches 5 → 5 of 7
      { item: '1.3', value: { amount: 1000 } },
      // 1.4: 较好 → 6 of 8
      { item: '1.4', value: { level: 'b' } },
      // 2.1: 2 households not enrolled × 2 + 3 without measures × 1 = 7 → 10 − 7 = 3
      { item: '2.1', part: 'a', count: 2 },
      { item: '2.1', part: 'b', count: 3 },
      // 2.2: 2 places × 1.5 (as judged) = 3 → 7
      { item: '2.2', count: 2, amount: 150, note: '台账缺两个月' },
      // 3.1: national (+3) and provincial (+2) for the same matter: the highest only → +3
      { item: '3.1.1' },
      { item: '3.1.2' },
      // 3.2: 25万元 → 2 whole units of 10万 × 0.5 = 1 (cap 2)
      { item: '3.2', value: { amount: 2500 } },
      // 4.1: −2 from the total
      { item: '4.1' },
    ];
    const r = score(scheme, unit, findings);
    // base = 6.5 + 12.75 + 5 + 6 + 3 + 7 = 40.25; bonus 3 + 1 = 4; total 40.25 + 4 − 2 = 42.25 → 较好
    expect(pts(r.nodes['1.1']!.score)).toBe(6.5);
    expect(pts(r.nodes['1.2']!.score)).toBe(12.75);
    expect(pts(r.nodes['1.3']!.score)).toBe(5);
    expect(pts(r.nodes['1.4']!.score)).toBe(6);
    expect(pts(r.nodes['2.1']!.score)).toBe(3);
    expect(pts(r.nodes['2.2']!.score)).toBe(7);
    expect(r.nodes['3.1.2']!.outranked).toBe(true);
    expect([pts(r.nodes['3.1']!.score), pts(r.nodes['3.2']!.score)]).toEqual([3, 1]);
    expect(pts(r.nodes['4']!.score)).toBe(-2);
    expect([pts(r.base), r.converted, pts(r.bonus), pts(r.penalty), pts(r.total), pts(r.max)]).toEqual([40.25, null, 4, 2, 42.25, 60]);
    expect(r.grade?.code).toBe('fair');
    expect(r.veto).toBeNull();
    expect(r.unmeasured).toEqual([]);

    const zh = explain(r, scheme, 'zh').map((l) => l.text);
    expect(zh).toContain('1.1 识别准确率 实测93%，目标100%，按差7档计，得6.5分: −3.5');
    expect(zh).toContain('1.2 群众满意度 实测85%，得12.75分: −2.25');
    expect(zh).toContain('1.3 资金投入 实测10万元，达到第2档，得5分: −2');
    expect(zh).toContain('1.4 工作评价 评价为较好，得6分: −2');
    expect(zh).toContain('2.1 应纳尽纳·应纳未纳 ×2: −4');
    expect(zh).toContain('2.2 档案资料 ×2 每处扣1.5分: −3（台账缺两个月）');
    expect(zh).toContain('3.1.2 省级表彰：同一事项按最高级别计分，不重复加分，本项不计');
    expect(zh).toContain('3.2 落实帮扶资金 实测25万元: +1');
    expect(zh).toContain('4 扣分项：从总分中扣除2分');
    const en = explain(r, scheme, 'en').map((l) => l.text);
    expect(en).toContain('4 扣分项: −2 from the total');

    const json = resultToJson(r);
    expect([json.base, json.penalty, json.total]).toEqual([40.25, 2, 42.25]);
    expect(json.nodes['2.2']!.findings![0]).toMatchObject({ picked: 1.5, amount: 3 });
    expect(json.nodes['1.1']!.findings![0]).toMatchObject({ shown: 93, amount: 3.5 });
  });

  it('case B: below the floor the item is lost; unmeasured items keep their points; a ceiling caps the grade', () => {
    const r = score(scheme, unit, [
      // 89.5% is below 90%: 本项不得分 → 0
      { item: '1.1', value: { percent: 8950 } },
      { item: '4.2' },
    ]);
    // base = 0 + 15 + 7 + 8 (not measured yet: full) + 20 = 50 → 好 by points, 较好 under the ceiling
    expect(pts(r.nodes['1.1']!.score)).toBe(0);
    expect(pts(r.base)).toBe(50);
    expect(r.unmeasured).toEqual(['1.2', '1.3', '1.4']);
    expect(r.nodes['1.2']!.unmeasured).toBe(true);
    expect(r.grade?.code).toBe('fair');
    expect(r.veto).toEqual({ items: ['4.2'], effect: 'ceiling', grade: 'fair', ceiling: 'fair' });
    const zh = explain(r, scheme, 'zh').map((l) => l.text);
    expect(zh).toContain('1.1 识别准确率 实测89.5%，低于90%，本项不得分，得0分: −10');
    expect(zh).toContain('1.2 群众满意度：未录入实测值，暂按满分计');
    expect(zh.at(-1)).toBe('一票否决：4.2（不得评为高于较好的等次）');
  });

  it('case C: the most severe veto wins, whatever their order (zero before a ceiling)', () => {
    const a = score(scheme, unit, [{ item: '4.2' }, { item: '4.3' }]);
    const b = score(scheme, unit, [{ item: '4.3' }, { item: '4.2' }]);
    for (const r of [a, b]) {
      expect(r.total).toBe(0);
      expect(r.veto).toMatchObject({ effect: 'zero', ceiling: 'fair' });
      expect(r.grade?.code).toBe('poor');
    }
    expect(explain(a, scheme, 'zh').at(-1)!.text).toBe('一票否决：4.2, 4.3（总分计0分；不得评为高于较好的等次）');
  });

  it('case D: unmeasured: zero — a measured item without a value earns nothing', () => {
    const zero = loadScheme(SCHEME.replace('grades:', 'unmeasured: zero\ngrades:'));
    const r = score(zero, unit, []);
    // section 1: 0 + 0 + 0 + 0; section 2: 20 → base 20
    expect(pts(r.base)).toBe(20);
    expect(explain(r, zero, 'zh').map((l) => l.text)).toContain('1.1 识别准确率：未录入实测值，暂按0分计');
  });

  it('shortfall counted pro rata (按实际差值计算), rounded half up to 0.01', () => {
    const exact = loadScheme(SCHEME.replace('rounding: up, floor: 90', 'rounding: exact'));
    // 93.4%: 6.6 points short × 0.5 = 3.3 → 6.7
    expect(pts(score(exact, unit, [{ item: '1.1', value: { num: 934, of: 1000 } }]).nodes['1.1']!.score)).toBe(6.7);
    // 2 of 3 = 66.666…%: 33.333… short × 0.5 = 16.666… → the item's 10 are gone
    expect(pts(score(exact, unit, [{ item: '1.1', value: { num: 2, of: 3 } }]).nodes['1.1']!.score)).toBe(0);
    // 99.99%: 0.01 short × 0.5 = 0.005 → rounds half up to 0.01 → 9.99
    expect(pts(score(exact, unit, [{ item: '1.1', value: { percent: 9999 } }]).nodes['1.1']!.score)).toBe(9.99);
    // counted whole steps only: 93.4% → 6 steps → 3 → 7
    const down = loadScheme(SCHEME.replace('rounding: up, floor: 90', 'rounding: down'));
    expect(pts(score(down, unit, [{ item: '1.1', value: { num: 934, of: 1000 } }]).nodes['1.1']!.score)).toBe(7);
    // and up (the scheme's own): 6.6 short → 7 steps → 3.5 → 6.5
    expect(pts(score(scheme, unit, [{ item: '1.1', value: { num: 934, of: 1000 } }]).nodes['1.1']!.score)).toBe(6.5);
  });

  it('tiers: 以上 includes the bound unless marked above (超过); below every tier earns the last tier or nothing', () => {
    const at = (amount: number) => pts(score(scheme, unit, [{ item: '1.3', value: { amount } }]).nodes['1.3']!.score);
    expect([at(1001), at(1000), at(500), at(499), at(0)]).toEqual([7, 5, 5, 2, 2]);
  });

  it('several rules in one item stop at the item points (扣完为止)', () => {
    const r = score(scheme, unit, [
      { item: '2.1', part: 'a', count: 4 },
      { item: '2.1', part: 'b', count: 5 },
    ]);
    // 4 × 2 + 5 × 1 = 13 recorded, the item's 10 are gone → 0
    expect([pts(r.nodes['2.1']!.deductedRaw), pts(r.nodes['2.1']!.deducted), pts(r.nodes['2.1']!.score)]).toEqual([13, 10, 0]);
  });
});

describe('conversion and a capped penalty section', () => {
  const converted = loadScheme(`
id: convert
version: 1
title: 折算
notApplicable: exclude
convert: 100
sections:
  - code: "1"
    title: 基础工作
    points: 60
    children:
      - { code: "1.1", title: 工作台账, points: 30, rule: { kind: perOccurrence, amount: 5 } }
      - { code: "1.2", title: 贫困村出列, points: 30, appliesIf: { povertyVillage: true }, rule: { kind: allOrNothing } }
  - code: "2"
    title: 加分
    points: 5
    bonus: true
    children:
      - { code: "2.1", title: 经验推广, rule: { kind: bonus, amount: 2 } }
  - code: "3"
    title: 其他扣分
    penalty: true
    penaltyCap: 3
    children:
      - { code: "3.1", title: 资料不实, rule: { kind: range, min: 1, max: 2, step: 0.5 } }
      - { code: "3.2", title: 被约谈, rule: { kind: fixedPenalty, amount: 2 } }
`);

  it('本项不参与考核，按实得分÷应得分×100折算，再计算加分和扣分', () => {
    const r = score(converted, { name: '乙村', attributes: { povertyVillage: false } }, [
      { item: '1.1' },
      { item: '2.1' },
      { item: '3.1', amount: 150, note: '数据前后不一' },
      { item: '3.2' },
    ]);
    // 1.2 does not apply: the maximum is 30; base 25 → 25 ÷ 30 × 100 = 83.333… → 83.33
    // + 2 bonus − (1.5 + 2 = 3.5, at most 3) = 82.33
    expect([pts(r.base), pts(r.max), pts(r.converted!), pts(r.bonus), pts(r.penalty), pts(r.total)]).toEqual([25, 30, 83.33, 2, 3, 82.33]);
    const zh = explain(r, converted, 'zh').map((l) => l.text);
    expect(zh).toContain('基础分折算：25÷30×100＝83.33分');
    expect(zh).toContain('3 其他扣分：从总分中扣除，记录3.5分，最多扣3分，实扣3分');
  });

  it('a section that both adds and deducts (其他奖惩办法): its bonus adds, its judged deduction comes off the total, each explained with its sign', () => {
    const mixed = loadScheme(`
id: mixed
version: 1
title: 奖惩
sections:
  - code: "1"
    title: 基础工作
    points: 10
    children:
      - { code: "1.1", title: 台账, points: 10, rule: { kind: perOccurrence, amount: 1 } }
  - code: "2"
    title: 其他奖惩办法
    points: 3
    bonus: true
    penalty: true
    children:
      - { code: "2.1", title: 经验推广, rule: { kind: bonus, amount: 2 } }
      - { code: "2.2", title: 工作失误, rule: { kind: range, min: 1, max: 3 } }
`);
    const r = score(mixed, unit, [{ item: '2.1' }, { item: '2.2', amount: 150, note: '报表错报' }]);
    // 10 + 2 − 1.5 = 10.5
    expect([pts(r.base), pts(r.bonus), pts(r.penalty), pts(r.total)]).toEqual([10, 2, 1.5, 10.5]);
    const lines = explain(r, mixed, 'zh');
    expect(lines.find((l) => l.code === '2.1')).toMatchObject({ kind: 'bonus', text: '2.1 经验推广 ×1: +2' });
    expect(lines.find((l) => l.code === '2.2')).toMatchObject({ kind: 'finding', text: '2.2 工作失误 ×1 每处扣1.5分: −1.5（报表错报）' });
  });

  it('the total is never below 0', () => {
    const penalties = loadScheme(SCHEME.replace('rule: { kind: fixedPenalty, amount: 2 }', 'rule: { kind: fixedPenalty, amount: 30 }'));
    const r = score(penalties, unit, [{ item: '4.1', count: 5 }]);
    // base 60 − 150 → 0
    expect([pts(r.penalty), r.total]).toEqual([150, 0]);
  });
});

describe('findings of the new kinds are checked, with the item named', () => {
  const problems = (findings: Finding[]) => checkFindings(scheme, unit, findings).map((p) => [p.code, p.field, findingProblemText(p, 'zh')]);

  it('names what is missing or wrong', () => {
    expect(problems([{ item: '1.1' }])).toEqual([['missing-value', 'value', '考核项目 1.1 按实测值计分：须填写测得的数值']]);
    expect(problems([{ item: '1.1', value: { num: 1, of: 0 } }])[0]!.slice(0, 2)).toEqual(['bad-value', 'value']);
    expect(problems([{ item: '1.2', value: { num: { happy: 1 }, of: 3 } }])[0]![2]).toBe('考核项目 1.2 没有分子项 happy（分子项：satisfied、basic）');
    expect(problems([{ item: '1.4', value: { level: 'x' } }])[0]![2]).toBe('考核项目 1.4 没有评价等次 x（等次：a、b、c、d）');
    expect(problems([{ item: '1.3', value: { level: 'a' } }])[0]!.slice(0, 2)).toEqual(['value-kind', 'value']);
    expect(problems([{ item: '2.2', note: '缺' }])).toEqual([['missing-amount', 'amount', '考核项目 2.2 视情况扣分：须在1至3分之间选定每处扣分']]);
    expect(problems([{ item: '2.2', amount: 125, note: '缺' }])[0]![2]).toBe('考核项目 2.2 每处扣分须在1至3分之间，按0.5分一档，不能是 1.25');
    expect(problems([{ item: '2.2', amount: 400, note: '缺' }])[0]![0]).toBe('bad-amount');
    expect(problems([{ item: '2.2', amount: 200 }])).toEqual([['missing-reason', 'note', '考核项目 2.2 视情况扣分：须写明理由']]);
    expect(problems([{ item: '2.1' }])[0]![2]).toBe('考核项目 2.1 有多项评分标准：须选择其中一项（a、b）');
    expect(problems([{ item: '2.1', part: 'z' }])[0]![0]).toBe('unknown-part');
    expect(problems([{ item: '4.1', part: 'a' }])[0]![0]).toBe('unexpected-part');
    expect(problems([{ item: '4.1', value: { amount: 1 } }])[0]![0]).toBe('unexpected-value');
    expect(problems([{ item: '4.1', amount: 100 }])[0]![0]).toBe('unexpected-amount');
    expect(problems([{ item: '1.1', count: 2, value: { percent: 9000 } }])[0]![0]).toBe('measured-count');
    expect(
      problems([
        { item: '1.1', value: { percent: 9000 } },
        { item: '1.1', value: { percent: 9500 } },
      ]),
    ).toEqual([['measured-twice', 'value', '考核项目 1.1 只记一个实测值：已有一个']]);
    expect(
      problems([
        { item: '2.1', part: 'a', count: 1 },
        { item: '2.2', amount: 300, note: '理由' },
        { item: '1.1', value: { num: 9, of: 10 } },
      ]),
    ).toEqual([]);
  });

  it('score throws them all at once', () => {
    expect(() => score(scheme, unit, [{ item: '1.1' }, { item: '2.2' }])).toThrow(FindingsError);
  });
});

describe('the scheme file: new kinds checked and kept', () => {
  const codes = (text: string) => parseScheme(text).problems.map((p) => [p.code, p.node, schemeProblemText(p, 'zh')]);

  it('reports each mistake in Chinese at its node', () => {
    const bad = SCHEME.replace('min: 1, max: 3, step: 0.5', 'min: 3, max: 1, step: 0.5')
      .replace('{ kind: perOccurrence, amount: 1 } }', '{ kind: veto, effect: zero } }')
      .replace('penalty: true', 'penalty: true\n    points: 5')
      .replace('by: proportional', 'by: percent');
    const found = codes(bad);
    expect(found).toContainEqual(['range-order', '2.2', '最低扣分3分高于最高扣分1分']);
    expect(found).toContainEqual(['part-kind', '2.1', '多项评分标准中的每一项只能是按次扣分、按项扣分、全项扣分或视情况扣分，不能是一票否决']);
    expect(found).toContainEqual(['penalty-with-points', '4', '扣分项（从总分中扣除）不设分值；要限制扣分总额，请填扣分上限（penaltyCap）']);
    expect(found.find((p) => p[0] === 'unknown-scoring')![2]).toMatch(/^不认识的计分方式“percent”/);
  });

  it('a shortfall in a bonus section is a deduction there, and refused as one (the engine and the check agree)', () => {
    const bad = SCHEME.replace('scoring: { by: perUnit, unit: 10, amount: 0.5, rounding: down }', 'scoring: { by: shortfall, target: 10, step: 1, amount: 0.5 }');
    expect(codes(bad)).toContainEqual(['deduction-in-bonus-section', '3.2', '加分项中只能有加分规则']);
  });

  it('checks periods and ranking rules', () => {
    const withRules = SCHEME.replace(
      'grades:',
      `periods:
  - { code: daily, title: 平时考核, weight: 30, combine: average }
  - { code: final, title: 年终考核, weight: 60 }
ranking:
  quotas: [{ grade: good, share: 20, otherwise: good }]
  tieBreak: [final, "9.9"]
grades:`,
    );
    const found = codes(withRules);
    expect(found).toContainEqual(['period-weights', undefined, '各考核阶段的权重合计90%，应为100%']);
    expect(found.map((p) => p[0])).toEqual(expect.arrayContaining(['quota-otherwise', 'unknown-tie-break']));
  });

  it('keeps the rounding and boundary ties of a quota, and reads the periods and ranking rules back', () => {
    const withRules = loadScheme(
      SCHEME.replace(
        'grades:',
        `periods:
  - { code: daily, title: 平时考核, weight: 30 }
  - { code: final, title: 年终考核, weight: 70, combine: last }
ranking:
  quotas: [{ grade: good, share: 20, otherwise: fair, rounding: halfUp, boundaryTies: keep }]
  tieBreak: [final, 1.1]
  rankPoints: [60, 57.5]
grades:`,
      ),
    );
    expect(withRules.periods).toEqual([
      { code: 'daily', title: { zh: '平时考核' }, weight: 3000, combine: 'average' },
      { code: 'final', title: { zh: '年终考核' }, weight: 7000, combine: 'last' },
    ]);
    expect(withRules.ranking).toEqual({
      quotas: [{ grade: 'good', share: 2000, otherwise: 'fair', rounding: 'halfUp', boundaryTies: 'keep' }],
      tieBreak: ['final', '1.1'],
      rankPoints: [6000, 5750],
    });
    expect(schemeFromData(schemeToData(withRules) as unknown as RawScheme)).toEqual(withRules);
  });

  it('round-trips through the data of a file: serialize, load again, same scheme and scores', () => {
    const data = schemeToData(scheme) as unknown as RawScheme;
    const again = schemeFromData(data);
    expect(again).toEqual(scheme);
    const findings: Finding[] = [
      { item: '1.2', value: { num: { satisfied: 7, basic: 2 }, of: 10 } },
      { item: '2.2', amount: 250, note: '理由' },
    ];
    expect(score(again, unit, findings)).toEqual(score(scheme, unit, findings));
  });

  it('lint notes name the veto effect, the penalty section, the highest-only group and the bonus items however deep', () => {
    const notes = lintNotes(scheme, 'zh').map((n) => n.message);
    expect(notes).toContain('4.2 为一票否决项：不得评为高于较好的等次');
    expect(notes).toContain('4.3 为一票否决项：总分计0分');
    expect(notes).toContain('4 扣分项 为扣分项：从总分中扣除，不受单项分值限制');
    expect(notes).toContain('3.1 同一事项按最高级别计分，不重复加分');
    // 3.1.1 (+3) and 3.1.2 (+2) sit one level down: they count in the bonus note.
    expect(notes).toContain('3 加分项 为加分项，加在基础分之上，最多5分（各项各记一次可得5分）');
  });
});

describe('properties on the new kinds', () => {
  const findingArb: fc.Arbitrary<Finding> = fc.oneof(
    fc.record({ item: fc.constant('1.1'), value: fc.record({ num: fc.integer({ min: 0, max: 120 }), of: fc.integer({ min: 1, max: 120 }) }) }),
    fc.record({ item: fc.constant('1.3'), value: fc.record({ amount: fc.integer({ min: 0, max: 5000 }) }) }),
    fc.record({ item: fc.constant('2.1'), part: fc.constantFrom('a', 'b'), count: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ item: fc.constant('2.2'), count: fc.integer({ min: 0, max: 5 }), amount: fc.constantFrom(100, 150, 200, 250, 300), note: fc.constant('理由') }),
    fc.record({ item: fc.constantFrom('3.1.1', '3.1.2', '4.1', '4.2'), count: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ item: fc.constant('3.2'), value: fc.record({ amount: fc.integer({ min: 0, max: 10000 }) }) }),
  );
  /** At most one value per measured item, as the service keeps it. */
  const listArb = fc.array(findingArb, { maxLength: 12 }).map((list) => {
    const seen = new Set<string>();
    return list.filter((f) => f.value === undefined || (!seen.has(f.item) && seen.add(f.item)));
  });

  it('every base node within [0, max], the bonus within [0, cap], the total ≥ 0 and (converted ?? base) + bonus − penalty', () => {
    fc.assert(
      fc.property(listArb, (findings) => {
        const r = score(scheme, unit, findings);
        for (const code of ['1', '1.1', '1.2', '1.3', '1.4', '2', '2.1', '2.2']) {
          const n = r.nodes[code]!;
          expect(n.score).toBeGreaterThanOrEqual(0);
          expect(n.score).toBeLessThanOrEqual(n.max);
        }
        expect(r.bonus).toBeGreaterThanOrEqual(0);
        expect(r.bonus).toBeLessThanOrEqual(r.bonusMax);
        expect(r.total).toBe(Math.max(0, r.base + r.bonus - r.penalty));
      }),
      { numRuns: 300 },
    );
  });

  it('the order of the findings does not change the score', () => {
    fc.assert(
      fc.property(listArb, fc.integer(), (findings, seed) => {
        const shuffled = [...findings].sort((a, b) => ((JSON.stringify(a).length * 31 + seed) % 7) - ((JSON.stringify(b).length * 31 + seed) % 7));
        const a = score(scheme, unit, findings);
        const b = score(scheme, unit, shuffled);
        expect([b.base, b.bonus, b.penalty, b.total, b.grade?.code]).toEqual([a.base, a.bonus, a.penalty, a.total, a.grade?.code]);
      }),
      { numRuns: 300 },
    );
  });
});
