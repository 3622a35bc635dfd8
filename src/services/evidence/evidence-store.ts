/**
 * Evidence files (photos and scans behind a finding or an appeal), stored by content:
 * `root/ab/cd/<sha256>`. A file is written once and never rewritten, so the same photo
 * uploaded twice is kept once, and a stored file's name says what its bytes must hash to.
 *
 * A file comes in through `stage()`: streamed to `root/tmp/<pid>-<uuid>.part` (one chunk in
 * memory at a time) while it is hashed, its type told from its first bytes, its size counted
 * (refused at the first byte past the limit) and, for a PDF, its content checked for scripts
 * and actions. Nothing is in the store until `place()` links the finished, fsynced file to its
 * content address: the campaign service does that inside the transaction that inserts the
 * file's row, right before the commit, and `unplace()`s it when the commit fails. So a stored
 * file is always whole (its name is its hash) and a committed row always has its file. A crash
 * leaves at most temporary files (swept at the next start: those of processes no longer
 * running) and, between place and commit, a whole file no row names (see housekeeping.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import exifr from 'exifr';
import { KaoheError } from '../../core/errors.ts';
import { PdfActiveContentScanner } from './pdf-check.ts';

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

/** A file to store: bytes in memory, a file on disk, or a stream (an upload's part). */
export type EvidenceInput = { filename: string; bytes: Buffer } | { filename: string; path: string } | { filename: string; stream: AsyncIterable<Uint8Array> };

export interface EvidenceLimits {
  /** Largest file accepted, in bytes (default 20 MiB). */
  maxBytes?: number;
  /** MIME types accepted (default: JPEG, PNG, WebP, HEIC, PDF). */
  types?: string[];
  /** Evidence bytes one assessment may hold, its findings' and appeals' files together (default 200 MiB). */
  quotaBytes?: number;
  /** Files one upload may carry (default 10). */
  maxFiles?: number;
}

export interface StageOptions {
  /** Bytes this file may take at most besides the file limit (what is left of a quota). */
  roomBytes?: number;
  /** The refusal when the file passes `roomBytes` (it has at least `atLeast` bytes). */
  overRoom?: (atLeast: number, filename: string) => KaoheError;
}

const MiB = 1024 * 1024;
export const DEFAULT_MAX_EVIDENCE_BYTES = 20 * MiB;
export const DEFAULT_EVIDENCE_QUOTA_BYTES = 200 * MiB;
export const DEFAULT_MAX_EVIDENCE_FILES = 10;
export const DEFAULT_EVIDENCE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'];
/** The raster image types a browser may show inline; anything else (PDFs) is served as an attachment. */
export const INLINE_EVIDENCE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'];

/** Where evidence lives by default: `${KAOHE_DATA_DIR:-./data}/evidence`. */
export function defaultEvidenceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.KAOHE_DATA_DIR ?? 'data'), 'evidence');
}

/**
 * The limits set by the environment: KAOHE_EVIDENCE_MAX_MB (one file, MiB), KAOHE_EVIDENCE_QUOTA_MB
 * (one assessment, MiB), KAOHE_EVIDENCE_MAX_FILES (one upload); unset ones keep their defaults.
 */
export function evidenceLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): EvidenceLimits {
  const whole = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return undefined;
    if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new KaoheError('validation', `${name} must be a whole number ≥ 1, not "${v}"`);
    return Number(v);
  };
  const limits: EvidenceLimits = {};
  const max = whole('KAOHE_EVIDENCE_MAX_MB');
  const quota = whole('KAOHE_EVIDENCE_QUOTA_MB');
  const files = whole('KAOHE_EVIDENCE_MAX_FILES');
  if (max !== undefined) limits.maxBytes = max * MiB;
  if (quota !== undefined) limits.quotaBytes = quota * MiB;
  if (files !== undefined) limits.maxFiles = files;
  return limits;
}

/**
 * The refusal of files that would take an assessment's evidence past its quota, naming the quota
 * and what is used; `atLeast` when the upload was stopped part way (its size is more than that).
 */
export function evidenceQuotaError(room: { usedBytes: number; quotaBytes: number }, adding: number, atLeast = false): KaoheError {
  const left = Math.max(0, room.quotaBytes - room.usedBytes);
  return new KaoheError(
    'evidence-quota',
    `the evidence of this assessment is limited to ${shortBytes(room.quotaBytes)}: ${shortBytes(room.usedBytes)} already used, ${shortBytes(left)} left, and this upload is ${atLeast ? 'more than ' : ''}${shortBytes(adding)}`,
    { quota: room.quotaBytes, used: room.usedBytes, adding },
  );
}

