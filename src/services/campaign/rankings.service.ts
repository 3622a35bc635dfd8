/**
 * Rankings: county and per township, competition ranks, the change against the previous
 * campaign; as each reader may see them; snapshots taken when results are published or change;
 * the overview page's figures.
 */
import { countyRankingBasis } from '../county-basis.ts';
import type { AssessmentStatus, CampaignRecord } from '../../core/campaign/records.ts';
import { formatPoints, fromCents } from '../../core/numbers.ts';
import { rank, rankGroups, type RankInput } from '../../core/ranking/ranking.ts';
import { textOf, type Lang, type Scheme } from '../../core/scheme/model.ts';
import { combine, explainCombined, type CombinedResult, type PeriodScore } from '../../core/scoring/combine.ts';
import { score } from '../../core/scoring/score.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { listsRow, needsTeam, rankingBasis, seesUnrankedState, seesWholeCampaign, townshipInArea, type Actor, type AreaScope, type RankingBasis } from '../policies.ts';
import { progressOf } from './campaign-setup.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { assertSeesCampaign, audit, notFound, type Clock } from './shared.ts';
import { partsOfResult, readStoredParts, tieNodesOf, type Parts, type StoredResult } from './ranking-parts.ts';

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'snapshots' | 'schemeVersions' | 'audit' | 'areas'>;

/** A village's combined result with the campaigns whose assessments went into each period. */
interface CombinedVillage {
  result: CombinedResult;
  assessments: Record<string, Array<{ campaign: string; value: number }>>;
}

/** Why a village of the campaign has no rank: no result handed in (未考核) or one not yet published (未发布). */
export type UnrankedState = 'unassessed' | 'unpublished';
/** A village of the campaign a ranking lists without a rank. */
export interface UnrankedVillage {
  village: string;
  name: string;
  township: string;
  townshipName: string;
  state: UnrankedState;
}
/** What a ranking asks for: a township's part, and (the office) a provisional ranking of unpublished results. */
export interface RankingOptions {
  township?: string;
  /** A provisional ranking of submitted, reviewed and published results (内部预览): the office only. */
  preview?: boolean;
  /** Accepted for compatibility: rankings count published results unless a preview is asked for. */
  publishedOnly?: boolean;
}

/** Whether a result of this status is ranked on this basis: published ones, and in a preview submitted and reviewed ones. */
function counted(status: AssessmentStatus, basis: RankingBasis): boolean {
  return status === 'published' || (basis === 'preview' && status !== 'draft');
}

type RankingView = Awaited<ReturnType<RankingService['computeRanking']>>;

