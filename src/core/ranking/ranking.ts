/**
 * Rankings of villages in a campaign: county-wide and within each township, with averages,
 * grade counts and the change since the previous campaign. Pure and exact: everything is
 * integer cents, ties are decided the same way whatever the input order.
 */
import { KaoheError } from '../errors.ts';
import type { Cents } from '../numbers.ts';
import { applyQuotas, compareTieKeys, pointsOfRank, tieKeys, type RankingRulesInput } from './rules.ts';

export type { QuotaRule, RankingRulesInput } from './rules.ts';

/** One village's result in a campaign, as ranked. */
export interface RankInput {
  /** Village code (unique in the input; also the order of villages with equal totals). */
  village: string;
  name: string;
  township: string;
  townshipName: string;
  total: Cents;
  base: Cents;
  bonus: Cents;
  /** Score of each section, by section code. */
  sections: Record<string, Cents>;
  /** Grade code, when the scheme has grades. */
  grade?: string | null;
  /** Deductions from the total (penalty sections), for the 'penalty' tie-break. */
  penalty?: Cents;
  /** A combined result: each period's value (before its weight), by period code, for tie-breaks. */
  periods?: Record<string, Cents>;
  /** Scores of the nodes the tie-breaks name, by node code. */
  nodes?: Record<string, Cents>;
  /** A combined result (a final campaign): each period's part, as core/scoring/combine.ts gives it. */
  combined?: CombinedParts;
}

/** The parts of a combined result shown beside its total. */
export interface CombinedParts {
  /** Each period: its assessments' values (in order), the period's value and its weighted part. */
  periods: Array<{ code: string; count: number; values: Cents[]; value: Cents | null; weighted: Cents }>;
  weighted: Cents;
  bonusRaw: Cents;
  bonusMax: Cents;
  penalty: Cents;
  veto: { items: string[]; effect: 'zero' | 'grade' | 'ceiling'; grade?: string; ceiling?: string } | null;
}

/** A village's place in the previous campaign. */
export interface PreviousPlace {
  total: Cents;
  countyRank: number;
}

export interface RankOptions {
  /** The previous campaign's results by village code. */
  previous?: ReadonlyMap<string, PreviousPlace>;
  /** The scheme's ranking rules: tie-breaks, quotas, points from rank (see rules.ts). */
  rules?: RankingRulesInput;
}

export interface RankChange {
  /** total − previous total; null when the village was not in the previous campaign. */
  totalDelta: Cents | null;
  /** previous county rank − county rank: positive = moved up; null when new. */
  rankDelta: number | null;
}

export interface RankedRow extends RankInput {
  /**
   * Competition rank in the county: 1 + number of villages with a strictly higher total (or, with
   * tie-breaks, ahead of it on the total and then the tie-break keys).
   */
  countyRank: number;
  /** With quotas: the grade as scored; `grade` is then the grade after the quotas. */
  scoredGrade?: string | null;
  /** With points from rank: the points the county rank earns. */
  rankPoints?: Cents;
  /** Competition rank among the villages of the same township. */
  townshipRank: number;
  change: RankChange;
}

/** Averages and counts over a group of villages (a township or the county). */
export interface RankSummary {
  /** Number of villages. */
  count: number;
  /**
   * Average score of each section, in cents rounded half away from zero (四舍五入), over
   * the villages whose result has that section. Keys in order of first appearance.
   */
  averages: Record<string, Cents>;
  averageTotal: Cents;
  averageBase: Cents;
  averageBonus: Cents;
  /**
   * Villages per grade code, present when any village of the input has a grade: every grade
   * seen in the input is listed (0 where none), from the best-ranked grade seen down.
   * Villages without a grade are not counted.
   */
  gradeCounts?: Record<string, number>;
}

export interface TownshipRanking extends RankSummary {
  township: string;
  townshipName: string;
  /** The township's villages from its rank 1 down. */
  rows: RankedRow[];
}

