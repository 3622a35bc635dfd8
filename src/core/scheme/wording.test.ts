import { describe, expect, it } from 'vitest';
import { chineseNumber, normalizeWording, readWording, type WordingRead } from './wording.ts';

const read = (text: string): WordingRead => {
  const r = readWording(text);
  if (!r.ok) throw new Error(`not read: ${text}: ${r.problem.message}`);
  return r.read;
};
const refused = (text: string) => {
  const r = readWording(text);
  if (r.ok) throw new Error(`read, but should not be: ${text}: ${JSON.stringify(r.read)}`);
  return r.problem;
};

describe('normalising', () => {
  it('full-width digits and punctuation, dashes and numerals', () => {
    expect(normalizeWording('每缺少一项扣２分，扣完２０分为止。')).toBe('每缺少一项扣2分,扣完20分为止');
    expect(normalizeWording('视情况扣1—3分')).toBe('视情况扣1-3分');
    expect(normalizeWording('视情况扣1～3分')).toBe('视情况扣1-3分');
    expect(normalizeWording('扣两分')).toBe('扣2分');
    expect(normalizeWording('每低一个百分点扣零点五分')).toContain('每低1个百分点');
    expect(chineseNumber('二十五')).toBe(25);
    expect(chineseNumber('十')).toBe(10);
    expect(chineseNumber('一百')).toBe(100);
  });
});

