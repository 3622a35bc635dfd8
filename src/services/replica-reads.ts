/**
 * Reading the long reports from a read replica (report-replica.ts): the primary's position at the
 * request, and the replica opened once it has replayed it (store/replica.ts), so that a report
 * drawn there shows everything committed before it was asked for.
 */
import { resolveAuditKey } from '../store/audit-key.ts';
import { openStore, type Store } from '../store/db.ts';
import { replayState, walPosition, type WalPosition } from '../store/replica.ts';

export type { WalPosition };

/** The primary's WAL position now (null for SQLite): what a replica must have replayed. */
export const primaryPosition = walPosition;

/**
 * The replica, opened read-only, once it has replayed `lsn` (polled every 100 ms for at most
 * `waitMs`); no store, and why, when it is still behind after the wait or cannot be read. The
 * store is opened with the primary's audit key (`primaryUrl`): the report's audit anchor is the
 * same whichever copy it is read from.
 */
export async function openCaughtUpReplica(
  replica: { url: string; lsn: WalPosition | null; waitMs: number },
  options: { primaryUrl: string; pgSchema?: string },
): Promise<{ store?: Store; waitedMs: number; reason?: string }> {
  const started = Date.now();
  let store: Store | undefined;
  try {
    store = await openStore({ url: replica.url, ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}), readOnly: true, auditKey: resolveAuditKey(options.primaryUrl) });
    for (;;) {
      const state = replica.lsn === null ? 'yes' : await replayState(store, replica.lsn);
      if (state === 'yes') return { store, waitedMs: Date.now() - started };
      if (state === 'other') {
        await store.close();
        return {
          waitedMs: Date.now() - started,
          reason: 'the replica is not a standby of this database, nor the primary itself (another cluster, or a standby promoted since): what it shows may be old',
        };
      }
      if (Date.now() - started >= replica.waitMs) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await store.close();
    return { waitedMs: Date.now() - started, reason: `the replica had not replayed ${replica.lsn!.lsn} after ${replica.waitMs} ms` };
  } catch (e) {
    await store?.close().catch(() => undefined);
    return { waitedMs: Date.now() - started, reason: `the replica could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}
