/**
 * ReportService on every database (test/stores.ts), on the demo county of the first start
 * (3 townships, 30 villages): a published 2019 campaign, then the 2020 campaign with findings
 * (a capped pool, a capped bonus, notes that look like formulas, evidence), a withdrawn finding,
 * an appeal decided by adjustment, most villages published and one left a draft. Checks the
 * batch of score sheets against CampaignServices.scoreSheet for every village, the ranking and
 * deduction data and their workbooks read back, and who may read what.
 */
import ExcelJS from 'exceljs';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, tinyPng, versionOf } from '../../test/campaign-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { parseAnchor } from '../core/audit-anchor.ts';
import { KaoheError } from '../core/errors.ts';
import { fromCents } from '../core/numbers.ts';
import { deductionsXlsx } from '../reports/xlsx/deductions.ts';
import { rankingXlsx } from '../reports/xlsx/ranking.ts';
import type { Store } from '../store/db.ts';
import { DEMO_CAMPAIGN, firstStart } from './bootstrap.service.ts';
import { type CampaignServices } from './campaign/index.ts';
import { EvidenceStore } from './evidence/evidence-store.ts';
import type { Actor } from './policies.ts';
import { ReportService } from './report.service.ts';
import { sectionAverages } from '../reports/shapes.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../compose.ts';
import { ReportRepository } from '../store/report.repository.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const HOOK = 240_000;
const admin: Actor = { user: 'office', role: 'admin' };
const inspector: Actor = { user: 'inspector', role: 'inspector' };
const viewer: Actor = { user: 'viewer', role: 'viewer' };

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1+2', '-3', '@SUM(A1)'];

