/**
 * The report files an office downloads, files and prints: the ranking workbook, the deduction
 * detail workbook, a village's PDF score sheet, the whole campaign as one PDF and its county
 * summary. The same documents for the web app's downloads and for `kaohe report …`; what a
 * reader may see is decided by ReportService and CampaignService, never here.
 */
import type { Writable } from 'node:stream';
import { KaoheError } from '../core/errors.ts';
import { textOf, type Lang } from '../core/scheme/model.ts';
import { chartSections } from '../reports/charts.ts';
import { campaignPdf, writeCampaignPdf, type CampaignPdfInput, type CampaignPdfPlan } from '../reports/pdf/campaign.ts';
import { scoreSheetPdf } from '../reports/pdf/score-sheet.ts';
import { deductionsXlsx, writeDeductionsXlsx } from '../reports/xlsx/deductions.ts';
import { rankingXlsx, writeRankingXlsx } from '../reports/xlsx/ranking.ts';
import type { CampaignService } from './campaign.service.ts';
import type { Actor } from './policies.ts';
import type { ReportService } from './report.service.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF = 'application/pdf';

/** A report made in memory, with the name a browser saves it under. */
export interface ReportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

export type ReportKind = 'ranking' | 'deductions' | 'sheet' | 'campaign' | 'summary';

export interface ReportRequest {
  lang?: Lang;
  /** Cut to one township (ranking, deductions, campaign, summary). */
  township?: string;
  /** One village: the deduction detail of that village; the score sheet (required for `sheet`). */
  village?: string;
}

/** Villages per batch of score sheets read for a whole-campaign PDF (each batch is a few queries). */
const SHEET_BATCH = 200;

const NAMES = {
  zh: { ranking: '排名', deductions: '扣分明细', sheet: '考核扣分明细表', campaign: '考核结果汇编', summary: '全县汇总' },
  en: { ranking: 'ranking', deductions: 'deductions', sheet: 'score-sheet', campaign: 'campaign', summary: 'summary' },
} as const;

export class ReportDocuments {
  constructor(private readonly deps: { reports: ReportService; campaigns: CampaignService }) {}

  /** The file name of a report: campaign, what it is, and the township or village it is cut to. */
  async filename(campaignId: number, kind: ReportKind, request: ReportRequest = {}): Promise<string> {
    const detail = await this.deps.campaigns.campaignDetail({ user: 'system', role: 'admin' }, campaignId);
    const parts = [detail.name, NAMES[request.lang ?? 'zh'][kind]];
    if (request.village) parts.push(request.village);
    else if (request.township) parts.push(request.township);
    const name = parts.join('-').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
    return `${name}.${kind === 'ranking' || kind === 'deductions' ? 'xlsx' : 'pdf'}`;
  }

  /** Makes a report in memory. */
  async make(actor: Actor, campaignId: number, kind: ReportKind, request: ReportRequest = {}): Promise<ReportFile> {
    const lang = request.lang ?? 'zh';
    const filename = await this.filename(campaignId, kind, request);
    switch (kind) {
      case 'ranking':
        return { filename, contentType: XLSX, body: await rankingXlsx(await this.deps.reports.rankingReport(actor, campaignId, { lang, ...(request.township ? { township: request.township } : {}) })) };
      case 'deductions':
        return { filename, contentType: XLSX, body: await deductionsXlsx(await this.deps.reports.deductionDetail(actor, campaignId, { lang, ...cut(request) })) };
      case 'sheet': {
        if (!request.village) throw new KaoheError('validation', 'village: a score sheet is of one village (give its code)');
        const sheets = await this.deps.reports.scoreSheets(actor, campaignId, { villages: [request.village], lang });
        return { filename, contentType: PDF, body: await scoreSheetPdf(sheets, { lang }) };
      }
      case 'campaign':
      case 'summary': {
        const input = await this.campaignInput(actor, campaignId, kind, request);
        return { filename, contentType: PDF, body: (await campaignPdf(input, { lang })).pdf };
      }
    }
  }

  /** Writes a report to a file or a stream: the workbooks and the campaign PDF without holding the whole file. */
  async write(actor: Actor, campaignId: number, kind: ReportKind, request: ReportRequest, out: string | Writable, onProgress?: (done: number) => void): Promise<{ pages?: number }> {
    const lang = request.lang ?? 'zh';
    if (kind === 'campaign' || kind === 'summary') {
      const plan: CampaignPdfPlan = await writeCampaignPdf(await this.campaignInput(actor, campaignId, kind, request), out, { lang, ...(onProgress ? { onProgress } : {}) });
      return { pages: plan.pages };
    }
    if (typeof out === 'string' && kind === 'ranking') {
      await writeRankingXlsx(await this.deps.reports.rankingReport(actor, campaignId, { lang, ...(request.township ? { township: request.township } : {}) }), out);
      return {};
    }
    if (typeof out === 'string' && kind === 'deductions') {
      await writeDeductionsXlsx(await this.deps.reports.deductionDetail(actor, campaignId, { lang, ...cut(request) }), out);
      return {};
    }
    const file = await this.make(actor, campaignId, kind, request);
    if (typeof out === 'string') {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(out, file.body);
    } else {
      await new Promise<void>((resolve, reject) => out.end(file.body, () => resolve()).once('error', reject));
    }
    return {};
  }

  /** The county summary and, for the whole campaign, every village the reader may see, read in batches as the PDF is written. */
  private async campaignInput(actor: Actor, campaignId: number, kind: 'campaign' | 'summary', request: ReportRequest): Promise<CampaignPdfInput> {
    const lang = request.lang ?? 'zh';
    const report = await this.deps.reports.rankingReport(actor, campaignId, { lang, ...(request.township ? { township: request.township } : {}) });
    const detail = await this.deps.campaigns.campaignDetail(actor, campaignId);
    const { scheme } = await this.deps.campaigns.schemeOf(detail.scheme.versionId);
    const full = await this.deps.campaigns.rankingFor(actor, campaignId, request.township ? { township: request.township } : {});
    // Each village the reader may read, in the order of village codes (township by township), read in batches as the PDF is written.
    const villages = kind === 'summary' ? [] : await this.deps.reports.readableVillages(actor, campaignId, request.township);
    const reports = this.deps.reports;
    const sheets = () =>
      (async function* () {
        for (let i = 0; i < villages.length; i += SHEET_BATCH) yield* await reports.scoreSheets(actor, campaignId, { villages: villages.slice(i, i + SHEET_BATCH), lang });
      })();
    return {
      ranking: full,
      sections: chartSections(scheme, lang),
      grades: scheme.grades.map((g) => ({ code: g.code, title: textOf(g.title, lang) })),
      county: report.header.county?.name ?? null,
      date: report.header.date,
      maxTotal: report.maxBase + report.maxBonus,
      sheets,
    };
  }
}

function cut(request: ReportRequest): { village?: string; township?: string } {
  return { ...(request.village ? { village: request.village } : {}), ...(request.township ? { township: request.township } : {}) };
}
