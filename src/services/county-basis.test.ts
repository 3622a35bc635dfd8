import { describe, expect, it } from 'vitest';
import { KaoheError } from '../core/errors.ts';
import { countyRankingBasis } from './county-basis.ts';

describe('KAOHE_COUNTY_RANKING', () => {
  it('is average unless set, and median when set so', () => {
    expect(countyRankingBasis({})).toBe('average');
    expect(countyRankingBasis({ KAOHE_COUNTY_RANKING: ' ' })).toBe('average');
    expect(countyRankingBasis({ KAOHE_COUNTY_RANKING: 'median' })).toBe('median');
    expect(countyRankingBasis({ KAOHE_COUNTY_RANKING: 'average' })).toBe('average');
  });

  it('refuses anything else, naming the variable and the choices', () => {
    expect(() => countyRankingBasis({ KAOHE_COUNTY_RANKING: 'mean' })).toThrow(KaoheError);
    expect(() => countyRankingBasis({ KAOHE_COUNTY_RANKING: 'mean' })).toThrow(/^KAOHE_COUNTY_RANKING: "mean" is not one of average, median/);
  });
});
