/** The audit log (the office only) and its verification. */

/** An entry of the audit log: who did what to which entity, the state before and after. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  /** The chain: the previous entry's hash, and this entry's (keyed). */
  prevHash: string;
  hash: string;
}

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
