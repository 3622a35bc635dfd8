/** The audit log: verifying the chain and its anchors, the head to print on reports, the office's reading of it. */
import type { AuditAnchor, AuditVerification } from '../../store/audit.repository.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertReadAuditLog, type Actor } from '../policies.ts';

export class AuditService {
  constructor(private readonly deps: { uow: UnitOfWork<Pick<Repositories, 'audit'>> }) {}

  /** Verifies the audit chain, its head and every anchor: the ranking snapshots' and those given (printed on reports). */
  verifyAudit(anchors: AuditAnchor[] = []): Promise<AuditVerification> {
    return this.deps.uow.read.audit.verify(anchors);
  }

  /** The audit log's head now, to print on a report as an anchor (`N:first 16 hex digits`). */
  auditAnchor(): Promise<{ entries: number; hash: string } | null> {
    return this.deps.uow.read.audit.head();
  }

  async auditLog(actor: Actor, options: { entity?: string; entityId?: string; limit?: number } = {}) {
    assertReadAuditLog(actor);
    return this.deps.uow.read.audit.list(options);
  }
}
