import { describe, expect, it } from 'vitest';
import { rank, type RankInput } from './ranking.ts';
import { applyQuotas, quotaLimit } from './rules.ts';

function unit(code: string, total: number, extra: Partial<RankInput> = {}): RankInput {
  return {
    village: code,
    name: `村${code}`,
    township: extra.township ?? 'T1',
    townshipName: '镇',
    total,
    base: extra.base ?? total,
    bonus: extra.bonus ?? 0,
    sections: {},
    ...extra,
  };
}

/** Grades from totals: ≥ 90 good, ≥ 80 fair, else average (totals in cents). */
const gradeOf = (total: number) => (total >= 9000 ? 'good' : total >= 8000 ? 'fair' : 'average');
const graded = (code: string, total: number, extra: Partial<RankInput> = {}) => unit(code, total, { grade: gradeOf(total), ...extra });
const view = (rows: ReturnType<typeof rank>['county']) => rows.map((r) => [r.village, r.countyRank, r.scoredGrade, r.grade]);

describe('quotaLimit: share × count', () => {
  it('rounds down by default (不超过): 20% of 12 is 2.4 → 2; 20% of 10 is exactly 2', () => {
    expect(quotaLimit(2000, 12)).toBe(2);
    expect(quotaLimit(2000, 10)).toBe(2);
    expect(quotaLimit(2000, 4)).toBe(0);
  });
  it('rounds half up or up when the quota says so: 20% of 13 is 2.6, of 12 is 2.4, of 15 is 3', () => {
    expect(quotaLimit(2000, 13, 'halfUp')).toBe(3);
    expect(quotaLimit(2000, 12, 'halfUp')).toBe(2);
    expect(quotaLimit(2500, 10, 'halfUp')).toBe(3); // 2.5 → 3
    expect(quotaLimit(2000, 12, 'up')).toBe(3);
    expect(quotaLimit(2000, 15, 'up')).toBe(3);
    expect(quotaLimit(2000, 13)).toBe(2);
  });
});

describe('rank with quotas', () => {
  const quota = { quotas: [{ grade: 'good', share: 2000, otherwise: 'fair' }] };

  it('keeps the grade for the best holders within the quota, the rest get otherwise', () => {
    // 10 units, 20% → 2 may be 好. Four scored 好: A, B keep it, C and D become 较好.
    const rows = [graded('A', 9600), graded('B', 9400), graded('C', 9200), graded('D', 9000), ...['E', 'F', 'G', 'H', 'I', 'J'].map((c, i) => graded(c, 8500 - i * 100))];
    const { county, countySummary } = rank(rows, { rules: quota });
    expect(view(county).slice(0, 5)).toEqual([
      ['A', 1, 'good', 'good'],
      ['B', 2, 'good', 'good'],
      ['C', 3, 'good', 'fair'],
      ['D', 4, 'good', 'fair'],
      ['E', 5, 'fair', 'fair'],
    ]);
    // Grade counts are of the grades after quotas.
    expect(countySummary.gradeCounts).toEqual({ good: 2, fair: 8 });
  });

  it('a tie at the boundary: by default none of the tied units keeps the grade; with boundaryTies keep, all do', () => {
    // 10 units, limit 2: A first, B and C tied for 2nd.
    const rows = [graded('A', 9500), graded('B', 9200), graded('C', 9200), ...['D', 'E', 'F', 'G', 'H', 'I', 'J'].map((c) => graded(c, 8000))];
    expect(view(rank(rows, { rules: quota }).county).slice(0, 3)).toEqual([
      ['A', 1, 'good', 'good'],
      ['B', 2, 'good', 'fair'],
      ['C', 2, 'good', 'fair'],
    ]);
    const keep = { quotas: [{ grade: 'good', share: 2000, otherwise: 'fair', boundaryTies: 'keep' as const }] };
    expect(view(rank(rows, { rules: keep }).county).slice(0, 4)).toEqual([
      ['A', 1, 'good', 'good'],
      ['B', 2, 'good', 'good'],
      ['C', 2, 'good', 'good'],
      ['D', 4, 'fair', 'fair'],
    ]);
  });

  it('a tie that fits within the quota keeps the grade; a smaller tie after a demoted one is demoted too', () => {
    // 10 units, limit 2: B, C tied for 1st (2 ≤ 2); then D (3rd) is beyond.
    const rows = [graded('B', 9500), graded('C', 9500), graded('D', 9300), ...['E', 'F', 'G', 'H', 'I', 'J', 'K'].map((c) => graded(c, 7000))];
    expect(view(rank(rows, { rules: quota }).county).slice(0, 3)).toEqual([
      ['B', 1, 'good', 'good'],
      ['C', 1, 'good', 'good'],
      ['D', 3, 'good', 'fair'],
    ]);
    // limit 2: A 1st, B and C tied (demoted), D after them is demoted as well though one place was left.
    const grades = applyQuotas(
      [
        { rank: 1, grade: 'good' },
        { rank: 2, grade: 'good' },
        { rank: 2, grade: 'good' },
        { rank: 4, grade: 'good' },
        ...Array.from({ length: 6 }, (_, i) => ({ rank: 5 + i, grade: 'fair' })),
      ],
      quota.quotas,
    );
    expect(grades.slice(0, 4)).toEqual(['good', 'fair', 'fair', 'fair']);
  });

  it('applies a chain of quotas in order: units moved to 较好 count in the quota on 较好', () => {
    // 10 units: five scored 好, three 较好, two 一般. 好 ≤ 20% (2) → 较好; 较好 ≤ 30% (3) → 一般.
    const rules = {
      quotas: [
        { grade: 'good', share: 2000, otherwise: 'fair' },
        { grade: 'fair', share: 3000, otherwise: 'average' },
      ],
    };
    const totals = [9800, 9700, 9600, 9500, 9400, 8800, 8600, 8400, 7000, 6000];
    const rows = totals.map((t, i) => graded(String.fromCharCode(65 + i), t));
    const { county, countySummary } = rank(rows, { rules });
    expect(county.map((r) => r.grade)).toEqual(['good', 'good', 'fair', 'fair', 'fair', 'average', 'average', 'average', 'average', 'average']);
    expect(county.map((r) => r.scoredGrade)).toEqual(['good', 'good', 'good', 'good', 'good', 'fair', 'fair', 'fair', 'average', 'average']);
    expect(countySummary.gradeCounts).toEqual({ good: 2, fair: 3, average: 5 });
  });

  it('counts the share over the units ranked, and leaves units without a grade alone', () => {
    // 5 units: 20% → 1.
    const rows = [graded('A', 9900), graded('B', 9800), unit('C', 9700, { grade: null }), graded('D', 5000), graded('E', 4000)];
    const { county } = rank(rows, { rules: quota });
    expect(view(county)).toEqual([
      ['A', 1, 'good', 'good'],
      ['B', 2, 'good', 'fair'],
      ['C', 3, null, null],
      ['D', 4, 'average', 'average'],
      ['E', 5, 'average', 'average'],
    ]);
  });

  it('without quotas the rows carry no scoredGrade', () => {
    const { county } = rank([graded('A', 9500)]);
    expect(county[0]!.scoredGrade).toBeUndefined();
    expect(county[0]!.rankPoints).toBeUndefined();
  });
});

