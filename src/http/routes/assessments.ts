/**
 * API routes: one village's assessment — reading it (and its printable score sheet), findings,
 * evidence files (upload and download), suggestions, the workflow, appeals and their decision.
 * Every change carries the assessment version the client edited (`version`): a stale one is
 * refused with 409 `conflict`. Who may do what to which assessment is decided by
 * CampaignService (policies.ts); a file is served only to a user who may read its assessment.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import type { AssessmentView } from '../../services/campaign.service.ts';
import { DEFAULT_EVIDENCE_TYPES, DEFAULT_MAX_EVIDENCE_BYTES, detectEvidenceType } from '../../services/evidence/evidence-store.ts';
import { actorOf, type User } from '../../services/user.service.ts';
import { contentDisposition } from '../content-disposition.ts';
import { KeptJson } from '../kept-json.ts';
import { Id, route } from '../route.ts';
import { maskIds, present } from '../presenters.ts';
import { DivisionCode, Flag, Version } from './campaigns.ts';

const Lang = z.object({ lang: z.enum(['zh', 'en']).default('zh') });
const AssessmentParams = z.object({ id: Id });
const Reason = z.string().trim().min(1, 'give a reason').max(2000);
const MAX_FILES = 10;
/** Assessments as JSON, by the service's view object and the reader's kind (see sendView). */
const viewJson = new KeptJson<'office' | 'masked'>();

interface Upload {
  filename: string;
  bytes: Buffer;
}

function describe(n: number): string {
  return `${Number((n / (1024 * 1024)).toFixed(1))} MiB`;
}

/**
 * The `file` parts of a multipart request, read into memory (each at most the evidence limit),
 * and checked by their first bytes before anything is stored: a bad file in a batch stores none.
 */
async function readUploads(req: FastifyRequest): Promise<Upload[]> {
  if (!req.isMultipart()) throw new KaoheError('validation', 'file: send multipart/form-data with one or more parts named "file"');
  const files: Upload[] = [];
  let misnamed: string | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: DEFAULT_MAX_EVIDENCE_BYTES, files: MAX_FILES } })) {
      if (part.type !== 'file') continue;
      const bytes = await part.toBuffer();
      if (part.fieldname !== 'file') misnamed ??= part.fieldname;
      else files.push({ filename: part.filename || 'evidence', bytes });
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new KaoheError('evidence-too-large', `file: a file is more than ${describe(DEFAULT_MAX_EVIDENCE_BYTES)}; the limit is ${describe(DEFAULT_MAX_EVIDENCE_BYTES)}`, { limit: DEFAULT_MAX_EVIDENCE_BYTES });
    }
    if (code === 'FST_FILES_LIMIT') throw new KaoheError('validation', `file: at most ${MAX_FILES} files at once`);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_MULTIPART_INVALID_CONTENT_TYPE') {
      throw new KaoheError('validation', 'file: send multipart/form-data with one or more parts named "file"');
    }
    throw e;
  }
  if (misnamed !== undefined) throw new KaoheError('validation', `${misnamed}: files go in parts named "file"`);
  if (files.length === 0) throw new KaoheError('validation', 'file: no file: send one or more parts named "file"');
  for (const f of files) {
    if (f.bytes.length === 0) throw new KaoheError('evidence-empty', `file: ${f.filename} is empty (0 bytes)`, { filename: f.filename });
    const mime = detectEvidenceType(f.bytes.subarray(0, 12));
    if (mime === null || !DEFAULT_EVIDENCE_TYPES.includes(mime)) {
      throw new KaoheError('evidence-type', `file: ${f.filename} is not a file type accepted as evidence (its content is checked, not its name); accepted: ${DEFAULT_EVIDENCE_TYPES.join(', ')}`, {
        filename: f.filename,
        detected: mime,
        allowed: [...DEFAULT_EVIDENCE_TYPES],
      });
    }
  }
  return files;
}

