/**
 * A campaign's scores stored at once (a rescoring: AssessmentRepository.saveScores), on every
 * database: 1,201 villages' base, bonus, total, result and parts as given (on PostgreSQL 500 a
 * statement: three statements, the last a short one), another campaign's rows untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { area } from '../../test/area-fixtures.ts';
import { ACTORS, DERIVE_TEXT, SEED_TEXT } from '../../test/campaign-fixtures.ts';
import { storeTargets } from '../../test/stores.ts';
import { compose } from '../compose.ts';
import { AssessmentRepository } from './assessment.repository.ts';
import type { Store } from './db.ts';

const COUNTY = '522425000000';
const TOWNSHIP = '522425100000';
const VILLAGES = Array.from({ length: 1201 }, (_, i) => `5224251${10_001 + i}`);

describe.each(storeTargets())('a campaign’s scores stored at once ($dialect)', (target) => {
  let store: Store;
  let campaigns: number[];

  beforeAll(async () => {
    store = await target.open();
    const rows = [area(COUNTY, 'county', '青山县', null), area(TOWNSHIP, 'township', '龙场镇', COUNTY), ...VILLAGES.map((v, i) => area(v, 'village', `第${i + 1}村`, TOWNSHIP))];
    for (let i = 0; i < rows.length; i += 500)
      await store.db
        .insertInto('areas')
        .values(rows.slice(i, i + 500))
        .execute();
    const services = compose({ store }).campaigns;
    const schemeVersionId = (await services.schemes.storeSchemeVersion(ACTORS.admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
    campaigns = [];
    for (const year of [2020, 2021]) campaigns.push(await services.setup.createCampaign(ACTORS.admin, { name: `${year}年度考核`, year, schemeVersionId }));
  }, 240_000);
  afterAll(() => store?.close());

  const read = (campaignId: number) =>
    store.db.selectFrom('assessments').select(['id', 'base', 'bonus', 'total', 'result', 'parts']).where('campaign_id', '=', campaignId).orderBy('id').execute();

  it('stores each row as given, and no other', async () => {
    const other = await read(campaigns[1]!);
    const rows = await read(campaigns[0]!);
    expect(rows).toHaveLength(1201);
    // Text with quotes, backslashes, Chinese and a line break: stored as it was given.
    const scores = rows.map((r, i) => ({
      id: r.id,
      base: 10_000 + i,
      bonus: i % 7,
      total: 10_000 + i + (i % 7),
      result: JSON.stringify({ i, note: `"引号" \\ 第${i}村\n` }),
      parts: JSON.stringify({ v: i }),
    }));
    await new AssessmentRepository(store.db, store.dialect).saveScores(scores);
    expect((await read(campaigns[0]!)).map((r) => ({ ...r, base: Number(r.base), bonus: Number(r.bonus), total: Number(r.total) }))).toEqual(scores);
    expect(await read(campaigns[1]!)).toEqual(other);
  });
});