export interface Rankings {
  /** Every village from county rank 1 down; equal totals by village code. */
  county: RankedRow[];
  /** Averages and grade counts over the whole county. */
  countySummary: RankSummary;
  /** Townships by township code. */
  townships: TownshipRanking[];
}

/** Ranks villages by total in the county and in their township (competition ranking: 1, 2, 2, 4). */
export function rank(rows: readonly RankInput[], options: RankOptions = {}): Rankings {
  check(rows);
  const rules = options.rules;
  const keys = new Map(rows.map((r) => [r.village, tieKeys(r, rules?.tieBreak)]));
  const ahead = (a: RankInput, b: RankInput) => b.total - a.total || compareTieKeys(keys.get(a.village)!, keys.get(b.village)!);
  const sorted = [...rows].sort((a, b) => ahead(a, b) || compareCodes(a.village, b.village));
  const countyRanks = competitionRanks(sorted, ahead);

  const byTownship = new Map<string, number[]>();
  sorted.forEach((row, i) => {
    const list = byTownship.get(row.township);
    if (list) list.push(i);
    else byTownship.set(row.township, [i]);
  });
  const townshipRanks = new Array<number>(sorted.length);
  for (const indices of byTownship.values()) {
    const ranks = competitionRanks(
      indices.map((i) => sorted[i]!),
      ahead,
    );
    indices.forEach((i, k) => (townshipRanks[i] = ranks[k]!));
  }

  const previous = options.previous;
  const quotaGrades = rules?.quotas?.length
    ? applyQuotas(
        sorted.map((row, i) => ({ rank: countyRanks[i]!, grade: row.grade ?? null })),
        rules.quotas,
      )
    : null;
  const county: RankedRow[] = sorted.map((row, i) => {
    const countyRank = countyRanks[i]!;
    const before = previous?.get(row.village);
    const points = pointsOfRank(countyRank, rules);
    return {
      ...row,
      ...(quotaGrades ? { scoredGrade: row.grade ?? null, grade: quotaGrades[i]! } : {}),
      ...(points !== null ? { rankPoints: points } : {}),
      countyRank,
      townshipRank: townshipRanks[i]!,
      change: before ? { totalDelta: row.total - before.total, rankDelta: before.countyRank - countyRank } : { totalDelta: null, rankDelta: null },
    };
  });

  const grades = gradesSeen(county);
  const townships: TownshipRanking[] = [...byTownship.entries()]
    .sort(([a], [b]) => compareCodes(a, b))
    .map(([township, indices]) => {
      const members = indices.map((i) => county[i]!);
      return {
        township,
        // The name of the township's best-ranked village: the same whatever the input order.
        townshipName: members[0]!.townshipName,
        ...summarise(members, grades),
        rows: members,
      };
    });

  return { county, countySummary: summarise(county, grades), townships };
}

/** A group of ranked villages above the township (a county, in a city's or province's ranking), by its average. */
export interface GroupRanking extends RankSummary {
  code: string;
  name: string;
  /** Competition rank by average total (equal averages share a rank); the order shown, then by code. */
  rank: number;
}

/**
 * Groups of ranked villages (a city's or a province's counties) ranked by their villages'
 * average total: the scheme ranks villages, not counties, so this compares the counties'
 * averages and says nothing a scheme did not (docs/roles.md, "Offices above the county").
 * A village whose group is unknown is left out.
 */
export function rankGroups(rows: readonly RankedRow[], groupOf: (row: RankedRow) => { code: string; name: string } | undefined): GroupRanking[] {
  const groups = new Map<string, { name: string; rows: RankedRow[] }>();
  for (const row of rows) {
    const g = groupOf(row);
    if (!g) continue;
    const entry = groups.get(g.code);
    if (entry) entry.rows.push(row);
    else groups.set(g.code, { name: g.name, rows: [row] });
  }
  const grades = gradesSeen(rows);
  const sorted = [...groups.entries()]
    .map(([code, g]) => ({ code, name: g.name, ...summarise(g.rows, grades) }))
    .sort((a, b) => b.averageTotal - a.averageTotal || compareCodes(a.code, b.code));
  const ranks: number[] = [];
  sorted.forEach((g, i) => ranks.push(i > 0 && sorted[i - 1]!.averageTotal === g.averageTotal ? ranks[i - 1]! : i + 1));
  return sorted.map((g, i) => ({ ...g, rank: ranks[i]! }));
}

