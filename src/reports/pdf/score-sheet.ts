/**
 * A village's score sheet (考核扣分明细表) on A4: header, the scheme as a ruled table with every
 * item's points, deduction, score and the findings behind it, totals, grade, rank and the
 * signature lines; "第 1 页 / 共 3 页" counts the village's own pages.
 *
 * Each sheet is laid out whole first (layoutScoreSheet: a plan of pages), then drawn, so its page
 * count is known before its first page is written and nothing of it is kept afterwards.
 */
import { PassThrough } from 'node:stream';
import { KaoheError } from '../../core/errors.ts';
import { localDate, localDateTime } from '../../core/time-zone.ts';
import type { Lang } from '../../core/scheme/model.ts';
import type { ScoreSheet, ScoreSheetDeduction, ScoreSheetEvidence, ScoreSheetNode } from '../../contract/score-sheet.ts';
import { FONT_BOLD, FONT_REGULAR } from './fonts.ts';
import { labels, points, type Labels } from './labels.ts';
import { A4, createReportDocument, drawOps, Flow, Measurer, table, type Column, type Doc, type Frame, type Images, type Op, type PagePlan, type Row } from './layout.ts';

export type { ScoreSheet };

export interface ScoreSheetOptions {
  lang: Lang;
  /**
   * Photos of the evidence by sha256 (JPEG or PNG bytes: the thumbnails the evidence store
   * makes), printed under the deductions; evidence without bytes here is listed by name. None:
   * names only.
   */
  photos?: Images;
}

/** Thumbnails per row and the size of each one's frame. */
const THUMBS_PER_ROW = 4;
const THUMB_HEIGHT = 96;
const THUMB_GAP = 8;

/** The printable area of a report page; the footer sits below it. */
export const PAGE_FRAME: Frame = { left: 42, right: A4.width - 42, top: 40, bottom: A4.height - 52 };
const FOOTER_RULE_Y = A4.height - 40;

const GREY = '#555555';
const SECTION_FILL = '#e6e6e6';
const GROUP_FILL = '#f3f3f3';
const LABEL_FILL = '#f3f3f3';

/** A sheet laid out: its pages, not yet drawn. */
export interface SheetLayout {
  village: { code: string; name: string };
  /** What the footer names the sheet by. */
  footer: string;
  pages: PagePlan[];
}

/** Where a village's pages are in a document (1-based page numbers). */
export interface SheetPages {
  village: { code: string; name: string };
  firstPage: number;
  pages: number;
}

/** Footer texts of one page. */
export interface Footer {
  left: string;
  center?: string;
  right: string;
}

/** The ops of a page's footer: a thin rule and up to three texts, below the frame. */
export function footerOps(m: Measurer, frame: Frame, footer: Footer): Op[] {
  const flow = new Flow(m, { ...frame, top: FOOTER_RULE_Y, bottom: A4.height });
  flow.newPage();
  flow.rule(0.4, '#888888');
  const style = { size: 7.5, color: GREY, lineHeight: 12 };
  const top = FOOTER_RULE_Y + 3;
  const width = frame.right - frame.left;
  // The left text is cut to a third of the width rather than run into the others.
  const left = m.wrap(footer.left, FONT_REGULAR, style.size, width * 0.4)[0] ?? '';
  flow.textAt(left, frame.left, top, style);
  if (footer.center) flow.textAt(footer.center, frame.left, top, { ...style, align: 'center', width });
  flow.textAt(footer.right, frame.left, top, { ...style, align: 'right', width });
  return flow.pages[0]!.ops;
}

