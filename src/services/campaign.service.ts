/**
 * Assessment campaigns, as a county office runs them once a year: a frozen scheme, villages
 * and inspection teams; findings with evidence; suggestions derived from the registry;
 * draft → submitted → reviewed → published; appeals; rankings; rescoring; and an audit entry
 * for every change that can move a score. Every write that belongs together is one transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import { KaoheError } from '../core/errors.ts';
import { fromCents } from '../core/numbers.ts';
import { loadScheme } from '../core/scheme/load.ts';
import { textOf, walk, type Lang, type Scheme } from '../core/scheme/model.ts';
import { checkFindings, resultToJson, score, type Finding, type ScoreResult, type Unit } from '../core/scoring/score.ts';
import { explain } from '../core/scoring/explain.ts';
import { deriveSuggestions } from '../core/derivation/derive.ts';
import { DeriveConfigError, loadDeriveConfig } from '../core/derivation/config.ts';
import { rank } from '../core/ranking/ranking.ts';
import { appendAudit, auditHead, verifyAudit, type AuditAnchor, type AuditInput, type AuditVerification } from '../store/audit.repository.ts';
import type { Store } from '../store/db.ts';
import { loadVillageRecords } from '../store/records.repository.ts';
import type { AssessmentStatus, DB } from '../store/schema.ts';
import { formatAnchor } from '../core/audit-anchor.ts';
import { evidenceQuotaError } from './evidence/evidence-store.ts';
import { buildScoreSheet, unitOfVillage, type ScoreSheet } from './score-sheet.ts';
import { assertAppeal, assertPublish, assertRead, assertRecord, assertReview, canRead, requireRole, type Actor, type AssessmentContext } from './policies.ts';

export interface StoredEvidenceLike {
  sha256: string;
  size: number;
  mime: string;
  filename: string;
  takenAt?: string;
  latitude?: number;
  longitude?: number;
}

/** A file to attach: bytes in memory or a file on disk. */
export type EvidenceFile = { filename: string; bytes: Buffer } | { filename: string; path: string };

/** A file checked and written to a temporary place, not yet stored (see services/evidence). */
export interface StagedEvidenceLike extends StoredEvidenceLike {
  /** Puts the file in the store (done right before the row naming it is committed). */
  place(): Promise<void>;
  /** Takes back what place() created, after a failed commit. */
  unplace(): Promise<void>;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/** Where evidence files go (content-addressed); see services/evidence. */
export interface EvidenceSink {
  /** Evidence bytes one assessment may hold, its findings' and appeals' files together. */
  readonly quotaBytes: number;
  stage(input: EvidenceFile): Promise<StagedEvidenceLike>;
}

/** Where evidence goes: a finding or an appeal. */
export type EvidenceTarget = { findingId: number } | { appealId: number };

/** What an assessment's evidence takes, and its quota. */
export interface EvidenceRoom {
  assessmentId: number;
  usedBytes: number;
  quotaBytes: number;
}

export interface CampaignServiceDeps {
  store: Store;
  evidence?: EvidenceSink;
  clock?: () => Date;
}

export interface FindingInput {
  item: string;
  count?: number;
  element?: string;
  note?: string;
  household?: string;
  person?: string;
}

type Db = Kysely<DB> | Transaction<DB>;

const conflict = (current: number, expected: number) =>
  new KaoheError('conflict', `the assessment was changed by someone else (now version ${current}, you edited version ${expected}): reload and apply your change again`, { current });
const notFound = (what: string) => new KaoheError('not-found', `${what} not found`);
/** What a caller who may not see an assessment is told: what a missing one gets (see policies.ts). */
const hiddenAssessment = (assessmentId: number) => () => notFound(`assessment ${assessmentId}`);
const invalidState = (message: string) => new KaoheError('invalid-state', message);

const isStaged = (f: EvidenceFile | StagedEvidenceLike): f is StagedEvidenceLike => typeof (f as Partial<StagedEvidenceLike>).place === 'function';

/** Refuses files that would take an assessment's evidence past its quota. */
function checkQuota(room: EvidenceRoom, adding: number): void {
  if (room.usedBytes + adding > room.quotaBytes) throw evidenceQuotaError(room, adding);
}

/** The transitions of the workflow; anything else is refused. */
const TRANSITIONS: Record<string, { from: AssessmentStatus; to: AssessmentStatus }> = {
  submit: { from: 'draft', to: 'submitted' },
  sendBack: { from: 'submitted', to: 'draft' },
  review: { from: 'submitted', to: 'reviewed' },
  publish: { from: 'reviewed', to: 'published' },
};

type RankingView = Awaited<ReturnType<CampaignService['computeRanking']>> & { basis: string };
/** Who reads an assessment: the office, reviewers and inspectors see the working material (suggestions); a village and viewers the result. */
type AssessmentReader = 'work' | 'result';
/** One assessment as getAssessment returns it. */
export type AssessmentView = Awaited<ReturnType<CampaignService['assessmentView']>>;
/** Which appeals a list shows: open, decided (any outcome) or one outcome. */
export type AppealFilter = 'open' | 'decided' | 'upheld' | 'adjusted' | 'rejected';
/** The records of a suggestion an assessment view carries (the rest: suggestionRecords). */
export const SHOWN_RECORDS = 50;
/** Assessment views kept at most (a few per village: reader kinds and languages). */
const MAX_VIEWS = 2000;

export class CampaignService {
  private readonly store: Store;
  private readonly evidence?: EvidenceSink;
  private readonly clock: () => Date;
  private readonly schemes = new Map<number, { scheme: Scheme; deriveText: string | null }>();
  /** Rankings by campaign, reader and state of the assessments (see rankingFor). */
  private readonly rankings = new Map<string, unknown>();
  /** Assessment views by assessment, kind of reader and language (see getAssessment). */
  private readonly views = new Map<string, { stamp: string; view: AssessmentView }>();
  /** The ranking's parts of each stored result, by assessment id (see resultParts). */
  private readonly partsCache = new Map<number, { version: number; schemeVersionId: number; parts: { sections: Record<string, number>; grade: string | null } }>();

  constructor(deps: CampaignServiceDeps) {
    this.store = deps.store;
    this.evidence = deps.evidence;
    this.clock = deps.clock ?? (() => new Date());
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private get db(): Kysely<DB> {
    return this.store.db;
  }

  private audit(trx: Db, actor: Actor, e: Omit<AuditInput, 'at' | 'actor'>): Promise<void> {
    return appendAudit(trx, this.store, { at: this.now(), actor: actor.user, ...e });
  }

  // ------------------------------------------------------------------------------------------
  // Scheme versions

  /** Stores a scheme (and its derivation rules) as a version; the same id+version with other content is refused. */
  async storeSchemeVersion(actor: Actor, sourceText: string, deriveText?: string | null, file = '<scheme>'): Promise<{ id: number; schemeId: string; version: number; created: boolean }> {
    requireRole(actor, 'admin');
    const scheme = loadScheme(sourceText, file);
    if (deriveText) {
      try {
        loadDeriveConfig(deriveText, { scheme, file: `${file} (derivation rules)` });
      } catch (e) {
        if (e instanceof DeriveConfigError) throw new KaoheError('invalid-derive-config', e.message);
        throw e;
      }
    }
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('scheme_versions')
        .selectAll()
        .where('scheme_id', '=', scheme.id)
        .where('version', '=', scheme.version)
        .executeTakeFirst();
      if (existing) {
        if (existing.source_text !== sourceText || (existing.derive_text ?? null) !== (deriveText ?? null)) {
          throw new KaoheError(
            'scheme-version-exists',
            `scheme ${scheme.id} version ${scheme.version} is already stored with other content: raise its version to store a change`,
          );
        }
        return { id: existing.id, schemeId: scheme.id, version: scheme.version, created: false };
      }
      const row = await trx
        .insertInto('scheme_versions')
        .values({ scheme_id: scheme.id, version: scheme.version, title: scheme.title.zh, source_text: sourceText, derive_text: deriveText ?? null, created_at: this.now(), created_by: actor.user })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit(trx, actor, { action: 'scheme.version', entity: 'scheme_version', entityId: row.id, after: { scheme: scheme.id, version: scheme.version } });
      return { id: row.id, schemeId: scheme.id, version: scheme.version, created: true };
    });
  }

  async listSchemeVersions(): Promise<Array<{ id: number; schemeId: string; version: number; title: string; createdAt: string }>> {
    const rows = await this.db.selectFrom('scheme_versions').select(['id', 'scheme_id', 'version', 'title', 'created_at']).orderBy('scheme_id').orderBy('version').execute();
    return rows.map((r) => ({ id: r.id, schemeId: r.scheme_id, version: r.version, title: r.title, createdAt: r.created_at }));
  }

  /** The scheme of a stored version (parsed once per version). */
  async schemeOf(versionId: number, db: Db = this.db): Promise<{ scheme: Scheme; deriveText: string | null }> {
    const hit = this.schemes.get(versionId);
    if (hit) return hit;
    const row = await db.selectFrom('scheme_versions').select(['source_text', 'derive_text', 'scheme_id', 'version']).where('id', '=', versionId).executeTakeFirst();
    if (!row) throw notFound(`scheme version ${versionId}`);
    const loaded = { scheme: loadScheme(row.source_text, `${row.scheme_id} v${row.version}`), deriveText: row.derive_text };
    this.schemes.set(versionId, loaded);
    return loaded;
  }

  // ------------------------------------------------------------------------------------------
  // Campaigns, teams, scope

