/**
 * The deduction detail workbook (扣分明细), from a DeductionDetail: one row per finding of each
 * village in scheme order — withdrawn and superseded ones too, counted as 0 — and a subtotal
 * row after each village's findings (recorded, counted after pools, base, bonus, total); then a
 * summary sheet (汇总) with one row per village. Pure: data in, bytes out.
 */
import { formatPoints } from '../../core/numbers.ts';
import type { DeductionDetail, DeductionRow, DeductionVillage, ReportHeader } from '../shapes.ts';
import { createdOf } from './ranking.ts';
import { addTable, sheetNames, workbookBuffer, workbookFile, type Book, type ColumnSpec, type TableRow } from './sheet-kit.ts';

const POINTS = '0.00';
const WHOLE = '0';

const fp = (points: number) => formatPoints(Math.round(points * 100));

const WORDS = {
  zh: {
    detail: '扣分明细',
    summary: '汇总',
    title: (campaign: string, where: string) => `${campaign}扣分明细（${where}）`,
    summaryTitle: (campaign: string, where: string) => `${campaign}扣分汇总（${where}）`,
    county: '全县',
    columns: {
      township: '乡镇',
      village: '村',
      item: '项目编号',
      title: '考核项目',
      rule: '评分标准',
      element: '未达要素',
      count: '次数',
      unit: '每处分值',
      points: '扣分',
      bonus: '加分',
      pool: '扣分池影响',
      note: '情况说明',
      household: '农户',
      evidence: '证据',
      source: '来源',
      status: '状态',
      statusNote: '撤回或申诉说明',
      finding: '记录号',
      by: '记录人',
      at: '记录时间',
      code: '区划代码',
      assessment: '考核状态',
      accepted: '有效记录',
      withdrawn: '已撤回',
      adjusted: '申诉调整',
      recorded: '记录扣分',
      deducted: '实扣分',
      base: '基础分',
      total: '总分',
    },
    subtotal: '小计',
    subtotalNote: (v: DeductionVillage) =>
      `记录扣分${fp(v.totals.recorded)}分，扣分池封顶后实扣${fp(v.totals.deducted)}分；基础分${fp(v.totals.base)}，加分${fp(v.totals.bonus)}，总分${fp(v.totals.total)}`,
    sum: '合计',
    subtitle: (h: ReportHeader) =>
      [
        h.county ? `县：${h.county.name}` : null,
        `考核细则：${h.scheme.title}（${h.scheme.id} 第${h.scheme.version}版）`,
        `考核期：${h.campaign.period.from} 至 ${h.campaign.period.to}`,
        `制表日期：${h.date}`,
        h.auditAnchor ? `审计锚点：${h.auditAnchor}` : null,
      ]
        .filter(Boolean)
        .join('　　') + '\n扣分：有效记录按每处分值×次数计（扣分池封顶见“扣分池影响”）；已撤回和被申诉裁定取代的记录计0分。',
    none: '无扣分记录',
    measured: (value: string) => `测量值：${value}`,
  },
  en: {
    detail: 'Deductions',
    summary: 'Summary',
    title: (campaign: string, where: string) => `${campaign}: deductions (${where})`,
    summaryTitle: (campaign: string, where: string) => `${campaign}: deductions by village (${where})`,
    county: 'county',
    columns: {
      township: 'Township',
      village: 'Village',
      item: 'Item',
      title: 'Item title',
      rule: 'Scoring rule',
      element: 'Element missing',
      count: 'Count',
      unit: 'Points each',
      points: 'Deducted',
      bonus: 'Added',
      pool: 'Pool effect',
      note: 'Note',
      household: 'Household',
      evidence: 'Evidence',
      source: 'Source',
      status: 'Status',
      statusNote: 'Withdrawal or appeal',
      finding: 'Finding',
      by: 'Recorded by',
      at: 'Recorded at',
      code: 'Division code',
      assessment: 'Assessment',
      accepted: 'Accepted',
      withdrawn: 'Withdrawn',
      adjusted: 'Adjusted on appeal',
      recorded: 'Recorded deductions',
      deducted: 'Deducted after pools',
      base: 'Base',
      total: 'Total',
    },
    subtotal: 'Subtotal',
    subtotalNote: (v: DeductionVillage) =>
      `${fp(v.totals.recorded)} recorded, ${fp(v.totals.deducted)} deducted after pools; base ${fp(v.totals.base)}, bonus ${fp(v.totals.bonus)}, total ${fp(v.totals.total)}`,
    sum: 'Sum',
    subtitle: (h: ReportHeader) =>
      [
        h.county ? `County: ${h.county.name}` : null,
        `Scheme: ${h.scheme.title} (${h.scheme.id} v${h.scheme.version})`,
        `Period: ${h.campaign.period.from} to ${h.campaign.period.to}`,
        `Made on ${h.date}`,
        h.auditAnchor ? `Audit anchor: ${h.auditAnchor}` : null,
      ]
        .filter(Boolean)
        .join('    ') + '\nDeducted: count × points each for accepted findings (pool caps under "Pool effect"); withdrawn and superseded findings count 0.',
    none: 'no findings',
    measured: (value: string) => `measured: ${value}`,
  },
} as const;

function where(detail: DeductionDetail): string {
  const h = detail.header;
  const w = WORDS[h.lang];
  if (h.village) return [detail.villages[0]?.townshipName, h.village.name].filter(Boolean).join(' ');
  if (h.township) return h.township.name;
  return h.county?.name ?? w.county;
}

