import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KaoheError } from '../errors.ts';
import { divideRounded, medianOf, rank, rankGroups, type RankInput } from './ranking.ts';

/** A village result; sections default to the total in one section. */
function village(code: string, total: number, extra: Partial<RankInput> = {}): RankInput {
  return {
    village: code,
    name: `村${code}`,
    township: extra.township ?? 'T1',
    townshipName: extra.townshipName ?? `镇${extra.township ?? 'T1'}`,
    total,
    base: extra.base ?? total,
    bonus: extra.bonus ?? 0,
    sections: extra.sections ?? { '1': total },
    ...(extra.grade !== undefined ? { grade: extra.grade } : {}),
  };
}

const ranksOf = (rows: ReturnType<typeof rank>['county']) => rows.map((r) => [r.village, r.countyRank]);

describe('rank: competition ranking', () => {
  it('gives tied totals one rank and skips the next (1, 2, 2, 4)', () => {
    const { county } = rank([village('A', 900), village('B', 800), village('C', 800), village('D', 700)]);
    expect(ranksOf(county)).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 4],
    ]);
  });

  it('ties at the top: 1, 1, 3', () => {
    const { county } = rank([village('C', 500), village('B', 900), village('A', 900)]);
    expect(ranksOf(county)).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 3],
    ]);
  });

  it('orders ties by village code whatever the input order', () => {
    const rows = [village('0003', 800), village('0001', 800), village('0002', 800)];
    expect(rank(rows).county.map((r) => r.village)).toEqual(['0001', '0002', '0003']);
    expect(rank([...rows].reverse()).county.map((r) => r.village)).toEqual(['0001', '0002', '0003']);
  });

  it('ranks everyone first when all totals are equal', () => {
    const { county, townships } = rank([village('A', 1000), village('B', 1000), village('C', 1000, { township: 'T2' })]);
    expect(county.map((r) => r.countyRank)).toEqual([1, 1, 1]);
    expect(county.map((r) => r.townshipRank)).toEqual([1, 1, 1]);
    expect(townships.map((t) => t.rows.length)).toEqual([2, 1]);
  });

  it('ranks a single village first in county and township', () => {
    const result = rank([village('A', 8550, { grade: '优秀' })]);
    expect(result.county).toHaveLength(1);
    expect(result.county[0]).toMatchObject({ countyRank: 1, townshipRank: 1, change: { totalDelta: null, rankDelta: null } });
    expect(result.countySummary).toMatchObject({ count: 1, averageTotal: 8550, gradeCounts: { 优秀: 1 } });
    expect(result.townships).toHaveLength(1);
  });

  it('returns empty rankings for no villages', () => {
    const result = rank([]);
    expect(result.county).toEqual([]);
    expect(result.townships).toEqual([]);
    expect(result.countySummary).toEqual({ count: 0, averages: {}, averageTotal: 0, averageBase: 0, averageBonus: 0 });
    expect(result.countySummary.gradeCounts).toBeUndefined();
  });

  it('ranks within a township apart from the county', () => {
    const { county, townships } = rank([
      village('A1', 9000, { township: 'TA', townshipName: '甲镇' }),
      village('B1', 8500, { township: 'TB', townshipName: '乙镇' }),
      village('A2', 8000, { township: 'TA', townshipName: '甲镇' }),
      village('B2', 8000, { township: 'TB', townshipName: '乙镇' }),
      village('A3', 7000, { township: 'TA', townshipName: '甲镇' }),
    ]);
    const at = (code: string) => county.find((r) => r.village === code)!;
    expect([at('A1').countyRank, at('A1').townshipRank]).toEqual([1, 1]);
    expect([at('B1').countyRank, at('B1').townshipRank]).toEqual([2, 1]);
    expect([at('A2').countyRank, at('A2').townshipRank]).toEqual([3, 2]);
    expect([at('B2').countyRank, at('B2').townshipRank]).toEqual([3, 2]);
    expect([at('A3').countyRank, at('A3').townshipRank]).toEqual([5, 3]);
    expect(townships.map((t) => [t.township, t.townshipName, t.rows.map((r) => r.village)])).toEqual([
      ['TA', '甲镇', ['A1', 'A2', 'A3']],
      ['TB', '乙镇', ['B1', 'B2']],
    ]);
    // The same objects in both lists.
    expect(townships[0]!.rows[0]).toBe(at('A1'));
  });

  it('orders townships by code', () => {
    const { townships } = rank([village('X', 1, { township: '3' }), village('Y', 2, { township: '1' }), village('Z', 3, { township: '2' })]);
    expect(townships.map((t) => t.township)).toEqual(['1', '2', '3']);
  });

  it('refuses a village listed twice and points that are not whole cents', () => {
    expect(() => rank([village('A', 1), village('A', 2)])).toThrow(expect.objectContaining({ code: 'ranking-duplicate-village' }));
    try {
      rank([village('A', 10.5)]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KaoheError);
      expect((e as KaoheError).code).toBe('ranking-bad-points');
      expect((e as KaoheError).message).toContain('total');
    }
    expect(() => rank([village('A', 1000, { sections: { '2': Number.NaN } })])).toThrow(/sections\.2/);
  });
});

