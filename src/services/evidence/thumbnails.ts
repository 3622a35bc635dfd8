/**
 * Small copies of photo evidence, for the score sheets' thumbnails (and any list that shows
 * photos): at most THUMB_EDGE pixels on the long side, turned upright by the photo's own
 * orientation, as JPEG without the original's metadata. The original is never touched; a
 * thumbnail is made once, on first use, and kept beside the evidence under `thumbs/`
 * (content-addressed like the files, so it never goes stale). A photo sharp cannot read (a
 * HEIC photo: the prebuilt libvips has no HEVC decoder; a damaged file) has no thumbnail and
 * is listed by name.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceStore } from './evidence-store.ts';

/** The long edge of a thumbnail, in pixels: sharp enough for a 4-across row on A4 and for a zoom on screen. */
export const THUMB_EDGE = 640;
/** Pixels a source photo may have (a 100-megapixel image); larger ones are not decoded. */
const MAX_INPUT_PIXELS = 100_000_000;
/** The kinds of evidence a thumbnail is made of. */
export const THUMBNAIL_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp'];

export class Thumbnails {
  private readonly making = new Map<string, Promise<Buffer | null>>();

  constructor(private readonly store: Pick<EvidenceStore, 'root' | 'pathOf'>) {}

  /** Where the thumbnail of a stored file is kept. */
  pathOf(sha256: string): string {
    const original = this.store.pathOf(sha256); // checks the name
    const sha = original.slice(-64);
    return join(this.store.root, 'thumbs', sha.slice(0, 2), `${sha}-${THUMB_EDGE}.jpg`);
  }

  /** The thumbnail's bytes, made on first use; null for a file that is not a readable photo or not in the store. */
  async get(sha256: string, mime: string): Promise<Buffer | null> {
    if (!THUMBNAIL_TYPES.includes(mime)) return null;
    const path = this.pathOf(sha256);
    const kept = await readFile(path).catch(() => null);
    if (kept) return kept;
    // One making per file at a time (two sheets printed at once share it).
    let pending = this.making.get(path);
    if (!pending) {
      pending = this.make(sha256, path).finally(() => this.making.delete(path));
      this.making.set(path, pending);
    }
    return pending;
  }

  /** Removes a file's thumbnail (when the file itself is removed). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  private async make(sha256: string, path: string): Promise<Buffer | null> {
    let body: Buffer;
    try {
      // Loaded with the first thumbnail: a process that makes none starts without libvips.
      const { default: sharp } = await import('sharp');
      body = await sharp(this.store.pathOf(sha256), { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate()
        .resize({ width: THUMB_EDGE, height: THUMB_EDGE, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch {
      return null;
    }
    // Written whole under a temporary name, then renamed: a reader never sees half a thumbnail.
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path).catch(async () => rm(tmp, { force: true }));
    return body;
  }
}
