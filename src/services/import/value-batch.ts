/**
 * Rows of values (string, number or null) packed for a message between threads: a kind byte per
 * value, the numbers in a Float64Array, the strings' UTF-16 code units one after another in a
 * Uint16Array, with their lengths. The buffers are moved, not copied, and the receiver makes one
 * string of all the text at once: a fraction of the cost of a structured clone of the values
 * (an array of mixed values is cloned value by value, on both sides). The sender keeps no string
 * of a row once it is added, so the rows' strings die young.
 */
import type { Value } from './validate.ts';

export interface ValueBatch {
  /** Rows in the batch. */
  count: number;
  /** Per value: 0 null, 1 string, 2 number. */
  kinds: Uint8Array;
  numbers: Float64Array;
  /** Per string: its length in UTF-16 code units. */
  lengths: Uint32Array;
  /** The strings' code units, one string after another. */
  text: Uint16Array;
}

const NULL = 0;
const STRING = 1;
const NUMBER = 2;

/** Packs rows of `width` values, up to `capacity` rows a batch. */
export class ValueBatchEncoder {
  count = 0;
  private kinds: Uint8Array;
  private numbers: Float64Array;
  private lengths: Uint32Array;
  private text: Uint16Array;
  private k = 0;
  private n = 0;
  private s = 0;
  private c = 0;

  constructor(
    private readonly width: number,
    readonly capacity: number,
  ) {
    this.kinds = new Uint8Array(width * capacity);
    this.numbers = new Float64Array(width * capacity);
    this.lengths = new Uint32Array(width * capacity);
    this.text = new Uint16Array(width * capacity * 8);
  }

  add(values: readonly Value[]): void {
    const { kinds, width } = this;
    for (let i = 0; i < width; i++) {
      const v = values[i];
      if (typeof v === 'string') {
        kinds[this.k++] = STRING;
        const length = v.length;
        this.lengths[this.s++] = length;
        let c = this.c;
        if (c + length > this.text.length) {
          const text = new Uint16Array(Math.max(this.text.length * 2, c + length));
          text.set(this.text.subarray(0, c));
          this.text = text;
        }
        const text = this.text;
        for (let j = 0; j < length; j++) text[c++] = v.charCodeAt(j);
        this.c = c;
      } else if (typeof v === 'number') {
        kinds[this.k++] = NUMBER;
        this.numbers[this.n++] = v;
      } else {
        kinds[this.k++] = NULL;
      }
    }
    this.count++;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** The batch so far (its buffers are copies, to transfer), and a fresh start. */
  take(): ValueBatch {
    const batch: ValueBatch = {
      count: this.count,
      kinds: this.kinds.slice(0, this.k),
      numbers: this.numbers.slice(0, this.n),
      lengths: this.lengths.slice(0, this.s),
      text: this.text.slice(0, this.c),
    };
    this.count = this.k = this.n = this.s = this.c = 0;
    return batch;
  }
}

/** The buffers of a batch, for postMessage's transfer list. */
export const transferables = (b: ValueBatch): ArrayBuffer[] => [b.kinds, b.numbers, b.lengths, b.text].map((a) => a.buffer as ArrayBuffer);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The code units as one string, as they are (a lone surrogate too: Buffer's UTF-16 keeps it, where a TextDecoder would replace it). */
function textOf(units: Uint16Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
  let text = '';
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.subarray(i, i + 8192));
  return text;
}

/** The batch's values, one row after another, in one array. */
export function decodeValueBatch(b: ValueBatch): Value[] {
  const { kinds, numbers, lengths } = b;
  const text = textOf(b.text);
  const out: Value[] = new Array(kinds.length);
  let n = 0;
  let s = 0;
  let pos = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === STRING) {
      const end = pos + lengths[s++]!;
      out[i] = text.slice(pos, end);
      pos = end;
    } else if (kind === NUMBER) {
      out[i] = numbers[n++]!;
    } else {
      out[i] = null;
    }
  }
  return out;
}
