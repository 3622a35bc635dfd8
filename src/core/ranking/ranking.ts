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
  // Sorted once as entries holding their tie keys (a province's 50,000 villages: no lookups per comparison).
  const tieBreak = rules?.tieBreak;
  const entries = rows.map((row) => ({ row, keys: tieBreak ? tieKeys(row, tieBreak) : NO_KEYS }));
  const before = (a: Entry, b: Entry) => b.row.total - a.row.total || (tieBreak ? compareTieKeys(a.keys, b.keys) : 0);
  entries.sort((a, b) => before(a, b) || compareCodes(a.row.village, b.row.village));
  const sorted = entries.map((e) => e.row);
  const keyOf = new Map<RankInput, readonly (Cents | null)[]>();
  if (tieBreak) for (const e of entries) keyOf.set(e.row, e.keys);
  const ahead = (a: RankInput, b: RankInput) => b.total - a.total || (tieBreak ? compareTieKeys(keyOf.get(a)!, keyOf.get(b)!) : 0);
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
    // Object.assign, not a spread: V8 (Node 20) copies 50,000 rows of a province several times faster so.
    const ranked: RankedRow = Object.assign({}, row, {
      countyRank,
      townshipRank: townshipRanks[i]!,
      change: before ? { totalDelta: row.total - before.total, rankDelta: before.countyRank - countyRank } : { totalDelta: null, rankDelta: null },
    });
    if (quotaGrades) {
      ranked.scoredGrade = row.grade ?? null;
      ranked.grade = quotaGrades[i]!;
    }
    if (points !== null) ranked.rankPoints = points;
    return ranked;
  });

  const grades = gradesSeen(county);
  const codes = sectionCodes(rows);
  const townships: TownshipRanking[] = [...byTownship.entries()]
    .sort(([a], [b]) => compareCodes(a, b))
    .map(([township, indices]) => {
      const members = indices.map((i) => county[i]!);
      return {
        township,
        // The name of the township's best-ranked village: the same whatever the input order.
        townshipName: members[0]!.townshipName,
        ...summarise(members, grades, codes),
        rows: members,
      };
    });

  return { county, countySummary: summarise(county, grades, codes), townships };
}

/** A row to sort with its tie keys. */
interface Entry {
  row: RankInput;
  keys: readonly (Cents | null)[];
}
const NO_KEYS: readonly (Cents | null)[] = [];

/**
 * What counties are ranked by (the scheme ranks villages, not counties: this is Kaohe's summary,
 * chosen by the office, KAOHE_COUNTY_RANKING): `average`, their ranked villages' average total
 * (the default); `median`, the median total, which one village far below or above the others
 * moves less. docs/security-authz.md, "Offices above the county", lists the alternatives.
 */
export type GroupBasis = 'average' | 'median';
export const GROUP_BASES: readonly GroupBasis[] = ['average', 'median'];

/** A group of ranked villages above the township (a county, in a city's or province's ranking), by its average or median. */
export interface GroupRanking extends RankSummary {
  code: string;
  name: string;
  /** The median of its villages' totals (of an even number, the two middle ones' mean, rounded half away from zero). */
  medianTotal: Cents;
  /** What it is ranked by. */
  basis: GroupBasis;
  /** Competition rank by the basis (equal values share a rank); the order shown, then by code. */
  rank: number;
}

/** The median of whole numbers of hundredths (0 of none). */
export function medianOf(values: readonly Cents[]): Cents {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : divideRounded(sorted[mid - 1]! + sorted[mid]!, 2);
}

/**
 * Groups of ranked villages (a city's or a province's counties) ranked by their villages'
 * average total, or their median (`basis`): the scheme ranks villages, not counties, so this
 * compares the counties' figures and says nothing a scheme did not. A village whose group is
 * unknown is left out.
 */
