/**
 * Presenters of campaigns, their lists and rankings, and of the audit log: each answer picked
 * field by field from what the campaign services return, in the contract's camelCase
 * (src/contract/campaigns.ts, src/contract/audit.ts), points as decimals.
 */
import { KaoheError } from '../../core/errors.ts';
import { fromCents } from '../../core/numbers.ts';
import type { Text as LangText } from '../../core/scheme/model.ts';
import type { RankedRow as RankedCents, RankSummary as SummaryCents, TownshipRanking as TownshipCents } from '../../core/ranking/ranking.ts';
import type { AuditEntry, AuditVerification } from '../../contract/audit.ts';
import type {
  AssessmentRow,
  CampaignDetail,
  MyVillage,
  MyVillagesAnswer,
  CampaignSummary,
  Overview,
  OverviewPlace,
  Progress,
  Published,
  RankedRow,
  Ranking,
  RankingData,
  RankSummary,
  Rescored,
  RescorePreview,
  Snapshot,
  TownshipCount,
  TownshipRanking,
  UnrankedAnswer,
  UnrankedVillage,
} from '../../contract/campaigns.ts';
import type { Result } from './results.ts';

const points = (cents: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(cents).map(([k, v]) => [k, fromCents(v)]));

export function presentProgress(p: Progress): Progress {
  return { total: p.total, draft: p.draft, submitted: p.submitted, reviewed: p.reviewed, published: p.published };
}

/** A campaign of GET /api/campaigns. */
export function presentCampaignSummary(c: Result<'listCampaignsFor'>[number]): CampaignSummary {
  return { id: c.id, name: c.name, year: c.year, scheme: c.scheme, period: c.period, villages: c.villages, progress: presentProgress(c.progress) };
}

/** An assessment as a row of a campaign's lists. */
export function presentAssessmentRow(r: Result<'listAssessments'>[number]): AssessmentRow {
  return {
    id: r.id,
    village: r.village,
    villageName: r.villageName,
    township: r.township,
    townshipName: r.townshipName,
    status: r.status,
    version: r.version,
    base: r.base,
    bonus: r.bonus,
    total: r.total,
    team: r.team,
    teamId: r.teamId,
    updatedAt: r.updatedAt,
    publishedAt: r.publishedAt,
  };
}

/** GET /api/campaigns/:id/my-villages */
export function presentMyVillages(w: Result<'myVillages'>): MyVillagesAnswer {
  const f = w.figures;
  return {
    campaign: { id: w.campaign.id, name: w.campaign.name, year: w.campaign.year },
    figures: {
      villages: f.villages,
      draft: f.draft,
      submitted: f.submitted,
      reviewed: f.reviewed,
      published: f.published,
      sentBack: f.sentBack,
      items: f.items ? { done: f.items.done, total: f.items.total } : null,
      openSuggestions: f.openSuggestions,
    },
    townships: w.townships.map((t) => ({ code: t.code, name: t.name, villages: t.villages })),
    tooMany: w.tooMany,
    max: w.max,
    villages: w.villages.map((v): MyVillage => ({
      id: v.id,
      village: v.village,
      villageName: v.villageName,
      township: v.township,
      townshipName: v.townshipName,
      team: v.team,
      status: v.status,
      sentBack: v.sentBack,
      comment: v.comment,
      version: v.version,
      total: v.total,
      items: { done: v.items.done, total: v.items.total, left: [...v.items.left] },
      openSuggestions: v.openSuggestions,
      updatedAt: v.updatedAt,
      submittedAt: v.submittedAt,
    })),
  };
}

function presentTownshipCount(t: { code: string | null; name: string | null; villages: number }): TownshipCount {
  return { code: t.code, name: t.name, villages: t.villages };
}

