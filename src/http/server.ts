/**
 * The HTTP server: JSON API under /api (OpenAPI at /api/docs), session cookies with CSRF
 * protection, the web application's files, and errors as JSON with a stable code.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { KaoheError, type ErrorCode } from '../core/errors.ts';
import { errorLanguage, errorText, type ErrorLanguage } from '../core/error-messages.ts';
import { SchemeError, type SchemeProblem } from '../core/scheme/problems.ts';
import { schemeProblemText } from '../core/scheme/problem-text.ts';
import { FindingsError, findingProblemText } from '../core/scoring/score.ts';
import { deriveProblemText } from '../core/derivation/problem-text.ts';
import type { DeriveProblem } from '../core/derivation/config.ts';
import type { EvidenceStore } from '../services/evidence/evidence-store.ts';
import { csrfTokenFor } from '../services/user.service.ts';
import { compose, type Services } from '../compose.ts';
import type { Store } from '../store/db.ts';
import { registerRoutes } from './routes/index.ts';
import { registerApiCompression, registerWebAssets, SHELL_TYPES } from './web-assets.ts';

export const SESSION_COOKIE = 'kaohe_session';

export interface ServerDeps {
  store: Store;
  /** The services over `store`, when the caller has composed them already (kaohe serve); else composed here. */
  services?: Services;
  evidence?: EvidenceStore;
  clock?: () => Date;
  /** Pino logging (off in tests). */
  logger?: boolean;
  /** Folder of the built web application; default dist/web when it exists. */
  webRoot?: string | null;
  /** Login attempts allowed per minute and address (default 10). */
  loginRateLimit?: number;
  /** Secure cookies (behind HTTPS); default: when NODE_ENV=production. */
  secureCookies?: boolean;
  /**
   * Which proxies' X-Forwarded-For to believe, as Fastify's trustProxy takes it (addresses or
   * CIDRs separated by commas, or true for any). Default KAOHE_TRUST_PROXY, else none: a
   * client's own header never chooses the address the sign-in limits count.
   */
  trustProxy?: boolean | string;
  /**
   * Web app files and API answers as they were before compression and long caching (every
   * file sent whole and revalidated on every use): the baseline of `npm run bench:web`.
   * Default: KAOHE_WEB_PLAIN=1.
   */
  webPlain?: boolean;
}

/** KAOHE_TRUST_PROXY: addresses / CIDRs of the proxies in front, separated by commas, or "true"; unset: none. */
export function trustProxyFrom(value: string | undefined): boolean | string {
  const v = value?.trim();
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  return v;
}

export type { Services } from '../compose.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** One HTTP status for every error code: a code without one is a compile error. */
export const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  'bad-request': 400,
  'unsupported-media-type': 415,
  'invalid-findings': 400,
  'invalid-assessment': 400,
  'invalid-scheme': 400,
  'invalid-derive-config': 400,
  'unknown-kind': 400,
  'bad-period': 400,
  'demo-option': 400,
  'demo-code-list': 400,
  'weak-password': 400,
  'unreadable-file': 400,
  'unreadable-xlsx': 400,
  'unreadable-docx': 400,
  'unreadable-csv': 400,
  'unsupported-format': 400,
  'unsupported-encoding': 400,
  'invalid-encoding': 400,
  'xlsx-too-large': 400,
  'empty-file': 400,
  'no-data-rows': 400,
  'no-score-sheets': 400,
  'missing-header': 400,
  'missing-columns': 400,
  'evidence-type': 415,
  'evidence-too-large': 413,
  'evidence-quota': 413,
  'evidence-active-content': 415,
  'evidence-empty': 400,
  'evidence-unreadable': 400,
  'evidence-bad-id': 400,
  'upload-offset': 409,
  'upload-hash-mismatch': 400,
  'upload-incomplete': 409,
  'ranking-bad-points': 400,
  'ranking-duplicate-village': 400,
  'ranking-overflow': 400,
  'combine-no-periods': 400,
  'combine-unknown-period': 400,
  unauthenticated: 401,
  csrf: 403,
  forbidden: 403,
  'password-change-required': 403,
  'account-disabled': 403,
  'not-found': 404,
  'unknown-scheme': 404,
  conflict: 409,
  'invalid-state': 409,
  'scheme-version-exists': 409,
  'registry-not-empty': 409,
  'idempotency-mismatch': 409,
  'idempotency-pending': 409,
  'rate-limited': 429,
  locked: 429,
  busy: 503,
  internal: 500,
};

