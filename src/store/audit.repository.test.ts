/**
 * The hash-chained audit log on every database (test/stores.ts): after a real campaign
 * workflow the chain verifies and every score-moving action is in it with its actor and the
 * state before and after; an edited, deleted, reordered or cut-off entry is found and named.
 */
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
import { appendAudit, canonicalJson, entryHash, GENESIS, verifyAudit } from './audit.repository.ts';
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
    expect(entryHash(GENESIS, 1, e(canonicalJson({ a: 1, b: 2 })))).toBe(entryHash(GENESIS, 1, e(canonicalJson({ b: 2, a: 1 }))));
    expect(entryHash(GENESIS, 1, e('{}'))).not.toBe(entryHash(GENESIS, 2, e('{}')));
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
      await service.deriveSuggestions(zhang, id);
      const sugs = new Map((await store.db.selectFrom('suggestions').select(['id', 'key']).where('assessment_id', '=', id).execute()).map((s) => [s.key, s.id]));
      await service.acceptSuggestion(zhang, id, await v(id), sugs.get(`2.6.2:household-exit:${H1}`)!); // 200 → 190
      await service.dismissSuggestion(zhang, id, await v(id), sugs.get(V1_SUGGESTIONS_2020[1])!, '已核实');
      const diary = await service.addFinding(zhang, id, await v(id), { item: '3.1.2', element: 'diary', count: 2 }); // → 186
      await service.addEvidence(zhang, { findingId: diary }, { filename: 'diary.png', bytes: tinyPng() });
      const absence = await service.addFinding(zhang, id, await v(id), { item: '3.4.1' }); // → 181
      await service.withdrawFinding(zhang, id, await v(id), absence, '已请假'); // → 186
      await service.addFinding(wang, a[V4]!, await v(a[V4]!), { item: '3.2.1', count: 3 }); // V4: 200 → 197
      await service.transition(zhang, id, await v(id), 'submit');
      await service.transition(reviewerT1, id, await v(id), 'review');
      clock.set('2021-01-10T00:00:00.000Z');
      await service.transition(admin, id, await v(id), 'publish');
      clock.set('2021-01-12T00:00:00.000Z');
      appealUpheld = await service.appeal(villageV1, id, { item: '2.6.2', reason: '已脱贫' });
      appealAdjusted = await service.appeal(villageV1, id, { item: '3.1.2', reason: '只缺一次' });
      clock.set('2021-01-14T00:00:00.000Z');
      await service.decideAppeal(admin, appealUpheld, { outcome: 'upheld', reason: '成立' }); // → 196
      await service.decideAppeal(admin, appealAdjusted, { outcome: 'adjusted', reason: '部分成立', count: 1 }); // → 198
      const v2 = await service.storeSchemeVersion(admin, seedV2Text(), DERIVE_TEXT);
      clock.set('2021-02-01T00:00:00.000Z');
      await service.rescoreApply(admin, campaignId, v2.id); // V4: 197 → 194
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
    const verify = () => verifyAudit(store.db);

    /** Puts rows back exactly as they were (re-inserting deleted ones with their ids). */
    async function restore(rows: Entry[]): Promise<void> {
      for (const r of rows) {
        const { id, ...rest } = r;
        const u = await store.db.updateTable('audit_log').set(rest).where('id', '=', id).executeTakeFirst();
        if (Number(u.numUpdatedRows) === 0) await store.db.insertInto('audit_log').values(r).execute();
      }
      expect(await verify()).toEqual({ ok: true, entries: (await entries()).length });
    }

    it('verifies after the workflow; the head holds the last hash and the count', async () => {
      const log = await entries();
      expect(log.length).toBeGreaterThan(30);
      expect(await verify()).toEqual({ ok: true, entries: log.length });
      const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      expect(head).toEqual({ id: 1, hash: log.at(-1)!.hash, entries: log.length });
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
      expect(find('ranking.snapshot').map((e) => json(e.after)!.reason)).toEqual([`publish ${V1}`, `appeal ${appealUpheld}`, `appeal ${appealAdjusted}`, 'rescore with seed-2020 v2']);
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
      await store.db.updateTable('audit_log').set({ after: victim.after!.replace('"total":196', '"total":200') }).where('id', '=', victim.id).execute();
      expect(await verify()).toEqual({ ok: false, entries: position - 1, broken: { id: victim.id, position, reason: expect.stringMatching(/content or hash was changed/) } });
      // Edited and re-hashed: then the next entry no longer follows it.
      const forged = { ...victim, after: '{"forged":true}' };
      await store.db.updateTable('audit_log').set({ after: forged.after, hash: entryHash(victim.prev_hash, position, forged) }).where('id', '=', victim.id).execute();
      const next = log[position]!;
      expect((await verify()).broken).toMatchObject({ id: next.id, position: position + 1, reason: expect.stringMatching(/does not follow/) });
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
      expect(await verify()).toEqual({ ok: false, entries: 10, broken: { id: log[11]!.id, position: 11, reason: expect.stringMatching(/deleted, or entries were reordered/) } });
      await restore([victim]);
    });

    it('finds two entries whose contents were swapped (a reorder)', async () => {
      const log = await entries();
      const [x, y] = [log[5]!, log[9]!];
      const swap = async (from: Entry, to: Entry, withHashes: boolean) => {
        const { id: _id, prev_hash, hash, ...content } = from;
        await store.db.updateTable('audit_log').set(withHashes ? { ...content, prev_hash, hash } : content).where('id', '=', to.id).execute();
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
        broken: { id: null, position: log.length, reason: `the log ends after ${log.length - 1} entries but ${log.length} were written: the last entries were deleted` },
      });
      await restore([last]);
      // The whole log emptied: found too.
      await store.db.deleteFrom('audit_log').execute();
      expect((await verify()).broken).toMatchObject({ id: null, position: 1 });
      await restore(log);
    });

    it('keeps the chain across many entries (the verifier reads them in pages)', async () => {
      const before = (await entries()).length;
      // 5,100 more entries, chained exactly as appendAudit chains them, written in batches.
      await appendAudit(store.db, store.dialect, { at: '2021-03-01T00:00:00.000Z', actor: 'bulk', action: 'test.entry', entity: 'test', entityId: 0, after: { i: 0 } });
      const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      let prev = head.hash;
      const rows: Array<Omit<Entry, 'id'>> = [];
      for (let i = 1; i < 5100; i++) {
        const row = { at: '2021-03-01T00:00:00.000Z', actor: 'bulk', action: 'test.entry', entity: 'test', entity_id: String(i), before: null, after: canonicalJson({ i }) };
        const hash = entryHash(prev, head.entries + i, row);
        rows.push({ ...row, prev_hash: prev, hash });
        prev = hash;
      }
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
        await trx.updateTable('audit_head').set({ hash: prev, entries: head.entries + rows.length }).where('id', '=', 1).execute();
      });
      expect(await verify()).toEqual({ ok: true, entries: before + 5100 });
      const tampered = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'test.entry').where('entity_id', '=', '5050').executeTakeFirstOrThrow();
      await store.db.updateTable('audit_log').set({ after: '{"i":1}' }).where('id', '=', tampered.id).execute();
      expect((await verify()).broken).toMatchObject({ id: tampered.id, position: before + 5051 });
      await restore([tampered]);
    }, 60_000);
  });
}
