/**
 * Evidence files (photos and scans behind a finding or an appeal), stored by content:
 * `root/ab/cd/<sha256>`. A file is written once and never rewritten, so the same photo
 * uploaded twice is kept once, and a stored file's name says what its bytes must hash to.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, rm, stat, unlink, chmod, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import exifr from 'exifr';
import { KaoheError } from '../../core/errors.ts';

export interface StoredEvidence {
  sha256: string;
  size: number;
  mime: string;
  /** The name the file was given (its last path segment), for display and downloads. */
  filename: string;
  /**
   * When the photo was taken (EXIF DateTimeOriginal), ISO 8601. Cameras record local time:
   * without an EXIF offset (OffsetTimeOriginal) the value has no zone ("2020-06-15T10:30:00").
   */
  takenAt?: string;
  /** EXIF GPS position in decimal degrees (south and west negative). */
  latitude?: number;
  longitude?: number;
}

export type EvidenceInput = { filename: string; bytes: Buffer } | { filename: string; path: string };

export interface EvidenceLimits {
  /** Largest file accepted, in bytes (default 20 MiB). */
  maxBytes?: number;
  /** MIME types accepted (default: JPEG, PNG, WebP, HEIC, PDF). */
  types?: string[];
}

export const DEFAULT_MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
export const DEFAULT_EVIDENCE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'];

/** Where evidence lives by default: `${KAOHE_DATA_DIR:-./data}/evidence`. */
export function defaultEvidenceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.KAOHE_DATA_DIR ?? 'data'), 'evidence');
}

/** Bytes needed to tell every accepted type apart (WebP and HEIC need 12). */
const SNIFF_BYTES = 12;

