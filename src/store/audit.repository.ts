/**
 * The audit log: append-only, each entry carrying an HMAC-SHA-256, keyed with a secret kept
 * outside the database (audit-key.ts), over the previous entry's hash and its own content, so an
 * edited, deleted or reordered entry breaks the chain, and whoever can write the database but
 * has not the key cannot compute the chain again. The head (the last hash and the number of
 * entries) carries its own MAC, so a log cut short and its head reset to an earlier entry is
 * found too; ranking snapshots and printed reports keep the head as an anchor, so even a copy of
 * an earlier database put back is found. The head row is locked while an entry is appended, so
 * concurrent writers never fork the chain.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditAnchor } from '../core/audit-anchor.ts';
import type { AuditEntryRecord, AuditQuery } from '../core/campaign/records.ts';

export type { AuditQuery };
import type { Dialect } from './db.ts';

export type { AuditAnchor } from '../core/audit-anchor.ts';
import type { DB } from './schema.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { underArea } from './area-subtree.ts';
import { writeInChunks } from './in-chunks.ts';

export { canonicalJson };

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

type EntryContent = { at: string; actor: string; action: string; entity: string; entity_id: string; before: string | null; after: string | null };

function contentOf(seq: number, e: EntryContent): string {
  return canonicalJson({ seq, at: e.at, actor: e.actor, action: e.action, entity: e.entity, entity_id: e.entity_id, before: e.before, after: e.after });
}

/** The keyed hash of an entry given the previous entry's hash; `seq` is the entry's position (1-based). */
export function entryHash(key: Buffer, prevHash: string, seq: number, e: EntryContent): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(contentOf(seq, e)).digest('hex');
}

/** How entries were chained before the key (plain SHA-256): read once, by the migration that keys the log. */
function legacyEntryHash(prevHash: string, seq: number, e: EntryContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(contentOf(seq, e)).digest('hex');
}