/** Lays out one village's sheet into pages. */
export function layoutScoreSheet(m: Measurer, sheet: ScoreSheet, options: ScoreSheetOptions): SheetLayout {
  const L = labels(options.lang);
  const h = sheet.header;
  const title = L.sheetTitle(h.village.name);
  const flow = new Flow(m, PAGE_FRAME, (f) => {
    // A running header on every page after the first.
    f.textAt(title + L.continued, f.frame.left, f.y, { font: FONT_BOLD, size: 10 });
    f.textAt(h.campaign.name, f.frame.left, f.y, { size: 8, color: GREY, align: 'right', width: f.width });
    f.y += 16;
    f.rule(0.6);
    f.y += 6;
  });
  flow.newPage();

  // Title and the campaign under it.
  flow.paragraph(title, { font: FONT_BOLD, size: 16, align: 'center', gapAfter: 2 });
  const version = L.paren(L.version(h.scheme.version));
  flow.paragraph(`${h.campaign.name} · ${h.scheme.title}${version}`, { size: 9, color: GREY, align: 'center', gapAfter: 8 });

  // The header as a ruled grid of label and value pairs.
  const w = flow.width;
  const labelW = options.lang === 'en' ? 72 : 62;
  const pairColumns: Column[] = [{ width: labelW }, { width: w / 2 - labelW }, { width: labelW }, { width: w / 2 - labelW }];
  const pair = (a: [string, string], b: [string, string]): Row => ({
    cells: [{ text: a[0], fill: LABEL_FILL }, { text: a[1] }, { text: b[0], fill: LABEL_FILL }, { text: b[1] }],
  });
  const status = (L.statuses[h.status] ?? h.status) + (h.publishedAt ? L.paren(localDate(h.publishedAt, h.timeZone)) : '');
  table(
    flow,
    pairColumns,
    [
      pair([L.county, h.county?.name ?? '—'], [L.township, h.township?.name ?? '—']),
      pair([L.village, h.village.name + L.paren(h.village.code)], [L.team, h.team ?? '—']),
      pair([L.period, L.periodRange(h.campaign.period.from, h.campaign.period.to)], [L.date, h.date]),
      pair([L.scheme, `${h.scheme.title}${version}`], [L.status, status]),
    ],
    { size: 9, padY: 3 },
  );
  flow.y += 10;

  // The scheme table.
  // "Deducted" needs wider number columns than 扣分.
  const numW = options.lang === 'en' ? 50 : 34;
  const columns: Column[] = [
    { width: 38 },
    { width: options.lang === 'en' ? 116 : 128 },
    { width: numW, align: 'right' },
    { width: numW, align: 'right' },
    { width: numW, align: 'right' },
  ];
  columns.push({ width: w - columns.reduce((a, c) => a + c.width, 0) });
  const bold = { font: FONT_BOLD } as const;
  const header: Row = {
    cells: [L.code, L.item, L.points, L.deducted, L.score, L.reasons].map((text) => ({ text, ...bold, align: 'center' as const })),
  };
  const byItem = new Map<string, ScoreSheetDeduction[]>();
  for (const d of sheet.deductions) (byItem.get(d.item) ?? byItem.set(d.item, []).get(d.item)!).push(d);
  const rows: Row[] = sheet.nodes.map((n) => nodeRow(n, byItem.get(n.code) ?? [], L, options.lang));
  table(flow, columns, rows, { header, headerFill: SECTION_FILL });
  flow.y += 10;

  // Totals, grade and rank: kept together.
  const t = sheet.totals;
  const totalsRows: Row[] = [
    pair([L.base, points(t.base) + L.paren(L.outOf(points(t.max)))], [L.bonus, points(t.bonus) + L.paren(L.bonusCap(points(t.bonusMax)))]),
    pair([L.total, points(t.total)], [L.percent, t.percent === null ? '—' : `${points(t.percent)}%`]),
    pair(
      [L.grade, sheet.grade?.title ?? '—'],
      [
        L.rank,
        sheet.rank
          ? L.rankText(sheet.rank.county, sheet.rank.countyOf, sheet.rank.township, sheet.rank.townshipOf, h.township?.name ?? null)
          : sheet.unranked
            ? L.unranked[sheet.unranked]
            : L.noRank,
      ],
    ),
  ];
  // Schemes that convert the base or deduct from the total say so beside the base and the bonus.
  if (t.converted !== null || t.penalty > 0) {
    totalsRows.splice(1, 0, pair([L.converted, t.converted === null ? '—' : points(t.converted)], [L.penalty, t.penalty > 0 ? `−${points(t.penalty)}` : '0']));
  }
  if (sheet.veto) {
    const v = sheet.veto;
    const text =
      L.vetoText(v.items.join(', '), v.effect, v.grade) + (v.ceiling && v.effect !== 'ceiling' ? L.paren(L.vetoText('', 'ceiling', v.ceiling).replace(/^[：:] ?/, '')) : '');
    totalsRows.push(pair([L.veto, text], ['', '']));
  }
  for (const r of totalsRows) {
    r.cells[0]!.font = FONT_BOLD;
    r.cells[2]!.font = FONT_BOLD;
  }
  // The total itself in bold.
  totalsRows.find((r) => r.cells[0]!.text === L.total)!.cells[1]!.font = FONT_BOLD;
  table(flow, pairColumns, totalsRows, { size: 9.5, padY: 3.5, keepTogether: true });
  flow.y += 8;

  // The lines explaining pools, caps and bonuses (the findings' own lines are in the table).
  const reasons = new Set(sheet.deductions.map((d) => d.reason));
  const notes = sheet.explanation.filter((l) => !reasons.has(l));
  if (notes.length) {
    flow.ensure(8 * 1.4 * 2 + 4);
    flow.paragraph(L.notes, { font: FONT_BOLD, size: 8.5 });
    for (const n of notes) flow.paragraph(`· ${n}`, { size: 8, color: GREY, indent: 6 });
    flow.y += 8;
  }

  // The evidence photos, deduction by deduction, before the signatures that sign for them.
  if (options.photos) layoutPhotos(flow, sheet, options.photos, L, options.lang);

  // Signatures: both lines on one page.
  // The audit anchor (up to two small lines) stays on the signatures' page.
  const signHeight = 2 * 30 + 6 + (h.auditAnchor ? 2 * 7.5 * 1.4 + 4 : 0);
  flow.ensure(signHeight);
  flow.y += 6;
  const signLabels = [L.inspectorsSign, L.villageSign];
  // Both signature lines start at the same x, after the longer label.
  const lineStart = flow.frame.left + Math.max(...signLabels.map((l) => m.width(l, FONT_REGULAR, 10))) + 6;
  for (const label of signLabels) {
    const top = flow.y;
    flow.textAt(label, flow.frame.left, top, { size: 10 });
    const dateX = flow.frame.left + w * 0.62;
    flow.add({ op: 'line', x1: lineStart, y1: top + 13, x2: dateX - 14, y2: top + 13, width: 0.5, color: '#000000' });
    flow.textAt(L.signDate, dateX, top, { size: 10 });
    if (options.lang === 'en') {
      const dx = dateX + m.width(L.signDate, FONT_REGULAR, 10) + 4;
      flow.add({ op: 'line', x1: dx, y1: top + 13, x2: flow.frame.right, y2: top + 13, width: 0.5, color: '#000000' });
    }
    flow.y += 30;
  }
  if (h.auditAnchor) flow.paragraph(L.anchor(h.auditAnchor), { size: 7.5, color: GREY });

  const place = [h.county?.name, h.township?.name, h.village.name].filter(Boolean).join(' ');
  return { village: { code: h.village.code, name: h.village.name }, footer: `${place} · ${h.campaign.name}`, pages: flow.pages };
}