describe('the wordings of the table in docs/schemes.md', () => {
  it('每缺少一项扣N分 / 发现一处…扣N分 / 每…扣N分: perOccurrence', () => {
    expect(read('每缺少一项扣2分').rule).toEqual({ kind: 'perOccurrence', amount: 2 });
    expect(read('发现一处错误扣2分').rule).toEqual({ kind: 'perOccurrence', amount: 2 });
    expect(read('发现一例政策不知晓情况扣1分。').rule).toEqual({ kind: 'perOccurrence', amount: 1 });
    expect(read('延报错报一次扣1分').rule).toEqual({ kind: 'perOccurrence', amount: 1 });
    expect(read('每处扣0.5分').rule).toEqual({ kind: 'perOccurrence', amount: 0.5 });
    expect(read('每发现一处扣２分').rule).toEqual({ kind: 'perOccurrence', amount: 2 });
    expect(read('每缺少一项扣二分').rule).toEqual({ kind: 'perOccurrence', amount: 2 });
    expect(read('扣2分/处').rule).toEqual({ kind: 'perOccurrence', amount: 2 });
  });

  it('扣完N分为止: a pool of N; 扣完为止: the item', () => {
    expect(read('每缺少一项扣2分，扣完20分为止。')).toEqual({ rule: { kind: 'perOccurrence', amount: 2 }, pool: { points: 20 } });
    expect(read('发现一处错误扣2分,扣完30分为止').pool).toEqual({ points: 30 });
    expect(read('每处扣1分，扣完为止').pool).toEqual({ points: null });
    expect(read('每处扣1分，扣完本项分值为止').pool).toEqual({ points: null });
    expect(read('每处扣1分，最多扣5分').pool).toEqual({ points: 5 });
  });

  it('否则不得分 / …的，不得分 / 本项不得分: allOrNothing', () => {
    expect(read('至少2种宣传方式，否则不得分。').rule).toEqual({ kind: 'allOrNothing' });
    expect(read('未建立台账的，不得分').rule).toEqual({ kind: 'allOrNothing' });
    expect(read('没有不得分。').rule).toEqual({ kind: 'allOrNothing' });
    expect(read('次数不达标不得分').rule).toEqual({ kind: 'allOrNothing' });
    expect(read('基本满意和不满意不得分').rule).toEqual({ kind: 'allOrNothing' });
    expect(read('未按时完成的，本项不得分').rule).toEqual({ kind: 'allOrNothing' });
  });

  it('有一个…扣N分 and other failed obligations: fixedPenalty', () => {
    expect(read('“十个一”有一个完成不了，扣10分。').rule).toEqual({ kind: 'fixedPenalty', amount: 10 });
    expect(read('村不得出列扣20分。').rule).toEqual({ kind: 'fixedPenalty', amount: 20 });
    expect(read('一户不得脱贫扣10分').rule).toEqual({ kind: 'fixedPenalty', amount: 10 });
  });

  it('视情况扣1—3分 / 每处扣0.5-1分: range', () => {
    expect(read('资料不全的，视情况扣1—3分').rule).toEqual({ kind: 'range', min: 1, max: 3 });
    expect(read('每处扣0.5-1分').rule).toEqual({ kind: 'range', min: 0.5, max: 1 });
    expect(read('酌情扣1至3分').rule).toEqual({ kind: 'range', min: 1, max: 3 });
    expect(read('视情况扣１～３分，扣完为止').pool).toEqual({ points: null });
  });

  it('达到X%得满分，每低1个百分点扣N分 (rounding stated), 低于Y%的不得分: measured shortfall', () => {
    expect(read('达到100%得满分，每低1个百分点扣0.5分（不足1个百分点按1个百分点计），低于90%的，本项不得分').rule).toEqual({
      kind: 'measured',
      measure: { kind: 'rate' },
      scoring: { by: 'shortfall', target: 100, step: 1, amount: 0.5, rounding: 'up', floor: 90 },
    });
    expect(read('贫困人口漏评率达到100%得满分，每低1个百分点扣0.2分（按实际差值计算）').rule).toEqual({
      kind: 'measured',
      measure: { kind: 'rate', title: '贫困人口漏评率' },
      scoring: { by: 'shortfall', target: 100, step: 1, amount: 0.2, rounding: 'exact' },
    });
    expect(read('达到９５％得满分；每低一个百分点扣1分，不足1个百分点不扣分').rule).toMatchObject({ scoring: { target: 95, step: 1, amount: 1, rounding: 'down' } });
  });

  it('tiers: 以上/以下 inclusive, （含） marks the other bounds, 超过 exclusive', () => {
    expect(read('10万元以上得7分，5万元（含）至10万元得5分，5万元以下得2分').rule).toEqual({
      kind: 'measured',
      measure: { kind: 'amount', unit: '万元' },
      scoring: {
        by: 'tiers',
        tiers: [
          { min: 10, points: 7, above: true },
          { min: 5, points: 5 },
          { min: 0, points: 2 },
        ],
      },
    });
    // （含） on both lower bounds: each tier from its number up.
    expect(read('10万元（含）以上得7分，5万元（含）至10万元得5分').rule).toMatchObject({ scoring: { tiers: [{ min: 10 }, { min: 5 }] } });
    expect(read('超过10万元得7分，5—10万元得5分').rule).toMatchObject({
      scoring: {
        tiers: [
          { min: 10, points: 7, above: true },
          { min: 5, points: 5 },
        ],
      },
    });
    expect(read('90%（含）以上得10分，80%（含）至90%得6分，不足80%得0分').rule).toMatchObject({
      measure: { kind: 'rate' },
      scoring: { tiers: [{ min: 90 }, { min: 80 }, { min: 0 }] },
    });
    expect(read('10万元以上得7分，5万元（含）至10万元得5分').fullPoints).toBe(7);
  });

  it('好A分、较好B分、一般C分、差D分: rating', () => {
    expect(read('好10分、较好8分、一般5分、差0分').rule).toEqual({
      kind: 'measured',
      measure: {
        kind: 'rating',
        levels: [
          { code: 'a', title: '好', points: 10 },
          { code: 'b', title: '较好', points: 8 },
          { code: 'c', title: '一般', points: 5 },
          { code: 'd', title: '差', points: 0 },
        ],
      },
      scoring: { by: 'rating' },
    });
    expect(read('评为优秀的得10分，良好的得8分，合格的得6分').rule).toMatchObject({ measure: { levels: [{ title: '优秀' }, { title: '良好' }, { title: '合格' }] } });
  });

  it('按完成比例得分 / （满意＋基本满意×0.5）÷有效票×N: proportional', () => {
    expect(read('按完成比例得分').rule).toEqual({ kind: 'measured', measure: { kind: 'rate' }, scoring: { by: 'proportional' } });
    expect(read('（满意＋基本满意×0.5）÷有效票×15')).toEqual({
      rule: {
        kind: 'measured',
        measure: {
          kind: 'rate',
          terms: [
            { code: 'satisfied', title: '满意', weight: 1 },
            { code: 'basic', title: '基本满意', weight: 0.5 },
          ],
          of: '有效票',
        },
        scoring: { by: 'proportional' },
      },
      fullPoints: 15,
    });
  });

  it('每落实X万元加N分，最高加M分: measured perUnit with a cap', () => {
    expect(read('每落实10万元加0.5分，最高加2分')).toEqual({
      rule: { kind: 'measured', measure: { kind: 'amount', unit: '万元' }, scoring: { by: 'perUnit', unit: 10, amount: 0.5, rounding: 'down' } },
      cap: 2,
    });
  });

  it('加N分: bonus (with a cap where stated)', () => {
    expect(read('加5分。').rule).toEqual({ kind: 'bonus', amount: 5 });
    expect(read('被媒体报道的加5分').rule).toEqual({ kind: 'bonus', amount: 5 });
    expect(read('每获一次表彰加1分，最高加3分')).toEqual({ rule: { kind: 'bonus', amount: 1 }, cap: 3 });
  });

  it('一票否决 / 不得评为“好”等次: veto', () => {
    expect(read('一票否决').rule).toEqual({ kind: 'veto', effect: 'zero' });
    expect(read('发生规模性返贫的，实行一票否决').rule).toEqual({ kind: 'veto', effect: 'zero' });
    expect(read('被通报批评的，不得评为“好”等次').rule).toEqual({ kind: 'veto', effect: 'ceiling', grade: '好' });
    expect(read("不得评为'优秀'等次").rule).toEqual({ kind: 'veto', effect: 'ceiling', grade: '优秀' });
  });

  it('several sentences joined by ；: parts', () => {
    expect(read('应纳未纳1户扣2分；帮扶措施不落实1户扣1分；扣完为止')).toEqual({
      rule: {
        kind: 'parts',
        parts: [
          { code: 'a', title: '应纳未纳', rule: { kind: 'perOccurrence', amount: 2 } },
          { code: 'b', title: '帮扶措施不落实', rule: { kind: 'perOccurrence', amount: 1 } },
        ],
      },
      pool: { points: null },
    });
    expect(read('村不得出列扣20分，一户不得脱贫扣10分。').rule).toEqual({
      kind: 'parts',
      parts: [
        { code: 'a', title: '村不得出列', rule: { kind: 'fixedPenalty', amount: 20 } },
        { code: 'b', title: '一户不得脱贫', rule: { kind: 'fixedPenalty', amount: 10 } },
      ],
    });
    expect(read('台账缺失的不得分；资料不全的，视情况扣1-3分').rule).toMatchObject({
      kind: 'parts',
      parts: [{ rule: { kind: 'allOrNothing' } }, { rule: { kind: 'range', min: 1, max: 3 } }],
    });
  });
});

