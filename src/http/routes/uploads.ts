/**
 * API routes: evidence files uploaded in parts, named by their SHA-256 (offline capture,
 * docs/offline.md; services/evidence/uploads.ts). A phone starts an upload, sends its parts in
 * order (raw bytes, at most 1 MiB each), asks how far it got after an interruption, and goes on
 * from there; a finding cites the finished file (POST /api/findings/:fid/evidence/uploaded).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { UploadState } from '../../contract/assessments.ts';
import { KaoheError } from '../../core/errors.ts';
import { UPLOAD_PART_BYTES } from '../../services/evidence/uploads.ts';
import { mayRecordFindings } from '../../services/policies.ts';
import { route } from '../route.ts';

/** A file's SHA-256: 64 lowercase hexadecimal digits. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the file: 64 lowercase hexadecimal digits');

export async function uploadsRoutes(app: FastifyInstance): Promise<void> {
  const { uploads, evidenceStore } = app.services;
  const tags = ['uploads'];
  const ShaParams = z.object({ sha256: Sha256 });

  route(app, {
    method: 'POST',
    url: '/uploads',
    summary: 'Start an upload in parts of an evidence file named by its SHA-256, or see how far it got',
    tags,
    access: mayRecordFindings,
    body: z.object({
      sha256: Sha256,
      size: z.number().int().min(1, 'the size of the file in bytes (at least 1)').max(evidenceStore.maxBytes, `an evidence file has at most ${evidenceStore.maxBytes} bytes`),
      filename: z.string().trim().min(1, 'the name of the file').max(255),
    }),
    handler: async ({ user, body }): Promise<UploadState> => uploads.start(user.id, body),
  });

  route(app, {
    method: 'GET',
    url: '/uploads/:sha256',
    summary: 'How far an upload in parts got',
    tags,
    access: mayRecordFindings,
    params: ShaParams,
    handler: async ({ user, params }): Promise<UploadState> => uploads.state(user.id, params.sha256),
  });

  // The raw parts: a body parser for them on this route alone.
  await app.register(async (parts) => {
    parts.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: UPLOAD_PART_BYTES }, (_req, body, done) => done(null, body));
    route(parts, {
      method: 'PUT',
      url: '/uploads/:sha256',
      summary: 'Send the next part of an upload (raw bytes, application/octet-stream, at most 1 MiB) at ?offset= the bytes received so far',
      tags,
      access: mayRecordFindings,
      params: ShaParams,
      query: z.object({ offset: z.coerce.number().int().min(0, 'the bytes received so far (GET /api/uploads/:sha256 tells)') }),
      handler: async ({ user, params, query, req }): Promise<UploadState> => {
        const bytes = req.body;
        if (!Buffer.isBuffer(bytes)) throw new KaoheError('validation', 'body: send the part as application/octet-stream');
        return uploads.append(user.id, params.sha256, query.offset, bytes);
      },
    });
  });
}
