import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KaoheError } from '../../core/errors.ts';
import { defaultEvidenceRoot, detectEvidenceType, evidenceLimitsFromEnv, EvidenceStore, exifDate, readExif } from './evidence-store.ts';

// ---------------------------------------------------------------------------------------
// Test files built byte by byte: a real baseline JPEG (1×1 grey) with an Exif APP1 segment,
// a HEIC container with an Exif item, a PNG, a PDF.
// ---------------------------------------------------------------------------------------

type TiffEntry = { tag: number; ascii: string } | { tag: number; long: number[] } | { tag: number; rational: Array<[number, number]> };

/** A little-endian TIFF structure: IFD0 pointing to an Exif IFD and a GPS IFD. */
function tiff(exif: TiffEntry[], gps: TiffEntry[]): Buffer {
  const ifdSize = (n: number) => 2 + 12 * n + 4;
  const ifd0Count = (exif.length ? 1 : 0) + (gps.length ? 1 : 0);
  const ifd0At = 8;
  const exifAt = ifd0At + ifdSize(ifd0Count);
  const gpsAt = exifAt + (exif.length ? ifdSize(exif.length) : 0);
  let dataAt = gpsAt + (gps.length ? ifdSize(gps.length) : 0);
  const out = Buffer.alloc(4096);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifd0At, 4);
  const writeIfd = (at: number, entries: TiffEntry[]) => {
    out.writeUInt16LE(entries.length, at);
    [...entries]
      .sort((a, b) => a.tag - b.tag)
      .forEach((e, i) => {
        const p = at + 2 + 12 * i;
        let type: number;
        let count: number;
        let bytes: Buffer;
        if ('ascii' in e) {
          type = 2;
          bytes = Buffer.from(`${e.ascii}\0`, 'latin1');
          count = bytes.length;
        } else if ('long' in e) {
          type = 4;
          bytes = Buffer.alloc(4 * e.long.length);
          e.long.forEach((v, k) => bytes.writeUInt32LE(v, 4 * k));
          count = e.long.length;
        } else {
          type = 5;
          bytes = Buffer.alloc(8 * e.rational.length);
          e.rational.forEach(([n, d], k) => {
            bytes.writeUInt32LE(n, 8 * k);
            bytes.writeUInt32LE(d, 8 * k + 4);
          });
          count = e.rational.length;
        }
        out.writeUInt16LE(e.tag, p);
        out.writeUInt16LE(type, p + 2);
        out.writeUInt32LE(count, p + 4);
        if (bytes.length <= 4) bytes.copy(out, p + 8);
        else {
          out.writeUInt32LE(dataAt, p + 8);
          bytes.copy(out, dataAt);
          dataAt += bytes.length + (bytes.length % 2);
        }
      });
    out.writeUInt32LE(0, at + 2 + 12 * entries.length);
  };
  const ifd0: TiffEntry[] = [];
  if (exif.length) ifd0.push({ tag: 0x8769, long: [exifAt] });
  if (gps.length) ifd0.push({ tag: 0x8825, long: [gpsAt] });
  writeIfd(ifd0At, ifd0);
  if (exif.length) writeIfd(exifAt, exif);
  if (gps.length) writeIfd(gpsAt, gps);
  return out.subarray(0, dataAt);
}

interface PhotoMeta {
  date?: string;
  offset?: string;
  /** Degrees, minutes, seconds; negative degrees for south / west. */
  lat?: [number, number, number];
  lon?: [number, number, number];
}

function exifTiff(meta: PhotoMeta): Buffer {
  const exif: TiffEntry[] = [];
  if (meta.date) exif.push({ tag: 0x9003, ascii: meta.date });
  if (meta.offset) exif.push({ tag: 0x9011, ascii: meta.offset });
  const gps: TiffEntry[] = [];
  const dms = ([d, m, s]: [number, number, number]): Array<[number, number]> => [
    [Math.abs(d), 1],
    [m, 1],
    [Math.round(s * 100), 100],
  ];
  if (meta.lat) gps.push({ tag: 0x0001, ascii: meta.lat[0] < 0 ? 'S' : 'N' }, { tag: 0x0002, rational: dms(meta.lat) });
  if (meta.lon) gps.push({ tag: 0x0003, ascii: meta.lon[0] < 0 ? 'W' : 'E' }, { tag: 0x0004, rational: dms(meta.lon) });
  return tiff(exif, gps);
}