/** GET /api/campaigns/:id: teams' members, unassigned villages and the rows only where the service gives them. */
export function presentCampaignDetail(c: Result<'campaignDetail'>): CampaignDetail {
  return {
    id: c.id,
    name: c.name,
    year: c.year,
    period: { from: c.period.from, to: c.period.to },
    appealDays: c.appealDays,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    scheme: { versionId: c.scheme.versionId, id: c.scheme.id, version: c.scheme.version, title: c.scheme.title },
    schemePeriod: c.schemePeriod,
    parts: c.parts,
    combinedIn: c.combinedIn,
    scope: { villages: c.scope.villages },
    progress: presentProgress(c.progress),
    townships: c.townships.map(presentTownshipCount),
    teams: c.teams.map((t) => ({
      id: t.id,
      name: t.name,
      ...(t.members !== undefined ? { members: t.members } : {}),
      villageCount: t.villageCount,
      townships: t.townships.map(presentTownshipCount),
      ...(t.villages !== undefined ? { villages: t.villages } : {}),
    })),
    ...(c.unassignedCount !== undefined ? { unassignedCount: c.unassignedCount } : {}),
    ...(c.unassigned !== undefined ? { unassigned: c.unassigned } : {}),
    ...(c.villages !== undefined ? { villages: c.villages.map(presentAssessmentRow) } : {}),
  };
}

function presentRankedRow(r: RankedCents): RankedRow {
  return {
    village: r.village,
    name: r.name,
    township: r.township,
    townshipName: r.townshipName,
    total: fromCents(r.total),
    base: fromCents(r.base),
    bonus: fromCents(r.bonus),
    sections: points(r.sections),
    ...(r.grade !== undefined ? { grade: r.grade } : {}),
    ...(r.scoredGrade !== undefined ? { scoredGrade: r.scoredGrade } : {}),
    ...(r.penalty !== undefined ? { penalty: fromCents(r.penalty) } : {}),
    ...(r.rankPoints !== undefined ? { rankPoints: fromCents(r.rankPoints) } : {}),
    ...(r.combined
      ? {
          combined: {
            periods: r.combined.periods.map((p) => ({
              code: p.code,
              count: p.count,
              values: p.values.map(fromCents),
              value: p.value === null ? null : fromCents(p.value),
              weighted: fromCents(p.weighted),
            })),
            weighted: fromCents(r.combined.weighted),
            bonusRaw: fromCents(r.combined.bonusRaw),
            bonusMax: fromCents(r.combined.bonusMax),
            penalty: fromCents(r.combined.penalty),
            veto: r.combined.veto,
          },
        }
      : {}),
    countyRank: r.countyRank,
    townshipRank: r.townshipRank,
    change: { totalDelta: r.change.totalDelta === null ? null : fromCents(r.change.totalDelta), rankDelta: r.change.rankDelta },
  };
}

function presentRankSummary(s: SummaryCents): RankSummary {
  return {
    count: s.count,
    averages: points(s.averages),
    averageTotal: fromCents(s.averageTotal),
    averageBase: fromCents(s.averageBase),
    averageBonus: fromCents(s.averageBonus),
    ...(s.gradeCounts !== undefined ? { gradeCounts: s.gradeCounts } : {}),
  };
}

function presentTownshipRanking(t: TownshipCents): TownshipRanking {
  return { ...presentRankSummary(t), township: t.township, townshipName: t.townshipName, rows: t.rows.map(presentRankedRow) };
}

/** A ranking as computed (live or snapshotted, kept in hundredths). */
interface RankingCents {
  campaign: { id: number; name: string; year: number };
  scheme: { id: string; version: number };
  publishedOnly: boolean;
  county: RankedCents[];
  countySummary: SummaryCents;
  townships: TownshipCents[];
  counties?: Array<SummaryCents & { code: string; name: string; rank: number; medianTotal?: number; basis?: 'average' | 'median' }>;
  periods?: Array<{ code: string; title: LangText; weight: number; combine: 'average' | 'sum' | 'last' }>;
  parts?: Array<{ id: number; name: string; period: string | null }>;
  rules?: { quotas: Array<{ grade: string; share: number; otherwise: string }>; tieBreak: string[]; rankPoints: number[]; rankPointsRest: number | null };
}

