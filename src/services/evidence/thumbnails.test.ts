/**
 * Thumbnails of photo evidence (sharp): small, upright, JPEG, kept beside the evidence and made
 * once; none for what is no readable photo; removed with their file.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { tempDir } from '../../../test/registry-fixtures.ts';
import { EvidenceStore } from './evidence-store.ts';
import { THUMB_EDGE, Thumbnails } from './thumbnails.ts';

/** A photo `width`×`height` of two colours (left half red), with an EXIF orientation when given. */
async function photo(width: number, height: number, format: 'jpeg' | 'png' | 'webp', orientation?: number): Promise<Buffer> {
  const left = await sharp({ create: { width: Math.floor(width / 2), height, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();
  let img = sharp({ create: { width, height, channels: 3, background: '#2c6fbb' } }).composite([{ input: left, left: 0, top: 0 }]);
  if (orientation) img = img.withMetadata({ orientation });
  return img.toFormat(format).toBuffer();
}

describe('Thumbnails', () => {
  const tmp = tempDir();
  let store: EvidenceStore;
  let thumbs: Thumbnails;
  beforeAll(() => {
    store = new EvidenceStore(tmp.dir, { maxBytes: 50 * 1024 * 1024 });
    thumbs = new Thumbnails(store);
  });
  afterAll(() => tmp.remove());

  it('makes a JPEG at most THUMB_EDGE on its long side, upright by the photo’s orientation, without its metadata', async () => {
    // 3000×2000 as stored, turned 90° by its EXIF orientation (6): upright it is 2000 wide, 3000 high.
    const original = await photo(3000, 2000, 'jpeg', 6);
    const stored = await store.put({ filename: 'IMG_0001.jpg', bytes: original });
    const thumb = (await thumbs.get(stored.sha256, 'image/jpeg'))!;
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.height).toBe(THUMB_EDGE);
    expect(meta.width).toBe(Math.round((THUMB_EDGE * 2000) / 3000));
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(thumb.length).toBeLessThan(original.length);
    // Upright: the red half (the original's left) is now on top.
    const { data, info } = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const middle = Math.floor(info.width / 2);
    expect(at(middle, 10)[0]).toBeGreaterThan(150);
    expect(at(middle, info.height - 10)[2]).toBeGreaterThan(150);
    // Kept beside the evidence and read from there next time; the original untouched.
    expect(existsSync(thumbs.pathOf(stored.sha256))).toBe(true);
    expect((await thumbs.get(stored.sha256, 'image/jpeg'))!.equals(thumb)).toBe(true);
    expect(await store.verify(stored.sha256)).toBe(true);
  });

  it('makes PNG and WebP photos into JPEG thumbnails, and never enlarges a small photo', async () => {
    for (const [format, mime] of [
      ['png', 'image/png'],
      ['webp', 'image/webp'],
    ] as const) {
      const stored = await store.put({ filename: `small.${format}`, bytes: await photo(320, 240, format) });
      const meta = await sharp((await thumbs.get(stored.sha256, mime))!).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240]);
    }
  });

  it('gives none for a PDF, a damaged photo or a file not in the store', async () => {
    const pdf = await store.put({ filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n') });
    expect(await thumbs.get(pdf.sha256, 'application/pdf')).toBeNull();
    const damaged = await store.put({ filename: 'broken.jpg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 7)]) });
    expect(await thumbs.get(damaged.sha256, 'image/jpeg')).toBeNull();
    expect(existsSync(thumbs.pathOf(damaged.sha256))).toBe(false);
    expect(await thumbs.get('e'.repeat(64), 'image/jpeg')).toBeNull();
  });

  it('is removed with its file', async () => {
    const stored = await store.put({ filename: 'gone.jpg', bytes: await photo(800, 600, 'jpeg') });
    await thumbs.get(stored.sha256, 'image/jpeg');
    expect(existsSync(thumbs.pathOf(stored.sha256))).toBe(true);
    await store.removeFile(stored.sha256);
    expect(existsSync(thumbs.pathOf(stored.sha256))).toBe(false);
    // The store's listing never takes a thumbnail for a file.
    const listed: string[] = [];
    for await (const f of store.list()) listed.push(f.sha256);
    expect(listed).not.toContain(stored.sha256);
  });
});