async function refused(p: Promise<unknown>, code: string): Promise<KaoheError> {
  const e = await p.then(
    () => new Error('expected a refusal, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KaoheError);
  expect((e as KaoheError).code, (e as Error).message).toBe(code);
  return e as KaoheError;
}

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** Counts the statements run through a store (a Kysely plugin sees each one as it is compiled). */
function countingStore(store: Store): { store: Store; count: () => number; reset: () => void } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { store: { ...store, db: store.db.withPlugin(plugin) }, count: () => n, reset: () => (n = 0) };
}

for (const target of storeTargets()) {
  describe(`report service on ${target.dialect}`, () => {
    let store: Store;
    let dir: string;
    const clock = new FixedClock('2020-12-01T08:00:00.000Z');
    let campaigns: CampaignServices;
    let reports: ReportService;
    let campaignId: number;
    let T: string[]; // townships by code
    let villages: Record<string, string[]>; // villages by township
    let names: Record<string, string>; // village and township names by code
    const ids: Record<string, number> = {}; // 2020 assessments by village
    let A: string; // T1's first village: the village user's; capped pool, evidence, appeal adjusted
    let B: string; // T1's second: stays a draft
    let C: string; // T2's first: a withdrawn finding, a capped bonus
    let reviewer: Actor;
    let villageUser: Actor;
    const f = {} as { pool: number; meeting: number; office: number; withdrawn: number; bonus: number; c: number; adjusted: number };
    let evidenceId: number;
    let appealId: number;

    const version = (id: number) => versionOf(store, id);
    const add = async (village: string, input: { item: string; count?: number; note?: string; household?: string; element?: string }) =>
      campaigns.findings.addFinding(admin, ids[village]!, await version(ids[village]!), input);
    const advance = async (assessmentId: number, steps: Array<'submit' | 'review' | 'publish'>) => {
      for (const step of steps) await campaigns.workflow.transition(admin, assessmentId, await version(assessmentId), step);
    };

    beforeAll(async () => {
      store = await target.open();
      dir = mkdtempSync(join(tmpdir(), 'kaohe-report-'));
      await firstStart(compose({ store }));
      campaigns = compose({ store, evidence: new EvidenceStore(join(dir, 'evidence')), clock: clock.now }).campaigns;
      reports = new ReportService({ repository: new ReportRepository(store.db), campaigns, clock: clock.now });
      const db = store.db;
      T = (await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute()).map((t) => t.code);
      villages = {};
      for (const t of T) villages[t] = (await db.selectFrom('areas').select('code').where('parent_code', '=', t).orderBy('code').execute()).map((v) => v.code);
      names = Object.fromEntries((await db.selectFrom('areas').select(['code', 'name']).execute()).map((a) => [a.code, a.name]));
      A = villages[T[0]!]![0]!;
      B = villages[T[0]!]![1]!;
      C = villages[T[1]!]![0]!;
      reviewer = { user: 'reviewer', role: 'reviewer', township: T[0]! };
      villageUser = { user: 'village', role: 'village', village: A };
      campaignId = await campaigns.setup.campaignByName(DEMO_CAMPAIGN);
      const schemeVersionId = (await db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', campaignId).executeTakeFirstOrThrow()).scheme_version_id;

      // 2019, published: the previous results.
      clock.set('2020-01-10T08:00:00.000Z');
      const c2019 = await campaigns.setup.createCampaign(admin, { name: '2019年度考核', year: 2019, schemeVersionId });
      const all = Object.values(villages).flat();
      for (const [i, v] of all.entries()) {
        const id = await campaigns.assessments.assessmentId(c2019, v);
        if (i % 3 === 0) await campaigns.findings.addFinding(admin, id, await version(id), { item: '3.2.1', count: 1 + (i % 5) });
        await advance(id, ['submit', 'review']);
      }
      await campaigns.workflow.publishCampaign(admin, c2019);

      // 2020.
      clock.set('2020-11-20T08:00:00.000Z');
      for (const v of all) ids[v] = await campaigns.assessments.assessmentId(campaignId, v);
      f.pool = await add(A, { item: '3.2.1', count: 30, note: FORMULAS[0]!, household: FORMULAS[1]! });
      f.meeting = await add(A, { item: '1.3', count: 2, element: 'minutes', note: FORMULAS[2]! });
      f.office = await add(A, { item: '1.2', count: 1, note: FORMULAS[3]! });
      evidenceId = await campaigns.evidence.addEvidence(admin, { findingId: f.pool }, { filename: '=现场照片.png', bytes: tinyPng() });
      await campaigns.evidence.addEvidence(admin, { findingId: f.meeting }, { filename: '会议记录.png', bytes: tinyPng([10, 20, 30]) });
      await campaigns.evidence.addEvidence(admin, { findingId: f.meeting }, { filename: '签到表.png', bytes: tinyPng([40, 50, 60]) });
      f.withdrawn = await add(C, { item: '1.1', count: 2, note: '误记' });
      await campaigns.findings.withdrawFinding(admin, ids[C]!, await version(ids[C]!), f.withdrawn, '重复记录');
      f.bonus = await add(C, { item: '4.1', count: 3, note: '国检排名靠前' });
      f.c = await add(C, { item: '3.4.1', count: 1 });
      await campaigns.evidence.addEvidence(admin, { findingId: f.c }, { filename: 'absent.png', bytes: tinyPng([1, 2, 3]) });
      for (const [i, v] of all.entries()) if (v !== A && v !== B && v !== C && i % 4 === 1) await add(v, { item: '2.3.1', count: 1 + (i % 3) });
      for (const v of all) if (v !== B) await advance(ids[v]!, ['submit', 'review', 'publish']);
      await advance(ids[B]!, ['submit']);
      // The village appeals 3.2.1; the office lowers the count to 10.
      clock.set('2020-11-25T08:00:00.000Z');
      appealId = await campaigns.appeals.appeal(villageUser, ids[A]!, { item: '3.2.1', reason: '部分报表已按时报送' });
      await campaigns.appeals.decideAppeal(admin, appealId, { outcome: 'adjusted', reason: '核实20次按时报送', count: 10 });
      f.adjusted = (await db.selectFrom('findings').select('id').where('appeal_id', '=', appealId).executeTakeFirstOrThrow()).id;
      clock.set('2020-12-01T08:00:00.000Z');
    }, HOOK);
    afterAll(async () => {
      await store?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    describe('score sheets in a batch', () => {
      it('gives every village exactly the sheet CampaignServices.scoreSheet gives, in zh and en', async () => {
        for (const lang of ['zh', 'en'] as const) {
          const batch = await reports.scoreSheets(admin, campaignId, { lang });
          const all = Object.values(villages).flat();
          expect(batch.map((s) => s.header.village.code)).toEqual(all);
          for (const [i, v] of all.entries()) expect(batch[i], `${v} (${lang})`).toEqual(await campaigns.assessments.scoreSheet(admin, ids[v]!, lang));
        }
        // The sheets carry what the campaign recorded: the adjusted 3.2.1 and its evidence is gone with it.
        const [a] = await reports.scoreSheets(admin, campaignId, { villages: [A] });
        expect(a!.deductions.map((d) => [d.item, d.findingId, d.count, d.evidence.map((e) => e.filename)])).toEqual([
          ['1.2', f.office, 1, []],
          ['1.3', f.meeting, 2, ['会议记录.png', '签到表.png']],
          ['3.2.1', f.adjusted, 10, []],
        ]);
      });

      it('gives each reader the sheets they may read, equal to the single sheet, and refuses a named village they may not', async () => {
        const readers: Array<[Actor, string[]]> = [
          [reviewer, villages[T[0]!]!],
          [inspector, villages[T[0]!]!],
          [villageUser, [A]],
          [
            viewer,
            Object.values(villages)
              .flat()
              .filter((v) => v !== B),
          ],
        ];
        for (const [actor, expected] of readers) {
          const batch = await reports.scoreSheets(actor, campaignId);
          expect(
            batch.map((s) => s.header.village.code),
            actor.user,
          ).toEqual(expected);
          for (const s of batch) expect(s).toEqual(await campaigns.assessments.scoreSheet(actor, ids[s.header.village.code]!, 'zh'));
        }
        // A village out of reach is not found, in the words a missing one gets (its existence is not told).
        const hidden = await refused(reports.scoreSheets(reviewer, campaignId, { villages: [A, C] }), 'not-found');
        expect(hidden.message).toBe(`village ${C} in campaign ${campaignId} not found`);
        await refused(reports.scoreSheets(villageUser, campaignId, { villages: [B] }), 'not-found');
        const missing = await refused(reports.scoreSheets(admin, campaignId, { villages: ['522425999999'] }), 'not-found');
        expect(missing.message).toBe(`village 522425999999 in campaign ${campaignId} not found`);
        expect((await reports.scoreSheets(admin, campaignId, { township: T[1]! })).map((s) => s.header.village.code)).toEqual(villages[T[1]!]);
        // Named villages come in the order named.
        expect((await reports.scoreSheets(admin, campaignId, { villages: [C, A] })).map((s) => s.header.village.code)).toEqual([C, A]);
      });

      it('reads with the same number of statements for 30 villages as for 3', async () => {
        const counting = countingStore(store);
        const r = new ReportService({ repository: new ReportRepository(counting.store.db), campaigns, clock: clock.now });
        await r.scoreSheets(admin, campaignId); // warm the campaign service's caches
        counting.reset();
        await r.scoreSheets(admin, campaignId);
        const whole = counting.count();
        counting.reset();
        await r.scoreSheets(admin, campaignId, { villages: villages[T[2]!]!.slice(0, 3) });
        expect(counting.count()).toBe(whole);
        expect(whole).toBeLessThanOrEqual(8);
      });
    });

    describe('ranking report', () => {
      it('takes rows, ranks, averages and changes from rankingFor and names the previous campaign', async () => {
        const report = await reports.rankingReport(admin, campaignId);
        const ranking = await campaigns.rankings.rankingFor(admin, campaignId);
        expect(report.previous).toMatchObject({ name: '2019年度考核', year: 2019 });
        expect(report.header).toMatchObject({ county: { name: names[report.header.county!.code] }, date: '2020-12-01', basis: 'published', publishedOnly: true, township: null });
        // Issue 17: B, not published, is listed without a rank, not ranked at full marks.
        expect(report.unranked).toEqual([{ township: T[0], townshipName: names[T[0]!], village: B, name: names[B], state: 'unpublished' }]);
        expect(report.rows.map((r) => r.village)).not.toContain(B);
        // The audit log's head when the report was made, as printed (审计锚点), and it verifies.
        const head = (await campaigns.audit.auditAnchor())!;
        expect(report.header.auditAnchor).toBe(`${head.entries}:${head.hash.slice(0, 16)}`);
        expect(await campaigns.audit.verifyAudit([parseAnchor(report.header.auditAnchor!)!])).toMatchObject({ ok: true });
        expect(report.sections.map((s) => [s.code, s.max, s.bonus])).toEqual([
          ['1', 20, false],
          ['2', 120, false],
          ['3', 60, false],
          ['4', 10, true],
        ]);
        expect(report.rows.map((r) => [r.village, r.total, r.countyRank, r.townshipRank, r.change.total, r.change.rank])).toEqual(
          ranking.county.map((r) => [
            r.village,
            fromCents(r.total),
            r.countyRank,
            r.townshipRank,
            r.change.totalDelta === null ? null : fromCents(r.change.totalDelta),
            r.change.rankDelta,
          ]),
        );
        expect(report.county.total).toBe(fromCents(ranking.countySummary.averageTotal));
        expect(report.townships.map((t) => [t.code, t.rows.length, t.summary.averages['3']])).toEqual(
          ranking.townships.map((t) => [t.township, t.count, fromCents(t.averages['3']!)]),
        );
        // A: 3.2.1 ×10 (−10), 1.3 ×2 (−4), 1.2 ×1 (−2) → 184; last year it lost 1 point (199).
        const a = report.rows.find((r) => r.village === A)!;
        expect(a).toMatchObject({ total: 184, base: 184, sections: { '1': 14, '2': 120, '3': 50, '4': 0 }, change: { total: -15, previousTotal: 199 } });
        expect(a.change.previousRank).toBe(a.countyRank + a.change.rank!);
        const avg = sectionAverages(report);
        expect(avg.map((x) => x.code)).toEqual([...T, null]);
        expect(avg.at(-1)!.total).toBe(report.county.total);
      });

      it('cuts the report to what the reader may see', async () => {
        // Issue 17: a reviewer's ranking is the published one (their own township's unpublished B is not ranked); a preview is the office's.
        const mine = await reports.rankingReport(reviewer, campaignId);
        expect(mine.header.basis).toBe('published');
        expect(mine.rows.map((r) => r.village)).not.toContain(B);
        await refused(reports.rankingReport(reviewer, campaignId, { preview: true }), 'forbidden');
        const preview = await reports.rankingReport(admin, campaignId, { preview: true });
        expect(preview.header).toMatchObject({ basis: 'preview', publishedOnly: false });
        const published = await reports.rankingReport(viewer, campaignId, { publishedOnly: false });
        expect(published.header).toMatchObject({ publishedOnly: true, basis: 'published' });
        expect(published.rows.map((r) => r.village)).not.toContain(B);
        const one = await reports.rankingReport(admin, campaignId, { township: T[1]! });
        expect(one.header.township).toEqual({ code: T[1]!, name: names[T[1]!] });
        expect(one.rows.every((r) => r.township === T[1])).toBe(true);
        expect(one.townships.map((t) => t.code)).toEqual([T[1]]);
        expect(one.county.count).toBe(29); // the county's averages stay the whole county's (its published results: B is not)
        await refused(reports.rankingReport(admin, campaignId, { township: A }), 'not-found');
      });

      it('writes a workbook whose numbers are the ranking’s numbers', async () => {
        const report = await reports.rankingReport(admin, campaignId);
        const wb = await read(await rankingXlsx(report));
        expect(wb.worksheets.map((w) => w.name)).toEqual(['全县', '分项平均', '较上年变化', ...T.map((t) => names[t])]);
        const county = wb.getWorksheet('全县')!;
        // 乡镇 村 1 2 3 基础分 加分 总分 乡镇排名 全县排名 较上年(总分 名次) 区划代码
        expect((county.getRow(4).values as unknown[]).slice(1)).toEqual([
          '乡镇',
          '村',
          '组织领导（20）',
          '精准扶贫精准脱贫（120）',
          '日常工作（60）',
          '基础分（200）',
          '加分（10）',
          '总分',
          '乡镇排名',
          '全县排名',
          '总分',
          '名次',
          '区划代码',
        ]);
        expect(county.model.merges).toEqual(expect.arrayContaining(['C3:E3', 'K3:L3', 'A3:A4', 'H3:H4']));
        report.rows.forEach((r, i) => {
          const row = county.getRow(5 + i);
          const numbers = [r.sections['1'], r.sections['2'], r.sections['3'], r.base, r.bonus, r.total, r.townshipRank, r.countyRank];
          numbers.forEach((n, k) => {
            const cell = row.getCell(3 + k);
            expect(cell.type, `${r.village} column ${3 + k}`).toBe(ExcelJS.ValueType.Number);
            expect(cell.value).toBe(n);
          });
          expect(row.getCell(2).value).toBe(r.name);
          expect(row.getCell(13).value).toBe(r.village);
          expect(row.getCell(13).type).toBe(ExcelJS.ValueType.String);
        });
        const averages = county.getRow(5 + report.rows.length);
        expect(averages.getCell(1).value).toBe('平均（29个村）');
        expect(averages.getCell(8).value).toBe(report.county.total);
        // After the averages, B (not published) without a rank: 未发布 where its ranks would be.
        const b = county.getRow(6 + report.rows.length);
        expect([b.getCell(2).value, b.getCell(9).value, b.getCell(10).value, b.getCell(13).value]).toEqual([names[B], '未发布', '未发布', B]);
        for (const t of report.townships) {
          const ws = wb.getWorksheet(t.name)!;
          expect(ws.getRow(5).getCell(2).value).toBe(t.rows[0]!.name);
          expect(ws.getRow(5 + t.rows.length).getCell(8).value).toBe(t.summary.total);
          expect(ws.getRow(6 + t.rows.length).getCell(8).value).toBe(report.county.total);
        }
      });
    });

    describe('deduction detail', () => {
      it('lists every finding with its rule, points, pool effect, evidence, source and status, withdrawn and superseded ones as 0', async () => {
        const d = await reports.deductionDetail(admin, campaignId);
        expect(d.villages.map((v) => v.village)).toEqual(Object.values(villages).flat());
        const a = d.villages.find((v) => v.village === A)!;
        expect(a.rows.map((r) => [r.item, r.findingId, r.count, r.points, r.status, r.source])).toEqual([
          ['1.2', f.office, 1, 2, 'accepted', 'inspector'],
          ['1.3', f.meeting, 2, 4, 'accepted', 'inspector'],
          ['3.2.1', f.pool, 30, 0, 'adjusted-on-appeal', 'inspector'],
          ['3.2.1', f.adjusted, 10, 10, 'accepted', 'appeal'],
        ]);
        const [office, meeting, pool, adjusted] = a.rows as [(typeof a.rows)[number], (typeof a.rows)[number], (typeof a.rows)[number], (typeof a.rows)[number]];
        expect(office).toMatchObject({ title: '扶贫工作室', rule: expect.stringContaining('扣2分'), unitPoints: 2, recorded: 2, note: FORMULAS[3] });
        expect(meeting).toMatchObject({ elementTitle: '扶贫会议记录', note: FORMULAS[2] });
        expect(pool).toMatchObject({ recorded: 30, points: 0, statusLabel: '申诉调整', appealId, note: FORMULAS[0], household: FORMULAS[1] });
        expect(pool.statusNote).toBe(`申诉#${appealId} 调整为10处（原扣30分）：核实20次按时报送`);
        expect(pool.evidenceText).toBe(`证据#${evidenceId} =现场照片.png`);
        expect(adjusted.statusNote).toBe(`申诉#${appealId} 裁定后的记录`);
        expect(a.totals).toMatchObject({ recorded: 16, deducted: 16, base: 184, total: 184 });
        expect(a.counts).toEqual({ accepted: 3, withdrawn: 0, adjusted: 1 });

        const c = d.villages.find((v) => v.village === C)!;
        const withdrawn = c.rows.find((r) => r.findingId === f.withdrawn)!;
        expect(withdrawn).toMatchObject({ status: 'withdrawn', statusLabel: '已撤回', points: 0, recorded: 4, poolEffect: '' });
        expect(withdrawn.statusNote).toBe('撤回（原扣4分）：重复记录（office 2020-11-20）');
        const bonus = c.rows.find((r) => r.findingId === f.bonus)!;
        expect(bonus).toMatchObject({ kind: 'bonus', points: 15, poolEffect: '加分 4（上限10分）：记加15分，计10分' });
        expect(c.totals).toMatchObject({ bonus: 10, base: 195, total: 205 });
      });

      it('names a capped pool in the pool effect, in zh and en', async () => {
        // A's 3.2.1 ×30 was adjusted on appeal; a later campaign of one village shows pool 3.2 (25) capped.
        const v = villages[T[2]!]![9]!;
        const schemeVersionId = (await store.db.selectFrom('campaigns').select('scheme_version_id').where('id', '=', campaignId).executeTakeFirstOrThrow()).scheme_version_id;
        const later = await campaigns.setup.createCampaign(admin, { name: '2021年度考核', year: 2021, schemeVersionId, villages: [v] });
        const id = await campaigns.assessments.assessmentId(later, v);
        await campaigns.findings.addFinding(admin, id, await version(id), { item: '3.2.1', count: 30 });
        await campaigns.findings.addFinding(admin, id, await version(id), { item: '3.3.1', count: 1 });
        const zh = await reports.deductionDetail(admin, later);
        expect(zh.villages[0]!.rows.map((r) => r.poolEffect)).toEqual(['扣分池 3.2（25分）：记扣30分，封顶25分', '']);
        expect(zh.villages[0]!.totals).toMatchObject({ recorded: 35, deducted: 30, base: 170 });
        const en = await reports.deductionDetail(admin, later, { lang: 'en' });
        expect(en.villages[0]!.rows.map((r) => [r.poolEffect, r.statusLabel, r.sourceLabel, r.title])).toEqual([
          ['pool 3.2 (25): 30 recorded, capped at 25', 'accepted', 'inspection team', expect.any(String)],
          ['', 'accepted', 'inspection team', expect.any(String)],
        ]);
        expect(en.header.lang).toBe('en');
        // The 2021 ranking compares with 2020: the latest earlier campaign.
        expect((await reports.rankingReport(admin, later)).previous).toMatchObject({ id: campaignId, name: DEMO_CAMPAIGN });
        // Nothing of it is published: a viewer's report of the township has its sheet, empty.
        const none = await reports.rankingReport(viewer, later, { township: T[2]! });
        expect(none.rows).toEqual([]);
        expect(none.townships).toEqual([{ code: T[2], name: names[T[2]!], summary: expect.objectContaining({ count: 0 }), rows: [] }]);
      });

      it('lets each role read only its part, and viewers none', async () => {
        await refused(reports.deductionDetail(viewer, campaignId), 'forbidden');
        await refused(reports.deductionDetail(viewer, campaignId, { village: A }), 'forbidden');
        // The village: its own village, published; no other; not before publication.
        expect((await reports.deductionDetail(villageUser, campaignId)).villages.map((v) => v.village)).toEqual([A]);
        expect((await reports.deductionDetail(villageUser, campaignId, { village: A })).header.village).toEqual({ code: A, name: names[A] });
        // Another village's, or its own before publication, is not there for it (not-found, as a missing one).
        expect((await refused(reports.deductionDetail(villageUser, campaignId, { village: C }), 'not-found')).message).toBe(`village ${C} in campaign ${campaignId} not found`);
        await refused(reports.deductionDetail({ user: 'v2', role: 'village', village: B }, campaignId), 'not-found');
        // The reviewer: their township, drafts too; not another township's village.
        const township = await reports.deductionDetail(reviewer, campaignId);
        expect(township.villages.map((v) => v.village)).toEqual(villages[T[0]!]);
        expect(township.header).toMatchObject({ basis: 'own-township', village: null });
        await refused(reports.deductionDetail(reviewer, campaignId, { village: C }), 'not-found');
        // The inspector: the team's villages.
        expect((await reports.deductionDetail(inspector, campaignId)).villages.map((v) => v.village)).toEqual(villages[T[0]!]);
        expect((await reports.deductionDetail({ user: 'nobody', role: 'inspector' }, campaignId)).villages).toEqual([]);
        await refused(reports.deductionDetail(admin, campaignId, { village: '522425999999' }), 'not-found');
      });

      it('writes a workbook with a row per finding, subtotals, and typed notes as text', async () => {
        const d = await reports.deductionDetail(admin, campaignId);
        const wb = await read(await deductionsXlsx(d));
        expect(wb.worksheets.map((w) => w.name)).toEqual(['扣分明细', '汇总']);
        const ws = wb.getWorksheet('扣分明细')!;
        const header = (ws.getRow(3).values as unknown[]).slice(1);
        expect(header).toEqual([
          '乡镇',
          '村',
          '项目编号',
          '考核项目',
          '评分标准',
          '未达要素',
          '次数',
          '每处分值',
          '扣分',
          '加分',
          '扣分池影响',
          '情况说明',
          '农户',
          '证据',
          '来源',
          '状态',
          '撤回或申诉说明',
          '记录号',
          '记录人',
          '记录时间',
        ]);
        expect(ws.autoFilter).toBeTruthy();
        const rows: ExcelJS.Row[] = [];
        ws.eachRow((row, n) => {
          if (n > 3) rows.push(row);
        });
        const withFindings = d.villages.filter((v) => v.rows.length);
        expect(rows).toHaveLength(withFindings.reduce((n, v) => n + v.rows.length + 1, 0));
        const byFinding = new Map(rows.filter((r) => typeof r.getCell(18).value === 'number').map((r) => [r.getCell(18).value as number, r]));
        const pool = byFinding.get(f.pool)!;
        expect(pool.getCell(16).value).toBe('申诉调整');
        expect(pool.getCell(9).value).toBe(0);
        expect(pool.getCell(9).type).toBe(ExcelJS.ValueType.Number);
        expect(byFinding.get(f.withdrawn)!.getCell(16).value).toBe('已撤回');
        expect(byFinding.get(f.adjusted)!.getCell(9).value).toBe(10);
        // Text that looks like a formula is stored as the text typed, never as a formula.
        const cells = [pool.getCell(12), pool.getCell(13), byFinding.get(f.meeting)!.getCell(12), byFinding.get(f.office)!.getCell(12), pool.getCell(14)];
        expect(cells.map((c) => c.value)).toEqual([...FORMULAS.slice(0, 2), FORMULAS[2], FORMULAS[3], `证据#${evidenceId} =现场照片.png`]);
        for (const c of cells) {
          expect(c.type, String(c.value)).toBe(ExcelJS.ValueType.String);
          expect(c.formula).toBeUndefined();
        }
        // A's subtotal follows its findings.
        const subtotal = rows.find((r) => r.getCell(2).value === names[A] && r.getCell(3).value === '小计')!;
        expect(subtotal.getCell(9).value).toBe(16);
        const summary = wb.getWorksheet('汇总')!;
        const aRow = summary.getRow(4 + d.villages.findIndex((v) => v.village === A));
        expect((aRow.values as unknown[]).slice(1)).toEqual([names[T[0]!], names[A], '已发布', 3, 0, 1, 16, 16, 184, 0, 184, A]);
      });
    });
  });
}
