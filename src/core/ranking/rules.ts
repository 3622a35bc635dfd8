/**
 * The rules a scheme sets for its rankings (the scheme's `ranking`): tie-breaks, quotas of grades
 * and points from a rank. Pure and exact; `rank` (ranking.ts) applies them.
 *
 * Readings written down (each with its alternative):
 * - Tie-breaks (综合得分相同的，年终考核得分高者排名在前): units with equal totals are ordered by
 *   the keys in order, higher first ('penalty': lower first); a unit without the key's value
 *   (no such period or node in its result) comes after those with one. Units equal on every key
 *   share a rank (competition ranking, 1, 2, 2, 4) and are listed by code.
 * - Quotas ('好'等次不超过20%，按综合得分从高到低确定，超出比例的确定为'较好'): the share is of
 *   the units ranked (not of the campaign's units, some of which may have no result yet). The
 *   number allowed is share × count rounded down (不超过: 20% of 12 = 2.4 → 2); `rounding`
 *   'halfUp' or 'up' give 2 or 3 instead. Holders of the grade keep it from the top of the
 *   ranking down while the number allowed lasts; units sharing a rank at the boundary are not
 *   split by code: by default none of them keeps the grade (`boundaryTies: 'demote'`, the strict
 *   reading of 不超过, the quota may stay partly unused), or all of them do (`'keep'`, the
 *   quota may be exceeded by the tie). Units beyond the quota get `otherwise`. Quotas apply in
 *   order, so units moved to `otherwise` count in a later quota on that grade.
 * - Points from rank (排名1—5名依次得60、57…分): by the county rank; units sharing a rank each
 *   earn that rank's points (two units ranked 2nd both earn the 2nd place's points, the next is
 *   4th). The alternative, the average of the places they occupy, is not taken: it gives
 *   fractions the schemes never print. Ranks beyond the list earn `rankPointsRest` (0 if not given).
 */
import type { Cents } from '../numbers.ts';

/** A quota of a grade; `rounding` and `boundaryTies` are proposed model fields (defaults: 'down', 'demote'). */
export interface QuotaRule {
  grade: string;
  /** Share in hundredths of a percent: 2000 = 20%. */
  share: Cents;
  otherwise: string;
  rounding?: 'down' | 'halfUp' | 'up';
  boundaryTies?: 'demote' | 'keep';
}

/** The scheme's `ranking` (model.ts RankingRules), read structurally so proposed fields pass through. */
export interface RankingRulesInput {
  quotas?: readonly QuotaRule[];
  tieBreak?: readonly string[];
  rankPoints?: readonly Cents[];
  rankPointsRest?: Cents;
}

/** What a tie-break key reads of a unit. */
export interface TieSource {
  base: Cents;
  bonus: Cents;
  penalty?: Cents;
  /** Each period's value (before its weight), by period code. */
  periods?: Readonly<Record<string, Cents>>;
  /** Node scores, by node code (at least those named by tie-breaks). */
  nodes?: Readonly<Record<string, Cents>>;
  sections?: Readonly<Record<string, Cents>>;
}

/** The tie-break values of a unit, each oriented so that higher ranks first; null: the unit has none. */
export function tieKeys(unit: TieSource, tieBreak: readonly string[] | undefined): Array<Cents | null> {
  if (!tieBreak) return [];
  return tieBreak.map((key) => {
    if (key === 'base') return unit.base;
    if (key === 'bonus') return unit.bonus;
    if (key === 'penalty') return -(unit.penalty ?? 0);
    const v = unit.periods?.[key] ?? unit.nodes?.[key] ?? unit.sections?.[key];
    return v ?? null;
  });
}

/** Compares tie keys: negative when `a` ranks first. */
export function compareTieKeys(a: ReadonlyArray<Cents | null>, b: ReadonlyArray<Cents | null>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  }
  return 0;
}

/** How many units may hold a grade: share × count, rounded as the quota says (down by default). */
export function quotaLimit(share: Cents, count: number, rounding: QuotaRule['rounding'] = 'down'): number {
  const scaled = share * count; // in hundredths of a percent of a unit: ÷ 10000
  if (rounding === 'up') return Math.ceil(scaled / 10000);
  if (rounding === 'halfUp') return Math.floor((2 * scaled + 10000) / 20000);
  return Math.floor(scaled / 10000);
}

/**
 * Grades after the quotas, for units given in ranking order with their ranks (equal ranks: a tie)
 * and grades as scored. Returns the grades after quotas, in the same order.
 */
export function applyQuotas(units: ReadonlyArray<{ rank: number; grade: string | null }>, quotas: readonly QuotaRule[] | undefined): Array<string | null> {
  const grades = units.map((u) => u.grade);
  for (const q of quotas ?? []) {
    const limit = quotaLimit(q.share, units.length, q.rounding);
    let kept = 0;
    let full = false;
    let i = 0;
    while (i < units.length) {
      // The units sharing this rank.
      let j = i + 1;
      while (j < units.length && units[j]!.rank === units[i]!.rank) j++;
      const holders = [];
      for (let k = i; k < j; k++) if (grades[k] === q.grade) holders.push(k);
      if (holders.length > 0) {
        const fits = !full && (kept + holders.length <= limit || (q.boundaryTies === 'keep' && kept < limit));
        if (fits) kept += holders.length;
        else {
          full = true;
          for (const k of holders) grades[k] = q.otherwise;
        }
      }
      i = j;
    }
  }
  return grades;
}

/** The points a rank earns, or null when the rules give none. */
export function pointsOfRank(rankNumber: number, rules: RankingRulesInput | undefined): Cents | null {
  if (!rules?.rankPoints && rules?.rankPointsRest === undefined) return null;
  return rules.rankPoints?.[rankNumber - 1] ?? rules.rankPointsRest ?? 0;
}
