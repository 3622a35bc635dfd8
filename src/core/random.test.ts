import { describe, expect, it } from 'vitest';
import { Random, normaliseSeed } from './random.ts';

const draw = (r: Random, n: number) => Array.from({ length: n }, () => r.next());

describe('Random', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draw(new Random(42), 20)).toEqual(draw(new Random(42), 20));
    expect(draw(new Random(42), 20)).not.toEqual(draw(new Random(43), 20));
    expect(draw(new Random(0), 5)).not.toEqual(draw(new Random(1), 5));
  });

  it('is a fixed algorithm (the sequence never changes between versions by accident)', () => {
    const r = new Random(2020);
    expect(r.seed).toBe(2915809986);
    expect(draw(r, 3).map((x) => Math.round(x * 1e9))).toEqual([34276490, 977929044, 95633184]);
    expect(new Random(2020).fork('a').next()).toBeCloseTo(0.4154766749124974, 15);
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const xs = draw(new Random(7), 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('int covers both ends of the range and nothing outside', () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 8);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(8);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.int(5, 5)).toBe(5);
    expect(() => r.int(5, 4)).toThrow(RangeError);
    expect(() => r.int(0.5, 4)).toThrow(RangeError);
  });

  it('chance respects its probability roughly and exactly at 0 and 1', () => {
    const r = new Random(9);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (r.chance(0.3)) hits++;
    expect(hits).toBeGreaterThan(2800);
    expect(hits).toBeLessThan(3200);
    for (let i = 0; i < 100; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it('pick, weighted, shuffle and sample', () => {
    const r = new Random(5);
    const items = ['a', 'b', 'c', 'd'];
    for (let i = 0; i < 50; i++) expect(items).toContain(r.pick(items));
    expect(() => r.pick([])).toThrow(RangeError);

    for (let i = 0; i < 200; i++)
      expect(
        r.weighted([
          ['x', 0],
          ['y', 1],
          ['z', 0],
        ]),
      ).toBe('y');
    expect(() => r.weighted([['x', 0]])).toThrow(RangeError);

    const shuffled = r.shuffle(items);
    expect(shuffled.slice().sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd']);
    const orders = new Set(Array.from({ length: 50 }, () => r.shuffle(items).join('')));
    expect(orders.size).toBeGreaterThan(5);

    const s = r.sample(items, 2);
    expect(s).toHaveLength(2);
    expect(new Set(s).size).toBe(2);
    expect(r.sample(items, 10)).toHaveLength(4);
  });

  it("fork gives independent streams that do not depend on the parent's use", () => {
    const a = new Random(11);
    const b = new Random(11);
    draw(b, 100);
    expect(draw(a.fork('village:1'), 10)).toEqual(draw(b.fork('village:1'), 10));
    expect(draw(a.fork('village:1'), 10)).not.toEqual(draw(a.fork('village:2'), 10));
    expect(draw(a.fork(3), 10)).toEqual(draw(a.fork('3'), 10));
  });

  it('normalises seeds: large and negative integers are distinct, non-finite ones are refused', () => {
    expect(normaliseSeed(1)).not.toBe(normaliseSeed(-1));
    expect(normaliseSeed(2 ** 32 + 1)).not.toBe(normaliseSeed(1));
    expect(() => normaliseSeed(Number.NaN)).toThrow(RangeError);
    expect(() => normaliseSeed(Infinity)).toThrow(RangeError);
  });
});
