/**
 * API routes: one village's assessment — reading it (and its printable score sheet), findings,
 * evidence files (upload and download), suggestions, the workflow, appeals and their decision.
 * Every change carries the assessment version the client edited (`version`): a stale one is
 * refused with 409 `conflict`. Who may do what to which assessment is decided by
 * CampaignServices (policies.ts); a file is served only to a user who may read its assessment.
 * Uploads stream to disk (see receiveUploads); files are served so that none can run (see
 * EVIDENCE_CSP), photos inline, PDFs as attachments.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import { amountToCents, valueToCents, type ValueProblem } from '../../contract/finding-values.ts';
import type { MeasuredValue } from '../../core/scoring/score.ts';
import type { AssessmentView, EvidenceRoom, EvidenceTarget } from '../../services/campaign/index.ts';
import { attachUploads } from '../../services/evidence/uploads.ts';
import { evidenceQuotaError, INLINE_EVIDENCE_TYPES, shortBytes, type EvidenceStore, type StagedEvidence } from '../../services/evidence/evidence-store.ts';
import { actorOf, type User } from '../../services/user.service.ts';
import {
  canSeeFullIds,
  mayAppeal,
  mayCommentFindings,
  mayDecideAppeals,
  mayListAppeals,
  mayMoveAssessments,
  mayRecordFindings,
  maySeeSuggestions,
} from '../../services/policies.ts';
import type {
  AppealCreated,
  AppealDecided,
  AppealsAnswer,
  AssessmentChanged,
  CommentAdded,
  EvidenceUploaded,
  FindingAdded,
  SuggestionAccepted,
  SuggestionsDecided,
  SuggestionsDerived,
} from '../../contract/assessments.ts';
import { contentDisposition } from '../content-disposition.ts';
import { KeptJson } from '../kept-json.ts';
import { Id, route } from '../route.ts';
import { maskIds, present, readerKind, type ReaderKind } from '../presenters/ids.ts';
import {
  presentAppealListed,
  presentAppealRow,
  presentAssessment,
  presentAssessmentState,
  presentEvidenceRow,
  presentFindingComment,
  presentScoreSheet,
  presentSuggestionRecords,
} from '../presenters/assessments.ts';
import { DivisionCode, Flag, Paging, pagingNeedsLimit, Version } from './campaigns.ts';
import { Sha256 } from './uploads.ts';

const Lang = z.object({ lang: z.enum(['zh', 'en']).default('zh') });

/** Where a page of appeals starts, as the previous answer's `next` says it: rank (0 open, 1 decided), a dot, the last appeal's id. */
const AppealCursorText = z
  .string()
  .regex(/^[01]\.\d{1,15}$/, "the previous page's next (rank.id, e.g. 0.17)")
  .transform((v) => ({ rank: (v[0] === '0' ? 0 : 1) as 0 | 1, id: Number(v.slice(2)) }));

/** A finding's value or amount that is not a number of hundredths: refused naming the field and the item, in both languages. */
const refusedField = (p: ValueProblem, item: string) =>
  new KaoheError('validation', `${p.field}: ${p.en}`, [{ field: p.field, item, zh: `考核项目 ${item}：${p.zh}`, en: `item ${item}: ${p.en}` }]);
const AssessmentParams = z.object({ id: Id });
const Reason = z.string().trim().min(1, 'give a reason').max(2000);
/** Assessments as JSON, by the service's view object and the reader's kind (see sendView). */
const viewJson = new KeptJson<ReaderKind>();
/** Bytes a multipart part takes besides its file (boundary, headers), generously. */
const PART_OVERHEAD = 16 * 1024;
/**
 * Served with every evidence file: nothing in it runs or loads anything, even opened on its
 * own (a sandbox without any source; inline styles only, for the browser's image page).
 */
const EVIDENCE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'";

/**
 * The `file` parts of a multipart request, each streamed to the evidence store's temporary
 * folder as it arrives and checked on the way: its type by its first bytes, its size and the
 * assessment's quota on every chunk (stopping at the first byte past either), a PDF's content at
 * its end. One chunk in memory at a time. A refusal removes the files staged so far.
 */
