/**
 * CampaignServices on every database (test/stores.ts): the whole workflow on a small
 * hand-made registry (test/campaign-fixtures.ts) with a fixed clock, edit conflicts (also
 * concurrent ones on PostgreSQL), and who may do what.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTORS,
  buildRegistry,
  countRows,
  DERIVE_TEXT,
  H1,
  harness,
  SEED_TEXT,
  seedV2Text,
  setUpCampaign,
  T1,
  T2,
  tinyPng,
  totalOf,
  V1,
  V1_SUGGESTIONS_2020,
  V2,
  V3,
  V4,
  versionOf,
  type Harness,
} from '../../../test/campaign-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { KaoheError } from '../../core/errors.ts';
import type { Store } from '../../store/db.ts';
import type { CampaignServices } from './index.ts';
import { refused } from '../../../test/refused.ts';

const { admin, zhang, wang, li, reviewerT1, reviewerT2, villageV1, villageV2, viewer } = ACTORS;
const HOOK = 60_000;

/** Points → cents. */
const pts = (p: number) => Math.round(p * 100);

for (const target of storeTargets()) {
  describe(`campaign workflow on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    let v1Id: number; // scheme version 1
    let c2019: number;
    let c2020: number;
    const a: Record<string, number> = {}; // 2020 assessments by village
    const s: Record<string, number> = {}; // V1's suggestions by key
    let photoFinding: number;
    let withdrawnFinding: number;
    let householdExitFinding: number;
    let publishedAt: string;
    const appeals: Record<string, number> = {};

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    const version = (id: number) => versionOf(store, id);
    const total = (id: number) => totalOf(store, id);
    const findingsOf = (assessmentId: number) => store.db.selectFrom('findings').selectAll().where('assessment_id', '=', assessmentId).orderBy('id').execute();

    it('stores the seed scheme as a version with its derivation rules, once', async () => {
      const first = await service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml');
      expect(first).toMatchObject({ schemeId: 'seed-2020', version: 1, created: true });
      v1Id = first.id;
      const again = await service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml');
      expect(again).toEqual({ ...first, created: false });
      const row = await store.db.selectFrom('scheme_versions').selectAll().where('id', '=', v1Id).executeTakeFirstOrThrow();
      expect(row.source_text).toBe(SEED_TEXT);
      expect(row.derive_text).toBe(DERIVE_TEXT);
      // Only the office stores schemes; rules that do not fit the scheme are refused.
      await refused(service.schemes.storeSchemeVersion(reviewerT1, SEED_TEXT, DERIVE_TEXT), 'forbidden');
      await refused(service.schemes.storeSchemeVersion(admin, seedV2Text(), DERIVE_TEXT.replace('item: "3.2.1"', 'item: "9.9"')), 'invalid-derive-config');
      expect(await service.schemes.listSchemeVersions()).toHaveLength(1);
    });

    it('runs and publishes a 2019 campaign first (the previous results)', async () => {
      const prev = await setUpCampaign(service, { year: 2019, schemeVersionId: v1Id });
      c2019 = prev.campaignId;
      const add = async (village: string, item: string, count: number) =>
        service.findings.addFinding(admin, prev.assessments[village]!, await version(prev.assessments[village]!), { item, count });
      await add(V1, '1.1', 1); // −2 → 198
      await add(V3, '3.4.1', 1); // −5 → 195
      await add(V4, '3.2.1', 1); // −1 → 199
      for (const v of [V1, V2, V3, V4]) {
        const id = prev.assessments[v]!;
        await service.workflow.transition(admin, id, await version(id), 'submit');
        await service.workflow.transition(admin, id, await version(id), 'review');
      }
      h.clock.set('2020-01-20T02:00:00.000Z');
      const r = await service.workflow.publishCampaign(admin, c2019);
      expect(r.published).toBe(4);
      const ranking = await service.rankings.ranking(admin, c2019);
      expect(ranking.county.map((x) => [x.village, x.total, x.countyRank])).toEqual([
        [V2, pts(200), 1],
        [V4, pts(199), 2],
        [V1, pts(198), 3],
        [V3, pts(195), 4],
      ]);
    });

    it('creates the 2020 campaign: every village a draft at full marks, teams assigned', async () => {
      h.clock.set('2020-12-01T08:00:00.000Z');
      await refused(service.setup.createCampaign(admin, { name: '2019年度考核', year: 2020, schemeVersionId: v1Id }), 'validation', /exists already/);
      await refused(service.setup.createCampaign(admin, { name: 'x', year: 2020, schemeVersionId: v1Id, villages: [V1, '522425999999'] }), 'validation', /522425999999/);
      await refused(service.setup.createCampaign(zhang, { name: 'x', year: 2020, schemeVersionId: v1Id }), 'forbidden');
      await refused(service.setup.createCampaign(admin, { name: 'x', year: 2020, schemeVersionId: v1Id, appealDays: -1 }), 'validation');
      await refused(service.setup.createCampaign(admin, { name: 'x', year: 2020, schemeVersionId: v1Id, from: '2020-12-31', to: '2020-01-01' }), 'validation');
      const campaigns = await countRows(store, 'campaigns');
      const setup = await setUpCampaign(service, { year: 2020, schemeVersionId: v1Id, appealDays: 10 });
      expect(await countRows(store, 'campaigns')).toBe(campaigns + 1);
      c2020 = setup.campaignId;
      Object.assign(a, setup.assessments);
      const rows = await store.db.selectFrom('assessments').selectAll().where('campaign_id', '=', c2020).orderBy('village_code').execute();
      expect(rows.map((r) => [r.village_code, r.status, r.total])).toEqual([V1, V2, V3, V4].map((v) => [v, 'draft', pts(200)]));
      const teams = await store.db.selectFrom('inspection_teams').select(['id', 'name']).where('campaign_id', '=', c2020).execute();
      const teamOf = new Map(teams.map((t) => [t.id, t.name]));
      expect(rows.map((r) => teamOf.get(r.team_id!))).toEqual(['A', 'A', 'B', 'B']);
      await refused(service.setup.assignVillages(admin, c2020, 'A', ['522425999999']), 'validation', /not in the campaign's scope/);
      await refused(service.setup.assignVillages(admin, c2020, 'Z', [V1]), 'not-found');
    });

    it('assigns whole townships or every village, and refuses a township without villages of the campaign, changing nothing', async () => {
      const teams = async () => {
        const rows = await store.db
          .selectFrom('assessments as a')
          .innerJoin('inspection_teams as t', 't.id', 'a.team_id')
          .select(['a.village_code', 't.name'])
          .where('a.campaign_id', '=', c2020)
          .orderBy('a.village_code')
          .execute();
        return rows.map((r) => r.name);
      };
      const entries = await countRows(store, 'audit_log');
      await refused(service.setup.assignVillages(admin, c2020, 'A', { townships: [T2, '522425199000'] }), 'validation', /townships: no village of the campaign in: 522425199000$/);
      await refused(service.setup.assignVillages(admin, c2020, 'A', {}), 'validation', /name the villages or townships/);
      await refused(service.setup.assignVillages(zhang, c2020, 'A', { all: true }), 'forbidden');
      expect(await teams()).toEqual(['A', 'A', 'B', 'B']);
      expect(await countRows(store, 'audit_log')).toBe(entries);
      expect(await service.setup.assignVillages(admin, c2020, 'A', { townships: [T2] })).toBe(2);
      expect(await teams()).toEqual(['A', 'A', 'A', 'A']);
      expect(await service.setup.assignVillages(admin, c2020, 'B', { all: true })).toBe(4);
      expect(await teams()).toEqual(['B', 'B', 'B', 'B']);
      // A village named and in a township named counts once.
      expect(await service.setup.assignVillages(admin, c2020, 'A', { villages: [V1], townships: [T1] })).toBe(2);
      expect(await teams()).toEqual(['A', 'A', 'B', 'B']);
      const last = await store.db.selectFrom('audit_log').select(['action', 'after']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(last.action).toBe('campaign.assign');
      expect(JSON.parse(last.after!)).toEqual({ campaignId: c2020, villages: [V1], townships: [T1], count: 2 });
      const detail = await service.setup.campaignDetail(admin, c2020, { villages: false });
      expect(detail.teams.map((t) => [t.name, t.villageCount, t.townships.map((x) => [x.code, x.villages])])).toEqual([
        ['A', 2, [[T1, 2]]],
        ['B', 2, [[T2, 2]]],
      ]);
      expect(detail.unassignedCount).toBe(0);
    });

    it("derives V1's suggestions from the registry, once", async () => {
      const r = await service.suggestions.deriveSuggestions(zhang, a[V1]!);
      expect(r).toEqual({ added: V1_SUGGESTIONS_2020.length, total: V1_SUGGESTIONS_2020.length });
      const rows = await store.db.selectFrom('suggestions').selectAll().where('assessment_id', '=', a[V1]!).orderBy('id').execute();
      expect(rows.map((x) => x.key)).toEqual([...V1_SUGGESTIONS_2020]);
      for (const x of rows) s[x.key] = x.id;
      const byKey = new Map(rows.map((x) => [x.key, x]));
      expect(byKey.get('1.3:monthly-meeting:2020-03')).toMatchObject({ item: '1.3', count: 1, element: 'monthly-meeting', status: 'open' });
      expect(byKey.get('1.3:monthly-meeting:2020-03')!.summary_zh).toContain('2020年3月');
      expect(byKey.get(V1_SUGGESTIONS_2020[1])).toMatchObject({ item: '2.3.1', household_no: H1 });
      expect(byKey.get('2.6.1:village-exit')).toMatchObject({ item: '2.6.1', count: 1 });
      expect(byKey.get(`2.6.2:household-exit:${H1}`)).toMatchObject({ item: '2.6.2', household_no: H1 });
      const late = byKey.get('3.2.1:report:2020-06-30:扶贫月报（6月）')!;
      expect(late.summary_zh).toContain('延报');
      expect(JSON.parse(late.records)).toEqual([expect.objectContaining({ table: 'reports', label: expect.stringContaining('2020-07-03') })]);
      // Deriving again adds nothing.
      expect(await service.suggestions.deriveSuggestions(zhang, a[V1]!)).toEqual({ added: 0, total: V1_SUGGESTIONS_2020.length });
      expect(await countRows(store, 'suggestions')).toBe(V1_SUGGESTIONS_2020.length);
      // V2's registry holds no meeting and no visit at all: records never entered are no evidence
      // that the work was not done, so each rule gives one note (no deduction) telling the
      // inspector to read the paper records, not 12 + 12 monthly deductions.
      const v2 = await service.suggestions.deriveSuggestions(zhang, a[V2]!);
      const v2Rows = await store.db.selectFrom('suggestions').select(['key', 'count']).where('assessment_id', '=', a[V2]!).orderBy('key').execute();
      expect(v2).toEqual({ added: 3, total: 3 });
      expect(v2Rows).toEqual([
        { key: '1.3:leader-meetings:no-records', count: 0 },
        { key: '1.3:topic-meetings:no-records', count: 0 },
        { key: '2.5.4:home-visits:no-records', count: 0 },
      ]);
    });

    it('accepts a suggestion: a finding with source "suggestion", the score drops by its amount', async () => {
      const before = await total(a[V1]!);
      expect(before).toBe(pts(200));
      householdExitFinding = await service.suggestions.acceptSuggestion(zhang, a[V1]!, await version(a[V1]!), s[`2.6.2:household-exit:${H1}`]!);
      const f = (await findingsOf(a[V1]!)).find((x) => x.id === householdExitFinding)!;
      expect(f).toMatchObject({
        item: '2.6.2',
        count: 1,
        source: 'suggestion',
        suggestion_id: s[`2.6.2:household-exit:${H1}`],
        household_no: H1,
        status: 'active',
        created_by: 'zhang',
      });
      const sug = await store.db.selectFrom('suggestions').selectAll().where('id', '=', s[`2.6.2:household-exit:${H1}`]!).executeTakeFirstOrThrow();
      expect(sug).toMatchObject({ status: 'accepted', finding_id: householdExitFinding, decided_by: 'zhang' });
      expect(await total(a[V1]!)).toBe(before - pts(10)); // 2.6.2: −10 per household
      // Accepted already.
      await refused(service.suggestions.acceptSuggestion(zhang, a[V1]!, await version(a[V1]!), s[`2.6.2:household-exit:${H1}`]!), 'invalid-state');
      await service.suggestions.acceptSuggestion(zhang, a[V1]!, await version(a[V1]!), s['1.3:monthly-meeting:2020-03']!);
      expect(await total(a[V1]!)).toBe(pts(188)); // 1.3: −2
      const view = await service.assessments.getAssessment(zhang, a[V1]!);
      expect((view.score as { total: number }).total).toBe(188);
      expect(view.explanation.length).toBeGreaterThan(0);
    });

    it('dismisses a suggestion only with a reason; the score does not move', async () => {
      const key = V1_SUGGESTIONS_2020[1];
      await refused(service.suggestions.dismissSuggestion(zhang, a[V1]!, await version(a[V1]!), s[key]!, '  '), 'validation', /reason/);
      const v = await version(a[V1]!);
      await service.suggestions.dismissSuggestion(zhang, a[V1]!, v, s[key]!, '已核实：该户已知晓');
      expect(await version(a[V1]!)).toBe(v + 1);
      const sug = await store.db.selectFrom('suggestions').selectAll().where('id', '=', s[key]!).executeTakeFirstOrThrow();
      expect(sug).toMatchObject({ status: 'dismissed', reason: '已核实：该户已知晓', decided_by: 'zhang', finding_id: null });
      expect(await total(a[V1]!)).toBe(pts(188));
      // Deriving again keeps it dismissed.
      await service.suggestions.deriveSuggestions(zhang, a[V1]!);
      expect((await store.db.selectFrom('suggestions').select('status').where('id', '=', s[key]!).executeTakeFirstOrThrow()).status).toBe('dismissed');
    });

    it('adds a finding with a photo: an evidence row with its sha256, the file stored', async () => {
      photoFinding = await service.findings.addFinding(zhang, a[V1]!, await version(a[V1]!), { item: '3.1.2', element: 'diary', count: 3, note: '缺5月至7月民情日记' });
      expect(await total(a[V1]!)).toBe(pts(182)); // 3 × −2
      const png = tinyPng();
      const evidenceId = await service.evidence.addEvidence(zhang, { findingId: photoFinding }, { filename: 'C:\\photos\\diary.png', bytes: png });
      const row = await store.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).executeTakeFirstOrThrow();
      const sha = createHash('sha256').update(png).digest('hex');
      expect(row).toMatchObject({
        finding_id: photoFinding,
        appeal_id: null,
        sha256: sha,
        filename: 'diary.png',
        mime: 'image/png',
        size: png.length,
        status: 'active',
        uploaded_by: 'zhang',
      });
      expect(existsSync(h.evidence.pathOf(sha))).toBe(true);
      expect(readFileSync(h.evidence.pathOf(sha)).equals(png)).toBe(true);
      expect(await h.evidence.verify(sha)).toBe(true);
      // Not on the team: no evidence (the finding is not there for li); not an image: refused, nothing written.
      await refused(
        service.evidence.addEvidence(li, { findingId: photoFinding }, { filename: 'x.png', bytes: png }),
        'not-found',
        new RegExp(`^finding ${photoFinding} not found$`),
      );
      await refused(service.evidence.addEvidence(zhang, { findingId: photoFinding }, { filename: 'notes.png', bytes: Buffer.from('just some text') }), 'evidence-type');
      expect(await countRows(store, 'evidence')).toBe(1);
      // A finding the scheme does not know, or on an element the item lacks, is refused.
      const n = await countRows(store, 'findings');
      const v = await version(a[V1]!);
      await refused(service.findings.addFinding(zhang, a[V1]!, v, { item: '9.9' }), 'validation', /9\.9/);
      expect(await version(a[V1]!)).toBe(v); // a refused edit takes no version
      await refused(service.findings.addFinding(zhang, a[V1]!, await version(a[V1]!), { item: '3.1.2', element: 'nonsense' }), 'validation', /element/);
      // 2.6.1 applies to poverty villages only.
      await refused(service.findings.addFinding(zhang, a[V2]!, await version(a[V2]!), { item: '2.6.1' }), 'validation', /does not apply/);
      expect(await countRows(store, 'findings')).toBe(n);
    });

    it('withdraws a finding: kept and marked, its evidence marked, the score restored', async () => {
      withdrawnFinding = await service.findings.addFinding(zhang, a[V1]!, await version(a[V1]!), { item: '3.4.1', note: '缺席县扶贫会' });
      const ev = await service.evidence.addEvidence(zhang, { findingId: withdrawnFinding }, { filename: 'sign-in.png', bytes: tinyPng([0, 0, 255]) });
      expect(await total(a[V1]!)).toBe(pts(177));
      await refused(service.findings.withdrawFinding(zhang, a[V1]!, await version(a[V1]!), withdrawnFinding, ''), 'validation');
      h.clock.set('2020-12-02T09:30:00.000Z');
      await service.findings.withdrawFinding(zhang, a[V1]!, await version(a[V1]!), withdrawnFinding, '已请假，有假条');
      const f = await store.db.selectFrom('findings').selectAll().where('id', '=', withdrawnFinding).executeTakeFirstOrThrow();
      expect(f).toMatchObject({ status: 'withdrawn', withdrawn_by: 'zhang', withdrawn_at: '2020-12-02T09:30:00.000Z', withdraw_reason: '已请假，有假条' });
      const e = await store.db.selectFrom('evidence').selectAll().where('id', '=', ev).executeTakeFirstOrThrow();
      expect(e.status).toBe('withdrawn');
      expect(await h.evidence.has(e.sha256)).toBe(true); // the file stays
      expect(await total(a[V1]!)).toBe(pts(182));
      await refused(service.findings.withdrawFinding(zhang, a[V1]!, await version(a[V1]!), withdrawnFinding, 'again'), 'invalid-state');
    });

    it('re-opens a suggestion whose finding is withdrawn, so it can be decided again', async () => {
      const key = '3.2.1:report:2020-06-30:扶贫月报（6月）';
      const f = await service.suggestions.acceptSuggestion(zhang, a[V1]!, await version(a[V1]!), s[key]!);
      expect(await total(a[V1]!)).toBe(pts(181));
      await service.findings.withdrawFinding(zhang, a[V1]!, await version(a[V1]!), f, '报表已按时通过系统报送');
      expect(await total(a[V1]!)).toBe(pts(182));
      expect(await store.db.selectFrom('suggestions').select(['status', 'finding_id', 'decided_by']).where('id', '=', s[key]!).executeTakeFirstOrThrow()).toEqual({
        status: 'open',
        finding_id: null,
        decided_by: null,
      });
    });

    it('records the other villages (team B) and moves everything through the workflow', async () => {
      await service.findings.addFinding(wang, a[V3]!, await version(a[V3]!), { item: '3.2.1', count: 18 }); // 182
      await service.findings.addFinding(wang, a[V4]!, await version(a[V4]!), { item: '3.2.1', count: 20 }); // 180

      // V1: submit; a submitted assessment takes no findings.
      await service.workflow.transition(zhang, a[V1]!, await version(a[V1]!), 'submit');
      await refused(service.findings.addFinding(zhang, a[V1]!, await version(a[V1]!), { item: '1.1' }), 'invalid-state');
      await refused(service.workflow.transition(zhang, a[V1]!, await version(a[V1]!), 'submit'), 'invalid-state');
      // Sent back with a comment (required), then resubmitted, reviewed.
      await refused(service.workflow.transition(reviewerT1, a[V1]!, await version(a[V1]!), 'sendBack'), 'validation', /comment/);
      await service.workflow.transition(reviewerT1, a[V1]!, await version(a[V1]!), 'sendBack', '请补充民情日记照片');
      let row = await store.db.selectFrom('assessments').selectAll().where('id', '=', a[V1]!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'draft', comment: '请补充民情日记照片' });
      await service.workflow.transition(zhang, a[V1]!, await version(a[V1]!), 'submit');
      await refused(service.workflow.transition(reviewerT1, a[V1]!, await version(a[V1]!), 'publish'), 'forbidden');
      await service.workflow.transition(reviewerT1, a[V1]!, await version(a[V1]!), 'review');
      row = await store.db.selectFrom('assessments').selectAll().where('id', '=', a[V1]!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'reviewed', submitted_by: 'zhang', reviewed_by: 'rev-longchang' });

      await service.workflow.transition(zhang, a[V2]!, await version(a[V2]!), 'submit');
      await service.workflow.transition(reviewerT1, a[V2]!, await version(a[V2]!), 'review');
      for (const v of [V3, V4]) {
        await service.workflow.transition(wang, a[v]!, await version(a[v]!), 'submit');
        await service.workflow.transition(reviewerT2, a[v]!, await version(a[v]!), 'review');
      }
    });

    it('publishes: read-only afterwards, ranked with ties and the change since 2019, snapshotted', async () => {
      h.clock.set('2021-01-15T02:00:00.000Z');
      publishedAt = '2021-01-15T02:00:00.000Z';
      const snapshots = await countRows(store, 'ranking_snapshots');
      await refused(service.workflow.publishCampaign(reviewerT1, c2020), 'forbidden');
      const r = await service.workflow.publishCampaign(admin, c2020);
      expect(r.published).toBe(4);
      expect(await countRows(store, 'ranking_snapshots')).toBe(snapshots + 1);
      const row = await store.db.selectFrom('assessments').selectAll().where('id', '=', a[V1]!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'published', published_at: publishedAt, published_by: 'office' });

      // Published is read-only.
      await refused(service.findings.addFinding(admin, a[V1]!, await version(a[V1]!), { item: '1.1' }), 'invalid-state');
      await refused(service.findings.withdrawFinding(admin, a[V1]!, await version(a[V1]!), photoFinding, 'x'), 'invalid-state');
      await refused(service.suggestions.acceptSuggestion(admin, a[V1]!, await version(a[V1]!), s['2.6.1:village-exit']!), 'invalid-state');
      await refused(service.suggestions.deriveSuggestions(admin, a[V1]!), 'invalid-state');
      await refused(service.evidence.addEvidence(admin, { findingId: photoFinding }, { filename: 'late.png', bytes: tinyPng([1, 2, 3]) }), 'invalid-state');
      await refused(service.workflow.transition(admin, a[V1]!, await version(a[V1]!), 'sendBack', 'x'), 'invalid-state');

      const ranking = await service.rankings.ranking(admin, c2020);
      // Totals: V2 200, V1 182, V3 182 (a tie: one rank, ordered by code), V4 180 (rank 4, not 3).
      expect(ranking.county.map((x) => [x.village, x.total, x.countyRank, x.townshipRank])).toEqual([
        [V2, pts(200), 1, 1],
        [V1, pts(182), 2, 2],
        [V3, pts(182), 2, 1],
        [V4, pts(180), 4, 2],
      ]);
      // Against 2019 (V2 200 #1, V4 199 #2, V1 198 #3, V3 195 #4).
      expect(Object.fromEntries(ranking.county.map((x) => [x.village, x.change]))).toEqual({
        [V2]: { totalDelta: 0, rankDelta: 0 },
        [V1]: { totalDelta: pts(-16), rankDelta: 1 },
        [V3]: { totalDelta: pts(-13), rankDelta: 2 },
        [V4]: { totalDelta: pts(-19), rankDelta: -2 },
      });
      expect(ranking.townships.map((t) => [t.township, t.townshipName, t.rows.map((x) => x.village)])).toEqual([
        [T1, '龙场镇', [V2, V1]],
        [T2, '白岩镇', [V3, V4]],
      ]);
      expect(ranking.countySummary.averageTotal).toBe(pts(186));
      const snap = (await service.rankings.snapshots(c2020)).at(-1)!;
      expect(snap).toMatchObject({ reason: 'publish', createdBy: 'office', createdAt: publishedAt });
      expect((snap.data as typeof ranking).county).toEqual(ranking.county);
    });

    it('lets the village appeal within the window only, and only for itself', async () => {
      h.clock.set('2021-01-18T10:00:00.000Z'); // 3 days after publication
      // Another village's result is not there for V2; a viewer reads it but may not appeal.
      await refused(service.appeals.appeal(villageV2, a[V1]!, { item: '2.6.2', reason: 'x' }), 'not-found');
      await refused(service.appeals.appeal(viewer, a[V1]!, { item: '2.6.2', reason: 'x' }), 'forbidden');
      await refused(service.appeals.appeal(zhang, a[V1]!, { item: '2.6.2', reason: 'x' }), 'forbidden');
      await refused(service.appeals.appeal(villageV1, a[V1]!, { item: '2.6.2', reason: ' ' }), 'validation');
      await refused(service.appeals.appeal(villageV1, a[V1]!, { item: '9.9', reason: 'x' }), 'validation', /9\.9/);
      appeals['2.6.2'] = await service.appeals.appeal(villageV1, a[V1]!, { item: '2.6.2', reason: '该户已于12月脱贫，系统未及时更新' });
      await refused(service.appeals.appeal(villageV1, a[V1]!, { item: '2.6.2', reason: 'again' }), 'invalid-state', /open appeal/);
      appeals['3.1.2'] = await service.appeals.appeal(villageV1, a[V1]!, { item: '3.1.2', reason: '只缺5月日记' });
      appeals['1.3'] = await service.appeals.appeal(villageV1, a[V1]!, { item: '1.3', reason: '3月因疫情改为线上会议' });
      // Evidence for an appeal, from the village.
      const ev = await service.evidence.addEvidence(villageV1, { appealId: appeals['2.6.2']! }, { filename: 'exit-certificate.png', bytes: tinyPng([0, 128, 0]) });
      expect(await store.db.selectFrom('evidence').select(['appeal_id', 'finding_id']).where('id', '=', ev).executeTakeFirstOrThrow()).toEqual({
        appeal_id: appeals['2.6.2'],
        finding_id: null,
      });
      const row = await store.db.selectFrom('appeals').selectAll().where('id', '=', appeals['2.6.2']!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ assessment_id: a[V1], item: '2.6.2', status: 'open', created_by: 'shiqiao', created_at: '2021-01-18T10:00:00.000Z' });

      // The village reads its own published result, never another village's, with the day its appeal window closes.
      const own = await service.assessments.getAssessment(villageV1, a[V1]!);
      expect(own.status).toBe('published');
      expect(own.appealsUntil).toBe('2021-01-25T02:00:00.000Z');
      await refused(service.assessments.getAssessment(villageV1, a[V2]!), 'not-found');

      // Exactly at the end of the window still counts; a second later it is closed.
      h.clock.set('2021-01-25T02:00:00.000Z');
      const n = await countRows(store, 'appeals');
      h.clock.set('2021-01-25T02:00:01.000Z');
      await refused(service.appeals.appeal(villageV1, a[V1]!, { item: '3.2.1', reason: 'late' }), 'invalid-state', /window closed on 2021-01-25/);
      expect(await countRows(store, 'appeals')).toBe(n);
    });

    it('decides an appeal as upheld: the finding superseded by a count of 0, the total rises, a snapshot', async () => {
      await refused(service.appeals.decideAppeal(reviewerT1, appeals['2.6.2']!, { outcome: 'upheld', reason: 'x' }), 'forbidden');
      await refused(service.appeals.decideAppeal(villageV1, appeals['2.6.2']!, { outcome: 'upheld', reason: 'x' }), 'forbidden');
      await refused(service.appeals.decideAppeal(admin, appeals['2.6.2']!, { outcome: 'upheld', reason: '' }), 'validation');
      h.clock.set('2021-01-27T03:00:00.000Z');
      const snapshots = await countRows(store, 'ranking_snapshots');
      expect(await total(a[V1]!)).toBe(pts(182));
      await service.appeals.decideAppeal(admin, appeals['2.6.2']!, { outcome: 'upheld', reason: '经核实该户已脱贫' });
      const old = await store.db.selectFrom('findings').selectAll().where('id', '=', householdExitFinding).executeTakeFirstOrThrow();
      expect(old.status).toBe('superseded');
      const replacement = (await findingsOf(a[V1]!)).filter((f) => f.supersedes_id === householdExitFinding);
      expect(replacement).toHaveLength(1);
      expect(replacement[0]).toMatchObject({ item: '2.6.2', count: 0, source: 'appeal', appeal_id: appeals['2.6.2'], household_no: H1, status: 'active', created_by: 'office' });
      expect(await total(a[V1]!)).toBe(pts(192));
      expect(await store.db.selectFrom('appeals').selectAll().where('id', '=', appeals['2.6.2']!).executeTakeFirstOrThrow()).toMatchObject({
        status: 'upheld',
        decision_reason: '经核实该户已脱贫',
        decided_by: 'office',
        decided_at: '2021-01-27T03:00:00.000Z',
      });
      expect(await countRows(store, 'ranking_snapshots')).toBe(snapshots + 1);
      const snap = (await service.rankings.snapshots(c2020)).at(-1)!;
      expect(snap.reason).toBe(`appeal ${appeals['2.6.2']}`);
      const county = (snap.data as { county: Array<{ village: string; total: number; countyRank: number }> }).county;
      expect(county.find((x) => x.village === V1)).toMatchObject({ total: pts(192), countyRank: 2 });
      expect(county.find((x) => x.village === V3)).toMatchObject({ countyRank: 3 });
      // Decided already.
      await refused(service.appeals.decideAppeal(admin, appeals['2.6.2']!, { outcome: 'rejected', reason: 'x' }), 'invalid-state');
    });

    it('decides an appeal as adjusted (a new count) and one as rejected (nothing changes)', async () => {
      await refused(service.appeals.decideAppeal(admin, appeals['3.1.2']!, { outcome: 'adjusted', reason: '部分成立' }), 'validation', /count/);
      await service.appeals.decideAppeal(admin, appeals['3.1.2']!, { outcome: 'adjusted', reason: '只缺5月', count: 1 });
      expect((await store.db.selectFrom('findings').select('status').where('id', '=', photoFinding).executeTakeFirstOrThrow()).status).toBe('superseded');
      const adjusted = (await findingsOf(a[V1]!)).find((f) => f.supersedes_id === photoFinding)!;
      expect(adjusted).toMatchObject({ item: '3.1.2', count: 1, element: 'diary', source: 'appeal', appeal_id: appeals['3.1.2'], status: 'active' });
      expect(await total(a[V1]!)).toBe(pts(196));
      expect(await store.db.selectFrom('appeals').select(['status', 'adjusted_count']).where('id', '=', appeals['3.1.2']!).executeTakeFirstOrThrow()).toEqual({
        status: 'adjusted',
        adjusted_count: 1,
      });

      const findings = await findingsOf(a[V1]!);
      const snapshots = await countRows(store, 'ranking_snapshots');
      await service.appeals.decideAppeal(admin, appeals['1.3']!, { outcome: 'rejected', reason: '线上会议无记录' });
      expect(await findingsOf(a[V1]!)).toEqual(findings);
      expect(await total(a[V1]!)).toBe(pts(196));
      expect(await countRows(store, 'ranking_snapshots')).toBe(snapshots);
      expect((await store.db.selectFrom('appeals').select('status').where('id', '=', appeals['1.3']!).executeTakeFirstOrThrow()).status).toBe('rejected');

      const ranking = await service.rankings.ranking(viewer, c2020);
      expect(ranking.county.map((x) => [x.village, x.total, x.countyRank])).toEqual([
        [V2, pts(200), 1],
        [V1, pts(196), 2],
        [V3, pts(182), 3],
        [V4, pts(180), 4],
      ]);
    });

    it('rescores with scheme version 2: the preview changes nothing, applying does (audited), a changed v2 is refused', async () => {
      const v2 = await service.schemes.storeSchemeVersion(admin, seedV2Text(), DERIVE_TEXT, 'seed-2020-v2.yaml');
      expect(v2).toMatchObject({ version: 2, created: true });
      // Same id and version, other content: refused.
      await refused(service.schemes.storeSchemeVersion(admin, seedV2Text('# 另一处修改\n'), DERIVE_TEXT), 'scheme-version-exists', /raise its version/);
      await refused(service.schemes.storeSchemeVersion(admin, seedV2Text(), null), 'scheme-version-exists');

      const totalsBefore = await store.db.selectFrom('assessments').select(['id', 'total', 'version']).orderBy('id').execute();
      const audit = await countRows(store, 'audit_log');
      await refused(service.rescoring.rescorePreview(reviewerT1, c2020, v2.id), 'forbidden');
      const preview = await service.rescoring.rescorePreview(admin, c2020, v2.id);
      expect(preview).toMatchObject({ from: 'seed-2020 v1', to: 'seed-2020 v2', errors: 0 });
      // 3.2.1 now costs 2 a report: V3's 18 and V4's 20 both reach the item's 25 points.
      expect(preview.rows.map((r) => [r.village, r.oldTotal, r.newTotal, r.oldRank, r.newRank])).toEqual([
        [V1, pts(196), pts(196), 2, 2],
        [V2, pts(200), pts(200), 1, 1],
        [V3, pts(182), pts(175), 3, 3],
        [V4, pts(180), pts(175), 4, 3],
      ]);
      expect(await store.db.selectFrom('assessments').select(['id', 'total', 'version']).orderBy('id').execute()).toEqual(totalsBefore);
      expect(await countRows(store, 'audit_log')).toBe(audit);
      expect((await store.db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', c2020).executeTakeFirstOrThrow()).scheme_version_id).toBe(v1Id);

      await refused(service.rescoring.rescoreApply(reviewerT1, c2020, v2.id), 'forbidden');
      const snapshots = await countRows(store, 'ranking_snapshots');
      h.clock.set('2021-02-01T00:00:00.000Z');
      expect(await service.rescoring.rescoreApply(admin, c2020, v2.id)).toEqual({ changed: 2 });
      expect(await total(a[V3]!)).toBe(pts(175));
      expect(await total(a[V4]!)).toBe(pts(175));
      expect(await total(a[V1]!)).toBe(pts(196));
      expect((await store.db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', c2020).executeTakeFirstOrThrow()).scheme_version_id).toBe(v2.id);
      const entry = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.rescore').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor: 'office', entity: 'campaign', entity_id: String(c2020), at: '2021-02-01T00:00:00.000Z' });
      expect(JSON.parse(entry.before!)).toMatchObject({ schemeVersionId: v1Id, scheme: 'seed-2020 v1' });
      expect(JSON.parse(entry.after!)).toMatchObject({
        schemeVersionId: v2.id,
        scheme: 'seed-2020 v2',
        changed: 2,
        totals: [
          { village: V3, from: 182, to: 175 },
          { village: V4, from: 180, to: 175 },
        ],
      });
      // Each score that moved audited, before and after, in the villages' order; the others not.
      const scored = await store.db
        .selectFrom('audit_log')
        .select(['entity_id', 'before', 'after'])
        .where('action', '=', 'assessment.score')
        .where('at', '=', '2021-02-01T00:00:00.000Z')
        .orderBy('id')
        .execute();
      expect(scored.map((e) => [e.entity_id, JSON.parse(e.before!), JSON.parse(e.after!)])).toEqual([
        [String(a[V3]!), { base: 182, bonus: 0, total: 182 }, { base: 175, bonus: 0, total: 175, scheme: 'seed-2020 v2' }],
        [String(a[V4]!), { base: 180, bonus: 0, total: 180 }, { base: 175, bonus: 0, total: 175, scheme: 'seed-2020 v2' }],
      ]);
      expect((await service.audit.verifyAudit()).ok).toBe(true);
      // What rankings read of each result, stored for the new version.
      for (const row of await store.db.selectFrom('assessments').select('parts').where('campaign_id', '=', c2020).execute()) expect(JSON.parse(row.parts!).v).toBe(v2.id);
      expect(await countRows(store, 'ranking_snapshots')).toBe(snapshots + 1);
      const ranking = await service.rankings.ranking(admin, c2020);
      expect(ranking.scheme).toEqual({ id: 'seed-2020', version: 2 });
      expect(ranking.county.map((x) => [x.village, x.total, x.countyRank])).toEqual([
        [V2, pts(200), 1],
        [V1, pts(196), 2],
        [V3, pts(175), 3],
        [V4, pts(175), 3],
      ]);
      // The 2019 campaign keeps its own scheme and totals.
      const r2019 = await service.rankings.ranking(admin, c2019);
      expect(r2019.scheme.version).toBe(1);
      expect(r2019.county.map((x) => x.total)).toEqual([pts(200), pts(199), pts(198), pts(195)]);
    });

    it('keeps an intact audit chain through it all', async () => {
      const v = await service.audit.verifyAudit();
      expect(v.ok).toBe(true);
      expect(v.entries).toBe(await countRows(store, 'audit_log'));
    });
  });

  describe(`edit conflicts on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    let ids: Record<string, number>;

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
      ids = (await setUpCampaign(service)).assessments;
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('refuses the second of two edits made against the same version, writing nothing of it', async () => {
      const id = ids[V1]!;
      const v = await versionOf(store, id);
      await service.findings.addFinding(zhang, id, v, { item: '1.1', element: 'plan' });
      const findings = await countRows(store, 'findings');
      const audit = await countRows(store, 'audit_log');
      const totalBefore = await totalOf(store, id);
      const e = await refused(service.findings.addFinding(zhang, id, v, { item: '1.2', element: 'office' }), 'conflict', /version/);
      expect(e.details).toEqual({ current: v + 1 });
      expect(await countRows(store, 'findings')).toBe(findings);
      expect(await countRows(store, 'audit_log')).toBe(audit);
      expect(await totalOf(store, id)).toBe(totalBefore);
      expect(await versionOf(store, id)).toBe(v + 1);
      // Every kind of edit checks the version.
      const f = (await store.db.selectFrom('findings').select('id').where('assessment_id', '=', id).executeTakeFirstOrThrow()).id;
      await refused(service.findings.withdrawFinding(zhang, id, v, f, 'stale'), 'conflict');
      await refused(service.workflow.transition(zhang, id, v, 'submit'), 'conflict');
      expect((await store.db.selectFrom('findings').select('status').where('id', '=', f).executeTakeFirstOrThrow()).status).toBe('active');
      expect((await store.db.selectFrom('assessments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('draft');
      expect(await countRows(store, 'audit_log')).toBe(audit);
      expect((await service.audit.verifyAudit()).ok).toBe(true);
    });

    it('lets exactly one of two concurrent edits with the same version through', async () => {
      const id = ids[V2]!;
      for (let round = 0; round < 5; round++) {
        const v = await versionOf(store, id);
        const findings = await countRows(store, 'findings');
        const results = await Promise.allSettled([
          service.findings.addFinding(zhang, id, v, { item: '3.2.1', note: `round ${round} a` }),
          service.findings.addFinding(zhang, id, v, { item: '3.2.1', note: `round ${round} b` }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failed.reason).toBeInstanceOf(KaoheError);
        expect((failed.reason as KaoheError).code).toBe('conflict');
        expect(await countRows(store, 'findings')).toBe(findings + 1);
        expect(await versionOf(store, id)).toBe(v + 1);
      }
      expect(await totalOf(store, id)).toBe(pts(195));
      expect((await service.audit.verifyAudit()).ok).toBe(true);
    });

    it('never deadlocks when a finding and a workflow step race on the same assessment', async () => {
      // addFinding and submit lock the same rows; whichever comes second is refused: a conflict
      // (it read the old version), or invalid-state (it read the submitted assessment) — never a
      // database deadlock.
      for (let round = 0; round < 10; round++) {
        const id = ids[round % 2 === 0 ? V3 : V4]!;
        const v = await versionOf(store, id);
        const results = await Promise.allSettled([service.findings.addFinding(wang, id, v, { item: '3.3.1' }), service.workflow.transition(wang, id, v, 'submit')]);
        const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
        expect(errors).toHaveLength(1);
        expect(errors[0] instanceof KaoheError ? errors[0].code : errors[0]!.message).toMatch(/^(conflict|invalid-state)$/);
        // Back to draft for the next round.
        const row = await store.db.selectFrom('assessments').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
        if (row.status === 'submitted') await service.workflow.transition(admin, id, row.version, 'sendBack', 'again');
      }
      expect((await service.audit.verifyAudit()).ok).toBe(true);
    });

    it('decides an appeal once when two decisions race', async () => {
      const id = ids[V1]!;
      for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(admin, id, await versionOf(store, id), step);
      const appealId = await service.appeals.appeal(villageV1, id, { item: '1.1', reason: '计划在档' });
      const results = await Promise.allSettled([
        service.appeals.decideAppeal(admin, appealId, { outcome: 'upheld', reason: 'a' }),
        service.appeals.decideAppeal(admin, appealId, { outcome: 'adjusted', count: 2, reason: 'b' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect((failed.reason as KaoheError).code).toBe('invalid-state');
      const findings = await store.db.selectFrom('findings').select(['source', 'status']).where('assessment_id', '=', id).where('item', '=', '1.1').orderBy('id').execute();
      expect(findings).toEqual([
        { source: 'inspector', status: 'superseded' },
        { source: 'appeal', status: 'active' },
      ]);
      expect((await service.audit.verifyAudit()).ok).toBe(true);
    });
  });

  describe(`roles on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    let service: CampaignServices;
    let campaignId: number;
    let ids: Record<string, number>;

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store);
      service = h.service;
      ({ campaignId, assessments: ids } = await setUpCampaign(service));
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    it('lets only the assigned team (or the office) record', async () => {
      const id = ids[V1]!;
      // Who may not read the assessment is told it is not there, as for a missing one; who reads it
      // but is not on the team, 403.
      const missing = await refused(service.findings.addFinding(admin, 999_999, 1, { item: '1.1' }), 'not-found');
      const hidden = await refused(service.findings.addFinding(li, id, await versionOf(store, id), { item: '1.1' }), 'not-found');
      expect(hidden.message).toBe(missing.message.replace('999999', String(id)));
      await refused(service.findings.addFinding(wang, id, await versionOf(store, id), { item: '1.1' }), 'not-found');
      const refusal = await refused(service.findings.addFinding(reviewerT1, id, await versionOf(store, id), { item: '1.1' }), 'forbidden', /not on the inspection team/);
      expect(refusal.message).not.toContain(V1);
      // Its own draft is not there for the village (it sees its result once published).
      await refused(service.findings.addFinding(villageV1, id, await versionOf(store, id), { item: '1.1' }), 'not-found');
      await refused(service.suggestions.deriveSuggestions(li, id), 'not-found');
      await refused(service.workflow.transition(li, id, await versionOf(store, id), 'submit'), 'not-found');
      await refused(service.assessments.getAssessment(li, id), 'not-found');
      expect(await countRows(store, 'findings')).toBe(0);
      await service.findings.addFinding(zhang, id, await versionOf(store, id), { item: '1.1', element: 'plan' });
      await service.findings.addFinding(admin, id, await versionOf(store, id), { item: '1.2', element: 'office' });
      expect((await service.assessments.getAssessment(zhang, id)).findings).toHaveLength(2);
      // Team membership is per campaign: changing the team changes who may record.
      await service.setup.setTeam(admin, campaignId, 'A', ['li']);
      await refused(service.findings.addFinding(zhang, id, await versionOf(store, id), { item: '1.1' }), 'not-found');
      await service.findings.addFinding(li, id, await versionOf(store, id), { item: '1.1', element: 'organisation' });
      await service.setup.setTeam(admin, campaignId, 'A', ['zhang']);
      // Only the office sets up campaigns and teams.
      await refused(service.setup.setTeam(zhang, campaignId, 'A', ['zhang', 'li']), 'forbidden');
      await refused(service.setup.assignVillages(reviewerT1, campaignId, 'A', [V3]), 'forbidden');
    });

    it("lets a township's reviewer review its villages only", async () => {
      const id = ids[V1]!;
      await service.workflow.transition(zhang, id, await versionOf(store, id), 'submit');
      // Another township's village is not there for its reviewer: nothing names it or its township.
      const other = await refused(service.workflow.transition(reviewerT2, id, await versionOf(store, id), 'review'), 'not-found', new RegExp(`^assessment ${id} not found$`));
      expect(other.message).not.toMatch(new RegExp(`${T1}|${V1}`));
      await refused(service.workflow.transition(reviewerT2, id, await versionOf(store, id), 'sendBack', 'no'), 'not-found');
      await refused(service.workflow.transition(zhang, id, await versionOf(store, id), 'review'), 'forbidden');
      await refused(service.assessments.getAssessment(reviewerT2, id), 'not-found');
      expect((await service.assessments.getAssessment(reviewerT1, id)).status).toBe('submitted');
      await service.workflow.transition(reviewerT1, id, await versionOf(store, id), 'review');
    });

    it('lets a village read only its own result, and only once published', async () => {
      const id = ids[V1]!;
      // Before publication the result is not there for the village or a viewer.
      await refused(service.assessments.getAssessment(villageV1, id), 'not-found');
      await refused(service.assessments.getAssessment(viewer, id), 'not-found');
      await refused(service.workflow.transition(reviewerT1, id, await versionOf(store, id), 'publish'), 'forbidden');
      await refused(service.workflow.transition(zhang, id, await versionOf(store, id), 'publish'), 'forbidden');
      await service.workflow.transition(admin, id, await versionOf(store, id), 'publish');
      expect((await service.assessments.getAssessment(villageV1, id)).status).toBe('published');
      expect((await service.assessments.getAssessment(viewer, id)).status).toBe('published');
      await refused(service.assessments.getAssessment(villageV2, id), 'not-found');
      await refused(service.assessments.getAssessment(villageV1, ids[V2]!), 'not-found');
      await refused(service.assessments.getAssessment(viewer, ids[V2]!), 'not-found');
    });

    it('shows a viewer or a village only published results in the ranking, whatever they ask for', async () => {
      for (const actor of [viewer, villageV1, zhang]) {
        for (const options of [{}, { publishedOnly: false }]) {
          const r = await service.rankings.ranking(actor, campaignId, options);
          expect(r.publishedOnly).toBe(true);
          expect(r.county.map((x) => x.village)).toEqual([V1]);
        }
      }
      // Issue 17: the office's ranking too counts published results by default, the others listed
      // without a rank; a preview (office only) ranks submitted and reviewed results as well.
      const office = await service.rankings.ranking(admin, campaignId);
      expect(office.county.map((x) => x.village)).toEqual([V1]);
      expect(office.unranked.map((u) => u.village)).toEqual([V2, V3, V4]);
      const preview = await service.rankings.ranking(admin, campaignId, { preview: true });
      expect(preview.basis).toBe('preview');
      expect(preview.county.map((x) => x.village).sort()).toEqual([V1, ...office.unranked.filter((u) => u.state === 'unpublished').map((u) => u.village)].sort());
      expect(preview.unranked.every((u) => u.state === 'unassessed')).toBe(true);
      for (const actor of [reviewerT1, viewer, villageV1, zhang]) await refused(service.rankings.ranking(actor, campaignId, { preview: true }), 'forbidden');
    });

    it('lets only the office publish, decide appeals, rescore, and read the audit log', async () => {
      await refused(service.workflow.publishCampaign(reviewerT1, campaignId), 'forbidden');
      const appealId = await service.appeals.appeal(villageV1, ids[V1]!, { item: '1.1', reason: '有工作计划' });
      for (const actor of [reviewerT1, zhang, villageV1, viewer]) {
        await refused(service.appeals.decideAppeal(actor, appealId, { outcome: 'upheld', reason: 'x' }), 'forbidden');
        await refused(service.audit.auditLog(actor), 'forbidden');
      }
      await service.appeals.decideAppeal(admin, appealId, { outcome: 'rejected', reason: '计划未见' });
      expect((await service.audit.auditLog(admin, { entity: 'appeal' })).map((e) => e.action)).toEqual(['appeal.rejected', 'appeal.open']);
    });
  });
}

describe('campaign scope', () => {
  it('assesses a village named twice once', async () => {
    const [target] = storeTargets();
    const store = await target!.open();
    const h = harness(store);
    try {
      await buildRegistry(store);
      const version = await h.service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT);
      const id = await h.service.setup.createCampaign(admin, { name: '抽查', year: 2020, schemeVersionId: version.id, villages: [V1, V3, V1] });
      const rows = await store.db.selectFrom('assessments').select('village_code').where('campaign_id', '=', id).orderBy('village_code').execute();
      expect(rows.map((r) => r.village_code)).toEqual([V1, V3]);
      expect((await h.service.setup.listCampaigns()).find((c) => c.id === id)).toMatchObject({ villages: 2, byStatus: { draft: 2 } });
    } finally {
      await store.close();
      h.cleanup();
    }
  });
});
