/**
 * The shapes of a campaign's report data, as ReportService (src/services) gives them and the
 * renderers (xlsx, PDF) read them, and the tables derived from them for the renderers. Points are decimal numbers of points, exact to two places: cents / 100.
 */
import type { Lang } from '../core/scheme/model.ts';
import type { AssessmentStatus } from '../core/campaign/records.ts';
import { fromCents } from '../core/numbers.ts';
import { divideRounded } from '../core/ranking/ranking.ts';

export interface ReportCampaign {
  id: number;
  name: string;
  year: number;
  period: { from: string; to: string };
}

export interface ReportHeader {
  county: { code: string; name: string } | null;
  /** Set when the report is cut to one township. */
  township: { code: string; name: string } | null;
  /** Set when the report is of one village (the deduction detail). */
  village: { code: string; name: string } | null;
  campaign: ReportCampaign;
  scheme: { id: string; version: number; title: string };
  /** The day the report was made (YYYY-MM-DD). */
  date: string;
  /** The audit log's head when the report was made, `N:HEX` (审计锚点), for `kaohe audit verify --anchor`. */
  auditAnchor: string | null;
  lang: Lang;
  /** Only published results are in it (false for a ranking's internal preview). */
  publishedOnly: boolean;
  /**
   * Ranking: which results ranks are among — 'published', or 'preview' (内部预览: submitted,
   * reviewed and published results, provisional ranks; see rankingFor). Deduction detail: which villages it covers — 'all', 'own-township',
   * 'own-team', 'own-village-published'.
   */
  basis: string;
}

/** A top-level section of the scheme, as a column. */
export interface ReportSection {
  code: string;
  title: string;
  /** Its points (for a bonus section: the cap); null when it has none. */
  max: number | null;
  bonus: boolean;
}

export interface ReportChange {
  /** total − previous total; null when the village was not ranked in the previous campaign. */
  total: number | null;
  /** previous county rank − county rank (positive: moved up); null when new. */
  rank: number | null;
  previousTotal: number | null;
  previousRank: number | null;
}

export interface RankingReportRow {
  township: string;
  townshipName: string;
  village: string;
  name: string;
  /** Score of each section (bonus sections: points added), by section code. */
  sections: Record<string, number>;
  base: number;
  bonus: number;
  total: number;
  /** The grade after the scheme's quotas, where it has any. */
  grade: { code: string; title: string } | null;
  /** With quotas: the grade as scored (else the same as `grade`). */
  scoredGrade?: { code: string; title: string } | null;
  /** Deductions from the total (penalty sections; a combined result: all its assessments'). */
  penalty?: number;
  /** A combined result: each period's weighted part, by period code. */
  periods?: Record<string, number>;
  /** With points from rank: the points the county rank earns. */
  rankPoints?: number | null;
  townshipRank: number;
  countyRank: number;
  change: ReportChange;
}

export interface ReportSummary {
  count: number;
  /** Average score of each section, by code (rounded half away from zero to 0.01, as the ranking does). */
  averages: Record<string, number>;
  base: number;
  bonus: number;
  total: number;
  /** Villages per grade code, when the scheme has grades. */
  gradeCounts: Record<string, number> | null;
}

export interface ReportTownship {
  code: string;
  name: string;
  summary: ReportSummary;
  /** Its villages from township rank 1 down. */
  rows: RankingReportRow[];
}

export interface RankingReport {
  header: ReportHeader;
  sections: ReportSection[];
  /** Most base points a village can have (the non-bonus sections), and the bonus cap. */
  maxBase: number;
  maxBonus: number;
  grades: Array<{ code: string; title: string }>;
  /** The campaign the change columns compare with (the latest earlier year), or null. */
  previous: { id: number; name: string; year: number } | null;
  /** A final campaign: the periods it combines (weight in percent), shown instead of the sections. */
  periods?: Array<{ code: string; title: string; weight: number }>;
  /** The scheme's quotas apply (a column for the grade as scored beside the grade after them). */
  quotas?: boolean;
  /** The scheme gives points from rank (a column for them). */
  rankPoints?: boolean;
  /** Every ranked village shown, from county rank 1 down (one township's when cut to it). */
  rows: RankingReportRow[];
  /** Townships by code, each with its villages. */
  townships: ReportTownship[];
  /** Over every village ranked in the county (also when the report is cut to one township). */
  county: ReportSummary;
  /** Villages ranked in the county (the "of N" of county ranks). */
  countyCount: number;
  /** The villages shown without a rank: no result handed in (未考核) or one not published (未发布), by code. */
  unranked: RankingReportUnranked[];
}

/** A village of the campaign without a rank in the report. */
export interface RankingReportUnranked {
  township: string;
  townshipName: string;
  village: string;
  name: string;
  state: 'unassessed' | 'unpublished';
}

export type FindingStatusKind = 'accepted' | 'withdrawn' | 'adjusted-on-appeal';
export type FindingSource = 'inspector' | 'suggestion' | 'appeal';

export interface DeductionEvidence {
  id: number;
  filename: string;
  status: 'active' | 'withdrawn';
}

