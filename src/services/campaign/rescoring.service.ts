/** Rescoring a campaign with a corrected version of its scheme: a preview first, then the change. */
import { KaoheError } from '../../core/errors.ts';
import { fromCents } from '../../core/numbers.ts';
import { score } from '../../core/scoring/score.ts';
import type { StoredScore } from '../../store/assessment.repository.ts';
import type { AuditInput } from '../../store/audit.repository.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertRescore, type Actor } from '../policies.ts';
import { unitOfVillage } from '../score-sheet.ts';
import type { RankingService } from './rankings.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { activeFindingsOf, assertOwnsCampaign, audit, notFound, scoreChange, storedScore, type Clock } from './shared.ts';

/** Competition ranks of totals (1 + how many are higher; null stays null), by one sort, not a count a value. */
function rankOf(values: ReadonlyArray<number | null>): Array<number | null> {
  const first = new Map<number, number>();
  values
    .filter((v): v is number => v !== null)
    .sort((a, b) => b - a)
    .forEach((v, i) => {
      if (!first.has(v)) first.set(v, i + 1);
    });
  return values.map((v) => (v === null ? null : first.get(v)!));
}

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'findings' | 'snapshots' | 'schemeVersions' | 'audit' | 'areas'>;

export class RescoringService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions; rankings: RankingService }) {}

  /** For every village: the old and new score and rank under another scheme version (nothing is changed). */
  async rescorePreview(actor: Actor, campaignId: number, schemeVersionId: number) {
    assertRescore(actor);
    const read = this.deps.uow.read;
    const campaign = await read.campaigns.byId(campaignId);
    if (!campaign) throw notFound(`campaign ${campaignId}`);
    await assertOwnsCampaign(read, actor, campaignId);
    const { scheme: oldScheme } = await this.deps.schemes.schemeOf(campaign.schemeVersionId);
    const { scheme: newScheme } = await this.deps.schemes.schemeOf(schemeVersionId);
    if (newScheme.id !== oldScheme.id) throw new KaoheError('validation', `scheme version ${schemeVersionId} is ${newScheme.id}, not a version of ${oldScheme.id}`);
    const rows = [];
    // The campaign's findings read 500 villages a statement, not one village at a time (a province's 50,000).
    const assessments = await read.assessments.withVillages(campaignId);
    const findings = await activeFindingsOf(
      read,
      assessments.map((a) => a.id),
    );
    for (const a of assessments) {
      let total: number | null = null;
      let error: string | undefined;
      try {
        total = score(newScheme, unitOfVillage(a), findings.get(a.id) ?? []).total;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      rows.push({ village: a.villageCode, name: a.villageName, oldTotal: a.total, newTotal: total, error });
    }
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
    if (preview.errors)
      throw new KaoheError(
        'validation',
        `${preview.errors} villages' findings do not fit ${preview.to}: ${preview.rows
          .filter((r) => r.error)
          .map((r) => `${r.village}: ${r.error}`)
          .slice(0, 5)
          .join('; ')}`,
      );
    const { uow, clock, schemes, rankings } = this.deps;
    return uow.transaction(async (tx) => {
      const campaign = await tx.campaigns.byId(campaignId);
      if (!campaign) throw notFound(`campaign ${campaignId}`);
      await tx.campaigns.setSchemeVersion(campaignId, schemeVersionId);
      // Every assessment row before the audit head (see takeEditToken).
      await tx.assessments.touchCampaign(campaignId, clock().toISOString());
      // Every village scored by the new version from its findings (read 500 villages a statement);
      // each score that moved audited, the entries written together (appendMany).
      const { scheme } = await schemes.schemeOf(schemeVersionId, tx);
      const assessments = await tx.assessments.withVillages(campaignId);
      const findings = await activeFindingsOf(
        tx,
        assessments.map((a) => a.id),
      );
      const at = clock().toISOString();
      const moved: AuditInput[] = [];
      const scores: Array<StoredScore & { id: number }> = [];
      for (const a of assessments) {
        const result = score(scheme, unitOfVillage(a), findings.get(a.id) ?? []);
        scores.push({ id: a.id, ...storedScore(result, scheme, schemeVersionId) });
        const change = scoreChange(a.id, a, result, scheme);
        if (change) moved.push({ at, actor: actor.user, ...change });
        // Written 500 at a time: a province's 50,000 results (some 5 KB each) are not held at once.
        if (scores.length === 500) await tx.assessments.saveScores(scores.splice(0));
      }
      await tx.assessments.saveScores(scores);
      await tx.audit.appendMany(moved);
      const changed = preview.rows.filter((r) => r.newTotal !== r.oldTotal).length;
      await audit(tx, clock, actor, {
        action: 'campaign.rescore',
        entity: 'campaign',
        entityId: campaignId,
        before: { schemeVersionId: campaign.schemeVersionId, scheme: preview.from },
        after: {
          schemeVersionId,
          scheme: preview.to,
          changed,
          totals: preview.rows.filter((r) => r.newTotal !== r.oldTotal).map((r) => ({ village: r.village, from: fromCents(r.oldTotal), to: fromCents(r.newTotal!) })),
        },
      });
      await rankings.snapshot(tx, actor, campaignId, `rescore with ${preview.to}`);
      return { changed };
    });
  }
}