/** Rounds n / d to the nearest integer, halves away from zero, exactly (d > 0, integers). */
export function divideRounded(n: number, d: number): number {
  const remainder = n % d;
  const quotient = (n - remainder) / d;
  if (2 * Math.abs(remainder) >= d) return quotient + Math.sign(remainder);
  return quotient;
}

function check(rows: readonly RankInput[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.village)) {
      throw new KaoheError('ranking-duplicate-village', `village ${row.village} (${row.name}) appears more than once in the results to rank`);
    }
    seen.add(row.village);
    for (const [field, value] of [
      ['total', row.total],
      ['base', row.base],
      ['bonus', row.bonus],
      ...Object.entries(row.sections).map(([code, v]) => [`sections.${code}`, v] as const),
      ...(row.penalty !== undefined ? [['penalty', row.penalty] as const] : []),
      ...Object.entries(row.periods ?? {}).map(([code, v]) => [`periods.${code}`, v] as const),
      ...Object.entries(row.nodes ?? {}).map(([code, v]) => [`nodes.${code}`, v] as const),
    ] as const) {
      if (!Number.isSafeInteger(value)) {
        throw new KaoheError('ranking-bad-points', `village ${row.village} (${row.name}), ${field}: ${String(value)} is not a whole number of hundredths of a point`);
      }
    }
  }
}

/** Code order by UTF-16 code units: the same in every locale (localeCompare is not). */
function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranks of sorted rows: rows neither ahead of the other (equal totals and tie keys) share a rank, the next one skips. */
function competitionRanks(sorted: readonly RankInput[], ahead: (a: RankInput, b: RankInput) => number): number[] {
  const ranks: number[] = [];
  sorted.forEach((row, i) => {
    ranks.push(i > 0 && ahead(sorted[i - 1]!, row) === 0 ? ranks[i - 1]! : i + 1);
  });
  return ranks;
}

function gradesSeen(rows: readonly RankedRow[]): string[] | null {
  const grades: string[] = [];
  for (const row of rows) if (row.grade != null && !grades.includes(row.grade)) grades.push(row.grade);
  return grades.length > 0 ? grades : null;
}

function summarise(rows: readonly RankedRow[], grades: string[] | null): RankSummary {
  const count = rows.length;
  const sums = new Map<string, { sum: number; n: number }>();
  let total = 0;
  let base = 0;
  let bonus = 0;
  for (const row of rows) {
    total += row.total;
    base += row.base;
    bonus += row.bonus;
    for (const [code, value] of Object.entries(row.sections)) {
      const s = sums.get(code);
      if (s) {
        s.sum += value;
        s.n += 1;
      } else sums.set(code, { sum: value, n: 1 });
    }
  }
  if (![total, base, bonus, ...[...sums.values()].map((s) => s.sum)].every(Number.isSafeInteger)) {
    // Unreachable for real campaigns (it needs sums past 9e13 points); refuse rather than round.
    throw new KaoheError('ranking-overflow', 'the sums of points are too large to average exactly');
  }
  const averages: Record<string, Cents> = {};
  for (const [code, { sum, n }] of sums) averages[code] = divideRounded(sum, n);
  const summary: RankSummary = {
    count,
    averages,
    averageTotal: count > 0 ? divideRounded(total, count) : 0,
    averageBase: count > 0 ? divideRounded(base, count) : 0,
    averageBonus: count > 0 ? divideRounded(bonus, count) : 0,
  };
  if (grades) {
    const counts: Record<string, number> = {};
    for (const g of grades) counts[g] = 0;
    for (const row of rows) if (row.grade != null) counts[row.grade]! += 1;
    summary.gradeCounts = counts;
  }
  return summary;
}
