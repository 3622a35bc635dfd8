/**
 * Exact point arithmetic. Points and amounts are kept as integer hundredths of a point
 * ("cents") so that 0.5 + 0.25 never drifts; they become decimals only when shown.
 */

/** Integer hundredths of a point. */
export type Cents = number;

export const CENTS_PER_POINT = 100;

/** Parses a decimal point value (number or numeric string) into cents; null if it is not a multiple of 0.01. */
export function toCents(value: number | string): Cents | null {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,2})0*)?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, frac = ''] = match;
  const cents = Number(whole) * CENTS_PER_POINT + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return null;
  // "-0" is 0, not negative zero (which Object.is and some formatters tell apart from 0).
  return sign === '-' && cents !== 0 ? -cents : cents;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // toPrecision(15) removes binary noise (0.1 + 0.2) but keeps every digit a person typed.
  // Exponent notation only appears below 1e-6 or from 1e21 up: never a whole number of cents
  // (or not a safe one), so it is left as is for the caller to reject. (toFixed(20) used to
  // turn 1e-21 into "0", accepting it as 0 points.)
  return Number(value.toPrecision(15)).toString();
}

/** Converts cents to a JavaScript number of points, for JSON output (exact to two decimals). */
export function fromCents(cents: Cents): number {
  return cents / CENTS_PER_POINT;
}

/** Formats cents as a point string without trailing zeros: 1850 → "18.5", 2000 → "20". */
export function formatPoints(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / CENTS_PER_POINT);
  const frac = abs % CENTS_PER_POINT;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** Ratio a/b as a percentage in cents (hundredths of a percent), rounded half up; null when b is 0. */
export function percentCents(part: Cents, whole: Cents): Cents | null {
  if (whole === 0) return null;
  // part * 10000 / whole, in integers: part and whole are at most ~1e13, product fits 2^53 for realistic schemes.
  const scaled = part * 100 * CENTS_PER_POINT;
  return Math.floor((2 * scaled + whole) / (2 * whole));
}
