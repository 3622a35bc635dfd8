/**
 * Campaigns: scope, teams and assignments, progress, the lists and rankings of their
 * assessments, snapshots, publication, rescoring and the overview page's figures. Points are
 * decimals (two places at most).
 */
import type { AssessmentStatus, LangText } from './common.ts';

/** Assessments by status over the villages the reader may list. */
export interface Progress {
  total: number;
  draft: number;
  submitted: number;
  reviewed: number;
  published: number;
}

/** A campaign as GET /api/campaigns lists it. */
export interface CampaignSummary {
  id: number;
  name: string;
  year: number;
  /** "seed-2020 v1" */
  scheme: string;
  /** The scheme's period the campaign is for (a scheme with periods), else null. */
  period: string | null;
  villages: number;
  /** Over the villages the reader may list. */
  progress: Progress;
}

/** GET /api/campaigns */
export interface CampaignsAnswer {
  campaigns: CampaignSummary[];
}

/** POST /api/campaigns */
export interface CreateCampaignRequest {
  name: string;
  year: number;
  schemeVersionId: number;
  villages?: string[];
  /** The inspection period, YYYY-MM-DD. */
  from?: string;
  to?: string;
  appealDays?: number;
  /** The scheme's period the campaign is for (平时考核 daily, 年终考核 final…): required when the scheme has periods. */
  period?: string;
  /** A final campaign: the campaigns (ids) whose results it combines with its own; each of the same scheme and one of its periods. */
  parts?: number[];
}

/** Villages of a campaign in one township (null: villages without one). */
export interface TownshipCount {
  code: string | null;
  name: string | null;
  villages: number;
}

/** An inspection team of a campaign with the villages the reader may list. */
export interface Team {
  id: number;
  name: string;
  /** Shown to the office's roles only. */
  members?: string[];
  /** How many of the campaign's villages it has. */
  villageCount: number;
  /** Its villages counted by township. */
  townships: TownshipCount[];
  /** Its villages' codes; absent with `?villages=false`. */
  villages?: string[];
}

/** One village's assessment as a row of a campaign's lists. */
export interface AssessmentRow {
  id: number;
  village: string;
  villageName: string;
  township: string | null;
  townshipName: string | null;
  status: AssessmentStatus;
  version: number;
  base: number;
  bonus: number;
  total: number;
  team: string | null;
  teamId: number | null;
  updatedAt: string;
  publishedAt: string | null;
}

/** GET /api/campaigns/:id */
export interface CampaignDetail {
  id: number;
  name: string;
  year: number;
  period: { from: string; to: string };
  appealDays: number;
  createdAt: string;
  createdBy: string;
  scheme: { versionId: number; id: string; version: number; title: string };
  /** The scheme's period the campaign is for, or null (a scheme without periods). */
  schemePeriod: { code: string; title: LangText } | null;
  /** The campaigns a final campaign combines with its own (empty for others). */
  parts: Array<{ id: number; name: string; period: string | null }>;
  /** The final campaigns combining this one. */
  combinedIn: Array<{ id: number; name: string }>;
  scope: { villages: number };
  progress: Progress;
  /** The villages the reader may list, counted by township. */
  townships: TownshipCount[];
  teams: Team[];
  /** How many villages are of no team: the office only. */
  unassignedCount?: number;
  /** Villages of no team: the office only; absent with `?villages=false`. */
  unassigned?: string[];
  /**
   * A row per village the reader may list; absent with `?villages=false` (what the web app asks
   * for: a province's campaign has 50,000; `GET /api/campaigns/:id/assessments?limit=` pages them).
   */
  villages?: AssessmentRow[];
}

/** POST /api/campaigns (201): the campaign as `GET /api/campaigns/:id?villages=false` gives it. */
export interface CampaignCreated {
  id: number;
  campaign: CampaignDetail;
}

/** POST /api/campaigns/:id/teams */
export interface TeamRequest {
  name: string;
  /** Inspectors' user names. */
  members: string[];
}

/** POST /api/campaigns/:id/teams */
export interface TeamSet {
  id: number;
  name: string;
  members: string[];
}

/**
 * POST /api/campaigns/:id/assign: the villages named, every village of the campaign in the
 * townships named, or (`all`) every village of the campaign, moved to the team.
 */
export interface AssignRequest {
  team: string;
  villages?: string[];
  townships?: string[];
  all?: boolean;
}

/** POST /api/campaigns/:id/assign */
export interface Assigned {
  ok: true;
  team: string;
  villages: number;
}

/** GET /api/campaigns/:id/assessments (`?limit=` pages it: docs/api.md, "Paged lists") */
export interface AssessmentsAnswer {
  assessments: AssessmentRow[];
  /** A paged answer: the `after` of the next page (the last row's village code), null on the last page. */
  next?: string | null;
  /** A paged answer: the rows under the filters within the caller's reach, on every page. */
  total?: number;
  /** A paged answer: those rows by status, the status filter aside (for a page's status tabs). */
  counts?: Record<AssessmentStatus, number>;
}