/** A complete baseline JPEG of one grey pixel: quantisation, frame, Huffman tables, scan. */
const TINY_JPEG_BODY = Buffer.concat([
  Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]),
  Buffer.alloc(64, 1),
  Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00]),
  // DC table 0 and AC table 0, each one code of length 1 (DC difference 0; end of block).
  Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array(15).fill(0), 0x00]),
  Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array(15).fill(0), 0x00]),
  Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
  // Bits "0" (DC diff 0) "0" (EOB), padded with ones.
  Buffer.from([0x3f]),
  Buffer.from([0xff, 0xd9]),
]);

function jpeg(meta?: PhotoMeta, rawApp1?: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  const payload = rawApp1 ?? (meta ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(meta)]) : undefined);
  if (payload) {
    const header = Buffer.from([0xff, 0xe1, 0, 0]);
    header.writeUInt16BE(payload.length + 2, 2);
    parts.push(header, payload);
  }
  parts.push(TINY_JPEG_BODY);
  return Buffer.concat(parts);
}

function box(kind: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(kind, 4, 'latin1');
  return Buffer.concat([head, body]);
}
const fullBox = (kind: string, version: number, ...content: Buffer[]) => box(kind, Buffer.from([version, 0, 0, 0]), ...content);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A HEIF container as phones write it (major brand heic), whose only item is its Exif block. */
function heic(meta: PhotoMeta, brand = 'heic'): Buffer {
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const exifPayload = Buffer.concat([u32(6), Buffer.from('Exif\0\0', 'latin1'), exifTiff(meta)]);
  const metaBox = (extentOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from([0])),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), Buffer.from('Exif\0', 'latin1'))),
      fullBox('iloc', 0, Buffer.from([0x44, 0x00]), u16(1), u16(1), u16(0), u16(1), u32(extentOffset), u32(exifPayload.length)),
    );
  const offset = ftyp.length + metaBox(0).length + 8;
  return Buffer.concat([ftyp, metaBox(offset), box('mdat', exifPayload)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(kind: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
}
/** A 1×1 grey PNG. */
function png(grey = 0x80): Buffer {
  const ihdr = Buffer.concat([u32(1), u32(1), Buffer.from([8, 0, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, grey]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const WEBP = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L', 'latin1'), Buffer.alloc(18)]);
/** The start of a Windows executable. */
const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]), Buffer.alloc(200)]);

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kaohe-evidence-'));
  root = join(dir, 'evidence');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stored files under root (relative paths), temporary directory apart. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith('tmp'))
    .sort();
}
const tmpFiles = async () => readdir(join(root, 'tmp')).catch(() => [] as string[]);

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function rejection(p: Promise<unknown>): Promise<KaoheError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KaoheError);
    return e as KaoheError;
  }
  throw new Error('expected a rejection');
}

