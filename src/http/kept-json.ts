/**
 * JSON answers made once: for a result object the services hand back unchanged while nothing
 * changed (a ranking, an assessment view), its JSON as one kind of reader may see it is kept
 * beside the object — as UTF-8 bytes, and gzipped for clients that accept it (every browser),
 * since an assessment with its suggestions' records runs to a few hundred KiB of text.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzip = promisify(gzipCb);

/** Bodies smaller than this are sent as they are (gzip would save too little). */
const GZIP_FROM = 1024;

interface Body {
  bytes: Buffer;
  gzipped?: Promise<Buffer>;
}

/** Whether the request's Accept-Encoding allows gzip (not refused with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const weights = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (coding) weights.set(coding.trim(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

/** JSON bodies kept per source object and kind of reader. */
export class KeptJson<Kind extends string> {
  private readonly bodies = new WeakMap<object, Map<Kind, Body>>();

  /**
   * Sends the JSON of `make()` for this source and kind, made on the first request only; `make`
   * must depend on nothing but the source and the kind.
   */
  async send(req: FastifyRequest, reply: FastifyReply, source: object, kind: Kind, make: () => unknown): Promise<FastifyReply> {
    let byKind = this.bodies.get(source);
    if (!byKind) this.bodies.set(source, (byKind = new Map()));
    let body = byKind.get(kind);
    if (!body) byKind.set(kind, (body = { bytes: Buffer.from(JSON.stringify(make())) }));
    reply.type('application/json; charset=utf-8');
    if (body.bytes.length < GZIP_FROM) return reply.send(body.bytes);
    reply.header('vary', 'accept-encoding');
    if (!acceptsGzip(req.headers['accept-encoding'])) return reply.send(body.bytes);
    body.gzipped ??= gzip(body.bytes);
    return reply.header('content-encoding', 'gzip').send(await body.gzipped);
  }
}
