import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scheme } from '../scheme/model.ts';
import { combine, explainCombined, type PeriodScore } from './combine.ts';

/** 综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分 (grades: 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60). */
const scheme: Scheme = {
  id: 'township-test',
  version: 1,
  title: { zh: '某镇考核' },
  notApplicable: 'keep',
  gradeBasis: 'total',
  grades: [
    { code: 'good', title: { zh: '好', en: 'good' }, min: 9000 },
    { code: 'fair', title: { zh: '较好', en: 'fairly good' }, min: 8000 },
    { code: 'average', title: { zh: '一般', en: 'average' }, min: 6000 },
  ],
  periods: [
    { code: 'daily', title: { zh: '平时考核', en: 'Quarterly' }, weight: 3000, combine: 'average' },
    { code: 'final', title: { zh: '年终考核', en: 'Year-end' }, weight: 7000, combine: 'last' },
  ],
  sections: [],
};

const s = (base: number, extra: Partial<PeriodScore> = {}): PeriodScore => ({ base, bonus: 0, max: 10000, bonusMax: 200, penalty: 0, converted: null, veto: null, ...extra });

describe('combine: hand-computed', () => {
  // Quarters 82, 86, 88, 85 → 85.25 × 30% = 25.575 → 25.58; year-end 85 × 70% = 59.5;
  // bonus 1 + 2 = 3 capped at 2; deductions 1.5: 25.58 + 59.5 + 2 − 1.5 = 85.58 → 较好.
  const quarters = [s(8200), s(8600, { bonus: 100 }), s(8800, { penalty: 150 }), s(8500)];
  const result = combine(scheme, { daily: quarters, final: [s(8500, { bonus: 200 })] });

  it('weights each period, rounds half up, adds the capped bonus and subtracts the deductions', () => {
    expect(result.periods.map((p) => [p.code, p.values, p.value, p.weighted])).toEqual([
      ['daily', [8200, 8600, 8800, 8500], 8525, 2558],
      ['final', [8500], 8500, 5950],
    ]);
    expect(result).toMatchObject({ weighted: 8508, bonusRaw: 300, bonus: 200, penalty: 150, total: 8558, max: 10000, veto: null });
    expect(result.grade?.code).toBe('fair');
  });

  it('explains each part in Chinese and English', () => {
    expect(explainCombined(result, scheme, 'zh').map((l) => l.text)).toEqual([
      '平时考核 4次平均 85.25（82、86、88、85） ×30% = 25.58',
      '年终考核 85 ×70% = 59.5',
      '加分 各次合计3，上限2 → +2',
      '扣分 −1.5',
      '综合得分 25.58 + 59.5 + 2 − 1.5 = 85.58',
      '等次：较好',
    ]);
    expect(explainCombined(result, scheme, 'en').map((l) => l.text)).toEqual([
      'Quarterly: average of 4: 85.25 (82, 86, 88, 85) × 30% = 25.58',
      'Year-end: 85 × 70% = 59.5',
      'bonus: 3 in all, capped at 2 → +2',
      'deductions −1.5',
      'combined score 25.58 + 59.5 + 2 − 1.5 = 85.58',
      'grade: fairly good',
    ]);
  });

  it('uses the converted base where there is one', () => {
    const r = combine({ ...scheme, convert: 10000 }, { daily: [s(7000, { converted: 8750, max: 8000 })], final: [s(9000)] });
    // 87.5 × 30% = 26.25; 90 × 70% = 63 → 89.25; the maximum: 100 × 30% + 100 × 70%.
    expect([r.periods[0]!.value, r.total, r.max]).toEqual([8750, 8925, 10000]);
  });

  it('sums or takes the last as the period says; a period without assessments counts 0 and says so', () => {
    const summed = combine({ ...scheme, periods: [{ code: 'q', title: { zh: '季度' }, weight: 10000, combine: 'sum' }] }, { q: [s(1000), s(2050)] });
    expect(summed.total).toBe(3050);
    const last = combine(scheme, { final: [s(7000), s(9100)] });
    expect(last.periods[1]!.value).toBe(9100);
    expect(last.periods[0]).toMatchObject({ value: null, weighted: 0 });
    expect(last.total).toBe(6370); // 91 × 70%
    expect(explainCombined(last, scheme, 'zh')[0]!.text).toBe('平时考核 无考核结果 ×30% = 0');
    expect(explainCombined(last, scheme, 'zh')[1]!.text).toBe('年终考核 2次取最后一次 91（70、91） ×70% = 63.7');
  });

  it('floors the total at 0', () => {
    const r = combine(scheme, { daily: [s(1000)], final: [s(1000, { penalty: 5000 })] });
    expect(r.total).toBe(0);
    expect(explainCombined(r, scheme, 'zh').find((l) => l.kind === 'total')!.text).toBe('综合得分 3 + 7 − 50 = 0（不低于0分）');
  });

  it('takes the most severe veto of any assessment: zero, then the lowest forced grade, then the lowest ceiling', () => {
    const ceiling = (grade: string, item: string) => ({ items: [item], effect: 'ceiling', grade });
    const high = { daily: [s(9500, { veto: ceiling('fair', '4.2') })], final: [s(9600)] };
    const capped = combine(scheme, high);
    expect(capped.total).toBe(9570);
    expect(capped.veto).toEqual({ items: ['4.2'], effect: 'ceiling', grade: 'fair', ceiling: 'fair' });
    expect(capped.grade?.code).toBe('fair');
    expect(explainCombined(capped, scheme, 'zh').find((l) => l.kind === 'veto')!.text).toBe('4.2：至多评为较好');
    // Two ceilings: the lowest wins.
    expect(combine(scheme, { daily: [s(9500, { veto: ceiling('fair', '4.2') })], final: [s(9600, { veto: ceiling('average', '4.4') })] }).grade?.code).toBe('average');
    // A ceiling above the grade changes nothing.
    expect(combine(scheme, { daily: [s(6500, { veto: ceiling('fair', '4.2') })], final: [s(6500)] }).grade?.code).toBe('average');
    // A forced grade wins over a ceiling; zero over everything.
    const forced = combine(scheme, { daily: [s(9500, { veto: ceiling('fair', '4.2') })], final: [s(9600, { veto: { items: ['4.5'], effect: 'grade', grade: 'average' } })] });
    expect([forced.veto?.effect, forced.grade?.code, forced.total]).toEqual(['grade', 'average', 9570]);
    const zero = combine(scheme, {
      daily: [s(9500, { veto: { items: ['4.3'], effect: 'zero' } })],
      final: [s(9600, { veto: { items: ['4.5'], effect: 'grade', grade: 'average' } })],
    });
    expect([zero.veto, zero.total, zero.grade?.code]).toEqual([{ items: ['4.3', '4.5'], effect: 'zero' }, 0, undefined]);
    expect(explainCombined(zero, scheme, 'zh').find((l) => l.kind === 'veto')!.text).toBe('一票否决（4.3、4.5）：综合得分计0分');
    // A ceiling caps a forced grade above it (as score.ts does for one result).
    const forcedHigh = combine(scheme, {
      daily: [s(5000, { veto: { items: ['4.2'], effect: 'ceiling', grade: 'average', ceiling: 'average' } })],
      final: [s(5000, { veto: { items: ['4.6'], effect: 'grade', grade: 'fair' } })],
    });
    expect([forcedHigh.veto, forcedHigh.grade?.code]).toEqual([{ items: ['4.2', '4.6'], effect: 'grade', grade: 'fair', ceiling: 'average' }, 'average']);
  });

  it('refuses a scheme without periods and a period the scheme does not have', () => {
    expect(() => combine({ ...scheme, periods: [] }, {})).toThrow(expect.objectContaining({ code: 'combine-no-periods' }));
    expect(() => combine(scheme, { quarterly: [s(1)] })).toThrow(/period quarterly: not a period of scheme township-test \(periods: daily, final\)/);
  });
});

