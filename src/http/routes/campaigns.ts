/**
 * API routes: campaigns (scope, teams, assignments, progress), the lists and rankings of their
 * assessments, publication, rescoring, the overview page's figures, and the audit log. Every
 * list is cut to what the signed-in user may see (CampaignServices decides); ID numbers are
 * masked in every answer to anyone but the office.
 */
import type { AuditQuery } from '../../core/campaign/records.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseAnchor } from '../../core/audit-anchor.ts';
import { KaoheError } from '../../core/errors.ts';
import { actorOf } from '../../services/user.service.ts';
import { mayListMyVillages, mayManageCampaigns, mayPublishCampaigns, mayReadAudit, mayRescoreCampaigns } from '../../services/policies.ts';
import { XLSX } from '../../services/report-documents.ts';
import { contentDisposition } from '../content-disposition.ts';
import { KeptJson } from '../kept-json.ts';
import { present, readerKind, type ReaderKind } from '../presenters/ids.ts';
import {
  presentAssessmentRow,
  presentAuditEntry,
  presentAuditVerification,
  presentCampaignDetail,
  presentCampaignSummary,
  presentMyVillages,
  presentOverview,
  presentPublished,
  presentRanking,
  presentRankingPage,
  presentUnrankedPage,
  presentRescored,
  presentRescorePreview,
  presentSnapshot,
} from '../presenters/campaigns.ts';
import type { AssessmentsAnswer, Assigned, CampaignCreated, CombinedAnswer, TeamSet, UnrankedAnswer } from '../../contract/campaigns.ts';
import { fromCents } from '../../core/numbers.ts';
import { Id, route } from '../route.ts';

