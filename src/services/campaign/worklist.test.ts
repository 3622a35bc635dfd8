/**
 * The inspector's day on every database (test/stores.ts): items marked "checked, no deduction"
 * (only on a draft, only by the village's team or the office, the version moved, audited), the
 * progress 已查 n/N in the assessment view, the submit's audit entry recording what was left, and
 * the list of one's villages (我的考核村): only one's teams' villages, ordered by what to do
 * next, with its counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, buildRegistry, harness, setUpCampaign, V1, V2, V3, V4, versionOf, type Harness } from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import type { CampaignServices } from './index.ts';
import { byWhatToDoNext } from './worklist.service.ts';
import { refused } from '../../../test/refused.ts';

const { admin, zhang, wang, li, reviewerT1, villageV1, viewer } = ACTORS;
const HOOK = 60_000;

for (const target of storeTargets()) {
  describe(`the inspector's day on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    let campaignId: number;
    const a: Record<string, number> = {};

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
      const c = await setUpCampaign(service);
      campaignId = c.campaignId;
      Object.assign(a, c.assessments);
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    const version = (id: number) => versionOf(store, id);
    const auditOf = (action: string) => store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

    it('counts the items that apply to the village: V1 (a poverty village) has 2.6.1, V2 not', async () => {
      const v1 = await service.assessments.getAssessment(zhang, a[V1]!);
      const v2 = await service.assessments.getAssessment(zhang, a[V2]!);
      expect(v1.progress).toMatchObject({ done: 0, openSuggestions: 0 });
      expect(v1.progress!.left).toContain('2.6.1');
      expect(v2.progress!.left).not.toContain('2.6.1');
      expect(v2.progress!.total).toBe(v1.progress!.total - 1);
      // Bonus items (section 4) are in N.
      expect(v1.progress!.left).toEqual(expect.arrayContaining(['4.1', '4.2', '4.3']));
      expect(v1.checks).toEqual([]);
      // Marks and progress are working material: a village's reader gets none.
      await service.workflow.transition(admin, a[V4]!, await version(a[V4]!), 'submit');
      await service.workflow.transition(admin, a[V4]!, await version(a[V4]!), 'review');
      await service.workflow.transition(admin, a[V4]!, await version(a[V4]!), 'publish');
      const published = await service.assessments.getAssessment(viewer, a[V4]!);
      expect(published.progress).toBeNull();
      expect(published.checks).toEqual([]);
    });

    it("marks an item checked: the team's inspector, the version moves, audited, shown in the view", async () => {
      const id = a[V1]!;
      const before = await version(id);
      expect(await service.checks.setChecked(zhang, id, before, '1.1', true)).toEqual({ changed: true });
      expect(await version(id)).toBe(before + 1);
      const [entry] = await auditOf('item.check');
      expect(entry).toMatchObject({ actor: 'zhang', entity: 'assessment', entity_id: String(id) });
      expect(JSON.parse(entry!.after!)).toEqual({ item: '1.1', checked: true });
      const view = await service.assessments.getAssessment(zhang, id);
      expect(view.checks).toEqual([{ assessmentId: id, item: '1.1', checkedBy: 'zhang', checkedAt: h.clock.now().toISOString() }]);
      expect(view.progress!.done).toBe(1);
      expect(view.progress!.left).not.toContain('1.1');
      // The office may mark too; a bonus item counts once marked.
      await service.checks.setChecked(admin, id, await version(id), '4.1', true);
      expect((await service.assessments.getAssessment(zhang, id)).progress!.done).toBe(2);
    });

    it('marking what is marked already changes nothing; a stale version is refused', async () => {
      const id = a[V1]!;
      const now = await version(id);
      const entries = (await auditOf('item.check')).length;
      expect(await service.checks.setChecked(zhang, id, now, '1.1', true)).toEqual({ changed: false });
      expect(await version(id)).toBe(now);
      expect(await auditOf('item.check')).toHaveLength(entries);
      await refused(service.checks.setChecked(zhang, id, now - 1, '1.2', true), 'conflict');
      await refused(service.checks.setChecked(zhang, id, now - 1, '1.1', true), 'conflict');
    });

    it('refuses an item that is not one the village is assessed on, naming the field', async () => {
      const id = a[V2]!;
      await refused(service.checks.setChecked(zhang, id, await version(id), '9.9', true), 'validation', /^item: 9\.9/);
      // A section is not an item; 2.6.1 does not apply to V2 (not a poverty village).
      await refused(service.checks.setChecked(zhang, id, await version(id), '1', true), 'validation', /^item: 1 /);
      await refused(service.checks.setChecked(zhang, id, await version(id), '2.6.1', true), 'validation', /^item: 2\.6\.1 .*青龙村/);
      await refused(service.checks.setChecked(zhang, id, await version(id), '  ', true), 'validation', /^item:/);
    });

    it("only the village's team or the office marks: another team and no team are told it is not there, a reviewer is refused", async () => {
      const id = a[V1]!;
      const v = await version(id);
      await refused(service.checks.setChecked(wang, id, v, '1.2', true), 'not-found');
      await refused(service.checks.setChecked(li, id, v, '1.2', true), 'not-found');
      await refused(service.checks.setChecked(reviewerT1, id, v, '1.2', true), 'forbidden');
      await refused(service.checks.setChecked(villageV1, id, v, '1.2', true), 'not-found');
      expect(await version(id)).toBe(v);
    });

    it('takes a mark back (audited, the version moves)', async () => {
      const id = a[V1]!;
      const v = await version(id);
      await service.checks.setChecked(zhang, id, v, '4.1', false);
      expect(await version(id)).toBe(v + 1);
      const [entry] = await auditOf('item.uncheck');
      expect(JSON.parse(entry!.after!)).toEqual({ item: '4.1', checked: false });
      expect((await service.assessments.getAssessment(zhang, id)).checks.map((c) => c.item)).toEqual(['1.1']);
    });

    it('counts decided suggestions as looked at and open ones as left; the submit records what was left', async () => {
      const id = a[V1]!;
      await service.suggestions.deriveSuggestions(zhang, id);
      let view = await service.assessments.getAssessment(zhang, id);
      const open = view.suggestions.filter((s) => s.status === 'open');
      expect(view.progress!.openSuggestions).toBe(open.length);
      const first = open.find((s) => s.count > 0)!;
      await service.suggestions.dismissSuggestion(zhang, id, await version(id), first.id, '已核实');
      view = await service.assessments.getAssessment(zhang, id);
      expect(view.progress!.openSuggestions).toBe(open.length - 1);
      expect(view.progress!.left).not.toContain(first.item);
      const { total, left, openSuggestions } = view.progress!;

      await service.workflow.transition(zhang, id, await version(id), 'submit');
      const submits = await auditOf('assessment.submit');
      const entry = submits.find((e) => e.entity_id === String(id))!;
      expect(JSON.parse(entry.after!)).toEqual({ status: 'submitted', items: total, unchecked: left.length, uncheckedItems: left, openSuggestions });
      // Marks change only on a draft.
      await refused(service.checks.setChecked(zhang, id, await version(id), '1.2', true), 'invalid-state');
      await refused(service.checks.setChecked(zhang, id, await version(id), '1.1', false), 'invalid-state');
    });

    it("lists an inspector's villages only, ordered by what to do next, with the figures over them", async () => {
      // V1 submitted (above), then sent back; V2 a draft; V3 submitted; V4 published.
      await service.workflow.transition(reviewerT1, a[V1]!, await version(a[V1]!), 'sendBack', '请补充2.5.4的入户记录');
      await service.workflow.transition(wang, a[V3]!, await version(a[V3]!), 'submit');

      const mine = await service.worklist.myVillages(zhang, campaignId);
      expect(mine.campaign).toEqual({ id: campaignId, name: '2020年度考核', year: 2020 });
      expect(mine.villages.map((v) => [v.village, v.status, v.sentBack])).toEqual([
        [V1, 'draft', true],
        [V2, 'draft', false],
      ]);
      const [v1, v2] = mine.villages;
      expect(v1!.comment).toBe('请补充2.5.4的入户记录');
      expect(v2!.comment).toBeNull();
      const view = await service.assessments.getAssessment(zhang, a[V1]!);
      expect(v1!.items).toEqual({ done: view.progress!.done, total: view.progress!.total, left: view.progress!.left });
      expect(v1!.openSuggestions).toBe(view.progress!.openSuggestions);
      expect(v2!.items.done).toBe(0);
      expect(mine.figures).toEqual({
        villages: 2,
        draft: 2,
        submitted: 0,
        reviewed: 0,
        published: 0,
        sentBack: 1,
        items: { done: v1!.items.done, total: v1!.items.total + v2!.items.total },
        openSuggestions: v1!.openSuggestions,
      });

      const theirs = await service.worklist.myVillages(wang, campaignId);
      expect(theirs.villages.map((v) => [v.village, v.status])).toEqual([
        [V3, 'submitted'],
        [V4, 'published'],
      ]);
      expect(theirs.figures).toMatchObject({ villages: 2, submitted: 1, published: 1, sentBack: 0 });
      // On no team: nothing. The office: every village, sent back first, published last.
      expect((await service.worklist.myVillages(li, campaignId)).villages).toEqual([]);
      const all = await service.worklist.myVillages(admin, campaignId);
      expect(all.villages.map((v) => v.village)).toEqual([V1, V2, V3, V4]);
    });

    it('orders drafts by what is left, most first', async () => {
      // V2: mark items until it has fewer left than V1 — the sent-back V1 stays first all the same.
      const id = a[V2]!;
      const before = await service.worklist.myVillages(zhang, campaignId);
      expect(before.villages[0]!.village).toBe(V1);
      for (const item of ['1.1', '1.2', '1.3']) await service.checks.setChecked(zhang, id, await version(id), item, true);
      const after = await service.worklist.myVillages(zhang, campaignId);
      expect(after.villages.find((v) => v.village === V2)!.items.done).toBe(3);
      expect(after.villages[0]!.village).toBe(V1);
      // The ordering itself, on rows made up: sent back, drafts by most left, submitted, reviewed, published.
      const row = (village: string, status: 'draft' | 'submitted' | 'reviewed' | 'published', left: number, sentBack = false) => ({
        id: 0,
        village,
        villageName: village,
        township: null,
        townshipName: null,
        team: null,
        status,
        sentBack,
        comment: null,
        version: 1,
        total: 0,
        items: { done: 0, total: left, left: Array.from({ length: left }, (_, i) => String(i)) },
        openSuggestions: 0,
        updatedAt: '',
        submittedAt: null,
      });
      const rows = [row('e', 'published', 0), row('d', 'reviewed', 0), row('c', 'submitted', 5), row('b', 'draft', 2), row('a', 'draft', 9), row('f', 'draft', 1, true)];
      expect(rows.sort(byWhatToDoNext).map((r) => r.village)).toEqual(['f', 'a', 'b', 'c', 'd', 'e']);
    });

    it('is for inspectors and the office only', async () => {
      for (const who of [reviewerT1, villageV1, viewer]) await refused(service.worklist.myVillages(who, campaignId), 'forbidden');
      await refused(service.worklist.myVillages(zhang, 999_999), 'not-found');
    });
  });
}