function detailSheet(book: Book, detail: DeductionDetail, name: string): void {
  const lang = detail.header.lang;
  const w = WORDS[lang];
  const c = w.columns;
  const columns: ColumnSpec[] = [
    { header: c.township },
    { header: c.village },
    { header: c.item, align: 'center' },
    { header: c.title, wrap: true },
    { header: c.rule, wrap: true },
    { header: c.element },
    { header: c.count, numFmt: WHOLE, align: 'center' },
    { header: c.unit, numFmt: POINTS },
    { header: c.points, numFmt: POINTS },
    { header: c.bonus, numFmt: POINTS },
    { header: c.pool, wrap: true },
    { header: c.note, wrap: true },
    { header: c.household },
    { header: c.evidence, wrap: true },
    { header: c.source },
    { header: c.status },
    { header: c.statusNote, wrap: true },
    { header: c.finding, numFmt: WHOLE },
    { header: c.by },
    { header: c.at },
  ];
  const value = (r: DeductionRow) => [
    r.townshipName,
    r.villageName,
    r.item,
    r.title,
    r.rule,
    // The element missing; for issue 18's kinds the part found short, and the value measured.
    [r.elementTitle, r.partTitle ?? r.part, r.value !== null ? w.measured(r.value) : null].filter(Boolean).join(lang === 'zh' ? '；' : '; ') || null,
    r.count,
    r.unitPoints,
    r.kind === 'bonus' ? null : r.points,
    r.kind === 'bonus' ? r.points : null,
    r.poolEffect || null,
    r.note,
    r.household,
    r.evidenceText || null,
    r.sourceLabel,
    r.statusLabel,
    r.statusNote || null,
    r.findingId,
    r.createdBy,
    r.createdAt,
  ];
  const rows: TableRow[] = [];
  for (const v of detail.villages) {
    if (v.rows.length === 0) continue;
    for (const r of v.rows) rows.push({ values: value(r) });
    const deducted = v.rows.filter((r) => r.kind !== 'bonus').reduce((n, r) => n + Math.round(r.points * 100), 0) / 100;
    const added = v.rows.filter((r) => r.kind === 'bonus').reduce((n, r) => n + Math.round(r.points * 100), 0) / 100;
    rows.push({
      values: [
        v.townshipName,
        v.name,
        w.subtotal,
        null,
        null,
        null,
        null,
        null,
        deducted,
        added,
        w.subtotalNote(v),
        null,
        null,
        null,
        null,
        v.assessmentStatusLabel,
        null,
        null,
        null,
        null,
      ],
      kind: 'subtotal',
    });
  }
  if (rows.length === 0) rows.push({ values: [w.none, ...columns.slice(1).map(() => null)], span: columns.length });
  addTable(book, {
    name,
    title: w.title(detail.header.campaign.name, where(detail)),
    subtitle: [w.subtitle(detail.header)],
    columns,
    rows,
    freezeColumns: 3,
    autoFilter: true,
    lang,
  });
}

function summarySheet(book: Book, detail: DeductionDetail, name: string): void {
  const lang = detail.header.lang;
  const w = WORDS[lang];
  const c = w.columns;
  const columns: ColumnSpec[] = [
    { header: c.township },
    { header: c.village },
    { header: c.assessment, align: 'center' },
    { header: c.accepted, numFmt: WHOLE, align: 'center' },
    { header: c.withdrawn, numFmt: WHOLE, align: 'center' },
    { header: c.adjusted, numFmt: WHOLE, align: 'center' },
    { header: c.recorded, numFmt: POINTS },
    { header: c.deducted, numFmt: POINTS },
    { header: c.base, numFmt: POINTS },
    { header: c.bonus, numFmt: POINTS },
    { header: c.total, numFmt: POINTS },
    { header: c.code },
  ];
  const rows: TableRow[] = detail.villages.map((v) => ({
    values: [
      v.townshipName,
      v.name,
      v.assessmentStatusLabel,
      v.counts.accepted,
      v.counts.withdrawn,
      v.counts.adjusted,
      v.totals.recorded,
      v.totals.deducted,
      v.totals.base,
      v.totals.bonus,
      v.totals.total,
      v.village,
    ],
  }));
  if (detail.villages.length > 1) {
    const sum = (f: (v: DeductionVillage) => number) => detail.villages.reduce((n, v) => n + Math.round(f(v) * 100), 0) / 100;
    rows.push({
      values: [
        w.sum,
        null,
        null,
        sum((v) => v.counts.accepted),
        sum((v) => v.counts.withdrawn),
        sum((v) => v.counts.adjusted),
        sum((v) => v.totals.recorded),
        sum((v) => v.totals.deducted),
        null,
        null,
        null,
        null,
      ],
      kind: 'average',
      span: 3,
    });
  }
  addTable(book, {
    name,
    title: w.summaryTitle(detail.header.campaign.name, where(detail)),
    subtitle: [w.subtitle(detail.header)],
    columns,
    rows,
    freezeColumns: 2,
    autoFilter: true,
    lang,
  });
}

/** Writes the workbook's sheets into a book (in memory or streamed: see sheet-kit). */
export function deductionsBook(detail: DeductionDetail): (book: Book) => void {
  return (book) => {
    const w = WORDS[detail.header.lang];
    const [detailName, summaryName] = sheetNames([w.detail, w.summary]);
    detailSheet(book, detail, detailName!);
    summarySheet(book, detail, summaryName!);
  };
}

/** The deduction detail workbook as bytes. */
export function deductionsXlsx(detail: DeductionDetail): Promise<Buffer> {
  return workbookBuffer(deductionsBook(detail), createdOf(detail.header));
}

/** The deduction detail workbook streamed to a file. */
export function writeDeductionsXlsx(detail: DeductionDetail, path: string): Promise<void> {
  return workbookFile(path, deductionsBook(detail), createdOf(detail.header));
}
