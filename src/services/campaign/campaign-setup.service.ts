/**
 * Campaigns as the office sets them up — a frozen scheme version, the villages in scope with a
 * draft assessment each, inspection teams and their villages — and the campaign lists and pages,
 * each cut to what its reader may see.
 */
import { storedParts } from './ranking-parts.ts';
import type { AssessmentStatus, CampaignRecord, TeamRecord } from '../../core/campaign/records.ts';
import { KaoheError } from '../../core/errors.ts';
import { fromCents } from '../../core/numbers.ts';
import { resultToJson, score } from '../../core/scoring/score.ts';
import type { AssessmentGroup, AssessmentListRecord } from '../../store/assessment.repository.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { areaTownships, assertManageCampaigns, assertTeamMembers, canSeeTeamMembers, inArea, listCut, listsRow, seesCampaign, seesWholeCampaign, type Actor } from '../policies.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { assertOwnsCampaign, assertSeesCampaign, audit, notFound, statisticsTuning, type Clock } from './shared.ts';

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'areas' | 'schemeVersions' | 'audit'>;

/** Which of some user names are inspectors' (the users the office has made). */
export type InspectorDirectory = (names: readonly string[]) => Promise<ReadonlySet<string>>;

export type Progress = Record<AssessmentStatus, number> & { total: number };

export function emptyProgress(): Progress {
  return { total: 0, draft: 0, submitted: 0, reviewed: 0, published: 0 };
}

export function progressOf(rows: ReadonlyArray<{ status: AssessmentStatus }>): Progress {
  const p = emptyProgress();
  for (const r of rows) {
    p[r.status]++;
    p.total++;
  }
  return p;
}

/** An assessment as the campaign's lists show it (the store's list record, points as decimals, its team's name). */
function listRow(r: AssessmentListRecord, team: string | null) {
  return {
    id: r.id,
    village: r.villageCode,
    villageName: r.villageName,
    township: r.townshipCode,
    townshipName: r.townshipName,
    status: r.status,
    version: r.version,
    base: fromCents(r.base),
    bonus: fromCents(r.bonus),
    total: fromCents(r.total),
    team,
    teamId: r.teamId,
    updatedAt: r.updatedAt,
    publishedAt: r.publishedAt,
  };
}

/** Villages counted by township, in the order of the townships' codes (a village without one last). */
export function townshipCounts(groups: readonly AssessmentGroup[]): Array<{ code: string | null; name: string | null; villages: number }> {
  const by = new Map<string | null, { code: string | null; name: string | null; villages: number }>();
  for (const g of groups) {
    const t = by.get(g.townshipCode);
    if (t) t.villages += g.n;
    else by.set(g.townshipCode, { code: g.townshipCode, name: g.townshipName, villages: g.n });
  }
  return [...by.values()].sort((a, b) => (a.code === null ? 1 : b.code === null ? -1 : a.code.localeCompare(b.code)));
}