/** A village's place in a ranking. */
export interface RankedRow {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  total: number;
  base: number;
  bonus: number;
  /** Score of each section, by section code. */
  sections: Record<string, number>;
  /** The grade after the scheme's quotas (where it has any; else as scored). */
  grade?: string | null;
  /** With quotas: the grade as scored, before them. */
  scoredGrade?: string | null;
  /** Deductions from the total (penalty sections; a combined result: all its assessments'). */
  penalty?: number;
  /** With points from rank (排名1—5名依次得60、57…分): the points the county rank earns. */
  rankPoints?: number;
  /**
   * A final campaign's combined result (综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分): each
   * period's value (average, sum or last of its assessments; null: none) and weighted part;
   * `total` is then the combined score, `base` the weighted sum, `bonus` the capped bonus.
   */
  combined?: {
    /** `values`: each assessment's base (after conversion) in the order combined, the last the latest. */
    periods: Array<{ code: string; count: number; values: number[]; value: number | null; weighted: number }>;
    weighted: number;
    /** The assessments' bonuses summed, and the cap (the scheme's bonus maximum); `bonus` is the capped sum. */
    bonusRaw: number;
    bonusMax: number;
    penalty: number;
    /** The most severe veto of any of the assessments. */
    veto: { items: string[]; effect: 'zero' | 'grade' | 'ceiling'; grade?: string; ceiling?: string } | null;
  };
  countyRank: number;
  townshipRank: number;
  /** Against the previous campaign: null where the village was not in it. */
  change: { totalDelta: number | null; rankDelta: number | null };
}

/** Averages and counts over a group of villages (a township or the county). */
export interface RankSummary {
  count: number;
  averages: Record<string, number>;
  averageTotal: number;
  averageBase: number;
  averageBonus: number;
  gradeCounts?: Record<string, number>;
}

export interface TownshipRanking extends RankSummary {
  township: string;
  townshipName: string;
  rows: RankedRow[];
}

/**
 * A county of a city's or a province's ranking: its ranked villages' averages, the counties
 * ranked by average total, or by median total where the office says so (KAOHE_COUNTY_RANKING;
 * equal values share a rank). The scheme ranks villages, not counties.
 */
export interface CountyRanking extends RankSummary {
  county: string;
  name: string;
  /** The median of its villages' totals (absent in snapshots taken before it was kept). */
  medianTotal?: number;
  /** What the counties are ranked by: the office's KAOHE_COUNTY_RANKING, `average` unless set (absent in snapshots taken before: average). */
  basis?: 'average' | 'median';
  rank: number;
}

/** A ranking as a snapshot keeps it. */
export interface RankingData {
  campaign: { id: number; name: string; year: number };
  scheme: { id: string; version: number };
  publishedOnly: boolean;
  county: RankedRow[];
  countySummary: RankSummary;
  townships: TownshipRanking[];
  /** The counties of the villages ranked, by average or median (one, in a county's own campaign; absent in snapshots taken before). */
  counties?: CountyRanking[];
  /** A final campaign: the scheme's periods (weight in percent) whose results it combines. */
  periods?: Array<{ code: string; title: LangText; weight: number; combine: 'average' | 'sum' | 'last' }>;
  /** A final campaign: the campaigns combined with its own results. */
  parts?: Array<{ id: number; name: string; period: string | null }>;
  /** The scheme's ranking rules applied (quota shares in percent, points as decimals). */
  rules?: { quotas: Array<{ grade: string; share: number; otherwise: string }>; tieBreak: string[]; rankPoints: number[]; rankPointsRest: number | null };
}

/** A village of the campaign listed without a rank: no result handed in (未考核) or one not yet published (未发布). */
export interface UnrankedVillage {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  state: 'unassessed' | 'unpublished';
}

/** GET /api/campaigns/:id/ranking */
export interface Ranking extends RankingData {
  /**
   * Which results are ranked: `published`, or `preview` (the office's provisional ranking of
   * submitted, reviewed and published results, 内部预览; `?preview=1`).
   */
  basis: 'published' | 'preview';
  /** The office's area whose villages are ranked among themselves; null: the whole campaign. */
  area: { code: string; level: 'province' | 'city' | 'county' } | null;
  /**
   * The campaign's villages without a counted result, by code (cut to the township asked for).
   * A paged answer holds none of them (`unrankedTotal` counts them): `GET …/ranking/unranked`
   * pages them.
   */
  unranked: UnrankedVillage[];
  /** A paged answer: the unranked villages matching `q`. */
  unrankedTotal?: number;
  /**
   * A paged answer (`?limit=`): `county` is one page of the ranked rows (in rank order, after
   * the village `after`, matching `q`), each township's `rows` that page's rows of the township;
   * every summary stays whole. `next`: the `after` of the next page (the last row's village
   * code), null on the last page.
   */
  next?: string | null;
  /** A paged answer: the ranked rows matching `q` (all of them without it). */
  total?: number;
}

/**
 * GET /api/campaigns/:id/ranking/unranked?limit=N[&after=CODE][&q=TEXT][&township=CODE][&preview=1]:
 * a page of the ranking's unranked villages, by code, matching `q`.
 */
