/** Evidence files' rows (the files themselves are in the evidence store, by SHA-256). */
import type { Selectable } from 'kysely';
import type { EvidenceRecord } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';
import type { EvidenceTable } from './schema.ts';

export const evidenceOf = (e: Selectable<EvidenceTable>): EvidenceRecord => ({
  id: e.id,
  findingId: e.finding_id,
  appealId: e.appeal_id,
  sha256: e.sha256,
  filename: e.filename,
  mime: e.mime,
  size: Number(e.size),
  takenAt: e.taken_at,
  latitude: e.latitude === null ? null : Number(e.latitude),
  longitude: e.longitude === null ? null : Number(e.longitude),
  status: e.status,
  uploadedAt: e.uploaded_at,
  uploadedBy: e.uploaded_by,
});

export type NewEvidence = Omit<EvidenceRecord, 'id' | 'status'>;

export class EvidenceRepository {
  constructor(private readonly db: Executor) {}

  /** The evidence of an assessment's findings and appeals, by id. */
  async ofAssessment(assessmentId: number): Promise<EvidenceRecord[]> {
    const rows = await this.db
      .selectFrom('evidence')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('finding_id', 'in', eb.selectFrom('findings').select('id').where('assessment_id', '=', assessmentId)),
          eb('appeal_id', 'in', eb.selectFrom('appeals').select('id').where('assessment_id', '=', assessmentId)),
        ]),
      )
      .orderBy('id')
      .execute();
    return rows.map(evidenceOf);
  }

  /** The evidence of a finding or an appeal, by id. */
  async of(target: { findingId: number } | { appealId: number }): Promise<EvidenceRecord[]> {
    let q = this.db.selectFrom('evidence').selectAll().orderBy('id');
    q = 'findingId' in target ? q.where('finding_id', '=', target.findingId) : q.where('appeal_id', '=', target.appealId);
    return (await q.execute()).map(evidenceOf);
  }

  /** The active evidence of some findings, by id. */
  async activeOfFindings(findingIds: readonly number[]): Promise<EvidenceRecord[]> {
    if (!findingIds.length) return [];
    return (await this.db.selectFrom('evidence').selectAll().where('finding_id', 'in', findingIds).where('status', '=', 'active').orderBy('id').execute()).map(evidenceOf);
  }

  /** One evidence row with the assessment it belongs to (through its finding or appeal). */
  async withAssessment(evidenceId: number): Promise<(EvidenceRecord & { assessmentId: number | null }) | undefined> {
    const e = await this.db
      .selectFrom('evidence as e')
      .leftJoin('findings as f', 'f.id', 'e.finding_id')
      .leftJoin('appeals as ap', 'ap.id', 'e.appeal_id')
      .selectAll('e')
      .select(['f.assessment_id as finding_assessment', 'ap.assessment_id as appeal_assessment'])
      .where('e.id', '=', evidenceId)
      .executeTakeFirst();
    if (!e) return undefined;
    return { ...evidenceOf(e), assessmentId: e.finding_assessment ?? e.appeal_assessment ?? null };
  }

  async insert(e: NewEvidence): Promise<number> {
    const row = await this.db
      .insertInto('evidence')
      .values({
        finding_id: e.findingId,
        appeal_id: e.appealId,
        sha256: e.sha256,
        filename: e.filename,
        mime: e.mime,
        size: e.size,
        taken_at: e.takenAt,
        latitude: e.latitude,
        longitude: e.longitude,
        uploaded_at: e.uploadedAt,
        uploaded_by: e.uploadedBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async withdrawOfFinding(findingId: number): Promise<void> {
    await this.db.updateTable('evidence').set({ status: 'withdrawn' }).where('finding_id', '=', findingId).execute();
  }

  /** Whether any row names a file (by content). */
  async names(sha256: string): Promise<boolean> {
    return (await this.db.selectFrom('evidence').select('id').where('sha256', '=', sha256).executeTakeFirst()) !== undefined;
  }

  /** Bytes of evidence an assessment holds: its findings' and appeals' files, withdrawn ones too. */
  async bytesOf(assessmentId: number): Promise<number> {
    const r = await this.db
      .selectFrom('evidence as e')
      .leftJoin('findings as f', 'f.id', 'e.finding_id')
      .leftJoin('appeals as ap', 'ap.id', 'e.appeal_id')
      .select((eb) => eb.fn.sum<number | string | null>('e.size').as('n'))
      .where((eb) => eb.or([eb('f.assessment_id', '=', assessmentId), eb('ap.assessment_id', '=', assessmentId)]))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
