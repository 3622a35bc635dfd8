/**
 * API routes: assessment schemes. Built-in schemes and stored versions as data, a linter that
 * reports every problem of a draft (never an error for a bad scheme), storing a version, and a
 * structural diff of two stored versions for the version history.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import { lintNotes } from '../../core/scheme/lint.ts';
import { parseScheme } from '../../core/scheme/load.ts';
import type { Scheme } from '../../core/scheme/model.ts';
import { diffSchemes } from '../../core/scheme/diff.ts';
import type { SchemeProblem } from '../../core/scheme/problems.ts';
import { schemeProblemMessage } from '../../core/scheme/problem-text.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import type { BuiltinSchemeAnswer, LintAnswer, SchemeImportAnswer } from '../../contract/schemes.ts';
import { errorLanguage } from '../../core/error-messages.ts';
import { importProblemText, type ImportProblem } from '../../core/scheme/import-problems.ts';
import { importSchemeUpload, SCHEME_SHEET_MAX_BYTES } from '../../services/scheme-sheet.ts';
import { builtinScheme, builtinSchemeIds } from '../../schemes/index.ts';
import { actorOf } from '../../services/user.service.ts';
import { mayStoreSchemeVersions } from '../../services/policies.ts';
import { presentSchemeDiff, presentSchemes, presentSchemeVersion, presentSchemeVersionStored } from '../presenters/schemes.ts';
import { Id, route } from '../route.ts';

const LangParam = z.enum(['zh', 'en']).default('zh');
/** Scheme files are a few hundred KB at most. */
const SchemeText = z.string().min(1, 'the scheme text is empty').max(1_000_000);
/** A scheme file's data (the form editor's), as JSON: checked as the text it is written out to. */
const SchemeData = z.record(z.string(), z.unknown());