/** Codes whose details are sent to the client (what to fix, or until when to wait). */
const DETAILED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'validation',
  'weak-password',
  'locked',
  'rate-limited',
  'busy',
  'invalid-derive-config',
  // Where an upload goes on from, and which file is not uploaded yet.
  'upload-offset',
  'upload-incomplete',
]);

const INTERNAL_MESSAGE = 'an internal error: the office has been told (see the server log)';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; text: string; details?: unknown };
}

/**
 * The answer to a failed request: its status and body, and what to write to the server log
 * (only for internal errors, whose own message never goes to the client: it may name paths).
 * Anything that is not a refusal of ours (a crashed worker, a driver error) is `internal`, 500.
 */
export function errorResponse(error: unknown, lang: ErrorLanguage): { status: number; body: ErrorBody; log?: { message?: string; code?: unknown } } {
  const body = (code: ErrorCode, message: string, details?: unknown): ErrorBody => ({
    error: { code, message, text: errorText(code, lang), ...(details !== undefined ? { details } : {}) },
  });
  if (error instanceof KaoheError) {
    if (error.code === 'internal') return { status: 500, body: body('internal', INTERNAL_MESSAGE), log: { message: error.message, code: error.code } };
    if (error instanceof FindingsError) {
      const details = error.problems.map((p) => ({ ...p, text: lang === 'en' ? `${p.item}: ${findingProblemText(p, 'en')}` : findingProblemText(p, 'zh') }));
      return { status: 400, body: body(error.code, error.message, details) };
    }
    if (error.code === 'invalid-derive-config')
      return { status: 400, body: body(error.code, error.message, saidProblems(error.details as DeriveProblem[], deriveProblemText, lang)) };
    return { status: STATUS[error.code], body: body(error.code, error.message, DETAILED.has(error.code) ? inLanguage(error.details, lang) : undefined) };
  }
  if (error instanceof SchemeError) return { status: 400, body: body('invalid-scheme', error.message, saidProblems(error.problems, schemeProblemText, lang)) };
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode === 429) return { status: 429, body: body('rate-limited', 'too many attempts: wait a minute and try again') };
  if (e.statusCode && e.statusCode < 500) {
    return { status: e.statusCode, body: body(e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported-media-type' : 'bad-request', e.message ?? 'bad request') };
  }
  return { status: 500, body: body('internal', INTERNAL_MESSAGE), log: { message: e?.message, code: e?.code } };
}

/**
 * Details as the reader's language has them: a detail that carries its sentence in both
 * languages (a refused field: route.ts) keeps the one of the request as `text`.
 */
function inLanguage(details: unknown, lang: ErrorLanguage): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((d: unknown) => {
    if (d === null || typeof d !== 'object' || !('zh' in d) || !('en' in d)) return d;
    const { zh, en, ...rest } = d as { zh: string; en: string };
    return { ...rest, text: lang === 'en' ? en : zh };
  });
}

/** A file's problems, errors first, each with its sentence in the reader's language, led by its line (`text`). */
function saidProblems<P extends SchemeProblem>(problems: P[], say: (p: P, lang: 'zh' | 'en') => string, lang: ErrorLanguage): Array<P & { text: string }> {
  const ordered = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return ordered.map((p) => {
    const place = p.line === undefined ? '' : lang === 'en' ? `line ${p.line}: ` : `第${p.line}行：`;
    return { ...p, text: place + say(p, lang) };
  });
}

/** The language of a request's error texts: `?lang=`, else Accept-Language, else Chinese. */
function requestLanguage(req: FastifyRequest): ErrorLanguage {
  const lang = (req.query as Record<string, unknown> | undefined)?.lang;
  return errorLanguage(typeof lang === 'string' ? lang : undefined, req.headers['accept-language']);
}

