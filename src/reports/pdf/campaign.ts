/**
 * A whole campaign as one PDF: a county summary (figures, averages by township, the two charts,
 * the top and bottom villages), then every village's score sheet, each starting on a new page.
 * Footers count each part's own pages ("第 1 页 / 共 3 页") and the document's ("总第 12 页 / 共 2,100 页").
 *
 * Written as a stream: each village is laid out, drawn and flushed before the next, so memory
 * stays flat however many villages there are. The document's page total needs every village's
 * page count first: when the sheets can be read twice (an array, or a function giving them
 * anew), a first pass lays each one out only to count its pages; from a one-shot stream the
 * footer says "总第 12 页" without the total.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import SVGtoPDF from 'svg-to-pdfkit';
import type { Lang } from '../../core/scheme/model.ts';
import type { RankedRow, Rankings } from '../../core/ranking/ranking.ts';
import { scoreDistributionSvg, sectionAveragesSvg, type ChartSection } from '../charts.ts';
import { FONT_BOLD, svgFontCallback } from './fonts.ts';
import { labels, points } from './labels.ts';
import { createReportDocument, drawOps, Flow, Measurer, table, type Column, type Doc, type Images, type PagePlan, type Row, type SvgOp } from './layout.ts';
import { footerOps, layoutScoreSheet, PAGE_FRAME, type ScoreSheet, type SheetPages } from './score-sheet.ts';

/** Sheets to print: an array or a function that gives them anew (both read twice), or a one-shot (async) iterable. */
export type SheetSource = readonly ScoreSheet[] | (() => Iterable<ScoreSheet> | AsyncIterable<ScoreSheet>) | Iterable<ScoreSheet> | AsyncIterable<ScoreSheet>;

export interface CampaignPdfInput {
  /** As CampaignServices.rankingFor gives it. */
  ranking: Rankings & { campaign: { name: string; year: number }; basis?: string };
  /** The scheme's sections, titles in the report's language (charts.chartSections). */
  sections: readonly ChartSection[];
  /** Grade titles by code, for the grade counts (when the scheme has grades). */
  grades?: ReadonlyArray<{ code: string; title: string }>;
  county?: string | null;
  /** The day the report is made (YYYY-MM-DD). */
  date: string;
  /** The audit log's head when the report is made (`N:HEX`), printed as an anchor. */
  auditAnchor?: string | null;
  /** The most a village can score (base and bonus): the distribution's bins go up to it. */
  maxTotal?: number;
  sheets: SheetSource;
  /**
   * The photos of a village's sheet (thumbnails by sha256), printed under its deductions as on
   * the village's own sheet; none: evidence listed by name. Asked for once per pass (the page
   * count, then the drawing), so it should read from a cache, not hold every village's photos.
   */
  photos?: (sheet: ScoreSheet) => Promise<Images>;
}

export interface CampaignPdfOptions {
  lang: Lang;
  /** Villages at the top and at the bottom listed in the summary (default 10). */
  topCount?: number;
  /** Called after each village is written. */
  onProgress?: (done: number) => void;
}

/** What was written: page counts and where each village's pages are (1-based). */
export interface CampaignPdfPlan {
  pages: number;
  summaryPages: number;
  villages: SheetPages[];
}

const CHART_WIDTH = 640;

