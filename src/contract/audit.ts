/** The audit log (the office only) and its verification. */
import type { AuditEntryRecord } from '../core/campaign/records.ts';

/** An entry of the audit log: who did what to which entity, the state before and after, its place in the chain. */
/** An entry of the log, with its sentence in the reader's language (core/audit-sentence.ts). */
export type AuditEntry = AuditEntryRecord & { sentence: string };

/** GET /api/audit */
export interface AuditAnswer {
  entries: AuditEntry[];
}

/** GET /api/audit/verify */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** Anchors checked (ranking snapshots' and those given). */
  anchors: number;
  /** The first entry that does not fit the chain (its id), with why. */
  broken?: { id: number | null; position: number; reason: string };
}
