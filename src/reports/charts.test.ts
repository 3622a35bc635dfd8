import { describe, expect, it } from 'vitest';
import { rank } from '../core/ranking/ranking.ts';
import { builtinScheme } from '../schemes/index.ts';
import { chartSections, distributionBins, scoreDistributionSvg, sectionAveragesSvg, sectionRate, DISTRIBUTION_COLOUR } from './charts.ts';

const scheme = builtinScheme('seed-2020');

/** Six villages in three townships; points in cents as the ranking keeps them. */
function ranking() {
  const v = (village: string, township: string, townshipName: string, total: number, s1: number, s2: number, s3: number) => ({
    village,
    name: `${village}村`,
    township,
    townshipName,
    total: total * 100,
    base: total * 100,
    bonus: 0,
    sections: { '1': s1 * 100, '2': s2 * 100, '3': s3 * 100, '4': 0 },
  });
  return rank([
    v('A', 't1', '龙场镇', 149.99, 20, 90, 39.99),
    v('B', 't1', '龙场镇', 150, 18, 100, 32),
    v('C', 't2', '石桥镇', 181, 16, 110, 55),
    v('D', 't2', '石桥镇', 187, 17, 115, 55),
    v('E', 't3', '新华乡', 200, 20, 120, 60),
    v('F', 't3', '新华乡', 120, 10, 80, 30),
  ]);
}

describe('distribution bins', () => {
  it('puts each total in its 10-point bin, an upper edge in the next one', () => {
    const bins = distributionBins(ranking(), 210);
    expect(bins).toHaveLength(21);
    const count = (from: number) => bins.find((b) => b.from === from)!.count;
    expect(count(140)).toBe(1); // 149.99
    expect(count(150)).toBe(1); // 150
    expect(count(180)).toBe(2);
    expect(count(200)).toBe(1);
    expect(count(120)).toBe(1);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(6);
  });

  it('goes up to the highest total when no maximum is given, the top bin taking the top', () => {
    const bins = distributionBins(ranking());
    // 200 is in the top bin (190–200), 187 in 180–190.
    expect(bins.at(-1)).toEqual({ from: 190, to: 200, count: 1 });
    expect(bins.at(-2)).toEqual({ from: 180, to: 190, count: 2 });
  });
});

describe('section rate', () => {
  it('is the average as a share of the section points, to one decimal', () => {
    expect(sectionRate(1933, 20)).toBe(96.7);
    expect(sectionRate(11267, 120)).toBe(93.9);
    expect(sectionRate(undefined, 20)).toBeNull();
    expect(sectionRate(500, null)).toBeNull();
  });
});

describe('charts as SVG (ECharts on the server)', () => {
  it('draws the score distribution with its bins, counts and title', () => {
    const svg = scoreDistributionSvg(ranking(), { lang: 'zh', maxTotal: 210 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('得分分布');
    expect(svg).toContain('>140–150<');
    expect(svg).toContain('>200–210<');
    // From the bin below the lowest total (120) up: 110–120 is the first one shown.
    expect(svg).toContain('>110–120<');
    expect(svg).not.toContain('>100–110<');
    // y axis values and the count labels on the bars
    expect(svg).toMatch(/>2<\/text>/);
    expect(svg).toContain(`fill="${DISTRIBUTION_COLOUR}"`);
  });

  it('draws section averages by township: township names, the county, axis values, one series per section', () => {
    const r = ranking();
    const svg = sectionAveragesSvg(r, chartSections(scheme, 'zh'), { lang: 'zh' });
    for (const name of ['龙场镇', '石桥镇', '新华乡', '全县', '各乡镇分项平均得分率']) expect(svg).toContain(`>${name}<`);
    for (const tick of ['0%', '20%', '100%']) expect(svg).toContain(`>${tick}<`);
    for (const s of ['1 组织领导', '2 精准扶贫精准脱贫', '3 日常工作', '4 其他奖惩办法']) expect(svg).toContain(s);
    // Four series × four groups of bars (the bonus section at 0% draws nothing).
    expect(svg.match(/ecmeta_series_index="\d"/g)?.length).toBeGreaterThanOrEqual(12);
  });

  it('speaks English when asked', () => {
    const svg = sectionAveragesSvg(ranking(), chartSections(scheme, 'en'), { lang: 'en' });
    expect(svg).toContain('Section averages by township');
    expect(svg).toContain('>County<');
    expect(svg).toContain('1 Organisation and leadership');
    expect(scoreDistributionSvg(ranking(), { lang: 'en', title: false })).not.toContain('Score distribution');
  });
});