/** The head's MAC: the number of entries and the last hash, under the key. */
export function headMac(key: Buffer, entries: number, hash: string): string {
  return createHmac('sha256', key).update(`audit-head\n${entries}\n${hash}`).digest('hex');
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Appends one entry inside the caller's transaction. */
export function appendAudit(trx: Transaction<DB> | Kysely<DB>, store: { dialect: Dialect; auditKey: Buffer }, input: AuditInput): Promise<void> {
  return appendAuditEntries(trx, store, [input]);
}

/**
 * Appends entries in their order inside the caller's transaction: chained one after the other
 * in memory, written a few hundred a statement, the head moved once (a province's 50,000
 * publications: some 2 s, not a statement or three an entry).
 */
export async function appendAuditEntries(trx: Transaction<DB> | Kysely<DB>, store: { dialect: Dialect; auditKey: Buffer }, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  let headQuery = trx.selectFrom('audit_head').select(['hash', 'entries']).where('id', '=', 1);
  if (store.dialect === 'postgres') headQuery = headQuery.forUpdate();
  const head = await headQuery.executeTakeFirst();
  if (!head) throw new Error('the audit log has no head row: the database was tampered with; run `kaohe audit verify`');
  let seq = Number(head.entries);
  let hash = head.hash;
  const rows = inputs.map((input) => {
    const row = {
      at: input.at,
      actor: input.actor,
      action: input.action,
      entity: input.entity,
      entity_id: String(input.entityId),
      before: input.before === undefined ? null : canonicalJson(input.before),
      after: input.after === undefined ? null : canonicalJson(input.after),
    };
    seq += 1;
    const prev = hash;
    hash = entryHash(store.auditKey, prev, seq, row);
    return Object.assign(row, { prev_hash: prev, hash });
  });
  // Ids are given in the order of the values: the chain's order (verifyAudit walks by id).
  await writeInChunks(rows, (chunk) => trx.insertInto('audit_log').values(chunk).execute());
  await trx
    .updateTable('audit_head')
    .set({ hash, entries: seq, mac: headMac(store.auditKey, seq, hash) })
    .where('id', '=', 1)
    .execute();
}

/** The head of the log now: its number of entries and last hash (an anchor to keep or print). */
export async function auditHead(db: Transaction<DB> | Kysely<DB>): Promise<{ entries: number; hash: string } | null> {
  const head = await db.selectFrom('audit_head').select(['hash', 'entries']).where('id', '=', 1).executeTakeFirst();
  return head ? { entries: Number(head.entries), hash: head.hash } : null;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** Anchors checked (ranking snapshots and those given). */
  anchors: number;
  /** The first entry that does not fit the chain (its id), with why. */
  broken?: { id: number | null; position: number; reason: string };
}

/**
 * Walks the whole chain in id order and names the first entry that breaks it; checks the head,
 * its MAC, and every anchor (ranking snapshots', and `extra` ones). Never throws on a damaged log.
 */
export async function verifyAudit(db: Kysely<DB>, key: Buffer, extra: AuditAnchor[] = []): Promise<AuditVerification> {
  const snapshots = await db
    .selectFrom('ranking_snapshots')
    .select(['id', 'created_at', 'audit_entries', 'audit_hash'])
    .where('audit_entries', 'is not', null)
    .orderBy('id')
    .execute();
  const anchors: AuditAnchor[] = [
    ...snapshots.map((s) => ({ entries: Number(s.audit_entries), hash: s.audit_hash ?? '', source: `ranking snapshot ${s.id} (${s.created_at})` })),
    ...extra,
  ];
  const byPosition = new Map<number, AuditAnchor[]>();
  for (const a of anchors) byPosition.set(a.entries, [...(byPosition.get(a.entries) ?? []), a]);
  const anchorBreak = (a: AuditAnchor, at: string) =>
    `${a.source} recorded the log at ${a.entries} entries with hash ${a.hash.slice(0, 16)}…, ${at}: the log was cut short or rewritten`;

  let prev = GENESIS;
  let position = 0;
  let lastId = 0;
  const checked = new Set<AuditAnchor>();
  const checkAnchors = (pos: number, hash: string): AuditVerification | null => {
    for (const a of byPosition.get(pos) ?? []) {
      checked.add(a);
      if (!hash.startsWith(a.hash))
        return {
          ok: false,
          entries: pos,
          anchors: checked.size,
          broken: { id: null, position: pos, reason: anchorBreak(a, `but entry ${pos} now has hash ${hash.slice(0, 16)}…`) },
        };
    }
    return null;
  };
  const atGenesis = checkAnchors(0, GENESIS);
  if (atGenesis) return atGenesis;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute();
    for (const r of rows) {
      position++;
      if (r.prev_hash !== prev) {
        return {
          ok: false,
          entries: position - 1,
          anchors: checked.size,
          broken: { id: r.id, position, reason: 'it does not follow the entry before it (an entry before it was deleted, or entries were reordered)' },
        };
      }
      const expected = entryHash(key, prev, position, r);
      if (!sameHex(expected, r.hash)) {
        return {
          ok: false,
          entries: position - 1,
          anchors: checked.size,
          broken: { id: r.id, position, reason: 'its content or hash was changed (or it was written without the audit key)' },
        };
      }
      prev = r.hash;
      const anchored = checkAnchors(position, r.hash);
      if (anchored) return anchored;
    }
    if (rows.length < 5000) break;
    lastId = rows[rows.length - 1]!.id;
  }
  const head = await db.selectFrom('audit_head').select(['hash', 'entries', 'mac']).where('id', '=', 1).executeTakeFirst();
  if (!head)
    return { ok: false, entries: position, anchors: checked.size, broken: { id: null, position: position + 1, reason: 'the head row of the log is missing (it was deleted)' } };
  if (head.hash !== prev || Number(head.entries) !== position) {
    return {
      ok: false,
      entries: position,
      anchors: checked.size,
      broken: { id: null, position: position + 1, reason: `the log ends after ${position} entries but ${head.entries} were written: the last entries were deleted` },
    };
  }
  if (!head.mac || !sameHex(head.mac, headMac(key, position, prev))) {
    return {
      ok: false,
      entries: position,
      anchors: checked.size,
      broken: {
        id: null,
        position: position + 1,
        reason: `the head of the log (${position} entries) was not written with the audit key: the log was cut short and its head reset, or the key is not the one it was written with`,
      },
    };
  }
  // A head put back from an earlier copy of the database fits its MAC: the anchors kept since find it.
  const beyond = anchors.filter((a) => a.entries > position).sort((a, b) => b.entries - a.entries)[0];
  if (beyond) {
    return {
      ok: false,
      entries: position,
      anchors: checked.size + 1,
      broken: { id: null, position: position + 1, reason: anchorBreak(beyond, `but the log now ends after ${position}`) },
    };
  }
  return { ok: true, entries: position, anchors: checked.size };
}

/**
 * Keys a log written before the audit key existed: its SHA-256 chain is checked as it was made
 * and, as far as it is intact, chained again with the key (the rest is left as it is, for verify
 * to report where it breaks); the head gets its MAC when the whole chain was intact.
 */
export async function rekeyLegacyChain(db: Kysely<any>, key: Buffer): Promise<{ rekeyed: number; intact: boolean }> {
  const typed = db as Kysely<DB>;
  let prevLegacy = GENESIS;
  let prevKeyed = GENESIS;
  let position = 0;
  let lastId = 0;
  let intact = true;
  outer: for (;;) {
    const rows = await typed.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(2000).execute();
    for (const r of rows) {
      if (r.prev_hash !== prevLegacy || legacyEntryHash(prevLegacy, position + 1, r) !== r.hash) {
        intact = false;
        break outer;
      }
      position++;
      prevLegacy = r.hash;
      const hash = entryHash(key, prevKeyed, position, r);
      await typed.updateTable('audit_log').set({ prev_hash: prevKeyed, hash }).where('id', '=', r.id).execute();
      prevKeyed = hash;
    }
    if (rows.length < 2000) break;
    lastId = rows[rows.length - 1]!.id;
  }
  const head = await auditHead(typed);
  if (head && intact && head.entries === position && head.hash === prevLegacy) {
    await typed
      .updateTable('audit_head')
      .set({ hash: prevKeyed, mac: headMac(key, position, prevKeyed) })
      .where('id', '=', 1)
      .execute();
  }
  return { rekeyed: position, intact: intact && head?.entries === position };
}

