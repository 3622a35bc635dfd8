/**
 * How the server sends bytes a phone on weak mobile data has to wait for: the web app's files
 * as the build compressed them (`.br`/`.gz` beside each, chosen by Accept-Encoding), cached for
 * a year when their name carries a content hash and revalidated otherwise; and API answers in
 * JSON compressed when they are worth it. Streams (report PDFs, workbooks, evidence files) are
 * never touched: they go out as they are made, with their own headers.
 */
import { promisify } from 'node:util';
import { basename, dirname, relative, sep } from 'node:path';
import { brotliCompress as brotliCb, constants, gzip as gzipCb } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

const brotli = promisify(brotliCb);
const gzip = promisify(gzipCb);

/** A year: how long a file whose name changes with its content may be kept without asking. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Files without a hash in their name (index.html): kept, but asked about (ETag) before each use. */
export const REVALIDATE = 'no-cache';

/** JSON answers smaller than this go out as they are: compressing would save too little. */
export const COMPRESS_FROM = 1024;

/**
 * The installed app's two files whose type matters to the browser, whatever @fastify/send's
 * table says (`application/javascript` for .js): the service worker (which must never be kept
 * unasked: its Cache-Control is REVALIDATE, as a name without a hash gets) and the manifest.
 */
export const SHELL_TYPES: Readonly<Record<string, string>> = {
  '/sw.js': 'text/javascript; charset=utf-8',
  '/manifest.webmanifest': 'application/manifest+json; charset=utf-8',
};

/** Vite's `[name]-[hash].[ext]`: eight characters of URL-safe base64 before the extension. */
const HASHED_NAME = /-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/;

/**
 * The Cache-Control of a file of the web app, from its path under the web root (a `.br`/`.gz`
 * copy counts as its original): the build's hashed files under assets/ are immutable.
 */
export function cacheControlFor(pathUnderRoot: string): string {
  const path = pathUnderRoot
    .split(sep)
    .join('/')
    .replace(/\.(br|gz)$/, '');
  return dirname(path) === 'assets' && HASHED_NAME.test(basename(path)) ? IMMUTABLE : REVALIDATE;
}

/**
 * The encoding to answer in for an Accept-Encoding header: brotli, else gzip, each unless
 * refused (`;q=0`); `*` stands for whatever is not named. Undefined: send it as it is.
 */
export function chooseEncoding(header: string | string[] | undefined): 'br' | 'gzip' | undefined {
  if (header === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return undefined;
}

/** Adds Accept-Encoding to the answer's Vary header (caches keep one copy per encoding). */
function varyOnEncoding(reply: FastifyReply): void {
  const current = reply.getHeader('vary');
  const value = Array.isArray(current) ? current.join(', ') : current === undefined ? '' : String(current);
  const tokens = value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  if (tokens.includes('accept-encoding') || tokens.includes('*')) return;
  reply.header('vary', value ? `${value}, accept-encoding` : 'accept-encoding');
}

export interface WebAssetsOptions {
  /** The built web app's folder (dist/web), with the build's `.br`/`.gz` copies. */
  root: string;
  /** As before compression and caching were set up: every file as it is, revalidated on every use (the bench's baseline). */
  plain?: boolean;
}

/**
 * Serves the web app's files. Files are looked up per request (`wildcard`), so a rebuilt app is
 * served without a restart; its new hashed names never collide with what browsers have kept.
 */
export async function registerWebAssets(app: FastifyInstance, options: WebAssetsOptions): Promise<void> {
  // After @fastify/static's own Content-Type, which it sets again for a compressed copy.
  app.addHook('onSend', async (req, reply, payload) => {
    const type = SHELL_TYPES[req.url.split('?')[0]!];
    if (type !== undefined && reply.statusCode < 400) reply.header('content-type', type);
    return payload;
  });
  if (options.plain) {
    await app.register(fastifyStatic, { root: options.root, prefix: '/', wildcard: true, index: 'index.html' });
    return;
  }
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    wildcard: true,
    index: 'index.html',
    // The build's brotli copy, else its gzip copy, else the file itself; Vary is set either way.
    preCompressed: true,
    // Our own Cache-Control below, not @fastify/send's `public, max-age=0`.
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(relative(options.root, path)));
    },
  });
}

/** Whether a request is one of the API's (the router's spelling counts, as in the session hook). */
function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.routeOptions.url?.startsWith('/api/') === true;
}

/**
 * Compresses the API's JSON answers of at least COMPRESS_FROM bytes as the client accepts
 * (brotli at a quality fast enough for every request, else gzip), on the thread pool. Only a
 * body already made (a string or a buffer) of a JSON type with no encoding yet: a stream is
 * never buffered, and a file (a PDF, a workbook, a photo) is sent as it is.
 */
export function registerApiCompression(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!isApi(req) || reply.hasHeader('content-encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(String(reply.getHeader('content-type') ?? ''))) return payload;
    if (reply.statusCode < 200 || reply.statusCode === 204 || reply.statusCode === 304) return payload;
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (bytes.length < COMPRESS_FROM) return payload;
    varyOnEncoding(reply);
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    if (!encoding) return payload;
    const body =
      encoding === 'br'
        ? await brotli(bytes, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
          })
        : await gzip(bytes, { level: 6 });
    reply.header('content-encoding', encoding);
    reply.removeHeader('content-length');
    return body;
  });
}
