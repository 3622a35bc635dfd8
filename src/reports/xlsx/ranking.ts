/**
 * The ranking workbook of a campaign (考核排名), from a RankingReport: the whole county (全县),
 * the section averages by township (分项平均), the change against the previous campaign
 * (较上年变化, when there is one), then one sheet per township. Pure: data in, bytes out.
 */
import { formatPoints } from '../../core/numbers.ts';
import type { Lang } from '../../core/scheme/model.ts';
import { changesOf, sectionAverages, type RankingReport, type RankingReportRow, type ReportHeader, type ReportSummary } from '../shapes.ts';
import { addTable, sheetNames, workbookBuffer, workbookFile, type Book, type ColumnSpec, type TableRow } from './sheet-kit.ts';

const POINTS = '0.00';
const WHOLE = '0';
const POINTS_CHANGE = '+0.00;-0.00;0.00';
const WHOLE_CHANGE = '+0;-0;0';

const WORDS = {
  zh: {
    county: '全县',
    averages: '分项平均',
    change: '较上年变化',
    rankingTitle: (campaign: string, where: string) => `${campaign}排名（${where}）`,
    averagesTitle: (campaign: string) => `${campaign}各乡镇分项平均得分`,
    changeTitle: (campaign: string, previous: string) => `${campaign}较${previous}变化`,
    previewTitle: (title: string) => `【内部预览】${title}（名次为暂定，不得对外公布）`,
    previewSheet: (name: string) => `内部预览-${name}`,
    unranked: { unassessed: '未考核', unpublished: '未发布' },
    township: '乡镇',
    village: '村',
    code: '区划代码',
    sections: '各部分得分',
    sectionAverages: '各部分平均得分',
    points: (title: string, max: number | null) => (max === null ? title : `${title}（${formatPoints(Math.round(max * 100))}）`),
    base: '基础分',
    bonus: '加分',
    total: '总分',
    grade: '等次',
    period: (title: string, weight: number) => `${title}×${formatPoints(Math.round(weight * 100))}%`,
    periodsGroup: '各阶段得分（已乘权重）',
    penalty: '扣分',
    combinedTotal: '综合得分',
    scoredGrade: '评定等次',
    quotaGrade: '确定等次（按比例）',
    rankPoints: '名次分',
    townshipRank: '乡镇排名',
    countyRank: '全县排名',
    changeGroup: '较上年变化',
    changeTotal: '总分',
    changeRank: '名次',
    count: '村数',
    compared: '可比村数',
    averageChange: '总分平均变化',
    previousTotal: '上年总分',
    thisTotal: '本年总分',
    totalChange: '总分变化',
    previousRank: '上年全县排名',
    thisRank: '本年全县排名',
    rankChange: '名次变化（正数为上升）',
    average: (n: number) => `平均（${n}个村）`,
    countyAverage: (n: number) => `全县平均（${n}个村）`,
    byTownship: '各乡镇',
    subtitle: (h: ReportHeader, previous: string | null) =>
      [
        h.county ? `县：${h.county.name}` : null,
        `考核细则：${h.scheme.title}（${h.scheme.id} 第${h.scheme.version}版）`,
        `考核期：${h.campaign.period.from} 至 ${h.campaign.period.to}`,
      ]
        .filter(Boolean)
        .join('　　') +
      '\n' +
      [`口径：${BASIS.zh[h.basis] ?? h.basis}`, previous ? `对比：${previous}` : null, `制表日期：${h.date}`, h.auditAnchor ? `审计锚点：${h.auditAnchor}` : null]
        .filter(Boolean)
        .join('　　'),
    none: '（无）',
  },
  en: {
    county: 'County',
    averages: 'Section averages',
    change: 'Change',
    rankingTitle: (campaign: string, where: string) => `${campaign}: ranking (${where})`,
    averagesTitle: (campaign: string) => `${campaign}: section averages by township`,
    changeTitle: (campaign: string, previous: string) => `${campaign}: change since ${previous}`,
    previewTitle: (title: string) => `[Internal preview] ${title} (provisional ranks, not for release)`,
    previewSheet: (name: string) => `Preview-${name}`,
    unranked: { unassessed: 'not assessed', unpublished: 'not published' },
    township: 'Township',
    village: 'Village',
    code: 'Division code',
    sections: 'Section scores',
    sectionAverages: 'Average section scores',
    points: (title: string, max: number | null) => (max === null ? title : `${title} (${formatPoints(Math.round(max * 100))})`),
    base: 'Base',
    bonus: 'Bonus',
    total: 'Total',
    grade: 'Grade',
    period: (title: string, weight: number) => `${title} × ${formatPoints(Math.round(weight * 100))}%`,
    periodsGroup: 'Stage scores (weighted)',
    penalty: 'Deductions',
    combinedTotal: 'Combined score',
    scoredGrade: 'Grade as scored',
    quotaGrade: 'Grade (quotas applied)',
    rankPoints: 'Rank points',
    townshipRank: 'Rank in township',
    countyRank: 'Rank in county',
    changeGroup: 'Change since last year',
    changeTotal: 'Total',
    changeRank: 'Rank',
    count: 'Villages',
    compared: 'Villages compared',
    averageChange: 'Average change of total',
    previousTotal: 'Previous total',
    thisTotal: 'Total',
    totalChange: 'Change of total',
    previousRank: 'Previous county rank',
    thisRank: 'County rank',
    rankChange: 'Rank change (positive: up)',
    average: (n: number) => `Average (${n} villages)`,
    countyAverage: (n: number) => `County average (${n} villages)`,
    byTownship: 'by township',
    subtitle: (h: ReportHeader, previous: string | null) =>
      [
        h.county ? `County: ${h.county.name}` : null,
        `Scheme: ${h.scheme.title} (${h.scheme.id} v${h.scheme.version})`,
        `Period: ${h.campaign.period.from} to ${h.campaign.period.to}`,
      ]
        .filter(Boolean)
        .join('    ') +
      '\n' +
      [`Results: ${BASIS.en[h.basis] ?? h.basis}`, previous ? `Compared with: ${previous}` : null, `Made on ${h.date}`, h.auditAnchor ? `Audit anchor: ${h.auditAnchor}` : null]
        .filter(Boolean)
        .join('    '),
    none: '(none)',
  },
} as const;