/** Seconds to send in Retry-After for a refusal that says until when, or how long, to wait. */
function retryAfterSeconds(error: KaoheError, now: Date): number | undefined {
  const d = error.details as { until?: string; retryAfterSeconds?: number } | undefined;
  if (d?.retryAfterSeconds !== undefined) return d.retryAfterSeconds;
  if (d?.until) return Math.max(1, Math.ceil((Date.parse(d.until) - now.getTime()) / 1000));
  return undefined;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? (() => new Date());
  const webRoot = deps.webRoot === null ? null : resolve(deps.webRoot ?? join(process.cwd(), 'dist', 'web'));
  const hasWeb = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  const webPlain = deps.webPlain ?? process.env.KAOHE_WEB_PLAIN === '1';
  const app = Fastify({
    logger: deps.logger
      ? {
          // Never log ID numbers, passwords or session ids: only method, path and status.
          redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'],
          serializers: { req: (r) => ({ method: r.method, url: String(r.url).split('?')[0] }) },
        }
      : false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: deps.trustProxy ?? trustProxyFrom(process.env.KAOHE_TRUST_PROXY),
  });
  app.decorate('services', deps.services ?? compose({ store: deps.store, ...(deps.evidence ? { evidence: deps.evidence } : {}), clock }));
  // The registry's worker threads and temporary files go with the server.
  app.addHook('onClose', async () => app.services.registry.close());
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', undefined);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // The installed app's service worker (/sw.js) and manifest (/manifest.webmanifest).
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        // Offices often open the app over plain HTTP on their own network: no upgrade to HTTPS.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 10 } });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Kaohe API', description: 'Assessment of village poverty-alleviation work (考核)', version: '1' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });

  // Who is asking, for every request; state changes need the session's CSRF token.
  app.addHook('onRequest', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    req.sessionToken = token;
    req.user = await app.services.users.sessionUser(token);
    // Answers may hold personal data: no cache keeps them (files and reports set their own).
    if (req.url.startsWith('/api/') || req.routeOptions.url?.startsWith('/api/')) reply.header('cache-control', 'no-store');
    const changes = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    // Every change with a session, whatever the spelling of its path (the router decodes
    // /%61pi/… to /api/…): the route matched is what counts, never the raw URL. Signing in
    // needs no token (SameSite=Strict cookies already keep other sites out of it).
    if (changes && token && req.user && req.routeOptions.url !== '/api/auth/login') {
      if (req.headers['x-csrf-token'] !== csrfTokenFor(token)) throw new KaoheError('csrf', 'missing or wrong X-CSRF-Token header: reload the page');
    }
  });

  // JSON answers compressed for the phones on mobile data (files and reports are sent as they are).
  if (!webPlain) registerApiCompression(app);

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof KaoheError) {
      const retry = retryAfterSeconds(error, clock());
      if (retry !== undefined) reply.header('retry-after', String(retry));
    }
    const answer = errorResponse(error, requestLanguage(req));
    if (answer.log) req.log.error({ err: answer.log }, 'internal error');
    return reply.status(answer.status).send(answer.body);
  });
  app.setNotFoundHandler((req, reply) => {
    // A missing /sw.js or manifest is a 404, never the page (which would be taken for them).
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/') || !hasWeb || Object.hasOwn(SHELL_TYPES, req.url.split('?')[0]!)) {
      const answer = errorResponse(new KaoheError('not-found', `no route ${req.method} ${req.url.split('?')[0]}`), requestLanguage(req));
      return reply.status(answer.status).send(answer.body);
    }
    // The web app routes in the browser: unknown paths get its page.
    return reply.type('text/html').sendFile('index.html');
  });

  await app.register(
    async (api) => registerRoutes(api, { secureCookies: deps.secureCookies ?? process.env.NODE_ENV === 'production', loginRateLimit: deps.loginRateLimit ?? 10 }),
    { prefix: '/api' },
  );
  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());

  if (hasWeb) await registerWebAssets(app, { root: webRoot!, plain: webPlain });
  return app;
}