export function rankGroups(rows: readonly RankedRow[], groupOf: (row: RankedRow) => { code: string; name: string } | undefined, basis: GroupBasis = 'average'): GroupRanking[] {
  const groups = new Map<string, { name: string; rows: RankedRow[] }>();
  for (const row of rows) {
    const g = groupOf(row);
    if (!g) continue;
    const entry = groups.get(g.code);
    if (entry) entry.rows.push(row);
    else groups.set(g.code, { name: g.name, rows: [row] });
  }
  const grades = gradesSeen(rows);
  const codes = sectionCodes(rows);
  const by = (g: { averageTotal: Cents; medianTotal: Cents }) => (basis === 'median' ? g.medianTotal : g.averageTotal);
  const sorted = [...groups.entries()]
    .map(([code, g]) => ({ code, name: g.name, ...summarise(g.rows, grades, codes), medianTotal: medianOf(g.rows.map((r) => r.total)), basis }))
    .sort((a, b) => by(b) - by(a) || compareCodes(a.code, b.code));
  const ranks: number[] = [];
  sorted.forEach((g, i) => ranks.push(i > 0 && by(sorted[i - 1]!) === by(g) ? ranks[i - 1]! : i + 1));
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
    // No closure or empty object made per row: at a province's 50,000 rows they were most of the check's time.
    if (!Number.isSafeInteger(row.total)) badPoints(row, 'total', row.total);
    if (!Number.isSafeInteger(row.base)) badPoints(row, 'base', row.base);
    if (!Number.isSafeInteger(row.bonus)) badPoints(row, 'bonus', row.bonus);
    checkPoints(row, 'sections', row.sections);
    if (row.penalty !== undefined && !Number.isSafeInteger(row.penalty)) badPoints(row, 'penalty', row.penalty);
    if (row.periods) checkPoints(row, 'periods', row.periods);
    if (row.nodes) checkPoints(row, 'nodes', row.nodes);
  }
}

function checkPoints(row: RankInput, field: string, points: Record<string, Cents>): void {
  for (const code in points) if (!Number.isSafeInteger(points[code])) badPoints(row, `${field}.${code}`, points[code]);
}

function badPoints(row: RankInput, field: string, value: unknown): never {
  throw new KaoheError('ranking-bad-points', `village ${row.village} (${row.name}), ${field}: ${String(value)} is not a whole number of hundredths of a point`);
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

/** Which of two keys an object lists first: negative when `a` does. */
function keyPosition(o: Record<string, unknown>, a: string, b: string): number {
  for (const k in o) {
    if (k === a) return -1;
    if (k === b) return 1;
  }
  return 0;
}

/** Every section code of the rows, in order of first appearance (read once per ranking: see summarise). */
function sectionCodes(rows: readonly RankInput[]): string[] {
  const seen = new Set<string>();
  const codes: string[] = [];
  for (const row of rows) {
    for (const code in row.sections) {
      if (!seen.has(code)) {
        seen.add(code);
        codes.push(code);
      }
    }
  }
  return codes;
}

/**
 * Counts and averages of a group. `codes`: the section codes of every row (sectionCodes), so a
 * province's 50,000 rows are summed by reading known keys, not by enumerating each row's keys
 * (an allocation per row, three times over); the averages keep the group's own order of first
 * appearance.
 */
function summarise(rows: readonly RankedRow[], grades: string[] | null, codes: readonly string[] = sectionCodes(rows)): RankSummary {
  const count = rows.length;
  const m = codes.length;
  const sums = new Array<number>(m).fill(0);
  const ns = new Array<number>(m).fill(0);
  const first = new Array<number>(m).fill(-1);
  let total = 0;
  let base = 0;
  let bonus = 0;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    total += row.total;
    base += row.base;
    bonus += row.bonus;
    const sections = row.sections;
    for (let j = 0; j < m; j++) {
      const value = sections[codes[j]!];
      if (value === undefined) continue;
      sums[j]! += value;
      ns[j]! += 1;
      if (first[j] === -1) first[j] = i;
    }
  }
  if (![total, base, bonus, ...sums].every(Number.isSafeInteger)) {
    // Unreachable for real campaigns (it needs sums past 9e13 points); refuse rather than round.
    throw new KaoheError('ranking-overflow', 'the sums of points are too large to average exactly');
  }
  const averages: Record<string, Cents> = {};
  const order = codes.map((_, j) => j).filter((j) => ns[j]! > 0);
  // The group's first row with a code first; codes first met in one row in that row's order.
  order.sort((x, y) => first[x]! - first[y]! || keyPosition(rows[first[x]!]!.sections, codes[x]!, codes[y]!));
  for (const j of order) averages[codes[j]!] = divideRounded(sums[j]!, ns[j]!);
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