const BASIS: Record<Lang, Record<string, string>> = {
  zh: {
    all: '全部考核结果（含未公布）',
    published: '已发布结果',
    'published-and-own-township': '已发布结果及本乡镇全部结果',
    preview: '内部预览：已提交、已审核及已发布结果',
  },
  en: {
    all: 'every result (published or not)',
    published: 'published results',
    'published-and-own-township': 'published results and every result of your township',
    preview: 'internal preview: submitted, reviewed and published results',
  },
};

/** The ranking table's columns, in order, with how to fill each from a row. */
function rankingColumns(report: RankingReport): Array<ColumnSpec & { value: (r: RankingReportRow) => string | number | null; average?: (s: ReportSummary) => number | null }> {
  const w = WORDS[report.header.lang];
  const base = report.sections.filter((s) => !s.bonus);
  const hasBonus = report.sections.some((s) => s.bonus);
  const periods = report.periods ?? [];
  const withPenalty = periods.length > 0 || report.rows.some((r) => (r.penalty ?? 0) > 0);
  const grades = report.grades.length
    ? report.quotas
      ? [
          { header: w.scoredGrade, align: 'center' as const, value: (r: RankingReportRow) => (r.scoredGrade ?? r.grade)?.title ?? null },
          { header: w.quotaGrade, align: 'center' as const, value: (r: RankingReportRow) => r.grade?.title ?? null },
        ]
      : [{ header: w.grade, align: 'center' as const, value: (r: RankingReportRow) => r.grade?.title ?? null }]
    : [];
  if (periods.length) {
    // A final campaign: 综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分, part by part.
    return [
      { header: w.township, value: (r) => r.townshipName },
      { header: w.village, value: (r) => r.name },
      ...periods.map((p) => ({ header: w.period(p.title, p.weight), group: w.periodsGroup, numFmt: POINTS, value: (r: RankingReportRow) => r.periods?.[p.code] ?? null })),
      { header: w.points(w.bonus, report.maxBonus), numFmt: POINTS, value: (r) => r.bonus, average: (x) => x.bonus },
      { header: w.penalty, numFmt: POINTS, value: (r) => r.penalty ?? 0 },
      { header: w.combinedTotal, numFmt: POINTS, value: (r) => r.total, average: (x) => x.total },
      ...grades,
      ...(report.rankPoints ? [{ header: w.rankPoints, numFmt: POINTS, value: (r: RankingReportRow) => r.rankPoints ?? null }] : []),
      { header: w.townshipRank, numFmt: WHOLE, align: 'center', value: (r) => r.townshipRank },
      { header: w.countyRank, numFmt: WHOLE, align: 'center', value: (r) => r.countyRank },
      { header: w.code, value: (r) => r.village },
    ];
  }
  return [
    { header: w.township, value: (r) => r.townshipName },
    { header: w.village, value: (r) => r.name },
    ...base.map((s) => ({
      header: w.points(s.title, s.max),
      group: w.sections,
      numFmt: POINTS,
      value: (r: RankingReportRow) => r.sections[s.code] ?? null,
      average: (x: ReportSummary) => x.averages[s.code] ?? null,
    })),
    { header: w.points(w.base, report.maxBase), numFmt: POINTS, value: (r) => r.base, average: (x) => x.base },
    ...(hasBonus ? [{ header: w.points(w.bonus, report.maxBonus), numFmt: POINTS, value: (r: RankingReportRow) => r.bonus, average: (x: ReportSummary) => x.bonus }] : []),
    ...(withPenalty ? [{ header: w.penalty, numFmt: POINTS, value: (r: RankingReportRow) => r.penalty ?? 0 }] : []),
    { header: w.total, numFmt: POINTS, value: (r) => r.total, average: (x) => x.total },
    ...grades,
    ...(report.rankPoints ? [{ header: w.rankPoints, numFmt: POINTS, value: (r: RankingReportRow) => r.rankPoints ?? null }] : []),
    { header: w.townshipRank, numFmt: WHOLE, align: 'center', value: (r) => r.townshipRank },
    { header: w.countyRank, numFmt: WHOLE, align: 'center', value: (r) => r.countyRank },
    ...(report.previous
      ? [
          { header: w.changeTotal, group: w.changeGroup, numFmt: POINTS_CHANGE, value: (r: RankingReportRow) => r.change.total },
          { header: w.changeRank, group: w.changeGroup, numFmt: WHOLE_CHANGE, align: 'center' as const, value: (r: RankingReportRow) => r.change.rank },
        ]
      : []),
    { header: w.code, value: (r) => r.village },
  ];
}

