/**
 * CampaignServices's evidence on every database: the quota per assessment (its findings' and
 * appeals' files, withdrawn ones too), who is turned away before a file is read, and a failed
 * write that leaves nothing in the store: neither a row without its file nor a file of a
 * transaction that did not commit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceCounts, seedForEvidence, type EvidenceSeed } from '../../../test/evidence-server.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import { type CampaignServices, type StagedEvidenceLike } from './index.ts';
import { EvidenceStore } from '../evidence/evidence-store.ts';
import type { Actor } from '../policies.ts';
import { compose } from '../../compose.ts';

const admin: Actor = { user: 'office', role: 'admin' };
const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);

async function refused(p: Promise<unknown>, code: string): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect((e as { code?: string }).code, (e as Error).message).toBe(code);
    return e as { code: string; message: string };
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

describe.each(storeTargets())('CampaignServices evidence ($dialect)', (target) => {
  let store: Store;
  let seed: EvidenceSeed;
  let dir: string;
  let files: EvidenceStore;
  let service: CampaignServices;
  const counts = () => evidenceCounts(store, files.root);

  beforeAll(async () => {
    store = await target.open();
    seed = await seedForEvidence(store);
    dir = mkdtempSync(join(tmpdir(), 'kaohe-evidence-'));
    files = new EvidenceStore(join(dir, 'evidence'), { quotaBytes: 10_000 });
    service = compose({ store, evidence: files }).campaigns;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts an assessment’s files against its quota, withdrawn ones too, and refuses what would pass it', async () => {
    expect(await service.evidence.evidenceRoom(admin, { findingId: seed.findingId })).toEqual({ assessmentId: seed.assessmentId, usedBytes: 0, quotaBytes: 10_000 });
    await service.evidence.addEvidence(admin, { findingId: seed.findingId }, { filename: 'a.jpg', bytes: jpeg(4000) });
    // The finding withdrawn: its file is kept, and still counted.
    const a = await service.assessments.getAssessment(admin, seed.assessmentId);
    await service.findings.withdrawFinding(admin, seed.assessmentId, a.version, seed.findingId, '记错了');
    const second = await service.findings.addFinding(admin, seed.assessmentId, (await service.assessments.getAssessment(admin, seed.assessmentId)).version, { item: '1.1' });
    expect((await service.evidence.evidenceRoom(admin, { findingId: second })).usedBytes).toBe(4000);
    await service.evidence.addEvidenceFiles(admin, { findingId: second }, [
      { filename: 'b.jpg', bytes: jpeg(3000) },
      { filename: 'c.jpg', bytes: jpeg(2000) },
    ]);
    const before = await counts();
    const e = await refused(service.evidence.addEvidence(admin, { findingId: second }, { filename: 'd.jpg', bytes: jpeg(1001) }), 'evidence-quota');
    expect(e.message).toBe('the evidence of this assessment is limited to 9.8 KiB: 8.8 KiB already used, 1 KiB left, and this upload is 1 KiB');
    expect(await counts()).toEqual(before);
    // Exactly what is left fits.
    await service.evidence.addEvidence(admin, { findingId: second }, { filename: 'e.jpg', bytes: jpeg(1000) });
    expect((await service.evidence.evidenceRoom(admin, { assessmentId: seed.assessmentId })).usedBytes).toBe(10_000);
  });

  it('counts an appeal’s files against its assessment’s quota', async () => {
    await service.evidence.addEvidence(admin, { appealId: seed.appealId }, { filename: 'appeal.jpg', bytes: jpeg(6000) });
    expect(await service.evidence.evidenceRoom(admin, { appealId: seed.appealId })).toMatchObject({ assessmentId: seed.publishedId, usedBytes: 6000 });
    expect(await service.evidence.evidenceRoom(admin, { assessmentId: seed.publishedId, appeal: true })).toMatchObject({ usedBytes: 6000 });
    await refused(service.evidence.addEvidence(admin, { appealId: seed.appealId }, { filename: 'more.jpg', bytes: jpeg(4001) }), 'evidence-quota');
  });

  it('turns away who may not add evidence, and a finding that cannot take it, before a file is read', async () => {
    // Out of reach reads as missing (404), in the words a missing finding or appeal gets.
    const inspector: Actor = { user: 'nobody', role: 'inspector' };
    expect((await refused(service.evidence.evidenceRoom(inspector, { findingId: seed.findingId }), 'not-found')).message).toBe(`finding ${seed.findingId} not found`);
    expect((await refused(service.evidence.evidenceRoom({ user: 'v', role: 'village', village: '000000000000' }, { appealId: seed.appealId }), 'not-found')).message).toBe(
      `appeal ${seed.appealId} not found`,
    );
    // The first finding was withdrawn above.
    await refused(service.evidence.evidenceRoom(admin, { findingId: seed.findingId }), 'invalid-state');
    await refused(service.evidence.evidenceRoom(admin, { findingId: 999_999 }), 'not-found');
    // A published assessment's findings take no evidence.
    await refused(service.evidence.evidenceRoom(admin, { assessmentId: seed.publishedId }), 'invalid-state');
  });

  describe('a failed write leaves nothing in the store', () => {
    let finding: number;
    let other: CampaignServices;
    let big: EvidenceStore;
    beforeAll(async () => {
      big = new EvidenceStore(files.root);
      other = compose({ store, evidence: big }).campaigns;
      const { version } = await other.assessments.getAssessment(admin, seed.assessmentId);
      finding = await other.findings.addFinding(admin, seed.assessmentId, version, { item: '1.1' });
    });

    it('a row that cannot be written: no row, no stored file, no temporary file', async () => {
      const before = await counts();
      const staged = await big.stage({ filename: 'x.jpg', bytes: jpeg(500) });
      // The database refuses the row (filename is NOT NULL).
      const broken = Object.assign(Object.create(Object.getPrototypeOf(staged) as object) as StagedEvidenceLike, staged, { filename: null as unknown as string });
      await expect(other.evidence.addEvidenceFiles(admin, { findingId: finding }, [broken])).rejects.toThrow();
      expect(await counts()).toEqual(before);
      expect(await big.has(staged.sha256)).toBe(false);
    });

    it('a transaction that fails after its files were placed: they are taken back', async () => {
      const before = await counts();
      const first = await big.stage({ filename: 'first.jpg', bytes: jpeg(500) });
      const second = await big.stage({ filename: 'second.jpg', bytes: jpeg(500) });
      // The second file cannot be placed (a full disk): the transaction rolls back, the first is taken out again.
      const failing: StagedEvidenceLike = Object.assign(Object.create(Object.getPrototypeOf(second) as object) as StagedEvidenceLike, second, {
        place: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })),
      });
      await expect(other.evidence.addEvidenceFiles(admin, { findingId: finding }, [first, failing])).rejects.toThrow(/ENOSPC/);
      expect(await big.has(first.sha256)).toBe(false);
      expect(await counts()).toEqual(before);
    });

    it('a file another row names stays when a transaction with the same content fails', async () => {
      const bytes = jpeg(700);
      await other.evidence.addEvidence(admin, { findingId: finding }, { filename: 'kept.jpg', bytes });
      const before = await counts();
      const again = await big.stage({ filename: 'again.jpg', bytes });
      const second = await big.stage({ filename: 'second.jpg', bytes: jpeg(500) });
      const failing: StagedEvidenceLike = Object.assign(Object.create(Object.getPrototypeOf(second) as object) as StagedEvidenceLike, second, {
        place: () => Promise.reject(new Error('disk gone')),
      });
      await expect(other.evidence.addEvidenceFiles(admin, { findingId: finding }, [again, failing])).rejects.toThrow(/disk gone/);
      expect(await big.verify(again.sha256)).toBe(true);
      expect(await counts()).toEqual(before);
    });
  });
});