function nodeRow(n: ScoreSheetNode, deductions: readonly ScoreSheetDeduction[], L: Labels, lang: Lang): Row {
  const isBonus = n.added !== undefined;
  const heading = n.kind !== 'item';
  const font = heading ? FONT_BOLD : FONT_REGULAR;
  const dim = n.applicable ? undefined : GREY;
  let pts: string;
  let deducted = n.deducted > 0 ? points(n.deducted) : '';
  let score: string;
  if (!n.applicable) {
    pts = n.max > 0 ? points(n.max) : '—';
    score = L.notApplicable;
  } else if (isBonus) {
    // A bonus section shows its cap; its items add what they earned.
    pts = heading && n.max > 0 ? points(n.max) : '—';
    deducted = '';
    score = (n.added ?? 0) > 0 ? `+${points(n.added!)}` : heading ? '0' : '';
  } else if (n.max === 0 && !heading) {
    // A penalty-only item (村不得出列扣20分): no points of its own, only deductions.
    pts = '—';
    score = '—';
  } else {
    pts = points(n.max);
    score = points(n.score);
  }
  const reasons = deductions.map((d) => reasonText(d, L, lang)).join('\n');
  return {
    fill: n.depth === 0 ? SECTION_FILL : heading ? GROUP_FILL : undefined,
    keepWithNext: heading,
    cells: [
      { text: n.code, font, color: dim },
      { text: n.title, font, color: dim, indent: Math.min(n.depth, 3) * 6 },
      { text: pts, font, color: dim },
      { text: deducted, font, color: dim },
      { text: score, font: heading || n.deducted > 0 ? FONT_BOLD : FONT_REGULAR, color: dim },
      { text: reasons, size: 8 },
    ],
  };
}

