/**
 * A final campaign's ranking in real Chromium: four quarters' campaigns and a year-end of a scheme
 * with periods, set up through the services; the office opens the rankings page and reads each
 * period's weighted part, the combined score, the grade as scored → after the quota, rank points,
 * and opens a village to its combination line by line; the campaign form asks a scheme with
 * periods for the stage. Screenshots: test-output/screenshots/combined-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compose } from '../../src/compose.ts';
import type { Actor } from '../../src/services/policies.ts';
import { chooseOption, chromiumAvailable, launchBrowser, shot, signIn, startApp, type App } from './helpers.ts';
import { periodsScheme } from '../campaign-fixtures.ts';

const available = chromiumAvailable();
const STEP = 180_000;
const UI = { timeout: 45_000 };
const SYSTEM: Actor = { user: 'system', role: 'admin' };
const SCHEME = periodsScheme('township-periods-web');

describe.skipIf(!available)('browser: a combined ranking', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let finalId: number;
  let villages: Array<{ code: string; name: string }>;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    const service = compose({ store: app.store }).campaigns;
    const schemeVersionId = (await service.schemes.storeSchemeVersion(SYSTEM, SCHEME, null, 'township.yaml')).id;
    villages = await app.store.db.selectFrom('areas').select(['code', 'name']).where('level', '=', 'village').orderBy('code').limit(2).execute();
    const codes = villages.map((v) => v.code);
    const run = async (campaignId: number, findings: Record<string, number>) => {
      for (const v of codes) {
        const id = await service.assessments.assessmentId(campaignId, v);
        const version = async () => (await service.assessments.getAssessment(SYSTEM, id)).version;
        if (findings[v]) await service.findings.addFinding(SYSTEM, id, await version(), { item: '1.1', count: findings[v] });
        for (const step of ['submit', 'review', 'publish'] as const) await service.workflow.transition(SYSTEM, id, await version(), step);
      }
    };
    const quarters: number[] = [];
    for (let q = 1; q <= 4; q++) {
      const id = await service.setup.createCampaign(SYSTEM, { name: `2024年第${q}季度督查`, year: 2024, schemeVersionId, villages: codes, period: 'daily' });
      quarters.push(id);
      await run(id, { [codes[0]!]: q }); // 99.5, 99, 98.5, 98 → 98.75
    }
    finalId = await service.setup.createCampaign(SYSTEM, { name: '2024年度考核', year: 2024, schemeVersionId, villages: codes, period: 'final', parts: quarters });
    await run(finalId, { [codes[1]!]: 10 }); // 95
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    page = await ctx.newPage();
  }, STEP);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    'the rankings page shows the parts, the combined score, both grades and rank points, and each village line by line',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      await page.goto(`${app.url}/rankings?campaign=${finalId}`);
      const table = page.getByTestId('ranking-table');
      await table.getByText('综合得分').first().waitFor(UI);
      await expect.poll(() => table.textContent(), UI).toContain('平时考核（30%）');
      const text = (await table.textContent()) ?? '';
      expect(text).toContain('年终考核（70%）');
      expect(text).toContain('名次分');
      // V0: 98.75 × 30% = 29.63 (29.625 half up), + 70 = 99.63 → 好, 60; V1: 30 + 66.5 = 96.5 → 好 → 较好, 57.
      expect(text).toContain('99.63');
      expect(text).toContain('96.5');
      await expect.poll(() => page.getByTestId(`grade-${villages[1]!.code}`).textContent(), UI).toBe('好 → 较好');
      await page.locator('.ant-table-row-expand-icon').first().click();
      const lines = page.getByTestId(`combined-${villages[0]!.code}`);
      await lines.waitFor(UI);
      expect(await lines.textContent()).toContain('平时考核 4次平均 98.75（99.5、99、98.5、98） ×30% = 29.63');
      expect(await lines.textContent()).toContain('综合得分 29.63 + 70 = 99.63');
      await shot(page, 'combined-01-ranking');
    },
    STEP,
  );

  test(
    'the campaign form asks a scheme with periods for the stage and the campaigns it combines',
    async () => {
      await page.goto(`${app.url}/campaigns`);
      await page.getByTestId('campaign-create').click();
      await page.getByTestId('campaign-scheme').click();
      await chooseOption(page, '测试镇综合考核（township-periods-web v1）');
      await page.getByTestId('campaign-scheme-period').waitFor(UI);
      await page.getByTestId('campaign-scheme-period').click();
      await chooseOption(page, '年终考核（权重70%）');
      await page.getByTestId('campaign-parts').click();
      await expect.poll(() => page.locator('.ant-select-dropdown:visible .ant-select-item-option').count(), UI).toBe(5);
      await shot(page, 'combined-02-form');
    },
    STEP,
  );

  test(
    "a village's own page in the final campaign shows its combined score beside its score, part by part",
    async () => {
      const service = compose({ store: app.store }).campaigns;
      const id = await service.assessments.assessmentId(finalId, villages[0]!.code);
      await page.goto(`${app.url}/assessments/${id}`);
      const combined = page.getByTestId('combined-result');
      await combined.waitFor(UI);
      expect(await page.getByTestId('combined-total').innerText()).toBe('99.63');
      const text = await combined.innerText();
      expect(text).toContain('综合得分');
      expect(text).toContain('全县第1名');
      expect(text).toContain('平时考核 4次平均 98.75（99.5、99、98.5、98） ×30% = 29.63');
      expect(text).toContain('综合得分 29.63 + 70 = 99.63');
      await shot(page, 'combined-03-village-page');
      // A quarter's page combines nothing: no combined score there.
      const quarter = (await app.store.db.selectFrom('campaigns').select('id').where('name', '=', '2024年第1季度督查').executeTakeFirstOrThrow()).id;
      await page.goto(`${app.url}/assessments/${await service.assessments.assessmentId(quarter, villages[0]!.code)}`);
      await page.getByTestId('assessment-page').waitFor(UI);
      expect(await page.getByTestId('combined-result').count()).toBe(0);
    },
    STEP,
  );
});
