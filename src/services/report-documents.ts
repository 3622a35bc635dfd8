/**
 * The report files an office downloads, files and prints: the ranking workbook, the deduction
 * detail workbook, a village's PDF score sheet, the whole campaign as one PDF and its county
 * summary. The same documents for the web app's downloads and for `kaohe report …`; what a
 * reader may see is decided by ReportService and CampaignServices, never here.
 */
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { PassThrough, type Writable } from 'node:stream';
import { KaoheError } from '../core/errors.ts';
import { textOf, type Lang } from '../core/scheme/model.ts';
import { chartSections } from '../reports/charts.ts';
import { writeCampaignPdf, type CampaignPdfInput } from '../reports/pdf/campaign.ts';
import { scoreSheetPdf, type ScoreSheet } from '../reports/pdf/score-sheet.ts';
import { deductionsXlsx, writeDeductionsXlsx } from '../reports/xlsx/deductions.ts';
import { rankingXlsx, writeRankingXlsx } from '../reports/xlsx/ranking.ts';
import type { CampaignServices } from './campaign/index.ts';
import type { Actor } from './policies.ts';
import type { DeductionDetail, RankingReport, ReportService } from './report.service.ts';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF = 'application/pdf';

/** A report read and ready to be written. */
export interface PreparedReport {
  filename: string;
  contentType: string;
  write(out: string | Writable, onProgress?: (done: number) => void): Promise<{ pages?: number }>;
}

/** Ends a stream with a body and waits until it has taken it. */
async function endWith(out: Writable, body: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(body, () => resolve());
  });
}

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
  /** Ranking, campaign and summary: a provisional ranking of unpublished results (内部预览), the office only. */
  preview?: boolean;
}

/** Villages per batch of score sheets read for a whole-campaign PDF (each batch is a few queries). */
const SHEET_BATCH = 200;

const NAMES = {
  zh: { ranking: '排名', deductions: '扣分明细', sheet: '考核扣分明细表', campaign: '考核结果汇编', summary: '全县汇总' },
  en: { ranking: 'ranking', deductions: 'deductions', sheet: 'score-sheet', campaign: 'campaign', summary: 'summary' },
} as const;

export interface ReportDocumentsDeps {
  reports: ReportService;
  campaigns: CampaignServices;
  /**
   * What a reader may see of the data before it is laid out (the web masks resident ID numbers
   * typed into notes and reasons for everyone but the office); default: all of it.
   */
  present?: <T>(actor: Actor, value: T) => T;
  /**
   * The thumbnails of photo evidence for the score sheets (see evidence/thumbnails.ts): null for
   * a file that is no readable photo; none: evidence listed by name only.
   */
  thumbnails?: { get(sha256: string, mime: string): Promise<Buffer | null> };
}

/**
 * The photos on a village's score sheet, as thumbnails (at most 640 pixels on a side, some
 * 30–120 KiB each): at most SHEET_PHOTOS_MAX of them, and SHEET_PHOTOS_MAX_BYTES; any past
 * that is listed by name, as are PDFs and photos no thumbnail could be made of (HEIC).
 */
export const SHEET_PHOTOS_MAX = 48;
export const SHEET_PHOTOS_MAX_BYTES = 16 * 1024 * 1024;

/** The file name's mark of a provisional ranking. */
const PREVIEW_NAME = { zh: '内部预览', en: 'internal-preview' } as const;

function fileNameOf(campaign: string, kind: ReportKind, request: ReportRequest): string {
  const parts = [campaign, NAMES[request.lang ?? 'zh'][kind]];
  if (request.village) parts.push(request.village);
  else if (request.township) parts.push(request.township);
  if (request.preview && kind !== 'sheet' && kind !== 'deductions') parts.push(PREVIEW_NAME[request.lang ?? 'zh']);
  const name = parts.join('-').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  return `${name}.${kind === 'ranking' || kind === 'deductions' ? 'xlsx' : 'pdf'}`;
}

export class ReportDocuments {
  private readonly present: <T>(actor: Actor, value: T) => T;

  constructor(private readonly deps: ReportDocumentsDeps) {
    this.present = deps.present ?? ((_actor, value) => value);
  }

  private async ranking(actor: Actor, campaignId: number, request: ReportRequest) {
    return this.present(
      actor,
      await this.deps.reports.rankingReport(actor, campaignId, {
        lang: request.lang ?? 'zh',
        ...(request.township ? { township: request.township } : {}),
        ...(request.preview ? { preview: true } : {}),
      }),
    );
  }

  private async deductions(actor: Actor, campaignId: number, request: ReportRequest) {
    return this.present(actor, await this.deps.reports.deductionDetail(actor, campaignId, { lang: request.lang ?? 'zh', ...cut(request) }));
  }

  private async sheets(actor: Actor, campaignId: number, villages: string[], lang: Lang) {
    return this.present(actor, await this.deps.reports.scoreSheets(actor, campaignId, { villages, lang }));
  }

  /** The file name of a report: campaign, what it is, and the township or village it is cut to. */
  async filename(campaignId: number, kind: ReportKind, request: ReportRequest = {}): Promise<string> {
    return fileNameOf((await this.deps.reports.campaignRow(campaignId)).name, kind, request);
  }

  /** Makes a report in memory. */
  async make(actor: Actor, campaignId: number, kind: ReportKind, request: ReportRequest = {}): Promise<ReportFile> {
    const prepared = await this.prepare(actor, campaignId, kind, request);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const ended = once(sink, 'end');
    await prepared.write(sink);
    await ended;
    return { filename: prepared.filename, contentType: prepared.contentType, body: Buffer.concat(chunks) };
  }

