/**
 * Charts of a campaign's results drawn on the server: Apache ECharts rendered to an SVG string
 * (no browser, no canvas), for the campaign PDF and any download. Pure: ranking data in, SVG
 * out; every chart is disposed (a live ECharts instance keeps timers that hold the process).
 *
 * The titles and colours are the overview page's (src/web/pages/OverviewPage.tsx): the score
 * distribution in 10-point bins in red, the section averages as a share of each section's points.
 * On paper the section chart groups by township (one series per section), which reads better in
 * print than the page's one series per township when a county has many townships.
 */
import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import type { Cents } from '../core/numbers.ts';
import { textOf, type Lang, type Scheme } from '../core/scheme/model.ts';

// The one-file CommonJS build: under tsx the modular ESM build (echarts/core and its hundreds of
// files) takes 3.5 s to load, this one 1 s; tree-shaking is of no use on the server.
let loaded: typeof Echarts | undefined;
const echarts = (): typeof Echarts => (loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts);

/** The bar colour of the score distribution (as on the overview page). */
export const DISTRIBUTION_COLOUR = '#b7282e';
/** ECharts' default palette, the overview page's colours for its series. */
export const SERIES_COLOURS = ['#5070dd', '#b6d634', '#505372', '#ff994d', '#0ca8df', '#ffd10a', '#fb628b', '#785db0', '#3fbe95'];

/** The parts of a ranking (CampaignServices.rankingFor, core/ranking) the charts read. */
export interface ChartRanking {
  county: ReadonlyArray<{ total: Cents }>;
  countySummary: { averages: Record<string, Cents> };
  townships: ReadonlyArray<{ township: string; townshipName: string; averages: Record<string, Cents> }>;
}

/** A section of the scheme as the charts show it: its title in the reader's language and its points. */
export interface ChartSection {
  code: string;
  title: string;
  /** Points of the section (a bonus section's cap); null or 0: not charted. */
  max: number | null;
}

export interface ChartOptions {
  lang: Lang;
  /** Size in CSS pixels (the SVG's user units). */
  width?: number;
  height?: number;
  /** Draw the title inside the chart (default true). */
  title?: boolean;
}

const WORDS = {
  zh: { distribution: '得分分布', totalAxis: '总分', villagesAxis: '村数', sectionAverages: '各乡镇分项平均得分率', county: '全县' },
  en: { distribution: 'Score distribution', totalAxis: 'Total', villagesAxis: 'Villages', sectionAverages: 'Section averages by township', county: 'County' },
} as const;

/** The sections of a scheme with their titles in a language, for sectionAveragesSvg. */
export function chartSections(scheme: Scheme, lang: Lang): ChartSection[] {
  return scheme.sections.map((s) => ({ code: s.code, title: textOf(s.title, lang), max: s.points === null ? null : s.points / 100 }));
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/**
 * Villages per 10-point bin of their totals, from 0 up to the most a village can score (or the
 * highest total); a total on a bin's upper edge counts in the next bin, the top bin takes the top.
 */
export function distributionBins(ranking: Pick<ChartRanking, 'county'>, maxTotal?: number): Bin[] {
  const highest = ranking.county.reduce((m, v) => Math.max(m, v.total), 0) / 100;
  const top = Math.max(10, Math.ceil((maxTotal ?? 0) / 10) * 10, Math.ceil(highest / 10) * 10);
  const bins = Array.from({ length: top / 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  // Whole cents: 1000 cents (10 points) a bin, so 149.99 is in 140–150 and 150 in 150–160.
  for (const v of ranking.county) bins[Math.min(Math.floor(v.total / 1000), bins.length - 1)]!.count++;
  return bins;
}

/** Renders an ECharts option to SVG and disposes the chart. */
function svgOf(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function titleOf(text: string, show: boolean) {
  return show ? { title: { text, left: 'center', top: 4, textStyle: { fontSize: 15, fontWeight: 'bold' } } } : {};
}

/** Histogram of the villages' totals in 10-point bins (from the bin below the lowest total). */
export function scoreDistributionSvg(ranking: Pick<ChartRanking, 'county'>, options: ChartOptions & { maxTotal?: number }): string {
  const w = WORDS[options.lang];
  const all = distributionBins(ranking, options.maxTotal);
  // As on the overview page: a campaign scored 150–200 shows those bins, not fifteen empty ones.
  const first = all.findIndex((b) => b.count > 0);
  const bins = first < 0 ? all : all.slice(Math.max(0, first - 1));
  const showTitle = options.title ?? true;
  return svgOf(
    {
      ...titleOf(w.distribution, showTitle),
      grid: { left: 48, right: 20, top: showTitle ? 44 : 20, bottom: 52 },
      xAxis: {
        type: 'category',
        data: bins.map((b) => `${b.from}–${b.to}`),
        name: w.totalAxis,
        nameLocation: 'middle',
        nameGap: 32,
        axisLabel: { interval: 0, rotate: bins.length > 12 ? 40 : 0, fontSize: 11 },
      },
      yAxis: { type: 'value', minInterval: 1, name: w.villagesAxis, nameTextStyle: { align: 'right' } },
      series: [
        {
          type: 'bar',
          data: bins.map((b) => b.count),
          itemStyle: { color: DISTRIBUTION_COLOUR },
          barMaxWidth: 36,
          // No text border: svg-to-pdfkit ignores paint-order and would paint the white border over the text.
          label: { show: true, position: 'top', fontSize: 10, color: '#333333', textBorderWidth: 0, formatter: (p: { value: number }) => (p.value ? String(p.value) : '') },
        },
      ],
    },
    options.width ?? 640,
    options.height ?? 300,
  );
}

/** A section's average as a share of its points, in percent to one decimal; null when unknown. */
export function sectionRate(average: Cents | undefined, max: number | null): number | null {
  if (average === undefined || !max) return null;
  // average / 100 points ÷ max points × 100 %.
  return Math.round((average * 10) / max) / 10;
}

/** Each township's (and the county's) average score of each section, as a share of the section's points: one bar series per section. */
export function sectionAveragesSvg(ranking: ChartRanking, sections: readonly ChartSection[], options: ChartOptions): string {
  const w = WORDS[options.lang];
  const charted = sections.filter((s) => s.max);
  const groups = [...ranking.townships.map((t) => ({ name: t.townshipName, averages: t.averages })), { name: w.county, averages: ranking.countySummary.averages }];
  const showTitle = options.title ?? true;
  const many = groups.length > 8;
  return svgOf(
    {
      ...titleOf(w.sectionAverages, showTitle),
      color: SERIES_COLOURS,
      legend: { bottom: 4, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      grid: { left: 48, right: 20, top: showTitle ? 44 : 20, bottom: many ? 84 : 64 },
      xAxis: { type: 'category', data: groups.map((g) => g.name), axisLabel: { interval: 0, rotate: many ? 35 : 0, fontSize: 11 } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: charted.map((s) => ({
        name: `${s.code} ${s.title}`,
        type: 'bar',
        barMaxWidth: 18,
        data: groups.map((g) => sectionRate(g.averages[s.code], s.max)),
      })),
    },
    options.width ?? 640,
    options.height ?? 320,
  );
}
