/** Recording findings on a draft assessment, and withdrawing them (kept, with who, when and why). */
import { KaoheError } from '../../core/errors.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import type { Actor } from '../policies.ts';
import type { EvidenceFile, EvidenceService } from './evidence.service.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { audit, draftToRecord, insertReplacingValue, invalidState, notFound, rescore, takeEditToken, type Clock, type FindingInput } from './shared.ts';

type Repos = Pick<Repositories, 'assessments' | 'campaigns' | 'findings' | 'evidence' | 'suggestions' | 'schemeVersions' | 'audit'>;

export class FindingService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions; evidence: EvidenceService }) {}

  /**
   * Records a finding on a draft assessment. Evidence files given with it are checked (type,
   * size, content, the assessment's quota) before the finding is recorded: a bad file leaves no
   * finding behind.
   *
   * A measured item holds one value: a finding with a `value` on an item that has one already
   * replaces it, as an appeal's decision replaces findings: the earlier value finding is kept,
   * marked superseded, and the new one names it (`supersedesId`); the audit log has both. A new
   * value is measured again, not a second occurrence, so it is never refused for being the second.
   */
  async addFinding(actor: Actor, assessmentId: number, expectedVersion: number, input: FindingInput, files: EvidenceFile[] = []): Promise<number> {
    // A finding records at least one occurrence: an item looked at and found in order is marked
    // "checked" instead (item-checks). Only an appeal's decision sets a count of 0 (superseding).
    if (input.count !== undefined && !(Number.isInteger(input.count) && input.count >= 1)) {
      throw new KaoheError(
        'validation',
        `count: a finding counts at least 1 occurrence (a whole number), not ${String(input.count)}; an item found in order is marked checked instead`,
      );
    }
    const { uow, clock, schemes, evidence } = this.deps;
    return evidence.checkedFirst(
      files,
      () => evidence.evidenceRoom(actor, { assessmentId }),
      async (staged) => {
        const id = await uow.transaction(async (tx) => {
          const a = await draftToRecord(tx, actor, assessmentId);
          await takeEditToken(tx, clock, assessmentId, expectedVersion);
          const id = await insertReplacingValue(tx, schemes, clock, actor, a, input, 'inspector');
          await rescore(tx, schemes, clock, actor, assessmentId);
          return id;
        });
        if (staged.length > 0) await evidence.addEvidenceFiles(actor, { findingId: id }, staged);
        return id;
      },
    );
  }

  /** Withdraws a finding (it is kept, marked withdrawn, with who, when and why); its suggestion opens again. */
  async withdrawFinding(actor: Actor, assessmentId: number, expectedVersion: number, findingId: number, reason: string): Promise<void> {
    if (!reason.trim()) throw new KaoheError('validation', 'reason: say why the finding is withdrawn');
    const { uow, clock, schemes } = this.deps;
    await uow.transaction(async (tx) => {
      await draftToRecord(tx, actor, assessmentId);
      const f = await tx.findings.byId(assessmentId, findingId);
      if (!f) throw notFound(`finding ${findingId} of assessment ${assessmentId}`);
      if (f.status !== 'active') throw invalidState(`finding ${findingId} is ${f.status} already`);
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      await tx.findings.withdraw(findingId, clock().toISOString(), actor.user, reason);
      await tx.evidence.withdrawOfFinding(findingId);
      if (f.suggestionId !== null) await tx.suggestions.reopen(f.suggestionId);
      await audit(tx, clock, actor, {
        action: 'finding.withdraw',
        entity: 'finding',
        entityId: findingId,
        before: {
          status: 'active',
          item: f.item,
          count: f.count,
          ...(f.value ? { value: f.value } : {}),
          ...(f.amount !== null ? { amount: f.amount } : {}),
          ...(f.part ? { part: f.part } : {}),
        },
        after: { status: 'withdrawn', reason },
      });
      await rescore(tx, schemes, clock, actor, assessmentId);
    });
  }
}