describe('detectEvidenceType', () => {
  it('reads the type from the first bytes', () => {
    expect(detectEvidenceType(jpeg())).toBe('image/jpeg');
    expect(detectEvidenceType(png())).toBe('image/png');
    expect(detectEvidenceType(WEBP)).toBe('image/webp');
    expect(detectEvidenceType(PDF)).toBe('application/pdf');
    expect(detectEvidenceType(heic({}))).toBe('image/heic');
    expect(detectEvidenceType(heic({}, 'heix'))).toBe('image/heic');
    expect(detectEvidenceType(heic({}, 'mif1'))).toBe('image/heic');
    expect(detectEvidenceType(heic({}, 'isom'))).toBeNull();
    expect(detectEvidenceType(EXE)).toBeNull();
    expect(detectEvidenceType(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'))).toBeNull();
    expect(detectEvidenceType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(detectEvidenceType(Buffer.alloc(0))).toBeNull();
  });

  it('wants whole signatures, at the very start: text, HTML and SVG are none of the types', () => {
    // "\x89PNG" alone is not a PNG: the signature has 8 bytes.
    expect(detectEvidenceType(Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG<html><script>', 'latin1')]))).toBeNull();
    // A RIFF of WEBP with no VP8 chunk.
    expect(detectEvidenceType(Buffer.from('RIFF\0\0\0\0WEBP<svg onload=', 'latin1'))).toBeNull();
    // "%PDF-" after anything (a PDF reader would look further; Kaohe does not).
    expect(detectEvidenceType(Buffer.from('<html>%PDF-1.4', 'latin1'))).toBeNull();
    expect(detectEvidenceType(Buffer.from(' %PDF-1.4 padded', 'latin1'))).toBeNull();
    for (const text of ['<!DOCTYPE html><html>', '<?xml version="1.0"?><svg>', '<svg xmlns="http://www.w3.org/2000/svg">', '村委会会议记录', 'GIF89a\x01\0\x01\0']) {
      expect(detectEvidenceType(Buffer.from(text, 'utf8')), text).toBeNull();
    }
  });
});

describe('EvidenceStore.put', () => {
  it('stores a JPEG under root/ab/cd/<sha256> with its EXIF date and GPS position', async () => {
    const store = new EvidenceStore(root);
    const bytes = jpeg({ date: '2020:06:15 10:30:05', lat: [30, 15, 30.6], lon: [120, 9, 36] });
    const stored = await store.put({ filename: 'IMG_0001.JPG', bytes });
    const h = sha(bytes);
    expect(stored).toEqual({
      sha256: h,
      size: bytes.length,
      mime: 'image/jpeg',
      filename: 'IMG_0001.JPG',
      takenAt: '2020-06-15T10:30:05',
      latitude: expect.closeTo(30.2585, 6),
      longitude: expect.closeTo(120.16, 6),
    });
    expect(await storedFiles()).toEqual([join(h.slice(0, 2), h.slice(2, 4), h)]);
    expect(await readFile(join(root, h.slice(0, 2), h.slice(2, 4), h))).toEqual(bytes);
    expect(await tmpFiles()).toEqual([]);
  });

  it('gives south and west as negative degrees and keeps the EXIF time offset', async () => {
    const store = new EvidenceStore(root);
    const stored = await store.put({
      filename: 'a.jpg',
      bytes: jpeg({ date: '2021:01:02 03:04:05', offset: '+08:00', lat: [-33, 52, 4], lon: [-70, 30, 0] }),
    });
    expect(stored.takenAt).toBe('2021-01-02T03:04:05+08:00');
    expect(stored.latitude).toBeCloseTo(-(33 + 52 / 60 + 4 / 3600), 6);
    expect(stored.longitude).toBeCloseTo(-70.5, 6);
  });

  it('leaves the fields out when the photo has no EXIF, only part of it, or a corrupt one', async () => {
    const store = new EvidenceStore(root);
    const plain = await store.put({ filename: 'plain.jpg', bytes: jpeg() });
    expect(plain).toEqual({ sha256: expect.any(String), size: expect.any(Number), mime: 'image/jpeg', filename: 'plain.jpg' });

    const dateOnly = await store.put({ filename: 'd.jpg', bytes: jpeg({ date: '2020:06:15 10:30:05' }) });
    expect(dateOnly.takenAt).toBe('2020-06-15T10:30:05');
    expect(dateOnly).not.toHaveProperty('latitude');

    const noClock = await store.put({ filename: 'z.jpg', bytes: jpeg({ date: '0000:00:00 00:00:00', lat: [10, 0, 0] }) });
    // Latitude without longitude is no position.
    expect(noClock).not.toHaveProperty('takenAt');
    expect(noClock).not.toHaveProperty('latitude');

    const garbage = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from('II*\0'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(40, 0xee)]);
    const corrupt = await store.put({ filename: 'corrupt.jpg', bytes: jpeg(undefined, garbage) });
    expect(corrupt.mime).toBe('image/jpeg');
    expect(corrupt).not.toHaveProperty('takenAt');
    expect(corrupt).not.toHaveProperty('latitude');

    const truncated = jpeg({ date: '2020:06:15 10:30:05', lat: [30, 0, 0], lon: [120, 0, 0] }).subarray(0, 40);
    const cut = await store.put({ filename: 'cut.jpg', bytes: truncated });
    expect(cut.size).toBe(40);
    expect(cut).not.toHaveProperty('latitude');
  });

  it('reads EXIF from a HEIC photo', async () => {
    const store = new EvidenceStore(root);
    const bytes = heic({ date: '2022:09:30 16:45:00', offset: '+08:00', lat: [26, 34, 48], lon: [106, 42, 36] });
    const stored = await store.put({ filename: 'IMG_1234.HEIC', bytes });
    expect(stored.mime).toBe('image/heic');
    expect(stored.takenAt).toBe('2022-09-30T16:45:00+08:00');
    expect(stored.latitude).toBeCloseTo(26.58, 6);
    expect(stored.longitude).toBeCloseTo(106.71, 6);
    // The same from a file on disk (read in chunks by exifr).
    const path = join(dir, 'photo.heic');
    await writeFile(path, bytes);
    const second = await new EvidenceStore(join(dir, 'other')).put({ filename: 'photo.heic', path });
    expect(second).toEqual({ ...stored, filename: 'photo.heic' });
  });

  it('stores PNG, WebP and PDF without EXIF fields', async () => {
    const store = new EvidenceStore(root);
    expect(await store.put({ filename: 'map.png', bytes: png() })).toEqual({
      sha256: sha(png()),
      size: png().length,
      mime: 'image/png',
      filename: 'map.png',
    });
    expect((await store.put({ filename: 'x.webp', bytes: WEBP })).mime).toBe('image/webp');
    expect((await store.put({ filename: '会议记录.pdf', bytes: PDF })).mime).toBe('application/pdf');
    expect(await storedFiles()).toHaveLength(3);
  });

  it('goes by the content, not the name', async () => {
    const store = new EvidenceStore(root);
    expect((await store.put({ filename: 'scan.jpg', bytes: PDF })).mime).toBe('application/pdf');
    expect((await store.put({ filename: 'photo', bytes: png() })).mime).toBe('image/png');
  });

  it('refuses an executable named .jpg, naming the file and the accepted types', async () => {
    const store = new EvidenceStore(root);
    const e = await rejection(store.put({ filename: 'photo.jpg', bytes: EXE }));
    expect(e.code).toBe('evidence-type');
    expect(e.message).toContain('photo.jpg');
    for (const t of ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']) expect(e.message).toContain(t);
    const path = join(dir, 'setup.jpg');
    await writeFile(path, EXE);
    expect((await rejection(store.put({ filename: 'setup.jpg', path }))).code).toBe('evidence-type');
    expect(await storedFiles()).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('refuses a type left out of the configured list', async () => {
    const store = new EvidenceStore(root, { types: ['image/jpeg'] });
    const e = await rejection(store.put({ filename: 'doc.pdf', bytes: PDF }));
    expect(e.code).toBe('evidence-type');
    expect(e.message).toContain('application/pdf');
    expect(e.details).toMatchObject({ detected: 'application/pdf', allowed: ['image/jpeg'] });
    expect((await store.put({ filename: 'a.jpg', bytes: jpeg() })).mime).toBe('image/jpeg');
  });

  it('refuses a file over the limit, naming file, size and limit', async () => {
    const store = new EvidenceStore(root, { maxBytes: 1000 });
    const big = Buffer.concat([jpeg(), Buffer.alloc(2000)]);
    const e = await rejection(store.put({ filename: 'big.jpg', bytes: big }));
    expect(e.code).toBe('evidence-too-large');
    expect(e.message).toContain('big.jpg');
    expect(e.message).toContain(big.length.toLocaleString('en-US'));
    expect(e.message).toContain('1,000');
    expect(e.details).toEqual({ filename: 'big.jpg', size: big.length, limit: 1000 });

    const path = join(dir, 'big.jpg');
    await writeFile(path, big);
    expect((await rejection(store.put({ filename: 'big.jpg', path }))).code).toBe('evidence-too-large');
    // Exactly at the limit is fine.
    const exact = Buffer.concat([jpeg(), Buffer.alloc(1000 - jpeg().length)]);
    expect((await store.put({ filename: 'exact.jpg', bytes: exact })).size).toBe(1000);
    expect(await storedFiles()).toHaveLength(1);
    expect(await tmpFiles()).toEqual([]);
  });

  it('has a 20 MiB limit by default', async () => {
    const store = new EvidenceStore(root);
    const path = join(dir, 'huge.pdf');
    await writeFile(path, Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024 + 1 - PDF.length)]));
    const e = await rejection(store.put({ filename: 'huge.pdf', path }));
    expect(e.code).toBe('evidence-too-large');
    expect(e.message).toMatch(/limit is 20 MiB \(20,971,520 bytes\)/);
  });

  it('refuses an empty file', async () => {
    const store = new EvidenceStore(root);
    const e = await rejection(store.put({ filename: 'empty.jpg', bytes: Buffer.alloc(0) }));
    expect(e.code).toBe('evidence-empty');
    expect(e.message).toContain('empty.jpg');
    const path = join(dir, 'empty.pdf');
    await writeFile(path, '');
    expect((await rejection(store.put({ filename: 'empty.pdf', path }))).code).toBe('evidence-empty');
  });

  it('reports a path that cannot be read', async () => {
    const store = new EvidenceStore(root);
    const e = await rejection(store.put({ filename: 'gone.jpg', path: join(dir, 'no-such-file') }));
    expect(e.code).toBe('evidence-unreadable');
    expect(e.message).toContain('gone.jpg');
    expect((await rejection(store.put({ filename: 'folder', path: dir }))).code).toBe('evidence-unreadable');
  });

  it('streams a file given by path, hashing as it copies', async () => {
    const store = new EvidenceStore(root);
    // 5 MiB of varied bytes after a PDF header: many chunks.
    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    const bytes = Buffer.concat([PDF, body]);
    const path = join(dir, 'scan.pdf');
    await writeFile(path, bytes);
    const stored = await store.put({ filename: 'scan.pdf', path });
    expect(stored).toEqual({ sha256: sha(bytes), size: bytes.length, mime: 'application/pdf', filename: 'scan.pdf' });
    expect((await readAll(store.get(stored.sha256))).equals(bytes)).toBe(true);
    // The source is left where it was.
    expect((await stat(path)).size).toBe(bytes.length);
  });

  it('keeps only the last segment of the file name', async () => {
    const store = new EvidenceStore(root);
    expect((await store.put({ filename: 'C:\\Users\\张三\\照片.jpg', bytes: jpeg() })).filename).toBe('照片.jpg');
    expect((await store.put({ filename: '../../etc/passwd', bytes: jpeg() })).filename).toBe('passwd');
    expect((await store.put({ filename: '..', bytes: jpeg() })).filename).toBe('evidence');
  });
});

describe('EvidenceStore.stage: checked on the way in, stored only when placed', () => {
  /** A source that counts what was taken from it. */
  function source(total: number, chunk: number, first: Buffer) {
    const pulled = { bytes: 0 };
    async function* gen() {
      for (let at = 0; at < total; at += chunk) {
        const n = Math.min(chunk, total - at);
        const b = Buffer.alloc(n, 7);
        if (at === 0) first.copy(b, 0, 0, Math.min(first.length, n));
        pulled.bytes += n;
        yield b;
      }
    }
    return { stream: gen(), pulled };
  }

  it('writes only a temporary file; place() stores it by content, discard() removes the temporary file', async () => {
    const store = new EvidenceStore(root);
    const bytes = jpeg({ date: '2020:06:15 10:30:05' });
    const staged = await store.stage({ filename: 'IMG_0001.JPG', bytes });
    expect(await storedFiles()).toEqual([]);
    expect(await tmpFiles()).toEqual([expect.stringMatching(new RegExp(`^${process.pid}-[0-9a-f-]{36}\\.part$`))]);
    expect(await store.has(staged.sha256)).toBe(false);
    await staged.place();
    expect(await store.verify(staged.sha256)).toBe(true);
    await staged.discard();
    expect(await tmpFiles()).toEqual([]);
    expect(staged.stored()).toEqual({ sha256: sha(bytes), size: bytes.length, mime: 'image/jpeg', filename: 'IMG_0001.JPG', takenAt: '2020-06-15T10:30:05' });
  });

  it('unplace() takes back only what place() created', async () => {
    const store = new EvidenceStore(root);
    const staged = await store.stage({ filename: 'a.png', bytes: png(1) });
    await staged.place();
    await staged.unplace();
    expect(await storedFiles()).toEqual([]);
    // Content stored before stays.
    const kept = await store.put({ filename: 'b.png', bytes: png(2) });
    const same = await store.stage({ filename: 'c.png', bytes: png(2) });
    await same.place();
    await same.unplace();
    expect(await store.verify(kept.sha256)).toBe(true);
    await same.discard();
    await staged.discard();
    expect(await tmpFiles()).toEqual([]);
  });

  it('takes a stream in chunks of any size, the same as the bytes', async () => {
    const store = new EvidenceStore(root);
    const bytes = Buffer.concat([PDF, Buffer.alloc(3000, 1)]);
    for (const size of [1, 5, 17, 65_536]) {
      async function* pieces() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const staged = await store.stage({ filename: 'scan.pdf', stream: pieces() });
      expect(staged.stored()).toEqual({ sha256: sha(bytes), size: bytes.length, mime: 'application/pdf', filename: 'scan.pdf' });
      await staged.discard();
    }
    expect(await tmpFiles()).toEqual([]);
  });

  it('stops reading a stream at the first byte past the limit, and keeps nothing', async () => {
    const store = new EvidenceStore(root, { maxBytes: 1000 });
    const { stream, pulled } = source(10 * 1024 * 1024, 100, jpeg());
    const e = await rejection(store.stage({ filename: 'IMG_big.jpg', stream }));
    expect(e.code).toBe('evidence-too-large');
    expect(e.message).toBe('IMG_big.jpg is more than 1 KiB (1,000 bytes); the limit is 1 KiB (1,000 bytes)');
    expect(pulled.bytes).toBe(1100);
    expect(await tmpFiles()).toEqual([]);
    // Exactly the limit is fine.
    const exact = source(1000, 100, jpeg());
    const ok = await store.stage({ filename: 'IMG_exact.jpg', stream: exact.stream });
    expect(ok.size).toBe(1000);
    await ok.discard();
  });

  it('stops at the room left (a quota) with the refusal it is given', async () => {
    const store = new EvidenceStore(root, { maxBytes: 10_000 });
    const { stream, pulled } = source(5000, 100, jpeg());
    const seen: number[] = [];
    const e = await rejection(
      store.stage(
        { filename: 'a.jpg', stream },
        {
          roomBytes: 700,
          overRoom: (atLeast, filename) => {
            seen.push(atLeast);
            return new KaoheError('evidence-quota', `${filename}: no room`);
          },
        },
      ),
    );
    expect([e.code, e.message, seen, pulled.bytes]).toEqual(['evidence-quota', 'a.jpg: no room', [800], 800]);
    // Bytes and paths are refused on their size, before they are copied.
    expect((await rejection(store.stage({ filename: 'b.jpg', bytes: Buffer.concat([jpeg(), Buffer.alloc(2000)]) }, { roomBytes: 700 }))).code).toBe('evidence-quota');
    expect(await tmpFiles()).toEqual([]);
  });

  it('refuses a stream that breaks off (a client gone) as cut off, and keeps nothing', async () => {
    const store = new EvidenceStore(root);
    async function* broken() {
      yield jpeg();
      yield Buffer.alloc(1000);
      throw new Error('aborted');
    }
    const e = await rejection(store.stage({ filename: 'IMG_1.jpg', stream: broken() }));
    expect([e.code, e.message]).toEqual(['evidence-unreadable', 'IMG_1.jpg: the upload was cut off: aborted']);
    expect(await tmpFiles()).toEqual([]);
  });

  it('refuses a PDF with active content or one that cannot be checked, saying why', async () => {
    const store = new EvidenceStore(root);
    const js = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n2 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj\n%%EOF\n', 'latin1');
    const e = await rejection(store.stage({ filename: '会议记录.pdf', bytes: js }));
    expect(e.code).toBe('evidence-active-content');
    expect(e.message).toBe(
      '会议记录.pdf is a PDF with active content (/JavaScript, /JS, /OpenAction → /JavaScript): scripts, actions run on opening, embedded files and interactive forms are not accepted in evidence; print it to a new PDF or scan the paper',
    );
    const lzw = Buffer.from('%PDF-1.5\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode /Length 3 >> stream\nabc\nendstream endobj\n%%EOF', 'latin1');
    expect((await rejection(store.stage({ filename: 'odd.pdf', bytes: lzw }))).message).toMatch(
      /^odd\.pdf is a PDF whose content cannot be checked for scripts \(an object stream is compressed with \/LZWDecode/,
    );
    // The same checks on a file given by path.
    const path = join(dir, 'js.pdf');
    await writeFile(path, js);
    expect((await rejection(store.put({ filename: 'js.pdf', path }))).code).toBe('evidence-active-content');
    expect(await storedFiles()).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });
});

describe('EvidenceStore: one copy of each content, never rewritten', () => {
  it('stores the same bytes once and returns the same sha256', async () => {
    const store = new EvidenceStore(root);
    const bytes = jpeg({ date: '2020:06:15 10:30:05' });
    const first = await store.put({ filename: 'a.jpg', bytes });
    const target = store.pathOf(first.sha256);
    const before = await stat(target);
    const path = join(dir, 'copy.jpg');
    await writeFile(path, bytes);
    const second = await store.put({ filename: 'copy.jpg', path });
    expect(second).toEqual({ ...first, filename: 'copy.jpg' });
    expect(await storedFiles()).toHaveLength(1);
    const after = await stat(target);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(await tmpFiles()).toEqual([]);
  });

  it('stores the same content put many times at once exactly once', async () => {
    const store = new EvidenceStore(root);
    const bytes = jpeg({ date: '2020:06:15 10:30:05', lat: [30, 0, 0], lon: [120, 0, 0] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.put({ filename: `p${i}.jpg`, bytes })));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(bytes)]));
    expect(results.every((r) => r.latitude === 30 && r.takenAt === '2020-06-15T10:30:05')).toBe(true);
    expect(await storedFiles()).toHaveLength(1);
    expect(await store.verify(sha(bytes))).toBe(true);
    expect(await tmpFiles()).toEqual([]);
  });

  it('stores different contents put at once side by side', async () => {
    const store = new EvidenceStore(root);
    const contents = Array.from({ length: 12 }, (_, i) => png(i));
    const results = await Promise.all(contents.map((bytes, i) => store.put({ filename: `${i}.png`, bytes })));
    expect(results.map((r) => r.sha256)).toEqual(contents.map(sha));
    expect(await storedFiles()).toHaveLength(12);
    for (const r of results) expect(await store.verify(r.sha256)).toBe(true);
  });

  it('restores a stored file that was cut short when the same content comes again', async () => {
    const store = new EvidenceStore(root);
    const bytes = Buffer.concat([PDF, Buffer.alloc(1000, 7)]);
    const { sha256 } = await store.put({ filename: 'a.pdf', bytes });
    const target = store.pathOf(sha256);
    await chmod(target, 0o644);
    await truncate(target, 100);
    expect(await store.verify(sha256)).toBe(false);
    await store.put({ filename: 'a.pdf', bytes });
    expect(await store.verify(sha256)).toBe(true);
  });
});

describe('EvidenceStore: reading and checking', () => {
  it('get streams the stored bytes; has and verify tell what is there', async () => {
    const store = new EvidenceStore(root);
    const bytes = jpeg({ date: '2020:06:15 10:30:05' });
    const { sha256 } = await store.put({ filename: 'a.jpg', bytes });
    expect(await readAll(store.get(sha256))).toEqual(bytes);
    expect(await readAll(store.get(sha256.toUpperCase()))).toEqual(bytes);
    expect(await store.has(sha256)).toBe(true);
    expect(await store.verify(sha256)).toBe(true);
    const missing = sha(Buffer.from('nothing'));
    expect(await store.has(missing)).toBe(false);
    expect(await store.verify(missing)).toBe(false);
    await expect(readAll(store.get(missing))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('verify finds a stored file whose bytes changed', async () => {
    const store = new EvidenceStore(root);
    const { sha256 } = await store.put({ filename: 'a.png', bytes: png() });
    const target = store.pathOf(sha256);
    await chmod(target, 0o644);
    const damaged = png();
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    await writeFile(target, damaged);
    expect(await store.verify(sha256)).toBe(false);
  });

  it('stored files are read-only', async () => {
    const store = new EvidenceStore(root);
    const { sha256 } = await store.put({ filename: 'a.png', bytes: png() });
    expect((await stat(store.pathOf(sha256))).mode & 0o777).toBe(0o444);
  });

  it('refuses anything but 64 hex digits, so no path leads out of root', async () => {
    const store = new EvidenceStore(root);
    await store.put({ filename: 'a.png', bytes: png() });
    const attempts = [
      '../../../../etc/passwd',
      `../${'0'.repeat(61)}`,
      `${'a'.repeat(63)}/`,
      `${'a'.repeat(64)}/../../x`,
      '/etc/passwd',
      'a'.repeat(65),
      'g'.repeat(64),
      '',
      `${'a'.repeat(64)}\0`,
    ];
    for (const bad of attempts) {
      expect(() => store.get(bad)).toThrow(expect.objectContaining({ code: 'evidence-bad-id' }));
      expect((await rejection(store.has(bad))).code).toBe('evidence-bad-id');
      expect((await rejection(store.verify(bad))).code).toBe('evidence-bad-id');
    }
    expect(() => store.get(undefined as unknown as string)).toThrow(KaoheError);
  });
});

describe('EvidenceStore: housekeeping', () => {
  it('sweeps temporary files left by a crash, not those of uploads in progress', async () => {
    const store = new EvidenceStore(root);
    await mkdir(join(root, 'tmp'), { recursive: true });
    const old = join(root, 'tmp', 'old.part');
    const fresh = join(root, 'tmp', 'fresh.part');
    await writeFile(old, 'x');
    await writeFile(fresh, 'y');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    expect(await store.sweepTemp()).toBe(1);
    expect(await tmpFiles()).toEqual(['fresh.part']);
    expect(await new EvidenceStore(join(dir, 'never-used')).sweepTemp()).toBe(0);
  });

  it('at start, sweeps the temporary files of processes no longer running (and of an earlier one with its own id)', async () => {
    const store = new EvidenceStore(root);
    await mkdir(join(root, 'tmp'), { recursive: true });
    const uuid = '0b7e5a3c-8d4f-4c5e-9a1b-2c3d4e5f6a7b';
    // 2^31 - 2 is past any pid_max: no process has it.
    const names = [`2147483646-${uuid}.part`, `${process.pid}-${uuid}.part`, `${process.ppid}-${uuid}.part`, 'fresh.part'];
    for (const n of names) await writeFile(join(root, 'tmp', n), 'x');
    expect(await store.sweepTemp()).toBe(0);
    expect(await store.sweepTemp({ startup: true })).toBe(2);
    expect((await tmpFiles()).sort()).toEqual([`${process.ppid}-${uuid}.part`, 'fresh.part'].sort());
  });

  it('lists stored files and removes one', async () => {
    const store = new EvidenceStore(root);
    const a = await store.put({ filename: 'a.png', bytes: png(1) });
    const b = await store.put({ filename: 'b.png', bytes: png(2) });
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', 'x.part'), 'x');
    await writeFile(join(root, 'README'), 'not evidence');
    const listed: string[] = [];
    for await (const f of store.list()) listed.push(f.sha256);
    expect(listed).toEqual([a.sha256, b.sha256].sort());
    await store.removeFile(a.sha256);
    expect(await store.has(a.sha256)).toBe(false);
    expect(await store.has(b.sha256)).toBe(true);
  });

  it('reads its limits from the environment', () => {
    expect(evidenceLimitsFromEnv({})).toEqual({});
    expect(evidenceLimitsFromEnv({ KAOHE_EVIDENCE_MAX_MB: '10', KAOHE_EVIDENCE_QUOTA_MB: '500', KAOHE_EVIDENCE_MAX_FILES: '5' })).toEqual({
      maxBytes: 10 * 1024 * 1024,
      quotaBytes: 500 * 1024 * 1024,
      maxFiles: 5,
    });
    expect(() => evidenceLimitsFromEnv({ KAOHE_EVIDENCE_QUOTA_MB: '200MB' })).toThrow('KAOHE_EVIDENCE_QUOTA_MB must be a whole number ≥ 1, not "200MB"');
    expect(() => evidenceLimitsFromEnv({ KAOHE_EVIDENCE_MAX_FILES: '0' })).toThrow(/KAOHE_EVIDENCE_MAX_FILES/);
    const store = new EvidenceStore(root);
    expect([store.maxBytes, store.quotaBytes, store.maxFiles]).toEqual([20 * 1024 * 1024, 200 * 1024 * 1024, 10]);
  });

  it('defaults to ${KAOHE_DATA_DIR}/evidence', () => {
    expect(defaultEvidenceRoot({ KAOHE_DATA_DIR: '/srv/kaohe' })).toBe('/srv/kaohe/evidence');
    expect(defaultEvidenceRoot({})).toBe(join(process.cwd(), 'data', 'evidence'));
  });
});

describe('EXIF dates', () => {
  it('turns EXIF date strings into ISO 8601', () => {
    expect(exifDate('2020:06:15 10:30:05')).toBe('2020-06-15T10:30:05');
    expect(exifDate('2020:06:15 10:30:05', '+08:00')).toBe('2020-06-15T10:30:05+08:00');
    expect(exifDate('2020:06:15 10:30:05', '-03:30')).toBe('2020-06-15T10:30:05-03:30');
    expect(exifDate('2020:06:15 10:30:05', '   ')).toBe('2020-06-15T10:30:05');
    expect(exifDate('2020:06:15 10:30:05', 'garbage')).toBe('2020-06-15T10:30:05');
    expect(exifDate('2020-06-15 10:30:05')).toBe('2020-06-15T10:30:05');
    expect(exifDate('2024:02:29 00:00:00')).toBe('2024-02-29T00:00:00');
  });

  it('rejects dates that are not real', () => {
    for (const bad of ['0000:00:00 00:00:00', '2023:02:29 00:00:00', '2020:13:01 00:00:00', '2020:06:15 24:00:00', '    :  :     :  :  ', '', 'yesterday']) {
      expect(exifDate(bad)).toBeUndefined();
    }
    expect(exifDate(20200615)).toBeUndefined();
    expect(exifDate(undefined)).toBeUndefined();
  });

  it('readExif returns nothing for files without EXIF', async () => {
    expect(await readExif(png())).toEqual({});
    expect(await readExif(PDF)).toEqual({});
    expect(await readExif(Buffer.from([0xff, 0xd8, 0xff]))).toEqual({});
  });
});
