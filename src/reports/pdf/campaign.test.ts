import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinScheme } from '../../schemes/index.ts';
import { chartSections } from '../charts.ts';
import { campaignPdf, writeCampaignPdf, type CampaignPdfInput, type CampaignPdfPlan } from './campaign.ts';
import { syntheticCampaign } from '../../../test/reports/pdf/fixtures.ts';
import { createReportDocument, Measurer } from './layout.ts';
import { pageToPng, pdfInfo, pdfPages, popplerAvailable, squeeze } from '../../../test/reports/pdf/poppler.ts';
import { layoutScoreSheet, type ScoreSheet } from './score-sheet.ts';

const poppler = popplerAvailable();
const scheme = builtinScheme('seed-2020');

function input(sheets: CampaignPdfInput['sheets'], c: ReturnType<typeof syntheticCampaign>): CampaignPdfInput {
  return { ranking: c.ranking, sections: chartSections(scheme, 'zh'), county: '南明县', date: '2021-01-15', maxTotal: 210, sheets };
}

describe.skipIf(!poppler)('campaign PDF, read back with poppler', () => {
  // Enough findings that some villages take two or three pages.
  const c = syntheticCampaign(scheme, { villages: 14, seed: 11, townships: 3, maxFindings: 40 });
  let pdf: Buffer;
  let plan: CampaignPdfPlan;
  let pages: string[];
  beforeAll(async () => {
    ({ pdf, plan } = await campaignPdf(input(c.sheets, c), { lang: 'zh', topCount: 5 }));
    pages = pdfPages(pdf).map(squeeze);
  });

  it('has the summary pages and then every village’s page group, as many pages as pdfinfo counts', () => {
    // Each village's pages, laid out on their own (a fresh document and measurer).
    const m = new Measurer(createReportDocument());
    const own = c.sheets.map((s) => layoutScoreSheet(m, s, { lang: 'zh' }).pages.length);
    expect(own.some((n) => n > 1)).toBe(true);
    expect(plan.villages.map((v) => v.pages)).toEqual(own);
    const expected = plan.summaryPages + own.reduce((a, b) => a + b, 0);
    expect(plan.summaryPages).toBeGreaterThanOrEqual(1);
    expect(plan.pages).toBe(expected);
    expect(Number(pdfInfo(pdf).Pages)).toBe(expected);
    expect(pages).toHaveLength(expected);
  });

  it('starts every village on a new page, with its name and its own page numbers', () => {
    let page = plan.summaryPages;
    c.sheets.forEach((sheet, i) => {
      const group = plan.villages[i]!;
      expect(group.village.name).toBe(sheet.header.village.name);
      expect(group.firstPage).toBe(page + 1);
      for (let k = 0; k < group.pages; k++) {
        const text = pages[page + k]!;
        expect(text, `page ${page + k + 1}`).toContain(`${sheet.header.village.name}考核扣分明细表`);
        expect(text).toContain(`第${k + 1}页/共${group.pages}页`);
        expect(text).toContain(`总第${page + k + 1}页/共${plan.pages}页`);
      }
      // Its total is in its group, the signature lines on its last page.
      expect(pages.slice(page, page + group.pages).join('')).toContain(`总分${sheet.totals.total}`);
      expect(pages[page + group.pages - 1]).toContain('村负责人签字');
      page += group.pages;
    });
    // Pages that begin a village group ("第1页", not the summary's "汇总第1页" or the overall "总第1页"): one per village.
    expect(pages.filter((p) => /[^总]第1页\/共\d+页/.test(p)).length).toBe(c.sheets.length);
  });

  it('opens with the county summary: figures, averages by township, charts, top and bottom villages', () => {
    const summary = pages.slice(0, plan.summaryPages).join('');
    const s = c.ranking.countySummary;
    expect(summary).toContain('南明县2020年度考核结果汇总');
    expect(summary).toContain(`考核村数14`);
    expect(summary).toContain(`平均总分${s.averageTotal / 100}`);
    for (const t of c.ranking.townships) expect(summary).toContain(t.townshipName);
    // The charts' text is drawn in the embedded font and reads back.
    expect(summary).toContain('得分分布');
    expect(summary).toContain('各乡镇分项平均得分率');
    expect(summary).toContain('100%');
    const best = c.ranking.county[0]!;
    const worst = c.ranking.county.at(-1)!;
    expect(summary).toContain('得分最高的5个村');
    expect(summary).toContain(`${best.name}${c.ranking.townships.find((t) => t.township === best.township)!.townshipName}`);
    expect(summary).toContain(worst.name);
    expect(summary).toContain(`汇总第1页/共${plan.summaryPages}页`);
  });

  it('renders the summary page to a PNG for a person to look at', () => {
    expect(pageToPng(pdf, 'campaign-summary-page1')).toMatch(/campaign-summary-page1\.png$/);
  });

  it('writes to a file from a one-shot stream of sheets, without the overall total it cannot know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaohe-campaign-'));
    try {
      const file = join(dir, 'campaign.pdf');
      const few = c.sheets.slice(0, 4);
      async function* stream(): AsyncGenerator<ScoreSheet> {
        for (const s of few) yield s;
      }
      const done: number[] = [];
      const p = await writeCampaignPdf(input(stream(), c), file, { lang: 'zh', onProgress: (n) => done.push(n) });
      expect(done).toEqual([1, 2, 3, 4]);
      const bytes = readFileSync(file);
      expect(Number(pdfInfo(bytes).Pages)).toBe(p.pages);
      expect(p.pages).toBe(p.summaryPages + p.villages.reduce((a, v) => a + v.pages, 0));
      const texts = pdfPages(bytes).map(squeeze);
      expect(texts.at(-1)).toContain(`总第${p.pages}页`);
      expect(texts.at(-1)).not.toContain(`总第${p.pages}页/共`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('campaign PDF in English', () => {
  it.skipIf(!poppler)('labels the summary and the sheets in English', async () => {
    const c = syntheticCampaign(scheme, { villages: 3, seed: 5, lang: 'en' });
    const { pdf, plan } = await campaignPdf({ ...input(c.sheets, c), sections: chartSections(scheme, 'en') }, { lang: 'en' });
    const text = pdfPages(pdf).join('\n');
    for (const s of [
      '2020 assessment: results summary',
      'Villages assessed',
      'Averages by township',
      'Score distribution',
      'Section averages by township',
      'Top 2 villages',
      'Reasons and evidence',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain(`page 1 of ${plan.pages} overall`);
  });
});
