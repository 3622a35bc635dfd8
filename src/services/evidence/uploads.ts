/**
 * Uploads in parts, named by the file's SHA-256 (offline capture, docs/offline.md): a phone
 * sends a photo in parts and, after an interruption, asks how many bytes the server holds and
 * goes on from there. Per user, under the evidence folder:
 *
 *   uploads/<userId>/<sha256>.json   what is being uploaded (size, name, when started)
 *   uploads/<userId>/<sha256>.part   the bytes received so far (appended in order)
 *   uploads/<userId>/<sha256>.file   the whole file, its hash checked (after the last part)
 *
 * The first bytes are checked as soon as they come (a file of a type not accepted is refused at
 * once), and the whole file when its last part arrives, by `EvidenceStore.stage` (hash, type,
 * size, a PDF's content). A finished file stays in the user's folder until a finding cites it
 * (attach: staged again from there, placed in the store by the transaction that records its row,
 * like a multipart upload), so the store never holds a file no row names (housekeeping.ts would
 * remove it). A file the store holds already is not sent again. Uploads left for 7 days go.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KaoheError } from '../../core/errors.ts';
import type { Actor } from '../policies.ts';
import type { EvidenceService, EvidenceTarget, StagedEvidenceLike } from '../campaign/evidence.service.ts';
import { describeBytes, detectEvidenceType, type EvidenceStore, type StagedEvidence } from './evidence-store.ts';

export interface UploadState {
  sha256: string;
  size: number;
  /** Bytes the server holds; the next part starts there. */
  received: number;
  /** The whole file is here (or in the evidence store), its hash checked. */
  complete: boolean;
}

interface UploadMeta {
  sha256: string;
  size: number;
  filename: string;
  startedAt: string;
}

/** Bytes one part may carry. */
export const UPLOAD_PART_BYTES = 1024 * 1024;
/** How long an upload not finished, or finished and never cited, is kept. */
export const UPLOAD_KEEP_DAYS = 7;
/** Bytes needed to tell the accepted types apart (see detectEvidenceType). */
const SNIFF_BYTES = 16;
const SHA256 = /^[0-9a-f]{64}$/;

export class Uploads {
  /** One change at a time per upload (two parts sent at once must not both append). */
  private readonly busy = new Map<string, Promise<unknown>>();
  private lastSweep = 0;

