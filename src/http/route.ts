/**
 * One way to declare an API route: zod schemas for params, query and body (validated here,
 * and published in the OpenAPI document), who may call it, and a handler that gets the parsed
 * input and the signed-in user. Routes stay thin: parse, call a service, present.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KaoheError } from '../core/errors.ts';
import { textCharacterIssue } from '../core/registry/cell-text.ts';
import { problemText } from '../core/registry/problems.ts';
import { issueText } from '../core/field-issue.ts';
import { IDEMPOTENCY_KEY } from '../services/idempotency.service.ts';
import type { RolePolicy } from '../services/policies.ts';
import type { User } from '../services/user.service.ts';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Who may call it: a role-level policy of services/policies.ts (e.g. `mayRecordFindings`),
   * `any` signed-in user, or `public` (no session). Records are checked again by the services.
   */
  access: RolePolicy | 'public' | 'any';
  /** Route options for plugins, e.g. `{ rateLimit: { max: 10, timeWindow: '1 minute' } }`. */
  config?: Record<string, unknown>;
  /** multipart/form-data upload (the handler reads the parts itself). */
  multipart?: boolean;
  /**
   * Open to a user who still holds a one-time password (signing in and out, who am I, the
   * password change); every other route answers them 403 `password-change-required`.
   */
  whileMustChangePassword?: boolean;
  /**
   * Honours an `Idempotency-Key` header (services/idempotency.service.ts): a change sent again
   * under its key gets the first answer (header `idempotent-replayed: true`) and is not applied
   * twice. `replay` makes the answer from what the change's transaction returned, for the rare
   * key whose answer was never stored (the process stopped right after the commit); `status` is
   * that answer's status (default 200). Without the header the route works as without this.
   */
  idempotent?: {
    status?: number;
    replay: (ctx: { params: z.infer<P>; body: z.infer<B>; user: User; result: unknown }) => Promise<unknown>;
  };
  handler: (ctx: { req: FastifyRequest; reply: FastifyReply; params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; user: User }) => Promise<unknown>;
}

/** The request's Idempotency-Key, checked; undefined without one. */
function idempotencyKey(req: FastifyRequest): string | undefined {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && IDEMPOTENCY_KEY.test(value)) return value;
  const field = 'headers.idempotency-key';
  const en = 'the Idempotency-Key header is 1 to 100 letters, digits, "_" or "-" (a UUID)';
  const zh = '幂等键（Idempotency-Key）应为1至100个字母、数字、“_”或“-”';
  throw new KaoheError('validation', `${field}: ${en}`, [{ field, message: en, zh, en }]);
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    sessionToken: string | undefined;
  }
}

/**
 * A request refused by its schema: `message` names the first field in English (for the CLI, the
 * logs and API clients); each detail names its field with the sentence in both languages, and
 * the error answer keeps the one of the request's language (server.ts).
 */
function issueMessage(where: string, error: z.ZodError): KaoheError {
  const details = error.issues.map((i) => ({ field: [where, ...i.path.map(String)].filter(Boolean).join('.'), ...issueText(i) }));
  const first = details[0]!;
  return new KaoheError(
    'validation',
    `${first.field}: ${first.en}`,
    details.map((d) => ({ field: d.field, message: d.en, zh: d.zh, en: d.en })),
  );
}

function jsonSchema(schema: z.ZodType | undefined): unknown {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { type: 'object' };
  }
}

/** Registers a route with its validation, authorisation and OpenAPI description. */
export function route<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, never>>, B extends z.ZodType = z.ZodType<unknown>>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B>,
): void {
  const schema: Record<string, unknown> = { summary: spec.summary, tags: spec.tags };
  if (spec.params) schema.params = jsonSchema(spec.params);
  if (spec.query) schema.querystring = jsonSchema(spec.query);
  if (spec.body && !spec.multipart) schema.body = jsonSchema(spec.body);
  if (spec.multipart) {
    schema.consumes = ['multipart/form-data'];
    // Described for the OpenAPI document (the handler reads and checks the parts itself).
    schema.body = { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] };
  }
  if (spec.access !== 'public') schema.security = [{ session: [] }];
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    ...(spec.config ? { config: spec.config } : {}),
    // zod validates (below); the JSON schemas above are for the OpenAPI document only.
    validatorCompiler: () => () => true,
    handler: async (req, reply) => {
      const user = req.user;
      if (spec.access !== 'public') {
        if (!user) throw new KaoheError('unauthenticated', 'sign in first');
        if (user.mustChangePassword && !spec.whileMustChangePassword) {
          throw new KaoheError('password-change-required', 'change the one-time password first (POST /api/auth/password)');
        }
        if (spec.access !== 'any' && !spec.access(user)) {
          throw new KaoheError('forbidden', `${user.username} (${user.role}) may not ${spec.summary.toLowerCase()}`);
        }
      }
      const parse = <T extends z.ZodType>(where: string, s: T | undefined, data: unknown): z.infer<T> => {
        if (!s) return undefined as z.infer<T>;
        const r = s.safeParse(data ?? {});
        if (!r.success) throw issueMessage(where, r.error);
        checkTextCharacters(where, r.data);
        return r.data;
      };
      const params = parse('params', spec.params, req.params);
      const query = parse('query', spec.query, req.query);
      const body = spec.multipart ? (undefined as z.infer<B>) : parse('body', spec.body, req.body);
      const key = spec.idempotent && user ? idempotencyKey(req) : undefined;
      if (key !== undefined) {
        const { replay, status = 200 } = spec.idempotent!;
        const answer = await app.services.idempotency.run(
          { userId: user!.id, key, method: req.method, path: req.url.split('?')[0]!, body: req.body ?? null },
          async () => {
            const result = (await spec.handler({ req, reply, params, query, body, user: user! })) ?? { ok: true };
            return { statusCode: reply.statusCode, body: result };
          },
          async (result) => ({ statusCode: status, body: await replay({ params, body, user: user!, result }) }),
        );
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        reply.code(answer.statusCode);
        return answer.body;
      }
      const result = await spec.handler({ req, reply, params, query, body, user: user! });
      if (reply.sent) return reply;
      return result ?? { ok: true };
    },
  });
}

/**
 * Body fields that are notes (line breaks and tabs allowed). Passwords go by their own rules, and
 * scheme documents (`text`, `deriveText`) by the scheme linter, which names the line of a bad character.
 */
const MULTILINE_FIELDS = new Set(['note', 'reason', 'comment']);
const UNCHECKED_FIELDS = new Set(['password', 'currentPassword', 'newPassword', 'text', 'deriveText']);

/**
 * Refuses control characters (NUL, ESC, …) and U+FFFD in every string of a request, and line
 * breaks and tabs but in notes, as imports refuse them (core/registry/cell-text.ts): a name typed
 * in a form is held to what a name in a sheet is.
 */
export function checkTextCharacters(where: string, value: unknown, path: string[] = []): void {
  if (typeof value === 'string') {
    const field = path.at(-1) ?? where;
    if (UNCHECKED_FIELDS.has(field)) return;
    const problem = textCharacterIssue(value, MULTILINE_FIELDS.has(field));
    if (problem) {
      const name = [where, ...path].join('.');
      const en = problem.message.replace('this column', 'this field');
      const zh = problemText(problem, 'zh').replace('此列', '此项');
      throw new KaoheError('validation', `${name}: ${en}`, [{ field: name, message: en, zh, en }]);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTextCharacters(where, v, [...path, String(i)]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkTextCharacters(where, v, [...path, k]);
  }
}

/** Path parameter: a positive integer id. */
export const Id = z.coerce.number().int().positive();
