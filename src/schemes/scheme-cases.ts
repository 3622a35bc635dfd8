/**
 * Test helper for the built-in schemes' hand-computed cases (village-team-2024.test.ts and the
 * others): scores a unit's findings and compares the result's totals, in cents, with the
 * office's arithmetic.
 */
import { expect } from 'vitest';
import { score, type Finding, type NodeScore, type ScoreResult, type Unit } from '../core/scoring/score.ts';
import type { Scheme } from '../core/scheme/model.ts';

/** The totals of a result an office checks by hand, in cents (hundredths of a point). */
export interface Totals {
  base: number;
  bonus: number;
  penalty: number;
  /** The converted base; null where the scheme does not convert. */
  converted: number | null;
  total: number;
  /** The grade's title (优秀, 较好…). */
  grade: string | null;
}

/** The result's totals. */
export function totalsOf(r: ScoreResult): Totals {
  return { base: r.base, bonus: r.bonus, penalty: r.penalty, converted: r.converted, total: r.total, grade: r.grade ? r.grade.title.zh : null };
}

/** Scores the findings and checks the totals. */
export function scoreCase(scheme: Scheme, unit: Unit, findings: Finding[], expected: Totals): ScoreResult {
  const r = score(scheme, unit, findings);
  expect(totalsOf(r)).toEqual(expected);
  return r;
}

/** A node of a result by code. */
export function nodeOf(r: ScoreResult, code: string): NodeScore {
  const n = r.nodes[code];
  if (!n) throw new Error(`no node ${code}`);
  return n;
}

/** The scores of the named nodes, in cents, by code (for one toEqual). */
export function scoresOf(r: ScoreResult, codes: string[]): Record<string, number> {
  return Object.fromEntries(codes.map((c) => [c, nodeOf(r, c).score]));
}