/** Bytes needed to tell every accepted type apart (WebP needs 16: RIFF, size, WEBP, chunk). */
const SNIFF_BYTES = 16;

/** The MIME type a file's first bytes announce, or null when it is none of the evidence types. */
export function detectEvidenceType(head: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && Buffer.from(head.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'image/png';
  if (head.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP' && ['VP8 ', 'VP8L', 'VP8X'].includes(ascii(12, 16))) return 'image/webp';
  // At the very start: readers accept "%PDF-" anywhere in the first KiB, which lets an HTML page be a PDF too.
  if (head.length >= 5 && ascii(0, 5) === '%PDF-') return 'application/pdf';
  // ISO base media file: box size, 'ftyp', major brand. Only the HEIC brands phones write.
  if (head.length >= 12 && ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'mif1'].includes(ascii(8, 12))) return 'image/heic';
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SHA256 = /^[0-9a-f]{64}$/;
/** A temporary file's name: the process writing it, then a random part. */
const TEMP_NAME = /^(\d+)-[0-9a-f-]{36}\.part$/;

/**
 * A file checked and written to a temporary place, not yet in the store. `place()` puts it
 * there; `discard()` removes the temporary file (always call it, placed or not).
 */
export class StagedEvidence implements StoredEvidence {
  readonly sha256: string;
  readonly size: number;
  readonly mime: string;
  readonly filename: string;
  readonly takenAt?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  /** Whether place() created the stored file (rather than finding the same content there). */
  private created = false;

  constructor(
    private readonly store: EvidenceStore,
    private readonly tmp: string,
    info: StoredEvidence,
  ) {
    this.sha256 = info.sha256;
    this.size = info.size;
    this.mime = info.mime;
    this.filename = info.filename;
    if (info.takenAt !== undefined) this.takenAt = info.takenAt;
    if (info.latitude !== undefined) this.latitude = info.latitude;
    if (info.longitude !== undefined) this.longitude = info.longitude;
  }

  /** Links the file to its content address (nothing is written when that content is stored already). */
  async place(): Promise<void> {
    if (await this.store.placeFile(this.tmp, this.sha256, this.size)) this.created = true;
  }

  /** Takes back what place() created (after a failed commit); a file that was there before stays. */
  async unplace(): Promise<void> {
    if (!this.created) return;
    this.created = false;
    await this.store.removeFile(this.sha256);
  }

  /** Removes the temporary file. */
  async discard(): Promise<void> {
    await rm(this.tmp, { force: true });
  }

  /** What was stored, as a plain object. */
  stored(): StoredEvidence {
    const out: StoredEvidence = { sha256: this.sha256, size: this.size, mime: this.mime, filename: this.filename };
    if (this.takenAt !== undefined) out.takenAt = this.takenAt;
    if (this.latitude !== undefined) out.latitude = this.latitude;
    if (this.longitude !== undefined) out.longitude = this.longitude;
    return out;
  }
}

export class EvidenceStore {
  readonly root: string;
  readonly maxBytes: number;
  readonly types: readonly string[];
  readonly quotaBytes: number;
  readonly maxFiles: number;
  private readonly tmpDir: string;

  constructor(root: string, limits: EvidenceLimits = {}) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, 'tmp');
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_EVIDENCE_BYTES;
    this.types = limits.types ?? DEFAULT_EVIDENCE_TYPES;
    this.quotaBytes = limits.quotaBytes ?? DEFAULT_EVIDENCE_QUOTA_BYTES;
    this.maxFiles = limits.maxFiles ?? DEFAULT_MAX_EVIDENCE_FILES;
  }

  /**
   * Stores a file (checked by its bytes, not its name) and returns what it is. Storing the
   * same content again writes nothing and returns the same sha256. (A file that a database
   * row will name goes through stage() and place() instead, see CampaignServices.addEvidence.)
   */
  async put(input: EvidenceInput): Promise<StoredEvidence> {
    const staged = await this.stage(input);
    try {
      await staged.place();
      return staged.stored();
    } finally {
      await staged.discard();
    }
  }

  /**
   * Checks a file and writes it to the store's temporary folder: hashed, its type told from its
   * first bytes, refused at the first byte past the limits (the temporary file removed), a PDF
   * refused when it holds active content. Nothing is in the store until `place()`.
   */
  async stage(input: EvidenceInput, options: StageOptions = {}): Promise<StagedEvidence> {
    const filename = displayName(input.filename);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${process.pid}-${randomUUID()}.part`);
    try {
      let written: Written;
      if ('bytes' in input) {
        this.checkSize(filename, input.bytes.length, options);
        written = await this.receive(filename, [input.bytes], tmp, options, 'bytes');
      } else if ('path' in input) {
        const info = await stat(input.path).catch((e: unknown) => {
          throw new KaoheError('evidence-unreadable', `cannot read ${filename}: ${(e as Error).message}`, { filename });
        });
        if (!info.isFile()) throw new KaoheError('evidence-unreadable', `cannot read ${filename}: not a file`, { filename });
        // Refuse on the size first: no point copying 2 GB to refuse it.
        this.checkSize(filename, info.size, options);
        written = await this.receive(filename, createReadStream(input.path), tmp, options, 'file');
      } else {
        written = await this.receive(filename, input.stream, tmp, options, 'upload');
      }
      const exif = written.mime === 'image/jpeg' || written.mime === 'image/heic' ? await readExif('bytes' in input ? input.bytes : tmp) : {};
      return new StagedEvidence(this, tmp, { sha256: written.sha256, size: written.size, mime: written.mime, filename, ...exif });
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
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
   * Removes temporary files left by a crash or a killed process: those older than `olderThanMs`
   * (default one day, well past any upload in progress) and, with `startup`, those of a process
   * that no longer runs (or of an earlier process with this one's id: none of its own exist yet).
   * Returns how many were removed.
   */
  async sweepTemp(options: { olderThanMs?: number; now?: number; startup?: boolean } = {}): Promise<number> {
    const { olderThanMs = 24 * 60 * 60 * 1000, now = Date.now(), startup = false } = options;
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
      if (!info?.isFile()) continue;
      const pid = TEMP_NAME.exec(name)?.[1];
      const abandoned = startup && pid !== undefined && (Number(pid) === process.pid || !processRuns(Number(pid)));
      if (abandoned || now - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Every stored file: its sha256 and when it was written (temporary files and stray names left out). */
  async *list(): AsyncGenerator<{ sha256: string; mtimeMs: number }> {
    const hex2 = /^[0-9a-f]{2}$/;
    const level = async (dir: string) => (await readdir(dir).catch((e: unknown) => (isCode(e, 'ENOENT') ? [] : Promise.reject(e)))).filter((n) => hex2.test(n)).sort();
    for (const a of await level(this.root)) {
      for (const b of await level(join(this.root, a))) {
        const dir = join(this.root, a, b);
        for (const name of (await readdir(dir)).sort()) {
          if (!SHA256.test(name) || name.slice(0, 2) !== a || name.slice(2, 4) !== b) continue;
          const info = await lstat(join(dir, name)).catch(() => null);
          if (info?.isFile()) yield { sha256: name, mtimeMs: info.mtimeMs };
        }
      }
    }
  }

  /** Removes a stored file (one no row names: see housekeeping.ts and StagedEvidence.unplace). */
  async removeFile(sha256: string): Promise<void> {
    const path = this.pathOf(sha256);
    await rm(path, { force: true });
    await syncDir(join(path, '..'));
    // Its thumbnails (thumbnails.ts keeps them under thumbs/<aa>/<sha256>-<edge>.jpg).
    const sha = path.slice(-64);
    const thumbs = join(this.root, 'thumbs', sha.slice(0, 2));
    for (const name of await readdir(thumbs).catch(() => [] as string[])) if (name.startsWith(sha)) await rm(join(thumbs, name), { force: true });
  }

  /** The path of a stored file; refuses anything but 64 hex digits (so never a path outside root). */
  pathOf(sha256: string): string {
    const sha = normaliseSha(sha256);
    return join(this.root, sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  /**
   * Streams a file into tmp, hashing as it goes and checking as soon as it can: the type on the
   * first bytes, the size on every chunk (stopping at the first byte past the limit), a PDF's
   * content at its end. One chunk in memory at a time.
   */
  private async receive(
    filename: string,
    source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    tmp: string,
    options: StageOptions,
    from: 'bytes' | 'file' | 'upload',
  ): Promise<Written> {
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let mime: string | null = null;
    /** Chunks read before the type is known (a few bytes): a PDF's scanner needs them. */
    let early: Buffer[] = [];
    let pdf: PdfActiveContentScanner | null = null;
    const startPdf = () => {
      if (mime !== 'application/pdf') return;
      pdf = new PdfActiveContentScanner();
      for (const c of early) pdf.push(c);
    };
    const handle: FileHandle = await open(tmp, 'wx', 0o600);
    // A failure to write our own temporary file (a full disk) is not the file's fault.
    let writing = false;
    try {
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        if (chunk.length === 0) continue;
        size += chunk.length;
        this.checkSize(filename, size, options, true);
        if (mime === null) {
          early.push(chunk);
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          if (head.length >= SNIFF_BYTES) {
            mime = this.checkType(filename, head);
            startPdf();
            early = [];
          }
        } else (pdf as PdfActiveContentScanner | null)?.push(chunk);
        hash.update(chunk);
        writing = true;
        await handle.write(chunk);
        writing = false;
      }
      this.checkSize(filename, size, options);
      if (mime === null) {
        mime = this.checkType(filename, head);
        startPdf();
      }
      if (pdf) this.checkPdf(filename, pdf);
      writing = true;
      await handle.sync();
    } catch (e) {
      if (e instanceof KaoheError || writing || from === 'bytes') throw e;
      const why = from === 'upload' ? 'the upload was cut off' : 'cannot read';
      throw new KaoheError('evidence-unreadable', `${why === 'cannot read' ? `cannot read ${filename}` : `${filename}: ${why}`}: ${(e as Error).message}`, { filename });
    } finally {
      await handle.close();
    }
    return { sha256: hash.digest('hex'), size, mime };
  }

  /** `atLeast`: the size so far of a file still coming (refused at the first byte past a limit). */
  private checkSize(filename: string, size: number, options: StageOptions, atLeast = false): void {
    if (size === 0 && !atLeast) throw new KaoheError('evidence-empty', `${filename} is empty (0 bytes)`, { filename });
    if (size > this.maxBytes) {
      throw new KaoheError(
        'evidence-too-large',
        // Stopped part way, its size is not known: only that it passed the limit.
        `${filename} is ${atLeast ? 'more than ' : ''}${describeBytes(atLeast ? this.maxBytes : size)}; the limit is ${describeBytes(this.maxBytes)}`,
        { filename, size, limit: this.maxBytes },
      );
    }
    if (options.roomBytes !== undefined && size > options.roomBytes) {
      throw (
        options.overRoom?.(size, filename) ??
        new KaoheError('evidence-quota', `${filename} does not fit: ${describeBytes(Math.max(0, options.roomBytes))} left`, { filename, size, room: options.roomBytes })
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

  private checkPdf(filename: string, scanner: PdfActiveContentScanner): void {
    const r = scanner.result();
    if (r.active.length > 0) {
      throw new KaoheError(
        'evidence-active-content',
        `${filename} is a PDF with active content (${r.active.join(', ')}): scripts, actions run on opening, embedded files and interactive forms are not accepted in evidence; print it to a new PDF or scan the paper`,
        { filename, active: r.active },
      );
    }
    if (r.unreadable !== undefined) {
      throw new KaoheError(
        'evidence-active-content',
        `${filename} is a PDF whose content cannot be checked for scripts (${r.unreadable}); print it to a new PDF or scan the paper`,
        {
          filename,
          unreadable: r.unreadable,
        },
      );
    }
  }

  /**
   * Links a finished temporary file to its content address unless that content is there
   * already; true when it created the stored file.
   */
  async placeFile(tmp: string, sha256: string, size: number): Promise<boolean> {
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
        // hand): these bytes hash to its name, so they restore it (from a copy: tmp stays ours).
        const existing = await stat(target);
        if (existing.size !== size) await this.replaceWith(tmp, target);
        return false;
      }
      if (isCode(e, 'EPERM') || isCode(e, 'ENOTSUP') || isCode(e, 'EOPNOTSUPP')) {
        // A file system without hard links: the same bytes may replace the same bytes.
        if (await this.has(sha256)) return false;
        await this.replaceWith(tmp, target);
        await syncDir(dir);
        return true;
      }
      throw e;
    }
    await syncDir(dir);
    return true;
  }

  /** Puts a copy of tmp at target in one step (a rename of a whole copy): a reader never sees half a file. */
  private async replaceWith(tmp: string, target: string): Promise<void> {
    const copy = join(this.tmpDir, `${process.pid}-${randomUUID()}.part`);
    try {
      await copyFile(tmp, copy);
      const handle = await open(copy, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await chmod(copy, 0o444);
      await rename(copy, target);
    } finally {
      await rm(copy, { force: true });
    }
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
  const base = String(name)
    .split(/[/\\]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return base === '' || base === '.' || base === '..' ? 'evidence' : base;
}

/** Whether a process with this id runs (on this machine). */
function processRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return isCode(e, 'EPERM');
  }
}

/** "19.5 MiB (20,447,232 bytes)". */
export function describeBytes(n: number): string {
  return `${shortBytes(n)} (${n.toLocaleString('en-US')} bytes)`;
}

/** "19.5 MiB", "12 KiB", "0 KiB". */
export function shortBytes(n: number): string {
  const mib = n / (1024 * 1024);
  return mib >= 1 ? `${Number(mib.toFixed(1))} MiB` : `${Number((n / 1024).toFixed(1))} KiB`;
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
