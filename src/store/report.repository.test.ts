/**
 * ReportRepository on every database (test/stores.ts): rows come back as camelCase records with
 * the same values and types on SQLite and PostgreSQL (flags as booleans, ids and counts as
 * numbers), in the documented order, and the same whether read by the campaign or by ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import type { Store } from './db.ts';
import { ReportRepository } from './report.repository.ts';

const AT = '2020-06-01T08:00:00.000Z';

for (const target of storeTargets()) {
  describe(`report repository on ${target.dialect}`, () => {
    let store: Store;
    let repo: ReportRepository;
    const id: Record<string, number> = {};

    beforeAll(async () => {
      store = await target.open();
      repo = new ReportRepository(store.db);
      const db = store.db;
      await db
        .insertInto('areas')
        .values([
          { code: '520000000000', level: 'county', name: '县', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
          { code: '520100000000', level: 'township', name: '镇', parent_code: '520000000000', poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
          { code: '520100000201', level: 'village', name: '甲村', parent_code: '520100000000', poverty_village: 1, planned_exit_year: 2019, exit_year: 2019, population: 1200 },
          { code: '520100000202', level: 'village', name: '乙村', parent_code: '520100000000', poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        ])
        .execute();
      const version = await db
        .insertInto('scheme_versions')
        .values({ scheme_id: 's', version: 1, title: 't', source_text: 'x', derive_text: null, created_at: AT, created_by: 'office' })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [name, year] of [
        ['2019', 2019],
        ['2020', 2020],
      ] as const) {
        const c = await db
          .insertInto('campaigns')
          .values({ name, year, period_from: `${year}-01-01`, period_to: `${year}-12-31`, scheme_version_id: version.id, created_at: AT, created_by: 'office' })
          .returning('id')
          .executeTakeFirstOrThrow();
        id[name] = c.id;
      }
      for (const village of ['520100000201', '520100000202']) {
        const a = await db.insertInto('assessments').values({ campaign_id: id['2020']!, village_code: village, updated_at: AT }).returning('id').executeTakeFirstOrThrow();
        id[village] = a.id;
      }
      const finding = (assessment: number, item: string, status: 'active' | 'withdrawn') =>
        db
          .insertInto('findings')
          .values({
            assessment_id: assessment,
            item,
            count: 2,
            source: 'inspector',
            status,
            created_at: AT,
            created_by: 'inspector',
            household_no: status === 'active' ? 'H1' : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
      id.f1 = (await finding(id['520100000201']!, '1.1', 'active')).id;
      id.f2 = (await finding(id['520100000202']!, '1.2', 'withdrawn')).id;
      await db
        .insertInto('evidence')
        .values([
          { finding_id: id.f1, sha256: 'a', filename: 'a.jpg', mime: 'image/jpeg', size: 1, taken_at: AT, status: 'active', uploaded_at: AT, uploaded_by: 'inspector' },
          { finding_id: id.f1, sha256: 'b', filename: 'b.jpg', mime: 'image/jpeg', size: 1, taken_at: null, status: 'withdrawn', uploaded_at: AT, uploaded_by: 'inspector' },
        ])
        .execute();
      await db
        .insertInto('appeals')
        .values({
          assessment_id: id['520100000201']!,
          item: '1.1',
          reason: 'r',
          status: 'adjusted',
          adjusted_count: 1,
          decision_reason: 'd',
          decided_at: AT,
          created_at: AT,
          created_by: 'village',
        })
        .execute();
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    it('reads the campaign and the one before it', async () => {
      expect(await repo.campaign(id['2020']!)).toEqual({
        id: id['2020'],
        name: '2020',
        year: 2020,
        periodFrom: '2020-01-01',
        periodTo: '2020-12-31',
        period: null,
        schemeVersionId: expect.any(Number),
        appealDays: expect.any(Number),
        createdAt: AT,
        createdBy: 'office',
      });
      expect(await repo.campaign(999_999)).toBeUndefined();
      expect(await repo.previousCampaign(2020, id['2020']!)).toEqual({ id: id['2019'], name: '2019', year: 2019 });
      expect(await repo.previousCampaign(2019, id['2019']!)).toBeNull();
    });

    it('maps areas and assessments to records, the poverty flag a boolean', async () => {
      expect((await repo.upperAreas()).sort((a, b) => a.code.localeCompare(b.code))).toEqual([
        { code: '520000000000', name: '县', parent: null, level: 'county' },
        { code: '520100000000', name: '镇', parent: '520000000000', level: 'township' },
      ]);
      const assessments = await repo.assessments(id['2020']!);
      expect(assessments).toEqual([
        {
          id: id['520100000201'],
          villageCode: '520100000201',
          teamId: null,
          status: 'draft',
          publishedAt: null,
          villageName: '甲村',
          townshipCode: '520100000000',
          povertyVillage: true,
          plannedExitYear: 2019,
          exitYear: 2019,
          population: 1200,
        },
        expect.objectContaining({ villageCode: '520100000202', povertyVillage: false, plannedExitYear: null, population: null }),
      ]);
      expect(await repo.assessments(id['2020']!, '520199000000')).toEqual([]);
    });

    it('reads findings, evidence and appeals by the campaign or by ids alike', async () => {
      const campaign = id['2020']!;
      const ids = [id['520100000201']!, id['520100000202']!];
      expect(await repo.activeFindings(campaign, null)).toEqual([
        { id: id.f1, assessmentId: id['520100000201'], item: '1.1', count: 2, element: null, note: null, householdNo: 'H1', value: null, amount: null, part: null },
      ]);
      expect(await repo.activeEvidence(campaign, null)).toEqual([
        {
          id: expect.any(Number),
          findingId: id.f1,
          filename: 'a.jpg',
          mime: 'image/jpeg',
          takenAt: AT,
          assessmentId: id['520100000201'],
          sha256: 'a',
          size: 1,
          latitude: null,
          longitude: null,
        },
      ]);
      const findings = await repo.findings(campaign, null);
      expect(findings.map((f) => [f.id, f.status, f.householdNo, f.withdrawnAt, f.appealId, f.supersedesId])).toEqual([
        [id.f1, 'active', 'H1', null, null, null],
        [id.f2, 'withdrawn', null, null, null, null],
      ]);
      expect((await repo.findingEvidence(campaign, null)).map((e) => [e.filename, e.status, e.findingId])).toEqual([
        ['a.jpg', 'active', id.f1],
        ['b.jpg', 'withdrawn', id.f1],
      ]);
      expect(await repo.appeals(campaign, null)).toEqual([
        { id: expect.any(Number), assessmentId: id['520100000201'], item: '1.1', status: 'adjusted', decisionReason: 'd', adjustedCount: 1, decidedAt: AT },
      ]);
      for (const read of ['activeFindings', 'activeEvidence', 'findings', 'findingEvidence', 'appeals'] as const) {
        expect(await repo[read](campaign, ids), read).toEqual(await repo[read](campaign, null));
      }
      expect(await repo.findings(campaign, [id['520100000202']!])).toEqual([findings[1]]);
      expect(await repo.findings(id['2019']!, null)).toEqual([]);
    });
  });
}
