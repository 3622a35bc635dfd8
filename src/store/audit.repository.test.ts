/**
 * The hash-chained audit log on every database (test/stores.ts): after a real campaign
 * workflow the chain verifies and every score-moving action is in it with its actor and the
 * state before and after; an edited, deleted, reordered or cut-off entry is found and named.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTORS,
  buildRegistry,
  DERIVE_TEXT,
  H1,
  harness,
  seedV2Text,
  setUpCampaign,
  tinyPng,
  totalOf,
  V1,
  V1_SUGGESTIONS_2020,
  V4,
  versionOf,
  type Harness,
} from '../../test/campaign-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { appendAudit, appendAuditEntries, canonicalJson, entryHash, GENESIS, headMac, rekeyLegacyChain, verifyAudit } from './audit.repository.ts';
import type { Store } from './db.ts';
import type { AuditLogTable } from './schema.ts';

type Entry = Selectable<AuditLogTable>;
const { admin, zhang, wang, reviewerT1, villageV1 } = ACTORS;

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: null }], c: 'é' } })).toBe('{"a":{"c":"é","d":[1,{"x":null,"z":1}]},"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('hashes the same content the same whatever the key order', () => {
    const e = (after: string) => ({ at: 't', actor: 'a', action: 'x', entity: 'e', entity_id: '1', before: null, after });
    const key = Buffer.alloc(32, 7);
    expect(entryHash(key, GENESIS, 1, e(canonicalJson({ a: 1, b: 2 })))).toBe(entryHash(key, GENESIS, 1, e(canonicalJson({ b: 2, a: 1 }))));
    expect(entryHash(key, GENESIS, 1, e('{}'))).not.toBe(entryHash(key, GENESIS, 2, e('{}')));
    // Keyed: another key gives another hash.
    expect(entryHash(key, GENESIS, 1, e('{}'))).not.toBe(entryHash(Buffer.alloc(32, 8), GENESIS, 1, e('{}')));
  });
});

for (const target of storeTargets()) {
  describe(`audit log on ${target.dialect}`, () => {
    let store: Store;
    let h: Harness;
    const a: Record<string, number> = {};
    let campaignId: number;
    let appealUpheld: number;
    let appealAdjusted: number;

    /** A campaign's workflow with every kind of score-moving action, by several actors. */
    async function workflow(): Promise<void> {
      const { service, clock } = h;
      const setup = await setUpCampaign(service, { appealDays: 10 });
      campaignId = setup.campaignId;
      Object.assign(a, setup.assessments);
      const v = (id: number) => versionOf(store, id);
      const id = a[V1]!;
      clock.set('2020-12-03T01:00:00.000Z');
      await service.suggestions.deriveSuggestions(zhang, id);
      const sugs = new Map((await store.db.selectFrom('suggestions').select(['id', 'key']).where('assessment_id', '=', id).execute()).map((s) => [s.key, s.id]));
      await service.suggestions.acceptSuggestion(zhang, id, await v(id), sugs.get(`2.6.2:household-exit:${H1}`)!); // 200 → 190
      await service.suggestions.dismissSuggestion(zhang, id, await v(id), sugs.get(V1_SUGGESTIONS_2020[1])!, '已核实');
      const diary = await service.findings.addFinding(zhang, id, await v(id), { item: '3.1.2', element: 'diary', count: 2 }); // → 186
      await service.evidence.addEvidence(zhang, { findingId: diary }, { filename: 'diary.png', bytes: tinyPng() });
      const absence = await service.findings.addFinding(zhang, id, await v(id), { item: '3.4.1' }); // → 181
      await service.findings.withdrawFinding(zhang, id, await v(id), absence, '已请假'); // → 186
      await service.findings.addFinding(wang, a[V4]!, await v(a[V4]!), { item: '3.2.1', count: 3 }); // V4: 200 → 197
      await service.workflow.transition(zhang, id, await v(id), 'submit');
      await service.workflow.transition(reviewerT1, id, await v(id), 'review');
      clock.set('2021-01-10T00:00:00.000Z');
      await service.workflow.transition(admin, id, await v(id), 'publish');
      clock.set('2021-01-12T00:00:00.000Z');
      appealUpheld = await service.appeals.appeal(villageV1, id, { item: '2.6.2', reason: '已脱贫' });
      appealAdjusted = await service.appeals.appeal(villageV1, id, { item: '3.1.2', reason: '只缺一次' });
      clock.set('2021-01-14T00:00:00.000Z');
      await service.appeals.decideAppeal(admin, appealUpheld, { outcome: 'upheld', reason: '成立' }); // → 196
      await service.appeals.decideAppeal(admin, appealAdjusted, { outcome: 'adjusted', reason: '部分成立', count: 1 }); // → 198
      const v2 = await service.schemes.storeSchemeVersion(admin, seedV2Text(), DERIVE_TEXT);
      clock.set('2021-02-01T00:00:00.000Z');
      await service.rescoring.rescoreApply(admin, campaignId, v2.id); // V4: 197 → 194
    }

    beforeAll(async () => {
      store = await target.open();
      await buildRegistry(store);
      h = harness(store, '2020-12-01T00:00:00.000Z');
      await workflow();
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      h?.cleanup();
    });

    const entries = () => store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    const verify = () => verifyAudit(store.db, store.auditKey);
    const intact = (n: number) => ({ ok: true, entries: n, anchors: expect.any(Number) });

    /** Puts the head back as it is after `log`. */
    async function restoreHead(log: Entry[]): Promise<void> {
      const last = log.at(-1)!.hash;
      await store.db
        .updateTable('audit_head')
        .set({ hash: last, entries: log.length, mac: headMac(store.auditKey, log.length, last) })
        .where('id', '=', 1)
        .execute();
    }

    /** Puts rows back exactly as they were (re-inserting deleted ones with their ids). */
    async function restore(rows: Entry[]): Promise<void> {
      for (const r of rows) {
        const { id, ...rest } = r;
        const u = await store.db.updateTable('audit_log').set(rest).where('id', '=', id).executeTakeFirst();
        if (Number(u.numUpdatedRows) === 0) await store.db.insertInto('audit_log').values(r).execute();
      }
      expect(await verify()).toEqual(intact((await entries()).length));
    }

    it('verifies after the workflow; the head holds the last hash and the count', async () => {
      const log = await entries();
      expect(log.length).toBeGreaterThan(30);
      expect(await verify()).toEqual({ ok: true, entries: log.length, anchors: 4 });
      const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      expect(head).toEqual({ id: 1, hash: log.at(-1)!.hash, entries: log.length, mac: headMac(store.auditKey, log.length, log.at(-1)!.hash) });
      expect(log[0]!.prev_hash).toBe(GENESIS);
      for (let i = 1; i < log.length; i++) expect(log[i]!.prev_hash).toBe(log[i - 1]!.hash);
    });

    it('has every score-moving action with its actor and the state before and after', async () => {
      const log = await entries();
      const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as Record<string, unknown>));
      const find = (action: string, entityId?: number) => log.filter((e) => e.action === action && (entityId === undefined || e.entity_id === String(entityId)));

      // The score of each assessment, step by step: who moved it, from what to what, when.
      const scores = (id: number) => find('assessment.score', id).map((e) => [e.actor, json(e.before)!.total, json(e.after)!.total]);
      expect(scores(a[V1]!)).toEqual([
        ['zhang', 200, 190], // suggestion 2.6.2 accepted
        ['zhang', 190, 186], // 3.1.2 × 2
        ['zhang', 186, 181], // 3.4.1
        ['zhang', 181, 186], // 3.4.1 withdrawn
        ['office', 186, 196], // appeal on 2.6.2 upheld
        ['office', 196, 198], // appeal on 3.1.2 adjusted to 1
      ]);
      expect(scores(a[V4]!)).toEqual([
        ['wang', 200, 197],
        ['office', 197, 194], // rescored with v2: 3.2.1 costs 2
      ]);
      expect(await totalOf(store, a[V1]!)).toBe(19_800);
      expect(await totalOf(store, a[V4]!)).toBe(19_400);
      expect(find('assessment.score', a[V4]!).map((e) => json(e.after)!.scheme)).toEqual(['seed-2020 v1', 'seed-2020 v2']);

      // The actions themselves.
      const accept = find('suggestion.accept');
      expect(accept).toHaveLength(1);
      expect(accept[0]).toMatchObject({ actor: 'zhang', at: '2020-12-03T01:00:00.000Z' });
      expect([json(accept[0]!.before), json(accept[0]!.after)]).toEqual([{ status: 'open' }, { status: 'accepted', findingId: expect.any(Number) }]);
      const adds = find('finding.add');
      expect(adds.map((e) => [e.actor, json(e.after)!.item, json(e.after)!.count, json(e.after)!.source])).toEqual([
        ['zhang', '2.6.2', 1, 'suggestion'],
        ['zhang', '3.1.2', 2, 'inspector'],
        ['zhang', '3.4.1', 1, 'inspector'],
        ['wang', '3.2.1', 3, 'inspector'],
        ['office', '2.6.2', 0, 'appeal'],
        ['office', '3.1.2', 1, 'appeal'],
      ]);
      const withdraw = find('finding.withdraw');
      expect(withdraw).toHaveLength(1);
      expect(withdraw[0]!.actor).toBe('zhang');
      expect(json(withdraw[0]!.before)).toEqual({ status: 'active', item: '3.4.1', count: 1 });
      expect(json(withdraw[0]!.after)).toEqual({ status: 'withdrawn', reason: '已请假' });
      const dismiss = find('suggestion.dismiss');
      expect(dismiss.map((e) => [e.actor, json(e.before), json(e.after)])).toEqual([['zhang', { status: 'open' }, { status: 'dismissed', reason: '已核实' }]]);
      expect(find('evidence.add').map((e) => [e.actor, json(e.after)!.mime])).toEqual([['zhang', 'image/png']]);

      const steps = log.filter((e) => e.action.startsWith('assessment.') && e.action !== 'assessment.score' && e.entity_id === String(a[V1]));
      expect(steps.map((e) => [e.action, e.actor, json(e.before)!.status, json(e.after)!.status])).toEqual([
        ['assessment.submit', 'zhang', 'draft', 'submitted'],
        ['assessment.review', 'rev-longchang', 'submitted', 'reviewed'],
        ['assessment.publish', 'office', 'reviewed', 'published'],
      ]);

      const decided = find('appeal.upheld', appealUpheld);
      expect(decided).toHaveLength(1);
      expect(decided[0]).toMatchObject({ actor: 'office', at: '2021-01-14T00:00:00.000Z' });
      expect(json(decided[0]!.before)).toEqual({ status: 'open', total: 186 });
      expect(json(decided[0]!.after)).toEqual({ status: 'upheld', reason: '成立', total: 196 });
      expect(find('appeal.adjusted').map((e) => [json(e.before)!.total, json(e.after)!.total, json(e.after)!.count])).toEqual([[196, 198, 1]]);
      expect(find('appeal.open').map((e) => e.actor)).toEqual(['shiqiao', 'shiqiao']);

      const rescore = find('campaign.rescore', campaignId);
      expect(rescore).toHaveLength(1);
      expect(rescore[0]!.actor).toBe('office');
      expect(json(rescore[0]!.before)).toMatchObject({ scheme: 'seed-2020 v1' });
      expect(json(rescore[0]!.after)).toMatchObject({ scheme: 'seed-2020 v2', changed: 1, totals: [{ village: V4, from: 197, to: 194 }] });

      // Snapshots: publication, the upheld and the adjusted appeal, the rescore.
      expect(find('ranking.snapshot').map((e) => json(e.after)!.reason)).toEqual([
        `publish ${V1}`,
        `appeal ${appealUpheld}`,
        `appeal ${appealAdjusted}`,
        'rescore with seed-2020 v2',
      ]);
      // Everything else has an actor and a time too.
      for (const e of log) {
        expect(e.actor).not.toBe('');
        expect(Number.isNaN(Date.parse(e.at))).toBe(false);
        expect(e.after).not.toBeNull();
      }
    });

    it('names the entry whose content was edited', async () => {
      const log = await entries();
      const victim = log.find((e) => e.action === 'appeal.upheld')!;
      const position = log.indexOf(victim) + 1;
      await store.db
        .updateTable('audit_log')
        .set({ after: victim.after!.replace('"total":196', '"total":200') })
        .where('id', '=', victim.id)
        .execute();
      expect(await verify()).toEqual({
        ok: false,
        entries: position - 1,
        anchors: expect.any(Number),
        broken: { id: victim.id, position, reason: expect.stringMatching(/content or hash was changed/) },
      });
      // Edited and the whole rest of the chain computed again, as SHA-256 or with a guessed key:
      // without the audit key, the edited entry itself no longer fits.
      for (const forgery of [Buffer.alloc(32), Buffer.from('kaohe')]) {
        let prev = victim.prev_hash;
        for (const e of log.slice(position - 1)) {
          const row = e.id === victim.id ? { ...e, after: '{"forged":true}' } : e;
          const hash = entryHash(forgery, prev, log.indexOf(e) + 1, row);
          await store.db.updateTable('audit_log').set({ after: row.after, prev_hash: prev, hash }).where('id', '=', e.id).execute();
          prev = hash;
        }
        await store.db
          .updateTable('audit_head')
          .set({ hash: prev, mac: headMac(forgery, log.length, prev) })
          .where('id', '=', 1)
          .execute();
        expect((await verify()).broken).toMatchObject({ id: victim.id, position, reason: expect.stringMatching(/content or hash was changed/) });
        await restoreHead(log);
        await restore(log.slice(position - 1));
      }
      // Another column: the actor.
      await restore([victim]);
      await store.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('id', '=', log[3]!.id).execute();
      expect((await verify()).broken).toMatchObject({ id: log[3]!.id, position: 4 });
      await restore([log[3]!]);
    });

    it('names the entry after a deleted middle entry', async () => {
      const log = await entries();
      const victim = log[10]!;
      await store.db.deleteFrom('audit_log').where('id', '=', victim.id).execute();
      expect(await verify()).toEqual({
        ok: false,
        entries: 10,
        anchors: expect.any(Number),
        broken: { id: log[11]!.id, position: 11, reason: expect.stringMatching(/deleted, or entries were reordered/) },
      });
      await restore([victim]);
    });

    it('finds two entries whose contents were swapped (a reorder)', async () => {
      const log = await entries();
      const [x, y] = [log[5]!, log[9]!];
      const swap = async (from: Entry, to: Entry, withHashes: boolean) => {
        const { id: _id, prev_hash, hash, ...content } = from;
        await store.db
          .updateTable('audit_log')
          .set(withHashes ? { ...content, prev_hash, hash } : content)
          .where('id', '=', to.id)
          .execute();
      };
      // Whole rows swapped, hashes and all.
      await swap(x, y, true);
      await swap(y, x, true);
      expect((await verify()).broken).toMatchObject({ id: x.id, position: 6, reason: expect.stringMatching(/reordered/) });
      await restore([x, y]);
      // Only the contents swapped.
      await swap(x, y, false);
      await swap(y, x, false);
      expect((await verify()).broken).toMatchObject({ id: x.id, position: 6, reason: expect.stringMatching(/changed/) });
      await restore([x, y]);
    });

    it('finds a deleted last entry through the head', async () => {
      const log = await entries();
      const last = log.at(-1)!;
      await store.db.deleteFrom('audit_log').where('id', '=', last.id).execute();
      expect(await verify()).toEqual({
        ok: false,
        entries: log.length - 1,
        anchors: expect.any(Number),
        broken: { id: null, position: log.length, reason: `the log ends after ${log.length - 1} entries but ${log.length} were written: the last entries were deleted` },
      });
      await restore([last]);
      // The whole log emptied: found too.
      await store.db.deleteFrom('audit_log').execute();
      expect((await verify()).broken).toMatchObject({ id: null, position: 1 });
      await restore(log);
    });

    it('finds a log cut short whose head was reset to an earlier entry (the head MAC), even all of it', async () => {
      const log = await entries();
      const cut = log.slice(-3);
      await store.db
        .deleteFrom('audit_log')
        .where(
          'id',
          'in',
          cut.map((e) => e.id),
        )
        .execute();
      const last = log.at(-4)!;
      await store.db
        .updateTable('audit_head')
        .set({ hash: last.hash, entries: log.length - 3 })
        .where('id', '=', 1)
        .execute();
      expect((await verify()).broken).toMatchObject({ id: null, position: log.length - 2, reason: expect.stringMatching(/not written with the audit key: the log was cut short/) });
      // The head's MAC computed again with a guessed key does not help either.
      await store.db
        .updateTable('audit_head')
        .set({ mac: headMac(Buffer.alloc(32), log.length - 3, last.hash) })
        .where('id', '=', 1)
        .execute();
      expect((await verify()).ok).toBe(false);
      // Everything deleted and the head reset to the start.
      await store.db.deleteFrom('audit_log').execute();
      await store.db.updateTable('audit_head').set({ hash: GENESIS, entries: 0, mac: null }).where('id', '=', 1).execute();
      expect(await verify()).toMatchObject({ ok: false, entries: 0, broken: { id: null, position: 1 } });
      await restoreHead(log);
      await restore(log);
    });

    it('finds an earlier copy of the log put back (head and MAC included) through the ranking snapshots and printed anchors', async () => {
      const log = await entries();
      const snapshots = await store.db.selectFrom('ranking_snapshots').select(['id', 'audit_entries', 'audit_hash']).orderBy('id').execute();
      expect(snapshots.map((s) => s.audit_entries)).toEqual(snapshots.map((s) => log.findIndex((e) => e.action === 'ranking.snapshot' && e.entity_id === String(s.id)) + 1));
      // The head as it was after the second snapshot, taken from an old copy (its MAC is genuine).
      const earlier = Number(snapshots[1]!.audit_entries);
      const oldHead = { hash: log[earlier - 1]!.hash, entries: earlier, mac: headMac(store.auditKey, earlier, log[earlier - 1]!.hash) };
      const later = log.slice(earlier);
      await store.db
        .deleteFrom('audit_log')
        .where(
          'id',
          'in',
          later.map((e) => e.id),
        )
        .execute();
      await store.db.updateTable('audit_head').set(oldHead).where('id', '=', 1).execute();
      const v = await verify();
      expect(v).toMatchObject({
        ok: false,
        entries: earlier,
        broken: { id: null, position: earlier + 1, reason: expect.stringMatching(/^ranking snapshot \d+ .*recorded the log at \d+ entries.*cut short or rewritten/) },
      });
      // The snapshots deleted as well: a printed anchor still finds it.
      const anchor = { entries: log.length, hash: log.at(-1)!.hash.slice(0, 16), source: 'the printed anchor' };
      await store.db.updateTable('ranking_snapshots').set({ audit_entries: null, audit_hash: null }).execute();
      expect((await verifyAudit(store.db, store.auditKey)).ok).toBe(true);
      expect(await verifyAudit(store.db, store.auditKey, [anchor])).toMatchObject({
        ok: false,
        broken: { reason: expect.stringMatching(/^the printed anchor recorded the log at/) },
      });
      for (const s of snapshots) await store.db.updateTable('ranking_snapshots').set({ audit_entries: s.audit_entries, audit_hash: s.audit_hash }).where('id', '=', s.id).execute();
      await restoreHead(log);
      await restore(later);
      // A printed anchor that fits; one whose hash differs.
      expect(await verifyAudit(store.db, store.auditKey, [anchor])).toMatchObject({ ok: true, anchors: 5 });
      expect((await verifyAudit(store.db, store.auditKey, [{ ...anchor, hash: '0123456789abcdef' }])).broken).toMatchObject({
        position: log.length,
        reason: expect.stringMatching(/but entry \d+ now has hash/),
      });
    });

    it('does not crash when the head row is deleted, and says so', async () => {
      const log = await entries();
      await store.db.deleteFrom('audit_head').execute();
      expect(await verify()).toMatchObject({ ok: false, broken: { id: null, reason: expect.stringMatching(/head row of the log is missing/) } });
      await store.db.insertInto('audit_head').values({ id: 1, hash: GENESIS, entries: 0, mac: null }).execute();
      await restoreHead(log);
      expect(await verify()).toEqual(intact(log.length));
    });

    it('keeps the chain across many entries (the verifier reads them in pages), appended a few hundred a statement', async () => {
      const before = (await entries()).length;
      // 5,100 more entries: one alone, then the rest at once (500 a statement: the last statement a short one).
      await appendAudit(store.db, store, { at: '2021-03-01T00:00:00.000Z', actor: 'bulk', action: 'test.entry', entity: 'test', entityId: 0, after: { i: 0 } });
      await store.db.transaction().execute((trx) =>
        appendAuditEntries(
          trx,
          store,
          Array.from({ length: 5099 }, (_, k) => ({ at: '2021-03-01T00:00:00.000Z', actor: 'bulk', action: 'test.entry', entity: 'test', entityId: k + 1, after: { i: k + 1 } })),
        ),
      );
      const bulk = await store.db.selectFrom('audit_log').select(['entity_id', 'after']).where('actor', '=', 'bulk').orderBy('id').execute();
      expect(bulk.map((r) => r.entity_id)).toEqual(Array.from({ length: 5100 }, (_, i) => String(i)));
      expect(bulk[5099]!.after).toBe('{"i":5099}');
      expect(await verify()).toEqual(intact(before + 5100));
      const tampered = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'test.entry').where('entity_id', '=', '5050').executeTakeFirstOrThrow();
      await store.db.updateTable('audit_log').set({ after: '{"i":1}' }).where('id', '=', tampered.id).execute();
      expect((await verify()).broken).toMatchObject({ id: tampered.id, position: before + 5051 });
      await restore([tampered]);
    }, 60_000);
  });
}