  constructor(
    private readonly store: EvidenceStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private dir(userId: number): string {
    return join(this.store.root, 'uploads', String(Math.trunc(userId)));
  }

  private paths(userId: number, sha256: string) {
    if (!SHA256.test(sha256)) throw new KaoheError('validation', 'sha256: 64 lowercase hexadecimal digits');
    const base = join(this.dir(userId), sha256);
    return { meta: `${base}.json`, part: `${base}.part`, file: `${base}.file` };
  }

  /** Runs `work` alone for one user's upload of one file. */
  private async alone<T>(userId: number, sha256: string, work: () => Promise<T>): Promise<T> {
    const name = `${userId}/${sha256}`;
    const before = this.busy.get(name) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.busy.set(name, mine);
    try {
      return await mine;
    } finally {
      if (this.busy.get(name) === mine) this.busy.delete(name);
    }
  }

  /**
   * Starts an upload, or tells how far one of the user's got (a resume). A file the evidence
   * store holds already is complete at once: the phone does not send it.
   */
  async start(userId: number, input: { sha256: string; size: number; filename: string }): Promise<UploadState> {
    const { sha256, size } = input;
    if (size > this.store.maxBytes) {
      throw new KaoheError('evidence-too-large', `${input.filename} is ${describeBytes(size)}; the limit is ${describeBytes(this.store.maxBytes)}`, {
        filename: input.filename,
        size,
        limit: this.store.maxBytes,
      });
    }
    // A server that runs for weeks forgets old uploads as it goes (at most once an hour).
    const now = this.clock().getTime();
    if (now - this.lastSweep > 3_600_000) {
      this.lastSweep = now;
      await this.sweep(now);
    }
    return this.alone(userId, sha256, async () => {
      const known = await this.current(userId, sha256);
      if (known) return known;
      const p = this.paths(userId, sha256);
      await mkdir(this.dir(userId), { recursive: true });
      const meta: UploadMeta = { sha256, size, filename: input.filename, startedAt: this.clock().toISOString() };
      await writeFile(p.part, Buffer.alloc(0));
      await writeFile(p.meta, JSON.stringify(meta));
      return { sha256, size, received: 0, complete: false };
    });
  }

  /** How far an upload got; not-found when the user has none of this file and the store does not hold it. */
  async state(userId: number, sha256: string): Promise<UploadState> {
    const known = await this.current(userId, sha256);
    if (!known) throw new KaoheError('not-found', `upload ${sha256} not found: start it with POST /api/uploads`);
    return known;
  }

  /**
   * Appends a part at `offset`, which must be the bytes received so far (else 409 `upload-offset`
   * with `received`). The last part completes the upload: the whole file is checked against its
   * hash (a mismatch discards it: 400 `upload-hash-mismatch`) and as evidence.
   */
  async append(userId: number, sha256: string, offset: number, bytes: Buffer): Promise<UploadState> {
    return this.alone(userId, sha256, async () => {
      const known = await this.current(userId, sha256);
      if (!known) throw new KaoheError('not-found', `upload ${sha256} not found: start it with POST /api/uploads`);
      if (known.complete) {
        if (offset === known.size) return known;
        throw offsetError(known.received, offset);
      }
      if (offset !== known.received) throw offsetError(known.received, offset);
      if (bytes.length === 0) throw new KaoheError('validation', 'body: send the next bytes of the file (application/octet-stream)');
      const p = this.paths(userId, sha256);
      const meta = await this.meta(userId, sha256);
      if (offset + bytes.length > meta!.size) {
        throw new KaoheError('validation', `body: the part ends at byte ${offset + bytes.length}, past the file's size (${meta!.size} bytes)`);
      }
      // A file of a type not accepted is refused on its first bytes, not after the whole upload.
      if (offset < SNIFF_BYTES && offset + bytes.length >= Math.min(SNIFF_BYTES, meta!.size)) {
        const head = Buffer.concat([offset > 0 ? (await readFile(p.part)).subarray(0, offset) : Buffer.alloc(0), bytes]).subarray(0, SNIFF_BYTES);
        const mime = detectEvidenceType(head);
        if (mime === null || !this.store.types.includes(mime)) {
          await this.forget(userId, sha256);
          throw new KaoheError(
            'evidence-type',
            `${meta!.filename} is not a file type accepted as evidence (its content is checked, not its name); accepted: ${this.store.types.join(', ')}`,
            {
              filename: meta!.filename,
              detected: mime,
              allowed: [...this.store.types],
            },
          );
        }
      }
      // Not synced to disk part by part: after a crash the file holds what it holds, the next part
      // is answered 409 upload-offset with that, and the phone goes on from there.
      const handle = await open(p.part, 'a');
      try {
        await handle.write(bytes);
      } finally {
        await handle.close();
      }
      const received = offset + bytes.length;
      if (received < meta!.size) return { sha256, size: meta!.size, received, complete: false };
      return this.finish(userId, meta!);
    });
  }

  /** Checks a whole upload: its hash, then as evidence (type, size, a PDF's content); keeps it as `.file`. */
  private async finish(userId: number, meta: UploadMeta): Promise<UploadState> {
    const p = this.paths(userId, meta.sha256);
    let staged: StagedEvidence | undefined;
    try {
      const actual = await sha256Of(p.part);
      if (actual !== meta.sha256) {
        throw new KaoheError('upload-hash-mismatch', `${meta.filename}: the bytes received hash to ${actual}, not ${meta.sha256}: the upload was discarded; send the file again`, {
          filename: meta.filename,
          expected: meta.sha256,
          actual,
        });
      }
      staged = await this.store.stage({ filename: meta.filename, path: p.part });
      await rename(p.part, p.file);
    } catch (e) {
      await this.forget(userId, meta.sha256);
      throw e;
    } finally {
      await staged?.discard();
    }
    return { sha256: meta.sha256, size: meta.size, received: meta.size, complete: true };
  }

  /**
   * A finished upload (or a file the store holds), checked and staged for a finding's evidence
   * under `filename`; 409 `upload-incomplete` naming the file when it is not all here.
   */
  async stage(userId: number, sha256: string, filename: string): Promise<StagedEvidence> {
    const p = this.paths(userId, sha256);
    const path = (await isFile(p.file)) ? p.file : (await this.store.has(sha256)) ? this.store.pathOf(sha256) : undefined;
    if (!path) {
      const known = await this.current(userId, sha256).catch(() => undefined);
      throw new KaoheError(
        'upload-incomplete',
        `${filename}: its upload (${sha256}) is ${known ? `not complete: ${known.received} of ${known.size} bytes received` : 'not started'}; finish it with PUT /api/uploads/${sha256}`,
        { filename, sha256, received: known?.received ?? 0 },
      );
    }
    const staged = await this.store.stage({ filename, path });
    if (staged.sha256 !== sha256) {
      await staged.discard();
      throw new KaoheError('upload-hash-mismatch', `${filename}: the file kept for ${sha256} no longer hashes to it; send it again`, { filename });
    }
    return staged;
  }

  /** Removes a user's upload of a file (after a finding cited it, or when it was refused). */
  async forget(userId: number, sha256: string): Promise<void> {
    const p = this.paths(userId, sha256);
    await Promise.all([rm(p.part, { force: true }), rm(p.file, { force: true }), rm(p.meta, { force: true })]);
  }

  /** Removes uploads untouched for 7 days (finished or not), and stray files as old; returns how many uploads. */
  async sweep(now = this.clock().getTime()): Promise<number> {
    const root = join(this.store.root, 'uploads');
    const old = (mtimeMs: number | undefined) => mtimeMs === undefined || now - mtimeMs > UPLOAD_KEEP_DAYS * 86_400_000;
    let removed = 0;
    for (const user of await readdir(root).catch(() => [] as string[])) {
      if (!/^\d+$/.test(user)) continue;
      const dir = join(root, user);
      const names = await readdir(dir).catch(() => [] as string[]);
      const hashes = new Set(names.map((n) => n.slice(0, 64)).filter((h) => SHA256.test(h)));
      for (const sha256 of hashes) {
        const p = this.paths(Number(user), sha256);
        const times = await Promise.all([p.meta, p.part, p.file].map(async (f) => (await stat(f).catch(() => null))?.mtimeMs));
        const newest = Math.max(...times.map((t) => t ?? -Infinity));
        if (old(Number.isFinite(newest) ? newest : undefined)) {
          await this.forget(Number(user), sha256);
          removed++;
        }
      }
    }
    return removed;
  }

  private async meta(userId: number, sha256: string): Promise<UploadMeta | undefined> {
    const text = await readFile(this.paths(userId, sha256).meta, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as UploadMeta;
    } catch {
      return undefined;
    }
  }

  /** The state of a user's upload of a file, or of the file in the store; undefined for neither. */
  private async current(userId: number, sha256: string): Promise<UploadState | undefined> {
    const p = this.paths(userId, sha256);
    const meta = await this.meta(userId, sha256);
    if (meta && (await isFile(p.file))) return { sha256, size: meta.size, received: meta.size, complete: true };
    if (await this.store.has(sha256)) {
      const size = (await stat(this.store.pathOf(sha256))).size;
      return { sha256, size, received: size, complete: true };
    }
    if (!meta) return undefined;
    const received = (await stat(p.part).catch(() => null))?.size;
    if (received === undefined) return undefined;
    return { sha256, size: meta.size, received, complete: false };
  }
}

function offsetError(received: number, offset: number): KaoheError {
  return new KaoheError('upload-offset', `offset ${offset} is not where the upload is: the server holds ${received} bytes; send from offset ${received}`, { received });
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** A file of a finding's evidence by its upload: its SHA-256, the name to show, when it was taken (when the photo does not say). */
export interface UploadedFile {
  sha256: string;
  filename: string;
  takenAt?: string;
}

/**
 * Attaches uploaded files to a finding, all or none, as the multipart upload does (the same
 * access, quota and checks, see EvidenceService.addEvidenceFiles); returns the rows' ids. Who may
 * not add evidence there is refused before any file is read. A file whose upload is not finished
 * is refused with 409 `upload-incomplete`. The uploads cited are removed after the commit (the
 * store holds their files now). A photo's own EXIF time comes before the `takenAt` given.
 */
export async function attachUploads(
  deps: { uploads: Uploads; evidence: Pick<EvidenceService, 'evidenceRoom' | 'addEvidenceFiles'> },
  actor: Actor,
  userId: number,
  target: EvidenceTarget,
  files: UploadedFile[],
): Promise<number[]> {
  await deps.evidence.evidenceRoom(actor, target);
  const staged: StagedEvidenceLike[] = [];
  let ids: number[];
  try {
    for (const f of files) {
      const s = await deps.uploads.stage(userId, f.sha256, f.filename);
      staged.push(
        f.takenAt !== undefined && s.takenAt === undefined
          ? { ...s.stored(), takenAt: f.takenAt, place: () => s.place(), unplace: () => s.unplace(), discard: () => s.discard() }
          : s,
      );
    }
    ids = await deps.evidence.addEvidenceFiles(actor, target, staged);
  } finally {
    for (const s of staged) await s.discard();
  }
  for (const f of new Set(files.map((f) => f.sha256))) await deps.uploads.forget(userId, f);
  return ids;
}
