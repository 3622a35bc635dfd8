/**
 * API routes: the report files of a campaign — the ranking and deduction workbooks (.xlsx), a
 * village's score sheet, the whole campaign and its county summary (.pdf). What a reader gets is
 * decided by the report and campaign services (a village's user: its own published sheet and
 * detail; a viewer: published results, no deduction detail); resident ID numbers typed into
 * notes are masked for everyone but the office. The county summary and the whole campaign are
 * drawn in a worker thread (the event loop stays free) and streamed as they are drawn, at most
 * two at a time; on a read replica when one is configured (KAOHE_REPORTS_DATABASE_URL), once it
 * has caught up with the request (the answer's x-kaohe-read-from says where it was read).
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import { PDF, type ReportKind, type ReportRequest } from '../../services/report-documents.ts';
import { actorOf } from '../../services/user.service.ts';
import { contentDisposition } from '../content-disposition.ts';
import { configuredReportReplica } from '../../services/report-replica.ts';
import { primaryPosition } from '../../services/replica-reads.ts';
import { reportInWorker, workerCanOpen, type StreamedReport } from '../report-in-worker.ts';
import { Id, route } from '../route.ts';
import { DivisionCode, Flag } from './campaigns.ts';

const Params = z.object({ id: Id });
const Common = z.object({ lang: z.enum(['zh', 'en']).default('zh'), township: DivisionCode.optional() });
const DeductionsQuery = Common.extend({ village: DivisionCode.optional() });
const SheetQuery = z.object({ lang: z.enum(['zh', 'en']).default('zh'), village: DivisionCode });
/**
 * Rankings count published results; `preview=1` asks for the office's provisional ranking of
 * submitted and reviewed results too (内部预览). `published` is accepted as before and wins.
 */
const RankingQuery = Common.extend({ preview: Flag, published: Flag });

/** The report request of a query: a preview only when asked for and not overruled by `published`. */
function requestOf(query: { lang: 'zh' | 'en'; township?: string; village?: string; preview?: boolean; published?: boolean }): ReportRequest {
  const { preview, published, ...rest } = query;
  return preview && !published ? { ...rest, preview: true } : rest;
}

/** Long reports (campaign, summary PDFs) drawn at once, each in a worker taking a core for seconds; more get a 429. */
const MAX_LONG_REPORTS = 2;

export function reportsRoutes(app: FastifyInstance): void {
  const { store, reports: docs } = app.services;
  const tags = ['reports'];
  let drawing = 0;
  // A read replica for the long reports (docs/scaling.md): checked when the server starts.
  const replica = configuredReportReplica();
  if (replica && store.dialect !== 'postgres') throw new KaoheError('validation', 'KAOHE_REPORTS_DATABASE_URL: the database is SQLite; a read replica is for PostgreSQL');

  const file = (kind: ReportKind, name: string, summary: string, query: typeof RankingQuery | typeof DeductionsQuery | typeof SheetQuery) =>
    route(app, {
      method: 'GET',
      url: `/campaigns/:id/reports/${name}`,
      summary,
      tags,
      params: Params,
      query,
      access: 'any',
      handler: async ({ reply, params, query, user }) => {
        const request = requestOf(query as { lang: 'zh' | 'en'; township?: string; village?: string; preview?: boolean; published?: boolean });
        const made = await docs.make(actorOf(user), params.id, kind, request);
        return reply
          .header('content-type', made.contentType)
          .header('content-disposition', contentDisposition('attachment', made.filename, `${kind}.${made.filename.split('.').pop()}`))
          .header('cache-control', 'no-store')
          .send(made.body);
      },
    });

  file('ranking', 'ranking.xlsx', 'The ranking workbook: the county, one sheet per township, section averages, change against the previous campaign', RankingQuery);
  file('deductions', 'deductions.xlsx', 'The deduction detail workbook (扣分明细): a row per finding, of the campaign, a township or a village', DeductionsQuery);
  file('sheet', 'sheet.pdf', "A village's score sheet (考核扣分明细表) as an A4 PDF", SheetQuery);
  // The summary (charts) and the whole campaign (every village) are drawn in a worker thread.
  const long = (kind: 'campaign' | 'summary', summary: string) =>
    route(app, {
      method: 'GET',
      url: `/campaigns/:id/reports/${kind}.pdf`,
      summary,
      tags,
      params: Params,
      query: RankingQuery,
      access: 'any',
      handler: async ({ reply, params, query: asked, user }) => {
        const query = requestOf(asked);
        // The cheap refusal on this thread, before a worker is started for nothing.
        await app.services.campaigns.setup.requireCampaign(params.id);
        // Counted and taken with no await between: concurrent requests cannot both slip through.
        if (drawing >= MAX_LONG_REPORTS) {
          reply.header('retry-after', '30');
          throw new KaoheError('rate-limited', `${MAX_LONG_REPORTS} long reports are being drawn; try again in a minute`);
        }
        drawing++;
        let streamed: StreamedReport;
        try {
          // Everything that can refuse (the campaign, the reader, the township) is asked before
          // the answer starts: a refusal is a JSON error, never half a PDF.
          streamed = workerCanOpen(store)
            ? await reportInWorker(store, {
                actor: actorOf(user),
                campaignId: params.id,
                kind,
                request: query,
                now: app.services.clock().toISOString(),
                evidenceRoot: app.services.evidenceStore.root,
                // The primary's position now: the replica is read once it has replayed it.
                ...(replica ? { replica: { url: replica.url, waitMs: replica.waitMs, lsn: await primaryPosition(store) } } : {}),
              })
            : await inProcess(kind, actorOf(user), params.id, query);
        } catch (e) {
          drawing--;
          throw e;
        }
        if (replica) {
          const { source, waitedMs, reason } = streamed.readFrom;
          if (reason) app.log.warn({ report: kind, source, waitedMs, reason }, `${kind} PDF drawn on the primary, not the read replica`);
          else app.log.info({ report: kind, source, waitedMs }, `${kind} PDF drawn on the read replica`);
        }
        streamed.finished
          .catch((e: unknown) => app.log.error({ err: e instanceof Error ? { message: e.message, name: e.name } : String(e) }, `${kind} PDF failed while streaming`))
          .finally(() => drawing--);
        return reply
          .header('content-type', PDF)
          .header('content-disposition', contentDisposition('attachment', streamed.filename, `${kind}.pdf`))
          .header('cache-control', 'no-store')
          .header('x-kaohe-read-from', streamed.readFrom.source)
          .send(streamed.body);
      },
    });

  /** The same, on the server's thread (a store a worker cannot open: an in-memory database). */
  const inProcess = async (kind: 'campaign' | 'summary', actor: ReturnType<typeof actorOf>, campaignId: number, query: ReportRequest): Promise<StreamedReport> => {
    const prepared = await docs.prepare(actor, campaignId, kind, query);
    const body = new PassThrough();
    const finished = prepared.write(body);
    finished.catch((e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))));
    return { filename: prepared.filename, contentType: prepared.contentType, readFrom: { source: 'primary', waitedMs: 0 }, body, finished };
  };

  long('summary', 'The county summary PDF: figures, averages by township, charts, top and bottom villages');
  long('campaign', 'The whole campaign as one PDF: the county summary, then every village the reader may read (streamed)');
}