describe('combine: properties', () => {
  const score = fc.record({ base: fc.integer({ min: 0, max: 10000 }), bonus: fc.integer({ min: 0, max: 500 }), penalty: fc.integer({ min: 0, max: 3000 }) });
  const toScore = (x: { base: number; bonus: number; penalty: number }) => s(x.base, { bonus: x.bonus, penalty: x.penalty });
  const weight = fc.integer({ min: 0, max: 10000 });

  it('the weights: equal values in every period give that value back within the rounding (½ cent a period)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), weight, fc.integer({ min: 1, max: 6 }), (v, w, n) => {
        const sch: Scheme = {
          ...scheme,
          periods: [
            { code: 'a', title: { zh: 'a' }, weight: w, combine: 'average' },
            { code: 'b', title: { zh: 'b' }, weight: 10000 - w, combine: 'last' },
          ],
        };
        const r = combine(sch, { a: Array.from({ length: n }, () => s(v)), b: [s(v)] });
        expect(Math.abs(r.total - v)).toBeLessThanOrEqual(1);
        expect(r.total).toBe(r.periods[0]!.weighted + r.periods[1]!.weighted);
      }),
    );
  });

  it('a period of weight 100% and one assessment gives its base, bonus capped, deductions subtracted', () => {
    fc.assert(
      fc.property(score, (x) => {
        const sch: Scheme = { ...scheme, periods: [{ code: 'a', title: { zh: 'a' }, weight: 10000, combine: 'last' }] };
        expect(combine(sch, { a: [toScore(x)] }).total).toBe(Math.max(0, x.base + Math.min(x.bonus, 200) - x.penalty));
      }),
    );
  });

  it('does not depend on the order of the assessments within an average', () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 6 }), score, fc.integer(), (quarters, final, seed) => {
        const shuffled = [...quarters]
          .map((q, i) => ({ q, k: (i * 7919 + seed) % 13 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.q);
        const a = combine(scheme, { daily: quarters.map(toScore), final: [toScore(final)] });
        const b = combine(scheme, { daily: shuffled.map(toScore), final: [toScore(final)] });
        expect(b.total).toBe(a.total);
        expect(b.periods[0]!.value).toBe(a.periods[0]!.value);
      }),
    );
  });

  it('stays within [0, maximum + bonus maximum], the average between the lowest and highest value', () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 6 }), score, (quarters, final) => {
        const r = combine(scheme, { daily: quarters.map(toScore), final: [toScore(final)] });
        expect(r.total).toBeGreaterThanOrEqual(0);
        expect(r.total).toBeLessThanOrEqual(r.max + r.bonusMax);
        const bases = quarters.map((q) => q.base);
        expect(r.periods[0]!.value).toBeGreaterThanOrEqual(Math.min(...bases));
        expect(r.periods[0]!.value).toBeLessThanOrEqual(Math.max(...bases));
      }),
    );
  });

  it('raising one assessment never lowers the combined score', () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 4 }), score, fc.nat(3), fc.integer({ min: 0, max: 2000 }), (quarters, final, i, up) => {
        const k = i % quarters.length;
        const raised = quarters.map((q, j) => (j === k ? { ...q, base: q.base + up } : q));
        const a = combine(scheme, { daily: quarters.map(toScore), final: [toScore(final)] });
        const b = combine(scheme, { daily: raised.map(toScore), final: [toScore(final)] });
        expect(b.total).toBeGreaterThanOrEqual(a.total);
      }),
    );
  });
});
