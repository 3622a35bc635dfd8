/**
 * The audit log: append-only, each entry carrying a SHA-256 over the previous entry's hash and
 * its own content, so an edited, deleted or reordered entry breaks the chain. The head row is
 * locked while an entry is appended, so concurrent writers never fork the chain.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './db.ts';
import type { DB } from './schema.ts';

export const GENESIS = '0'.repeat(64);

export interface AuditInput {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** JSON with sorted keys, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an entry given the previous entry's hash; `seq` is the entry's position (1-based). */
export function entryHash(
  prevHash: string,
  seq: number,
  e: { at: string; actor: string; action: string; entity: string; entity_id: string; before: string | null; after: string | null },
): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson({ seq, at: e.at, actor: e.actor, action: e.action, entity: e.entity, entity_id: e.entity_id, before: e.before, after: e.after }))
    .digest('hex');
}

/** Appends one entry inside the caller's transaction. */
export async function appendAudit(trx: Transaction<DB> | Kysely<DB>, dialect: Dialect, input: AuditInput): Promise<void> {
  let headQuery = trx.selectFrom('audit_head').select(['hash', 'entries']).where('id', '=', 1);
  if (dialect === 'postgres') headQuery = headQuery.forUpdate();
  const head = await headQuery.executeTakeFirstOrThrow();
  const row = {
    at: input.at,
    actor: input.actor,
    action: input.action,
    entity: input.entity,
    entity_id: String(input.entityId),
    before: input.before === undefined ? null : canonicalJson(input.before),
    after: input.after === undefined ? null : canonicalJson(input.after),
  };
  const seq = Number(head.entries) + 1;
  const hash = entryHash(head.hash, seq, row);
  await trx.insertInto('audit_log').values({ ...row, prev_hash: head.hash, hash }).execute();
  await trx.updateTable('audit_head').set({ hash, entries: seq }).where('id', '=', 1).execute();
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry that does not fit the chain (its id), with why. */
  broken?: { id: number | null; position: number; reason: string };
}

/** Walks the whole chain in id order and names the first entry that breaks it. */
export async function verifyAudit(db: Kysely<DB>): Promise<AuditVerification> {
  let prev = GENESIS;
  let position = 0;
  let lastId = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute();
    for (const r of rows) {
      position++;
      if (r.prev_hash !== prev) {
        return { ok: false, entries: position - 1, broken: { id: r.id, position, reason: 'it does not follow the entry before it (an entry before it was deleted, or entries were reordered)' } };
      }
      const expected = entryHash(prev, position, r);
      if (expected !== r.hash) return { ok: false, entries: position - 1, broken: { id: r.id, position, reason: 'its content or hash was changed' } };
      prev = r.hash;
    }
    if (rows.length < 5000) break;
    lastId = rows[rows.length - 1]!.id;
  }
  const head = await db.selectFrom('audit_head').select(['hash', 'entries']).where('id', '=', 1).executeTakeFirstOrThrow();
  if (head.hash !== prev || Number(head.entries) !== position) {
    return { ok: false, entries: position, broken: { id: null, position: position + 1, reason: `the log ends after ${position} entries but ${head.entries} were written: the last entries were deleted` } };
  }
  return { ok: true, entries: position };
}