/** The audit log as the services use it: bound to the database or to a transaction. */
export class AuditRepository {
  constructor(
    private readonly db: Transaction<DB> | Kysely<DB>,
    private readonly store: { dialect: Dialect; auditKey: Buffer },
  ) {}

  /** Appends an entry (inside the caller's transaction, after its other row locks). */
  append(input: AuditInput): Promise<void> {
    return appendAudit(this.db, this.store, input);
  }

  /** Appends entries in their order (after the caller's other row locks), the head moved once. */
  appendMany(inputs: readonly AuditInput[]): Promise<void> {
    return appendAuditEntries(this.db, this.store, inputs);
  }

  head(): Promise<{ entries: number; hash: string } | null> {
    return auditHead(this.db);
  }

  verify(anchors: AuditAnchor[] = []): Promise<AuditVerification> {
    return verifyAudit(this.db as Kysely<DB>, this.store.auditKey, anchors);
  }

  /**
   * Committed registry imports (`registry.import`), newest first, before the entry `before` (an
   * id) if given; of offices of `area` and the areas under it only, if given (an entry made by an
   * office of an area names it in `after.area`; one by the whole database's office names none).
   */
  async imports(options: { area?: string; before?: number; limit: number }): Promise<AuditEntryRecord[]> {
    const areaOf = this.store.dialect === 'postgres' ? sql<string | null>`(cast(after as jsonb) ->> 'area')` : sql<string | null>`json_extract(after, '$.area')`;
    let q = this.db.selectFrom('audit_log').selectAll().where('action', '=', 'registry.import').where('entity', '=', 'registry').orderBy('id', 'desc').limit(options.limit);
    if (options.before !== undefined) q = q.where('id', '<', options.before);
    if (options.area !== undefined) q = q.where(areaOf, 'in', sql<string>`(${underArea(options.area)} select code from sub)`);
    return (await q.execute()).map(entryOf);
  }

  /**
   * The latest entries, newest first, optionally of one entity, by one person, between two times
   * (ISO, inclusive), or about one village: its assessments and their findings, evidence,
   * suggestions, appeals and checked items.
   */
  async list(options: AuditQuery = {}): Promise<AuditEntryRecord[]> {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit ?? 200);
    if (options.entity) q = q.where('entity', '=', options.entity);
    if (options.entityId) q = q.where('entity_id', '=', options.entityId);
    if (options.actor) q = q.where('actor', '=', options.actor);
    if (options.from) q = q.where('at', '>=', options.from);
    if (options.to) q = q.where('at', '<=', options.to);
    if (options.village) {
      const village = options.village;
      const ofVillage = this.db.selectFrom('assessments').select('id').where('village_code', '=', village);
      const idText = (table: 'assessments' | 'findings' | 'appeals' | 'suggestions') => sql<string>`cast(${sql.ref(`${table}.id`)} as text)`;
      q = q.where((eb) =>
        eb.or([
          eb.and([
            eb('entity', '=', 'assessment'),
            eb('entity_id', 'in', this.db.selectFrom('assessments').select(idText('assessments').as('id')).where('village_code', '=', village)),
          ]),
          eb.and([eb('entity', '=', 'finding'), eb('entity_id', 'in', this.db.selectFrom('findings').select(idText('findings').as('id')).where('assessment_id', 'in', ofVillage))]),
          eb.and([eb('entity', '=', 'appeal'), eb('entity_id', 'in', this.db.selectFrom('appeals').select(idText('appeals').as('id')).where('assessment_id', 'in', ofVillage))]),
          eb.and([
            eb('entity', '=', 'suggestion'),
            eb('entity_id', 'in', this.db.selectFrom('suggestions').select(idText('suggestions').as('id')).where('assessment_id', 'in', ofVillage)),
          ]),
          eb.and([
            eb('entity', '=', 'evidence'),
            eb(
              'entity_id',
              'in',
              this.db
                .selectFrom('evidence')
                .select(sql<string>`cast(evidence.id as text)`.as('id'))
                .where((w) =>
                  w.or([
                    w('finding_id', 'in', this.db.selectFrom('findings').select('findings.id').where('assessment_id', 'in', ofVillage)),
                    w('appeal_id', 'in', this.db.selectFrom('appeals').select('appeals.id').where('assessment_id', 'in', ofVillage)),
                  ]),
                ),
            ),
          ]),
        ]),
      );
    }
    return (await q.execute()).map(entryOf);
  }
}

function entryOf(r: Selectable<DB['audit_log']>): AuditEntryRecord {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