describe('rank: averages', () => {
  it('averages exactly and rounds half away from zero: 10.01, 10.02, 10.02 → 10.02', () => {
    const rows = [village('A', 1001, { sections: { s: 1001 } }), village('B', 1002, { sections: { s: 1002 } }), village('C', 1002, { sections: { s: 1002 } })];
    const { townships, countySummary } = rank(rows);
    // 3005 / 3 = 1001.67 → 1002
    expect(townships[0]!.averages).toEqual({ s: 1002 });
    expect(townships[0]!.averageTotal).toBe(1002);
    expect(countySummary.averageTotal).toBe(1002);
  });

  it('rounds a half up, below a half down', () => {
    expect(rank([village('A', 1001), village('B', 1002)]).countySummary.averageTotal).toBe(1002); // 1001.5
    expect(rank([village('A', 1001), village('B', 1001), village('C', 1002)]).countySummary.averageTotal).toBe(1001); // 1001.33
    expect(rank([village('A', 1), village('B', 0), village('C', 0), village('D', 1)]).countySummary.averageTotal).toBe(1); // 0.5
  });

  it('averages each section over the villages that have it, per township and county', () => {
    const { townships, countySummary } = rank([
      village('A', 3000, { township: 'T1', sections: { '1': 2000, '2': 1000 }, base: 2900, bonus: 100 }),
      village('B', 2000, { township: 'T1', sections: { '1': 2000 }, base: 2000, bonus: 0 }),
      village('C', 1001, { township: 'T2', sections: { '1': 1000, '2': 1 }, base: 1001, bonus: 0 }),
    ]);
    expect(townships[0]).toMatchObject({ count: 2, averages: { '1': 2000, '2': 1000 }, averageTotal: 2500, averageBase: 2450, averageBonus: 50 });
    expect(townships[1]).toMatchObject({ count: 1, averages: { '1': 1000, '2': 1 }, averageTotal: 1001 });
    // (2000 + 2000 + 1000) / 3 = 1666.67; (1000 + 1) / 2 = 500.5; 6001 / 3 = 2000.33; 100 / 3 = 33.33
    expect(countySummary).toMatchObject({ count: 3, averages: { '1': 1667, '2': 501 }, averageTotal: 2000, averageBonus: 33 });
  });

  it('stays exact on large sums where floating division would drift', () => {
    const big = 2 ** 50; // cents; sums stay below 2^53
    const { countySummary } = rank([village('A', big + 1), village('B', big), village('C', big)]);
    expect(countySummary.averageTotal).toBe(big);
  });

  it('divideRounded rounds halves away from zero exactly', () => {
    expect(divideRounded(7, 2)).toBe(4);
    expect(divideRounded(-7, 2)).toBe(-4);
    expect(divideRounded(5, 3)).toBe(2);
    expect(divideRounded(-5, 3)).toBe(-2);
    expect(divideRounded(4, 3)).toBe(1);
    expect(divideRounded(-4, 3)).toBe(-1);
    expect(divideRounded(0, 5)).toBe(0);
    expect(divideRounded(2 ** 53 - 1, 1)).toBe(2 ** 53 - 1);
  });

  it('counts grades per township and county, every grade listed', () => {
    const { townships, countySummary } = rank([
      village('A', 9500, { township: 'T1', grade: '好' }),
      village('B', 8000, { township: 'T1', grade: '较好' }),
      village('C', 7000, { township: 'T2', grade: '较好' }),
      village('D', 0, { township: 'T2', grade: null }),
    ]);
    expect(countySummary.gradeCounts).toEqual({ 好: 1, 较好: 2 });
    expect(Object.keys(countySummary.gradeCounts!)).toEqual(['好', '较好']);
    expect(townships[0]!.gradeCounts).toEqual({ 好: 1, 较好: 1 });
    expect(townships[1]!.gradeCounts).toEqual({ 好: 0, 较好: 1 });
  });

  it('leaves grade counts out when no village has a grade', () => {
    const { townships, countySummary } = rank([village('A', 1, { grade: null }), village('B', 2)]);
    expect(countySummary.gradeCounts).toBeUndefined();
    expect(townships[0]!.gradeCounts).toBeUndefined();
  });
});

describe('rank: change since the previous campaign', () => {
  it('gives the total and rank change, positive when moved up, null for new villages', () => {
    const previous = new Map([
      ['A', { total: 8000, countyRank: 3 }],
      ['B', { total: 9000, countyRank: 1 }],
      ['C', { total: 8500, countyRank: 2 }],
    ]);
    const { county } = rank([village('A', 9000), village('B', 8000), village('C', 8500), village('N', 8800)], { previous });
    const change = Object.fromEntries(county.map((r) => [r.village, r.change]));
    expect(change).toEqual({
      A: { totalDelta: 1000, rankDelta: 2 }, // 3rd → 1st
      N: { totalDelta: null, rankDelta: null },
      C: { totalDelta: 0, rankDelta: -1 }, // 2nd → 3rd (N came in above)
      B: { totalDelta: -1000, rankDelta: -3 }, // 1st → 4th
    });
  });

  it('gives null changes for every village without a previous campaign', () => {
    const { county } = rank([village('A', 1), village('B', 2)]);
    expect(county.every((r) => r.change.totalDelta === null && r.change.rankDelta === null)).toBe(true);
  });
});

