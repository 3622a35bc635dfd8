/**
 * API routes: the registry (areas, villages, households, work teams, helpers, dated records),
 * imports, exports and templates. Every read is narrowed to the caller's villages by
 * RegistryReadService; files go through RegistryFileService. ID numbers — in their fields and
 * wherever one was typed into a text — are masked unless an administrator asks for them
 * (showIds=true).
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../../core/errors.ts';
import { KINDS } from '../../core/registry/kinds.ts';
import { RECORD_KINDS, type FileOut, type RegistryFileService } from '../../services/registry/index.ts';
import { actorOf, type User } from '../../services/user.service.ts';
import { presentIds } from '../presenters/ids.ts';
import {
  presentAreas,
  presentHelpers,
  presentHousehold,
  presentHouseholds,
  presentImportReport,
  presentKinds,
  presentRecords,
  presentVillage,
  presentWorkTeams,
} from '../presenters/registry.ts';
import { canSeeFullIds, mayExportRegistry, mayImportRegistry, mayReadResidents } from '../../services/policies.ts';
import { route } from '../route.ts';
import type { ImportHistory } from '../../contract/registry.ts';
import { contentDisposition } from '../content-disposition.ts';

const VillageCode = z.string().regex(/^\d{12}$/, 'a 12-digit division code');
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** A query flag: true or false (absent: false). */
const Flag = z
  .enum(['true', 'false'], { message: 'true or false' })
  .optional()
  .transform((v) => v === 'true');
const Paging = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};
/** A keyset page (households, records; docs/api.md "Paged lists"): `limit` rows after `after` (the previous page's `next`). */
const Keyset = {
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.string().min(1).max(80).optional(),
};
/** The page a list request asks for: a keyset page when it names `limit`, else by number. */
const pageOf = (q: { page: number; pageSize: number; limit?: number | undefined; after?: string | undefined }) =>
  q.limit !== undefined ? { limit: q.limit, after: q.after } : { page: q.page, pageSize: q.pageSize };
const KindName = z.enum(KINDS.map((k) => k.kind) as [string, ...string[]], { message: `one of ${KINDS.map((k) => k.kind).join(', ')}` });

function sendFile(reply: FastifyReply, files: RegistryFileService, file: FileOut, fallback: string) {
  const stream = createReadStream(file.path);
  if (file.temporary) stream.on('close', () => files.discard(file.path));
  reply
    .header('content-type', file.contentType)
    .header('content-disposition', contentDisposition('attachment', file.filename, fallback))
    .header('cache-control', 'no-store');
  // Returned (not reply.send) so the route helper hands the stream to Fastify once.
  return stream;
}

/**
 * A registry answer with ID numbers masked — those typed into a text too — unless an
 * administrator asked for them (the service masks the ID-number fields the same way).
 */
const shown = <T>(user: User, showIds: boolean, value: T): T => presentIds(canSeeFullIds(user) && showIds, value);