async function receiveUploads(req: FastifyRequest, store: EvidenceStore, room: EvidenceRoom): Promise<StagedEvidence[]> {
  if (!req.isMultipart()) throw new KaoheError('validation', 'file: send multipart/form-data with one or more parts named "file"');
  const left = room.quotaBytes - room.usedBytes;
  // What the request says it carries: refused before a byte is read when it cannot fit.
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared)) {
    if (declared > store.maxFiles * (store.maxBytes + PART_OVERHEAD)) {
      throw new KaoheError(
        'evidence-too-large',
        `file: this upload is ${shortBytes(declared)}; an upload carries at most ${store.maxFiles} files of at most ${shortBytes(store.maxBytes)} each`,
        {
          size: declared,
          limit: store.maxBytes,
          files: store.maxFiles,
        },
      );
    }
    if (declared > left + store.maxFiles * PART_OVERHEAD) throw evidenceQuotaError(room, declared);
  }
  if (left <= 0) throw evidenceQuotaError(room, Number.isFinite(declared) ? declared : 0);
  const staged: StagedEvidence[] = [];
  let taken = 0;
  try {
    // busboy cuts a file at maxBytes + 1: the store sees that byte and refuses, naming the limit.
    const limits = { fileSize: store.maxBytes + 1, files: store.maxFiles, fields: 20, fieldSize: 64 * 1024, parts: store.maxFiles + 20 };
    for await (const part of req.parts({ limits, throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0])) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') throw new KaoheError('validation', `${part.fieldname}: files go in parts named "file"`);
      const before = taken;
      const file = await store.stage(
        { filename: part.filename || 'evidence', stream: part.file },
        { roomBytes: left - taken, overRoom: (atLeast) => evidenceQuotaError(room, before + atLeast, true) },
      );
      staged.push(file);
      taken += file.size;
    }
  } catch (e) {
    await Promise.all(staged.map((f) => f.discard()));
    const code = (e as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') throw new KaoheError('validation', `file: at most ${store.maxFiles} files at once`);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new KaoheError('validation', `file: too many parts: send at most ${store.maxFiles} parts named "file"`);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_MULTIPART_INVALID_CONTENT_TYPE') {
      throw new KaoheError('validation', 'file: send multipart/form-data with one or more parts named "file"');
    }
    throw e;
  }
  if (staged.length === 0) throw new KaoheError('validation', 'file: no file: send one or more parts named "file"');
  return staged;
}

/** How long the rest of a refused upload is read (and thrown away) at most. */
const DRAIN_MS = 10_000;

/**
 * After a refusal part way through an upload, the answer goes out at once. A browser reads it
 * only once it has sent its whole request, so the rest of the body is read and thrown away (no
 * memory kept) — but at most one more file's worth and for at most 10 s; a larger or endless
 * body is not read at all: the connection closes after the answer.
 */
function finishRefusedUpload(req: FastifyRequest, reply: FastifyReply, store: EvidenceStore): void {
  const raw = req.raw;
  if (raw.complete) return;
  const cap = store.maxBytes + store.maxFiles * PART_OVERHEAD;
  const declared = Number(req.headers['content-length']);
  if (!(declared <= 2 * cap)) {
    reply.header('connection', 'close');
    return;
  }
  let drained = 0;
  // A socket may be a stand-in with no destroy (Fastify's inject): then there is nothing to cut.
  const cutOff = () => {
    const socket = raw.socket as { destroy?: () => void } | null | undefined;
    if (typeof socket?.destroy === 'function') socket.destroy();
  };
  const timer = setTimeout(cutOff, DRAIN_MS);
  timer.unref();
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > cap) cutOff();
  });
  raw.once('end', () => clearTimeout(timer));
  raw.once('close', () => clearTimeout(timer));
  raw.unpipe();
  raw.resume();
}

/** The values of issue 18's kinds a finding or a decision gives, in the API's decimals. */
const KindValues = {
  value: z
    .object({
      num: z.union([z.number().min(0).max(1e9), z.record(z.string().min(1).max(40), z.number().min(0).max(1e9))]).optional(),
      of: z.number().min(0).max(1e9).optional(),
      percent: z.number().min(0).max(1e6).optional(),
      amount: z.number().min(0).max(1e12).optional(),
      level: z.string().trim().min(1).max(40).optional(),
    })
    .strict()
    .optional(),
  amount: z.number().min(0).max(1e6).optional(),
  part: z.string().trim().min(1).max(40).optional(),
};