/** Lays out the county summary. */
export function layoutSummary(m: Measurer, input: CampaignPdfInput, options: CampaignPdfOptions): PagePlan[] {
  const L = labels(options.lang);
  const r = input.ranking;
  // A provisional ranking is marked in the title, so on every page's running head too.
  const title = (r.basis === 'preview' ? L.previewMark : '') + L.summaryTitle(r.campaign.name);
  const flow = new Flow(m, PAGE_FRAME, (f) => {
    f.textAt(title + L.continued, f.frame.left, f.y, { font: FONT_BOLD, size: 10 });
    f.y += 16;
    f.rule(0.6);
    f.y += 6;
  });
  flow.newPage();
  flow.paragraph(input.county ? `${input.county} ${title}` : title, { font: FONT_BOLD, size: 16, align: 'center', gapAfter: 2 });
  // A provisional ranking says so under its title, before any figure.
  if (r.basis === 'preview') flow.paragraph(L.preview, { font: FONT_BOLD, size: 11, color: '#b00000', align: 'center', gapAfter: 4 });
  const basis = r.basis ? L.basis(L.bases[r.basis] ?? r.basis) : '';
  flow.paragraph([basis, L.produced(input.date)].filter(Boolean).join(' · '), { size: 9, color: '#555555', align: 'center', gapAfter: input.auditAnchor ? 2 : 8 });
  if (input.auditAnchor) flow.paragraph(L.anchor(input.auditAnchor), { size: 7.5, color: '#555555', align: 'center', gapAfter: 8 });

  // Key figures.
  const s = r.countySummary;
  const w = flow.width;
  const labelW = options.lang === 'en' ? 90 : 72;
  const pairColumns: Column[] = [{ width: labelW }, { width: w / 2 - labelW }, { width: labelW }, { width: w / 2 - labelW }];
  const pair = (a: [string, string], b: [string, string]): Row => ({
    cells: [{ text: a[0], font: FONT_BOLD, fill: '#f3f3f3' }, { text: a[1] }, { text: b[0], font: FONT_BOLD, fill: '#f3f3f3' }, { text: b[1] }],
  });
  const first = r.county[0];
  const last = r.county[r.county.length - 1];
  const named = (row: RankedRow | undefined) => (row ? points(row.total / 100) + L.paren(`${row.townshipName} ${row.name}`) : '—');
  const figures: Row[] = [
    pair([L.villagesAssessed, String(s.count)], [L.townships, String(r.townships.length)]),
    pair([L.averageTotal, points(s.averageTotal / 100)], [L.averageBase, points(s.averageBase / 100)]),
    pair([L.averageBonus, points(s.averageBonus / 100)], ['', '']),
    pair([L.highest, named(first)], [L.lowest, named(last)]),
  ];
  if (s.gradeCounts) {
    const titleOf = (code: string) => input.grades?.find((g) => g.code === code)?.title ?? code;
    figures.push(
      pair(
        [
          L.gradeCounts,
          Object.entries(s.gradeCounts)
            .map(([code, n]) => `${titleOf(code)} ${n}`)
            .join(options.lang === 'zh' ? '，' : ', '),
        ],
        ['', ''],
      ),
    );
  }
  table(flow, pairColumns, figures, { size: 9, padY: 3 });
  flow.y += 12;

  // Averages by township.
  flow.paragraph(L.byTownship, { font: FONT_BOLD, size: 11, gapAfter: 4 });
  const sections = input.sections;
  const fixed = [options.lang === 'en' ? 66 : 78, 40];
  const numeric = sections.length + 3;
  const each = (w - fixed[0]! - fixed[1]!) / numeric;
  const columns: Column[] = [{ width: fixed[0]! }, { width: fixed[1]!, align: 'right' }, ...Array.from({ length: numeric }, () => ({ width: each, align: 'right' as const }))];
  const header: Row = {
    cells: [
      L.township,
      L.villagesCount,
      ...sections.map((sec) => `${sec.code} ${sec.title}${sec.max ? L.paren(points(sec.max)) : ''}`),
      L.base,
      L.bonus,
      L.total,
      // English section titles are long words: a smaller size keeps them whole.
    ].map((text) => ({ text, font: FONT_BOLD, align: 'center' as const, size: options.lang === 'en' ? 7.5 : 8 })),
  };
  const avgRow = (
    name: string,
    sum: { count: number; averages: Record<string, number>; averageBase: number; averageBonus: number; averageTotal: number },
    county = false,
  ): Row => ({
    fill: county ? '#e6e6e6' : undefined,
    cells: [
      { text: name, font: county ? FONT_BOLD : undefined },
      { text: String(sum.count) },
      ...sections.map((sec) => ({ text: sum.averages[sec.code] === undefined ? '—' : points(sum.averages[sec.code]! / 100) })),
      { text: points(sum.averageBase / 100) },
      { text: points(sum.averageBonus / 100) },
      { text: points(sum.averageTotal / 100), font: FONT_BOLD },
    ],
  });
  table(flow, columns, [...r.townships.map((t) => avgRow(t.townshipName, t)), avgRow(L.countyRow, s, true)], { header, headerFill: '#e6e6e6' });
  flow.y += 14;

  // The charts, as vector graphics at the frame's width.
  for (const svg of [
    scoreDistributionSvg(r, { lang: options.lang, width: CHART_WIDTH, height: 300, maxTotal: input.maxTotal }),
    sectionAveragesSvg(r, sections, { lang: options.lang, width: CHART_WIDTH, height: 330 }),
  ]) {
    const height = (w / CHART_WIDTH) * Number(/viewBox="0 0 [\d.]+ ([\d.]+)"/.exec(svg)?.[1] ?? 300);
    flow.ensure(height);
    flow.add({ op: 'svg', svg, x: flow.frame.left, y: flow.y, w, h: height });
    flow.y += height + 10;
  }

  // The top and bottom villages.
  const n = Math.min(options.topCount ?? 10, Math.ceil(r.county.length / 2));
  if (n > 0) {
    const grades = r.county.some((v) => v.grade != null);
    const placeColumns: Column[] = [
      { width: 52, align: 'right' },
      { width: 52, align: 'right' },
      { width: 130 },
      { width: 110 },
      { width: 50, align: 'right' },
      { width: 50, align: 'right' },
      { width: 50, align: 'right' },
    ];
    if (grades) placeColumns.push({ width: w - placeColumns.reduce((a, c) => a + c.width, 0) });
    else placeColumns[3]!.width += w - placeColumns.reduce((a, c) => a + c.width, 0);
    const placeHeader: Row = {
      cells: [L.countyRank, L.townshipRank, L.village, L.township, L.base, L.bonus, L.total, ...(grades ? [L.grade] : [])].map((text) => ({
        text,
        font: FONT_BOLD,
        align: 'center' as const,
        size: 8,
      })),
    };
    const gradeTitle = (code: string | null | undefined) => (code == null ? '—' : (input.grades?.find((g) => g.code === code)?.title ?? code));
    const placeRow = (v: RankedRow): Row => ({
      cells: [
        { text: String(v.countyRank) },
        { text: String(v.townshipRank) },
        { text: v.name },
        { text: v.townshipName },
        { text: points(v.base / 100) },
        { text: points(v.bonus / 100) },
        { text: points(v.total / 100), font: FONT_BOLD },
        ...(grades ? [{ text: gradeTitle(v.grade) }] : []),
      ],
    });
    for (const [heading, rows] of [
      [L.top(n), r.county.slice(0, n)],
      [L.bottom(n), r.county.slice(-n).reverse()],
    ] as const) {
      flow.ensure(11 * 1.4 + 4 + 3 * 16);
      flow.paragraph(heading, { font: FONT_BOLD, size: 11, gapAfter: 4 });
      table(flow, placeColumns, rows.map(placeRow), { header: placeHeader, headerFill: '#e6e6e6' });
      flow.y += 12;
    }
  }
  return flow.pages;
}

