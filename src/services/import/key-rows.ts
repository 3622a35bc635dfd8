/**
 * The row each key of a file was first seen on, for a million keys and more: an open-addressing
 * hash table over typed arrays, the keys' characters copied into one pool. Nothing in it is a
 * JavaScript object a key: the garbage collector has nothing to trace (a Map of a million
 * strings is traced at every major collection), no string of the file is kept alive, and a new
 * key costs one probe of the table where a Map costs a lookup and an insert.
 */

/** FNV-1a over the UTF-16 code units. */
export function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class KeyRows {
  /**
   * Two numbers a slot: entry + 1 (0: an empty slot) and the entry's hash, side by side, so that
   * a probe reads one place in memory, and the entry only when the hashes are the same.
   */
  private slots = new Int32Array(2 << 12);
  private mask = (1 << 12) - 1;
  /** Per entry: its hash, its first row, where its characters start in the pool (and end: the next one's start). */
  private hashes = new Int32Array(1 << 11);
  private rows = new Float64Array(1 << 11);
  private starts = new Float64Array((1 << 11) + 1);
  private pool = new Uint16Array(1 << 15);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The row `key` was first added on; undefined if it was not. */
  get(key: string): number | undefined {
    const entry = this.find(key, hashOf(key) | 0);
    return entry < 0 ? undefined : this.rows[entry]!;
  }

  /** Adds `key` on `row` unless it is there: then the row it was first added on (and nothing changes). */
  add(key: string, row: number): number | undefined {
    const hash = hashOf(key) | 0;
    const entry = this.find(key, hash);
    if (entry >= 0) return this.rows[entry]!;
    this.insert(key, hash, row, ~entry);
    return undefined;
  }

  /** The entry of `key`; if none, ~(the empty slot it would go in). */
  private find(key: string, hash: number): number {
    const { slots, mask, starts, pool } = this;
    const length = key.length;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = slots[2 * slot]! - 1;
      if (e < 0) return ~slot;
      if (slots[2 * slot + 1] !== hash) continue;
      const start = starts[e]!;
      if (starts[e + 1]! - start !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (pool[start + i] !== key.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return e;
    }
  }

  private insert(key: string, hash: number, row: number, slot: number): void {
    const e = this.count;
    if (e + 1 >= this.hashes.length) this.growEntries();
    const start = this.starts[e]!;
    const end = start + key.length;
    if (end > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, end));
      pool.set(this.pool);
      this.pool = pool;
    }
    for (let i = 0; i < key.length; i++) this.pool[start + i] = key.charCodeAt(i);
    this.hashes[e] = hash;
    this.rows[e] = row;
    this.starts[e + 1] = end;
    this.slots[2 * slot] = e + 1;
    this.slots[2 * slot + 1] = hash;
    this.count = e + 1;
    // At most half full: probes stay short.
    if (this.count * 2 > this.mask + 1) this.growSlots();
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const hashes = new Int32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const rows = new Float64Array(n);
    rows.set(this.rows);
    this.rows = rows;
    const starts = new Float64Array(n + 1);
    starts.set(this.starts);
    this.starts = starts;
  }

  private growSlots(): void {
    const mask = (this.mask + 1) * 2 - 1;
    const slots = new Int32Array(2 * (mask + 1));
    for (let e = 0; e < this.count; e++) {
      const hash = this.hashes[e]!;
      let slot = hash & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = e + 1;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
