import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValueBatch, transferables, ValueBatchEncoder } from './value-batch.ts';
import type { Value } from './validate.ts';

describe('value batches', () => {
  it('give back the values as they went in, rows of any strings and numbers, over growth of the text', () => {
    const value: fc.Arbitrary<Value> = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }),
      fc.constantFrom('', '王大山', '5224251002010001', '\u0000', '\uFEFF'),
      fc.double(),
      fc.constantFrom(0, -0, 2020, Number.MAX_SAFE_INTEGER, -1.5, Number.NaN, Infinity),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { maxLength: 30 }),
        (width, capacity, rows) => {
          const encoder = new ValueBatchEncoder(width, capacity);
          const got: Value[] = [];
          const sent: Value[] = [];
          for (const r of rows) {
            const row = r.slice(0, width);
            encoder.add(row);
            sent.push(...row);
            if (encoder.full) {
              const b = encoder.take();
              expect(b.count).toBe(capacity);
              got.push(...decodeValueBatch(b));
            }
          }
          const last = encoder.take();
          expect(transferables(last)).toHaveLength(4);
          got.push(...decodeValueBatch(last));
          expect(got).toHaveLength(sent.length);
          got.forEach((v, i) => expect(Object.is(v, sent[i])).toBe(true));
        },
      ),
      { numRuns: 300 },
    );
  });
});