function drawSvg(doc: Doc, op: SvgOp): void {
  SVGtoPDF(doc, op.svg, op.x, op.y, { width: op.w, height: op.h, fontCallback: svgFontCallback, warningCallback: () => {} });
}

/** Each sheet of the source, whether an array, a function, an iterable or an async iterable. */
async function* sheetsOf(source: SheetSource): AsyncGenerator<ScoreSheet> {
  const s = typeof source === 'function' ? source() : source;
  if (Symbol.asyncIterator in s) for await (const sheet of s as AsyncIterable<ScoreSheet>) yield sheet;
  else for (const sheet of s as Iterable<ScoreSheet>) yield sheet;
}

/** A sheet's photos as score-sheet options (none without a source of photos). */
async function photosOf(input: CampaignPdfInput, sheet: ScoreSheet): Promise<{ photos?: Images }> {
  return input.photos ? { photos: await input.photos(sheet) } : {};
}

const rereadable = (source: SheetSource) => Array.isArray(source) || typeof source === 'function';

/** Waits while the output has more than it wants buffered, and lets the event loop run. */
async function breathe(out: Writable): Promise<void> {
  if (out.writableNeedDrain) await once(out, 'drain');
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Writes the campaign PDF to a file path or a writable stream (ended when the PDF is complete)
 * and resolves with what was written once the last byte is out.
 */
export async function writeCampaignPdf(input: CampaignPdfInput, out: string | Writable, options: CampaignPdfOptions): Promise<CampaignPdfPlan> {
  const L = labels(options.lang);
  const stream = typeof out === 'string' ? createWriteStream(out) : out;
  const doc = createReportDocument({
    title: (input.ranking.basis === 'preview' ? L.previewMark : '') + L.summaryTitle(input.ranking.campaign.name),
    author: input.county ?? undefined,
  });
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(stream);
  try {
    const m = new Measurer(doc);
    const summary = layoutSummary(m, input, options);
    let total: number | null = null;
    if (rereadable(input.sheets)) {
      total = summary.length;
      for await (const sheet of sheetsOf(input.sheets)) total += layoutScoreSheet(m, sheet, { ...options, ...(await photosOf(input, sheet)) }).pages.length;
    }
    let page = 0;
    const overall = () => L.overallPage(page, total);
    summary.forEach((p, i) => {
      doc.addPage({ size: 'A4', margin: 0 });
      page++;
      const footer = footerOps(m, PAGE_FRAME, {
        left: `${input.county ?? ''} ${input.ranking.campaign.name}`.trim(),
        center: overall(),
        right: `${L.summaryPart}${options.lang === 'en' ? ' · ' : ' '}${L.page(i + 1, summary.length)}`,
      });
      drawOps(doc, [...p.ops, ...footer], drawSvg);
    });
    const villages: SheetPages[] = [];
    for await (const sheet of sheetsOf(input.sheets)) {
      const photos = await photosOf(input, sheet);
      const layout = layoutScoreSheet(m, sheet, { ...options, ...photos });
      const firstPage = page + 1;
      layout.pages.forEach((p, i) => {
        doc.addPage({ size: 'A4', margin: 0 });
        page++;
        drawOps(doc, [...p.ops, ...footerOps(m, PAGE_FRAME, { left: layout.footer, center: overall(), right: L.page(i + 1, layout.pages.length) })], undefined, photos.photos);
      });
      villages.push({ village: layout.village, firstPage, pages: layout.pages.length });
      options.onProgress?.(villages.length);
      await breathe(stream);
    }
    if (total !== null && total !== page) {
      // The sheets changed between the passes (a function that gave other sheets the second time).
      throw new Error(`campaign PDF: counted ${total} pages but wrote ${page}; the sheets changed while the PDF was written`);
    }
    doc.end();
    await finished;
    return { pages: page, summaryPages: summary.length, villages };
  } catch (e) {
    doc.unpipe(stream);
    stream.destroy();
    throw e;
  }
}

/** The campaign PDF in memory (small campaigns, tests). */
export async function campaignPdf(input: CampaignPdfInput, options: CampaignPdfOptions): Promise<{ pdf: Buffer; plan: CampaignPdfPlan }> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const plan = await writeCampaignPdf(input, sink, options);
  return { pdf: Buffer.concat(chunks), plan };
}