/** The MIME type a file's first bytes announce, or null when it is none of the evidence types. */
export function detectEvidenceType(head: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 4 && head[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (head.length >= 5 && ascii(0, 5) === '%PDF-') return 'application/pdf';
  // ISO base media file: box size, 'ftyp', major brand. Only the HEIC brands phones write.
  if (head.length >= 12 && ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'mif1'].includes(ascii(8, 12))) return 'image/heic';
  return null;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class EvidenceStore {
  readonly root: string;
  private readonly maxBytes: number;
  private readonly types: readonly string[];
  private readonly tmpDir: string;

  constructor(root: string, limits: EvidenceLimits = {}) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, 'tmp');
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_EVIDENCE_BYTES;
    this.types = limits.types ?? DEFAULT_EVIDENCE_TYPES;
  }

  /**
   * Stores a file (checked by its bytes, not its name) and returns what it is. Storing the
   * same content again writes nothing and returns the same sha256.
   */
  async put(input: EvidenceInput): Promise<StoredEvidence> {
    const filename = displayName(input.filename);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${randomUUID()}.part`);
    try {
      const written = 'bytes' in input ? await this.writeBytes(filename, input.bytes, tmp) : await this.copyFile(filename, input.path, tmp);
      const exif = written.mime === 'image/jpeg' || written.mime === 'image/heic' ? await readExif('bytes' in input ? input.bytes : tmp) : {};
      await this.commit(tmp, written.sha256, written.size);
      return { sha256: written.sha256, size: written.size, mime: written.mime, filename, ...exif };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Reads a stored file. Check `has()` first: a missing file shows as an ENOENT error on the stream. */
  get(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /** Whether a file with this content is stored. */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (e) {
      if (isCode(e, 'ENOENT')) return false;
      throw e;
    }
  }

  /** Re-hashes a stored file: true when its bytes still hash to its name; false when damaged or missing. */
  async verify(sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256);
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (e) {
      if (isCode(e, 'ENOENT')) return false;
      throw e;
    }
    return hash.digest('hex') === normaliseSha(sha256);
  }

  /**
   * Removes temporary files left by a crash or a killed process, older than `olderThanMs`
   * (default one day, well past any upload in progress); returns how many were removed.
   */
  async sweepTemp(olderThanMs = 24 * 60 * 60 * 1000, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (e) {
      if (isCode(e, 'ENOENT')) return 0;
      throw e;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const info = await lstat(path).catch(() => null);
      if (info?.isFile() && now - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** The path of a stored file; refuses anything but 64 hex digits (so never a path outside root). */
  pathOf(sha256: string): string {
    const sha = normaliseSha(sha256);
    return join(this.root, sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  private async writeBytes(filename: string, bytes: Buffer, tmp: string): Promise<Written> {
    this.checkSize(filename, bytes.length);
    const mime = this.checkType(filename, bytes.subarray(0, SNIFF_BYTES));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { sha256, size: bytes.length, mime };
  }

  /** Copies a file into tmp, hashing as it goes: one pass, one chunk in memory at a time. */
  private async copyFile(filename: string, path: string, tmp: string): Promise<Written> {
    const info = await stat(path).catch((e: unknown) => {
      throw new KaoheError('evidence-unreadable', `cannot read ${filename}: ${(e as Error).message}`, { filename });
    });
    if (!info.isFile()) throw new KaoheError('evidence-unreadable', `cannot read ${filename}: not a file`, { filename });
    // Reject on the size first: no point copying 2 GB to refuse it.
    this.checkSize(filename, info.size);

    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let mime: string | null = null;
    const handle: FileHandle = await open(tmp, 'wx', 0o600);
    // A failure to write our own temporary file (a full disk) is not the upload's fault.
    let writing = false;
    try {
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
        size += chunk.length;
        // The file may have grown since stat().
        if (size > this.maxBytes) this.checkSize(filename, size, true);
        if (mime === null && head.length < SNIFF_BYTES) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          if (head.length >= SNIFF_BYTES) mime = this.checkType(filename, head);
        }
        hash.update(chunk);
        writing = true;
        await handle.write(chunk);
        writing = false;
      }
      this.checkSize(filename, size);
      mime ??= this.checkType(filename, head);
      writing = true;
      await handle.sync();
    } catch (e) {
      if (e instanceof KaoheError || writing) throw e;
      throw new KaoheError('evidence-unreadable', `cannot read ${filename}: ${(e as Error).message}`, { filename });
    } finally {
      await handle.close();
    }
    return { sha256: hash.digest('hex'), size, mime };
  }

  private checkSize(filename: string, size: number, atLeast = false): void {
    if (size === 0) throw new KaoheError('evidence-empty', `${filename} is empty (0 bytes)`, { filename });
    if (size > this.maxBytes) {
      throw new KaoheError(
        'evidence-too-large',
        `${filename} is ${atLeast ? 'more than ' : ''}${describeBytes(size)}; the limit is ${describeBytes(this.maxBytes)}`,
        { filename, size, limit: this.maxBytes },
      );
    }
  }

  private checkType(filename: string, head: Uint8Array): string {
    const mime = detectEvidenceType(head);
    if (mime === null || !this.types.includes(mime)) {
      const what = mime === null ? 'not a file type accepted as evidence' : `a ${mime} file, not accepted as evidence`;
      throw new KaoheError('evidence-type', `${filename} is ${what} (its content is checked, not its name); accepted: ${this.types.join(', ')}`, {
        filename,
        detected: mime,
        allowed: [...this.types],
      });
    }
    return mime;
  }

  /** Moves tmp to its content address unless that content is already there. */
  private async commit(tmp: string, sha256: string, size: number): Promise<void> {
    const target = this.pathOf(sha256);
    const dir = join(this.root, sha256.slice(0, 2), sha256.slice(2, 4));
    await mkdir(dir, { recursive: true });
    await chmod(tmp, 0o444);
    try {
      // link() fails if the target exists, where rename() would replace it: a stored file is
      // never rewritten, and two uploads of the same photo at once both succeed.
      await link(tmp, target);
    } catch (e) {
      if (isCode(e, 'EEXIST')) {
        // Already stored. A file of the wrong size there was cut short (a disk full, a copy by
        // hand): these bytes hash to its name, so they restore it.
        const existing = await stat(target);
        if (existing.size !== size) await rename(tmp, target);
        return;
      }
      if (isCode(e, 'EPERM') || isCode(e, 'ENOTSUP') || isCode(e, 'EOPNOTSUPP')) {
        // A file system without hard links: the same bytes may replace the same bytes.
        if (!(await this.has(sha256))) await rename(tmp, target);
        return;
      }
      throw e;
    }
    await syncDir(dir);
  }
}

interface Written {
  sha256: string;
  size: number;
  mime: string;
}

function normaliseSha(sha256: string): string {
  const sha = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
  if (!SHA256.test(sha)) {
    throw new KaoheError('evidence-bad-id', `not an evidence id: ${JSON.stringify(String(sha256).slice(0, 80))} (expected 64 hexadecimal digits)`);
  }
  return sha;
}

/** The last segment of a name as given by a browser or a path, without control characters. */
function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = String(name).split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' || base === '.' || base === '..' ? 'evidence' : base;
}

function describeBytes(n: number): string {
  const mib = n / (1024 * 1024);
  const unit = mib >= 1 ? `${Number(mib.toFixed(1))} MiB` : `${Number((n / 1024).toFixed(1))} KiB`;
  return `${unit} (${n.toLocaleString('en-US')} bytes)`;
}

function isCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/** Makes a new directory entry durable; best effort (not every platform can open a directory). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // ignore
  } finally {
    await handle?.close();
  }
}

type ExifFields = Pick<StoredEvidence, 'takenAt' | 'latitude' | 'longitude'>;

const EXIF_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  // Raw strings: exifr's revived Date reads the camera's local time in the server's zone.
  reviveValues: false,
  translateValues: false,
  mergeOutput: true,
  silentErrors: true,
};

/** Date taken and GPS position from a photo's EXIF; fields are left out when missing or unreadable. */
export async function readExif(input: Buffer | string): Promise<ExifFields> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(input, EXIF_OPTIONS)) as Record<string, unknown> | undefined;
  } catch {
    return {};
  }
  if (!tags) return {};
  const out: ExifFields = {};
  const takenAt = exifDate(tags.DateTimeOriginal, tags.OffsetTimeOriginal);
  if (takenAt) out.takenAt = takenAt;
  const { latitude, longitude } = tags;
  if (
    typeof latitude === 'number' &&
    typeof longitude === 'number' &&
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180
  ) {
    out.latitude = latitude;
    out.longitude = longitude;
  }
  return out;
}

/** "2020:06:15 10:30:00" (+ "+08:00") → "2020-06-15T10:30:00+08:00"; undefined unless a real date and time. */
export function exifDate(value: unknown, offset?: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  // Cameras without a clock write "0000:00:00 00:00:00".
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const zone = typeof offset === 'string' ? offset.trim() : '';
  if (/^[+-](0\d|1[0-4]):[0-5]\d$/.test(zone)) return iso + zone;
  if (zone === 'Z') return `${iso}Z`;
  return iso;
}