/** A sheet's title, marked on every sheet of a provisional ranking. */
function titled(report: RankingReport, title: string): string {
  return report.header.basis === 'preview' ? WORDS[report.header.lang].previewTitle(title) : title;
}

function rankingSheet(
  book: Book,
  report: RankingReport,
  name: string,
  where: string,
  rows: readonly RankingReportRow[],
  summary: ReportSummary,
  withCounty: boolean,
  unranked: RankingReport['unranked'],
): void {
  const lang = report.header.lang;
  const w = WORDS[lang];
  const columns = rankingColumns(report);
  const averageRow = (label: string, s: ReportSummary): TableRow => ({
    values: columns.map((c, i) => (i === 0 ? label : i === 1 ? null : c.average ? c.average(s) : null)),
    kind: 'average',
    span: 2,
  });
  const body: TableRow[] = rows.map((r) => ({ values: columns.map((c) => c.value(r)) }));
  if (rows.length) body.push(averageRow(w.average(summary.count), summary));
  if (withCounty) body.push(averageRow(w.countyAverage(report.county.count), report.county));
  // The villages without a rank, after the averages they are not part of: the state where the ranks go.
  for (const u of unranked) {
    body.push({
      values: columns.map((c) =>
        c.header === w.township
          ? u.townshipName
          : c.header === w.village
            ? u.name
            : c.header === w.code
              ? u.village
              : c.header === w.countyRank || c.header === w.townshipRank
                ? w.unranked[u.state]
                : null,
      ),
    });
  }
  addTable(book, {
    name,
    title: titled(report, w.rankingTitle(report.header.campaign.name, where)),
    subtitle: [w.subtitle(report.header, report.previous?.name ?? null)],
    columns,
    rows: body,
    freezeColumns: 2,
    lang,
  });
}