describe('wordings that must not be read', () => {
  it('gives the reason, never a rule half read', () => {
    expect(refused('').code).toBe('empty-wording');
    expect(refused('   ').code).toBe('empty-wording');
    expect(refused('由考核组综合评定').code).toBe('unknown-wording');
    expect(refused('按照县里要求执行').code).toBe('unknown-wording');
    // A percentage with no shortfall rule: not a plain deduction.
    expect(refused('知晓率低于90%的扣2分').code).toBe('unclear-wording');
    // Discretion with no range.
    expect(refused('视情况扣分').code).toBe('unknown-wording');
    expect(refused('视情况扣2分').code).toBe('unclear-wording');
    // 分别: several things in one line.
    expect(refused('市、县督查考评排名靠前的分别加4分').code).toBe('unclear-wording');
    // Several bonuses in one line.
    expect(refused('国家级表彰加3分，省级表彰加2分').code).toBe('several-bonuses');
    // A bonus and a deduction in one line.
    expect(refused('工作突出的加2分，工作不力的扣2分').code).toBe('mixed-rules');
    // The shortfall's rounding is not stated.
    expect(refused('达到100%得满分，每低1个百分点扣0.5分').code).toBe('rounding-unstated');
    // A clause left over.
    const p = refused('达到100%得满分，每低1个百分点扣0.5分（不足1个百分点按1个百分点计），由乡镇复核');
    expect(p.code).toBe('partly-read');
    expect(p.message).toContain('由乡镇复核');
    // A trailing clause after the last amount.
    expect(refused('每处扣1分，由考核组认定').code).toBe('partly-read');
    // Tiers with a gap.
    expect(refused('10万元以上得7分，3万元至5万元得5分').code).toBe('tiers-gap');
    // Tiers that both claim a bound: 10万元 is 以上 and 至10万元 alike.
    expect(refused('10万元以上得7分，5万元至10万元得5分').code).toBe('tiers-overlap');
    expect(refused('90%以上得10分，80%至90%得6分').code).toBe('tiers-overlap');
    // Tiers in two units.
    expect(refused('10万元以上得7分，5户至10户得5分').code).toBe('tiers-unit');
    // A cap on a deduction is no bonus cap.
    expect(refused('每处扣1分，最高加2分').code).toBe('partly-read');
  });

  it('words its reasons in Chinese and English', () => {
    const p = refused('由考核组综合评定');
    expect(p.message).toContain('was not recognised');
  });
});
