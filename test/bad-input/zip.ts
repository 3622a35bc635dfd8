/**
 * A minimal zip writer for hand-made workbooks: stored or deflated entries, local headers with
 * their sizes and CRC, a central directory, and, for zip bombs, sizes that can lie. Test-only:
 * exceljs writes well-formed workbooks; these are the ones it would never write.
 */
import { deflateRawSync, constants } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** The part's bytes (or text, as UTF-8). */
  data?: Buffer | string;
  /** Already deflated bytes (a bomb's), with the size they inflate to. */
  deflated?: { bytes: Buffer; size: number; crc?: number };
  /** Store instead of deflate. */
  store?: boolean;
  /** The uncompressed size the headers declare, when it is to lie. */
  declaredSize?: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The bytes of a zip archive holding the parts, in order. */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    let body: Buffer;
    let size: number;
    let crc: number;
    let method: number;
    if (p.deflated) {
      body = p.deflated.bytes;
      size = p.deflated.size;
      crc = p.deflated.crc ?? 0;
      method = 8;
    } else {
      const data = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : (p.data ?? Buffer.alloc(0));
      size = data.length;
      crc = crc32(data);
      method = p.store ? 0 : 8;
      body = p.store ? data : deflateRawSync(data);
    }
    const declared = p.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x5021, 12); // 2020-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(Math.min(declared, 0xfffffffe), 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(0x5021, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(Math.min(declared, 0xfffffffe), 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * Deflated bytes that inflate to `mib` MiB of zeros, made without ever holding them: one block of
 * 1 MiB of zeros, then the same block made against a window of zeros repeated (each about 1 KiB),
 * then an empty final block.
 */
export function deflatedZeros(mib: number): { bytes: Buffer; size: number } {
  const MiB = 1024 * 1024;
  const zeros = Buffer.alloc(MiB);
  const first = deflateRawSync(zeros, { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const again = deflateRawSync(zeros, { dictionary: Buffer.alloc(32 * 1024), finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const last = Buffer.from([0x03, 0x00]);
  return { bytes: Buffer.concat([first, ...Array.from({ length: mib - 1 }, () => again), last]), size: mib * MiB };
}