export class RankingService {
  /** Rankings by campaign, reader and state of the assessments (see rankingFor). */
  private readonly rankings = new Map<string, RankingView>();
  /** The kept views as readers who may not tell 未考核 from 未发布 see them, by reader scope (see unrankedAsSeenBy). */
  private readonly seen = new WeakMap<RankingView, Map<string, RankingView>>();
  /** The ranking's parts of each stored result, by assessment id (see resultParts). */
  private readonly partsCache = new Map<number, { version: number; schemeVersionId: number; parts: Parts }>();

  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions }) {}

  /** The campaign's ranking now: county and per township, competition ranks, change vs the previous campaign. */
  async ranking(actor: Actor, campaignId: number, options: Pick<RankingOptions, 'preview' | 'publishedOnly'> = {}) {
    // Published results only, unless the office asks for a preview (refused to anyone else).
    return this.computeRanking(this.deps.uow.read, campaignId, rankingBasis(actor, !!options.preview && !options.publishedOnly), undefined, actor.area);
  }

  /**
   * A campaign's ranking on a basis; within an office's area (`area`) when given: its villages
   * ranked among themselves (a county office ranks its own, a city's its counties'), and the
   * counties' averages ranked when there are several (rankGroups). Snapshots rank the whole campaign.
   */
  private async computeRanking(tx: Repos, campaignId: number, basis: RankingBasis, schemeVersionId?: number, area?: AreaScope) {
    const campaign = await tx.campaigns.byId(campaignId);
    if (!campaign) throw notFound(`campaign ${campaignId}`);
    const versionId = schemeVersionId ?? campaign.schemeVersionId;
    const { scheme } = await this.deps.schemes.schemeOf(versionId, tx);
    const here = <T extends { townshipCode: string | null }>(list: T[]) => (area && !area.whole ? list.filter((r) => townshipInArea(area, r.townshipCode)) : list);
    // Every village of the campaign, read once with what its score stored for rankings: the counted
    // results, and the others listed unranked.
    const all = here(await tx.assessments.forRankingWithParts(campaignId));
    const rows = all.filter((r) => counted(r.status, basis));
    // The villages without a counted result are listed, without a rank (the snapshot's data leaves them out).
    const unranked: UnrankedVillage[] = all
      .filter((r) => !counted(r.status, basis))
      .sort((x, y) => (x.villageCode < y.villageCode ? -1 : x.villageCode > y.villageCode ? 1 : 0))
      .map((r) => ({
        village: r.villageCode,
        name: r.villageName,
        township: r.townshipCode ?? '',
        townshipName: r.townshipName ?? '',
        state: r.status === 'draft' ? 'unassessed' : 'unpublished',
      }));
    const parts = await this.resultParts(tx, scheme, versionId, rows);
    // An area's ranks change against the previous campaign's ranks of the same area's villages.
    const previous = await this.previousTotals(
      tx,
      campaign.year,
      campaignId,
      area && !area.whole ? new Set([...rows.map((r) => r.villageCode), ...unranked.map((u) => u.village)]) : undefined,
    );
    // Ranking rules apply to a campaign's own results where the scheme has no periods, and to a
    // final campaign's combined results; a campaign of one period (a quarter) ranks as scored.
    const partCampaigns = (scheme.periods?.length ?? 0) > 0 ? await tx.campaigns.parts(campaignId) : [];
    const combined = partCampaigns.length > 0;
    const rules = !scheme.periods?.length || combined ? scheme.ranking : undefined;
    const combinedOf = combined ? await this.combinedResults(tx, campaign, scheme, basis, partCampaigns, rows, parts) : new Map<string, CombinedVillage>();
    const input = rows.map((r): RankInput => {
      const { sections, grade, penalty, nodes } = parts.get(r.id)!;
      const row: RankInput = {
        village: r.villageCode,
        name: r.villageName,
        township: r.townshipCode ?? '',
        townshipName: r.townshipName ?? '',
        total: r.total,
        base: r.base,
        bonus: r.bonus,
        sections,
        grade,
        penalty,
        nodes,
      };
      if (!combined) return row;
      const c = combinedOf.get(r.villageCode)!.result;
      return {
        ...row,
        total: c.total,
        base: c.weighted,
        bonus: c.bonus,
        penalty: c.penalty,
        grade: c.grade?.code ?? null,
        periods: Object.fromEntries(c.periods.filter((p) => p.value !== null).map((p) => [p.code, p.value!])),
        combined: {
          periods: c.periods.map((p) => ({ code: p.code, count: p.values.length, values: p.values, value: p.value, weighted: p.weighted })),
          weighted: c.weighted,
          bonusRaw: c.bonusRaw,
          bonusMax: c.bonusMax,
          penalty: c.penalty,
          veto: c.veto,
        },
      };
    });
    const ranked = rank(input, rules ? { previous, rules } : { previous });
    const countyOf = await tx.areas.countiesOf([...new Set(rows.map((r) => r.townshipCode).filter((t): t is string => t !== null))]);
    return {
      campaign: { id: campaign.id, name: campaign.name, year: campaign.year },
      scheme: { id: scheme.id, version: scheme.version },
      area: area ? { code: area.code, level: area.level } : null,
      publishedOnly: basis === 'published',
      basis,
      unranked,
      ...(combined
        ? {
            periods: (scheme.periods ?? []).map((p) => ({ code: p.code, title: p.title, weight: p.weight, combine: p.combine })),
            parts: partCampaigns.map((p) => ({ id: p.id, name: p.name, period: p.period })),
          }
        : {}),
      ...(rules ? { rules: { quotas: rules.quotas ?? [], tieBreak: rules.tieBreak ?? [], rankPoints: rules.rankPoints ?? [], rankPointsRest: rules.rankPointsRest ?? null } } : {}),
      ...ranked,
      counties: rankGroups(ranked.county, (r) => countyOf.get(r.township), countyRankingBasis()),
    };
  }

  /**
   * A final campaign's villages combined: for each of its counted results, the part campaigns'
   * counted results of the same village by period (in the parts' order), its own last in its period.
   */
  private async combinedResults(
    tx: Repos,
    campaign: { name: string; period: string | null },
    scheme: Scheme,
    basis: RankingBasis,
    partCampaigns: readonly CampaignRecord[],
    rows: ReadonlyArray<{ id: number; villageCode: string }>,
    parts: ReadonlyMap<number, Parts>,
  ): Promise<Map<string, CombinedVillage>> {
    const byVillage = new Map<string, Array<{ period: string; campaign: string; score: PeriodScore }>>();
    for (const part of partCampaigns) {
      const { scheme: partScheme } = await this.deps.schemes.schemeOf(part.schemeVersionId, tx);
      const partRows = (await tx.assessments.forRankingWithParts(part.id)).filter((r) => counted(r.status, basis));
      const partParts = await this.resultParts(tx, partScheme, part.schemeVersionId, partRows);
      for (const r of partRows) {
        const list = byVillage.get(r.villageCode) ?? [];
        list.push({ period: part.period!, campaign: part.name, score: partParts.get(r.id)!.period });
        byVillage.set(r.villageCode, list);
      }
    }
    const out = new Map<string, CombinedVillage>();
    for (const r of rows) {
      const inputs = [...(byVillage.get(r.villageCode) ?? []), { period: campaign.period!, campaign: campaign.name, score: parts.get(r.id)!.period }];
      const byPeriod: Record<string, PeriodScore[]> = {};
      for (const p of inputs) (byPeriod[p.period] ??= []).push(p.score);
      const result = combine(scheme, byPeriod);
      // The assessments of each period with their campaigns, in the order combined.
      const assessments: CombinedVillage['assessments'] = {};
      for (const p of inputs) (assessments[p.period] ??= []).push({ campaign: p.campaign, value: p.score.converted ?? p.score.base });
      out.set(r.villageCode, { result, assessments });
    }
    return out;
  }

  /**
   * One village's combined result in a final campaign, part by part with the campaigns combined
   * and the explanation in both languages: for whoever may read the campaign's ranking (it shows
   * that village's row), on the same basis (published results, or the office's preview).
   */
  async combinedResult(actor: Actor, campaignId: number, village: string, options: Pick<RankingOptions, 'preview'> = {}) {
    const ranking = await this.rankingFor(actor, campaignId, options);
    const row = ranking.county.find((r) => r.village === village);
    if (!row || !row.combined) throw notFound(`village ${village} in the combined ranking of campaign ${campaignId}`);
    const tx = this.deps.uow.read;
    const campaign = (await tx.campaigns.byId(campaignId))!;
    const { scheme } = await this.deps.schemes.schemeOf(campaign.schemeVersionId);
    const own = (await tx.assessments.forRanking(campaignId, ranking.basis === 'published')).filter((r) => r.villageCode === village && counted(r.status, ranking.basis));
    const parts = await this.resultParts(tx, scheme, campaign.schemeVersionId, own);
    const partCampaigns = await tx.campaigns.parts(campaignId);
    const c = (await this.combinedResults(tx, campaign, scheme, ranking.basis, partCampaigns, own, parts)).get(village)!;
    return {
      campaign: { id: campaign.id, name: campaign.name, year: campaign.year },
      basis: ranking.basis,
      village: row.village,
      name: row.name,
      township: row.township,
      townshipName: row.townshipName,
      periods: c.result.periods.map((p) => ({ ...p, assessments: c.assessments[p.code] ?? [] })),
      weighted: c.result.weighted,
      bonusRaw: c.result.bonusRaw,
      bonus: c.result.bonus,
      bonusMax: c.result.bonusMax,
      penalty: c.result.penalty,
      total: c.result.total,
      veto: c.result.veto,
      grade: row.grade ?? null,
      scoredGrade: row.scoredGrade !== undefined ? row.scoredGrade : (row.grade ?? null),
      countyRank: row.countyRank,
      townshipRank: row.townshipRank,
      rankPoints: row.rankPoints ?? null,
      explanation: { zh: this.explainWithQuota(c.result, scheme, row, 'zh'), en: this.explainWithQuota(c.result, scheme, row, 'en') },
    };
  }

  /** The combination's lines, and the grade the ranking's quotas gave where it differs from the grade as scored. */
  private explainWithQuota(result: CombinedResult, scheme: Scheme, row: { grade?: string | null; scoredGrade?: string | null }, lang: Lang): string[] {
    const lines = explainCombined(result, scheme, lang).map((l) => l.text);
    if (row.scoredGrade === undefined || row.scoredGrade === row.grade) return lines;
    const title = (code: string | null | undefined) => textOf(scheme.grades.find((g) => g.code === code)?.title, lang) || (code ?? '—');
    const quota = scheme.ranking?.quotas?.find((q) => q.grade === row.scoredGrade);
    const share = quota ? formatPoints(quota.share) : '';
    lines.push(
      lang === 'zh'
        ? `按等次比例（${title(row.scoredGrade)}不超过${share}%）确定为${title(row.grade)}`
        : `graded ${title(row.grade)} by the quota (${title(row.scoredGrade)} at most ${share}%)`,
    );
    return lines;
  }

  /**
   * Section scores and grade of stored results, for the ranking. Outside a transaction they are
   * kept per assessment and version (every change that rescores moves the version), so a
   * ranking does not parse every village's whole result each time it is asked for.
   */
  private async resultParts(tx: Repos, scheme: Scheme, schemeVersionId: number, rows: ReadonlyArray<{ id: number; version: number; parts?: string | null }>) {
    const out = new Map<number, Parts>();
    const cached = tx === this.deps.uow.read;
    const missing: Array<{ id: number; version: number; parts?: string | null }> = [];
    for (const r of rows) {
      const hit = cached ? this.partsCache.get(r.id) : undefined;
      if (hit && hit.version === r.version && hit.schemeVersionId === schemeVersionId) out.set(r.id, hit.parts);
      else missing.push(r);
    }
    // What each score stored for rankings (read with the rows where they were, else now); the whole
    // result only where it was stored before that.
    const whole: number[] = [];
    const unread = missing.filter((r) => r.parts === undefined).map((r) => r.id);
    const stored = [
      ...missing.filter((r) => r.parts !== undefined).map((r) => ({ id: r.id, version: r.version, parts: r.parts! })),
      ...(unread.length === 0 ? [] : await tx.assessments.rankingParts(unread)),
    ];
    for (const r of stored) {
      const parts = readStoredParts(r.parts, schemeVersionId);
      if (!parts) {
        whole.push(r.id);
        continue;
      }
      out.set(r.id, parts);
      if (cached) this.partsCache.set(r.id, { version: r.version, schemeVersionId, parts });
    }
    const tieNodes = tieNodesOf(scheme);
    for (const r of await tx.assessments.results(whole)) {
      const parts = partsOfResult(r.result as StoredResult | null, scheme, tieNodes);
      out.set(r.id, parts);
      if (cached) this.partsCache.set(r.id, { version: r.version, schemeVersionId, parts });
    }
    return out;
  }

  /** Totals and county ranks of the latest earlier campaign (by year), for the change column. */
  private async previousTotals(tx: Repos, year: number, campaignId: number, villages?: ReadonlySet<string>) {
    const prev = await tx.campaigns.previous(year, campaignId);
    const out = new Map<string, { total: number; countyRank: number }>();
    if (!prev) return out;
    const rows = (await tx.assessments.publishedTotals(prev.id)).filter((r) => !villages || villages.has(r.villageCode));
    const totals = rows.map((r) => r.total).sort((x, y) => y - x);
    for (const r of rows) out.set(r.villageCode, { total: r.total, countyRank: 1 + totals.filter((t) => t > r.total).length });
    return out;
  }

  /** The campaigns whose assessments a ranking of this one reads: itself, its parts, the previous year's. */
  private async readsCampaigns(campaignId: number): Promise<number[]> {
    const read = this.deps.uow.read;
    const c = await read.campaigns.byId(campaignId);
    if (!c) return [campaignId];
    const prev = await read.campaigns.previous(c.year, campaignId);
    return [campaignId, ...(await read.campaigns.parts(campaignId)).map((p) => p.id), ...(prev ? [prev.id] : [])];
  }

  /** Snapshots the published ranking in the caller's transaction, anchored to the audit log's head with its own entry. */
  async snapshot(tx: Repos, actor: Actor, campaignId: number, reason: string): Promise<number> {
    const id = await this.snapshotOne(tx, actor, campaignId, reason);
    // A final campaign combining this one ranks anew too (once it has published results of its own).
    for (const final of await tx.campaigns.combinedIn(campaignId)) {
      if ((await tx.assessments.publishedTotals(final.id)).length > 0) await this.snapshotOne(tx, actor, final.id, reason);
    }
    return id;
  }

  private async snapshotOne(tx: Repos, actor: Actor, campaignId: number, reason: string): Promise<number> {
    const { basis: _basis, unranked: _unranked, ...data } = await this.computeRanking(tx, campaignId, 'published');
    const id = await tx.snapshots.insert({ campaignId, createdAt: this.deps.clock().toISOString(), createdBy: actor.user, reason, data });
    await audit(tx, this.deps.clock, actor, { action: 'ranking.snapshot', entity: 'ranking_snapshot', entityId: id, after: { campaignId, reason, villages: data.county.length } });
    // The log's head with the snapshot's own entry: an anchor that a later truncation cannot move.
    const head = await tx.audit.head();
    if (head) await tx.snapshots.anchor(id, head);
    return id;
  }

  /**
   * The snapshots as an actor may read them: every one of a campaign it sees (else not found); an
   * office of an area gets the rows of its own villages, townships and counties, with the ranks the
   * snapshot recorded (the campaign's: a snapshot is a record, not ranked again), and the campaign's
   * summary as recorded.
   */
  async snapshotsFor(actor: Actor, campaignId: number) {
    const read = this.deps.uow.read;
    if (!(await read.campaigns.byId(campaignId))) throw notFound(`campaign ${campaignId}`);
    await assertSeesCampaign(read, actor, campaignId);
    const all = await this.snapshots(campaignId);
    const area = actor.area;
    if (!area || area.whole) return all;
    type Data = { county?: Array<{ township: string }>; townships?: Array<{ township: string }>; counties?: Array<{ code: string }> };
    return all.map((snap) => {
      const data = snap.data as Data;
      return {
        ...snap,
        data: {
          ...data,
          ...(data.county ? { county: data.county.filter((r) => townshipInArea(area, r.township || null)) } : {}),
          ...(data.townships ? { townships: data.townships.filter((t) => townshipInArea(area, t.township || null)) } : {}),
          ...(data.counties ? { counties: data.counties.filter((c) => area.counties.has(c.code)) } : {}),
        },
      };
    });
  }

  async snapshots(campaignId: number) {
    const rows = await this.deps.uow.read.snapshots.ofCampaign(campaignId);
    return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, createdBy: r.createdBy, reason: r.reason, data: r.data }));
  }

  /**
   * The ranking as the actor may see it: published results, every village without one listed
   * unranked (未考核 / 未发布); or, for the office when asked (`preview`), a provisional ranking
   * of submitted, reviewed and published results (内部预览), drafts listed unranked. Ranks are
   * over the results counted; a township filter keeps county ranks.
   */
  async rankingFor(actor: Actor, campaignId: number, options: RankingOptions = {}): Promise<RankingView> {
    const basis = rankingBasis(actor, !!options.preview && !options.publishedOnly);
    // Every change to any assessment moves its version, and triggers count every write to areas
    // (names, townships) and campaigns: the stamp says whether a ranking computed before is still
    // the ranking (two cheap queries instead of all), whichever process wrote. The actor's scope
    // (role, township, team) shapes only the unranked villages' states (unrankedAsSeenBy).
    // Only the assessments the ranking reads: the campaign's, its parts' and the previous year's
    // (the change column): a province's other campaigns are not counted on every request.
    const stamp = await this.deps.uow.read.assessments.versionStamp(await this.readsCampaigns(campaignId));
    // What a ranking holds depends only on the basis (every reader of a basis sees the same results).
    // ... and on the office's area, whose villages are ranked among themselves.
    const cacheKey = `${campaignId}|${basis}|${stamp}|${options.township ?? ''}|${actor.area?.code ?? ''}`;
    const hit = this.rankings.get(cacheKey);
    if (hit) return this.unrankedAsSeenBy(actor, campaignId, hit);
    const r = await this.computeRanking(this.deps.uow.read, campaignId, basis, undefined, actor.area);
    const view = !options.township
      ? r
      : {
          ...r,
          county: r.county.filter((v) => v.township === options.township),
          townships: r.townships.filter((t) => t.township === options.township),
          unranked: r.unranked.filter((v) => v.township === options.township),
        };
    if (this.rankings.size >= 200) this.rankings.clear();
    // The same object is returned while nothing changed, so presenters may memoise on it.
    this.rankings.set(cacheKey, view);
    return this.unrankedAsSeenBy(actor, campaignId, view);
  }

  /**
   * The ranking with the unranked villages' states as the actor may see them (seesUnrankedState):
   * to a reader who does not list a village's row, 未考核 shows as 未发布. The office sees the
   * kept view itself; a reviewer's or a resident's is kept beside it; an inspector's depends on
   * the teams, read each time.
   */
  private async unrankedAsSeenBy(actor: Actor, campaignId: number, view: RankingView): Promise<RankingView> {
    if (seesWholeCampaign(actor) || !view.unranked.some((u) => u.state === 'unassessed')) return view;
    let inspectorsOf = (_village: string): readonly string[] => [];
    if (needsTeam(actor)) {
      const teams = new Map((await this.deps.uow.read.campaigns.teams(campaignId)).map((t) => [t.id, t.members]));
      const teamOf = new Map((await this.deps.uow.read.assessments.list(campaignId)).map((a) => [a.villageCode, a.teamId]));
      inspectorsOf = (village) => teams.get(teamOf.get(village) ?? -1) ?? [];
    }
    const scope = needsTeam(actor) ? null : `${actor.role}|${actor.township ?? ''}|${actor.area?.code ?? ''}`;
    const kept = scope ? this.seen.get(view)?.get(scope) : undefined;
    if (kept) return kept;
    const seen: RankingView = {
      ...view,
      unranked: view.unranked.map((u) =>
        u.state === 'unpublished' || seesUnrankedState(actor, { status: 'draft', townshipCode: u.township || null, inspectors: inspectorsOf(u.village) })
          ? u
          : { ...u, state: 'unpublished' },
      ),
    };
    if (scope) {
      const byScope = this.seen.get(view) ?? new Map<string, RankingView>();
      byScope.set(scope, seen);
      this.seen.set(view, byScope);
    }
    return seen;
  }

  /** The overview page's figures: progress, score distribution (bins of 10 points), section averages by township, top and bottom 5. */
  async overview(actor: Actor, campaignId: number, options: Pick<RankingOptions, 'preview'> = {}) {
    const read = this.deps.uow.read;
    const c = await read.campaigns.byId(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    const { scheme } = await this.deps.schemes.schemeOf(c.schemeVersionId);
    const teams = new Map((await read.campaigns.teams(campaignId)).map((t) => [t.id, t.members]));
    const listed = (await read.assessments.list(campaignId)).filter((r) =>
      listsRow(actor, { status: r.status, townshipCode: r.townshipCode, inspectors: r.teamId === null ? [] : (teams.get(r.teamId) ?? []) }),
    );
    const progress = progressOf(listed);
    const ranking = await this.rankingFor(actor, campaignId, options);
    const highest = ranking.county.reduce((m, v) => Math.max(m, v.total), 0);
    // Bins from 0 up to the most a village can score (base and bonus), or the highest total.
    const most = score(scheme, { name: '' }, []);
    const top = Math.max(10, Math.ceil(fromCents(most.max + most.bonusMax) / 10) * 10, Math.ceil(fromCents(highest) / 10) * 10);
    const bins = Array.from({ length: top / 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
    for (const v of ranking.county) bins[Math.min(Math.floor(fromCents(v.total) / 10), bins.length - 1)]!.count++;
    const points = (cents: Record<string, number>) => Object.fromEntries(Object.entries(cents).map(([k, v]) => [k, fromCents(v)]));
    const place = (v: (typeof ranking.county)[number]) => ({
      village: v.village,
      name: v.name,
      township: v.township,
      townshipName: v.townshipName,
      total: fromCents(v.total),
      countyRank: v.countyRank,
      grade: v.grade ?? null,
    });
    return {
      campaign: { id: c.id, name: c.name, year: c.year },
      basis: ranking.basis,
      unranked: { unassessed: ranking.unranked.filter((v) => v.state === 'unassessed').length, unpublished: ranking.unranked.filter((v) => v.state === 'unpublished').length },
      progress,
      distribution: bins,
      sections: scheme.sections.map((s) => ({ code: s.code, title: s.title, max: s.points === null ? null : fromCents(s.points), bonus: s.bonus })),
      county: {
        count: ranking.countySummary.count,
        averageTotal: fromCents(ranking.countySummary.averageTotal),
        averages: points(ranking.countySummary.averages),
        gradeCounts: ranking.countySummary.gradeCounts ?? null,
      },
      townships: ranking.townships.map((t) => ({
        township: t.township,
        name: t.townshipName,
        count: t.count,
        averageTotal: fromCents(t.averageTotal),
        averages: points(t.averages),
      })),
      counties: ranking.counties.map((g) => ({
        county: g.code,
        name: g.name,
        rank: g.rank,
        count: g.count,
        averageTotal: fromCents(g.averageTotal),
        medianTotal: fromCents(g.medianTotal),
        basis: g.basis,
        averages: points(g.averages),
      })),
      top: ranking.county.slice(0, 5).map(place),
      bottom: ranking.county.slice(-5).reverse().map(place),
    };
  }
}
