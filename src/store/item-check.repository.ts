/** Items marked "checked, no deduction" on assessments: one row per assessment and item. */
import type { ItemCheckRecord } from '../core/campaign/records.ts';
import type { Executor } from './executor.ts';

/** Ids per query of the batched reads (well under either database's parameter limit). */
const CHUNK = 500;

/** A mark as its row holds it. */
export const itemCheckOf = (r: { assessment_id: number; item: string; checked_by: string; checked_at: string }): ItemCheckRecord => ({
  assessmentId: r.assessment_id,
  item: r.item,
  checkedBy: r.checked_by,
  checkedAt: r.checked_at,
});

export class ItemCheckRepository {
  constructor(private readonly db: Executor) {}

  /** The marks of an assessment, by item. */
  async ofAssessment(assessmentId: number): Promise<ItemCheckRecord[]> {
    const rows = await this.db.selectFrom('item_checks').selectAll().where('assessment_id', '=', assessmentId).orderBy('item').execute();
    return rows.map(itemCheckOf);
  }

  /** The marked items of some assessments (one query per 500 ids). */
  async itemsOf(assessmentIds: readonly number[]): Promise<Array<{ assessmentId: number; item: string }>> {
    const out: Array<{ assessmentId: number; item: string }> = [];
    for (let i = 0; i < assessmentIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('item_checks')
        .select(['assessment_id', 'item'])
        .where('assessment_id', 'in', assessmentIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ assessmentId: Number(r.assessment_id), item: r.item });
    }
    return out;
  }

  async has(assessmentId: number, item: string): Promise<boolean> {
    return (await this.db.selectFrom('item_checks').select('item').where('assessment_id', '=', assessmentId).where('item', '=', item).executeTakeFirst()) !== undefined;
  }

  async add(c: ItemCheckRecord): Promise<void> {
    await this.db.insertInto('item_checks').values({ assessment_id: c.assessmentId, item: c.item, checked_by: c.checkedBy, checked_at: c.checkedAt }).execute();
  }

  async remove(assessmentId: number, item: string): Promise<void> {
    await this.db.deleteFrom('item_checks').where('assessment_id', '=', assessmentId).where('item', '=', item).execute();
  }
}