  /**
   * Reads everything a report needs (so whatever refuses — the campaign, the reader, a township
   * or village — refuses here), and returns the writer of its file. The whole-campaign PDF reads
   * its villages' sheets in batches while it is written; the workbooks go to a file without
   * holding it whole.
   */
  async prepare(actor: Actor, campaignId: number, kind: ReportKind, request: ReportRequest = {}): Promise<PreparedReport> {
    const lang = request.lang ?? 'zh';
    const campaign = await this.deps.reports.campaignRow(campaignId);
    const filename = fileNameOf(campaign.name, kind, request);
    if (kind === 'campaign' || kind === 'summary') {
      const input = await this.campaignInput(actor, campaign, kind, request);
      return {
        filename,
        contentType: PDF,
        write: async (out, onProgress) => ({ pages: (await writeCampaignPdf(input, out, { lang, ...(onProgress ? { onProgress } : {}) })).pages }),
      };
    }
    if (kind === 'ranking' || kind === 'deductions') {
      const data = kind === 'ranking' ? await this.ranking(actor, campaignId, request) : await this.deductions(actor, campaignId, request);
      const toFile = (path: string) => (kind === 'ranking' ? writeRankingXlsx(data as RankingReport, path) : writeDeductionsXlsx(data as DeductionDetail, path));
      const toBuffer = () => (kind === 'ranking' ? rankingXlsx(data as RankingReport) : deductionsXlsx(data as DeductionDetail));
      return { filename, contentType: XLSX, write: async (out) => (typeof out === 'string' ? toFile(out) : endWith(out, await toBuffer())).then(() => ({})) };
    }
    if (!request.village) throw new KaoheError('validation', 'village: a score sheet is of one village (give its code)');
    const sheets = await this.sheets(actor, campaignId, [request.village], lang);
    return {
      filename,
      contentType: PDF,
      write: async (out) => {
        const photos = await this.photosOf(sheets);
        const pdf = await scoreSheetPdf(sheets, { lang, ...(photos ? { photos } : {}) });
        await (typeof out === 'string' ? writeFile(out, pdf) : endWith(out, pdf));
        return {};
      },
    };
  }

  /** The thumbnails of the sheets' photo evidence, within the caps, by sha256 (undefined without thumbnails). */
  async photosOf(sheets: readonly ScoreSheet[]): Promise<Map<string, Buffer> | undefined> {
    const thumbnails = this.deps.thumbnails;
    if (!thumbnails) return undefined;
    const photos = new Map<string, Buffer>();
    for (const sheet of sheets) {
      let bytes = 0;
      let count = 0;
      for (const d of sheet.deductions) {
        for (const e of d.evidence) {
          if (photos.has(e.sha256) || count >= SHEET_PHOTOS_MAX) continue;
          // A file missing from the store (a restore without the evidence folder) is listed by name, not a failed sheet.
          const body = await thumbnails.get(e.sha256, e.mime).catch(() => null);
          if (!body || bytes + body.length > SHEET_PHOTOS_MAX_BYTES) continue;
          photos.set(e.sha256, body);
          bytes += body.length;
          count++;
        }
      }
    }
    return photos;
  }

  /** Writes a report to a file or a stream. */
  async write(
    actor: Actor,
    campaignId: number,
    kind: ReportKind,
    request: ReportRequest,
    out: string | Writable,
    onProgress?: (done: number) => void,
  ): Promise<{ pages?: number }> {
    return (await this.prepare(actor, campaignId, kind, request)).write(out, onProgress);
  }

  /** The county summary and, for the whole campaign, every village the reader may see, read in batches as the PDF is written. */
  private async campaignInput(actor: Actor, campaign: { id: number; schemeVersionId: number }, kind: 'campaign' | 'summary', request: ReportRequest): Promise<CampaignPdfInput> {
    const lang = request.lang ?? 'zh';
    const campaignId = campaign.id;
    const report = await this.ranking(actor, campaignId, request);
    const { scheme } = await this.deps.campaigns.schemes.schemeOf(campaign.schemeVersionId);
    const full = await this.deps.campaigns.rankings.rankingFor(actor, campaignId, {
      ...(request.township ? { township: request.township } : {}),
      ...(request.preview ? { preview: true } : {}),
    });
    // Each village the reader may read, in the order of village codes (township by township), read in batches as the PDF is written.
    const villages = kind === 'summary' ? [] : await this.deps.reports.readableVillages(actor, campaignId, request.township);
    const read = (part: string[]) => this.sheets(actor, campaignId, part, lang);
    const sheets = () =>
      (async function* () {
        for (let i = 0; i < villages.length; i += SHEET_BATCH) yield* await read(villages.slice(i, i + SHEET_BATCH));
      })();
    return {
      ranking: this.present(actor, full),
      sections: chartSections(scheme, lang),
      grades: scheme.grades.map((g) => ({ code: g.code, title: textOf(g.title, lang) })),
      county: report.header.county?.name ?? null,
      date: report.header.date,
      auditAnchor: report.header.auditAnchor,
      maxTotal: report.maxBase + report.maxBonus,
      sheets,
      ...(this.deps.thumbnails ? { photos: async (sheet: ScoreSheet) => (await this.photosOf([sheet])) ?? new Map() } : {}),
    };
  }
}

function cut(request: ReportRequest): { village?: string; township?: string } {
  return { ...(request.village ? { village: request.village } : {}), ...(request.township ? { township: request.township } : {}) };
}