export function schemesRoutes(app: FastifyInstance): void {
  const { campaigns } = app.services;

  // A stored version never changes (another text needs another version): the service parses each once.
  const storedVersion = async (id: number) => {
    const row = await campaigns.schemes.schemeVersion(id);
    return { row, scheme: (await campaigns.schemes.schemeOf(id)).scheme };
  };

  route(app, {
    method: 'GET',
    url: '/schemes',
    summary: 'Built-in schemes and stored scheme versions',
    tags: ['schemes'],
    access: 'any',
    handler: async () =>
      presentSchemes(
        builtinSchemeIds().map((id) => {
          const s = builtinScheme(id);
          return { id, schemeId: s.id, version: s.version, title: s.title };
        }),
        await campaigns.schemes.listSchemeVersions(),
      ),
  });

  route(app, {
    method: 'GET',
    url: '/schemes/:id',
    summary: 'A built-in scheme as data, with reading notes',
    tags: ['schemes'],
    access: 'any',
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a built-in scheme id such as seed-2020') }),
    query: z.object({ lang: LangParam }),
    handler: async ({ params, query }): Promise<BuiltinSchemeAnswer> => {
      // Only the listed ids: a FILE.derive.yaml beside a scheme is not one.
      if (!builtinSchemeIds().includes(params.id)) {
        throw new KaoheError('unknown-scheme', `no built-in scheme "${params.id}" (built-in: ${builtinSchemeIds().join(', ')})`);
      }
      const scheme = builtinScheme(params.id);
      return { id: params.id, scheme: schemeToData(scheme), notes: lintNotes(scheme, query.lang) };
    },
  });

  route(app, {
    method: 'GET',
    url: '/scheme-versions/:vid',
    summary: 'A stored scheme version: data, source text and derivation rules',
    tags: ['schemes'],
    access: 'any',
    params: z.object({ vid: Id }),
    query: z.object({ lang: LangParam }),
    handler: async ({ params, query }) => {
      const { row, scheme } = await storedVersion(params.vid);
      return presentSchemeVersion(row, scheme, lintNotes(scheme, query.lang));
    },
  });

  route(app, {
    method: 'POST',
    url: '/schemes/lint',
    summary: 'Check a scheme text: every problem, and reading notes',
    tags: ['schemes'],
    access: 'any',
    body: z.object({ text: SchemeText, lang: LangParam }),
    handler: async ({ body }): Promise<LintAnswer> => {
      let problems: SchemeProblem[];
      let scheme: Scheme | undefined;
      try {
        ({ problems, scheme } = parseScheme(body.text));
      } catch (e) {
        // A bad scheme is an answer, not an error, whatever the text.
        problems = [{ severity: 'error', ...schemeProblemMessage('unreadable', e instanceof Error ? { detail: e.message.split('\n')[0]! } : {}) }];
      }
      return {
        ok: scheme !== undefined,
        problems: problems.map(({ file: _, ...p }) => p),
        notes: scheme ? lintNotes(scheme, body.lang) : [],
        scheme: scheme ? { id: scheme.id, version: scheme.version, title: scheme.title } : null,
      };
    },
  });

  route(app, {
    method: 'POST',
    url: '/scheme-versions',
    summary: 'Store a scheme version (with its derivation rules), given as YAML text or as the data of a scheme file',
    tags: ['schemes'],
    access: mayStoreSchemeVersions,
    body: z
      .object({ text: SchemeText.optional(), data: SchemeData.optional(), deriveText: z.string().max(1_000_000).nullish() })
      .refine((b) => (b.text === undefined) !== (b.data === undefined), { path: ['text'], message: 'give the scheme either as text or as data, not both' }),
    handler: async ({ user, body, reply }) => {
      const actor = actorOf(user);
      const deriveText = body.deriveText || null;
      const stored =
        body.data !== undefined
          ? await campaigns.schemes.storeSchemeData(actor, body.data, deriveText, 'scheme')
          : await campaigns.schemes.storeSchemeVersion(actor, body.text!, deriveText, 'scheme');
      reply.status(stored.created ? 201 : 200);
      return presentSchemeVersionStored(stored);
    },
  });

  // route() documents no body for a multipart route: describe the upload's part for OpenAPI.
  app.addHook('onRoute', (options) => {
    if (options.method === 'POST' && options.url.endsWith('/schemes/import') && options.schema) {
      options.schema.body = {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'the scheme table: .xlsx or .docx (序号 | 考核内容 | 分值 | 评分标准)' } },
      };
    }
  });

  route(app, {
    method: 'POST',
    url: '/schemes/import',
    summary: 'Import a scheme table (.xlsx or .docx): a draft scheme and every line not read',
    tags: ['schemes'],
    // Importing prepares a version to store: the office's, as storing is.
    access: mayStoreSchemeVersions,
    multipart: true,
    query: z.object({ lang: z.enum(['zh', 'en']).optional() }),
    handler: async ({ req, query }): Promise<SchemeImportAnswer> => {
      const missingFile = () =>
        new KaoheError('validation', 'body.file: a .xlsx or .docx file is required (multipart/form-data, part "file")', [
          { field: 'body.file', message: 'required', zh: '请选择要导入的评分细则表（.xlsx 或 .docx）', en: 'choose the .xlsx or .docx file to import' },
        ]);
      if (!req.isMultipart()) throw missingFile();
      let upload: { data: Buffer; name: string } | undefined;
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' || upload) {
          for await (const _ of part.file); // another file: read past it
          continue;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > SCHEME_SHEET_MAX_BYTES) {
            throw new KaoheError('xlsx-too-large', `${part.filename}: more than the ${SCHEME_SHEET_MAX_BYTES / 1024 / 1024} MiB a scheme table may be`);
          }
          chunks.push(chunk);
        }
        // The name as the office knows it: one line, not too long.
        const name = (part.filename || 'upload.xlsx').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029/\\]/g, '_').slice(-100);
        upload = { data: Buffer.concat(chunks), name };
      }
      if (!upload) throw missingFile();
      const lang = errorLanguage(query.lang, req.headers['accept-language']);
      const { scheme, problems, sheet } = await importSchemeUpload(upload.data, upload.name);
      const line = (p: ImportProblem) => ({
        code: p.code,
        ...(p.node !== undefined ? { node: p.node } : {}),
        ...(p.row !== undefined ? { row: p.row } : {}),
        ...(p.column !== undefined ? { column: p.column } : {}),
        message: importProblemText(p, lang),
      });
      return {
        draft: scheme as unknown as SchemeImportAnswer['draft'],
        unread: problems.filter((p) => p.severity === 'unread').map(line),
        checks: problems.filter((p) => p.severity === 'check').map(line),
        file: upload.name,
        sheet,
      };
    },
  });

  route(app, {
    method: 'GET',
    url: '/scheme-versions/:a/diff/:b',
    summary: 'What changed from one stored scheme version to another',
    tags: ['schemes'],
    access: 'any',
    params: z.object({ a: Id, b: Id }),
    handler: async ({ params }) => {
      const [a, b] = await Promise.all([storedVersion(params.a), storedVersion(params.b)]);
      return presentSchemeDiff(a.row, b.row, diffSchemes(a.scheme, b.scheme));
    },
  });
}