function averagesSheet(book: Book, report: RankingReport, name: string): void {
  const lang = report.header.lang;
  const w = WORDS[lang];
  const base = report.sections.filter((s) => !s.bonus);
  const hasBonus = report.sections.some((s) => s.bonus);
  const columns: ColumnSpec[] = [
    { header: w.township },
    { header: w.count, numFmt: WHOLE, align: 'center' },
    ...base.map((s) => ({ header: w.points(s.title, s.max), group: w.sectionAverages, numFmt: POINTS })),
    { header: w.points(w.base, report.maxBase), numFmt: POINTS },
    ...(hasBonus ? [{ header: w.points(w.bonus, report.maxBonus), numFmt: POINTS }] : []),
    { header: w.total, numFmt: POINTS },
  ];
  const rows: TableRow[] = sectionAverages(report).map((a) => ({
    values: [a.code === null ? w.countyAverage(a.count) : a.name, a.count, ...base.map((s) => a.averages[s.code] ?? null), a.base, ...(hasBonus ? [a.bonus] : []), a.total],
    ...(a.code === null ? { kind: 'average' as const } : {}),
  }));
  addTable(book, {
    name,
    title: titled(report, w.averagesTitle(report.header.campaign.name)),
    subtitle: [w.subtitle(report.header, null)],
    columns,
    rows,
    freezeColumns: 1,
    lang,
  });
}

function changeSheet(book: Book, report: RankingReport, name: string): void {
  const lang = report.header.lang;
  const w = WORDS[lang];
  const changes = changesOf(report);
  const columns: ColumnSpec[] = [
    { header: w.township },
    { header: w.village },
    { header: w.previousTotal, numFmt: POINTS },
    { header: w.thisTotal, numFmt: POINTS },
    { header: w.totalChange, numFmt: POINTS_CHANGE },
    { header: w.previousRank, numFmt: WHOLE, align: 'center' },
    { header: w.thisRank, numFmt: WHOLE, align: 'center' },
    { header: w.rankChange, numFmt: WHOLE_CHANGE, align: 'center' },
    { header: w.code },
  ];
  const rows: TableRow[] = changes.rows.map((r) => ({
    values: [r.townshipName, r.name, r.change.previousTotal, r.total, r.change.total, r.change.previousRank, r.countyRank, r.change.rank, r.village],
  }));
  // Per township: the average change over its villages ranked both years.
  for (const t of changes.townships) {
    rows.push({
      values: [`${t.code === null ? w.county : t.name} ${w.averageChange}（${w.compared} ${t.compared}/${t.count}）`, null, null, null, t.averageChange, null, null, null, null],
      kind: t.code === null ? 'average' : 'subtotal',
      span: 4,
    });
  }
  addTable(book, {
    name,
    title: titled(report, w.changeTitle(report.header.campaign.name, report.previous!.name)),
    subtitle: [w.subtitle(report.header, report.previous!.name)],
    columns,
    rows,
    freezeColumns: 2,
    lang,
  });
}

/** Writes the workbook's sheets into a book (in memory or streamed: see sheet-kit). */
export function rankingBook(report: RankingReport): (book: Book) => void {
  return (book) => {
    const w = WORDS[report.header.lang];
    const cut = report.header.township;
    const wanted: string[] = [];
    if (!cut) wanted.push(w.county);
    wanted.push(w.averages);
    if (report.previous) wanted.push(w.change);
    const townshipNames = report.townships.map((t) => t.name || t.code);
    const preview = report.header.basis === 'preview';
    const names = sheetNames([...wanted, ...townshipNames].map((n) => (preview ? w.previewSheet(n) : n)));
    let k = 0;
    if (!cut) rankingSheet(book, report, names[k++]!, w.county, report.rows, report.county, false, report.unranked);
    averagesSheet(book, report, names[k++]!);
    if (report.previous) changeSheet(book, report, names[k++]!);
    for (const t of report.townships)
      rankingSheet(
        book,
        report,
        names[k++]!,
        t.name,
        t.rows,
        t.summary,
        true,
        report.unranked.filter((u) => u.township === t.code),
      );
  };
}

/** The ranking workbook as bytes. */
export function rankingXlsx(report: RankingReport): Promise<Buffer> {
  return workbookBuffer(rankingBook(report), createdOf(report.header));
}

/** The ranking workbook streamed to a file (rows leave memory as they are written). */
export function writeRankingXlsx(report: RankingReport, path: string): Promise<void> {
  return workbookFile(path, rankingBook(report), createdOf(report.header));
}

export function createdOf(header: ReportHeader): Date | undefined {
  const t = Date.parse(`${header.date}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : new Date(t);
}