  /** Creates a campaign with a frozen scheme version and a draft assessment for every village in scope. */
  async createCampaign(
    actor: Actor,
    input: { name: string; year: number; schemeVersionId: number; villages?: string[]; from?: string; to?: string; appealDays?: number },
  ): Promise<number> {
    requireRole(actor, 'admin');
    if (!input.name.trim()) throw new KaoheError('validation', 'name: a campaign needs a name');
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) throw new KaoheError('validation', `year: ${input.year} is not a year`);
    const from = input.from ?? `${input.year}-01-01`;
    const to = input.to ?? `${input.year}-12-31`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || to < from) {
      throw new KaoheError('validation', `period: ${from} – ${to} is not a period (YYYY-MM-DD, from ≤ to)`);
    }
    const appealDays = input.appealDays ?? 10;
    if (!Number.isInteger(appealDays) || appealDays < 0 || appealDays > 365) throw new KaoheError('validation', 'appealDays: 0 to 365 days');
    const { scheme } = await this.schemeOf(input.schemeVersionId);
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('campaigns').select('id').where('name', '=', input.name).executeTakeFirst();
      if (taken) throw new KaoheError('validation', `name: a campaign "${input.name}" exists already`);
      // A village named twice is assessed once.
      const villages = input.villages ? [...new Set(input.villages)] : (await trx.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((v) => v.code);
      if (villages.length === 0) throw new KaoheError('validation', 'villages: no villages in the registry to assess (import areas first)');
      const known = new Set((await trx.selectFrom('areas').select('code').where('level', '=', 'village').execute()).map((v) => v.code));
      const unknown = villages.filter((v) => !known.has(v));
      if (unknown.length) throw new KaoheError('validation', `villages: not villages in the registry: ${unknown.slice(0, 10).join(', ')}`);
      const now = this.now();
      const campaign = await trx
        .insertInto('campaigns')
        .values({ name: input.name, year: input.year, period_from: from, period_to: to, scheme_version_id: input.schemeVersionId, appeal_days: appealDays, created_at: now, created_by: actor.user })
        .returning('id')
        .executeTakeFirstOrThrow();
      const empty = JSON.stringify(resultToJson(score(scheme, { name: '' }, [])));
      const emptyScore = score(scheme, { name: '' }, []);
      for (let i = 0; i < villages.length; i += 500) {
        await trx
          .insertInto('assessments')
          .values(
            villages.slice(i, i + 500).map((v) => ({
              campaign_id: campaign.id,
              village_code: v,
              updated_at: now,
              base: emptyScore.base,
              bonus: emptyScore.bonus,
              total: emptyScore.total,
              result: empty,
            })),
          )
          .execute();
      }
      await this.audit(trx, actor, {
        action: 'campaign.create',
        entity: 'campaign',
        entityId: campaign.id,
        after: { name: input.name, year: input.year, from, to, schemeVersionId: input.schemeVersionId, scheme: `${scheme.id} v${scheme.version}`, villages: villages.length, appealDays },
      });
      return campaign.id;
    });
  }

  async listCampaigns(): Promise<Array<{ id: number; name: string; year: number; scheme: string; villages: number; byStatus: Record<string, number> }>> {
    const campaigns = await this.db
      .selectFrom('campaigns as c')
      .innerJoin('scheme_versions as s', 's.id', 'c.scheme_version_id')
      .select(['c.id', 'c.name', 'c.year', 's.scheme_id', 's.version'])
      .orderBy('c.year', 'desc')
      .orderBy('c.id', 'desc')
      .execute();
    const counts = await this.db
      .selectFrom('assessments')
      .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['campaign_id', 'status'])
      .execute();
    return campaigns.map((c) => {
      const byStatus: Record<string, number> = {};
      for (const r of counts) if (r.campaign_id === c.id) byStatus[r.status] = Number(r.n);
      return { id: c.id, name: c.name, year: c.year, scheme: `${c.scheme_id} v${c.version}`, villages: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
    });
  }

  async campaignByName(name: string): Promise<number> {
    const row = await this.db.selectFrom('campaigns').select('id').where('name', '=', name).executeTakeFirst();
    if (!row) throw notFound(`campaign "${name}"`);
    return row.id;
  }

  /** Creates (or updates the members of) an inspection team of a campaign. */
  async setTeam(actor: Actor, campaignId: number, name: string, members: string[]): Promise<number> {
    requireRole(actor, 'admin');
    if (!name.trim()) throw new KaoheError('validation', 'name: a team needs a name');
    return this.db.transaction().execute(async (trx) => {
      await this.campaignRow(trx, campaignId);
      let team = await trx.selectFrom('inspection_teams').select('id').where('campaign_id', '=', campaignId).where('name', '=', name).executeTakeFirst();
      const before = team ? (await trx.selectFrom('inspection_team_members').select('username').where('team_id', '=', team.id).execute()).map((m) => m.username) : undefined;
      if (!team) team = await trx.insertInto('inspection_teams').values({ campaign_id: campaignId, name }).returning('id').executeTakeFirstOrThrow();
      await trx.deleteFrom('inspection_team_members').where('team_id', '=', team.id).execute();
      const unique = [...new Set(members.map((m) => m.trim()).filter(Boolean))];
      if (unique.length) await trx.insertInto('inspection_team_members').values(unique.map((username) => ({ team_id: team.id, username }))).execute();
      await this.audit(trx, actor, { action: 'campaign.team', entity: 'inspection_team', entityId: team.id, before: before ? { members: before } : undefined, after: { campaignId, name, members: unique } });
      return team.id;
    });
  }

  /** Assigns villages of the campaign to a team. */
  async assignVillages(actor: Actor, campaignId: number, teamName: string, villages: string[]): Promise<void> {
    requireRole(actor, 'admin');
    await this.db.transaction().execute(async (trx) => {
      const team = await trx.selectFrom('inspection_teams').select('id').where('campaign_id', '=', campaignId).where('name', '=', teamName).executeTakeFirst();
      if (!team) throw notFound(`team "${teamName}" in campaign ${campaignId}`);
      const inScope = new Set((await trx.selectFrom('assessments').select('village_code').where('campaign_id', '=', campaignId).execute()).map((a) => a.village_code));
      const outside = villages.filter((v) => !inScope.has(v));
      if (outside.length) throw new KaoheError('validation', `villages: not in the campaign's scope: ${outside.join(', ')}`);
      await trx.updateTable('assessments').set({ team_id: team.id }).where('campaign_id', '=', campaignId).where('village_code', 'in', villages).execute();
      await this.audit(trx, actor, { action: 'campaign.assign', entity: 'inspection_team', entityId: team.id, after: { campaignId, villages } });
    });
  }

  private async campaignRow(db: Db, campaignId: number) {
    const c = await db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
    if (!c) throw notFound(`campaign ${campaignId}`);
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // One village's assessment

  async assessmentId(campaignId: number, villageCode: string): Promise<number> {
    const row = await this.db.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).where('village_code', '=', villageCode).executeTakeFirst();
    if (!row) throw notFound(`village ${villageCode} in campaign ${campaignId}`);
    return row.id;
  }

  /**
   * A village's assessment in a campaign, by the village's code. Who may not read it is told the
   * village is not in the campaign, word for word what a village that is not gets.
   */
  async getVillageAssessment(actor: Actor, campaignId: number, villageCode: string, lang: Lang = 'zh'): Promise<AssessmentView> {
    const id = await this.assessmentId(campaignId, villageCode);
    return this.getAssessment(actor, id, lang, () => notFound(`village ${villageCode} in campaign ${campaignId}`));
  }

  /**
   * The assessment row with its village and campaign, and what the policies need. The team's
   * members are read only when asked (`withInspectors`: only an inspector's access depends on them).
   */
  private async context(db: Db, assessmentId: number, withInspectors = true) {
    const a = await db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
      .select([
        'a.id', 'a.campaign_id', 'a.village_code', 'a.team_id', 'a.status', 'a.version', 'a.comment', 'a.published_at',
        'v.name as village_name', 'v.parent_code as township_code', 'v.poverty_village', 'v.planned_exit_year', 'v.exit_year', 'v.population',
        'c.scheme_version_id', 'c.year', 'c.period_from', 'c.period_to', 'c.appeal_days', 'c.name as campaign_name',
      ])
      .where('a.id', '=', assessmentId)
      .executeTakeFirst();
    if (!a) throw notFound(`assessment ${assessmentId}`);
    const inspectors = a.team_id === null || !withInspectors ? [] : (await db.selectFrom('inspection_team_members').select('username').where('team_id', '=', a.team_id).execute()).map((m) => m.username);
    const ctx: AssessmentContext = { villageCode: a.village_code, townshipCode: a.township_code, status: a.status, inspectors };
    return { a, ctx };
  }

  /**
   * Takes the assessment's edit token: refuses a stale version, and bumps it (the row lock of the
   * transaction). Call it before any other write: every transaction locks the assessment row
   * before the audit head, so two of them never wait on each other in opposite order.
   */
  private async bump(trx: Db, assessmentId: number, expectedVersion: number): Promise<void> {
    const r = await trx
      .updateTable('assessments')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: this.now() }))
      .where('id', '=', assessmentId)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      const cur = await trx.selectFrom('assessments').select('version').where('id', '=', assessmentId).executeTakeFirst();
      if (!cur) throw notFound(`assessment ${assessmentId}`);
      throw conflict(cur.version, expectedVersion);
    }
  }

  /** Moves the version of an assessment changed without an edit token (new suggestions, an appeal, a decision). */
  private async touch(trx: Db, assessmentId: number): Promise<void> {
    await trx.updateTable('assessments').set((eb) => ({ version: eb('version', '+', 1), updated_at: this.now() })).where('id', '=', assessmentId).execute();
  }

  private async activeFindings(db: Db, assessmentId: number): Promise<Finding[]> {
    const rows = await db.selectFrom('findings').selectAll().where('assessment_id', '=', assessmentId).where('status', '=', 'active').orderBy('id').execute();
    return rows.map((f) => {
      const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
      if (f.element) out.element = f.element;
      if (f.note) out.note = f.note;
      if (f.household_no) out.household = f.household_no;
      return out;
    });
  }

  /** Recomputes and stores the score of an assessment from its active findings; a score that moves is audited, before and after. */
  private async rescore(trx: Db, actor: Actor, assessmentId: number, schemeVersionId?: number): Promise<ScoreResult> {
    const { a } = await this.context(trx, assessmentId);
    const { scheme } = await this.schemeOf(schemeVersionId ?? a.scheme_version_id, trx);
    const prev = await trx.selectFrom('assessments').select(['base', 'bonus', 'total']).where('id', '=', assessmentId).executeTakeFirstOrThrow();
    const result = score(scheme, unitOfVillage(a), await this.activeFindings(trx, assessmentId));
    await trx
      .updateTable('assessments')
      .set({ base: result.base, bonus: result.bonus, total: result.total, result: JSON.stringify(resultToJson(result)) })
      .where('id', '=', assessmentId)
      .execute();
    if (prev.base !== result.base || prev.bonus !== result.bonus || prev.total !== result.total) {
      const points = (x: { base: number; bonus: number; total: number }) => ({ base: fromCents(x.base), bonus: fromCents(x.bonus), total: fromCents(x.total) });
      await this.audit(trx, actor, { action: 'assessment.score', entity: 'assessment', entityId: assessmentId, before: points(prev), after: { ...points(result), scheme: `${scheme.id} v${scheme.version}` } });
    }
    return result;
  }

  private editable(status: AssessmentStatus): void {
    if (status !== 'draft') throw invalidState(`the assessment is ${status}: findings change only while it is a draft (a reviewer can send it back)`);
  }

  /**
   * The whole assessment as its reader may see it: findings, evidence, suggestions, appeals,
   * score and explanation. The view is kept per assessment, kind of reader and language, and
   * reused while the assessment row read for the access check is unchanged: its version moves
   * in the transaction of every change to its findings, evidence, suggestions, appeals or
   * status, and the rest of the row (village attributes, scheme version, comment) is compared
   * too. The same object is returned while nothing changed (presenters may memoise on it); it
   * must not be modified.
   */
  async getAssessment(actor: Actor, assessmentId: number, lang: Lang = 'zh', hidden: () => KaoheError = hiddenAssessment(assessmentId)): Promise<AssessmentView> {
    const { a, ctx } = await this.context(this.db, assessmentId, actor.role === 'inspector');
    assertRead(actor, ctx, hidden);
    // Suggestions are the inspectors' working material, not part of a village's result.
    const sees: AssessmentReader = actor.role === 'village' || actor.role === 'viewer' ? 'result' : 'work';
    const key = `${assessmentId}|${sees}|${lang}`;
    const stamp = JSON.stringify(a);
    const hit = this.views.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest entry is the first one dropped.
      this.views.delete(key);
      this.views.set(key, hit);
      return hit.view;
    }
    const view = await this.assessmentView(a, lang, sees);
    this.views.delete(key);
    if (this.views.size >= MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
    this.views.set(key, { stamp, view });
    return view;
  }

  private async assessmentView(a: Awaited<ReturnType<CampaignService['context']>>['a'], lang: Lang, sees: AssessmentReader) {
    const assessmentId = a.id;
    const { scheme } = await this.schemeOf(a.scheme_version_id);
    const findings = await this.db.selectFrom('findings').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute();
    const evidence = await this.db
      .selectFrom('evidence')
      .selectAll()
      .where((eb) => eb.or([eb('finding_id', 'in', eb.selectFrom('findings').select('id').where('assessment_id', '=', assessmentId)), eb('appeal_id', 'in', eb.selectFrom('appeals').select('id').where('assessment_id', '=', assessmentId))]))
      .orderBy('id')
      .execute();
    const suggestions = sees === 'work' ? await this.db.selectFrom('suggestions').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute() : [];
    const appeals = await this.db.selectFrom('appeals').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute();
    // Scored from the findings read here (not the stored result), so the view agrees with its findings.
    const active: Finding[] = [];
    for (const f of findings) {
      if (f.status !== 'active') continue;
      const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
      if (f.element) out.element = f.element;
      if (f.note) out.note = f.note;
      if (f.household_no) out.household = f.household_no;
      active.push(out);
    }
    const result = score(scheme, unitOfVillage(a), active);
    return {
      id: a.id,
      campaignId: a.campaign_id,
      campaign: a.campaign_name,
      village: { code: a.village_code, name: a.village_name, township: a.township_code, povertyVillage: Number(a.poverty_village) === 1 },
      status: a.status,
      version: a.version,
      comment: a.comment,
      publishedAt: a.published_at,
      scheme: { id: scheme.id, version: scheme.version },
      findings,
      evidence,
      // A suggestion can rest on a thousand records (every household-month short of visits):
      // the view carries the first ones and their number; suggestionRecords gives them all.
      suggestions: suggestions.map((s) => {
        const records = JSON.parse(s.records) as unknown;
        const list = Array.isArray(records) ? records : [records];
        return { ...s, records: list.slice(0, SHOWN_RECORDS), recordCount: list.length };
      }),
      appeals,
      score: resultToJson(result),
      explanation: explain(result, scheme, lang).map((l) => l.text),
    };
  }

  /** Every registry record behind a suggestion, for those who see suggestions (not villages, not viewers). */
  async suggestionRecords(actor: Actor, assessmentId: number, suggestionId: number): Promise<{ id: number; item: string; records: unknown[] }> {
    const { ctx } = await this.context(this.db, assessmentId, actor.role === 'inspector');
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    if (actor.role === 'village' || actor.role === 'viewer') throw new KaoheError('forbidden', `${actor.user} (${actor.role}) does not see suggested findings`);
    const s = await this.db.selectFrom('suggestions').select(['id', 'item', 'records']).where('id', '=', suggestionId).where('assessment_id', '=', assessmentId).executeTakeFirst();
    if (!s) throw notFound(`suggestion ${suggestionId} of assessment ${assessmentId}`);
    const records = JSON.parse(s.records) as unknown;
    return { id: s.id, item: s.item, records: Array.isArray(records) ? records : [records] };
  }

  /** Records a finding on a draft assessment. */
  async addFinding(actor: Actor, assessmentId: number, expectedVersion: number, input: FindingInput): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      this.editable(a.status);
      await this.bump(trx, assessmentId, expectedVersion);
      const id = await this.insertFinding(trx, actor, a, input, 'inspector');
      await this.rescore(trx, actor, assessmentId);
      return id;
    });
  }

  private async insertFinding(
    trx: Db,
    actor: Actor,
    a: { id: number; scheme_version_id: number; village_name: string; poverty_village: number; planned_exit_year: number | null; exit_year: number | null; population: number | null },
    input: FindingInput,
    source: 'inspector' | 'suggestion' | 'appeal',
    links: { suggestionId?: number; appealId?: number; supersedes?: number } = {},
  ): Promise<number> {
    const { scheme } = await this.schemeOf(a.scheme_version_id, trx);
    const finding: Finding = { item: input.item, count: input.count ?? 1 };
    if (input.element !== undefined) finding.element = input.element;
    const problems = checkFindings(scheme, unitOfVillage(a), [finding]);
    if (problems.length) throw new KaoheError('validation', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    const row = await trx
      .insertInto('findings')
      .values({
        assessment_id: a.id,
        item: input.item,
        count: input.count ?? 1,
        element: input.element ?? null,
        note: input.note ?? null,
        household_no: input.household ?? null,
        person: input.person ?? null,
        source,
        suggestion_id: links.suggestionId ?? null,
        appeal_id: links.appealId ?? null,
        supersedes_id: links.supersedes ?? null,
        created_at: this.now(),
        created_by: actor.user,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.audit(trx, actor, { action: 'finding.add', entity: 'finding', entityId: row.id, after: { assessmentId: a.id, source, ...input, count: input.count ?? 1, ...links } });
    return row.id;
  }

  /** Withdraws a finding (it is kept, marked withdrawn, with who, when and why). */
  async withdrawFinding(actor: Actor, assessmentId: number, expectedVersion: number, findingId: number, reason: string): Promise<void> {
    if (!reason.trim()) throw new KaoheError('validation', 'reason: say why the finding is withdrawn');
    await this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      this.editable(a.status);
      const f = await trx.selectFrom('findings').selectAll().where('id', '=', findingId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (!f) throw notFound(`finding ${findingId} of assessment ${assessmentId}`);
      if (f.status !== 'active') throw invalidState(`finding ${findingId} is ${f.status} already`);
      await this.bump(trx, assessmentId, expectedVersion);
      await trx.updateTable('findings').set({ status: 'withdrawn', withdrawn_at: this.now(), withdrawn_by: actor.user, withdraw_reason: reason }).where('id', '=', findingId).execute();
      await trx.updateTable('evidence').set({ status: 'withdrawn' }).where('finding_id', '=', findingId).execute();
      if (f.suggestion_id !== null) await trx.updateTable('suggestions').set({ status: 'open', finding_id: null, decided_at: null, decided_by: null }).where('id', '=', f.suggestion_id).execute();
      await this.audit(trx, actor, { action: 'finding.withdraw', entity: 'finding', entityId: findingId, before: { status: 'active', item: f.item, count: f.count }, after: { status: 'withdrawn', reason } });
      await this.rescore(trx, actor, assessmentId);
    });
  }

  /**
   * Who may attach evidence to a finding or an appeal (or to an assessment's findings or, with
   * `appeal`, its appeals: files checked before the finding or appeal is made), and what its
   * assessment's evidence takes against the quota. Asked before an upload is read (a refusal
   * costs no transfer), and again under the assessment's lock when the files are added.
   */
  async evidenceRoom(actor: Actor, target: EvidenceTarget | { assessmentId: number; appeal?: boolean }): Promise<EvidenceRoom> {
    if (!this.evidence) throw new KaoheError('internal', 'no evidence store configured');
    let assessmentId: number;
    let ownerStatus: string | null = null;
    if ('assessmentId' in target) assessmentId = target.assessmentId;
    else {
      const owner =
        'findingId' in target
          ? await this.db.selectFrom('findings').select(['assessment_id', 'status']).where('id', '=', target.findingId).executeTakeFirst()
          : await this.db.selectFrom('appeals').select(['assessment_id', 'status']).where('id', '=', target.appealId).executeTakeFirst();
      if (!owner) throw notFound('findingId' in target ? `finding ${target.findingId}` : `appeal ${target.appealId}`);
      assessmentId = owner.assessment_id;
      ownerStatus = owner.status;
    }
    const { a, ctx } = await this.context(this.db, assessmentId);
    // Out of reach reads as missing: the finding, appeal or assessment the caller named.
    const hidden = 'findingId' in target ? () => notFound(`finding ${target.findingId}`) : 'appealId' in target ? () => notFound(`appeal ${target.appealId}`) : hiddenAssessment(assessmentId);
    assertRead(actor, ctx, hidden);
    if ('appealId' in target) {
      assertAppeal(actor, ctx, hidden);
      if (ownerStatus !== 'open') throw invalidState(`appeal ${target.appealId} is decided`);
    } else if ('assessmentId' in target && target.appeal) {
      assertAppeal(actor, ctx, hidden);
    } else {
      assertRecord(actor, ctx, hidden);
      this.editable(a.status);
      if ('findingId' in target && ownerStatus !== 'active') throw invalidState(`finding ${target.findingId} is ${ownerStatus}`);
    }
    return { assessmentId, usedBytes: await this.evidenceBytes(this.db, assessmentId), quotaBytes: this.evidence.quotaBytes };
  }

  /** Attaches an evidence file to a finding (a draft's, or an open appeal's). */
  async addEvidence(actor: Actor, target: EvidenceTarget, file: EvidenceFile | StagedEvidenceLike): Promise<number> {
    return (await this.addEvidenceFiles(actor, target, [file]))[0]!;
  }

  /**
   * Attaches files to a finding or an appeal: all or none, within the assessment's quota. Files
   * given as bytes or paths are checked and staged first; staged files (an upload's) are taken
   * over: placed in the store inside the transaction, right before its commit, so a committed
   * row always has its file; taken back if the commit fails; their temporary files removed.
   */
  async addEvidenceFiles(actor: Actor, target: EvidenceTarget, files: Array<EvidenceFile | StagedEvidenceLike>): Promise<number[]> {
    const staged: StagedEvidenceLike[] = files.filter(isStaged);
    let placed = false;
    try {
      if (!this.evidence) throw new KaoheError('internal', 'no evidence store configured');
      const room = await this.evidenceRoom(actor, target);
      const adding = files.filter(isStaged).reduce((n, f) => n + f.size, 0);
      checkQuota(room, adding);
      const ordered: StagedEvidenceLike[] = [];
      for (const f of files) {
        if (isStaged(f)) ordered.push(f);
        else {
          const s = await this.evidence.stage(f);
          staged.push(s);
          ordered.push(s);
        }
      }
      const ids = await this.db.transaction().execute(async (trx) => {
        // Checked again under the assessment's row lock: a submit that raced the upload wins,
        // and the version moves, so other editors see that evidence was added.
        await trx.updateTable('assessments').set((eb) => ({ version: eb('version', '+', 1), updated_at: this.now() })).where('id', '=', room.assessmentId).execute();
        const again =
          'findingId' in target
            ? await trx.selectFrom('findings').select('status').where('id', '=', target.findingId).executeTakeFirstOrThrow()
            : await trx.selectFrom('appeals').select('status').where('id', '=', target.appealId).executeTakeFirstOrThrow();
        const current = await trx.selectFrom('assessments').select('status').where('id', '=', room.assessmentId).executeTakeFirstOrThrow();
        if ('findingId' in target) {
          this.editable(current.status);
          if (again.status !== 'active') throw invalidState(`finding ${target.findingId} is ${again.status}`);
        } else if (again.status !== 'open') {
          throw invalidState(`appeal ${target.appealId} is decided`);
        }
        checkQuota({ ...room, usedBytes: await this.evidenceBytes(trx, room.assessmentId) }, ordered.reduce((n, f) => n + f.size, 0));
        const ids: number[] = [];
        for (const stored of ordered) {
          const row = await trx
            .insertInto('evidence')
            .values({
              finding_id: 'findingId' in target ? target.findingId : null,
              appeal_id: 'appealId' in target ? target.appealId : null,
              sha256: stored.sha256,
              filename: stored.filename,
              mime: stored.mime,
              size: stored.size,
              taken_at: stored.takenAt ?? null,
              latitude: stored.latitude ?? null,
              longitude: stored.longitude ?? null,
              uploaded_at: this.now(),
              uploaded_by: actor.user,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await this.audit(trx, actor, { action: 'evidence.add', entity: 'evidence', entityId: row.id, after: { ...target, sha256: stored.sha256, filename: stored.filename, mime: stored.mime, size: stored.size } });
          ids.push(row.id);
        }
        // The files go into the store last, right before the commit.
        placed = true;
        for (const f of staged) await f.place();
        return ids;
      });
      // Another upload of the same content whose commit failed may have taken the file back
      // between our place() and our commit: put it back (nothing is written when it is there).
      for (const f of staged) await f.place();
      return ids;
    } catch (e) {
      if (placed) {
        for (const f of staged) {
          const named = await this.db.selectFrom('evidence').select('id').where('sha256', '=', f.sha256).executeTakeFirst();
          if (!named) await f.unplace();
        }
      }
      throw e;
    } finally {
      for (const f of staged) await f.discard();
    }
  }

  /** Bytes of evidence an assessment holds: its findings' and appeals' files, withdrawn ones too (their files are kept). */
  private async evidenceBytes(db: Db, assessmentId: number): Promise<number> {
    const r = await db
      .selectFrom('evidence as e')
      .leftJoin('findings as f', 'f.id', 'e.finding_id')
      .leftJoin('appeals as ap', 'ap.id', 'e.appeal_id')
      .select((eb) => eb.fn.sum<number | string | null>('e.size').as('n'))
      .where((eb) => eb.or([eb('f.assessment_id', '=', assessmentId), eb('ap.assessment_id', '=', assessmentId)]))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // ------------------------------------------------------------------------------------------
  // Suggestions derived from the registry

  /** Derives suggestions for the assessment's village and period; new ones open, known ones kept as decided. */
  async deriveSuggestions(actor: Actor, assessmentId: number): Promise<{ added: number; total: number }> {
    return this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      this.editable(a.status);
      const { scheme, deriveText } = await this.schemeOf(a.scheme_version_id, trx);
      if (!deriveText) return { added: 0, total: 0 };
      const config = loadDeriveConfig(deriveText, { scheme });
      const period = { year: a.year, from: a.period_from, to: a.period_to };
      const records = await loadVillageRecords(trx, a.village_code, period);
      const derived = deriveSuggestions(config, scheme, records, period);
      const known = new Set((await trx.selectFrom('suggestions').select('key').where('assessment_id', '=', assessmentId).execute()).map((s) => s.key));
      const fresh = derived.filter((s) => !known.has(s.key));
      const now = this.now();
      // New suggestions change what the assessment shows: its version moves (before any other
      // write, see bump), so editors and cached views see them.
      if (fresh.length) await this.touch(trx, assessmentId);
      for (let i = 0; i < fresh.length; i += 200) {
        await trx
          .insertInto('suggestions')
          .values(
            fresh.slice(i, i + 200).map((s) => ({
              assessment_id: assessmentId,
              key: s.key,
              item: s.item,
              count: s.count,
              element: s.element ?? null,
              household_no: s.household ?? null,
              summary_zh: s.summary.zh,
              summary_en: s.summary.en,
              records: JSON.stringify(s.records),
              created_at: now,
            })),
          )
          .execute();
      }
      if (fresh.length) {
        await this.audit(trx, actor, { action: 'suggestion.derive', entity: 'assessment', entityId: assessmentId, after: { added: fresh.length, keys: fresh.map((s) => s.key) } });
      }
      return { added: fresh.length, total: derived.length };
    });
  }

  /** Accepts a suggestion: it becomes a finding (source: suggestion). */
  async acceptSuggestion(actor: Actor, assessmentId: number, expectedVersion: number, suggestionId: number, note?: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      this.editable(a.status);
      const s = await trx.selectFrom('suggestions').selectAll().where('id', '=', suggestionId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (!s) throw notFound(`suggestion ${suggestionId} of assessment ${assessmentId}`);
      if (s.status !== 'open') throw invalidState(`suggestion ${suggestionId} is ${s.status} already`);
      await this.bump(trx, assessmentId, expectedVersion);
      const input: FindingInput = { item: s.item, count: s.count, note: note ?? s.summary_zh };
      if (s.element) input.element = s.element;
      if (s.household_no) input.household = s.household_no;
      const findingId = await this.insertFinding(trx, actor, a, input, 'suggestion', { suggestionId });
      await trx.updateTable('suggestions').set({ status: 'accepted', finding_id: findingId, decided_at: this.now(), decided_by: actor.user }).where('id', '=', suggestionId).execute();
      await this.audit(trx, actor, { action: 'suggestion.accept', entity: 'suggestion', entityId: suggestionId, before: { status: 'open' }, after: { status: 'accepted', findingId } });
      await this.rescore(trx, actor, assessmentId);
      return findingId;
    });
  }

  /** Dismisses a suggestion, with a reason. */
  async dismissSuggestion(actor: Actor, assessmentId: number, expectedVersion: number, suggestionId: number, reason: string): Promise<void> {
    if (!reason.trim()) throw new KaoheError('validation', 'reason: say why the suggestion is dismissed');
    await this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      this.editable(a.status);
      const s = await trx.selectFrom('suggestions').select(['status']).where('id', '=', suggestionId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (!s) throw notFound(`suggestion ${suggestionId} of assessment ${assessmentId}`);
      if (s.status !== 'open') throw invalidState(`suggestion ${suggestionId} is ${s.status} already`);
      await this.bump(trx, assessmentId, expectedVersion);
      await trx.updateTable('suggestions').set({ status: 'dismissed', reason, decided_at: this.now(), decided_by: actor.user }).where('id', '=', suggestionId).execute();
      await this.audit(trx, actor, { action: 'suggestion.dismiss', entity: 'suggestion', entityId: suggestionId, before: { status: 'open' }, after: { status: 'dismissed', reason } });
    });
  }

  // ------------------------------------------------------------------------------------------
  // Workflow

  /** Moves an assessment along: submit (team), sendBack / review (reviewer), publish (office). */
  async transition(actor: Actor, assessmentId: number, expectedVersion: number, step: 'submit' | 'sendBack' | 'review' | 'publish', comment?: string): Promise<void> {
    const t = TRANSITIONS[step]!;
    if (step === 'sendBack' && !comment?.trim()) throw new KaoheError('validation', 'comment: say what must be corrected when sending back');
    await this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      if (step === 'submit') assertRecord(actor, ctx, hiddenAssessment(assessmentId));
      else if (step === 'publish') assertPublish(actor, ctx, hiddenAssessment(assessmentId));
      else assertReview(actor, ctx, hiddenAssessment(assessmentId));
      if (a.status !== t.from) throw invalidState(`cannot ${step} an assessment that is ${a.status} (it must be ${t.from})`);
      await this.bump(trx, assessmentId, expectedVersion);
      const now = this.now();
      const set: Partial<Record<string, string | null>> = { status: t.to };
      if (step === 'submit') Object.assign(set, { submitted_at: now, submitted_by: actor.user });
      if (step === 'review') Object.assign(set, { reviewed_at: now, reviewed_by: actor.user });
      if (step === 'publish') Object.assign(set, { published_at: now, published_by: actor.user });
      if (comment !== undefined) set.comment = comment;
      await trx.updateTable('assessments').set(set).where('id', '=', assessmentId).execute();
      await this.audit(trx, actor, { action: `assessment.${step}`, entity: 'assessment', entityId: assessmentId, before: { status: a.status }, after: { status: t.to, ...(comment ? { comment } : {}) } });
      // A published result changes the published ranking: snapshot it, as publishCampaign does.
      if (step === 'publish') await this.snapshot(trx, actor, a.campaign_id, `publish ${a.village_code}`);
    });
  }

  /** Publishes every reviewed assessment of a campaign and snapshots the ranking. */
  async publishCampaign(actor: Actor, campaignId: number): Promise<{ published: number; snapshotId: number }> {
    requireRole(actor, 'admin');
    return this.db.transaction().execute(async (trx) => {
      await this.campaignRow(trx, campaignId);
      const reviewed = await trx.selectFrom('assessments').select(['id', 'version']).where('campaign_id', '=', campaignId).where('status', '=', 'reviewed').orderBy('id').execute();
      const now = this.now();
      // Every assessment row before the audit head (see bump); one published meanwhile is left alone.
      const published: number[] = [];
      for (const r of reviewed) {
        const u = await trx
          .updateTable('assessments')
          .set((eb) => ({ status: 'published', published_at: now, published_by: actor.user, version: eb('version', '+', 1), updated_at: now }))
          .where('id', '=', r.id)
          .where('status', '=', 'reviewed')
          .executeTakeFirst();
        if (Number(u.numUpdatedRows) === 1) published.push(r.id);
      }
      for (const id of published) {
        await this.audit(trx, actor, { action: 'assessment.publish', entity: 'assessment', entityId: id, before: { status: 'reviewed' }, after: { status: 'published' } });
      }
      const snapshotId = await this.snapshot(trx, actor, campaignId, 'publish');
      return { published: published.length, snapshotId };
    });
  }

  // ------------------------------------------------------------------------------------------
  // Appeals

  /** A village appeals an item of its published result, within the campaign's window. */
  async appeal(actor: Actor, assessmentId: number, input: { item: string; reason: string }): Promise<number> {
    if (!input.reason.trim()) throw new KaoheError('validation', 'reason: an appeal gives its reasons');
    return this.db.transaction().execute(async (trx) => {
      const { a, ctx } = await this.context(trx, assessmentId);
      assertAppeal(actor, ctx, hiddenAssessment(assessmentId));
      if (a.status !== 'published') throw invalidState('only a published result can be appealed');
      const deadline = new Date(Date.parse(a.published_at!) + a.appeal_days * 86_400_000);
      if (this.clock() > deadline) throw invalidState(`the appeal window closed on ${deadline.toISOString().slice(0, 10)} (${a.appeal_days} days after publication)`);
      const { scheme } = await this.schemeOf(a.scheme_version_id, trx);
      if (checkFindings(scheme, unitOfVillage(a), [{ item: input.item, count: 0 }]).length) throw new KaoheError('validation', `item: ${input.item} is not an item of the scheme that applies to this village`);
      // An appeal is part of the assessment's page: its version moves (see bump). The row is
      // ours from here, so two appeals of one item cannot both pass the check below.
      await this.touch(trx, assessmentId);
      const open = await trx.selectFrom('appeals').select('id').where('assessment_id', '=', assessmentId).where('item', '=', input.item).where('status', '=', 'open').executeTakeFirst();
      if (open) throw invalidState(`item ${input.item} has an open appeal already (${open.id})`);
      const row = await trx
        .insertInto('appeals')
        .values({ assessment_id: assessmentId, item: input.item, reason: input.reason, created_at: this.now(), created_by: actor.user })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit(trx, actor, { action: 'appeal.open', entity: 'appeal', entityId: row.id, after: { assessmentId, item: input.item, reason: input.reason } });
      return row.id;
    });
  }

  /**
   * The appeals of a campaign the actor may see — the office every one, a reviewer their
   * township's, an inspector those of their team's villages, a village its own; viewers none
   * (refused) — open first, each with its village, the item's title, its evidence files and
   * the item's count as it stands (the count appealed against, or the decided one).
   */
  async listAppeals(actor: Actor, campaignId: number, filter: { status?: AppealFilter; township?: string } = {}, lang: Lang = 'zh') {
    requireRole(actor, 'admin', 'reviewer', 'inspector', 'village');
    const c = await this.campaignRow(this.db, campaignId);
    const { scheme } = await this.schemeOf(c.scheme_version_id);
    let q = this.db
      .selectFrom('appeals as ap')
      .innerJoin('assessments as a', 'a.id', 'ap.assessment_id')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .select([
        'ap.id', 'ap.assessment_id', 'ap.item', 'ap.reason', 'ap.status', 'ap.decision_reason', 'ap.adjusted_count',
        'ap.created_at', 'ap.created_by', 'ap.decided_at', 'ap.decided_by',
        'a.village_code', 'a.team_id', 'a.total', 'v.name as village_name', 'v.parent_code', 't.name as township_name',
        (eb) => eb.selectFrom('evidence as e').select(eb.fn.countAll<number>().as('n')).whereRef('e.appeal_id', '=', 'ap.id').where('e.status', '=', 'active').as('evidence_count'),
      ])
      .where('a.campaign_id', '=', campaignId);
    // Cut in the query for the roles bounded by a place; an inspector's team is checked below.
    if (actor.role === 'village') q = q.where('a.village_code', '=', actor.village ?? '');
    if (actor.role === 'reviewer') q = q.where('v.parent_code', '=', actor.township ?? '');
    if (filter.township) q = q.where('v.parent_code', '=', filter.township);
    if (filter.status === 'decided') q = q.where('ap.status', '!=', 'open');
    else if (filter.status) q = q.where('ap.status', '=', filter.status);
    let rows = await q.orderBy('ap.id').execute();
    if (actor.role === 'inspector') {
      const mine = new Set((await this.teamsOf(campaignId)).filter((t) => t.members.includes(actor.user)).map((t) => t.id));
      rows = rows.filter((r) => r.team_id !== null && mine.has(r.team_id));
    }
    const counts = new Map<string, number>();
    const ids = [...new Set(rows.map((r) => r.assessment_id))];
    for (let i = 0; i < ids.length; i += 500) {
      const found = await this.db
        .selectFrom('findings')
        .select(['assessment_id', 'item', (eb) => eb.fn.sum<number>('count').as('n')])
        .where('assessment_id', 'in', ids.slice(i, i + 500))
        .where('status', '=', 'active')
        .groupBy(['assessment_id', 'item'])
        .execute();
      for (const f of found) counts.set(`${f.assessment_id}|${f.item}`, Number(f.n));
    }
    const titles = new Map<string, string>();
    walk(scheme, (node) => titles.set(node.code, textOf(node.title, lang)));
    return rows
      .map((r) => ({
        id: r.id,
        assessmentId: r.assessment_id,
        village: r.village_code,
        villageName: r.village_name,
        township: r.parent_code,
        townshipName: r.township_name,
        item: r.item,
        itemTitle: titles.get(r.item) ?? null,
        reason: r.reason,
        status: r.status,
        decisionReason: r.decision_reason,
        adjustedCount: r.adjusted_count,
        currentCount: counts.get(`${r.assessment_id}|${r.item}`) ?? 0,
        total: fromCents(r.total),
        evidenceCount: Number(r.evidence_count ?? 0),
        createdAt: r.created_at,
        createdBy: r.created_by,
        decidedAt: r.decided_at,
        decidedBy: r.decided_by,
      }))
      .sort((x, y) => Number(x.status !== 'open') - Number(y.status !== 'open') || x.id - y.id);
  }

  /**
   * The office decides an appeal. Upheld: the item's findings are superseded by a count of 0;
   * adjusted: by a new finding with the adjusted count; rejected: nothing changes. Superseded
   * findings are kept; the ranking is snapshotted again.
   */
  async decideAppeal(actor: Actor, appealId: number, decision: { outcome: 'upheld' | 'adjusted' | 'rejected'; reason: string; count?: number }): Promise<void> {
    requireRole(actor, 'admin');
    if (!decision.reason.trim()) throw new KaoheError('validation', 'reason: a decision gives its reasons');
    if (decision.outcome === 'adjusted' && (!Number.isInteger(decision.count) || decision.count! < 0)) {
      throw new KaoheError('validation', 'count: an adjustment gives the new count (a whole number ≥ 0)');
    }
    await this.db.transaction().execute(async (trx) => {
      const target = await trx.selectFrom('appeals').select('assessment_id').where('id', '=', appealId).executeTakeFirst();
      if (!target) throw notFound(`appeal ${appealId}`);
      // The assessment row first (see bump): two decisions on its appeals queue here, and the
      // appeal is read again once it is ours.
      await this.touch(trx, target.assessment_id);
      const ap = await trx.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirstOrThrow();
      if (ap.status !== 'open') throw invalidState(`appeal ${appealId} is ${ap.status} already`);
      const { a } = await this.context(trx, ap.assessment_id);
      const before = await trx.selectFrom('assessments').select(['total']).where('id', '=', ap.assessment_id).executeTakeFirstOrThrow();
      if (decision.outcome !== 'rejected') {
        const old = await trx.selectFrom('findings').selectAll().where('assessment_id', '=', ap.assessment_id).where('item', '=', ap.item).where('status', '=', 'active').orderBy('id').execute();
        const count = decision.outcome === 'upheld' ? 0 : decision.count!;
        await trx.updateTable('findings').set({ status: 'superseded' }).where('id', 'in', old.length ? old.map((f) => f.id) : [-1]).execute();
        const first = old[0];
        const input: FindingInput = { item: ap.item, count, note: `申诉${decision.outcome === 'upheld' ? '成立' : '调整'}：${decision.reason}` };
        if (first?.element) input.element = first.element;
        if (first?.household_no) input.household = first.household_no;
        const findingId = await this.insertFinding(trx, actor, a, input, 'appeal', { appealId, ...(first ? { supersedes: first.id } : {}) });
        await this.audit(trx, actor, { action: 'finding.supersede', entity: 'finding', entityId: findingId, before: { findings: old.map((f) => ({ id: f.id, count: f.count })) }, after: { count } });
      }
      await trx
        .updateTable('appeals')
        .set({ status: decision.outcome, decision_reason: decision.reason, adjusted_count: decision.outcome === 'adjusted' ? decision.count! : null, decided_at: this.now(), decided_by: actor.user })
        .where('id', '=', appealId)
        .execute();
      const result = await this.rescore(trx, actor, ap.assessment_id);
      await this.audit(trx, actor, {
        action: `appeal.${decision.outcome}`,
        entity: 'appeal',
        entityId: appealId,
        before: { status: 'open', total: fromCents(before.total) },
        after: { status: decision.outcome, reason: decision.reason, total: fromCents(result.total), ...(decision.count !== undefined ? { count: decision.count } : {}) },
      });
      if (decision.outcome !== 'rejected') await this.snapshot(trx, actor, a.campaign_id, `appeal ${appealId}`);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Rankings

  /** The campaign's ranking now: county and per township, competition ranks, change vs the previous campaign. */
  async ranking(actor: Actor, campaignId: number, options: { publishedOnly?: boolean } = {}) {
    // Only the office and the reviewers see results before publication, whatever the caller asks for.
    const maySeeDrafts = actor.role === 'admin' || actor.role === 'reviewer';
    const publishedOnly = maySeeDrafts ? (options.publishedOnly ?? false) : true;
    return this.computeRanking(this.db, campaignId, publishedOnly);
  }

  private async computeRanking(db: Db, campaignId: number, publishedOnly: boolean, schemeVersionId?: number, visible?: (r: { status: AssessmentStatus; township: string | null }) => boolean) {
    const campaign = await this.campaignRow(db, campaignId);
    const versionId = schemeVersionId ?? campaign.scheme_version_id;
    const { scheme } = await this.schemeOf(versionId, db);
    let q = db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .select(['a.id', 'a.version', 'a.village_code', 'a.status', 'a.total', 'a.base', 'a.bonus', 'v.name', 'v.parent_code', 't.name as township_name'])
      .where('a.campaign_id', '=', campaignId);
    if (publishedOnly) q = q.where('a.status', '=', 'published');
    const rows = (await q.execute()).filter((r) => !visible || visible({ status: r.status, township: r.parent_code }));
    const parts = await this.resultParts(db, scheme, versionId, rows);
    const previous = await this.previousTotals(db, campaign.year, campaignId);
    const input = rows.map((r) => {
      const { sections, grade } = parts.get(r.id)!;
      return {
        village: r.village_code,
        name: r.name,
        township: r.parent_code ?? '',
        townshipName: r.township_name ?? '',
        total: r.total,
        base: r.base,
        bonus: r.bonus,
        sections,
        grade,
      };
    });
    return { campaign: { id: campaign.id, name: campaign.name, year: campaign.year }, scheme: { id: scheme.id, version: scheme.version }, publishedOnly, ...rank(input, { previous }) };
  }

  /**
   * Section scores and grade of stored results, for the ranking. Outside a transaction they are
   * kept per assessment and version (every change that rescores moves the version), so a
   * ranking does not parse every village's whole result each time it is asked for.
   */
  private async resultParts(db: Db, scheme: Scheme, schemeVersionId: number, rows: ReadonlyArray<{ id: number; version: number }>) {
    const out = new Map<number, { sections: Record<string, number>; grade: string | null }>();
    const cached = db === this.db;
    const missing: number[] = [];
    for (const r of rows) {
      const hit = cached ? this.partsCache.get(r.id) : undefined;
      if (hit && hit.version === r.version && hit.schemeVersionId === schemeVersionId) out.set(r.id, hit.parts);
      else missing.push(r.id);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const stored = await db.selectFrom('assessments').select(['id', 'version', 'result']).where('id', 'in', missing.slice(i, i + 500)).execute();
      for (const r of stored) {
        const result = r.result ? (JSON.parse(r.result) as { nodes: Record<string, { score: number }>; grade: { code: string } | null }) : null;
        const sections: Record<string, number> = {};
        for (const s of scheme.sections) sections[s.code] = Math.round((result?.nodes[s.code]?.score ?? 0) * 100);
        const parts = { sections, grade: result?.grade?.code ?? null };
        out.set(r.id, parts);
        if (cached) this.partsCache.set(r.id, { version: r.version, schemeVersionId, parts });
      }
    }
    return out;
  }

  /** Totals and county ranks of the latest earlier campaign (by year), for the change column. */
  private async previousTotals(db: Db, year: number, campaignId: number) {
    const prev = await db.selectFrom('campaigns').select('id').where('year', '<', year).where('id', '!=', campaignId).orderBy('year', 'desc').orderBy('id', 'desc').executeTakeFirst();
    const out = new Map<string, { total: number; countyRank: number }>();
    if (!prev) return out;
    const rows = await db.selectFrom('assessments').select(['village_code', 'total']).where('campaign_id', '=', prev.id).where('status', '=', 'published').execute();
    const totals = rows.map((r) => r.total).sort((x, y) => y - x);
    for (const r of rows) out.set(r.village_code, { total: r.total, countyRank: 1 + totals.filter((t) => t > r.total).length });
    return out;
  }

  private async snapshot(trx: Db, actor: Actor, campaignId: number, reason: string): Promise<number> {
    const data = await this.computeRanking(trx, campaignId, true);
    const row = await trx
      .insertInto('ranking_snapshots')
      .values({ campaign_id: campaignId, created_at: this.now(), created_by: actor.user, reason, data: JSON.stringify(data) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.audit(trx, actor, { action: 'ranking.snapshot', entity: 'ranking_snapshot', entityId: row.id, after: { campaignId, reason, villages: data.county.length } });
    // The log's head with the snapshot's own entry: an anchor that a later truncation cannot move.
    const head = await auditHead(trx);
    if (head) await trx.updateTable('ranking_snapshots').set({ audit_entries: head.entries, audit_hash: head.hash }).where('id', '=', row.id).execute();
    return row.id;
  }

  async snapshots(campaignId: number) {
    const rows = await this.db.selectFrom('ranking_snapshots').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, createdBy: r.created_by, reason: r.reason, data: JSON.parse(r.data) as unknown }));
  }

  // ------------------------------------------------------------------------------------------
  // Rescoring with a corrected scheme version

  /** For every village: the old and new score and rank under another scheme version (nothing is changed). */
  async rescorePreview(actor: Actor, campaignId: number, schemeVersionId: number) {
    requireRole(actor, 'admin');
    const campaign = await this.campaignRow(this.db, campaignId);
    const { scheme: oldScheme } = await this.schemeOf(campaign.scheme_version_id);
    const { scheme: newScheme } = await this.schemeOf(schemeVersionId);
    if (newScheme.id !== oldScheme.id) throw new KaoheError('validation', `scheme version ${schemeVersionId} is ${newScheme.id}, not a version of ${oldScheme.id}`);
    const assessments = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .select(['a.id', 'a.village_code', 'a.total', 'v.name', 'v.poverty_village', 'v.planned_exit_year', 'v.exit_year', 'v.population'])
      .where('a.campaign_id', '=', campaignId)
      .orderBy('a.village_code')
      .execute();
    const rows = [];
    for (const a of assessments) {
      const findings = await this.activeFindings(this.db, a.id);
      let total: number | null = null;
      let error: string | undefined;
      try {
        total = score(newScheme, unitOfVillage({ ...a, village_name: a.name }), findings).total;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      rows.push({ village: a.village_code, name: a.name, oldTotal: a.total, newTotal: total, error });
    }
    const rankOf = (values: Array<number | null>) => values.map((v) => (v === null ? null : 1 + values.filter((o) => o !== null && o > v).length));
    const oldRanks = rankOf(rows.map((r) => r.oldTotal));
    const newRanks = rankOf(rows.map((r) => r.newTotal));
    return {
      from: `${oldScheme.id} v${oldScheme.version}`,
      to: `${newScheme.id} v${newScheme.version}`,
      rows: rows.map((r, i) => ({ ...r, oldRank: oldRanks[i]!, newRank: newRanks[i] ?? null })),
      errors: rows.filter((r) => r.error).length,
    };
  }

  /** Applies a scheme version to the campaign after its preview; refused if any village's findings do not fit it. */
  async rescoreApply(actor: Actor, campaignId: number, schemeVersionId: number): Promise<{ changed: number }> {
    const preview = await this.rescorePreview(actor, campaignId, schemeVersionId);
    if (preview.errors) throw new KaoheError('validation', `${preview.errors} villages' findings do not fit ${preview.to}: ${preview.rows.filter((r) => r.error).map((r) => `${r.village}: ${r.error}`).slice(0, 5).join('; ')}`);
    return this.db.transaction().execute(async (trx) => {
      const campaign = await this.campaignRow(trx, campaignId);
      await trx.updateTable('campaigns').set({ scheme_version_id: schemeVersionId }).where('id', '=', campaignId).execute();
      // Every assessment row before the audit head (see bump).
      await trx.updateTable('assessments').set((eb) => ({ version: eb('version', '+', 1), updated_at: this.now() })).where('campaign_id', '=', campaignId).execute();
      const ids = await trx.selectFrom('assessments').select('id').where('campaign_id', '=', campaignId).orderBy('id').execute();
      for (const { id } of ids) await this.rescore(trx, actor, id, schemeVersionId);
      const changed = preview.rows.filter((r) => r.newTotal !== r.oldTotal).length;
      await this.audit(trx, actor, {
        action: 'campaign.rescore',
        entity: 'campaign',
        entityId: campaignId,
        before: { schemeVersionId: campaign.scheme_version_id, scheme: preview.from },
        after: { schemeVersionId, scheme: preview.to, changed, totals: preview.rows.filter((r) => r.newTotal !== r.oldTotal).map((r) => ({ village: r.village, from: fromCents(r.oldTotal), to: fromCents(r.newTotal!) })) },
      });
      await this.snapshot(trx, actor, campaignId, `rescore with ${preview.to}`);
      return { changed };
    });
  }

  // ------------------------------------------------------------------------------------------
  // Read-only views (for the API), each cut to what its reader may see

  /** Refuses an unknown campaign (not-found). */
  async requireCampaign(campaignId: number): Promise<void> {
    await this.campaignRow(this.db, campaignId);
  }

  /** The campaign's inspection teams with their members. */
  async teamsOf(campaignId: number): Promise<Array<{ id: number; name: string; members: string[] }>> {
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

  /** Every assessment of a campaign as a list row (village, township, team, status, totals), with the team's members for the policy. */
  private async campaignRows(campaignId: number, teams: Array<{ id: number; name: string; members: string[] }>) {
    const rows = await this.db
      .selectFrom('assessments as a')
      .innerJoin('areas as v', 'v.code', 'a.village_code')
      .leftJoin('areas as t', 't.code', 'v.parent_code')
      .select(['a.id', 'a.village_code', 'a.status', 'a.version', 'a.base', 'a.bonus', 'a.total', 'a.team_id', 'a.updated_at', 'a.published_at', 'v.name as village_name', 'v.parent_code', 't.name as township_name'])
      .where('a.campaign_id', '=', campaignId)
      .orderBy('a.village_code')
      .execute();
    const byId = new Map(teams.map((t) => [t.id, t]));
    return rows.map((r) => {
      const team = r.team_id === null ? undefined : byId.get(r.team_id);
      return {
        row: {
          id: r.id,
          village: r.village_code,
          villageName: r.village_name,
          township: r.parent_code,
          townshipName: r.township_name,
          status: r.status,
          version: r.version,
          base: fromCents(r.base),
          bonus: fromCents(r.bonus),
          total: fromCents(r.total),
          team: team?.name ?? null,
          teamId: r.team_id,
          updatedAt: r.updated_at,
          publishedAt: r.published_at,
        },
        policy: { status: r.status, townshipCode: r.parent_code, inspectors: team?.members ?? [] },
      };
    });
  }

  /** Every campaign, with the progress (assessments by status) over the villages the actor may list. */
  async listCampaignsFor(actor: Actor) {
    const campaigns = await this.listCampaigns();
    const out = [];
    for (const c of campaigns) {
      let progress: Progress;
      if (actor.role === 'admin') {
        progress = emptyProgress();
        for (const [status, n] of Object.entries(c.byStatus)) progress[status as AssessmentStatus] = n;
        progress.total = c.villages;
      } else {
        const teams = await this.teamsOf(c.id);
        progress = progressOf((await this.campaignRows(c.id, teams)).filter((r) => listsRow(actor, r.policy)).map((r) => r.row));
      }
      out.push({ id: c.id, name: c.name, year: c.year, scheme: c.scheme, villages: c.villages, progress });
    }
    return out;
  }

  /** A campaign: period, scheme, teams (members for office roles) with their villages, and a progress row per village the actor may list. */
  async campaignDetail(actor: Actor, campaignId: number) {
    const c = await this.campaignRow(this.db, campaignId);
    const sv = await this.db.selectFrom('scheme_versions').select(['id', 'scheme_id', 'version', 'title']).where('id', '=', c.scheme_version_id).executeTakeFirstOrThrow();
    const teams = await this.teamsOf(campaignId);
    const all = await this.campaignRows(campaignId, teams);
    const rows = all.filter((r) => listsRow(actor, r.policy)).map((r) => r.row);
    const seesMembers = actor.role === 'admin' || actor.role === 'reviewer' || actor.role === 'inspector';
    const shownTeams = actor.role === 'admin' ? teams : teams.filter((t) => rows.some((r) => r.teamId === t.id));
    return {
      id: c.id,
      name: c.name,
      year: c.year,
      period: { from: c.period_from, to: c.period_to },
      appealDays: c.appeal_days,
      createdAt: c.created_at,
      createdBy: c.created_by,
      scheme: { versionId: sv.id, id: sv.scheme_id, version: sv.version, title: sv.title },
      scope: { villages: all.length },
      progress: progressOf(rows),
      teams: shownTeams.map((t) => ({ id: t.id, name: t.name, ...(seesMembers ? { members: t.members } : {}), villages: rows.filter((r) => r.teamId === t.id).map((r) => r.village) })),
      ...(actor.role === 'admin' ? { unassigned: rows.filter((r) => r.teamId === null).map((r) => r.village) } : {}),
      villages: rows,
    };
  }

  /** The assessments of a campaign the actor may list, optionally of one township or status. */
  async listAssessments(actor: Actor, campaignId: number, filter: { township?: string; status?: AssessmentStatus } = {}) {
    await this.campaignRow(this.db, campaignId);
    const teams = await this.teamsOf(campaignId);
    return (await this.campaignRows(campaignId, teams))
      .filter((r) => listsRow(actor, r.policy))
      .map((r) => r.row)
      .filter((r) => (!filter.township || r.township === filter.township) && (!filter.status || r.status === filter.status));
  }

  /**
   * The ranking as the actor may see it: the office every result (or published ones only),
   * a reviewer published results and their township's, everyone else published results.
   * Ranks are over the results shown; a township filter keeps county ranks.
   */
  async rankingFor(actor: Actor, campaignId: number, options: { township?: string; publishedOnly?: boolean } = {}) {
    const office = actor.role === 'admin' || actor.role === 'reviewer';
    const publishedOnly = office ? (options.publishedOnly ?? false) : true;
    // Every change to any assessment moves its version, so the count and the sum of versions
    // say whether a ranking computed before is still the ranking (one cheap query instead of all).
    const stamp = await this.db
      .selectFrom('assessments')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('version').as('v')])
      .executeTakeFirstOrThrow();
    const key = `${campaignId}|${publishedOnly}|${actor.user}|${actor.role}|${actor.township ?? ''}|${actor.village ?? ''}|${stamp.n}|${stamp.v}`;
    const cacheKey = `${key}|${options.township ?? ''}`;
    const hit = this.rankings.get(cacheKey);
    if (hit) return hit as RankingView;
    const r = await this.computeRanking(this.db, campaignId, publishedOnly, undefined, (row) => seesResult(actor, row));
    const basis = publishedOnly ? 'published' : actor.role === 'admin' ? 'all' : 'published-and-own-township';
    const view = !options.township
      ? { ...r, basis }
      : { ...r, basis, county: r.county.filter((v) => v.township === options.township), townships: r.townships.filter((t) => t.township === options.township) };
    if (this.rankings.size >= 200) this.rankings.clear();
    // The same object is returned while nothing changed, so presenters may memoise on it.
    this.rankings.set(cacheKey, view);
    return view;
  }

  /** The overview page's figures: progress, score distribution (bins of 10 points), section averages by township, top and bottom 5. */
  async overview(actor: Actor, campaignId: number) {
    const c = await this.campaignRow(this.db, campaignId);
    const { scheme } = await this.schemeOf(c.scheme_version_id);
    const teams = await this.teamsOf(campaignId);
    const progress = progressOf((await this.campaignRows(campaignId, teams)).filter((r) => listsRow(actor, r.policy)).map((r) => r.row));
    const ranking = await this.rankingFor(actor, campaignId);
    const highest = ranking.county.reduce((m, v) => Math.max(m, v.total), 0);
    // Bins from 0 up to the most a village can score (base and bonus), or the highest total.
    const most = score(scheme, { name: '' }, []);
    const top = Math.max(10, Math.ceil(fromCents(most.max + most.bonusMax) / 10) * 10, Math.ceil(fromCents(highest) / 10) * 10);
    const bins = Array.from({ length: top / 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
    for (const v of ranking.county) bins[Math.min(Math.floor(fromCents(v.total) / 10), bins.length - 1)]!.count++;
    const points = (cents: Record<string, number>) => Object.fromEntries(Object.entries(cents).map(([k, v]) => [k, fromCents(v)]));
    const place = (v: (typeof ranking.county)[number]) => ({ village: v.village, name: v.name, township: v.township, townshipName: v.townshipName, total: fromCents(v.total), countyRank: v.countyRank, grade: v.grade ?? null });
    return {
      campaign: { id: c.id, name: c.name, year: c.year },
      basis: ranking.basis,
      progress,
      distribution: bins,
      sections: scheme.sections.map((s) => ({ code: s.code, title: s.title, max: s.points === null ? null : fromCents(s.points), bonus: s.bonus })),
      county: { count: ranking.countySummary.count, averageTotal: fromCents(ranking.countySummary.averageTotal), averages: points(ranking.countySummary.averages), gradeCounts: ranking.countySummary.gradeCounts ?? null },
      townships: ranking.townships.map((t) => ({ township: t.township, name: t.townshipName, count: t.count, averageTotal: fromCents(t.averageTotal), averages: points(t.averages) })),
      top: ranking.county.slice(0, 5).map(place),
      bottom: ranking.county.slice(-5).reverse().map(place),
    };
  }

  /** An assessment's status, version and totals (after a change, for the client's next edit). */
  async assessmentState(actor: Actor, assessmentId: number) {
    const { a, ctx } = await this.context(this.db, assessmentId);
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    const t = await this.db.selectFrom('assessments').select(['base', 'bonus', 'total']).where('id', '=', assessmentId).executeTakeFirstOrThrow();
    return { id: a.id, status: a.status, version: a.version, base: fromCents(t.base), bonus: fromCents(t.bonus), total: fromCents(t.total) };
  }

  /** An appeal, for a reader of its assessment. */
  async appealInfo(actor: Actor, appealId: number) {
    const ap = await this.db.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirst();
    if (!ap) throw notFound(`appeal ${appealId}`);
    const { ctx } = await this.context(this.db, ap.assessment_id);
    assertRead(actor, ctx, () => notFound(`appeal ${appealId}`));
    return ap;
  }

  /** The evidence rows of a finding or an appeal, for a reader of its assessment. */
  async evidenceOf(actor: Actor, target: { findingId: number } | { appealId: number }) {
    const owner =
      'findingId' in target
        ? await this.db.selectFrom('findings').select('assessment_id').where('id', '=', target.findingId).executeTakeFirst()
        : await this.db.selectFrom('appeals').select('assessment_id').where('id', '=', target.appealId).executeTakeFirst();
    if (!owner) throw notFound('findingId' in target ? `finding ${target.findingId}` : `appeal ${target.appealId}`);
    const { ctx } = await this.context(this.db, owner.assessment_id);
    assertRead(actor, ctx, () => notFound('findingId' in target ? `finding ${target.findingId}` : `appeal ${target.appealId}`));
    let q = this.db.selectFrom('evidence').selectAll().orderBy('id');
    q = 'findingId' in target ? q.where('finding_id', '=', target.findingId) : q.where('appeal_id', '=', target.appealId);
    return q.execute();
  }

  /** One evidence file's row, for a user who may read its assessment; not-found for anyone else (its existence is not told). */
  async evidenceFile(actor: Actor, evidenceId: number) {
    const e = await this.db
      .selectFrom('evidence as e')
      .leftJoin('findings as f', 'f.id', 'e.finding_id')
      .leftJoin('appeals as ap', 'ap.id', 'e.appeal_id')
      .select(['e.id', 'e.sha256', 'e.filename', 'e.mime', 'e.size', 'e.status', 'f.assessment_id as finding_assessment', 'ap.assessment_id as appeal_assessment'])
      .where('e.id', '=', evidenceId)
      .executeTakeFirst();
    const assessmentId = e?.finding_assessment ?? e?.appeal_assessment;
    if (!e || assessmentId === null || assessmentId === undefined) throw notFound(`evidence ${evidenceId}`);
    const { ctx } = await this.context(this.db, assessmentId);
    if (!canRead(actor, ctx)) throw notFound(`evidence ${evidenceId}`);
    return { id: e.id, sha256: e.sha256, filename: e.filename, mime: e.mime, size: e.size, status: e.status, assessmentId };
  }

  /**
   * The printable score sheet: header (county, township, campaign, village, team, date), every
   * node with its maximum, deduction and score, every deduction with its reason and evidence,
   * totals, grade and rank (among the results the reader may see).
   */
  async scoreSheet(actor: Actor, assessmentId: number, lang: Lang = 'zh'): Promise<ScoreSheet> {
    const { a, ctx } = await this.context(this.db, assessmentId);
    assertRead(actor, ctx, hiddenAssessment(assessmentId));
    const { scheme } = await this.schemeOf(a.scheme_version_id);
    const findings = await this.activeFindings(this.db, assessmentId);
    const township = a.township_code ? await this.db.selectFrom('areas').select(['code', 'name', 'parent_code']).where('code', '=', a.township_code).executeTakeFirst() : undefined;
    const county = township?.parent_code ? await this.db.selectFrom('areas').select(['code', 'name']).where('code', '=', township.parent_code).executeTakeFirst() : undefined;
    const team = a.team_id === null ? undefined : await this.db.selectFrom('inspection_teams').select('name').where('id', '=', a.team_id).executeTakeFirst();
    const ids = findings.map((f) => Number(f.id));
    const evidence = ids.length
      ? await this.db.selectFrom('evidence').select(['id', 'finding_id', 'filename', 'mime', 'taken_at']).where('finding_id', 'in', ids).where('status', '=', 'active').orderBy('id').execute()
      : [];
    const ranking = await this.rankingFor(actor, a.campaign_id);
    const placed = ranking.county.find((v) => v.village === a.village_code);
    const inTownship = ranking.townships.find((t) => t.township === a.township_code);
    return buildScoreSheet({
      scheme,
      unit: unitOfVillage(a),
      findings,
      evidence,
      lang,
      header: {
        county: county ? { code: county.code, name: county.name } : null,
        township: township ? { code: township.code, name: township.name } : null,
        campaign: { id: a.campaign_id, name: a.campaign_name, year: a.year, period: { from: a.period_from, to: a.period_to } },
        village: { code: a.village_code, name: a.village_name },
        team: team?.name ?? null,
        scheme: { id: scheme.id, version: scheme.version, title: textOf(scheme.title, lang) },
        status: a.status,
        publishedAt: a.published_at,
        date: this.now().slice(0, 10),
        auditAnchor: await this.auditAnchor().then((head) => (head ? formatAnchor(head) : null)),
      },
      rank: placed
        ? { basis: ranking.basis, county: placed.countyRank, countyOf: ranking.county.length, township: placed.townshipRank, townshipOf: inTownship?.count ?? null }
        : null,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Audit

  /** Verifies the audit chain, its head and every anchor: the ranking snapshots' and those given (printed on reports). */
  async verifyAudit(anchors: AuditAnchor[] = []): Promise<AuditVerification> {
    return verifyAudit(this.db, this.store.auditKey, anchors);
  }

  /** The audit log's head now, to print on a report as an anchor (`N:first 16 hex digits`). */
  async auditAnchor(): Promise<{ entries: number; hash: string } | null> {
    return auditHead(this.db);
  }

  async auditLog(actor: Actor, options: { entity?: string; entityId?: string; limit?: number } = {}) {
    requireRole(actor, 'admin');
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit ?? 200);
    if (options.entity) q = q.where('entity', '=', options.entity);
    if (options.entityId) q = q.where('entity_id', '=', options.entityId);
    return q.execute();
  }
}

type Progress = Record<AssessmentStatus, number> & { total: number };

function emptyProgress(): Progress {
  return { total: 0, draft: 0, submitted: 0, reviewed: 0, published: 0 };
}

function progressOf(rows: ReadonlyArray<{ status: AssessmentStatus }>): Progress {
  const p = emptyProgress();
  for (const r of rows) {
    p[r.status]++;
    p.total++;
  }
  return p;
}

/**
 * The rows of a campaign's lists (progress, assessments) an actor sees: the office every one,
 * a reviewer their township's, an inspector their team's villages, village users and viewers
 * published results.
 */
export function listsRow(actor: Actor, row: { status: AssessmentStatus; townshipCode: string | null; inspectors: readonly string[] }): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'reviewer':
      return actor.township !== undefined && actor.township === row.townshipCode;
    case 'inspector':
      return row.inspectors.includes(actor.user);
    case 'village':
    case 'viewer':
      return row.status === 'published';
  }
}

/** The results counted in the rankings an actor sees: the office all, a reviewer published ones and their township's, everyone else published ones. */
export function seesResult(actor: Actor, row: { status: AssessmentStatus; township: string | null }): boolean {
  if (actor.role === 'admin' || row.status === 'published') return true;
  return actor.role === 'reviewer' && actor.township !== undefined && actor.township === row.township;
}