/** A ranking in points (a snapshot's data). */
export function presentRankingData(r: RankingCents): RankingData {
  return {
    campaign: { id: r.campaign.id, name: r.campaign.name, year: r.campaign.year },
    scheme: { id: r.scheme.id, version: r.scheme.version },
    publishedOnly: r.publishedOnly,
    county: r.county.map(presentRankedRow),
    countySummary: presentRankSummary(r.countySummary),
    townships: r.townships.map(presentTownshipRanking),
    ...(r.counties
      ? {
          counties: r.counties.map((c) => ({
            ...presentRankSummary(c),
            county: c.code,
            name: c.name,
            ...(c.medianTotal !== undefined ? { medianTotal: fromCents(c.medianTotal) } : {}),
            ...(c.basis !== undefined ? { basis: c.basis } : {}),
            rank: c.rank,
          })),
        }
      : {}),
    ...(r.periods ? { periods: r.periods.map((p) => ({ code: p.code, title: p.title, weight: fromCents(p.weight), combine: p.combine })) } : {}),
    ...(r.parts ? { parts: r.parts } : {}),
    ...(r.rules
      ? {
          rules: {
            quotas: r.rules.quotas.map((q) => ({ grade: q.grade, share: fromCents(q.share), otherwise: q.otherwise })),
            tieBreak: r.rules.tieBreak,
            rankPoints: r.rules.rankPoints.map(fromCents),
            rankPointsRest: r.rules.rankPointsRest === null ? null : fromCents(r.rules.rankPointsRest),
          },
        }
      : {}),
  };
}

/** GET /api/campaigns/:id/ranking */
export function presentRanking(r: Result<'rankingFor'>): Ranking {
  return {
    ...presentRankingData(r),
    basis: r.basis,
    area: r.area,
    unranked: r.unranked.map(presentUnranked),
  };
}

function presentUnranked(u: Result<'rankingFor'>['unranked'][number]): UnrankedVillage {
  return { village: u.village, name: u.name, township: u.township, townshipName: u.townshipName, state: u.state };
}

/** Whether a village (a ranked row, an unranked one) matches a search: its code begins with `q` or its name holds it. */
export function villageMatches(v: { village: string; name: string }, q: string | undefined): boolean {
  return !q || v.village.startsWith(q) || v.name.includes(q);
}

/**
 * GET /api/campaigns/:id/ranking?limit=N&after=V&q=Q: one page of the ranked rows, in rank order
 * after the row of village `after` (the previous page's `next`), matching `q`; each township's
 * rows are that page's of the township, every summary (county, townships, counties) is whole,
 * the unranked villages matching `q` are counted, not listed. An `after` the ranking no longer holds (it
 * changed between two pages) is refused: the reader starts again rather than miss rows.
 */
export function presentRankingPage(r: Result<'rankingFor'>, page: { limit: number; after?: string | undefined; q?: string | undefined }): Ranking {
  let i = 0;
  if (page.after !== undefined) {
    i = r.county.findIndex((row) => row.village === page.after) + 1;
    if (i === 0) throw new KaoheError('validation', `query.after: village ${page.after} is not ranked here (the ranking changed since the last page): start again without after`);
  }
  const rows: RankedCents[] = [];
  for (; i < r.county.length && rows.length < page.limit; i++) if (villageMatches(r.county[i]!, page.q)) rows.push(r.county[i]!);
  let more = false;
  for (; i < r.county.length && !more; i++) more = villageMatches(r.county[i]!, page.q);
  const shown = new Set(rows.map((row) => row.village));
  const unranked = unrankedMatching(r, page.q);
  const ranking = presentRanking({
    ...r,
    county: rows,
    townships: r.townships.map((t) => ({ ...t, rows: t.rows.filter((row) => shown.has(row.village)) })),
    // The unranked villages (a province's 50,000 before publication) are counted, not listed:
    // GET …/ranking/unranked pages them.
    unranked: [],
  });
  return {
    ...ranking,
    next: more ? rows[rows.length - 1]!.village : null,
    total: page.q ? r.county.filter((row) => villageMatches(row, page.q)).length : r.county.length,
    unrankedTotal: unranked.length,
  };
}

function unrankedMatching(r: Result<'rankingFor'>, q: string | undefined) {
  return q ? r.unranked.filter((u) => villageMatches(u, q)) : r.unranked;
}

/**
 * GET /api/campaigns/:id/ranking/unranked: a page of the unranked villages matching `q`, by code
 * (the ranking keeps them in that order), after the village `after` (which need not be one of them).
 */