/** Those values in core's hundredths; one that does not convert is refused naming its field and the item. */
function kindValues(body: { value?: Parameters<typeof valueToCents>[0]; amount?: number; part?: string }, item: string) {
  const out: { value?: MeasuredValue; amount?: number; part?: string } = {};
  if (body.value) {
    const v = valueToCents(body.value);
    if ('problem' in v) throw refusedField(v.problem, item);
    out.value = v.value;
  }
  if (body.amount !== undefined) {
    const v = amountToCents(body.amount);
    if ('problem' in v) throw refusedField(v.problem, item);
    out.amount = v.amount;
  }
  if (body.part) out.part = body.part;
  return out;
}

export function assessmentsRoutes(app: FastifyInstance): void {
  const { campaigns, evidenceStore: evidence } = app.services;
  const tags = ['assessments'];

  const state = async (user: User, id: number) => presentAssessmentState(await campaigns.assessments.assessmentState(actorOf(user), id));
  const changed = async (user: User, id: number): Promise<AssessmentChanged> => ({ ok: true, assessment: await state(user, id) });

  /**
   * Sends an assessment as its reader may see it. While it is unchanged the service hands back
   * the same view object (per kind of reader and language), so its JSON — with file URLs, and
   * ID numbers masked for anyone but the office — is made once per view and kind.
   */
  const sendView = (user: User, req: FastifyRequest, reply: FastifyReply, view: AssessmentView) =>
    viewJson.send(req, reply, view, readerKind(user), () => present(user, presentAssessment(view)));

  /** Stores the uploads on a finding or an appeal, all or none; returns their rows. */
  const upload = async (user: User, req: FastifyRequest, reply: FastifyReply, target: EvidenceTarget) => {
    const actor = actorOf(user);
    try {
      // Who may not add evidence here, or to an assessment whose quota is used up, is turned away before the upload is read.
      const room = await campaigns.evidence.evidenceRoom(actor, target);
      const files = await receiveUploads(req, evidence, room);
      const ids = await campaigns.evidence.addEvidenceFiles(actor, target, files);
      const rows = (await campaigns.evidence.evidenceOf(actor, target)).filter((r) => ids.includes(r.id));
      return rows.map(presentEvidenceRow);
    } catch (e) {
      finishRefusedUpload(req, reply, evidence);
      throw e;
    }
  };

  route(app, {
    method: 'GET',
    url: '/assessments/:id',
    summary: "A village's assessment: findings, evidence, suggestions, appeals, score and explanation",
    tags,
    access: 'any',
    params: AssessmentParams,
    query: Lang,
    handler: async ({ user, params, query, req, reply }) => sendView(user, req, reply, await campaigns.assessments.getAssessment(actorOf(user), params.id, query.lang)),
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/villages/:code/assessment',
    summary: "A village's assessment in a campaign, by the village's code",
    tags,
    access: 'any',
    params: z.object({ id: Id, code: DivisionCode }),
    query: Lang,
    handler: async ({ user, params, query, req, reply }) =>
      sendView(user, req, reply, await campaigns.assessments.getVillageAssessment(actorOf(user), params.id, params.code, query.lang)),
  });

  route(app, {
    method: 'GET',
    url: '/assessments/:id/sheet',
    summary: 'The printable score sheet',
    tags,
    access: 'any',
    params: AssessmentParams,
    query: Lang,
    handler: async ({ user, params, query }) => present(user, presentScoreSheet(await campaigns.assessments.scoreSheet(actorOf(user), params.id, query.lang))),
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/findings',
    summary: 'Record a finding',
    tags,
    access: mayRecordFindings,
    params: AssessmentParams,
    body: z.object({
      version: Version,
      item: z.string().trim().min(1, 'the item of the scheme (e.g. 3.2.1)').max(40),
      count: z.number().int().min(1, 'a finding counts at least 1 occurrence').max(100_000).optional(),
      element: z.string().trim().min(1).max(60).optional(),
      note: z.string().max(2000).optional(),
      household: z.string().trim().max(60).optional(),
      // Issue 18's kinds, in decimals (converted to hundredths below; what fits the item is the engine's to say).
      ...KindValues,
    }),
    idempotent: {
      status: 201,
      replay: async ({ user, params, result }): Promise<FindingAdded> => present(user, { id: result as number, assessment: await state(user, params.id) }),
    },
    handler: async ({ user, params, body, reply }): Promise<FindingAdded> => {
      const input: Parameters<typeof campaigns.findings.addFinding>[3] = { item: body.item };
      if (body.count !== undefined) input.count = body.count;
      if (body.element) input.element = body.element;
      if (body.note) input.note = body.note;
      if (body.household) input.household = body.household;
      Object.assign(input, kindValues(body, body.item));
      const id = await campaigns.findings.addFinding(actorOf(user), params.id, body.version, input);
      reply.code(201);
      return present(user, { id, assessment: await state(user, params.id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/findings/:fid/withdraw',
    summary: 'Withdraw a finding',
    tags,
    access: mayRecordFindings,
    params: z.object({ id: Id, fid: Id }),
    body: z.object({ version: Version, reason: Reason }),
    idempotent: { replay: async ({ user, params }) => changed(user, params.id) },
    handler: async ({ user, params, body }) => {
      await campaigns.findings.withdrawFinding(actorOf(user), params.id, body.version, params.fid, body.reason);
      return changed(user, params.id);
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/checks',
    summary: 'Mark an item "checked, no deduction" (checked: true), or take the mark back (checked: false)',
    tags,
    access: mayRecordFindings,
    params: AssessmentParams,
    body: z.object({
      version: Version,
      item: z.string().trim().min(1, 'the item of the scheme (e.g. 3.2.1)').max(40),
      checked: z.boolean({ error: 'checked: true to mark the item checked, false to take the mark back' }),
    }),
    idempotent: { replay: async ({ user, params }) => changed(user, params.id) },
    handler: async ({ user, params, body }) => {
      await campaigns.checks.setChecked(actorOf(user), params.id, body.version, body.item, body.checked);
      return changed(user, params.id);
    },
  });

  route(app, {
    method: 'POST',
    url: '/findings/:fid/evidence',
    summary: "Upload evidence files for a finding (multipart, parts named 'file')",
    tags,
    access: mayRecordFindings,
    params: z.object({ fid: Id }),
    multipart: true,
    handler: async ({ user, params, req, reply }): Promise<EvidenceUploaded> => {
      const rows = await upload(user, req, reply, { findingId: params.fid });
      reply.code(201);
      return present(user, { evidence: rows, assessment: await findingState(user, params.fid) });
    },
  });

  /** The state of a finding's assessment after evidence was added to it (the version moved). */
  const findingState = async (user: User, findingId: number) => state(user, (await campaigns.evidence.evidenceRoom(actorOf(user), { findingId })).assessmentId);

  /** The evidence rows of a finding with these ids, as its reader sees them. */
  const findingEvidence = async (user: User, findingId: number, ids: number[]) =>
    (await campaigns.evidence.evidenceOf(actorOf(user), { findingId })).filter((r) => ids.includes(r.id)).map(presentEvidenceRow);

  route(app, {
    method: 'POST',
    url: '/findings/:fid/evidence/uploaded',
    summary: 'Attach files uploaded in parts (POST /api/uploads) to a finding, by their SHA-256',
    tags,
    access: mayRecordFindings,
    params: z.object({ fid: Id }),
    body: z.object({
      files: z
        .array(
          z.object({
            sha256: Sha256,
            filename: z.string().trim().min(1, 'the name of the file').max(255),
            takenAt: z.iso.datetime({ offset: true, local: true, error: 'when the photo was taken, ISO 8601 (e.g. 2020-06-15T10:30:00+08:00)' }).optional(),
          }),
        )
        .min(1, 'name at least one uploaded file')
        .max(20, 'at most 20 files at once'),
    }),
    idempotent: {
      status: 201,
      replay: async ({ user, params, result }): Promise<EvidenceUploaded> =>
        present(user, { evidence: await findingEvidence(user, params.fid, result as number[]), assessment: await findingState(user, params.fid) }),
    },
    handler: async ({ user, params, body, reply }): Promise<EvidenceUploaded> => {
      const files = body.files.map((f) => ({ sha256: f.sha256, filename: f.filename, ...(f.takenAt !== undefined ? { takenAt: f.takenAt } : {}) }));
      const ids = await attachUploads({ uploads: app.services.uploads, evidence: campaigns.evidence }, actorOf(user), user.id, { findingId: params.fid }, files);
      reply.code(201);
      return present(user, { evidence: await findingEvidence(user, params.fid, ids), assessment: await findingState(user, params.fid) });
    },
  });

  route(app, {
    method: 'GET',
    url: '/evidence/:id',
    summary: 'An evidence file: a photo inline (?download=1 as an attachment), a PDF always as an attachment',
    tags,
    access: 'any',
    params: z.object({ id: Id }),
    query: z.object({ download: Flag }),
    handler: async ({ user, params, query, reply }) => {
      const e = await campaigns.evidence.evidenceFile(actorOf(user), params.id);
      if (!(await evidence.has(e.sha256))) throw new KaoheError('not-found', `the file of evidence ${e.id} is missing from the evidence store`);
      const filename = canSeeFullIds(user) ? e.filename : maskIds(e.filename);
      // Only a raster image of an accepted type is shown in the browser; a PDF (or anything
      // else) is saved, never rendered by the browser's viewer on our origin.
      const inline = !query.download && INLINE_EVIDENCE_TYPES.includes(e.mime) && evidence.types.includes(e.mime);
      reply
        .header('content-type', e.mime)
        .header('content-length', String(e.size))
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', filename))
        .header('content-security-policy', EVIDENCE_CSP)
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
    access: mayRecordFindings,
    params: AssessmentParams,
    handler: async ({ user, params }): Promise<SuggestionsDerived> => {
      const r = await campaigns.suggestions.deriveSuggestions(actorOf(user), params.id);
      return { added: r.added, total: r.total, assessment: await state(user, params.id) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/assessments/:id/suggestions/:sid/records',
    summary: 'Every registry record behind a suggested finding (the assessment carries the first 50)',
    tags,
    access: maySeeSuggestions,
    params: z.object({ id: Id, sid: Id }),
    handler: async ({ user, params }) => present(user, presentSuggestionRecords(await campaigns.suggestions.suggestionRecords(actorOf(user), params.id, params.sid))),
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/:sid/accept',
    summary: 'Accept a suggested finding',
    tags,
    access: mayRecordFindings,
    params: z.object({ id: Id, sid: Id }),
    body: z.object({ version: Version, note: z.string().max(2000).optional() }),
    handler: async ({ user, params, body }): Promise<SuggestionAccepted> => {
      const findingId = await campaigns.suggestions.acceptSuggestion(actorOf(user), params.id, body.version, params.sid, body.note || undefined);
      return present(user, { findingId, assessment: await state(user, params.id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/:sid/dismiss',
    summary: 'Dismiss a suggested finding',
    tags,
    access: mayRecordFindings,
    params: z.object({ id: Id, sid: Id }),
    body: z.object({ version: Version, reason: Reason }),
    handler: async ({ user, params, body }) => {
      await campaigns.suggestions.dismissSuggestion(actorOf(user), params.id, body.version, params.sid, body.reason);
      return changed(user, params.id);
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/suggestions/bulk',
    summary: 'Accept, or dismiss with one reason, several open suggestions at once: all or none, one version step',
    tags,
    access: mayRecordFindings,
    params: AssessmentParams,
    body: z
      .object({
        version: Version,
        action: z.enum(['accept', 'dismiss']),
        ids: z.array(Id).min(1, 'choose at least one suggestion').max(500),
        reason: z.string().trim().max(2000).optional(),
      })
      .refine((b) => b.action !== 'dismiss' || !!b.reason, { path: ['reason'], message: 'say why the suggestions are dismissed' }),
    handler: async ({ user, params, body }): Promise<SuggestionsDecided> => {
      const decision: Parameters<typeof campaigns.suggestions.decideSuggestions>[3] = { action: body.action, ids: body.ids };
      if (body.reason) decision.reason = body.reason;
      const findingIds = await campaigns.suggestions.decideSuggestions(actorOf(user), params.id, body.version, decision);
      return present(user, { findingIds, assessment: await state(user, params.id) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/findings/:fid/comments',
    summary: "Comment on one finding (the township's reviewer or the office)",
    tags,
    access: mayCommentFindings,
    params: z.object({ fid: Id }),
    body: z.object({ text: z.string().trim().min(1, 'write the comment').max(2000) }),
    handler: async ({ user, params, body, reply }): Promise<CommentAdded> => {
      const comment = await campaigns.comments.addComment(actorOf(user), params.fid, body.text);
      reply.code(201);
      return present(user, { id: comment.id, comment: presentFindingComment(comment) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/transition',
    summary: 'Move an assessment along: submit, sendBack, review, publish',
    tags,
    access: mayMoveAssessments,
    params: AssessmentParams,
    body: z.object({ version: Version, step: z.enum(['submit', 'sendBack', 'review', 'publish']), comment: z.string().trim().max(2000).optional() }),
    idempotent: { replay: async ({ user, params }) => changed(user, params.id) },
    handler: async ({ user, params, body }) => {
      await campaigns.workflow.transition(actorOf(user), params.id, body.version, body.step, body.comment || undefined);
      return changed(user, params.id);
    },
  });

  route(app, {
    method: 'GET',
    url: '/campaigns/:id/appeals',
    summary: "List a campaign's appeals: the office all, a reviewer their township's, an inspector their villages', a village its own",
    tags: ['appeals'],
    access: mayListAppeals,
    params: z.object({ id: Id }),
    // `limit` pages the list, open appeals first then by id (docs/api.md, "Paged lists"); without it, every appeal as before.
    query: Lang.extend({
      status: z.enum(['open', 'decided', 'upheld', 'adjusted', 'rejected']).optional(),
      township: DivisionCode.optional(),
      after: AppealCursorText.optional(),
      ...Paging,
    }).refine(...pagingNeedsLimit),
    handler: async ({ user, params, query }): Promise<AppealsAnswer> => {
      const filter: Parameters<typeof campaigns.appeals.pageAppeals>[2] = {};
      if (query.status) filter.status = query.status;
      if (query.township) filter.township = query.township;
      if (query.limit === undefined)
        return present(user, { appeals: (await campaigns.appeals.listAppeals(actorOf(user), params.id, filter, query.lang)).map(presentAppealListed) });
      if (query.q) filter.q = query.q;
      const page = await campaigns.appeals.pageAppeals(actorOf(user), params.id, filter, { limit: query.limit, ...(query.after ? { after: query.after } : {}) }, query.lang);
      return present(user, {
        appeals: page.rows.map(presentAppealListed),
        next: page.next && `${page.next.rank}.${page.next.id}`,
        total: page.total,
        counts: { ...page.counts },
      });
    },
  });

  route(app, {
    method: 'POST',
    url: '/assessments/:id/appeals',
    summary: 'Appeal an item of a published result',
    tags: ['appeals'],
    access: mayAppeal,
    params: AssessmentParams,
    body: z.object({ item: z.string().trim().min(1, 'the item appealed (e.g. 2.5.5)').max(40), reason: Reason }),
    handler: async ({ user, params, body, reply }): Promise<AppealCreated> => {
      const id = await campaigns.appeals.appeal(actorOf(user), params.id, body);
      reply.code(201);
      return present(user, { id, appeal: presentAppealRow(await campaigns.appeals.appealInfo(actorOf(user), id)) });
    },
  });

  route(app, {
    method: 'POST',
    url: '/appeals/:id/evidence',
    summary: "Upload evidence files for an appeal (multipart, parts named 'file')",
    tags: ['appeals'],
    access: mayAppeal,
    params: z.object({ id: Id }),
    multipart: true,
    handler: async ({ user, params, req, reply }): Promise<EvidenceUploaded> => {
      const rows = await upload(user, req, reply, { appealId: params.id });
      reply.code(201);
      return present(user, { evidence: rows });
    },
  });

  route(app, {
    method: 'POST',
    url: '/appeals/:id/decide',
    summary: 'Decide an appeal',
    tags: ['appeals'],
    access: mayDecideAppeals,
    params: z.object({ id: Id }),
    // A measured item is decided by its value, a range item may be adjusted to another amount, a
    // several-rule item is adjusted one part at a time (what fits the item is the service's to say).
    body: z
      .object({ outcome: z.enum(['upheld', 'adjusted', 'rejected']), reason: Reason, count: z.number().int().min(0).max(100_000).optional(), ...KindValues })
      .refine((b) => b.outcome !== 'adjusted' || b.count !== undefined || b.value !== undefined, {
        path: ['count'],
        message: 'an adjustment gives the new count (a whole number ≥ 0)',
      }),
    handler: async ({ user, params, body }): Promise<AppealDecided> => {
      const decision: Parameters<typeof campaigns.appeals.decideAppeal>[2] = { outcome: body.outcome, reason: body.reason };
      if (body.count !== undefined) decision.count = body.count;
      const target = await campaigns.appeals.appealInfo(actorOf(user), params.id);
      Object.assign(decision, kindValues(body, target.item));
      await campaigns.appeals.decideAppeal(actorOf(user), params.id, decision);
      const appeal = presentAppealRow(await campaigns.appeals.appealInfo(actorOf(user), params.id));
      return { appeal, assessment: await state(user, appeal.assessmentId) };
    },
  });
}
