/**
 * What a campaign's reports read: the campaign, the counties and townships, the assessments with
 * their villages, and the findings, evidence and appeals of all or some of them, as domain
 * records (camelCase; SQLite's 0/1 flags as booleans). Lists of assessments are read in pieces
 * of at most CHUNK ids (SQLite and PostgreSQL limit a statement's parameters); null reads the
 * whole campaign without a list.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AssessmentStatus, DB } from './schema.ts';
import type { CampaignRecord } from '../core/campaign/records.ts';
import { CampaignRepository } from './campaign.repository.ts';
import { findingOf, valueOf, type StoredFinding } from './finding.repository.ts';
import type { Cents } from '../core/numbers.ts';
import type { MeasuredValue } from '../core/scoring/score.ts';

export type { CampaignRecord };

/** `in (…)` lists are cut to this many values. */
const CHUNK = 500;

/** A county or township. */
export interface UpperArea {
  code: string;
  name: string;
  parent: string | null;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
}

/** An assessment of a campaign with the village it assesses. */
export interface AssessedVillage {
  id: number;
  villageCode: string;
  teamId: number | null;
  status: AssessmentStatus;
  publishedAt: string | null;
  villageName: string;
  townshipCode: string | null;
  povertyVillage: boolean;
  plannedExitYear: number | null;
  exitYear: number | null;
  population: number | null;
}

/** An active finding, as a score sheet counts it. */
export interface ActiveFinding {
  id: number;
  assessmentId: number;
  item: string;
  count: number;
  element: string | null;
  note: string | null;
  householdNo: string | null;
  /** A measured value, a range amount and a part (issue 18's kinds), in hundredths; null where none. */
  value: MeasuredValue | null;
  amount: Cents | null;
  part: string | null;
}

/** Active evidence of an active finding. */
export interface ActiveEvidence {
  id: number;
  findingId: number | null;
  filename: string;
  mime: string;
  sha256: string;
  size: number;
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
  assessmentId: number;
}

/** A finding in any status, with who recorded or withdrew it: the finding's record (with its value, amount and part). */
export type FindingRecord = StoredFinding;

/** Evidence of a finding, active or withdrawn. */
export interface FindingEvidence {
  id: number;
  findingId: number | null;
  filename: string;
  status: 'active' | 'withdrawn';
}

export interface AppealRecord {
  id: number;
  assessmentId: number;
  item: string;
  status: 'open' | 'upheld' | 'adjusted' | 'rejected';
  decisionReason: string | null;
  adjustedCount: number | null;
  decidedAt: string | null;
}

/** An id or count: PostgreSQL may hand a bigint or numeric as a string. */
const num = (v: number | string | bigint): number => Number(v);
const numOrNull = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));
/** A flag: 0/1 on SQLite, a boolean or 0/1 on PostgreSQL. */
const flag = (v: number | boolean | string): boolean => v === true || Number(v) === 1;

export class ReportRepository {
  constructor(private readonly db: Kysely<DB> | Transaction<DB>) {}

  /** The campaign, or undefined when there is none. */
  async campaign(campaignId: number): Promise<CampaignRecord | undefined> {
    return new CampaignRepository(this.db).byId(campaignId);
  }

  /** The campaign the ranking's change columns compare with (the one RankingService compares with). */
  async previousCampaign(year: number, campaignId: number): Promise<{ id: number; name: string; year: number } | null> {
    return (await new CampaignRepository(this.db).previous(year, campaignId)) ?? null;
  }

  /** Counties and townships (a few dozen rows: read whole). */
  async upperAreas(): Promise<UpperArea[]> {
    const rows = await this.db.selectFrom('areas').select(['code', 'name', 'parent_code', 'level']).where('level', 'in', ['county', 'township']).execute();
    return rows.map((r) => ({ code: r.code, name: r.name, parent: r.parent_code, level: r.level }));
  }

  /** Every assessment of the campaign with its village (optionally one township's), by village code. */
  async assessments(campaignId: number, township?: string): Promise<AssessedVillage[]> {
    let q = this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select([
        'a.id',
        'a.village_code',
        'a.team_id',
        'a.status',
        'a.published_at',
        'v.name as village_name',
        'v.parent_code as township_code',
        'v.poverty_village',
        'v.planned_exit_year',
        'v.exit_year',
        'v.population',
      ])
      .where('a.campaign_id', '=', campaignId)
      .orderBy('a.village_code');
    if (township) q = q.where('v.parent_code', '=', township);
    return (await q.execute()).map((a) => ({
      id: num(a.id),
      villageCode: a.village_code,
      teamId: numOrNull(a.team_id),
      status: a.status,
      publishedAt: a.published_at,
      villageName: a.village_name,
      townshipCode: a.township_code,
      povertyVillage: flag(a.poverty_village),
      plannedExitYear: numOrNull(a.planned_exit_year),
      exitYear: numOrNull(a.exit_year),
      population: numOrNull(a.population),
    }));
  }