/** Where and when a photo was taken, as its caption prints it ('' when it carries neither). */
export function photoCaption(e: ScoreSheetEvidence, timeZone: string): string[] {
  const lines: string[] = [];
  // "YYYY-MM-DD HH:MM": the camera's local time as recorded; a time with its zone (the phone's) in the office's.
  if (e.takenAt) lines.push(localDateTime(e.takenAt, timeZone));
  if (e.latitude !== null && e.longitude !== null) lines.push(`${e.latitude.toFixed(5)}, ${e.longitude.toFixed(5)}`);
  return lines;
}

/**
 * Each deduction with photos: its item and reason, then its photos as thumbnails in rows of
 * four, each captioned with its number, name, time and place; evidence of other kinds (PDFs)
 * and photos not handed over are listed by name under them.
 */
function layoutPhotos(flow: Flow, sheet: ScoreSheet, photos: Images, L: Labels, lang: Lang): void {
  const withPhotos = sheet.deductions.filter((d) => d.evidence.some((e) => photos.has(e.sha256)));
  if (withPhotos.length === 0) return;
  const w = flow.width;
  const thumbW = (w - THUMB_GAP * (THUMBS_PER_ROW - 1)) / THUMBS_PER_ROW;
  const caption = { size: 7, color: GREY, lineHeight: 7 * 1.35 };
  const captionLines = 3;
  const cellH = THUMB_HEIGHT + 3 + captionLines * caption.lineHeight;
  flow.ensure(12 * 1.4 + 9 * 1.4 + cellH);
  flow.paragraph(L.photosTitle, { font: FONT_BOLD, size: 11, gapAfter: 2 });
  for (const d of withPhotos) {
    const shown = d.evidence.filter((e) => photos.has(e.sha256));
    const listed = d.evidence.filter((e) => !shown.includes(e));
    // The heading stays with the first row of its photos.
    flow.ensure(9 * 1.4 + cellH);
    flow.paragraph(`${d.item} ${d.title} · ${reasonText({ ...d, evidence: [] }, L, lang)}`, { font: FONT_BOLD, size: 8.5, gapAfter: 2 });
    for (let i = 0; i < shown.length; i += THUMBS_PER_ROW) {
      flow.ensure(cellH + THUMB_GAP);
      const top = flow.y;
      shown.slice(i, i + THUMBS_PER_ROW).forEach((e, j) => {
        const x = flow.frame.left + j * (thumbW + THUMB_GAP);
        flow.add({ op: 'rect', x, y: top, w: thumbW, h: THUMB_HEIGHT, fill: '#f6f6f6' });
        flow.add({ op: 'image', key: e.sha256, x, y: top, w: thumbW, h: THUMB_HEIGHT });
        const name = flow.m.wrap(`#${e.id} ${e.filename}`, FONT_REGULAR, caption.size, thumbW)[0] ?? '';
        const texts = [name, ...photoCaption(e, sheet.header.timeZone)];
        texts.forEach((t, k) => flow.textAt(t, x, top + THUMB_HEIGHT + 3 + k * caption.lineHeight, { ...caption, width: thumbW }));
      });
      flow.y = top + cellH + THUMB_GAP;
    }
    if (listed.length) flow.paragraph(L.evidence(listed.map((e) => `#${e.id} ${e.filename}`).join(lang === 'zh' ? '、' : ', ')), { size: 8, color: GREY, gapAfter: 4 });
  }
  flow.y += 6;
}

