/**
 * The one read evidence housekeeping needs: which stored files evidence rows still name. Apart
 * from the evidence repository, so that the start-up tidying needs nothing of the campaigns.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** Of the given SHA-256 hashes, those an evidence row names (a batch of at most a few hundred). */
export async function hashesNamedByEvidence(db: Kysely<DB>, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db.selectFrom('evidence').select('sha256').distinct().where('sha256', 'in', hashes).execute();
  return new Set(rows.map((r) => r.sha256));
}