/** A division code (县/乡/村: 12 digits). */
/** What the audit log is searched by: entity, person, village, and a span of days (the log's times are UTC). */
const AUDIT_SEARCH = z
  .object({
    entity: z.string().trim().min(1).max(40).optional(),
    entityId: z.string().trim().min(1).max(40).optional(),
    actor: z.string().trim().min(1).max(40).optional(),
    village: z
      .string()
      .regex(/^\d{12}$/, 'a village is named by its 12-digit division code')
      .optional(),
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
      .optional(),
    to: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
      .optional(),
    lang: z.enum(['zh', 'en']).default('zh'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'the first day is after the last', path: ['to'] });

function auditQuery(q: {
  entity?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  village?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): AuditQuery {
  return {
    ...(q.entity ? { entity: q.entity } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.village ? { village: q.village } : {}),
    ...(q.from ? { from: `${q.from}T00:00:00.000Z` } : {}),
    ...(q.to ? { to: `${q.to}T23:59:59.999Z` } : {}),
  };
}

export const DivisionCode = z.string().regex(/^\d{12}$/, 'a 12-digit division code');
export const AssessmentStatusSchema = z.enum(['draft', 'submitted', 'reviewed', 'published']);
/** A yes/no query flag: 1, 0, true, false. */
export const Flag = z
  .enum(['1', '0', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** The most rows a page of a list holds (`limit`). */
export const PAGE_LIMIT_MAX = 1000;

/**
 * A list's paging parameters: `limit` (1 to 1000) asks for a page; `after` (the previous answer's
 * `next`, each list its own kind) and `q` (a village code's beginning or a part of a village's
 * name) go with it. Without `limit` a list answers every row as it always did, so neither is
 * taken alone (`pagingNeedsLimit`).
 */
export const Paging = {
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).optional(),
  q: z.string().trim().max(50).optional(),
};

/** The refinement of a paged list's query: `after` and `q` only with `limit`. */
export const pagingNeedsLimit: [(v: { limit?: number | undefined; after?: unknown; q?: string | undefined }) => boolean, { message: string; path: string[] }] = [
  (v) => v.limit !== undefined || (v.after === undefined && !v.q),
  { message: `after and q go with a page: give limit (1 to ${PAGE_LIMIT_MAX}) too`, path: ['limit'] },
];

/** The ranking a request asks for: a township's, published results (kept for old clients) or the office's preview. */
function rankingOptions(query: { township?: string | undefined; published?: boolean | undefined; preview?: boolean | undefined }) {
  const options: { township?: string; publishedOnly?: boolean; preview?: boolean } = { publishedOnly: query.published, preview: query.preview };
  if (query.township) options.township = query.township;
  return options;
}

/** Presented rankings, by the service's ranking object and the reader's kind. */
const rankingJson = new KeptJson<ReaderKind>();

const CampaignParams = z.object({ id: Id });
const Version = z.number({ error: 'the version of the assessment you edited (a whole number)' }).int().positive();
export { Version };

export function campaignsRoutes(app: FastifyInstance): void {
  const { campaigns } = app.services;
  const tags = ['campaigns'];

  route(app, {
    method: 'GET',
    url: '/campaigns',
    summary: 'List campaigns with their progress',
    tags,
    access: 'any',
    handler: async ({ user }) => present(user, { campaigns: (await campaigns.setup.listCampaignsFor(actorOf(user))).map(presentCampaignSummary) }),
  });

  route(app, {
    method: 'POST',
    url: '/campaigns',
    summary: 'Create a campaign',
    tags,
    access: mayManageCampaigns,
    body: z.object({
      name: z.string().trim().min(1, 'a campaign needs a name').max(100),
      year: z.number().int().min(2000).max(2100),
      schemeVersionId: z.number().int().positive(),
      villages: z.array(DivisionCode).min(1).max(20_000).optional(),
      from: z.iso.date().optional(),
      to: z.iso.date().optional(),
      appealDays: z.number().int().min(0).max(365).optional(),
      period: z.string().trim().min(1).max(50).optional(),
      parts: z.array(z.number().int().positive()).max(50).optional(),
    }),
    handler: async ({ user, body, reply }): Promise<CampaignCreated> => {
      const input: Parameters<typeof campaigns.setup.createCampaign>[1] = { name: body.name, year: body.year, schemeVersionId: body.schemeVersionId };
      if (body.villages) input.villages = body.villages;
      if (body.from) input.from = body.from;
      if (body.to) input.to = body.to;
      if (body.appealDays !== undefined) input.appealDays = body.appealDays;
      if (body.period) input.period = body.period;
      if (body.parts) input.parts = body.parts;
      const id = await campaigns.setup.createCampaign(actorOf(user), input);
      reply.code(201);
      return { id, campaign: presentCampaignDetail(await campaigns.setup.campaignDetail(actorOf(user), id, { villages: false })) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id',
    summary: 'A campaign: scope, teams, townships and progress, and (unless ?villages=false) a row per village',
    tags,
    access: 'any',
    params: CampaignParams,
    query: z.object({ villages: z.enum(['true', 'false']).optional() }),
    handler: async ({ user, params, query }) =>
      present(user, presentCampaignDetail(await campaigns.setup.campaignDetail(actorOf(user), params.id, { villages: query.villages !== 'false' }))),
  });

  route(app, {
    method: 'POST',
    url: '/campaigns/:id/teams',
    summary: 'Create an inspection team or set its members',
    tags,
    access: mayManageCampaigns,
    params: CampaignParams,
    body: z.object({
      name: z.string().trim().min(1, 'a team needs a name').max(100),
      members: z.array(z.string().trim().min(1).max(40)).max(100),
    }),
    handler: async ({ user, params, body }): Promise<TeamSet> => {
      const id = await campaigns.setup.setTeam(actorOf(user), params.id, body.name, body.members);
      return { id, name: body.name, members: [...new Set(body.members)] };
    },
  });

  route(app, {
    method: 'POST',
    url: '/campaigns/:id/assign',
    summary: 'Assign villages to a team',
    tags,
    access: mayManageCampaigns,
    params: CampaignParams,
    body: z
      .object({
        team: z.string().trim().min(1).max(100),
        villages: z.array(DivisionCode).max(20_000).optional(),
        townships: z.array(DivisionCode).max(5_000).optional(),
        all: z.boolean().optional(),
      })
      .refine((b) => b.all === true || (b.villages?.length ?? 0) > 0 || (b.townships?.length ?? 0) > 0, {
        message: 'name the villages or townships to assign, or all',
        path: ['villages'],
      }),
    handler: async ({ user, params, body }): Promise<Assigned> => {
      const villages = await campaigns.setup.assignVillages(actorOf(user), params.id, body.team, {
        villages: [...new Set(body.villages ?? [])],
        townships: body.townships ?? [],
        all: body.all === true,
      });
      return { ok: true, team: body.team, villages };
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/assessments',
    summary: "List a campaign's assessments",
    tags,
    access: 'any',
    params: CampaignParams,
    // `limit` pages the list by village code (docs/api.md, "Paged lists"); without it, every row as before.
    query: z.object({ township: DivisionCode.optional(), status: AssessmentStatusSchema.optional(), after: DivisionCode.optional(), ...Paging }).refine(...pagingNeedsLimit),
    handler: async ({ user, params, query }): Promise<AssessmentsAnswer> => {
      const filter: { township?: string; status?: 'draft' | 'submitted' | 'reviewed' | 'published'; q?: string } = {};
      if (query.township) filter.township = query.township;
      if (query.status) filter.status = query.status;
      if (query.limit === undefined) return present(user, { assessments: (await campaigns.setup.listAssessments(actorOf(user), params.id, filter)).map(presentAssessmentRow) });
      if (query.q) filter.q = query.q;
      const page = await campaigns.setup.pageAssessments(actorOf(user), params.id, filter, { limit: query.limit, ...(query.after ? { after: query.after } : {}) });
      return present(user, { assessments: page.rows.map(presentAssessmentRow), next: page.next, total: page.total, counts: { ...page.counts } });
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/my-villages',
    summary:
      "The caller's villages (an inspector's teams', the office's all; one township's with ?township=) with what is left in each, ordered by what to do next, and the figures over them; more than `max` villages: tooMany, take them by township",
    tags,
    access: mayListMyVillages,
    params: CampaignParams,
    query: z.object({ township: DivisionCode.optional() }),
    handler: async ({ user, params, query }) =>
      present(user, presentMyVillages(await campaigns.worklist.myVillages(actorOf(user), params.id, query.township ? { township: query.township } : {}))),
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/ranking',
    summary: 'The ranking: county and township ranks, grades, change, section averages',
    tags,
    access: 'any',
    params: CampaignParams,
    // Published results unless the office asks for a preview; `published` is kept for old clients (and wins).
    // `limit` pages the ranked rows in rank order (docs/api.md, "Paged lists"); without it, the whole ranking.
    query: z.object({ township: DivisionCode.optional(), published: Flag, preview: Flag, after: DivisionCode.optional(), ...Paging }).refine(...pagingNeedsLimit),
    handler: async ({ user, params, query, req, reply }) => {
      const options = rankingOptions(query);
      // While no assessment changed, the service hands back the same ranking object: its JSON
      // (as this reader may see it) is made once. A page is made for each request, never kept
      // there: it is a small part of the ranking, and the kept body is the whole one.
      const ranking = await campaigns.rankings.rankingFor(actorOf(user), params.id, options);
      if (query.limit !== undefined) return present(user, presentRankingPage(ranking, { limit: query.limit, after: query.after, q: query.q }));
      return rankingJson.send(req, reply, ranking, readerKind(user), () => present(user, presentRanking(ranking)));
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/ranking/unranked',
    summary: "A page of the ranking's unranked villages (未考核, 未发布), by code",
    tags,
    access: 'any',
    params: CampaignParams,
    query: z.object({ township: DivisionCode.optional(), published: Flag, preview: Flag, after: DivisionCode.optional(), ...Paging, limit: Paging.limit.unwrap() }),
    handler: async ({ user, params, query }): Promise<UnrankedAnswer> => {
      const ranking = await campaigns.rankings.rankingFor(actorOf(user), params.id, rankingOptions(query));
      return present(user, presentUnrankedPage(ranking, { limit: query.limit, after: query.after, q: query.q }));
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/combined/:village',
    summary: "A village's combined result in a final campaign (平时考核×30%＋年终考核×70%＋加分－扣分), part by part, explained",
    tags,
    access: 'any',
    params: z.object({ id: Id, village: DivisionCode }),
    // Published results, as the ranking shows them to everyone; the office may ask for its preview.
    query: z.object({ preview: Flag }),
    handler: async ({ user, params, query }): Promise<CombinedAnswer> => {
      const c = await campaigns.rankings.combinedResult(actorOf(user), params.id, params.village, { preview: query.preview });
      return present(user, {
        campaignId: c.campaign.id,
        basis: c.basis,
        village: c.village,
        name: c.name,
        total: fromCents(c.total),
        grade: c.grade,
        countyRank: c.countyRank,
        townshipRank: c.townshipRank,
        explanation: c.explanation,
      });
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/snapshots',
    summary: 'The dated ranking snapshots (published results)',
    tags,
    access: 'any',
    params: CampaignParams,
    handler: async ({ user, params }) => {
      const snapshots = await campaigns.rankings.snapshotsFor(actorOf(user), params.id);
      return present(user, { snapshots: snapshots.map(presentSnapshot) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/campaigns/:id/publish',
    summary: 'Publish every reviewed assessment and snapshot the ranking',
    tags,
    access: mayPublishCampaigns,
    params: CampaignParams,
    handler: async ({ user, params }) => presentPublished(await campaigns.workflow.publishCampaign(actorOf(user), params.id)),
  });

  const Rescore = z.object({ schemeVersionId: z.number().int().positive() });
  route(app, {
    method: 'POST',
    url: '/campaigns/:id/rescore/preview',
    summary: "Preview every village's score and rank under another scheme version",
    tags,
    access: mayRescoreCampaigns,
    params: CampaignParams,
    body: Rescore,
    handler: async ({ user, params, body }) => presentRescorePreview(await campaigns.rescoring.rescorePreview(actorOf(user), params.id, body.schemeVersionId)),
  });

  route(app, {
    method: 'POST',
    url: '/campaigns/:id/rescore',
    summary: 'Rescore the campaign with another scheme version',
    tags,
    access: mayRescoreCampaigns,
    params: CampaignParams,
    body: Rescore,
    handler: async ({ user, params, body }) => presentRescored(await campaigns.rescoring.rescoreApply(actorOf(user), params.id, body.schemeVersionId)),
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/overview',
    summary: "The overview page's figures: progress, distribution, section averages, top and bottom villages",
    tags,
    access: 'any',
    params: CampaignParams,
    query: z.object({ preview: Flag }),
    handler: async ({ user, params, query }) => present(user, presentOverview(await campaigns.rankings.overview(actorOf(user), params.id, { preview: query.preview }))),
  });

  route(app, {
    method: 'GET',
    url: '/audit',
    summary: 'The audit log',
    tags: ['audit'],
    access: mayReadAudit,
    query: AUDIT_SEARCH.extend({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
    handler: async ({ user, query }) => {
      const options = auditQuery(query);
      if (query.limit) options.limit = query.limit;
      return { entries: (await campaigns.audit.auditLogWithSentences(actorOf(user), options, query.lang)).map(presentAuditEntry) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/audit/export.xlsx',
    summary: "The audit log as a workbook: each entry's sentence, time, actor, action and entity, with the chain's verification result and the log's anchor in its title rows",
    tags: ['audit'],
    access: mayReadAudit,
    query: AUDIT_SEARCH,
    handler: async ({ user, query, reply }) => {
      const { body } = await campaigns.audit.exportAudit(actorOf(user), query.lang, auditQuery(query));
      const name = query.lang === 'en' ? 'audit-log.xlsx' : '审计日志.xlsx';
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', contentDisposition('attachment', name, 'audit-log.xlsx'))
        .header('cache-control', 'no-store')
        .send(body);
    },
  });

  route(app, {
    method: 'GET',
    url: '/audit/verify',
    summary: "Verify the audit log's keyed chain, its head and its anchors (ranking snapshots', and printed ones given as anchor=N:HEX)",
    tags: ['audit'],
    access: mayReadAudit,
    query: z.object({ anchor: z.union([z.string(), z.array(z.string())]).optional() }),
    handler: async ({ user, query }) => {
      const given = query.anchor === undefined ? [] : Array.isArray(query.anchor) ? query.anchor : [query.anchor];
      const anchors = given.map((text, i) => {
        const a = parseAnchor(text, `the printed anchor ${text}`);
        if (!a)
          throw new KaoheError(
            'validation',
            `query.anchor${given.length > 1 ? `[${i}]` : ''}: ${text.slice(0, 80)} is not an anchor: write N:HEX as printed on a report (the number of entries, a colon, at least 16 hex digits)`,
          );
        return a;
      });
      return presentAuditVerification(await campaigns.audit.verifyAuditFor(actorOf(user), anchors));
    },
  });
}
