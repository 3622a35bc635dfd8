/**
 * An assessment's view rows read in one statement on PostgreSQL are the rows the repositories
 * read one table at a time (and on SQLite the same reads): checked on every assessment of the
 * demo's campaigns, for those who work on them and those who read results, after adding what
 * the demo lacks (a combined campaign, marks, comments).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../../test/stores.ts';
import { compose, type Services } from '../compose.ts';
import { firstStart } from '../services/bootstrap.service.ts';
import type { Store } from './db.ts';
import { Repositories } from './unit-of-work.ts';

const HOOK = 240_000;

describe.each(storeTargets())('the rows of an assessment view ($dialect)', (target) => {
  let store: Store;
  let services: Services;

  beforeAll(async () => {
    store = await target.open();
    services = compose({ store });
    await firstStart(services, { demo: true, inProgress: true });
    // What the demo may lack: a campaign combining another's results, marks "checked, no deduction" and reviewers' comments.
    const campaigns = await store.db.selectFrom('campaigns').select('id').orderBy('id').execute();
    expect(campaigns.length).toBeGreaterThan(1);
    await store.db.insertInto('campaign_parts').values({ campaign_id: campaigns[1]!.id, part_campaign_id: campaigns[0]!.id }).execute();
    const found = await store.db.selectFrom('findings').select(['id', 'assessment_id']).orderBy('id').limit(3).execute();
    for (const f of found) {
      await store.db
        .insertInto('item_checks')
        .values({ assessment_id: f.assessment_id, item: '1.2', checked_by: 'inspector', checked_at: '2020-12-01T08:00:00.000Z' })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await store.db.insertInto('finding_comments').values({ finding_id: f.id, author: 'reviewer', text: '请补充照片', created_at: '2020-12-02T08:00:00.000Z' }).execute();
    }
  }, HOOK);

  afterAll(async () => {
    await store?.close();
  });

  it('are those the repositories read one table at a time, for every assessment', async () => {
    const repos = new Repositories(store.db, store);
    const all = await store.db.selectFrom('assessments').select(['id', 'campaign_id']).orderBy('id').execute();
    expect(all.length).toBeGreaterThan(10);
    const seen = { findings: 0, evidence: 0, appeals: 0, suggestions: 0, checks: 0, comments: 0, combines: 0 };
    for (const a of all) {
      for (const work of [true, false]) {
        const rows = await repos.views.rowsOf(a.id, a.campaign_id, work);
        const expected = {
          findings: await repos.findings.ofAssessment(a.id),
          evidence: await repos.evidence.ofAssessment(a.id),
          appeals: await repos.appeals.ofAssessment(a.id),
          suggestions: work ? await repos.suggestions.ofAssessment(a.id) : [],
          checks: work ? await repos.checks.ofAssessment(a.id) : [],
          comments: work ? await repos.comments.ofAssessment(a.id) : [],
          combines: (await repos.campaigns.parts(a.campaign_id)).length > 0,
        };
        expect(rows, `assessment ${a.id}, work ${work}`).toEqual(expected);
        if (work) for (const k of Object.keys(seen) as Array<keyof typeof seen>) seen[k] += k === 'combines' ? Number(rows.combines) : (rows[k] as unknown[]).length;
      }
    }
    // Something of each was compared.
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
  });
});
