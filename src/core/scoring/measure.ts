/**
 * Measured values and what they earn: a rate, an amount, a count or a rating, turned into points
 * by a measured rule (达到100%得满分，每低1个百分点扣0.5分…). Exact: a value is a fraction of
 * integers in hundredths of its unit (a rate in hundredths of a percent), and every comparison
 * and product is done on those integers (BigInt); only the points at the end are rounded, half
 * up to 0.01, and only where the rule counts pro rata.
 */
import type { Cents } from '../numbers.ts';
import type { Measure, MeasuredScoring, Rule } from '../scheme/model.ts';
import type { MeasuredValue } from './score.ts';

type MeasuredRule = Extract<Rule, { kind: 'measured' }>;

/** A value as the fraction p/q, in hundredths of the measure's unit (of a percent, for a rate). */
export interface Fraction {
  p: bigint;
  q: bigint;
}

/** Why a value cannot be read for a measure (a code of the finding problems), or null when it can. */
export function valueProblem(measure: Measure, value: unknown): { code: string; params?: Record<string, string> } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { code: 'missing-value' };
  const v = value as MeasuredValue;
  const nonNegInt = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const given = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  const only = (keys: string[]) => {
    const extra = given.filter((k) => !keys.includes(k));
    return extra.length > 0 ? { code: 'value-kind', params: { kind: measure.kind, field: extra.join(', ') } } : null;
  };
  switch (measure.kind) {
    case 'rate': {
      if (v.percent !== undefined) {
        return only(['percent']) ?? (nonNegInt(v.percent) ? null : { code: 'bad-value', params: { field: 'percent' } });
      }
      const wrong = only(['num', 'of']);
      if (wrong) return wrong;
      if (v.num === undefined || v.of === undefined) return { code: 'missing-value' };
      if (!nonNegInt(v.of) || v.of === 0) return { code: 'bad-value', params: { field: 'of' } };
      if (measure.terms) {
        if (typeof v.num !== 'object' || v.num === null) return { code: 'bad-value', params: { field: 'num' } };
        const codes = new Set(measure.terms.map((t) => t.code));
        for (const [code, n] of Object.entries(v.num)) {
          if (!codes.has(code)) return { code: 'unknown-term', params: { term: code, terms: [...codes].join('、') } };
          if (!nonNegInt(n)) return { code: 'bad-value', params: { field: `num.${code}` } };
        }
        return null;
      }
      return nonNegInt(v.num) ? null : { code: 'bad-value', params: { field: 'num' } };
    }
    case 'amount':
    case 'count': {
      const wrong = only(['amount']);
      if (wrong) return wrong;
      if (v.amount === undefined) return { code: 'missing-value' };
      if (!nonNegInt(v.amount) || (measure.kind === 'count' && v.amount % 100 !== 0)) return { code: 'bad-value', params: { field: 'amount' } };
      return null;
    }
    case 'rating': {
      const wrong = only(['level']);
      if (wrong) return wrong;
      if (v.level === undefined) return { code: 'missing-value' };
      const levels = measure.levels ?? [];
      return levels.some((l) => l.code === v.level) ? null : { code: 'unknown-level', params: { level: String(v.level), levels: levels.map((l) => l.code).join('、') } };
    }
  }
}

/** The value as a fraction (hundredths of the unit); a rating has none. */
export function fractionOf(measure: Measure, v: MeasuredValue): Fraction | null {
  if (measure.kind === 'rating') return null;
  if (v.percent !== undefined) return { p: BigInt(v.percent), q: 1n };
  if (v.amount !== undefined) return { p: BigInt(v.amount), q: 1n };
  if (v.num === undefined || v.of === undefined) return null;
  // Weighted numerator in hundredths of a count: Σ weight(cents) × n, or 100 × n without terms.
  let w = 0n;
  if (typeof v.num === 'number') w = 100n * BigInt(v.num);
  else for (const t of measure.terms ?? []) w += BigInt(t.weight) * BigInt(v.num[t.code] ?? 0);
  // rate in hundredths of a percent = w / (100 × of) × 100 × 100 = w × 100 / of
  return { p: w * 100n, q: BigInt(v.of) };
}

/** p/q rounded half up to an integer (p, q ≥ 0). */
export function roundHalfUp(p: bigint, q: bigint): number {
  return Number((2n * p + q) / (2n * q));
}

const ceilDiv = (p: bigint, q: bigint) => (p + q - 1n) / q;

/** What a measured value does to its item. */
export interface MeasuredEffect {
  /** Points the item earns from its own points (tiers, rating, proportional; shortfall: points − lost). */
  earned?: Cents;
  /** Points lost (shortfall, perUnit outside a bonus section) or added (a bonus section's), before caps. */
  amount: Cents;
  /** The value shown, in hundredths of the unit (of a percent), rounded half up; null for a rating. */
  shown: Cents | null;
  /** Shortfall: the steps counted; the floor reached. */
  steps?: string;
  belowFloor?: boolean;
  /** Tiers: the tier reached (1-based; 0: none). Rating: the level's code. */
  tier?: number;
  level?: string;
}

/**
 * What the value does under the rule, for an item of `points` (null: none of its own). `adds`:
 * the item sits in a bonus section, so what it earns is added, not what it loses deducted.
 */
export function measuredEffect(rule: MeasuredRule, points: Cents | null, value: MeasuredValue, adds: boolean): MeasuredEffect {
  const s: MeasuredScoring = rule.scoring;
  const own = points ?? 0;
  if (s.by === 'rating') {
    const level = rule.measure.levels?.find((l) => l.code === value.level);
    const earned = level?.points ?? 0;
    return { earned, amount: adds ? earned : own - earned, shown: null, level: value.level };
  }
  const f = fractionOf(rule.measure, value)!;
  const shown = roundHalfUp(f.p, f.q);
  switch (s.by) {
    case 'shortfall': {
      const target = BigInt(s.target);
      if (s.floor !== undefined && f.p < BigInt(s.floor) * f.q) return { earned: 0, amount: own, shown, belowFloor: true };
      const short = target * f.q - f.p; // shortfall × q, in hundredths of the unit
      if (short <= 0n) return { earned: own, amount: 0, shown, steps: '0' };
      const per = f.q * BigInt(s.step);
      let amount: number;
      let steps: string;
      if (s.rounding === 'exact') {
        amount = roundHalfUp(short * BigInt(s.amount), per);
        steps = (Number(short) / Number(per)).toFixed(2).replace(/\.?0+$/, '');
      } else {
        const n = s.rounding === 'up' ? ceilDiv(short, per) : short / per;
        amount = Number(n) * s.amount;
        steps = String(n);
      }
      return { earned: Math.max(0, own - amount), amount, shown, steps };
    }
    case 'tiers': {
      const at = s.tiers.findIndex((t) => (t.above ? f.p > BigInt(t.min) * f.q : f.p >= BigInt(t.min) * f.q));
      const earned = at < 0 ? 0 : s.tiers[at]!.points;
      return { earned, amount: adds ? earned : own - earned, shown, tier: at + 1 };
    }
    case 'proportional': {
      const whole = f.q * 10000n;
      const p = f.p < whole ? f.p : whole;
      const earned = roundHalfUp(BigInt(own) * p, whole);
      return { earned, amount: adds ? earned : own - earned, shown };
    }
    case 'perUnit': {
      const per = f.q * BigInt(s.unit);
      const amount = s.rounding === 'exact' ? roundHalfUp(f.p * BigInt(s.amount), per) : Number(f.p / per) * s.amount;
      return { amount, shown };
    }
  }
}
