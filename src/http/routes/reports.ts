/**
 * API routes: the report files of a campaign — the ranking and deduction workbooks (.xlsx), a
 * village's score sheet, the whole campaign and its county summary (.pdf). What a reader gets is
 * decided by the report and campaign services (a village's user: its own published sheet and
 * detail; a viewer: published results, no deduction detail); resident ID numbers typed into
 * notes are masked for everyone but the office. The whole-campaign PDF is streamed as it is
 * drawn, at most two at a time.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import { ReportDocuments, PDF, type ReportKind } from '../../services/report-documents.ts';
import { ReportService } from '../../services/report.service.ts';
import { actorOf } from '../../services/user.service.ts';
import { contentDisposition } from '../content-disposition.ts';
import { Id, route } from '../route.ts';
import { present } from '../presenters.ts';
import { DivisionCode } from './campaigns.ts';

const Params = z.object({ id: Id });
const Common = z.object({ lang: z.enum(['zh', 'en']).default('zh'), township: DivisionCode.optional() });
const DeductionsQuery = Common.extend({ village: DivisionCode.optional() });
const SheetQuery = z.object({ lang: z.enum(['zh', 'en']).default('zh'), village: DivisionCode });

/** Whole-campaign PDFs drawn at once (each takes a core for seconds); more wait for a 429. */
const MAX_CAMPAIGN_PDFS = 2;

export function reportsRoutes(app: FastifyInstance): void {
  const { campaigns, store } = app.services;
  const docs = new ReportDocuments({
    reports: new ReportService({ store, campaigns, clock: app.services.clock }),
    campaigns,
    present: (actor, value) => present(actor, value),
  });
  const tags = ['reports'];
  let drawing = 0;

  const file = (kind: ReportKind, name: string, summary: string, query: typeof Common | typeof DeductionsQuery | typeof SheetQuery) =>
    route(app, {
      method: 'GET',
      url: `/campaigns/:id/reports/${name}`,
      summary,
      tags,
      params: Params,
      query,
      roles: 'any',
      handler: async ({ reply, params, query, user }) => {
        const request = query as { lang: 'zh' | 'en'; township?: string; village?: string };
        const made = await docs.make(actorOf(user), params.id, kind, request);
        return reply
          .header('content-type', made.contentType)
          .header('content-disposition', contentDisposition('attachment', made.filename, `${kind}.${made.filename.split('.').pop()}`))
          .header('cache-control', 'no-store')
          .send(made.body);
      },
    });

  file('ranking', 'ranking.xlsx', 'The ranking workbook: the county, one sheet per township, section averages, change against the previous campaign', Common);
  file('deductions', 'deductions.xlsx', 'The deduction detail workbook (扣分明细): a row per finding, of the campaign, a township or a village', DeductionsQuery);
  file('sheet', 'sheet.pdf', "A village's score sheet (考核扣分明细表) as an A4 PDF", SheetQuery);
  file('summary', 'summary.pdf', 'The county summary PDF: figures, averages by township, charts, top and bottom villages', Common);

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/reports/campaign.pdf',
    summary: 'The whole campaign as one PDF: the county summary, then every village the reader may read (streamed)',
    tags,
    params: Params,
    query: Common,
    roles: 'any',
    handler: async ({ reply, params, query, user }) => {
      if (drawing >= MAX_CAMPAIGN_PDFS) {
        reply.header('retry-after', '30');
        throw new KaoheError('rate-limited', `${MAX_CAMPAIGN_PDFS} campaign PDFs are being drawn; try again in a minute`);
      }
      // Everything that can refuse (the campaign, the reader, the township) is asked before the
      // answer starts: a refusal is a JSON error, never half a PDF.
      const prepared = await docs.prepare(actorOf(user), params.id, 'campaign', query);
      drawing++;
      const body = new PassThrough();
      prepared
        .write(body)
        .catch((e: unknown) => {
          app.log.error({ err: e instanceof Error ? { message: e.message, name: e.name } : String(e) }, 'campaign PDF failed while streaming');
          body.destroy(e instanceof Error ? e : new Error(String(e)));
        })
        .finally(() => drawing--);
      return reply.header('content-type', PDF).header('content-disposition', contentDisposition('attachment', prepared.filename, 'campaign.pdf')).header('cache-control', 'no-store').send(body);
    },
  });
}
