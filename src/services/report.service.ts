/**
 * The data of a campaign's reports, cut to what the reader may see: the score sheets of many
 * villages at once (for the campaign PDF), the ranking with section averages and the change
 * against the previous campaign, and the deduction detail (扣分明细) of one village or all.
 * Rendering (xlsx, PDF) is elsewhere and pure; this file reads, checks access and shapes.
 * Ranks are never computed here: they come from CampaignServices.rankingFor.
 */
import { KaoheError } from '../core/errors.ts';
import { formatPoints, fromCents, type Cents } from '../core/numbers.ts';
import { textOf, walk, type Lang, type Scheme, type SchemeNode } from '../core/scheme/model.ts';
import { score, type Finding, type ScoreResult } from '../core/scoring/score.ts';
import type { ReportRepository, CampaignRecord, UpperArea } from '../store/report.repository.ts';
import type { AssessmentStatus } from '../store/schema.ts';
import type { CampaignServices } from './campaign/index.ts';
import { canRead, forbidden, type Actor, type AssessmentContext } from './policies.ts';
import { formatAnchor } from '../core/audit-anchor.ts';
import { localDate, localDateTime } from '../core/time-zone.ts';
import { officeTimeZone, officeToday } from './time-zone.ts';
import { buildScoreSheet, unitOfVillage, type ScoreSheet } from './score-sheet.ts';
import { valueFromCents, valueWords } from '../contract/finding-values.ts';
import { engineValues } from './campaign/shared.ts';
import type {
  ReportSection,
  RankingReportRow,
  ReportSummary,
  RankingReport,
  FindingStatusKind,
  FindingSource,
  DeductionEvidence,
  DeductionRow,
  DeductionVillage,
  DeductionDetail,
} from '../reports/shapes.ts';

export type * from '../reports/shapes.ts';

/** What the service reads with: its repository (the composition root hands the unit of work's). */
export interface ReportServiceDeps {
  repository: ReportRepository;
  campaigns: CampaignServices;
  /** The same clock as the campaign service's, so a batch of sheets carries the same date as one. */
  clock?: () => Date;
}

// ---------------------------------------------------------------------------------------------
// Words

