/**
 * The audit log as a workbook (审计日志): the chain's verification result and the log's anchor in
 * the title rows, then a row per entry with its sentence, time, actor, action and entity.
 */
import type { AuditEntryRecord } from '../../core/campaign/records.ts';
import type { Lang } from '../../core/scheme/model.ts';
import { addTable, text, workbookBuffer, type TableRow } from './sheet-kit.ts';

/** An audit entry as a row of the workbook: the record's fields and its sentence. */
export interface AuditWorkbookEntry extends Pick<AuditEntryRecord, 'id' | 'at' | 'actor' | 'action' | 'entity' | 'entityId'> {
  sentence: string;
}

export interface AuditWorkbook {
  lang: Lang;
  /** When the file was made (ISO). */
  date: string;
  /** verifyAudit's answer when the file was made. */
  verification: { ok: boolean; entries: number; anchors: number; broken?: { id: number | null; position: number; reason: string } };
  /** The log's head as an anchor (`N:HEX`), or null for an empty log. */
  anchor: string | null;
  entries: readonly AuditWorkbookEntry[];
}

const WORDS = {
  zh: {
    sheet: '审计日志',
    title: '审计日志',
    made: (d: string) => `导出时间：${d}`,
    ok: (n: number, a: number) => `校验结果：通过（共 ${n} 条记录，${a} 个锚点一致，日志未被删改）`,
    broken: (pos: number, id: number | null, reason: string) => `校验结果：未通过，第 ${pos} 条${id === null ? '' : `（记录 #${id}）`}起不一致：${reason}`,
    anchor: (a: string | null) => `审计锚点：${a ?? '（日志为空）'}`,
    columns: ['编号', '时间', '操作人', '说明', '操作', '对象', '对象编号'],
  },
  en: {
    sheet: 'Audit log',
    title: 'Audit log',
    made: (d: string) => `Exported: ${d}`,
    ok: (n: number, a: number) => `Verification: passed (${n} entries, ${a} anchors agree; the log was not cut or rewritten)`,
    broken: (pos: number, id: number | null, reason: string) => `Verification: FAILED at entry ${pos}${id === null ? '' : ` (id ${id})`}: ${reason}`,
    anchor: (a: string | null) => `Audit anchor: ${a ?? '(empty log)'}`,
    columns: ['Id', 'Time', 'Actor', 'What happened', 'Action', 'Entity', 'Entity id'],
  },
} as const;

/** The verification line of the file, as the title rows print it. */
export function verificationLine(v: AuditWorkbook['verification'], lang: Lang): string {
  const w = WORDS[lang];
  return v.ok || !v.broken ? w.ok(v.entries, v.anchors) : w.broken(v.broken.position, v.broken.id, v.broken.reason);
}

/** The audit log workbook's bytes. */
export function auditXlsx(data: AuditWorkbook): Promise<Buffer> {
  const w = WORDS[data.lang];
  const rows: TableRow[] = data.entries.map((e) => ({
    values: [e.id, text(e.at.replace('T', ' ').slice(0, 19)), text(e.actor), text(e.sentence), text(e.action), text(e.entity), text(e.entityId)],
  }));
  return workbookBuffer((book) => {
    addTable(book, {
      name: w.sheet,
      title: w.title,
      subtitle: [verificationLine(data.verification, data.lang), w.anchor(data.anchor), w.made(data.date)],
      columns: w.columns.map((header, i) => ({ header, ...(i === 0 ? { numFmt: '0' } : {}), ...(i === 3 ? { wrap: true } : {}) })),
      rows,
      freezeColumns: 2,
      autoFilter: true,
      lang: data.lang,
    });
  });
}