export function presentUnrankedPage(r: Result<'rankingFor'>, page: { limit: number; after?: string | undefined; q?: string | undefined }): UnrankedAnswer {
  const matching = unrankedMatching(r, page.q);
  let lo = 0;
  if (page.after !== undefined) {
    // The first village after `after`, by binary search of the sorted codes.
    let hi = matching.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (matching[mid]!.village <= page.after) lo = mid + 1;
      else hi = mid;
    }
  }
  const rows = matching.slice(lo, lo + page.limit);
  return {
    unranked: rows.map(presentUnranked),
    next: lo + page.limit < matching.length ? rows[rows.length - 1]!.village : null,
    total: matching.length,
  };
}

/** A dated snapshot of the published ranking (its data as stored: a ranking in hundredths). */
export function presentSnapshot(s: Result<'snapshots'>[number]): Snapshot {
  return { id: s.id, createdAt: s.createdAt, createdBy: s.createdBy, reason: s.reason, data: presentRankingData(s.data as RankingCents) };
}

/** POST /api/campaigns/:id/publish */
export function presentPublished(p: Result<'publishCampaign'>): Published {
  return { published: p.published, snapshotId: p.snapshotId };
}

/** POST /api/campaigns/:id/rescore/preview */
export function presentRescorePreview(p: Result<'rescorePreview'>): RescorePreview {
  return {
    from: p.from,
    to: p.to,
    rows: p.rows.map((r) => ({
      village: r.village,
      name: r.name,
      oldTotal: fromCents(r.oldTotal),
      newTotal: r.newTotal === null ? null : fromCents(r.newTotal),
      ...(r.error !== undefined ? { error: r.error } : {}),
      oldRank: r.oldRank,
      newRank: r.newRank,
    })),
    errors: p.errors,
  };
}

/** POST /api/campaigns/:id/rescore */
export function presentRescored(r: Result<'rescoreApply'>): Rescored {
  return { changed: r.changed };
}

function presentOverviewPlace(p: Result<'overview'>['top'][number]): OverviewPlace {
  return { village: p.village, name: p.name, township: p.township, townshipName: p.townshipName, total: p.total, countyRank: p.countyRank, grade: p.grade };
}

/** GET /api/campaigns/:id/overview */
export function presentOverview(o: Result<'overview'>): Overview {
  return {
    campaign: { id: o.campaign.id, name: o.campaign.name, year: o.campaign.year },
    basis: o.basis,
    unranked: { unassessed: o.unranked.unassessed, unpublished: o.unranked.unpublished },
    progress: presentProgress(o.progress),
    distribution: o.distribution.map((b) => ({ from: b.from, to: b.to, count: b.count })),
    sections: o.sections.map((s) => ({ code: s.code, title: s.title, max: s.max, bonus: s.bonus })),
    county: { count: o.county.count, averageTotal: o.county.averageTotal, averages: o.county.averages, gradeCounts: o.county.gradeCounts },
    townships: o.townships.map((t) => ({ township: t.township, name: t.name, count: t.count, averageTotal: t.averageTotal, averages: t.averages })),
    counties: o.counties.map((c) => ({
      county: c.county,
      name: c.name,
      rank: c.rank,
      count: c.count,
      averageTotal: c.averageTotal,
      medianTotal: c.medianTotal,
      basis: c.basis,
      averages: c.averages,
    })),
    top: o.top.map(presentOverviewPlace),
    bottom: o.bottom.map(presentOverviewPlace),
  };
}

/** An entry of the audit log as the service hands it over (the store's row: snake_case, before/after as JSON text). */
export type AuditSource = Result<'auditLogWithSentences'>[number];

export function presentAuditEntry(r: AuditSource): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
    prevHash: r.prevHash,
    hash: r.hash,
    sentence: r.sentence,
  };
}

/** GET /api/audit/verify */
export function presentAuditVerification(v: Result<'verifyAudit'>): AuditVerification {
  return { ok: v.ok, entries: v.entries, anchors: v.anchors, ...(v.broken ? { broken: { id: v.broken.id, position: v.broken.position, reason: v.broken.reason } } : {}) };
}
