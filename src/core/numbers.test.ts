import { describe, expect, it } from 'vitest';
import { CENTS_PER_POINT, formatPoints, fromCents, percentCents, toCents } from './numbers.ts';

describe('toCents', () => {
  it('reads whole and decimal numbers exactly', () => {
    expect(toCents(0)).toBe(0);
    expect(toCents(2)).toBe(200);
    expect(toCents(20)).toBe(2000);
    expect(toCents(0.5)).toBe(50);
    expect(toCents(0.25)).toBe(25);
    expect(toCents(0.01)).toBe(1);
    expect(toCents(1.1)).toBe(110);
    // 0.29 * 100 is 28.999999999999996 in binary floating point: no such drift here.
    expect(toCents(0.29)).toBe(29);
    expect(toCents(0.07)).toBe(7);
    expect(toCents(123456789.12)).toBe(12345678912);
    expect(toCents(1000)).toBe(100000);
  });

  it('removes binary noise a person never typed', () => {
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(0.7 + 0.1)).toBe(80);
    expect(toCents(1.15 * 3)).toBe(345);
  });

  it('reads numeric strings, trimming spaces and dropping trailing zeros', () => {
    expect(toCents('2')).toBe(200);
    expect(toCents(' 2 ')).toBe(200);
    expect(toCents('1.5')).toBe(150);
    expect(toCents('1.50')).toBe(150);
    expect(toCents('1.5000')).toBe(150);
    expect(toCents('1.050')).toBe(105);
    expect(toCents('0.05')).toBe(5);
    expect(toCents('007')).toBe(700);
  });

  it('keeps the sign of negative values (the loader rejects them with its own message)', () => {
    expect(toCents(-2)).toBe(-200);
    expect(toCents(-2.5)).toBe(-250);
    expect(toCents('-0.25')).toBe(-25);
  });

  it('reads every spelling of zero as plain 0, never negative zero', () => {
    expect(Object.is(toCents(0), 0)).toBe(true);
    expect(Object.is(toCents(-0), 0)).toBe(true);
    expect(Object.is(toCents('-0'), 0)).toBe(true);
    expect(Object.is(toCents('-0.00'), 0)).toBe(true);
  });

  it('rejects more than two decimals, as number or string', () => {
    expect(toCents(1.005)).toBeNull();
    expect(toCents('1.005')).toBeNull();
    expect(toCents(10.125)).toBeNull();
    expect(toCents('0.001')).toBeNull();
    expect(toCents(1e-7)).toBeNull();
    // Tiny numbers are written in exponent notation: they are not 0 points.
    expect(toCents(1e-21)).toBeNull();
    expect(toCents(5e-324)).toBeNull();
    expect(toCents(-1e-21)).toBeNull();
  });

  it('rejects what is not a plain decimal', () => {
    for (const bad of ['', ' ', 'abc', '1.', '.5', '+2', '1e3', '0x10', '1,5', '1 000', '−2', '１', '2分']) {
      expect(toCents(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(toCents(Number.NaN)).toBeNull();
    expect(toCents(Number.POSITIVE_INFINITY)).toBeNull();
    expect(toCents(Number.NEGATIVE_INFINITY)).toBeNull();
  });

  it('rejects values whose cents are not a safe integer', () => {
    expect(toCents(1e21)).toBeNull();
    expect(toCents(Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(toCents('90071992547410.00')).toBeNull();
    expect(toCents('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('fromCents', () => {
  it('gives the decimal number of points', () => {
    expect(CENTS_PER_POINT).toBe(100);
    expect(fromCents(1850)).toBe(18.5);
    expect(fromCents(9930)).toBe(99.3);
    expect(fromCents(7)).toBe(0.07);
    expect(fromCents(-250)).toBe(-2.5);
    expect(fromCents(0)).toBe(0);
  });

  it('round-trips with toCents for every cent value up to 1000 points', () => {
    for (let c = 0; c <= 100_000; c++) {
      if (toCents(fromCents(c)) !== c) throw new Error(`cent value ${c} does not round-trip`);
    }
  });
});

describe('formatPoints', () => {
  it('drops trailing zeros', () => {
    expect(formatPoints(1850)).toBe('18.5');
    expect(formatPoints(2000)).toBe('20');
    expect(formatPoints(0)).toBe('0');
    expect(formatPoints(1)).toBe('0.01');
    expect(formatPoints(5)).toBe('0.05');
    expect(formatPoints(10)).toBe('0.1');
    expect(formatPoints(50)).toBe('0.5');
    expect(formatPoints(105)).toBe('1.05');
    expect(formatPoints(125)).toBe('1.25');
    expect(formatPoints(20000)).toBe('200');
    expect(formatPoints(12345678912)).toBe('123456789.12');
  });

  it('shows negative values with a minus sign, and negative zero as 0', () => {
    expect(formatPoints(-50)).toBe('-0.5');
    expect(formatPoints(-5)).toBe('-0.05');
    expect(formatPoints(-200)).toBe('-2');
    expect(formatPoints(-0)).toBe('0');
  });

  it('formats what toCents reads back to the same cents', () => {
    for (const c of [0, 1, 9, 10, 11, 99, 100, 101, 110, 1999, 2000, 123456]) {
      expect(toCents(formatPoints(c))).toBe(c);
      expect(toCents(formatPoints(-c))).toBe(c === 0 ? 0 : -c);
    }
  });
});

describe('percentCents', () => {
  it('gives hundredths of a percent', () => {
    expect(percentCents(20000, 20000)).toBe(10000);
    expect(percentCents(19000, 20000)).toBe(9500);
    expect(percentCents(0, 20000)).toBe(0);
    expect(percentCents(8800, 9000)).toBe(9778); // 97.777…%
    expect(percentCents(4000, 5000)).toBe(8000);
  });

  it('rounds half up', () => {
    expect(percentCents(1, 3)).toBe(3333); // 33.333…
    expect(percentCents(2, 3)).toBe(6667); // 66.666…
    expect(percentCents(1, 20000)).toBe(1); // 0.005% → 0.01%
    expect(percentCents(3, 20000)).toBe(2); // 0.015% → 0.02%
    expect(percentCents(1, 40000)).toBe(0); // 0.0025% → 0.00%
    expect(percentCents(1, 8)).toBe(1250);
  });

  it('is null when there is nothing to be a percentage of', () => {
    expect(percentCents(0, 0)).toBeNull();
    expect(percentCents(100, 0)).toBeNull();
  });

  it('can exceed 100% when the part is larger', () => {
    expect(percentCents(21000, 20000)).toBe(10500);
  });
});
