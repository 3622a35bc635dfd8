import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf, KeyRows } from './key-rows.ts';

describe('KeyRows', () => {
  it('gives the row a key was first added on, as a Map would, through growth and collisions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'get'), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', 'a', 'ab', '王', '王大山', '\u0000', '5224251002010001'))), {
          maxLength: 3000,
        }),
        (ops) => {
          const keys = new KeyRows();
          const map = new Map<string, number>();
          ops.forEach(([op, key], row) => {
            if (op === 'get') {
              expect(keys.get(key)).toBe(map.get(key));
              return;
            }
            const first = map.get(key);
            expect(keys.add(key, row)).toBe(first);
            if (first === undefined) map.set(key, row);
          });
          expect(keys.size).toBe(map.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds a million keys', () => {
    const keys = new KeyRows();
    let wrong = 0;
    for (let i = 0; i < 1_000_000; i++) if (keys.add(`52242510020${i}`, i + 2) !== undefined) wrong++;
    expect(wrong).toBe(0);
    expect(keys.size).toBe(1_000_000);
    for (let i = 0; i < 1_000_000; i += 9973) expect(keys.add(`52242510020${i}`, 0)).toBe(i + 2);
    expect(keys.get('52242510020')).toBeUndefined();
    expect(keys.get('522425100201000000')).toBeUndefined();
    expect(keys.get('52242510020999999')).toBe(1_000_001);
  });

  it('tells keys apart that hash alike', () => {
    // FNV-1a collisions of the same length (found by a search).
    const pairs = [
      ['5224581a70000000', '5224c7e580000000'],
      ['5224c7e570000000', '5224581a80000000'],
      ['5224581a60000000', '5224c7e590000000'],
    ] as const;
    const keys = new KeyRows();
    pairs.forEach(([a, b], i) => {
      expect(hashOf(a)).toBe(hashOf(b));
      expect(keys.add(a, 10 * i)).toBeUndefined();
      expect(keys.get(b)).toBeUndefined();
      expect(keys.add(b, 10 * i + 1)).toBeUndefined();
    });
    pairs.forEach(([a, b], i) => {
      expect(keys.add(a, 99)).toBe(10 * i);
      expect(keys.add(b, 99)).toBe(10 * i + 1);
    });
    expect(keys.size).toBe(6);
  });
});
