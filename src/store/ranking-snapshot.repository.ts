/** Rankings as they stood when published or changed, each anchored to the audit log's head. */
import type { RankingSnapshotRecord } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';

export class RankingSnapshotRepository {
  constructor(private readonly db: Executor) {}

  async insert(s: { campaignId: number; createdAt: string; createdBy: string; reason: string; data: unknown }): Promise<number> {
    const row = await this.db
      .insertInto('ranking_snapshots')
      .values({ campaign_id: s.campaignId, created_at: s.createdAt, created_by: s.createdBy, reason: s.reason, data: JSON.stringify(s.data) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Records the audit log's head (with the snapshot's own entry) on the snapshot. */
  async anchor(snapshotId: number, head: { entries: number; hash: string }): Promise<void> {
    await this.db.updateTable('ranking_snapshots').set({ audit_entries: head.entries, audit_hash: head.hash }).where('id', '=', snapshotId).execute();
  }

  async ofCampaign(campaignId: number): Promise<RankingSnapshotRecord[]> {
    const rows = await this.db.selectFrom('ranking_snapshots').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      campaignId: r.campaign_id,
      createdAt: r.created_at,
      createdBy: r.created_by,
      reason: r.reason,
      data: JSON.parse(r.data) as unknown,
      auditEntries: r.audit_entries === null ? null : Number(r.audit_entries),
      auditHash: r.audit_hash,
    }));
  }
}