describe('rank: properties', () => {
  const codes = fc.uniqueArray(fc.stringMatching(/^[0-9]{3}$/), { minLength: 0, maxLength: 40 });
  const results = codes.chain((villages) =>
    fc.tuple(
      ...villages.map((code) =>
        fc.record({
          village: fc.constant(code),
          // A few distinct totals so that ties are common.
          total: fc.integer({ min: 0, max: 6 }).map((t) => t * 250),
          township: fc.constantFrom('T1', 'T2', 'T3'),
        }),
      ),
    ),
  );
  const toRows = (list: Array<{ village: string; total: number; township: string }>) => list.map((r) => village(r.village, r.total, { township: r.township }));

  it('ranks lie in [1, n] and equal 1 + the number of strictly higher totals', () => {
    fc.assert(
      fc.property(results, (list) => {
        const rows = toRows(list);
        const { county, townships } = rank(rows);
        expect(county).toHaveLength(rows.length);
        for (const r of county) {
          expect(r.countyRank).toBeGreaterThanOrEqual(1);
          expect(r.countyRank).toBeLessThanOrEqual(rows.length);
          expect(r.countyRank).toBe(1 + rows.filter((o) => o.total > r.total).length);
          const peers = rows.filter((o) => o.township === r.township);
          expect(r.townshipRank).toBe(1 + peers.filter((o) => o.total > r.total).length);
          expect(r.townshipRank).toBeLessThanOrEqual(peers.length);
        }
        expect(townships.reduce((n, t) => n + t.rows.length, 0)).toBe(rows.length);
      }),
    );
  });

  it('does not depend on the input order', () => {
    fc.assert(
      fc.property(
        results.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        ([list, shuffled]) => {
          const a = rank(toRows(list));
          const b = rank(toRows(shuffled));
          expect(b).toEqual(a);
        },
      ),
    );
  });

  it('the average lies between the lowest and highest total and is within half a cent of the exact mean', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -100000, max: 100000 }), { minLength: 1, maxLength: 30 }), (totals) => {
        const { countySummary } = rank(totals.map((t, i) => village(String(i).padStart(3, '0'), t)));
        const avg = countySummary.averageTotal;
        const sum = totals.reduce((a, b) => a + b, 0);
        expect(avg).toBeGreaterThanOrEqual(Math.min(...totals));
        expect(avg).toBeLessThanOrEqual(Math.max(...totals));
        // |avg·n − sum| ≤ n/2, in integers.
        expect(2 * Math.abs(avg * totals.length - sum)).toBeLessThanOrEqual(totals.length);
      }),
    );
  });
});

describe('rankGroups: counties by their villages, by average or by median', () => {
  // County K1: 190, 180, 100 (one village far behind); K2: 170, 170, 170; K3: 185, 175.
  const county: Record<string, string> = { T1: 'K1', T2: 'K2', T3: 'K3' };
  const ranked = rank([
    village('1', 19000, { township: 'T1' }),
    village('2', 18000, { township: 'T1' }),
    village('3', 10000, { township: 'T1' }),
    village('4', 17000, { township: 'T2' }),
    village('5', 17000, { township: 'T2' }),
    village('6', 17000, { township: 'T2' }),
    village('7', 18500, { township: 'T3' }),
    village('8', 17500, { township: 'T3' }),
  ]).county;
  const groupOf = (r: { township: string }) => ({ code: county[r.township]!, name: `县${county[r.township]}` });

  it('ranks by the average total unless told otherwise, one village far behind pulling its county down', () => {
    const groups = rankGroups(ranked, groupOf);
    expect(groups.map((g) => [g.code, g.rank, g.averageTotal, g.medianTotal, g.basis])).toEqual([
      ['K3', 1, 18000, 18000, 'average'],
      ['K2', 2, 17000, 17000, 'average'],
      ['K1', 3, 15667, 18000, 'average'],
    ]);
  });

  it('ranks by the median total when the office says so: equal medians share a rank, by code', () => {
    const groups = rankGroups(ranked, groupOf, 'median');
    expect(groups.map((g) => [g.code, g.rank, g.medianTotal, g.averageTotal, g.basis])).toEqual([
      ['K1', 1, 18000, 15667, 'median'],
      ['K3', 1, 18000, 18000, 'median'],
      ['K2', 3, 17000, 17000, 'median'],
    ]);
  });

  it('takes the median of an even number as the mean of the middle two, rounded half away from zero', () => {
    expect(medianOf([])).toBe(0);
    expect(medianOf([5])).toBe(5);
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([1, 2])).toBe(2);
    expect(medianOf([10000, 19999, 1, 30000])).toBe(15000);
    expect(medianOf([-3, -2])).toBe(-3);
  });
});