describe('rank with tie-breaks', () => {
  it('breaks a tie on the total by a period (年终考核得分高者排名在前), then by base', () => {
    const rows = [
      unit('A', 9000, { periods: { daily: 9000, final: 8800 } }),
      unit('B', 9000, { periods: { daily: 8500, final: 9200 } }),
      unit('C', 9000, { periods: { daily: 8800, final: 9200 }, base: 8700 }),
      unit('D', 9000, { periods: { daily: 8800, final: 9200 }, base: 8900 }),
      unit('E', 8000, { periods: { final: 9900 } }),
    ];
    const { county } = rank(rows, { rules: { tieBreak: ['final', 'base'] } });
    expect(county.map((r) => [r.village, r.countyRank])).toEqual([
      ['B', 1], // final 92, base 90
      ['D', 2], // final 92, base 89
      ['C', 3], // final 92, base 87
      ['A', 4], // final 88
      ['E', 5], // a lower total whatever its final
    ]);
  });

  it('units equal on every key share a rank, listed by code', () => {
    const rows = [unit('B', 9000, { periods: { final: 9000 } }), unit('A', 9000, { periods: { final: 9000 } }), unit('C', 9000, { periods: { final: 8000 } })];
    const { county } = rank(rows, { rules: { tieBreak: ['final'] } });
    expect(county.map((r) => [r.village, r.countyRank])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 3],
    ]);
  });

  it('breaks a tie by a node score, by bonus, and by penalty (lower first); a unit without the key comes last', () => {
    const rows = [unit('A', 9000, { nodes: { '1.2': 1200 } }), unit('B', 9000, { nodes: { '1.2': 1400 } }), unit('C', 9000)];
    expect(rank(rows, { rules: { tieBreak: ['1.2'] } }).county.map((r) => [r.village, r.countyRank])).toEqual([
      ['B', 1],
      ['A', 2],
      ['C', 3],
    ]);
    const byPenalty = [
      unit('A', 9000, { penalty: 300 }),
      unit('B', 9000, { penalty: 100 }),
      unit('C', 9000, { penalty: 0, bonus: 100 }),
      unit('D', 9000, { penalty: 0, bonus: 200 }),
    ];
    expect(rank(byPenalty, { rules: { tieBreak: ['penalty', 'bonus'] } }).county.map((r) => r.village)).toEqual(['D', 'C', 'B', 'A']);
  });

  it('ranks within a township by the same keys', () => {
    const rows = [unit('A', 9000, { periods: { final: 8000 } }), unit('B', 9000, { periods: { final: 9000 } }), unit('X', 9500, { township: 'T2' })];
    const { townships } = rank(rows, { rules: { tieBreak: ['final'] } });
    expect(townships[0]!.rows.map((r) => [r.village, r.townshipRank, r.countyRank])).toEqual([
      ['B', 1, 2],
      ['A', 2, 3],
    ]);
  });
});

describe('rank with points from rank', () => {
  it('gives the rank points; ties share the rank’s points; ranks beyond the list get the rest', () => {
    const rules = { rankPoints: [6000, 5700, 5400, 5100, 4800], rankPointsRest: 4500 };
    const rows = [unit('A', 9500), unit('B', 9000), unit('C', 9000), unit('D', 8000), unit('E', 7000), unit('F', 6900), unit('G', 6800)];
    const { county } = rank(rows, { rules });
    expect(county.map((r) => [r.village, r.countyRank, r.rankPoints])).toEqual([
      ['A', 1, 6000],
      ['B', 2, 5700],
      ['C', 2, 5700],
      ['D', 4, 5100],
      ['E', 5, 4800],
      ['F', 6, 4500],
      ['G', 7, 4500],
    ]);
  });

  it('ranks beyond the list earn 0 when no rest is given', () => {
    const { county } = rank([unit('A', 2), unit('B', 1)], { rules: { rankPoints: [300] } });
    expect(county.map((r) => r.rankPoints)).toEqual([300, 0]);
  });
});
