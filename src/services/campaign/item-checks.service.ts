/**
 * Marking an item of a draft "checked, no deduction" (已查，无扣分), and taking the mark back:
 * the inspector's record that an item was looked at and nothing was found. Like a finding, a
 * mark is made by the village's team (or the office) on a draft, carries the version it was
 * made on, moves it (so other open pages see the change) and is audited.
 */
import { KaoheError } from '../../core/errors.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import type { Actor } from '../policies.ts';
import { unitOfVillage } from '../score-sheet.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { audit, draftToRecord, itemsForUnit, takeEditToken, type Clock } from './shared.ts';

type Repos = Pick<Repositories, 'assessments' | 'campaigns' | 'checks' | 'schemeVersions' | 'audit'>;

export class ItemCheckService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; schemes: SchemeVersions }) {}

  /**
   * Marks an item checked (`checked` true) or takes the mark back (false). The item must be one
   * the village is assessed on (an item of the scheme that applies to it). Asking for the state
   * the item is in already changes nothing (no new version, no audit entry); a stale version is
   * still refused.
   */
  async setChecked(actor: Actor, assessmentId: number, expectedVersion: number, item: string, checked: boolean): Promise<{ changed: boolean }> {
    const code = item.trim();
    if (!code) throw new KaoheError('validation', 'item: the item of the scheme to mark (e.g. 3.2.1)');
    const { uow, clock, schemes } = this.deps;
    return uow.transaction(async (tx) => {
      const a = await draftToRecord(tx, actor, assessmentId);
      const { scheme } = await schemes.schemeOf(a.schemeVersionId, tx);
      if (!itemsForUnit(scheme, unitOfVillage(a)).includes(code)) {
        throw new KaoheError('validation', `item: ${code} is not an item of scheme ${scheme.id} v${scheme.version} that applies to ${a.villageName}`);
      }
      if ((await tx.checks.has(assessmentId, code)) === checked) {
        const current = await tx.assessments.version(assessmentId);
        if (current !== expectedVersion) await takeEditToken(tx, clock, assessmentId, expectedVersion);
        return { changed: false };
      }
      await takeEditToken(tx, clock, assessmentId, expectedVersion);
      const now = clock().toISOString();
      if (checked) await tx.checks.add({ assessmentId, item: code, checkedBy: actor.user, checkedAt: now });
      else await tx.checks.remove(assessmentId, code);
      await audit(tx, clock, actor, {
        action: checked ? 'item.check' : 'item.uncheck',
        entity: 'assessment',
        entityId: assessmentId,
        before: { item: code, checked: !checked },
        after: { item: code, checked },
      });
      return { changed: true };
    });
  }
}
