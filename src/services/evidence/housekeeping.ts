/**
 * Evidence housekeeping, run when the server starts: temporary files of processes that no longer
 * run (a crash or a kill mid-upload) and stored files no evidence row names (a crash between a
 * file's place() and its row's commit, see EvidenceStore), once they are an hour old (younger
 * ones may belong to a command-line upload committing right now).
 */
import type { Kysely } from 'kysely';
import { hashesNamedByEvidence } from '../../store/evidence-housekeeping.ts';
import type { DB } from '../../store/schema.ts';
import type { EvidenceStore } from './evidence-store.ts';

export interface Tidied {
  /** Temporary files removed. */
  temporary: number;
  /** Stored files no row named, removed. */
  orphans: number;
  /** Uploads in parts left for 7 days, removed (uploads.ts; counted by the composition root's tidying). */
  uploads?: number;
}

const BATCH = 500;

export async function tidyEvidence(db: Kysely<DB>, store: EvidenceStore, options: { orphanAgeMs?: number; now?: number } = {}): Promise<Tidied> {
  const { orphanAgeMs = 60 * 60 * 1000, now = Date.now() } = options;
  const temporary = await store.sweepTemp({ startup: true, now });
  let orphans = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const named = await hashesNamedByEvidence(db, batch);
    for (const sha of batch) {
      if (named.has(sha)) continue;
      await store.removeFile(sha);
      orphans++;
    }
    batch = [];
  };
  for await (const file of store.list()) {
    if (now - file.mtimeMs < orphanAgeMs) continue;
    batch.push(file.sha256);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return { temporary, orphans };
}
