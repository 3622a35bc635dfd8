import { existsSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../core/scoring/score.ts';
import { builtinScheme } from '../../schemes/index.ts';
import { buildScoreSheet, type ScoreSheet, type ScoreSheetInput } from '../../services/score-sheet.ts';
import { A4, createReportDocument, Measurer, type TextOp } from './layout.ts';
import { pageToPng, pdfImages, pdfInfo, pdfPages, pdfText, popplerAvailable, squeeze, testPhoto } from '../../../test/reports/pdf/poppler.ts';
import { layoutScoreSheet, PAGE_FRAME, scoreSheetPdf } from './score-sheet.ts';

const poppler = popplerAvailable();
const scheme = builtinScheme('seed-2020');

const LONG_NOTE =
  '档案资料不全：缺2019年度收入测算表、帮扶计划、帮扶措施落实情况记录及相关佐证材料，入户走访记录与扶贫手册登记的时间不一致，' +
  '部分贫困户家庭人口变化未及时更新，要求村工作队在十日内补齐并报乡镇审核，逾期未补齐的按有关规定处理。';

/** The example village of the README, with evidence, a long note and an item with many findings. */
function shiqiao(lang: 'zh' | 'en' = 'zh', extra: Finding[] = [], extraEvidence: ScoreSheetInput['evidence'] = []): ScoreSheet {
  const findings: Finding[] = [
    { id: '1', item: '1.1', element: 'plan', note: '未见2020年度工作计划' },
    { id: '2', item: '1.3', count: 3, element: 'weekly-meeting', note: '3、6、9月缺碰头会记录' },
    { id: '3', item: '2.1.1', count: 2, household: '张三家', note: '家庭人口漏填' },
    { id: '4', item: '2.3.1', count: 2, note: '两户不知晓教育资助政策' },
    { id: '5', item: '2.5.4', note: '帮扶责任人李四6月入户不足4次' },
    { id: '6', item: '2.6.2', household: '王五家', note: '计划脱贫未实现' },
    { id: '7', item: '3.2.1', count: 3, note: LONG_NOTE },
    { id: '8', item: '4.3', note: '县督查考评排名第二' },
    ...extra,
  ];
  return buildScoreSheet({
    scheme,
    unit: { name: '石桥村', attributes: { povertyVillage: true } },
    findings,
    evidence: [
      {
        id: 12,
        findingId: 3,
        filename: 'photo.jpg',
        mime: 'image/jpeg',
        sha256: 'a'.repeat(64),
        size: 1000,
        takenAt: '2020-11-02T09:00:00Z',
        latitude: 26.5712,
        longitude: 106.7135,
      },
      { id: 13, findingId: 6, filename: '脱贫验收表.pdf', mime: 'application/pdf', sha256: 'b'.repeat(64), size: 2000, takenAt: null, latitude: null, longitude: null },
      ...extraEvidence,
    ],
    header: {
      county: { code: '520102', name: '南明县' },
      township: { code: '520102001', name: '龙场镇' },
      campaign: { id: 1, name: lang === 'en' ? '2020 assessment' : '2020年度考核', year: 2020, period: { from: '2020-01-01', to: '2020-12-31' } },
      village: { code: '520102001001', name: '石桥村' },
      team: lang === 'en' ? 'Team 1' : '第一考核组',
      scheme: { id: scheme.id, version: scheme.version, title: lang === 'en' ? scheme.title.en! : scheme.title.zh },
      status: 'published',
      // Late in the UTC day: the 11th in the office's time zone.
      publishedAt: '2021-01-10T20:00:00.000Z',
      date: '2021-01-15',
      timeZone: 'Asia/Shanghai',
      auditAnchor: '57:a1b2c3d4e5f60718',
    },
    rank: { basis: 'all', county: 7, countyOf: 30, township: 3, townshipOf: 10 },
    lang,
  });
}

describe('score sheet layout', () => {
  it('keeps every text inside the page frame and every table cell inside its column', () => {
    // Sixty findings on one item make a row taller than a page: it must be split, not overflow.
    const many: Finding[] = Array.from({ length: 60 }, (_, i) => ({
      id: String(100 + i),
      item: '3.1.2',
      element: 'diary',
      household: `户${i + 1}`,
      note: `第${i + 1}处：${LONG_NOTE.slice(0, 20 + (i % 30))}`,
    }));
    const sheet = shiqiao('zh', many);
    const doc = createReportDocument();
    const m = new Measurer(doc);
    const layout = layoutScoreSheet(m, sheet, { lang: 'zh' });
    expect(layout.pages.length).toBeGreaterThanOrEqual(4);
    for (const [p, page] of layout.pages.entries()) {
      for (const op of page.ops) {
        if (op.op === 'text') {
          const w = m.width(op.text, op.font, op.size);
          expect(op.x, `page ${p + 1}: "${op.text}" starts left of the frame`).toBeGreaterThanOrEqual(PAGE_FRAME.left - 0.01);
          expect(op.x + w, `page ${p + 1}: "${op.text}" runs past the right edge`).toBeLessThanOrEqual(PAGE_FRAME.right + 0.01);
          expect(op.y, `page ${p + 1}: "${op.text}" below the frame`).toBeLessThanOrEqual(PAGE_FRAME.bottom);
          expect(op.y).toBeGreaterThan(PAGE_FRAME.top);
        } else if (op.op === 'line') {
          expect(Math.max(op.y1, op.y2)).toBeLessThanOrEqual(PAGE_FRAME.bottom + 0.01);
          expect(Math.max(op.x1, op.x2)).toBeLessThanOrEqual(A4.width);
        }
      }
    }
    // Every page after the first repeats the table's header.
    for (const page of layout.pages.slice(1, -1)) {
      expect(page.ops.some((op) => op.op === 'text' && op.text === '扣分原因及证据')).toBe(true);
    }
    // All sixty findings are on the sheet, in order.
    const texts = layout.pages.flatMap((p) => p.ops.filter((op): op is TextOp => op.op === 'text').map((op) => op.text)).join('');
    let from = 0;
    for (let i = 1; i <= 60; i++) {
      const at = texts.indexOf(`［户${i}］`, from);
      expect(at, `finding ${i}`).toBeGreaterThan(from - 1);
      from = at;
    }
  });

  it('lays out the same sheet the same way every time', () => {
    const sheet = shiqiao();
    const a = layoutScoreSheet(new Measurer(createReportDocument()), sheet, { lang: 'zh' });
    const b = layoutScoreSheet(new Measurer(createReportDocument()), sheet, { lang: 'zh' });
    expect(JSON.stringify(b.pages)).toBe(JSON.stringify(a.pages));
  });
});

describe.skipIf(!poppler)('score sheet PDF of a scheme that converts and deducts from the total', () => {
  it('prints the converted base and the deductions from the total beside the base and the bonus', async () => {
    const monitoring = builtinScheme('village-monitoring-2024');
    const base = shiqiao();
    const sheet = buildScoreSheet({
      scheme: monitoring,
      unit: { name: '石桥村', attributes: { povertyVillage: false } },
      findings: [
        { id: '1', item: '1.3', amount: 100, note: '两户信息未更新' },
        { id: '2', item: '6.1', count: 2, note: '被约谈两次' },
      ],
      evidence: [],
      header: { ...base.header, scheme: { id: monitoring.id, version: monitoring.version, title: monitoring.title.zh } },
      rank: null,
      lang: 'zh',
    });
    // Section 3 does not apply: 1.3 loses 1 of the 80 that apply → 79 ÷ 80 × 100 = 98.75; 6.1 ×2 = −4 → 94.75
    expect(sheet.totals).toMatchObject({ base: 79, max: 80, converted: 98.75, penalty: 4, total: 94.75 });
    const text = pdfText(await scoreSheetPdf(sheet, { lang: 'zh' }));
    expect(text).toMatch(/折算得分\s+98\.75/);
    expect(text).toMatch(/扣分项\s+−4/);
    expect(text).toMatch(/总分\s+94\.75/);
  });
});

describe.skipIf(!poppler)('score sheet PDF, read back with poppler', () => {
  let sheet: ScoreSheet;
  let pdf: Buffer;
  let text: string;
  beforeAll(async () => {
    sheet = shiqiao();
    pdf = await scoreSheetPdf(sheet, { lang: 'zh' });
    text = pdfText(pdf);
  });

  it('shows the village, its header, totals, grade and rank in Chinese', () => {
    // The engine's own figures for the example village (not the maximum: points were lost).
    expect(sheet.totals).toMatchObject({ base: 169, bonus: 4, total: 173, max: 200, bonusMax: 10 });
    const flat = squeeze(text);
    for (const s of ['石桥村考核扣分明细表', '南明县', '龙场镇', '第一考核组', '2020年度考核', '2021-01-15', '脱贫攻坚考核方案考核细则', '2020-01-01至2020-12-31', '已发布']) {
      expect(flat).toContain(s);
    }
    // Published at 20:00 UTC on the 10th: the 11th in the office's time zone.
    expect(flat).toContain('已发布（2021-01-11）');
    expect(text).toMatch(/基础分\s+169（满分200）/);
    expect(text).toMatch(/加分\s+4（上限10）/);
    expect(text).toMatch(/总分\s+173\b/);
    expect(flat).toContain('全县第7名（共30个村）；龙场镇第3名（共10个村）');
    expect(text).toMatch(/等次\s+—/);
    expect(flat).toContain('考核组成员签字');
    expect(flat).toContain('村负责人签字');
    // The audit anchor under the signatures: the log's head when the sheet was made.
    expect(flat).toContain('审计锚点：57:a1b2c3d4e5f60718');
  });

  it('shows each deduction with count, household, points, note and evidence beside its item', () => {
    const lines = text.split('\n');
    const row = (code: string) => lines.find((l) => new RegExp(`^\\s*${code.replace(/\./g, '\\.')}\\s`).test(l)) ?? '';
    // item, points, deducted, score, then the reason: all on the item's line.
    expect(row('1.1')).toMatch(/1\.1\s+组织机构和工作计划\s+6\s+2\s+4\s+缺少工作计划 ×1 扣2分：未见2020年度工作计划/);
    expect(row('1.3')).toMatch(/10\s+6\s+4\s+缺少每周扶贫工作队长碰头会 ×3 扣6分/);
    expect(row('2.1.1')).toMatch(/6\s+4\s+2\s+［张三家］ ×2 扣4分：家庭人口漏填；证据#12 photo\.jpg/);
    expect(row('2.6.2')).toMatch(/贫困户当年脱贫\s+—\s+10\s+—\s+［王五家］ ×1 扣10分：计划脱贫未实现；证据#13/);
    expect(squeeze(text)).toContain('证据#13脱贫验收表.pdf');
    expect(row('4.3')).toMatch(/\+4\s+×1 加4分：县督查考评排名第二/);
    // Section subtotals.
    expect(row('1')).toMatch(/1\s+组织领导\s+20\s+8\s+12/);
    expect(row('2')).toMatch(/精准扶贫精准脱贫\s+120\s+20\s+100/);
    // The long note wraps inside its cell and is there whole.
    expect(squeeze(text)).toContain(squeeze(LONG_NOTE).slice(0, 60));
    expect(squeeze(text)).toContain(squeeze(LONG_NOTE).slice(-40));
    // The pool lines explain the points that were not counted.
    expect(squeeze(text)).toContain('扣分池1（20分）：共扣8分→得12分');
  });

  it('numbers its pages "第 i 页 / 共 n 页", as many as pdfinfo counts', () => {
    const pages = pdfPages(pdf);
    expect(Number(pdfInfo(pdf).Pages)).toBe(pages.length);
    // pdftotext drops the spaces between Chinese characters.
    pages.forEach((p, i) => expect(squeeze(p)).toContain(`第${i + 1}页/共${pages.length}页`));
    expect(pages.length).toBeGreaterThanOrEqual(2);
  });

  it('embeds the CJK font (a subset), so the text reads back as written', () => {
    expect(pdf.length).toBeLessThan(400_000);
    expect(text).toContain('石桥村');
  });

  it('prints English labels in the English variant', async () => {
    const en = await scoreSheetPdf(shiqiao('en'), { lang: 'en' });
    const t = pdfText(en);
    for (const s of [
      'score sheet and deductions',
      'Code',
      'Item',
      'Points',
      'Deducted',
      'Reasons and evidence',
      'Poverty-work office',
      'Regular meetings',
      'Inspectors’ signatures',
      'Village head’s signature',
    ]) {
      expect(t).toContain(s);
    }
    expect(t).toMatch(/Total\s+173\b/);
    expect(t).toMatch(/Base\s+169 \(out of 200\)/);
    expect(t).toContain('missing work plan ×1 −2: 未见2020年度工作计划');
    expect(t).toContain('[张三家] ×2 −4: 家庭人口漏填; evidence #12 photo.jpg');
    expect(t).toContain('7 of 30 in the county; 3 of 10 in 龙场镇');
    expect(t).toMatch(/Page 1 of \d/);
    for (const zh of ['考核项目', '扣分原因', '基础分', '签字', '第1页']) expect(squeeze(t)).not.toContain(zh);
  });

  it('renders page 1 to a PNG for a person to look at (test-output/reports)', () => {
    const png = pageToPng(pdf, 'score-sheet-zh-page1');
    expect(existsSync(png)).toBe(true);
    // The last page too: the signatures and the audit anchor under them.
    expect(existsSync(pageToPng(pdf, 'score-sheet-zh-last', pdfPages(pdf).length))).toBe(true);
    // An A4 page at 80 dpi with a full table is far from blank.
    expect(statSync(png).size).toBeGreaterThan(40_000);
  });
});

describe.skipIf(!poppler)('score sheet PDF with evidence photos', () => {
  let pdf: Buffer;
  let plain: Buffer;
  beforeAll(async () => {
    // Two photos of finding 3 (a JPEG with time and place, a PNG without), one of finding 6 beside its PDF.
    const sheet = shiqiao(
      'zh',
      [],
      [
        { id: 14, findingId: 3, filename: '张三家门口.png', mime: 'image/png', sha256: 'c'.repeat(64), size: 3000, takenAt: null, latitude: null, longitude: null },
        { id: 15, findingId: 6, filename: '验收现场.jpg', mime: 'image/jpeg', sha256: 'd'.repeat(64), size: 3000, takenAt: '2020-12-01T15:30:00', latitude: null, longitude: null },
      ],
    );
    const photos = new Map([
      ['a'.repeat(64), await testPhoto('jpeg', 'photo 1', '#c0392b')],
      ['c'.repeat(64), await testPhoto('png', 'photo 2', '#2c6fbb')],
      ['d'.repeat(64), await testPhoto('jpeg', 'photo 3', '#8e44ad', 180)],
    ]);
    pdf = await scoreSheetPdf(sheet, { lang: 'zh', photos });
    plain = await scoreSheetPdf(sheet, { lang: 'zh' });
  });

  it("draws each photo as an image, under its deduction, with its name, time (in the office's time zone) and place", () => {
    const images = pdfImages(pdf);
    // The PNG is drawn with its own image; JPEGs stay JPEG (DCT).
    expect(images.filter((i) => i.encoding === 'jpeg').length).toBe(2);
    expect(images.length).toBeGreaterThanOrEqual(3);
    const flat = squeeze(pdfText(pdf));
    expect(flat).toContain('扣分证据照片');
    expect(flat).toContain('#12photo.jpg');
    // A time with its zone (09:00 UTC) in the office's time zone, Asia/Shanghai: 17:00.
    expect(flat).toContain('2020-11-0217:00');
    expect(flat).not.toContain('2020-11-0209:00');
    expect(flat).toContain('26.57120,106.71350');
    expect(flat).toContain('#14张三家门口.png');
    expect(flat).toContain('2020-12-0115:30');
    // The PDF beside a photo is listed by name under it.
    expect(flat).toContain('证据#13脱贫验收表.pdf');
    // The photos section comes before the signatures.
    expect(flat.indexOf('扣分证据照片')).toBeLessThan(flat.indexOf('考核组成员签字'));
    pageToPng(pdf, 'score-sheet-photos', pdfPages(pdf).findIndex((p) => squeeze(p).includes('扣分证据照片')) + 1, 60);
  });

  it('without photos handed over, lists the evidence by name and draws no image', () => {
    expect(pdfImages(plain)).toEqual([]);
    expect(squeeze(pdfText(plain))).not.toContain('扣分证据照片');
  });
});
