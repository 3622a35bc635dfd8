/**
 * The inspector's controls on every database (test/stores.ts): suggestions accepted or dismissed
 * in bulk (all or none, one version step, each audited as one alone), a finding's count of 0
 * refused, and reviewers' comments on one finding (who may write them, who reads them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, harness, setUpCampaign, V1, V2, V3, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import type { CampaignServices } from './index.ts';
import { refused } from '../../../test/refused.ts';

const { admin, zhang, wang, reviewerT1, reviewerT2, villageV1, viewer } = ACTORS;
const HOOK = 60_000;

for (const target of storeTargets()) {
  describe(`the inspector's controls on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    const a: Record<string, number> = {};

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
      Object.assign(a, (await setUpCampaign(service)).assessments);
      await service.suggestions.deriveSuggestions(zhang, a[V1]!);
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    const version = (id: number) => versionOf(store, id);
    const auditCount = async () =>
      Number(
        (
          await store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditOf = (action: string) => store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const suggestions = async () => (await service.assessments.getAssessment(zhang, a[V1]!)).suggestions;
    const open = async () => (await suggestions()).filter((s) => s.status === 'open');

    it('refuses a finding with a count of 0 (or not whole), naming the field; nothing is recorded', async () => {
      const id = a[V2]!;
      const before = await version(id);
      await refused(service.findings.addFinding(zhang, id, before, { item: '1.1', count: 0 }), 'validation', /^count: a finding counts at least 1/);
      await refused(service.findings.addFinding(zhang, id, before, { item: '1.1', count: 1.5 }), 'validation', /^count:/);
      expect(await version(id)).toBe(before);
      expect((await service.assessments.getAssessment(zhang, id)).findings).toEqual([]);
      // A count of 1 (or none given) is a finding.
      await service.findings.addFinding(zhang, id, before, { item: '1.1' });
      expect(await version(id)).toBe(before + 1);
    });

    it('refuses the whole bulk acceptance when a note is among the chosen, naming it; nothing changes', async () => {
      const list = await open();
      const note = list.find((s) => s.count === 0)!;
      const real = list.filter((s) => s.count > 0);
      expect(note).toBeDefined();
      expect(real.length).toBeGreaterThanOrEqual(3);
      const before = await version(a[V1]!);
      const entries = await auditCount();
      await refused(
        service.suggestions.decideSuggestions(zhang, a[V1]!, before, { action: 'accept', ids: [real[0]!.id, note.id] }),
        'invalid-state',
        new RegExp(`^ids\\.1: suggestion ${note.id} is a note with no deduction`),
      );
      expect(await version(a[V1]!)).toBe(before);
      expect(await auditCount()).toBe(entries);
      expect((await open()).length).toBe(list.length);
    });

    it('refuses the whole request when one is not open, missing, listed twice, or the version is stale', async () => {
      const [first, second] = (await open()).filter((s) => s.count > 0);
      const v = await version(a[V1]!);
      await service.suggestions.dismissSuggestion(zhang, a[V1]!, v, second!.id, '已核实');
      const now = await version(a[V1]!);
      await refused(
        service.suggestions.decideSuggestions(zhang, a[V1]!, now, { action: 'accept', ids: [first!.id, second!.id] }),
        'invalid-state',
        new RegExp(`^ids\\.1: suggestion ${second!.id} is dismissed already`),
      );
      await refused(service.suggestions.decideSuggestions(zhang, a[V1]!, now, { action: 'accept', ids: [first!.id, 999_999] }), 'not-found', /^ids\.1: suggestion 999999/);
      await refused(service.suggestions.decideSuggestions(zhang, a[V1]!, now, { action: 'accept', ids: [first!.id, first!.id] }), 'validation', /^ids\.1: .* listed twice/);
      await refused(service.suggestions.decideSuggestions(zhang, a[V1]!, now, { action: 'accept', ids: [] }), 'validation', /^ids:/);
      await refused(service.suggestions.decideSuggestions(zhang, a[V1]!, now, { action: 'dismiss', ids: [first!.id] }), 'validation', /^reason:/);
      await refused(service.suggestions.decideSuggestions(zhang, a[V1]!, now - 1, { action: 'accept', ids: [first!.id] }), 'conflict');
      expect(await version(a[V1]!)).toBe(now);
      expect((await suggestions()).find((s) => s.id === first!.id)!.status).toBe('open');
    });

    it('accepts several at once: one version step, a finding and an audit entry for each, scored once', async () => {
      const chosen = (await open()).filter((s) => s.count > 0).slice(0, 2);
      expect(chosen).toHaveLength(2);
      const before = await version(a[V1]!);
      const accepts = (await auditOf('suggestion.accept')).length;
      const scores = (await auditOf('assessment.score')).length;
      const findingIds = await service.suggestions.decideSuggestions(zhang, a[V1]!, before, { action: 'accept', ids: chosen.map((s) => s.id) });
      expect(findingIds).toHaveLength(2);
      expect(await version(a[V1]!)).toBe(before + 1);
      const view = await service.assessments.getAssessment(zhang, a[V1]!);
      for (const [i, s] of chosen.entries()) {
        expect(view.suggestions.find((x) => x.id === s.id)).toMatchObject({ status: 'accepted', findingId: findingIds[i] });
        expect(view.findings.find((f) => f.id === findingIds[i])).toMatchObject({ item: s.item, count: s.count, source: 'suggestion', suggestionId: s.id });
      }
      const entries = (await auditOf('suggestion.accept')).slice(accepts);
      expect(entries.map((e) => Number(e.entity_id))).toEqual(chosen.map((s) => s.id));
      expect((await auditOf('assessment.score')).length).toBe(scores + 1);
    });

    it('dismisses several at once with one reason (notes too), one version step, each audited', async () => {
      const chosen = await open();
      expect(chosen.length).toBeGreaterThanOrEqual(2);
      const before = await version(a[V1]!);
      const dismissals = (await auditOf('suggestion.dismiss')).length;
      expect(await service.suggestions.decideSuggestions(zhang, a[V1]!, before, { action: 'dismiss', ids: chosen.map((s) => s.id), reason: '  已现场核实  ' })).toEqual([]);
      expect(await version(a[V1]!)).toBe(before + 1);
      expect(await open()).toEqual([]);
      const entries = (await auditOf('suggestion.dismiss')).slice(dismissals);
      expect(entries).toHaveLength(chosen.length);
      expect(JSON.parse(entries[0]!.after!)).toEqual({ status: 'dismissed', reason: '已现场核实' });
    });

    it('lets only the village team or the office decide in bulk', async () => {
      const v = await version(a[V1]!);
      await refused(service.suggestions.decideSuggestions(wang, a[V1]!, v, { action: 'dismiss', ids: [1], reason: 'x' }), 'not-found');
      await refused(service.suggestions.decideSuggestions(reviewerT1, a[V1]!, v, { action: 'dismiss', ids: [1], reason: 'x' }), 'forbidden');
    });

    it("comments on one finding: the township's reviewer and the office; audited; the version does not move", async () => {
      const id = a[V1]!;
      const f = (await service.assessments.getAssessment(zhang, id)).findings[0]!;
      const before = await version(id);
      const c = await service.comments.addComment(reviewerT1, f.id, '  照片看不清，请补拍  ');
      expect(c).toMatchObject({ findingId: f.id, author: reviewerT1.user, text: '照片看不清，请补拍' });
      await service.comments.addComment(admin, f.id, '同意审核意见');
      expect(await version(id)).toBe(before);
      // The view read before the comments is not the one kept: the comments' stamp moved with them.
      expect((await service.assessments.getAssessment(zhang, id)).comments.map((x) => x.text)).toEqual(['照片看不清，请补拍', '同意审核意见']);
      const [entry] = (await auditOf('finding.comment')).slice(0, 1);
      expect(entry).toMatchObject({ actor: reviewerT1.user, entity: 'finding', entity_id: String(f.id) });
      expect(JSON.parse(entry!.after!)).toMatchObject({ assessmentId: id, item: f.item, commentId: c.id, text: '照片看不清，请补拍' });
      await refused(service.comments.addComment(reviewerT1, f.id, '   '), 'validation', /^text:/);
    });

    it('refuses comments from inspectors, villages, viewers and other townships (hidden where the assessment is)', async () => {
      const f = (await service.assessments.getAssessment(zhang, a[V1]!)).findings[0]!;
      const missing = await refused(service.comments.addComment(reviewerT1, 999_999, 'x'), 'not-found');
      await refused(service.comments.addComment(zhang, f.id, 'x'), 'forbidden');
      const other = await refused(service.comments.addComment(reviewerT2, f.id, 'x'), 'not-found');
      expect(other.message).toBe(`finding ${f.id} not found`);
      expect(missing.message).toBe('finding 999999 not found');
      await refused(service.comments.addComment(wang, f.id, 'x'), 'not-found');
      await refused(service.comments.addComment(villageV1, f.id, 'x'), 'not-found');
      await refused(service.comments.addComment(viewer, f.id, 'x'), 'not-found');
    });

    it("shows the comments to the office, the reviewer and the village's inspectors, not to villages or viewers", async () => {
      const id = a[V1]!;
      for (const who of [zhang, reviewerT1, admin]) {
        const view = await service.assessments.getAssessment(who, id);
        expect(view.comments.map((c) => c.text)).toEqual(['照片看不清，请补拍', '同意审核意见']);
        expect(view.comments[0]!.findingId).toBe(view.findings[0]!.id);
      }
      // A kept view sees a new comment (comments take no edit token).
      const f = (await service.assessments.getAssessment(zhang, id)).findings[0]!;
      await service.comments.addComment(reviewerT1, f.id, '第三条');
      expect((await service.assessments.getAssessment(zhang, id)).comments).toHaveLength(3);
      // Published: the village and viewers read the result, without the comments.
      for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(admin, id, await version(id), step);
      expect((await service.assessments.getAssessment(villageV1, id)).comments).toEqual([]);
      expect((await service.assessments.getAssessment(viewer, id)).comments).toEqual([]);
      expect((await service.assessments.getAssessment(zhang, id)).comments).toHaveLength(3);
      // Other villages' inspectors do not read the assessment at all.
      await refused(
        service.assessments.getAssessment(wang, a[V3]!).then(() => service.assessments.getAssessment(wang, id)),
        'not-found',
      );
    });
  });
}
