/** The audit log: verifying the chain and its anchors, the head to print on reports, the office's reading of it, its export. */
import { formatAnchor } from '../../core/audit-anchor.ts';
import { localDateTime } from '../../core/time-zone.ts';
import { officeTimeZone } from '../time-zone.ts';
import { auditSentence, type AuditNames } from '../../core/audit-sentence.ts';
import type { AuditEntryRecord } from '../../core/campaign/records.ts';
import type { Lang } from '../../core/scheme/model.ts';
import { auditXlsx } from '../../reports/xlsx/audit.ts';
import type { AuditAnchor, AuditQuery, AuditVerification } from '../../store/audit.repository.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertReadAuditLog, type Actor } from '../policies.ts';

/** Entries an export holds at most (the newest): far more than a county writes in a year. */
export const AUDIT_EXPORT_MAX = 200_000;
/** Assessments named by village in one reading of the log; past it they are named by id. */
const NAMED_ASSESSMENTS_MAX = 500;

export class AuditService {
  constructor(private readonly deps: { uow: UnitOfWork<Pick<Repositories, 'audit' | 'users' | 'assessments'>>; clock?: () => Date }) {}

  /** Verifies the audit chain, its head and every anchor: the ranking snapshots' and those given (printed on reports). */
  verifyAudit(anchors: AuditAnchor[] = []): Promise<AuditVerification> {
    return this.deps.uow.read.audit.verify(anchors);
  }

  /** The verification, for a reader of the log (the office of the whole database, assertReadAuditLog). */
  verifyAuditFor(actor: Actor, anchors: AuditAnchor[] = []): Promise<AuditVerification> {
    assertReadAuditLog(actor);
    return this.verifyAudit(anchors);
  }

  /** The audit log's head now, to print on a report as an anchor (`N:first 16 hex digits`). */
  auditAnchor(): Promise<{ entries: number; hash: string } | null> {
    return this.deps.uow.read.audit.head();
  }

  async auditLog(actor: Actor, options: AuditQuery = {}) {
    assertReadAuditLog(actor);
    return this.deps.uow.read.audit.list(options);
  }

  /** The names the entries' sentences use: users' display names, and the villages of the assessments they name. */
  async names(entries: readonly AuditEntryRecord[]): Promise<AuditNames> {
    const { users: userRepository, assessments: assessmentRepository } = this.deps.uow.read;
    const users = new Map<string, string>();
    for (const u of await userRepository.list()) if (u.displayName) users.set(u.username, u.displayName);
    const ids = [...new Set(entries.filter((e) => e.entity === 'assessment').map((e) => e.entityId))].slice(0, NAMED_ASSESSMENTS_MAX);
    const named = await assessmentRepository.villageNames(ids.filter((id) => /^\d+$/.test(id)).map(Number));
    const assessments = new Map([...named].map(([id, name]) => [String(id), name]));
    return { users, assessments };
  }

  /** The entries (newest first) each with its sentence in the reader's language. */
  async auditLogWithSentences(actor: Actor, options: AuditQuery, lang: Lang) {
    const entries = await this.auditLog(actor, options);
    const names = await this.names(entries);
    return entries.map((e) => ({ ...e, sentence: auditSentence(e, lang, names) }));
  }

  /** The log as a workbook (office only): every entry with its sentence, and the chain's verification and anchor in its title rows. */
  async exportAudit(actor: Actor, lang: Lang, query: Omit<AuditQuery, 'limit'> = {}): Promise<{ body: Buffer; verification: AuditVerification }> {
    assertReadAuditLog(actor);
    const verification = await this.verifyAudit();
    const head = await this.auditAnchor();
    const entries = await this.auditLogWithSentences(actor, { ...query, limit: AUDIT_EXPORT_MAX }, lang);
    const date = localDateTime(this.deps.clock?.() ?? new Date(), officeTimeZone(), { seconds: true });
    const body = await auditXlsx({
      lang,
      date,
      verification,
      anchor: head ? formatAnchor(head) : null,
      entries: entries.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entityId, sentence: e.sentence })),
    });
    return { body, verification };
  }
}