export interface UnrankedAnswer {
  unranked: UnrankedVillage[];
  /** The `after` of the next page (the last village's code), null on the last page. */
  next: string | null;
  /** The unranked villages matching `q`. */
  total: number;
}

/** A dated ranking snapshot (published results). */
export interface Snapshot {
  id: number;
  createdAt: string;
  createdBy: string;
  reason: string;
  data: RankingData;
}

/** GET /api/campaigns/:id/snapshots */
export interface SnapshotsAnswer {
  snapshots: Snapshot[];
}

/** POST /api/campaigns/:id/publish */
export interface Published {
  published: number;
  snapshotId: number;
}

/** POST /api/campaigns/:id/rescore/preview, POST /api/campaigns/:id/rescore */
export interface RescoreRequest {
  schemeVersionId: number;
}

/** A village under the current and another scheme version. */
export interface RescoreRow {
  village: string;
  name: string;
  oldTotal: number;
  /** null where the village's findings do not fit the other version (see error). */
  newTotal: number | null;
  error?: string;
  oldRank: number;
  newRank: number | null;
}

/** POST /api/campaigns/:id/rescore/preview */
export interface RescorePreview {
  /** "seed-2020 v1" */
  from: string;
  to: string;
  rows: RescoreRow[];
  /** Villages whose findings do not fit the other version. */
  errors: number;
}

/** POST /api/campaigns/:id/rescore */
export interface Rescored {
  changed: number;
}

/** A village at the top or the bottom of the overview. */
export interface OverviewPlace {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  total: number;
  countyRank: number;
  grade: string | null;
}

/** GET /api/campaigns/:id/overview */
export interface Overview {
  campaign: { id: number; name: string; year: number };
  /** As the ranking's: `published`, or `preview` (`?preview=1`, the office only). */
  basis: 'published' | 'preview';
  /** Villages left out of the figures: without a result handed in, and with one not published (in a preview: drafts only). */
  unranked: { unassessed: number; unpublished: number };
  progress: Progress;
  /** Villages per 10 points of total. */
  distribution: Array<{ from: number; to: number; count: number }>;
  sections: Array<{ code: string; title: LangText; max: number | null; bonus: boolean }>;
  county: { count: number; averageTotal: number; averages: Record<string, number>; gradeCounts: Record<string, number> | null };
  townships: Array<{ township: string; name: string; count: number; averageTotal: number; averages: Record<string, number> }>;
  /** The counties of the villages counted, ranked by average or median total (see CountyRanking). */
  counties: Array<{
    county: string;
    name: string;
    rank: number;
    count: number;
    averageTotal: number;
    medianTotal: number;
    basis: 'average' | 'median';
    averages: Record<string, number>;
  }>;
  top: OverviewPlace[];
  bottom: OverviewPlace[];
}

/** A village of an inspector's list (我的考核村) with what is left in it. */
export interface MyVillage {
  /** The assessment's id. */
  id: number;
  village: string;
  villageName: string;
  township: string | null;
  townshipName: string | null;
  team: string | null;
  status: AssessmentStatus;
  /** A draft a reviewer sent back. */
  sentBack: boolean;
  /** The reviewer's comment while the draft is sent back, else null. */
  comment: string | null;
  version: number;
  total: number;
  /** Items looked at of those the village is assessed on; `left`: the others' codes, in scheme order. */
  items: { done: number; total: number; left: string[] };
  openSuggestions: number;
  updatedAt: string;
  submittedAt: string | null;
}

/**
 * GET /api/campaigns/:id/my-villages[?township=CODE]: the caller's villages (an inspector's
 * teams', the office's every one; of one township if asked) ordered by what to do next — sent
 * back, drafts with most left, submitted, reviewed, published — and the figures over them.
 * More than `max` villages (a province's office): `tooMany`, no villages, the figures counted
 * from the list alone (`items` and `openSuggestions` null); take them by township.
 */
export interface MyVillagesAnswer {
  campaign: { id: number; name: string; year: number };
  figures: {
    villages: number;
    draft: number;
    submitted: number;
    reviewed: number;
    published: number;
    sentBack: number;
    /** Null when the list is tooMany to read village by village. */
    items: { done: number; total: number } | null;
    openSuggestions: number | null;
  };
  villages: MyVillage[];
  /** The townships of the caller's villages (all of them, whatever `township` asked), by code. */
  townships: Array<{ code: string; name: string; villages: number }>;
  /** The list (of the township asked, if any) has more than `max` villages: they are not listed. */
  tooMany: boolean;
  max: number;
}

/** GET /api/campaigns/:id/combined/:village: a village's combined result in a final campaign, explained part by part. */
export interface CombinedAnswer {
  campaignId: number;
  /** Published results (everyone), or the office's preview. */
  basis: 'published' | 'preview';
  village: string;
  name: string;
  total: number;
  /** The grade after the ranking's quotas (a code of the scheme's grades). */
  grade: string | null;
  countyRank: number;
  townshipRank: number;
  /** The lines of the combination: each period weighted, bonus, deductions, the combined score, the grade. */
  explanation: { zh: string[]; en: string[] };
}