  /** Active findings of the campaign (or of some assessments), by assessment then id within each piece. */
  async activeFindings(campaignId: number, assessmentIds: readonly number[] | null): Promise<ActiveFinding[]> {
    const rows = await byChunks(assessmentIds, (part) => {
      let q = this.db
        .selectFrom('findings as f')
        .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
        .select(['f.id', 'f.assessment_id', 'f.item', 'f.count', 'f.element', 'f.note', 'f.household_no', 'f.value', 'f.amount_cents', 'f.part'])
        .where('a.campaign_id', '=', campaignId)
        .where('f.status', '=', 'active');
      if (part) q = q.where('f.assessment_id', 'in', part);
      return q.orderBy('f.assessment_id').orderBy('f.id').execute();
    });
    return rows.map((f) => ({
      id: num(f.id),
      assessmentId: num(f.assessment_id),
      item: f.item,
      count: num(f.count),
      element: f.element,
      note: f.note,
      householdNo: f.household_no,
      value: valueOf(f.value),
      amount: f.amount_cents === null ? null : num(f.amount_cents),
      part: f.part,
    }));
  }

  /** Active evidence of the campaign's active findings (or of some assessments'), by id. */
  async activeEvidence(campaignId: number, assessmentIds: readonly number[] | null): Promise<ActiveEvidence[]> {
    const rows = await byChunks(assessmentIds, (part) => {
      let q = this.db
        .selectFrom('evidence as e')
        .innerJoin('findings as f', 'f.id', 'e.finding_id')
        .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
        .select(['e.id', 'e.finding_id', 'e.filename', 'e.mime', 'e.sha256', 'e.size', 'e.taken_at', 'e.latitude', 'e.longitude', 'f.assessment_id'])
        .where('a.campaign_id', '=', campaignId)
        .where('f.status', '=', 'active')
        .where('e.status', '=', 'active');
      if (part) q = q.where('f.assessment_id', 'in', part);
      return q.orderBy('e.id').execute();
    });
    return rows
      .map((e) => ({
        id: num(e.id),
        findingId: numOrNull(e.finding_id),
        filename: e.filename,
        mime: e.mime,
        sha256: e.sha256,
        size: num(e.size),
        takenAt: e.taken_at,
        latitude: e.latitude === null ? null : Number(e.latitude),
        longitude: e.longitude === null ? null : Number(e.longitude),
        assessmentId: num(e.assessment_id),
      }))
      .sort((x, y) => x.id - y.id);
  }

  /** Every finding of the campaign (or of some assessments), withdrawn and superseded ones too, by id. */
  async findings(campaignId: number, assessmentIds: readonly number[] | null): Promise<StoredFinding[]> {
    const rows = await byChunks(assessmentIds, (part) => {
      let q = this.db.selectFrom('findings as f').innerJoin('assessments as a', 'a.id', 'f.assessment_id').selectAll('f').where('a.campaign_id', '=', campaignId);
      if (part) q = q.where('f.assessment_id', 'in', part);
      return q.orderBy('f.id').execute();
    });
    return rows.map(findingOf).sort((x, y) => x.id - y.id);
  }

  /** The evidence of every finding of the campaign (or of some assessments'), active or withdrawn, by id. */
  async findingEvidence(campaignId: number, assessmentIds: readonly number[] | null): Promise<FindingEvidence[]> {
    const rows = await byChunks(assessmentIds, (part) => {
      let q = this.db
        .selectFrom('evidence as e')
        .innerJoin('findings as f', 'f.id', 'e.finding_id')
        .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
        .select(['e.id', 'e.finding_id', 'e.filename', 'e.status'])
        .where('a.campaign_id', '=', campaignId);
      if (part) q = q.where('f.assessment_id', 'in', part);
      return q.orderBy('e.id').execute();
    });
    return rows.map((e) => ({ id: num(e.id), findingId: numOrNull(e.finding_id), filename: e.filename, status: e.status })).sort((x, y) => x.id - y.id);
  }

  /** The appeals of the campaign (or of some assessments), by id within each piece. */
  async appeals(campaignId: number, assessmentIds: readonly number[] | null): Promise<AppealRecord[]> {
    const rows = await byChunks(assessmentIds, (part) => {
      let q = this.db
        .selectFrom('appeals as ap')
        .innerJoin('assessments as a', 'a.id', 'ap.assessment_id')
        .select(['ap.id', 'ap.assessment_id', 'ap.item', 'ap.status', 'ap.decision_reason', 'ap.adjusted_count', 'ap.decided_at'])
        .where('a.campaign_id', '=', campaignId);
      if (part) q = q.where('ap.assessment_id', 'in', part);
      return q.orderBy('ap.id').execute();
    });
    return rows.map((ap) => ({
      id: num(ap.id),
      assessmentId: num(ap.assessment_id),
      item: ap.item,
      status: ap.status,
      decisionReason: ap.decision_reason,
      adjustedCount: numOrNull(ap.adjusted_count),
      decidedAt: ap.decided_at,
    }));
  }
}

/** Runs a query once for everything (ids null) or once per piece of the ids, and joins the rows. */
async function byChunks<T>(ids: readonly number[] | null, query: (part: number[] | null) => Promise<T[]>): Promise<T[]> {
  if (!ids) return query(null);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}