/** One finding in the reasons cell: what, who, how often, how many points, the note and the evidence. */
export function reasonText(d: ScoreSheetDeduction, L: Labels, lang: Lang): string {
  // Issue 18's kinds: the part found short, the value measured, the amount picked within a range.
  const what = [
    d.elementTitle ? L.missing(d.elementTitle) : '',
    d.partTitle ?? d.part ?? '',
    d.value !== null ? (lang === 'zh' ? `测量值${d.value}` : `measured ${d.value}`) : '',
    d.picked !== null ? (lang === 'zh' ? `每处${points(d.picked)}分` : `${points(d.picked)} each`) : '',
  ]
    .filter(Boolean)
    .join(lang === 'zh' ? '，' : ', ');
  const who = d.household ? (lang === 'zh' ? `［${d.household}］` : `[${d.household}]`) : '';
  const amount = lang === 'zh' ? `${d.bonus ? '加' : '扣'}${points(d.amount)}分` : `${d.bonus ? '+' : '−'}${points(d.amount)}`;
  const head = [what, who].filter(Boolean).join(lang === 'zh' ? '' : ' ');
  const note = d.note ? (lang === 'zh' ? `：${d.note}` : `: ${d.note}`) : '';
  const evidence = d.evidence.length ? (lang === 'zh' ? '；' : '; ') + L.evidence(d.evidence.map((e) => `#${e.id} ${e.filename}`).join(lang === 'zh' ? '、' : ', ')) : '';
  return `${head ? `${head} ` : ''}×${d.count} ${amount}${note}${evidence}`;
}

/**
 * Draws a laid-out sheet, each page with its footer: the sheet's name, "第 i 页 / 共 n 页" and,
 * when given, a centre text per page (the whole document's page number).
 */
export function drawSheet(doc: Doc, m: Measurer, layout: SheetLayout, lang: Lang, center?: (pageIndex: number) => string | undefined, photos?: Images): void {
  const L = labels(lang);
  layout.pages.forEach((page, i) => {
    doc.addPage({ size: 'A4', margin: 0 });
    const footer = footerOps(m, PAGE_FRAME, { left: layout.footer, center: center?.(i), right: L.page(i + 1, layout.pages.length) });
    drawOps(doc, [...page.ops, ...footer], undefined, photos);
  });
}

/**
 * Writes score sheets into a document the caller made with createReportDocument (and ends,
 * pipes or streams), one page group per village, each starting on a new page; returns where
 * each village's pages are.
 */
export function writeScoreSheets(doc: Doc, sheets: Iterable<ScoreSheet>, options: ScoreSheetOptions, m: Measurer = new Measurer(doc)): SheetPages[] {
  const out: SheetPages[] = [];
  let page = pagesSoFar(doc);
  for (const sheet of sheets) {
    const layout = layoutScoreSheet(m, sheet, options);
    drawSheet(doc, m, layout, options.lang, undefined, options.photos);
    out.push({ village: layout.village, firstPage: page + 1, pages: layout.pages.length });
    page += layout.pages.length;
  }
  return out;
}

/** Pages added to a document so far (pdfkit keeps the count in the page tree). */
export function pagesSoFar(doc: Doc): number {
  const root = (doc as unknown as { _root: { data: { Pages: { data: { Count: number } } } } })._root;
  return root.data.Pages.data.Count;
}

/** One or several villages' score sheets as one PDF, in memory (for a download of one sheet or a few). */
export async function scoreSheetPdf(sheets: ScoreSheet | readonly ScoreSheet[], options: ScoreSheetOptions): Promise<Buffer> {
  const list = Array.isArray(sheets) ? (sheets as readonly ScoreSheet[]) : [sheets as ScoreSheet];
  const first = list[0];
  if (!first) throw new KaoheError('no-score-sheets', 'no score sheet to print: choose at least one village');
  const doc = createReportDocument({ title: labels(options.lang).sheetTitle(first.header.village.name), author: first.header.county?.name });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    doc.on('error', reject);
  });
  doc.pipe(sink);
  writeScoreSheets(doc, list, options);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