describe.each(storeTargets())('an audit log written before the key ($dialect)', (target) => {
  /** Entries chained as before the key: plain SHA-256 of the previous hash and the content. */
  async function legacyLog(store: Store, n: number): Promise<Entry[]> {
    await store.db.deleteFrom('audit_log').execute();
    let prev = GENESIS;
    for (let i = 1; i <= n; i++) {
      const row = { at: `2020-01-0${i}T00:00:00.000Z`, actor: 'office', action: 'test.legacy', entity: 'test', entity_id: String(i), before: null, after: canonicalJson({ i }) };
      const hash = createHash('sha256')
        .update(prev)
        .update('\n')
        .update(canonicalJson({ seq: i, ...row }))
        .digest('hex');
      await store.db
        .insertInto('audit_log')
        .values({ ...row, prev_hash: prev, hash })
        .execute();
      prev = hash;
    }
    await store.db.updateTable('audit_head').set({ hash: prev, entries: n, mac: null }).where('id', '=', 1).execute();
    return store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  }

  it('is chained again with the key when intact, and then verifies and goes on', async () => {
    const store = await target.open();
    try {
      await legacyLog(store, 5);
      expect((await verifyAudit(store.db, store.auditKey)).broken).toMatchObject({ position: 1 });
      expect(await rekeyLegacyChain(store.db, store.auditKey)).toEqual({ rekeyed: 5, intact: true });
      expect(await verifyAudit(store.db, store.auditKey)).toEqual({ ok: true, entries: 5, anchors: 0 });
      await appendAudit(store.db, store, { at: '2021-01-01T00:00:00.000Z', actor: 'office', action: 'test.after', entity: 'test', entityId: 6 });
      expect(await verifyAudit(store.db, store.auditKey)).toEqual({ ok: true, entries: 6, anchors: 0 });
    } finally {
      await store.close();
    }
  });

  it('keeps a broken legacy chain broken where it broke', async () => {
    const store = await target.open();
    try {
      const log = await legacyLog(store, 5);
      await store.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('id', '=', log[2]!.id).execute();
      expect(await rekeyLegacyChain(store.db, store.auditKey)).toEqual({ rekeyed: 2, intact: false });
      expect((await verifyAudit(store.db, store.auditKey)).broken).toMatchObject({ id: log[2]!.id, position: 3 });
    } finally {
      await store.close();
    }
  });
});