export class CampaignSetupService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions; inspectors: InspectorDirectory }) {}

  private async campaign(tx: Pick<Repositories, 'campaigns'>, campaignId: number) {
    const c = await tx.campaigns.byId(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    return c;
  }

  /** Creates a campaign with a frozen scheme version and a draft assessment for every village in scope. */
  async createCampaign(
    actor: Actor,
    input: {
      name: string;
      year: number;
      schemeVersionId: number;
      villages?: string[];
      from?: string;
      to?: string;
      appealDays?: number;
      /** The scheme's period the campaign is for: required when the scheme has periods. */
      period?: string;
      /** The campaigns whose results this (final) campaign combines with its own. */
      parts?: number[];
    },
  ): Promise<number> {
    assertManageCampaigns(actor);
    if (!input.name.trim()) throw new KaoheError('validation', 'name: a campaign needs a name');
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) throw new KaoheError('validation', `year: ${input.year} is not a year`);
    const from = input.from ?? `${input.year}-01-01`;
    const to = input.to ?? `${input.year}-12-31`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || to < from) {
      throw new KaoheError('validation', `period: ${from} – ${to} is not a period (YYYY-MM-DD, from ≤ to)`);
    }
    const appealDays = input.appealDays ?? 10;
    if (!Number.isInteger(appealDays) || appealDays < 0 || appealDays > 365) throw new KaoheError('validation', 'appealDays: 0 to 365 days');
    const { scheme } = await this.deps.schemes.schemeOf(input.schemeVersionId);
    const period = input.period?.trim() || null;
    const periods = scheme.periods ?? [];
    const periodList = periods.map((p) => `${p.code} ${p.title.zh}`).join(', ');
    if (periods.length === 0 && period !== null) throw new KaoheError('validation', `period: scheme ${scheme.id} v${scheme.version} has no periods`);
    if (periods.length > 0 && period === null)
      throw new KaoheError('validation', `period: scheme ${scheme.id} v${scheme.version} has periods (${periodList}): name the one this campaign is for`);
    if (period !== null && !periods.some((p) => p.code === period)) throw new KaoheError('validation', `period: ${period} is not a period of scheme ${scheme.id} (${periodList})`);
    const partIds = [...new Set(input.parts ?? [])];
    if (partIds.length > 0 && periods.length === 0) throw new KaoheError('validation', `parts: scheme ${scheme.id} v${scheme.version} has no periods to combine`);
    const parts: CampaignRecord[] = [];
    for (const [i, id] of partIds.entries()) {
      const part = await this.deps.uow.read.campaigns.byId(id);
      if (!part) throw new KaoheError('validation', `parts.${i}: there is no campaign ${id}`);
      const { scheme: partScheme } = await this.deps.schemes.schemeOf(part.schemeVersionId);
      if (partScheme.id !== scheme.id) throw new KaoheError('validation', `parts.${i}: campaign "${part.name}" is scored by scheme ${partScheme.id}, not ${scheme.id}`);
      if (part.period === null || !periods.some((p) => p.code === part.period)) {
        throw new KaoheError('validation', `parts.${i}: campaign "${part.name}" is for no period of scheme ${scheme.id} (${periodList})`);
      }
      if ((await this.deps.uow.read.campaigns.parts(id)).length > 0) throw new KaoheError('validation', `parts.${i}: campaign "${part.name}" combines others itself`);
      parts.push(part);
    }
    const { clock } = this.deps;
    let rows = 0;
    const created = await this.deps.uow.transaction(async (tx) => {
      if ((await tx.campaigns.idByName(input.name)) !== undefined) throw new KaoheError('validation', `name: a campaign "${input.name}" exists already`);
      // An office of an area assesses the villages in it: all of them by default, no others.
      const all = (await tx.areas.villages()).filter((v) => inArea(actor, v.township)).map((v) => v.code);
      // A village named twice is assessed once.
      const villages = input.villages ? [...new Set(input.villages)] : all;
      const where = actor.area ? `of area ${actor.area.code}` : 'in the registry';
      if (villages.length === 0) throw new KaoheError('validation', `villages: no villages ${where} to assess (import areas first)`);
      const known = new Set(all);
      const unknown = villages.filter((v) => !known.has(v));
      if (unknown.length) throw new KaoheError('validation', `villages: not villages ${where}: ${unknown.slice(0, 10).join(', ')}`);
      const now = clock().toISOString();
      const campaignId = await tx.campaigns.insert({
        name: input.name,
        year: input.year,
        periodFrom: from,
        periodTo: to,
        schemeVersionId: input.schemeVersionId,
        appealDays,
        createdAt: now,
        createdBy: actor.user,
        period,
      });
      await tx.campaigns.insertParts(campaignId, partIds);
      const empty = score(scheme, { name: '' }, []);
      const emptyJson = resultToJson(empty);
      rows = villages.length;
      await tx.assessments.insertDrafts(campaignId, villages, now, {
        base: empty.base,
        bonus: empty.bonus,
        total: empty.total,
        result: JSON.stringify(emptyJson),
        parts: storedParts(emptyJson, scheme, input.schemeVersionId),
      });
      await audit(tx, clock, actor, {
        action: 'campaign.create',
        entity: 'campaign',
        entityId: campaignId,
        after: {
          name: input.name,
          year: input.year,
          from,
          to,
          schemeVersionId: input.schemeVersionId,
          scheme: `${scheme.id} v${scheme.version}`,
          villages: villages.length,
          appealDays,
          ...(period !== null ? { period } : {}),
          ...(parts.length ? { parts: parts.map((p) => ({ id: p.id, name: p.name, period: p.period })) } : {}),
        },
      });
      return campaignId;
    });
    if (rows >= statisticsTuning.afterRows) await this.deps.uow.read.assessments.refreshStatistics();
    return created;
  }

  async listCampaigns(): Promise<Array<{ id: number; name: string; year: number; scheme: string; period: string | null; villages: number; byStatus: Record<string, number> }>> {
    const read = this.deps.uow.read;
    const campaigns = await read.campaigns.listWithScheme();
    const counts = await read.assessments.statusCounts();
    return campaigns.map((c) => {
      const byStatus: Record<string, number> = {};
      for (const r of counts) if (r.campaignId === c.id) byStatus[r.status] = r.n;
      return {
        id: c.id,
        name: c.name,
        year: c.year,
        scheme: `${c.schemeId} v${c.schemeVersion}`,
        period: c.period,
        villages: Object.values(byStatus).reduce((a, b) => a + b, 0),
        byStatus,
      };
    });
  }

  async campaignByName(name: string): Promise<number> {
    const id = await this.deps.uow.read.campaigns.idByName(name);
    if (id === undefined) throw notFound(`campaign "${name}"`);
    return id;
  }

  /** Creates (or updates the members of) an inspection team of a campaign; every member must be an inspector's user name. */
  async setTeam(actor: Actor, campaignId: number, name: string, members: string[]): Promise<number> {
    assertManageCampaigns(actor);
    if (!name.trim()) throw new KaoheError('validation', 'name: a team needs a name');
    const unique = [...new Set(members.map((m) => m.trim()).filter(Boolean))];
    assertTeamMembers(members.map((m) => m.trim()).filter(Boolean), await this.deps.inspectors(unique));
    const { clock } = this.deps;
    return this.deps.uow.transaction(async (tx) => {
      await this.campaign(tx, campaignId);
      await assertOwnsCampaign(tx, actor, campaignId);
      let teamId = await tx.campaigns.teamId(campaignId, name);
      const before = teamId === undefined ? undefined : await tx.campaigns.teamMembers(teamId);
      if (teamId === undefined) teamId = await tx.campaigns.insertTeam(campaignId, name);
      await tx.campaigns.replaceTeamMembers(teamId, unique);
      await audit(tx, clock, actor, {
        action: 'campaign.team',
        entity: 'inspection_team',
        entityId: teamId,
        before: before ? { members: before } : undefined,
        after: { campaignId, name, members: unique },
      });
      return teamId;
    });
  }

  /**
   * Assigns villages of the campaign to a team (moving them from another): the villages named,
   * every village of the campaign in the townships named, or every village of the campaign.
   * Returns how many villages the team was given.
   */
  async assignVillages(
    actor: Actor,
    campaignId: number,
    teamName: string,
    choice: readonly string[] | { villages?: readonly string[]; townships?: readonly string[]; all?: boolean },
  ): Promise<number> {
    assertManageCampaigns(actor);
    const {
      villages: named = [],
      townships = [],
      all = false,
    } = Array.isArray(choice) ? { villages: choice as readonly string[] } : (choice as { villages?: string[]; townships?: string[]; all?: boolean });
    if (!all && named.length === 0 && townships.length === 0) throw new KaoheError('validation', 'villages: name the villages or townships to assign');
    const { clock } = this.deps;
    return this.deps.uow.transaction(async (tx) => {
      await assertOwnsCampaign(tx, actor, campaignId);
      const teamId = await tx.campaigns.teamId(campaignId, teamName);
      if (teamId === undefined) throw notFound(`team "${teamName}" in campaign ${campaignId}`);
      // The campaign's codes only when some are named or all are asked for (not for townships alone).
      const inScope = named.length > 0 || all ? await tx.assessments.villageCodes(campaignId) : [];
      const scope = new Set(inScope);
      const outside = named.filter((v) => !scope.has(v));
      if (outside.length) throw new KaoheError('validation', `villages: not in the campaign's scope: ${outside.join(', ')}`);
      const chosen = new Set(all ? inScope : named);
      if (!all && townships.length) {
        const wanted = [...new Set(townships)];
        const found = await tx.assessments.villagesIn(campaignId, wanted);
        const reached = new Set(found.map((v) => v.township));
        const empty = wanted.filter((t) => !reached.has(t));
        if (empty.length) throw new KaoheError('validation', `townships: no village of the campaign in: ${empty.join(', ')}`);
        for (const v of found) chosen.add(v.code);
      }
      const villages = [...chosen].sort();
      await tx.assessments.assignTeam(campaignId, teamId, all ? 'all' : villages);
      // What was asked and how many villages it came to (every village named by code: a
      // township's or a campaign's thousands are the campaign's to read back).
      await audit(tx, clock, actor, {
        action: 'campaign.assign',
        entity: 'inspection_team',
        entityId: teamId,
        after: {
          campaignId,
          villages: all || townships.length ? named : villages,
          ...(townships.length ? { townships: [...new Set(townships)] } : {}),
          ...(all ? { all } : {}),
          count: villages.length,
        },
      });
      return villages.length;
    });
  }

  /** Refuses an unknown campaign (not-found). */
  async requireCampaign(campaignId: number): Promise<void> {
    await this.campaign(this.deps.uow.read, campaignId);
  }

  /** The campaign's inspection teams with their members. */
  teamsOf(campaignId: number): Promise<TeamRecord[]> {
    return this.deps.uow.read.campaigns.teams(campaignId);
  }

  /** Every assessment of a campaign as a list row (village, township, team, status, totals), with the team's members for the policy. */
  private async campaignRows(campaignId: number, teams: TeamRecord[]) {
    const byId = new Map(teams.map((t) => [t.id, t]));
    return (await this.deps.uow.read.assessments.list(campaignId)).map((r) => {
      const team = r.teamId === null ? undefined : byId.get(r.teamId);
      return {
        row: listRow(r, team?.name ?? null),
        policy: { status: r.status, townshipCode: r.townshipCode, inspectors: team?.members ?? [] },
      };
    });
  }

  /** Every campaign, with the progress (assessments by status) over the villages the actor may list. */
  async listCampaignsFor(actor: Actor) {
    const campaigns = await this.listCampaigns();
    const out = [];
    for (const c of campaigns) {
      if (actor.area && !seesCampaign(actor, await this.deps.uow.read.assessments.townships(c.id))) continue;
      let progress: Progress;
      if (seesWholeCampaign(actor)) {
        progress = emptyProgress();
        for (const [status, n] of Object.entries(c.byStatus)) progress[status as AssessmentStatus] = n;
        progress.total = c.villages;
      } else {
        // Counted in SQL under the reader's cut (listCut, which mirrors listsRow): no campaign's
        // 50,000 rows read to count a reviewer's or an area office's share of them.
        const { counts } = await this.deps.uow.read.assessments.page(c.id, listCut(actor), {}, { limit: 1 });
        progress = emptyProgress();
        for (const [status, n] of Object.entries(counts)) {
          progress[status as AssessmentStatus] = n;
          progress.total += n;
        }
      }
      // An office of an area counts the villages in its area.
      out.push({ id: c.id, name: c.name, year: c.year, scheme: c.scheme, period: c.period, villages: actor.area ? progress.total : c.villages, progress });
    }
    return out;
  }

  /**
   * A campaign: period, scheme, teams (members for office roles), and over the villages the actor
   * may list: the progress, the townships and each team's townships, counted in SQL. With
   * `villages` (the default) also a row per village, each team's village codes and the
   * unassigned ones; without, none of the campaign's rows are read (a province's page asks so,
   * and pages the villages through pageAssessments).
   */
  async campaignDetail(actor: Actor, campaignId: number, options: { villages?: boolean } = {}) {
    const read = this.deps.uow.read;
    const c = await this.campaign(read, campaignId);
    await assertSeesCampaign(read, actor, campaignId);
    const sv = await this.deps.schemes.schemeVersion(c.schemeVersionId);
    const teams = await this.teamsOf(campaignId);
    const cut = listCut(actor);
    const groups = await read.assessments.groups(campaignId, cut);
    // The villages in the actor's scope, the role's cut aside: the area's, or the whole campaign's.
    const townships = areaTownships(actor);
    const scopeCut = townships === undefined ? {} : { townships };
    const inScope = JSON.stringify(scopeCut) === JSON.stringify(cut) ? groups : await read.assessments.groups(campaignId, scopeCut);
    const scope = inScope.reduce((n, g) => n + g.n, 0);
    const rows = options.villages === false ? undefined : (await this.campaignRows(campaignId, teams)).filter((r) => listsRow(actor, r.policy)).map((r) => r.row);
    const seesMembers = canSeeTeamMembers(actor);
    const whole = seesWholeCampaign(actor);
    const listed = new Set(groups.map((g) => g.teamId));
    const shownTeams = whole ? teams : teams.filter((t) => listed.has(t.id));
    const progress = emptyProgress();
    for (const g of groups) {
      progress[g.status] += g.n;
      progress.total += g.n;
    }
    return {
      id: c.id,
      name: c.name,
      year: c.year,
      period: { from: c.periodFrom, to: c.periodTo },
      appealDays: c.appealDays,
      createdAt: c.createdAt,
      createdBy: c.createdBy,
      scheme: { versionId: sv.id, id: sv.schemeId, version: sv.version, title: sv.title },
      schemePeriod:
        c.period === null
          ? null
          : { code: c.period, title: (await this.deps.schemes.schemeOf(c.schemeVersionId)).scheme.periods?.find((p) => p.code === c.period)?.title ?? { zh: c.period } },
      parts: (await read.campaigns.parts(campaignId)).map((p) => ({ id: p.id, name: p.name, period: p.period })),
      combinedIn: await read.campaigns.combinedIn(campaignId),
      scope: { villages: scope },
      progress,
      townships: townshipCounts(groups),
      teams: shownTeams.map((t) => {
        const own = groups.filter((g) => g.teamId === t.id);
        return {
          id: t.id,
          name: t.name,
          ...(seesMembers ? { members: t.members } : {}),
          villageCount: own.reduce((n, g) => n + g.n, 0),
          townships: townshipCounts(own),
          ...(rows ? { villages: rows.filter((r) => r.teamId === t.id).map((r) => r.village) } : {}),
        };
      }),
      ...(whole
        ? {
            unassignedCount: groups.filter((g) => g.teamId === null).reduce((n, g) => n + g.n, 0),
            ...(rows ? { unassigned: rows.filter((r) => r.teamId === null).map((r) => r.village) } : {}),
          }
        : {}),
      ...(rows ? { villages: rows } : {}),
    };
  }

  /** The assessments of a campaign the actor may list, optionally of one township or status. */
  async listAssessments(actor: Actor, campaignId: number, filter: { township?: string; status?: AssessmentStatus } = {}) {
    await this.requireCampaign(campaignId);
    await assertSeesCampaign(this.deps.uow.read, actor, campaignId);
    const teams = await this.teamsOf(campaignId);
    return (await this.campaignRows(campaignId, teams))
      .filter((r) => listsRow(actor, r.policy))
      .map((r) => r.row)
      .filter((r) => (!filter.township || r.township === filter.township) && (!filter.status || r.status === filter.status));
  }

  /**
   * A page of the assessments of a campaign the actor may list, by village code: cut to the
   * actor's reach in the query (listCut: the same rows listAssessments lists) before it is paged,
   * optionally to one township, one status and a search (`q`: a village code's beginning or a
   * part of a village's name). `after` is the previous page's `next`; `total` counts the rows
   * under every filter, `counts` them by status (the status filter aside).
   */
  async pageAssessments(
    actor: Actor,
    campaignId: number,
    filter: { township?: string; status?: AssessmentStatus; q?: string },
    page: { after?: string; limit: number },
  ): Promise<{ rows: Awaited<ReturnType<CampaignSetupService['listAssessments']>>; next: string | null; total: number; counts: Record<AssessmentStatus, number> }> {
    await this.requireCampaign(campaignId);
    await assertSeesCampaign(this.deps.uow.read, actor, campaignId);
    const teams = new Map((await this.teamsOf(campaignId)).map((t) => [t.id, t.name]));
    const { rows, next, counts } = await this.deps.uow.read.assessments.page(campaignId, listCut(actor), filter, page);
    const total = filter.status ? counts[filter.status] : Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      rows: rows.map((r) => listRow(r, (r.teamId === null ? undefined : teams.get(r.teamId)) ?? null)),
      next,
      total,
      counts,
    };
  }
}