const WORDS = {
  zh: {
    county: '全县',
    source: { inspector: '考核组', suggestion: '系统提示', appeal: '申诉裁定' } as Record<FindingSource, string>,
    status: { accepted: '有效', withdrawn: '已撤回', 'adjusted-on-appeal': '申诉调整' } as Record<FindingStatusKind, string>,
    assessment: { draft: '草稿', submitted: '已提交', reviewed: '已审核', published: '已发布' } as Record<AssessmentStatus, string>,
    evidence: (id: number, filename: string, withdrawn: boolean) => `证据#${id} ${filename}${withdrawn ? '（已撤回）' : ''}`,
    evidenceJoin: '；',
    withdrawn: (recorded: string, reason: string, by: string, at: string) => `撤回（原扣${recorded}分）：${reason}（${by} ${at}）`,
    upheld: (id: number, recorded: string, reason: string) => `申诉#${id} 成立（原扣${recorded}分）：${reason}`,
    adjusted: (id: number, recorded: string, count: number, reason: string) => `申诉#${id} 调整为${count}处（原扣${recorded}分）：${reason}`,
    superseded: (recorded: string) => `已被申诉裁定取代（原扣${recorded}分）`,
    appealFinding: (id: number) => `申诉#${id} 裁定后的记录`,
    pool: (code: string, max: string, raw: string, after: string) =>
      after === max ? `扣分池 ${code}（${max}分）：记扣${raw}分，封顶${max}分` : `扣分池 ${code}（${max}分）：记扣${raw}分，实扣${after}分`,
    itemCap: (code: string, max: string, raw: string, after: string) => `${code} 本项（${max}分）：记扣${raw}分，实扣${after}分`,
    bonusCap: (code: string, max: string, raw: string, after: string) => `加分 ${code}（上限${max}分）：记加${raw}分，计${after}分`,
    veto: (effect: string) => `一票否决：${effect}`,
    vetoZero: '总分计0分',
    vetoGrade: (grade: string) => `等次定为${grade}`,
    vetoCeiling: (grade: string) => `不得评为高于${grade}的等次`,
    join: '；',
  },
  en: {
    county: 'County',
    source: { inspector: 'inspection team', suggestion: 'registry suggestion', appeal: 'appeal decision' } as Record<FindingSource, string>,
    status: { accepted: 'accepted', withdrawn: 'withdrawn', 'adjusted-on-appeal': 'adjusted on appeal' } as Record<FindingStatusKind, string>,
    assessment: { draft: 'draft', submitted: 'submitted', reviewed: 'reviewed', published: 'published' } as Record<AssessmentStatus, string>,
    evidence: (id: number, filename: string, withdrawn: boolean) => `evidence #${id} ${filename}${withdrawn ? ' (withdrawn)' : ''}`,
    evidenceJoin: '; ',
    withdrawn: (recorded: string, reason: string, by: string, at: string) => `withdrawn (was −${recorded}): ${reason} (${by} ${at})`,
    upheld: (id: number, recorded: string, reason: string) => `appeal #${id} upheld (was −${recorded}): ${reason}`,
    adjusted: (id: number, recorded: string, count: number, reason: string) => `appeal #${id} adjusted to ${count} (was −${recorded}): ${reason}`,
    superseded: (recorded: string) => `superseded by an appeal decision (was −${recorded})`,
    appealFinding: (id: number) => `recorded by the decision on appeal #${id}`,
    pool: (code: string, max: string, raw: string, after: string) =>
      after === max ? `pool ${code} (${max}): ${raw} recorded, capped at ${max}` : `pool ${code} (${max}): ${raw} recorded, ${after} counted`,
    itemCap: (code: string, max: string, raw: string, after: string) => `item ${code} (${max}): ${raw} recorded, ${after} counted`,
    bonusCap: (code: string, max: string, raw: string, after: string) => `bonus ${code} (cap ${max}): +${raw} recorded, +${after} counted`,
    veto: (effect: string) => `veto: ${effect}`,
    vetoZero: 'total set to 0',
    vetoGrade: (grade: string) => `grade set to ${grade}`,
    vetoCeiling: (grade: string) => `grade at most ${grade}`,
    join: '; ',
  },
} as const;

// ---------------------------------------------------------------------------------------------

/** Which villages a deduction detail covers, by the reader's role (see deductionDetail). */
const DETAIL_BASIS: Record<Actor['role'], string> = { admin: 'all', reviewer: 'own-township', inspector: 'own-team', village: 'own-village-published', viewer: 'none' };

const notFound = (what: string) => new KaoheError('not-found', `${what} not found`);

export class ReportService {
  private readonly repository: ReportRepository;
  private readonly campaigns: CampaignServices;
  private readonly clock: () => Date;

  constructor(deps: ReportServiceDeps) {
    this.repository = deps.repository;
    this.campaigns = deps.campaigns;
    this.clock = deps.clock ?? (() => new Date());
  }

  private today(): string {
    return officeToday(this.clock);
  }

  private async auditAnchor(): Promise<string | null> {
    const head = await this.campaigns.audit.auditAnchor();
    return head ? formatAnchor(head) : null;
  }

