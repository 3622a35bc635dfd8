/**
 * What a ranking reads of a village's stored result (points in cents): its sections, grade,
 * penalty, the nodes its tie-breaks name, and what a combined result needs. Kept beside the result
 * (assessments.parts, written with every score, a few hundred bytes), so a ranking of 50,000
 * villages reads that, not 50,000 whole results of five kilobytes each.
 */
import type { Scheme } from '../../core/scheme/model.ts';
import type { PeriodScore } from '../../core/scoring/combine.ts';

/** What a ranking reads of a stored result (points in cents). */
export type Parts = { sections: Record<string, number>; grade: string | null; penalty: number; nodes: Record<string, number>; period: PeriodScore };

/** A stored result (its JSON: points as decimals), as far as a ranking reads it. */
export interface StoredResult {
  base?: number;
  bonus?: number;
  max?: number;
  bonusMax?: number;
  penalty?: number;
  converted?: number | null;
  veto?: { items: string[]; effect: string; grade?: string; ceiling?: string } | null;
  nodes?: Record<string, { score: number }>;
  grade?: { code: string } | null;
}

const cents = (points: number | null | undefined) => Math.round((points ?? 0) * 100);

/** The parts of a stored result a ranking reads; node scores only of the codes named (tie-breaks). */
export function partsOfResult(result: StoredResult | null, scheme: Scheme, nodeCodes: readonly string[] = []): Parts {
  const sections: Record<string, number> = {};
  for (const s of scheme.sections) sections[s.code] = cents(result?.nodes?.[s.code]?.score);
  const nodes: Record<string, number> = {};
  for (const code of nodeCodes) if (result?.nodes?.[code]) nodes[code] = cents(result.nodes[code].score);
  const penalty = cents(result?.penalty);
  return {
    sections,
    grade: result?.grade?.code ?? null,
    penalty,
    nodes,
    period: {
      base: cents(result?.base),
      bonus: cents(result?.bonus),
      max: cents(result?.max),
      bonusMax: cents(result?.bonusMax),
      penalty,
      converted: result?.converted === undefined || result.converted === null ? null : cents(result.converted),
      veto: result?.veto ?? null,
    },
  };
}

/** The nodes a scheme's tie-breaks name (not base, bonus, penalty or a period). */
export function tieNodesOf(scheme: Scheme): string[] {
  return (scheme.ranking?.tieBreak ?? []).filter((k) => k !== 'base' && k !== 'bonus' && k !== 'penalty' && !scheme.periods?.some((p) => p.code === k));
}

/** The parts as stored (JSON text), marked with the scheme version they were read by. */
export function storedParts(result: StoredResult, scheme: Scheme, schemeVersionId: number): string {
  return JSON.stringify({ v: schemeVersionId, ...partsOfResult(result, scheme, tieNodesOf(scheme)) });
}

/** Stored parts, if they were read by this scheme version. */
export function readStoredParts(text: string | null, schemeVersionId: number): Parts | undefined {
  if (!text) return undefined;
  const p = JSON.parse(text) as Parts & { v: number };
  // Field by field, not a rest pattern: V8 copies 50,000 of them several times faster so.
  return p.v === schemeVersionId ? { sections: p.sections, grade: p.grade, penalty: p.penalty, nodes: p.nodes, period: p.period } : undefined;
}