export function registryRoutes(app: FastifyInstance): void {
  const { read, files } = app.services.registry;
  // route() documents no body for a multipart route: describe the upload's parts for OpenAPI
  // (documentation only: the route's validator accepts anything, the handler checks the parts).
  app.addHook('onRoute', (options) => {
    if (options.method === 'POST' && options.url.endsWith('/imports/:kind') && options.schema) {
      options.schema.body = {
        type: 'object',
        required: ['file'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'the sheet: .csv (UTF-8 or GB18030) or .xlsx' },
          dryRun: { type: 'string', enum: ['true', 'false'], description: 'check every row, write nothing' },
        },
      };
    }
  });

  route(app, {
    method: 'GET',
    url: '/areas',
    summary: 'The county, township and village tree (the villages in reach)',
    tags: ['registry'],
    access: 'any',
    handler: async ({ user }) => presentAreas(await read.areas(actorOf(user))),
  });

  route(app, {
    method: 'GET',
    url: '/villages/:code',
    summary: 'One village with its work teams and helper counts',
    tags: ['registry'],
    access: 'any',
    params: z.object({ code: VillageCode }),
    query: z.object({ showIds: Flag }),
    handler: async ({ user, params, query }) => shown(user, query.showIds, presentVillage(await read.village(actorOf(user), params.code, { showIds: query.showIds }))),
  });

  route(app, {
    method: 'GET',
    url: '/households',
    summary: 'Search households',
    tags: ['registry'],
    access: mayReadResidents,
    query: z.object({
      village: VillageCode.optional(),
      q: z.string().trim().min(1).max(50).optional(),
      status: z.string().min(1).max(40).optional(),
      showIds: Flag,
      ...Paging,
      ...Keyset,
    }),
    handler: async ({ user, query }) => {
      const { page, pageSize, limit, after, ...filter } = query;
      return shown(user, filter.showIds, presentHouseholds(await read.households(actorOf(user), filter, pageOf({ page, pageSize, limit, after }))));
    },
  });

  route(app, {
    method: 'GET',
    url: '/households/:no',
    summary: 'One household with members, helpers and recent visits',
    tags: ['registry'],
    access: mayReadResidents,
    params: z.object({ no: z.string().min(1).max(40) }),
    query: z.object({ showIds: Flag }),
    handler: async ({ user, params, query }) => shown(user, query.showIds, presentHousehold(await read.household(actorOf(user), params.no, { showIds: query.showIds }))),
  });

  route(app, {
    method: 'GET',
    url: '/work-teams',
    summary: 'Village work teams and their members',
    tags: ['registry'],
    access: 'any',
    query: z.object({ village: VillageCode.optional(), showIds: Flag, ...Paging, ...Keyset }),
    handler: async ({ user, query }) => {
      const { page, pageSize, limit, after, ...filter } = query;
      return shown(user, filter.showIds, presentWorkTeams(await read.workTeams(actorOf(user), filter, pageOf({ page, pageSize, limit, after }))));
    },
  });

  route(app, {
    method: 'GET',
    url: '/helpers',
    summary: 'Helpers of the villages’ households',
    tags: ['registry'],
    access: mayReadResidents,
    query: z.object({ village: VillageCode.optional(), showIds: Flag, ...Paging, ...Keyset }),
    handler: async ({ user, query }) => {
      const { page, pageSize, limit, after, ...filter } = query;
      return shown(user, filter.showIds, presentHelpers(await read.helpers(actorOf(user), filter, pageOf({ page, pageSize, limit, after }))));
    },
  });

  route(app, {
    method: 'GET',
    url: '/records/:kind',
    summary: 'Dated records of a kind by village and period',
    tags: ['registry'],
    access: mayReadResidents,
    params: z.object({ kind: z.enum(RECORD_KINDS, { message: `one of ${RECORD_KINDS.join(', ')}` }) }),
    query: z
      .object({ village: VillageCode.optional(), from: DateText.optional(), to: DateText.optional(), showIds: Flag, ...Paging, ...Keyset })
      .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'before from', path: ['to'] }),
    handler: async ({ user, params, query }) => {
      const { page, pageSize, limit, after, ...filter } = query;
      return shown(user, filter.showIds, presentRecords(await read.records(actorOf(user), params.kind, filter, pageOf({ page, pageSize, limit, after }))));
    },
  });

  route(app, {
    method: 'GET',
    url: '/kinds',
    summary: 'Record kinds with their Chinese headers and fields',
    tags: ['registry'],
    access: 'any',
    handler: async () => presentKinds(read.kinds()),
  });

  route(app, {
    method: 'POST',
    url: '/imports/:kind',
    summary: 'Import a sheet (multipart: file, dryRun)',
    tags: ['imports'],
    access: mayImportRegistry,
    multipart: true,
    params: z.object({ kind: KindName }),
    handler: async ({ req, user, params }) => {
      const missingFile = () =>
        new KaoheError('validation', 'body.file: a .csv or .xlsx file is required (multipart/form-data, part "file")', [{ field: 'body.file', message: 'required' }]);
      if (!req.isMultipart()) throw missingFile();
      let upload: { path: string; name: string } | undefined;
      let dryRun: unknown;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            if (part.fieldname === 'file' && !upload) upload = { path: await files.saveUpload(part.file, part.filename), name: part.filename };
            else for await (const _ of part.file); // another file: read past it
          } else if (part.fieldname === 'dryRun') dryRun = part.value;
        }
      } catch (e) {
        if (upload) files.discard(upload.path);
        throw e;
      }
      const flag = z.enum(['true', 'false', '1', '0', 'on', ''], { message: 'true or false' }).optional().safeParse(dryRun);
      if (!flag.success || !upload) {
        if (upload) files.discard(upload.path);
        if (!upload) throw missingFile();
        throw new KaoheError('validation', 'body.dryRun: true or false', [{ field: 'body.dryRun', message: 'true or false' }]);
      }
      const isDry = flag.data === 'true' || flag.data === '1' || flag.data === 'on';
      return presentImportReport(await files.importUpload(actorOf(user), params.kind, upload.path, upload.name, isDry));
    },
  });

  route(app, {
    method: 'GET',
    url: '/imports',
    summary: 'Committed imports, newest first (an office of an area: its own and its areas’)',
    tags: ['imports'],
    access: mayImportRegistry,
    query: z.object({
      limit: z.coerce.number().int('a whole number').min(1, 'at least 1').max(100, 'at most 100').optional(),
      after: z
        .string()
        .regex(/^[1-9]\d{0,11}$/, 'the next of a page of imports')
        .transform(Number)
        .optional(),
    }),
    handler: async ({ user, query }): Promise<ImportHistory> => read.importHistory(actorOf(user), query),
  });

  route(app, {
    method: 'GET',
    url: '/imports/errors/:token',
    summary: 'An import’s errors file (.xlsx, kept for an hour)',
    tags: ['imports'],
    access: mayImportRegistry,
    params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a token from an import') }),
    handler: async ({ reply, user, params }) => sendFile(reply, files, files.errorsFile(actorOf(user), params.token), 'errors.xlsx'),
  });

  route(app, {
    method: 'GET',
    url: '/exports/:kind',
    summary: 'Export a kind as .xlsx or .csv',
    tags: ['imports'],
    access: mayExportRegistry,
    params: z.object({ kind: KindName }),
    query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx'), showIds: Flag }),
    handler: async ({ reply, user, params, query }) =>
      sendFile(reply, files, await files.exportFile(actorOf(user), params.kind, query.format, query.showIds), `${params.kind}.${query.format}`),
  });

  route(app, {
    method: 'GET',
    url: '/templates/:kind',
    summary: 'The empty import template of a kind',
    tags: ['imports'],
    access: 'any',
    params: z.object({ kind: KindName }),
    handler: async ({ reply, params }) => sendFile(reply, files, await files.templateFile(params.kind), `${params.kind}-template.xlsx`),
  });
}