export interface DeductionRow {
  findingId: number;
  township: string | null;
  townshipName: string | null;
  village: string;
  villageName: string;
  item: string;
  /** The item's title. */
  title: string;
  /** The scheme's scoring wording (评分标准). */
  rule: string;
  element: string | null;
  elementTitle: string | null;
  /** A measured item's value in words (93 / 抽查户数 100; 95.5%; 12.5万元; 好); null for other findings. */
  value: string | null;
  /** A discretionary (range) rule's points picked per occurrence (the reason is `note`); null for other findings. */
  picked: number | null;
  /** The part of a several-rule item the finding is about, and its title; null for other findings. */
  part: string | null;
  partTitle: string | null;
  count: number;
  /** What the item is: a deduction, a bonus, or a veto. */
  kind: 'deduction' | 'bonus' | 'veto';
  /** Points per occurrence (all-or-nothing items: the item's points); null for a veto. */
  unitPoints: number | null;
  /** Points the finding takes off (or adds) as recorded, before pools: count × unit points. */
  recorded: number;
  /** Points counted toward the total: `recorded` for an accepted finding, 0 for a withdrawn or superseded one. */
  points: number;
  /** What a capped pool (or a bonus cap, or a veto) did to the item, in words; '' when nothing. */
  poolEffect: string;
  note: string | null;
  household: string | null;
  evidence: DeductionEvidence[];
  /** "证据#12 photo.jpg；证据#13 …" / "evidence #12 photo.jpg; …". */
  evidenceText: string;
  source: FindingSource;
  sourceLabel: string;
  status: FindingStatusKind;
  statusLabel: string;
  /** Why withdrawn (reason, who, when) or how the appeal changed it; '' for an accepted finding. */
  statusNote: string;
  appealId: number | null;
  /** When it was recorded, in the office's time zone ("YYYY-MM-DD HH:MM"). */
  createdAt: string;
  createdBy: string;
}

export interface DeductionVillage {
  township: string | null;
  townshipName: string | null;
  village: string;
  name: string;
  assessmentStatus: AssessmentStatus;
  assessmentStatusLabel: string;
  totals: {
    /** Sum of the accepted deductions as recorded (before pools). */
    recorded: number;
    /** What the deductions took off after pools and caps. */
    deducted: number;
    base: number;
    bonus: number;
    total: number;
    max: number;
  };
  counts: { accepted: number; withdrawn: number; adjusted: number };
  /** Its findings in scheme order (then as recorded). */
  rows: DeductionRow[];
}

export interface DeductionDetail {
  header: ReportHeader;
  /** Villages by code, each with its findings (villages without findings too). */
  villages: DeductionVillage[];
}

/** Section averages of one township (or the county: `code` null). */
export interface SectionAverageRow {
  code: string | null;
  name: string;
  count: number;
  averages: Record<string, number>;
  base: number;
  bonus: number;
  total: number;
}

export interface ChangeReport {
  previous: { id: number; name: string; year: number } | null;
  rows: Array<{
    township: string;
    townshipName: string;
    village: string;
    name: string;
    total: number;
    countyRank: number;
    change: ReportChange;
  }>;
  /** Per township (and the county: code null): villages compared and their average change of total. */
  townships: Array<{ code: string | null; name: string; count: number; compared: number; averageChange: number | null }>;
}

/** The county's row label in the derived tables. */
const COUNTY: Record<Lang, string> = { zh: '全县', en: 'County' };

/** Section averages by township, then the county (code null), from a ranking report. */
export function sectionAverages(report: RankingReport): SectionAverageRow[] {
  const rows: SectionAverageRow[] = report.townships.map((t) => ({
    code: t.code,
    name: t.name,
    count: t.summary.count,
    averages: t.summary.averages,
    base: t.summary.base,
    bonus: t.summary.bonus,
    total: t.summary.total,
  }));
  const s = report.county;
  rows.push({ code: null, name: COUNTY[report.header.lang], count: s.count, averages: s.averages, base: s.base, bonus: s.bonus, total: s.total });
  return rows;
}

/** The change against the previous campaign: every village shown, and per township the average change of the villages in both. */
export function changesOf(report: RankingReport): ChangeReport {
  const rows = report.rows.map((r) => ({
    township: r.township,
    townshipName: r.townshipName,
    village: r.village,
    name: r.name,
    total: r.total,
    countyRank: r.countyRank,
    change: r.change,
  }));
  const average = (list: readonly RankingReportRow[]) => {
    const deltas = list.filter((r) => r.change.total !== null).map((r) => Math.round(r.change.total! * 100));
    return {
      count: list.length,
      compared: deltas.length,
      averageChange: deltas.length
        ? fromCents(
            divideRounded(
              deltas.reduce((a, b) => a + b, 0),
              deltas.length,
            ),
          )
        : null,
    };
  };
  const townships: ChangeReport['townships'] = report.townships.map((t) => ({ code: t.code, name: t.name, ...average(t.rows) }));
  if (!report.header.township) townships.push({ code: null, name: COUNTY[report.header.lang], ...average(report.rows) });
  return { previous: report.previous, rows, townships };
}