export function assessmentsRoutes(app: FastifyInstance): void {
  const { campaigns, evidence } = app.services;
  const tags = ['assessments'];

  const withUrls = <A extends { evidence: Array<{ id: number }> }>(a: A) => ({ ...a, evidence: a.evidence.map((e) => ({ ...e, url: `/api/evidence/${e.id}` })) });
  const state = (user: User, id: number) => campaigns.assessmentState(actorOf(user), id);

  /**
   * Sends an assessment as its reader may see it. While it is unchanged the service hands back
   * the same view object (per kind of reader and language), so its JSON — with file URLs, and
   * ID numbers masked for anyone but the office — is made once per view and kind.
   */
  const sendView = (user: User, req: FastifyRequest, reply: FastifyReply, view: AssessmentView) =>
    viewJson.send(req, reply, view, user.role === 'admin' ? 'office' : 'masked', () => present(user, withUrls(view)));

  /** Stores the uploads one by one on a finding or an appeal; returns their rows. */
  const upload = async (user: User, req: FastifyRequest, target: { findingId: number } | { appealId: number }) => {
    const actor = actorOf(user);
    // Who may not even read the assessment is turned away before the upload is read.
    await campaigns.evidenceOf(actor, target);
    const files = await readUploads(req);
    const ids: number[] = [];
    for (const f of files) ids.push(await campaigns.addEvidence(actor, target, f));
    const rows = (await campaigns.evidenceOf(actor, target)).filter((r) => ids.includes(r.id));
    return rows.map((r) => ({ ...r, url: `/api/evidence/${r.id}` }));
  };

  route(app, {
    method: 'GET',
    url: '/assessments/:id',
    summary: "A village's assessment: findings, evidence, suggestions, appeals, score and explanation",
    tags,
    roles: 'any',
    params: AssessmentParams,
    query: Lang,
    handler: async ({ user, params, query, req, reply }) => sendView(user, req, reply, await campaigns.getAssessment(actorOf(user), params.id, query.lang)),
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/villages/:code/assessment',
    summary: "A village's assessment in a campaign, by the village's code",
    tags,
    roles: 'any',
    params: z.object({ id: Id, code: DivisionCode }),
    query: Lang,
    handler: async ({ user, params, query, req, reply }) => sendView(user, req, reply, await campaigns.getVillageAssessment(actorOf(user), params.id, params.code, query.lang)),
  });

  route(app, {
    method: 'GET',
    url: '/assessments/:id/sheet',
    summary: 'The printable score sheet',
    tags,
    roles: 'any',
    params: AssessmentParams,
    query: Lang,
    handler: async ({ user, params, query }) => present(user, await campaigns.scoreSheet(actorOf(user), params.id, query.lang)),
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/findings',
    summary: 'Record a finding',
    tags,
    roles: ['admin', 'inspector'],
    params: AssessmentParams,
    body: z.object({
      version: Version,
      item: z.string().trim().min(1, 'the item of the scheme (e.g. 3.2.1)').max(40),
      count: z.number().int().min(0).max(100_000).optional(),
      element: z.string().trim().min(1).max(60).optional(),
      note: z.string().max(2000).optional(),
      household: z.string().trim().max(60).optional(),
    }),
    handler: async ({ user, params, body, reply }) => {
      const input: Parameters<typeof campaigns.addFinding>[3] = { item: body.item };
      if (body.count !== undefined) input.count = body.count;
      if (body.element) input.element = body.element;
      if (body.note) input.note = body.note;
      if (body.household) input.household = body.household;
      const id = await campaigns.addFinding(actorOf(user), params.id, body.version, input);
      reply.code(201);
      return present(user, { id, assessment: await state(user, params.id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/findings/:fid/withdraw',
    summary: 'Withdraw a finding',
    tags,
    roles: ['admin', 'inspector'],
    params: z.object({ id: Id, fid: Id }),
    body: z.object({ version: Version, reason: Reason }),
    handler: async ({ user, params, body }) => {
      await campaigns.withdrawFinding(actorOf(user), params.id, body.version, params.fid, body.reason);
      return { ok: true, assessment: await state(user, params.id) };
    },
  });

  route(app, {
    method: 'POST',
    url: '/findings/:fid/evidence',
    summary: "Upload evidence files for a finding (multipart, parts named 'file')",
    tags,
    roles: ['admin', 'inspector'],
    params: z.object({ fid: Id }),
    multipart: true,
    handler: async ({ user, params, req, reply }) => {
      const rows = await upload(user, req, { findingId: params.fid });
      reply.code(201);
      return present(user, { evidence: rows });
    },
  });

  route(app, {
    method: 'GET',
    url: '/evidence/:id',
    summary: 'An evidence file (inline; ?download=1 as an attachment)',
    tags,
    roles: 'any',
    params: z.object({ id: Id }),
    query: z.object({ download: Flag }),
    handler: async ({ user, params, query, reply }) => {
      const e = await campaigns.evidenceFile(actorOf(user), params.id);
      if (!(await evidence.has(e.sha256))) throw new KaoheError('not-found', `the file of evidence ${e.id} is missing from the evidence store`);
      const filename = user.role === 'admin' ? e.filename : maskIds(e.filename);
      reply
        .header('content-type', e.mime)
        .header('content-length', String(e.size))
        .header('content-disposition', contentDisposition(query.download ? 'attachment' : 'inline', filename))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff');
      return reply.send(evidence.get(e.sha256));
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/derive',
    summary: "Derive suggested findings from the registry's records",
    tags,
    roles: ['admin', 'inspector'],
    params: AssessmentParams,
    handler: async ({ user, params }) => {
      const r = await campaigns.deriveSuggestions(actorOf(user), params.id);
      return { ...r, assessment: await state(user, params.id) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/assessments/:id/suggestions/:sid/records',
    summary: 'Every registry record behind a suggested finding (the assessment carries the first 50)',
    tags,
    roles: ['admin', 'reviewer', 'inspector'],
    params: z.object({ id: Id, sid: Id }),
    handler: async ({ user, params }) => present(user, await campaigns.suggestionRecords(actorOf(user), params.id, params.sid)),
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/:sid/accept',
    summary: 'Accept a suggested finding',
    tags,
    roles: ['admin', 'inspector'],
    params: z.object({ id: Id, sid: Id }),
    body: z.object({ version: Version, note: z.string().max(2000).optional() }),
    handler: async ({ user, params, body }) => {
      const findingId = await campaigns.acceptSuggestion(actorOf(user), params.id, body.version, params.sid, body.note || undefined);
      return present(user, { findingId, assessment: await state(user, params.id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/:sid/dismiss',
    summary: 'Dismiss a suggested finding',
    tags,
    roles: ['admin', 'inspector'],
    params: z.object({ id: Id, sid: Id }),
    body: z.object({ version: Version, reason: Reason }),
    handler: async ({ user, params, body }) => {
      await campaigns.dismissSuggestion(actorOf(user), params.id, body.version, params.sid, body.reason);
      return { ok: true, assessment: await state(user, params.id) };
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/transition',
    summary: 'Move an assessment along: submit, sendBack, review, publish',
    tags,
    roles: ['admin', 'reviewer', 'inspector'],
    params: AssessmentParams,
    body: z.object({ version: Version, step: z.enum(['submit', 'sendBack', 'review', 'publish']), comment: z.string().trim().max(2000).optional() }),
    handler: async ({ user, params, body }) => {
      await campaigns.transition(actorOf(user), params.id, body.version, body.step, body.comment || undefined);
      return { ok: true, assessment: await state(user, params.id) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/appeals',
    summary: "List a campaign's appeals: the office all, a reviewer their township's, an inspector their villages', a village its own",
    tags: ['appeals'],
    roles: ['admin', 'reviewer', 'inspector', 'village'],
    params: z.object({ id: Id }),
    query: Lang.extend({
      status: z.enum(['open', 'decided', 'upheld', 'adjusted', 'rejected']).optional(),
      township: DivisionCode.optional(),
    }),
    handler: async ({ user, params, query }) => {
      const filter: Parameters<typeof campaigns.listAppeals>[2] = {};
      if (query.status) filter.status = query.status;
      if (query.township) filter.township = query.township;
      return present(user, { appeals: await campaigns.listAppeals(actorOf(user), params.id, filter, query.lang) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/appeals',
    summary: 'Appeal an item of a published result',
    tags: ['appeals'],
    roles: ['admin', 'village'],
    params: AssessmentParams,
    body: z.object({ item: z.string().trim().min(1, 'the item appealed (e.g. 2.5.5)').max(40), reason: Reason }),
    handler: async ({ user, params, body, reply }) => {
      const id = await campaigns.appeal(actorOf(user), params.id, body);
      reply.code(201);
      return present(user, { id, appeal: await campaigns.appealInfo(actorOf(user), id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/appeals/:id/evidence',
    summary: "Upload evidence files for an appeal (multipart, parts named 'file')",
    tags: ['appeals'],
    roles: ['admin', 'village'],
    params: z.object({ id: Id }),
    multipart: true,
    handler: async ({ user, params, req, reply }) => {
      const rows = await upload(user, req, { appealId: params.id });
      reply.code(201);
      return present(user, { evidence: rows });
    },
  });

  route(app, {
    method: 'POST',
    url: '/appeals/:id/decide',
    summary: 'Decide an appeal',
    tags: ['appeals'],
    roles: ['admin'],
    params: z.object({ id: Id }),
    body: z
      .object({ outcome: z.enum(['upheld', 'adjusted', 'rejected']), reason: Reason, count: z.number().int().min(0).max(100_000).optional() })
      .refine((b) => b.outcome !== 'adjusted' || b.count !== undefined, { path: ['count'], message: 'an adjustment gives the new count (a whole number ≥ 0)' }),
    handler: async ({ user, params, body }) => {
      const decision: Parameters<typeof campaigns.decideAppeal>[2] = { outcome: body.outcome, reason: body.reason };
      if (body.count !== undefined) decision.count = body.count;
      await campaigns.decideAppeal(actorOf(user), params.id, decision);
      const appeal = await campaigns.appealInfo(actorOf(user), params.id);
      return { appeal, assessment: await state(user, appeal.assessment_id) };
    },
  });
}