  /** The campaign (not-found when there is none). */
  async campaignRow(campaignId: number): Promise<CampaignRecord> {
    const c = await this.repository.campaign(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    return c;
  }

  /** Counties and townships by code. */
  private async upperAreas(): Promise<Map<string, UpperArea>> {
    return new Map((await this.repository.upperAreas()).map((a) => [a.code, a]));
  }

  /** The campaign's teams with their members, by team id. */
  private async teams(campaignId: number): Promise<Map<number, { name: string; members: string[] }>> {
    return new Map((await this.campaigns.setup.teamsOf(campaignId)).map((t) => [t.id, { name: t.name, members: t.members }]));
  }

  private countyOf(areas: Map<string, UpperArea>, townshipCode: string | null | undefined) {
    const township = townshipCode ? areas.get(townshipCode) : undefined;
    const county = township?.parent ? areas.get(township.parent) : [...areas.values()].find((a) => a.level === 'county');
    return county ? { code: county.code, name: county.name } : null;
  }

  // -------------------------------------------------------------------------------------------
  // Score sheets, many at once

  /** The villages of a campaign (or of one township) whose score sheets the actor may read, by village code. */
  async readableVillages(actor: Actor, campaignId: number, township?: string): Promise<string[]> {
    await this.campaignRow(campaignId);
    const teams = await this.teams(campaignId);
    const all = await this.repository.assessments(campaignId, township);
    return all
      .filter((a) =>
        canRead(actor, { villageCode: a.villageCode, townshipCode: a.townshipCode, status: a.status, inspectors: a.teamId === null ? [] : (teams.get(a.teamId)?.members ?? []) }),
      )
      .map((a) => a.villageCode);
  }

  /**
   * The score sheets of many villages (the given ones, in that order; else one township's or
   * the whole campaign's, by village code), each exactly as CampaignServices.scoreSheet gives it,
   * read with a constant number of queries. A named village the actor may not read is not found,
   * as a missing one; without names, only the villages the actor may read are included.
   */
  async scoreSheets(actor: Actor, campaignId: number, options: { villages?: string[]; township?: string; lang?: Lang } = {}): Promise<ScoreSheet[]> {
    const lang = options.lang ?? 'zh';
    const c = await this.campaignRow(campaignId);
    const { scheme } = await this.campaigns.schemes.schemeOf(c.schemeVersionId);
    const teams = await this.teams(campaignId);
    const all = await this.repository.assessments(campaignId, options.township);
    const ctxOf = (a: (typeof all)[number]): AssessmentContext => ({
      villageCode: a.villageCode,
      townshipCode: a.townshipCode,
      status: a.status,
      inspectors: a.teamId === null ? [] : (teams.get(a.teamId)?.members ?? []),
    });
    let chosen: typeof all;
    if (options.villages) {
      const byCode = new Map(all.map((a) => [a.villageCode, a]));
      chosen = [];
      for (const code of new Set(options.villages)) {
        const a = byCode.get(code);
        // One the actor may not read is not there for them (policies.ts): the same answer.
        if (!a || !canRead(actor, ctxOf(a))) throw notFound(`village ${code} in campaign ${campaignId}${options.township ? ` (township ${options.township})` : ''}`);
        chosen.push(a);
      }
    } else {
      chosen = all.filter((a) => canRead(actor, ctxOf(a)));
    }
    if (chosen.length === 0) return [];

    const ids = chosen.map((a) => a.id);
    // Every assessment of the campaign: read by the campaign, without id lists.
    const whole = !options.villages && !options.township && chosen.length === all.length;
    const findingRows = await this.repository.activeFindings(campaignId, whole ? null : ids);
    const findingsOf = new Map<number, Finding[]>();
    for (const f of findingRows) {
      const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
      if (f.element) out.element = f.element;
      if (f.note) out.note = f.note;
      if (f.householdNo) out.household = f.householdNo;
      Object.assign(out, engineValues(f));
      (findingsOf.get(f.assessmentId) ?? findingsOf.set(f.assessmentId, []).get(f.assessmentId)!).push(out);
    }
    const evidence = await this.repository.activeEvidence(campaignId, whole ? null : ids);
    const evidenceOf = new Map<number, typeof evidence>();
    for (const e of evidence) (evidenceOf.get(e.assessmentId) ?? evidenceOf.set(e.assessmentId, []).get(e.assessmentId)!).push(e);
    const areas = await this.upperAreas();
    const ranking = await this.campaigns.rankings.rankingFor(actor, campaignId);
    const placed = new Map(ranking.county.map((v) => [v.village, v]));
    const townshipCount = new Map(ranking.townships.map((t) => [t.township, t.count]));
    const date = this.today();
    const auditAnchor = await this.auditAnchor();
    const schemeHeader = { id: scheme.id, version: scheme.version, title: textOf(scheme.title, lang) };
    const campaign = { id: c.id, name: c.name, year: c.year, period: { from: c.periodFrom, to: c.periodTo } };

    return chosen.map((a) => {
      const township = a.townshipCode ? areas.get(a.townshipCode) : undefined;
      const county = township?.parent ? areas.get(township.parent) : undefined;
      const p = placed.get(a.villageCode);
      return buildScoreSheet({
        scheme,
        unit: unitOfVillage(a),
        findings: findingsOf.get(a.id) ?? [],
        evidence: evidenceOf.get(a.id) ?? [],
        lang,
        header: {
          county: county ? { code: county.code, name: county.name } : null,
          township: township ? { code: township.code, name: township.name } : null,
          campaign,
          village: { code: a.villageCode, name: a.villageName },
          team: a.teamId === null ? null : (teams.get(a.teamId)?.name ?? null),
          scheme: schemeHeader,
          status: a.status,
          publishedAt: a.publishedAt,
          date,
          timeZone: officeTimeZone(),
          auditAnchor,
        },
        rank: p
          ? { basis: ranking.basis, county: p.countyRank, countyOf: ranking.county.length, township: p.townshipRank, townshipOf: townshipCount.get(a.townshipCode ?? '') ?? null }
          : null,
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Ranking

  /**
   * The ranking as a report: header, section columns, every ranked village the actor may see
   * (one township's when asked), township and county averages, the previous campaign compared.
   */
  async rankingReport(actor: Actor, campaignId: number, options: { township?: string; preview?: boolean; publishedOnly?: boolean; lang?: Lang } = {}): Promise<RankingReport> {
    const lang = options.lang ?? 'zh';
    const c = await this.campaignRow(campaignId);
    const { scheme } = await this.campaigns.schemes.schemeOf(c.schemeVersionId);
    const whole = await this.campaigns.rankings.rankingFor(actor, campaignId, {
      ...(options.preview !== undefined ? { preview: options.preview } : {}),
      ...(options.publishedOnly !== undefined ? { publishedOnly: options.publishedOnly } : {}),
    });
    const areas = await this.upperAreas();
    if (options.township && areas.get(options.township)?.level !== 'township') throw notFound(`township ${options.township}`);
    const gradeTitle = new Map(scheme.grades.map((g) => [g.code, textOf(g.title, lang)]));
    const row = (r: (typeof whole.county)[number]): RankingReportRow => ({
      township: r.township,
      townshipName: r.townshipName,
      village: r.village,
      name: r.name,
      sections: pointsOf(r.sections),
      base: fromCents(r.base),
      bonus: fromCents(r.bonus),
      total: fromCents(r.total),
      grade: r.grade ? { code: r.grade, title: gradeTitle.get(r.grade) ?? r.grade } : null,
      scoredGrade: (r.scoredGrade !== undefined ? r.scoredGrade : r.grade)
        ? { code: (r.scoredGrade ?? r.grade)!, title: gradeTitle.get((r.scoredGrade ?? r.grade)!) ?? (r.scoredGrade ?? r.grade)! }
        : null,
      penalty: fromCents(r.penalty ?? 0),
      ...(r.combined ? { periods: Object.fromEntries(r.combined.periods.map((p) => [p.code, fromCents(p.weighted)])) } : {}),
      rankPoints: r.rankPoints === undefined ? null : fromCents(r.rankPoints),
      townshipRank: r.townshipRank,
      countyRank: r.countyRank,
      change: {
        total: r.change.totalDelta === null ? null : fromCents(r.change.totalDelta),
        rank: r.change.rankDelta,
        previousTotal: r.change.totalDelta === null ? null : fromCents(r.total - r.change.totalDelta),
        previousRank: r.change.rankDelta === null ? null : r.countyRank + r.change.rankDelta,
      },
    });
    const rows = whole.county.filter((r) => !options.township || r.township === options.township).map(row);
    const byVillage = new Map(rows.map((r) => [r.village, r]));
    const townships = whole.townships
      .filter((t) => !options.township || t.township === options.township)
      .map((t) => ({
        code: t.township,
        name: t.townshipName || (areas.get(t.township)?.name ?? t.township),
        summary: summaryOf(t),
        rows: t.rows.map((r) => byVillage.get(r.village)!),
      }));
    // A township whose villages are all unranked still gets its sheet, listing them (未考核 / 未发布).
    const empty = { count: 0, averages: {}, base: 0, bonus: 0, total: 0, gradeCounts: null };
    for (const u of whole.unranked) {
      if ((options.township && u.township !== options.township) || townships.some((t) => t.code === u.township)) continue;
      townships.push({ code: u.township, name: u.townshipName || (areas.get(u.township)?.name ?? u.township), summary: empty, rows: [] });
    }
    townships.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    const shownTownship = options.township ? areas.get(options.township)! : null;
    // A township none of whose results the reader may see still gets its (empty) sheet.
    if (shownTownship && townships.length === 0)
      townships.push({ code: shownTownship.code, name: shownTownship.name, summary: { count: 0, averages: {}, base: 0, bonus: 0, total: 0, gradeCounts: null }, rows: [] });
    const previous = await this.repository.previousCampaign(c.year, campaignId);
    return {
      header: {
        county: this.countyOf(areas, options.township ?? whole.townships[0]?.township),
        township: shownTownship ? { code: shownTownship.code, name: shownTownship.name } : null,
        village: null,
        campaign: { id: c.id, name: c.name, year: c.year, period: { from: c.periodFrom, to: c.periodTo } },
        scheme: { id: scheme.id, version: scheme.version, title: textOf(scheme.title, lang) },
        date: this.today(),
        auditAnchor: await this.auditAnchor(),
        lang,
        publishedOnly: whole.publishedOnly,
        basis: whole.basis,
      },
      sections: sectionsOf(scheme, lang),
      maxBase: fromCents(scheme.sections.filter((s) => !s.bonus).reduce((n, s) => n + (s.points ?? 0), 0)),
      maxBonus: fromCents(scheme.sections.filter((s) => s.bonus).reduce((n, s) => n + (s.points ?? 0), 0)),
      grades: scheme.grades.map((g) => ({ code: g.code, title: textOf(g.title, lang) })),
      previous,
      ...(whole.periods ? { periods: whole.periods.map((p) => ({ code: p.code, title: textOf(p.title, lang), weight: fromCents(p.weight) })) } : {}),
      quotas: (whole.rules?.quotas.length ?? 0) > 0,
      rankPoints: whole.county.some((r) => r.rankPoints !== undefined),
      rows,
      townships,
      county: summaryOf(whole.countySummary),
      countyCount: whole.county.length,
      unranked: whole.unranked.filter((u) => !options.township || u.township === options.township),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Deduction detail

  /**
   * Every finding of the campaign (or of one village, or one township) with its rule, points,
   * pool effect, note, household, evidence, source and status — withdrawn and superseded ones
   * too, counted as 0. Who may: the office all; a reviewer their township; an inspector their
   * team's villages; a village its own once published; a viewer not at all.
   */
  async deductionDetail(actor: Actor, campaignId: number, options: { village?: string; township?: string; lang?: Lang } = {}): Promise<DeductionDetail> {
    const lang = options.lang ?? 'zh';
    const words = WORDS[lang];
    if (actor.role === 'viewer') throw forbidden(`${actor.user} (viewer) may not read deduction details: they are for the office, the teams and the village concerned`);
    const c = await this.campaignRow(campaignId);
    const { scheme } = await this.campaigns.schemes.schemeOf(c.schemeVersionId);
    const teams = await this.teams(campaignId);
    const inScope = await this.repository.assessments(campaignId, options.township);
    let all = inScope;
    const ctxOf = (a: (typeof all)[number]): AssessmentContext => ({
      villageCode: a.villageCode,
      townshipCode: a.townshipCode,
      status: a.status,
      inspectors: a.teamId === null ? [] : (teams.get(a.teamId)?.members ?? []),
    });
    // A village user's report is their own village's, named or not.
    const village = options.village ?? (actor.role === 'village' ? actor.village : undefined);
    if (village) {
      const a = all.find((x) => x.villageCode === village);
      // One the actor may not read is not there for them (policies.ts): the same answer.
      if (!a || !canRead(actor, ctxOf(a))) throw notFound(`village ${village} in campaign ${campaignId}`);
      all = [a];
    } else {
      all = all.filter((a) => canRead(actor, ctxOf(a)));
    }
    const ids = all.map((a) => a.id);
    const whole = !village && !options.township && all.length === inScope.length;

    const findings = await this.repository.findings(campaignId, whole ? null : ids);
    const evidence = await this.repository.findingEvidence(campaignId, whole ? null : ids);
    const appeals = await this.repository.appeals(campaignId, whole ? null : ids);
    const areas = await this.upperAreas();

    // The scheme's items: order, title, rule text and unit points.
    const order = new Map<string, number>();
    const nodes = new Map<string, SchemeNode>();
    walk(scheme, (node) => {
      order.set(node.code, order.size);
      nodes.set(node.code, node);
    });
    const evidenceOf = new Map<number, DeductionEvidence[]>();
    for (const e of evidence) {
      if (e.findingId === null) continue;
      (evidenceOf.get(e.findingId) ?? evidenceOf.set(e.findingId, []).get(e.findingId)!).push({ id: e.id, filename: e.filename, status: e.status });
    }
    const appealById = new Map(appeals.map((ap) => [ap.id, ap]));
    const findingsOf = new Map<number, typeof findings>();
    for (const f of findings) (findingsOf.get(f.assessmentId) ?? findingsOf.set(f.assessmentId, []).get(f.assessmentId)!).push(f);
    // A superseded finding's appeal: the one whose decision names it (supersedesId), else the
    // first upheld or adjusted appeal on its item decided after it was recorded.
    const supersededBy = new Map<number, number>();
    for (const f of findings) if (f.supersedesId !== null && f.appealId !== null) supersededBy.set(f.supersedesId, f.appealId);

    const villages: DeductionVillage[] = all.map((a) => {
      const own = findingsOf.get(a.id) ?? [];
      const active = own.filter((f) => f.status === 'active');
      const engineFindings: Finding[] = active.map((f) => {
        const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
        if (f.element) out.element = f.element;
        if (f.note) out.note = f.note;
        return Object.assign(out, engineValues(f));
      });
      const result = score(scheme, unitOfVillage(a), engineFindings);
      const amountOf = new Map<number, Cents>();
      for (const code of result.order) for (const d of result.nodes[code]!.deductions ?? []) amountOf.set(Number(engineFindings[d.finding]!.id), d.amount);
      const township = a.townshipCode ? areas.get(a.townshipCode) : undefined;
      const rows: DeductionRow[] = own.map((f) => {
        const node = nodes.get(f.item);
        const rule = node?.rule;
        const kind: DeductionRow['kind'] = rule?.kind === 'bonus' ? 'bonus' : rule?.kind === 'veto' ? 'veto' : 'deduction';
        const part = f.part && rule?.kind === 'parts' ? rule.parts.find((p) => p.code === f.part) : undefined;
        // A range finding's unit is the amount picked; a part's, its own rule's.
        const unit = f.amount !== null ? f.amount : part ? unitCents({ ...node!, rule: part.rule }) : unitCents(node);
        // allOrNothing: the item is lost once; any count ≥ 1 records its points.
        const recordedCents = f.status === 'active' ? (amountOf.get(f.id) ?? 0) : rule?.kind === 'allOrNothing' ? (f.count > 0 ? (unit ?? 0) : 0) : f.count * (unit ?? 0);
        const status: FindingStatusKind = f.status === 'active' ? 'accepted' : f.status === 'withdrawn' ? 'withdrawn' : 'adjusted-on-appeal';
        const recordedText = formatPoints(recordedCents);
        let statusNote = '';
        let appealId: number | null = f.appealId;
        if (f.status === 'withdrawn') {
          statusNote = words.withdrawn(recordedText, f.withdrawReason ?? '', f.withdrawnBy ?? '', f.withdrawnAt ? localDate(f.withdrawnAt, officeTimeZone()) : '');
        } else if (f.status === 'superseded') {
          const ap =
            appealById.get(supersededBy.get(f.id) ?? -1) ??
            appeals.find((x) => x.assessmentId === f.assessmentId && x.item === f.item && (x.status === 'upheld' || x.status === 'adjusted') && (x.decidedAt ?? '') >= f.createdAt);
          appealId = ap?.id ?? null;
          statusNote = !ap
            ? words.superseded(recordedText)
            : ap.status === 'adjusted'
              ? words.adjusted(ap.id, recordedText, ap.adjustedCount ?? 0, ap.decisionReason ?? '')
              : words.upheld(ap.id, recordedText, ap.decisionReason ?? '');
        } else if (f.source === 'appeal' && f.appealId !== null) {
          statusNote = words.appealFinding(f.appealId);
        }
        const ev = evidenceOf.get(f.id) ?? [];
        const element = f.element && node?.checklist ? node.checklist.find((e) => e.code === f.element) : undefined;
        return {
          findingId: f.id,
          township: a.townshipCode,
          townshipName: township?.name ?? null,
          village: a.villageCode,
          villageName: a.villageName,
          item: f.item,
          title: node ? textOf(node.title, lang) : f.item,
          rule: node?.ruleText ? textOf(node.ruleText, lang) : '',
          element: f.element,
          elementTitle: element ? textOf(element.title, lang) : null,
          value: f.value ? valueWords(valueFromCents(f.value), rule?.kind === 'measured' ? rule.measure : undefined, lang) : null,
          picked: f.amount === null ? null : fromCents(f.amount),
          part: f.part,
          partTitle: part ? textOf(part.title, lang) : null,
          count: f.count,
          kind,
          unitPoints: unit === null ? null : fromCents(unit),
          recorded: fromCents(recordedCents),
          points: f.status === 'active' ? fromCents(recordedCents) : 0,
          poolEffect: f.status === 'active' && f.count > 0 ? poolEffectOf(result, scheme, f.item, lang) : '',
          note: f.note,
          household: f.householdNo,
          evidence: ev,
          evidenceText: ev.map((e) => words.evidence(e.id, e.filename, e.status === 'withdrawn' && f.status === 'active')).join(words.evidenceJoin),
          source: f.source,
          sourceLabel: words.source[f.source],
          status,
          statusLabel: words.status[status],
          statusNote,
          appealId,
          createdAt: localDateTime(f.createdAt, officeTimeZone()),
          createdBy: f.createdBy,
        };
      });
      rows.sort((x, y) => (order.get(x.item) ?? 0) - (order.get(y.item) ?? 0) || x.findingId - y.findingId);
      let recorded = 0;
      let deducted = 0;
      for (const s of scheme.sections) {
        if (s.bonus) continue;
        recorded += result.nodes[s.code]!.deductedRaw;
        deducted += result.nodes[s.code]!.deducted;
      }
      return {
        township: a.townshipCode,
        townshipName: township?.name ?? null,
        village: a.villageCode,
        name: a.villageName,
        assessmentStatus: a.status,
        assessmentStatusLabel: words.assessment[a.status],
        totals: {
          recorded: fromCents(recorded),
          deducted: fromCents(deducted),
          base: fromCents(result.base),
          bonus: fromCents(result.bonus),
          total: fromCents(result.total),
          max: fromCents(result.max),
        },
        counts: {
          accepted: rows.filter((r) => r.status === 'accepted').length,
          withdrawn: rows.filter((r) => r.status === 'withdrawn').length,
          adjusted: rows.filter((r) => r.status === 'adjusted-on-appeal').length,
        },
        rows,
      };
    });
    const shownTownship = options.township ? areas.get(options.township) : undefined;
    const shownVillage = village ? all[0] : undefined;
    return {
      header: {
        county: this.countyOf(areas, options.township ?? all[0]?.townshipCode),
        township: shownTownship ? { code: shownTownship.code, name: shownTownship.name } : null,
        village: shownVillage ? { code: shownVillage.villageCode, name: shownVillage.villageName } : null,
        campaign: { id: c.id, name: c.name, year: c.year, period: { from: c.periodFrom, to: c.periodTo } },
        scheme: { id: scheme.id, version: scheme.version, title: textOf(scheme.title, lang) },
        date: this.today(),
        auditAnchor: await this.auditAnchor(),
        lang,
        publishedOnly: actor.role === 'village',
        basis: DETAIL_BASIS[actor.role],
      },
      villages,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers

function pointsOf(cents: Record<string, Cents>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cents)) out[k] = fromCents(v);
  return out;
}

function summaryOf(s: {
  count: number;
  averages: Record<string, Cents>;
  averageBase: Cents;
  averageBonus: Cents;
  averageTotal: Cents;
  gradeCounts?: Record<string, number>;
}): ReportSummary {
  return {
    count: s.count,
    averages: pointsOf(s.averages),
    base: fromCents(s.averageBase),
    bonus: fromCents(s.averageBonus),
    total: fromCents(s.averageTotal),
    gradeCounts: s.gradeCounts ?? null,
  };
}

/** The scheme's top-level sections as report columns. */
export function sectionsOf(scheme: Scheme, lang: Lang): ReportSection[] {
  return scheme.sections.map((s) => ({ code: s.code, title: textOf(s.title, lang), max: s.points === null ? null : fromCents(s.points), bonus: s.bonus }));
}

/** Points one occurrence of the item records (all-or-nothing: the item's points); null for a veto or no rule. */
function unitCents(node: SchemeNode | undefined): Cents | null {
  const rule = node?.rule;
  if (!rule) return null;
  switch (rule.kind) {
    case 'perOccurrence':
    case 'fixedPenalty':
    case 'bonus':
      return rule.amount;
    case 'allOrNothing':
      return node!.points ?? 0;
    case 'veto':
    case 'range':
    case 'measured':
    case 'parts':
      // No one amount per occurrence: each finding carries its own (see its deduction).
      return null;
  }
}

/**
 * What caps did to an item's findings, in words: each pool it draws on whose recorded
 * deductions exceed what it gave up ("扣分池 2.3（10分）：记扣12分，封顶10分"), the item's own cap,
 * a bonus section's cap, or a veto. '' when nothing was cut.
 */
export function poolEffectOf(result: ScoreResult, scheme: Scheme, item: string, lang: Lang): string {
  const words = WORDS[lang];
  const n = result.nodes[item];
  if (!n) return '';
  const parts: string[] = [];
  if (n.vetoed) {
    const v = result.veto;
    parts.push(words.veto(v?.effect === 'grade' ? words.vetoGrade(v.grade ?? '') : v?.effect === 'ceiling' ? words.vetoCeiling(v.grade ?? '') : words.vetoZero));
  }
  for (const p of n.pools ?? []) {
    const pn = result.nodes[p]!;
    if (pn.deductedRaw <= pn.deducted) continue;
    const fn = p === item ? words.itemCap : words.pool;
    parts.push(fn(p, formatPoints(pn.max), formatPoints(pn.deductedRaw), formatPoints(pn.deducted)));
  }
  if (n.addedRaw !== undefined && n.addedRaw > 0) {
    // A bonus item is cut by its own points (where it has them), else by its section's cap.
    const section = scheme.sections.find((s) => s.bonus && (item === s.code || item.startsWith(`${s.code}.`)));
    const sn = section ? result.nodes[section.code] : undefined;
    const ownCap = nodeOf(scheme, item)?.points != null;
    const itemCapped = ownCap ? Math.min(n.addedRaw, n.max) : n.addedRaw;
    if (itemCapped < n.addedRaw) parts.push(words.bonusCap(item, formatPoints(n.max), formatPoints(n.addedRaw), formatPoints(itemCapped)));
    if (sn && sn.added !== undefined && sn.addedRaw !== undefined && (n.added ?? 0) < itemCapped) {
      parts.push(words.bonusCap(sn.code, formatPoints(sn.max), formatPoints(sn.addedRaw), formatPoints(sn.added)));
    }
  }
  return parts.join(words.join);
}

const nodeIndexes = new WeakMap<Scheme, Map<string, SchemeNode>>();

function nodeOf(scheme: Scheme, code: string): SchemeNode | undefined {
  let index = nodeIndexes.get(scheme);
  if (!index) {
    index = new Map();
    const map = index;
    walk(scheme, (node) => map.set(node.code, node));
    nodeIndexes.set(scheme, index);
  }
  return index.get(code);
}
