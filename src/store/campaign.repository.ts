/** Campaigns, their inspection teams and the scheme versions they are scored by. */
import type { CampaignRecord, SchemeVersionRecord, TeamRecord } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';
import type { CampaignsTable, SchemeVersionsTable } from './schema.ts';
import type { Selectable } from 'kysely';

const campaignOf = (c: Selectable<CampaignsTable>): CampaignRecord => ({
  id: c.id,
  name: c.name,
  year: Number(c.year),
  periodFrom: c.period_from,
  periodTo: c.period_to,
  schemeVersionId: c.scheme_version_id,
  appealDays: Number(c.appeal_days),
  createdAt: c.created_at,
  createdBy: c.created_by,
  period: c.period ?? null,
});

const schemeVersionOf = (r: Selectable<SchemeVersionsTable>): SchemeVersionRecord => ({
  id: r.id,
  schemeId: r.scheme_id,
  version: Number(r.version),
  title: r.title,
  sourceText: r.source_text,
  deriveText: r.derive_text,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export class SchemeVersionRepository {
  constructor(private readonly db: Executor) {}

  async byId(id: number): Promise<SchemeVersionRecord | undefined> {
    const r = await this.db.selectFrom('scheme_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && schemeVersionOf(r);
  }

  async find(schemeId: string, version: number): Promise<SchemeVersionRecord | undefined> {
    const r = await this.db.selectFrom('scheme_versions').selectAll().where('scheme_id', '=', schemeId).where('version', '=', version).executeTakeFirst();
    return r && schemeVersionOf(r);
  }

  async insert(v: Omit<SchemeVersionRecord, 'id'>): Promise<number> {
    const row = await this.db
      .insertInto('scheme_versions')
      .values({ scheme_id: v.schemeId, version: v.version, title: v.title, source_text: v.sourceText, derive_text: v.deriveText, created_at: v.createdAt, created_by: v.createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Every stored version without its texts, by scheme and version. */
  async list(): Promise<Array<{ id: number; schemeId: string; version: number; title: string; createdAt: string }>> {
    const rows = await this.db.selectFrom('scheme_versions').select(['id', 'scheme_id', 'version', 'title', 'created_at']).orderBy('scheme_id').orderBy('version').execute();
    return rows.map((r) => ({ id: r.id, schemeId: r.scheme_id, version: Number(r.version), title: r.title, createdAt: r.created_at }));
  }
}

export class CampaignRepository {
  constructor(private readonly db: Executor) {}

  async byId(id: number): Promise<CampaignRecord | undefined> {
    const c = await this.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    return c && campaignOf(c);
  }

  async idByName(name: string): Promise<number | undefined> {
    return (await this.db.selectFrom('campaigns').select('id').where('name', '=', name).executeTakeFirst())?.id;
  }

  async insert(c: Omit<CampaignRecord, 'id' | 'period'> & { period?: string | null }): Promise<number> {
    const row = await this.db
      .insertInto('campaigns')
      .values({
        name: c.name,
        year: c.year,
        period_from: c.periodFrom,
        period_to: c.periodTo,
        scheme_version_id: c.schemeVersionId,
        appeal_days: c.appealDays,
        created_at: c.createdAt,
        created_by: c.createdBy,
        period: c.period ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Every campaign with its scheme's id and version, newest year first. */
  async listWithScheme(): Promise<Array<{ id: number; name: string; year: number; schemeId: string; schemeVersion: number; period: string | null }>> {
    const rows = await this.db
      .selectFrom('campaigns as c')
      .innerJoin('scheme_versions as s', 's.id', 'c.scheme_version_id')
      .select(['c.id', 'c.name', 'c.year', 'c.period', 's.scheme_id', 's.version'])
      .orderBy('c.year', 'desc')
      .orderBy('c.id', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, year: Number(r.year), schemeId: r.scheme_id, schemeVersion: Number(r.version), period: r.period ?? null }));
  }

  /** Records the campaigns whose results a final campaign combines with its own. */
  async insertParts(campaignId: number, partIds: readonly number[]): Promise<void> {
    if (partIds.length)
      await this.db
        .insertInto('campaign_parts')
        .values(partIds.map((p) => ({ campaign_id: campaignId, part_campaign_id: p })))
        .execute();
  }

  /** The campaigns a final campaign combines, in the order of their periods' start (then id). */
  async parts(campaignId: number): Promise<CampaignRecord[]> {
    const rows = await this.db
      .selectFrom('campaign_parts as p')
      .innerJoin('campaigns as c', 'c.id', 'p.part_campaign_id')
      .selectAll('c')
      .where('p.campaign_id', '=', campaignId)
      .orderBy('c.period_from')
      .orderBy('c.id')
      .execute();
    return rows.map(campaignOf);
  }

  /** The final campaigns that combine this one's results. */
  async combinedIn(campaignId: number): Promise<Array<{ id: number; name: string }>> {
    return this.db
      .selectFrom('campaign_parts as p')
      .innerJoin('campaigns as c', 'c.id', 'p.campaign_id')
      .select(['c.id', 'c.name'])
      .where('p.part_campaign_id', '=', campaignId)
      .orderBy('c.id')
      .execute();
  }

  async setSchemeVersion(campaignId: number, schemeVersionId: number): Promise<void> {
    await this.db.updateTable('campaigns').set({ scheme_version_id: schemeVersionId }).where('id', '=', campaignId).execute();
  }

  /** The latest campaign of an earlier year (by year, then id): what a ranking's change columns compare with. */
  async previous(year: number, campaignId: number): Promise<{ id: number; name: string; year: number } | undefined> {
    const prev = await this.db
      .selectFrom('campaigns')
      .select(['id', 'name', 'year'])
      .where('year', '<', year)
      .where('id', '!=', campaignId)
      .orderBy('year', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return prev && { id: prev.id, name: prev.name, year: Number(prev.year) };
  }

  // Inspection teams

  async teamId(campaignId: number, name: string): Promise<number | undefined> {
    return (await this.db.selectFrom('inspection_teams').select('id').where('campaign_id', '=', campaignId).where('name', '=', name).executeTakeFirst())?.id;
  }

  async teamName(teamId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('inspection_teams').select('name').where('id', '=', teamId).executeTakeFirst())?.name;
  }

  async insertTeam(campaignId: number, name: string): Promise<number> {
    return (await this.db.insertInto('inspection_teams').values({ campaign_id: campaignId, name }).returning('id').executeTakeFirstOrThrow()).id;
  }

  async teamMembers(teamId: number): Promise<string[]> {
    return (await this.db.selectFrom('inspection_team_members').select('username').where('team_id', '=', teamId).execute()).map((m) => m.username);
  }

  async replaceTeamMembers(teamId: number, usernames: readonly string[]): Promise<void> {
    await this.db.deleteFrom('inspection_team_members').where('team_id', '=', teamId).execute();
    if (usernames.length)
      await this.db
        .insertInto('inspection_team_members')
        .values(usernames.map((username) => ({ team_id: teamId, username })))
        .execute();
  }

  /** The campaign's teams with their members (members by user name). */
  async teams(campaignId: number): Promise<TeamRecord[]> {
    const teams = await this.db.selectFrom('inspection_teams').select(['id', 'name']).where('campaign_id', '=', campaignId).orderBy('id').execute();
    const members = await this.db
      .selectFrom('inspection_team_members as m')
      .innerJoin('inspection_teams as t', 't.id', 'm.team_id')
      .select(['m.team_id', 'm.username'])
      .where('t.campaign_id', '=', campaignId)
      .orderBy('m.username')
      .execute();
    return teams.map((t) => ({ id: t.id, name: t.name, members: members.filter((m) => m.team_id === t.id).map((m) => m.username) }));
  }
}
