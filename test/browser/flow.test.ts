/**
 * The whole assessment flow in real Chromium: the office imports a household, the inspector
 * records findings on a phone, the reviewer reviews, the office publishes, the ranking and the
 * printable score sheet show the village's total, the village appeals, the office upholds the
 * appeal and the village's total rises in the ranking. Screenshots of every main page go to
 * test-output/screenshots/.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import { DEMO_CAMPAIGN } from '../../src/services/bootstrap.service.ts';
import { chromiumAvailable, chooseOption, confirmPopover, launchBrowser, points, shot, signIn, startApp, tinyPng, type App } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
// Generous: the default `npm test` runs other CPU-heavy files in parallel on 2 cores.
const UI = { timeout: 45_000 };

interface Score {
  total: number;
}
interface AssessmentJson {
  id: number;
  status: string;
  version: number;
  score: Score;
  findings: Array<{ id: number; item: string; count: number; status: string; source: string }>;
  evidence: Array<{ id: number; finding_id: number | null; mime: string }>;
  appeals: Array<{ id: number; item: string; status: string }>;
}

describe.skipIf(!available)('browser: the assessment flow', () => {
  let app: App;
  let browser: Browser;
  let desk: BrowserContext;
  let page: Page;
  let files: string;
  let campaignId: number;
  let village: { code: string; name: string };
  let assessmentId: number;
  let publishedTotal: number;
  let scope: number;
  let item: string;
  /** A step failed: the later steps depend on it and are skipped. */
  let broken = false;

  /** The village's assessment as the API gives it to the signed-in user of `p`. */
  const assessment = async (p: Page): Promise<AssessmentJson> => {
    const r = await p.request.get(`${app.url}/api/campaigns/${campaignId}/villages/${village.code}/assessment`);
    expect(r.status()).toBe(200);
    return (await r.json()) as AssessmentJson;
  };
  const rankingTotal = async (p: Page): Promise<number> => {
    const r = await p.request.get(`${app.url}/api/campaigns/${campaignId}/ranking`);
    expect(r.status()).toBe(200);
    const body = (await r.json()) as { county: Array<{ village: string; total: number }> };
    return body.county.find((x) => x.village === village.code)!.total;
  };
  const rankingRowTotal = (p: Page) => p.locator(`[data-testid=ranking-table] tr[data-row-key="${village.code}"] td b`).first();

  const desktop = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    return ctx;
  };

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    files = mkdtempSync(join(tmpdir(), 'kaohe-browser-files-'));
    const township = await app.store.db.selectFrom('areas').select(['code']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
    village = await app.store.db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', township.code).orderBy('code').executeTakeFirstOrThrow();
    desk = await desktop();
    page = await desk.newPage();
  }, STEP);

  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') broken = true;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('1) admin signs in, changes the one-time password and sees the overview', async () => {
    await signIn(page, app.url, 'admin', app.passwords.admin!, true);
    await page.goto(`${app.url}/`);
    await page.getByTestId('overview-page').waitFor(UI);
    const campaigns = (await (await page.request.get(`${app.url}/api/campaigns`)).json()) as { campaigns: Array<{ id: number; name: string }> };
    campaignId = campaigns.campaigns.find((c) => c.name === DEMO_CAMPAIGN)!.id;
    // The number of villages in the campaign's scope, as the API counts them.
    const detail = (await (await page.request.get(`${app.url}/api/campaigns/${campaignId}`)).json()) as { scope: { villages: number } };
    scope = detail.scope.villages;
    expect(scope).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.locator('[data-testid=overview-page] .ant-statistic').first().innerText(), UI).toMatch(new RegExp(`\\b${scope}\\b`));
    await page.getByTestId('chart-progress').waitFor(UI);
    await shot(page, '01-overview');
  }, STEP);

  test('2) admin imports one household through the wizard', async () => {
    const first17 = `${village.code.slice(0, 6)}19700101123`;
    const id = first17 + checkCharacter(first17);
    const householdNo = `${village.code}9001`;
    const csv = [
      '户编号,村区划代码,年度,户主姓名,户主身份证号,家庭人口数,劳动力人数,贫困户属性,主要致贫原因,贫困户状态,识别年度',
      `${householdNo},${village.code},2020,测试户主,${id},3,2,一般贫困户,因病,未脱贫,2016`,
    ].join('\r\n');
    const csvPath = join(files, 'households.csv');
    writeFileSync(csvPath, '\uFEFF' + csv + '\r\n', 'utf8');

    await page.goto(`${app.url}/registry/import`);
    await page.getByTestId('import-wizard').waitFor(UI);
    await page.getByTestId('import-kind').click();
    await chooseOption(page, '贫困户');
    await page.getByTestId('import-fields').waitFor(UI);
    await page.getByTestId('import-file').setInputFiles(csvPath);
    // The columns are checked in the browser before anything is sent.
    await page.getByTestId('import-columns-ok').waitFor(UI);
    await page.getByTestId('import-dry-run').click();
    await page.getByTestId('import-dry-result').waitFor(UI);
    await expect.poll(() => page.getByTestId('import-problem-count').innerText(), UI).toBe('0');
    const dry = page.getByTestId('import-dry-result');
    await expect.poll(() => dry.locator('.ant-descriptions-item').nth(1).innerText(), UI).toMatch(/\b1$/); // would insert 1
    await shot(page, '03-import-dry-run');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-result').waitFor(UI);
    const result = await page.getByTestId('import-result').innerText();
    expect(result).toMatch(/新增\s*1|1\s*(户|条|行)?\s*新增|inserted[^0-9]*1/);
    await shot(page, '04-import-result');

    await page.goto(`${app.url}/registry/households`);
    await page.getByTestId('households-page').waitFor(UI);
    await page.getByTestId('household-search').fill(householdNo);
    await page.getByTestId(`household-${householdNo}`).waitFor(UI);
    // The ID number is masked in the list: the first 6 and the last 4 characters only.
    const masked = await page.locator(`[data-testid=households-table] tr:has([data-testid="household-${householdNo}"]) [data-testid=masked-id]`).innerText();
    expect(masked).not.toContain(id);
    expect(masked.startsWith(id.slice(0, 6))).toBe(true);
    expect(masked.endsWith(id.slice(-4))).toBe(true);
    await shot(page, '02-registry-households');
  }, STEP);

  test('3) admin sees the schemes and the demo campaign with its scope', async () => {
    await page.goto(`${app.url}/schemes`);
    await page.getByTestId('schemes-page').waitFor(UI);
    await shot(page, '05-schemes');
    await page.goto(`${app.url}/campaigns/${campaignId}`);
    await page.getByTestId('campaign-page').waitFor(UI);
    await expect.poll(() => page.locator('[data-testid=campaign-page] .ant-statistic').first().innerText(), UI).toMatch(new RegExp(`\\b${scope}\\b`));
    await page.getByTestId(`assessment-link-${village.code}`).waitFor(UI);
    await shot(page, '06-campaign');
  }, STEP);

  test('4) the inspector assesses the village on a phone: suggestion, finding with photo, live score, submit', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    phone.setDefaultTimeout(45_000);
    const p = await phone.newPage();
    try {
      await signIn(p, app.url, 'inspector', app.passwords.inspector!, true);
      await p.goto(`${app.url}/campaigns/${campaignId}/villages/${village.code}`);
      await p.getByTestId('assessment-page').waitFor(UI);
      const bar = p.getByTestId('mobile-score-bar');
      await bar.waitFor(UI);
      const before = await assessment(p);
      assessmentId = before.id;
      expect(before.status).toBe('draft');
      await expect.poll(() => bar.innerText(), UI).toContain(points(before.score.total));

      // Suggestions derived from the registry; accept the first.
      await p.getByTestId('tab-suggestions').click();
      await p.getByTestId('suggestions-derive').click();
      const accept = p.locator('[data-testid^=suggestion-accept-]').first();
      await accept.waitFor(UI);
      await accept.click();
      await expect.poll(async () => (await assessment(p)).findings.filter((f) => f.source === 'suggestion' && f.status === 'active').length, UI).toBe(1);
      const afterSuggestion = await assessment(p);
      // An item of section 1 (2 points per occurrence, at least 4 points) the suggestion did not touch.
      const suggested = new Set(afterSuggestion.findings.map((f) => f.item));
      item = ['1.3', '1.1', '1.2'].find((c) => !suggested.has(c))!;
      await expect.poll(() => bar.innerText(), UI).toContain(points(afterSuggestion.score.total));

      // A finding on that item, count 2 (−4), with a photo.
      await p.getByRole('tab', { name: '评分', exact: true }).click();
      await p.getByTestId(`finding-add-${item}`).click();
      const drawer = p.getByTestId('finding-drawer');
      await drawer.waitFor(UI);
      const count = p.getByTestId('finding-count');
      await count.fill('2');
      // The live score: the drawer and the bar show the total after the finding before it is saved.
      const expectedLive = afterSuggestion.score.total - 4;
      await expect.poll(() => p.getByTestId('finding-preview').innerText(), UI).toContain(points(expectedLive));
      await expect.poll(() => p.getByTestId('finding-preview-delta').innerText(), UI).toContain('4');
      await expect.poll(() => bar.innerText(), UI).toContain(points(expectedLive));
      await p.getByTestId('finding-note').fill('会议记录缺两次');
      const photo = join(files, 'photo.png');
      writeFileSync(photo, tinyPng());
      await p.getByTestId('evidence-input').setInputFiles(photo);
      await expect.poll(() => drawer.innerText(), UI).toContain('photo.png');
      await shot(p, '07-assessment-phone-finding');
      await p.getByTestId('finding-save').click();
      await expect.poll(async () => (await assessment(p)).findings.filter((f) => f.item === item && f.status === 'active').length, UI).toBe(1);
      // The photo is uploaded after the finding is saved.
      await expect.poll(async () => (await assessment(p)).evidence.length, UI).toBe(1);
      const afterFinding = await assessment(p);
      expect(afterFinding.score.total).toBeCloseTo(expectedLive, 5);
      const finding = afterFinding.findings.find((f) => f.item === item && f.status === 'active')!;
      // The API sends evidence rows as stored (finding_id; the web app camel-cases them): the
      // photo is on the finding, and the stored file is served back as the same PNG.
      const photoRow = afterFinding.evidence.find((e) => e.finding_id === finding.id && e.mime === 'image/png');
      expect(photoRow, JSON.stringify(afterFinding.evidence)).toBeDefined();
      const served = await p.request.get(`${app.url}/api/evidence/${photoRow!.id}`);
      expect(served.status()).toBe(200);
      expect(Buffer.compare(await served.body(), tinyPng())).toBe(0);
      await expect.poll(() => bar.innerText(), UI).toContain(points(afterFinding.score.total));
      // Its thumbnail under the finding.
      await p.getByTestId(`finding-${finding.id}`).locator(`[data-testid=evidence-list] img[alt="photo.png"]`).first().waitFor(UI);
      await shot(p, '08-assessment-phone');

      // Submit (the workflow button is in the bar on a phone).
      await p.getByTestId('submit-assessment').click();
      await confirmPopover(p);
      await expect.poll(() => p.getByTestId('assessment-page').getAttribute('data-status'), UI).toBe('submitted');
      publishedTotal = afterFinding.score.total;
    } finally {
      await phone.close();
    }
  }, STEP);

  test('5) the reviewer reviews, the admin publishes', async () => {
    const ctx = await desktop();
    const p = await ctx.newPage();
    try {
      await signIn(p, app.url, 'reviewer', app.passwords.reviewer!, true);
      await p.goto(`${app.url}/review`);
      await p.getByTestId('review-page').waitFor(UI);
      await p.getByTestId(`review-${village.code}`).click();
      await confirmPopover(p);
      await expect.poll(async () => (await assessment(p)).status, UI).toBe('reviewed');
    } finally {
      await ctx.close();
    }
    await page.goto(`${app.url}/review`);
    await page.getByTestId('review-page').waitFor(UI);
    await page.getByTestId('review-status').waitFor(UI);
    await shot(page, '09-review');
    await page.goto(`${app.url}/assessments/${assessmentId}`);
    await page.getByTestId('publish-assessment').click();
    await confirmPopover(page);
    await expect.poll(() => page.getByTestId('assessment-page').getAttribute('data-status'), UI).toBe('published');
  }, STEP);

  test('6) the ranking and the printable score sheet show the village total', async () => {
    const api = await assessment(page);
    expect(api.score.total).toBeCloseTo(publishedTotal, 5);
    expect(await rankingTotal(page)).toBeCloseTo(publishedTotal, 5);
    await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
    await page.getByTestId('rankings-page').waitFor(UI);
    await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(publishedTotal));
    await shot(page, '10-ranking');
    await page.goto(`${app.url}/assessments/${assessmentId}/sheet`);
    await page.getByTestId('score-sheet').waitFor(UI);
    await expect.poll(() => page.getByTestId('sheet-total').innerText(), UI).toBe(points(publishedTotal));
    await expect.poll(() => page.getByTestId('sheet-deductions').innerText(), UI).toContain(item);
    await shot(page, '11-score-sheet');
  }, STEP);

  test("7) the village appeals the deduction on the inspector's item", async () => {
    const ctx = await desktop();
    const p = await ctx.newPage();
    try {
      await signIn(p, app.url, 'village', app.passwords.village!, true);
      await p.goto(`${app.url}/assessments/${assessmentId}?tab=appeals`);
      await p.getByTestId('appeals').waitFor(UI);
      await p.getByTestId('appeal-create').click();
      await p.getByTestId('appeal-item').click();
      await p.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${item} "]`).click();
      await p.getByTestId('appeal-reason').fill('会议记录齐全，现场漏看');
      await p.locator('.ant-modal:visible').getByTestId('appeal-submit').click();
      await expect.poll(async () => (await assessment(p)).appeals.filter((a) => a.status === 'open').length, UI).toBe(1);
      await p.locator('[data-testid^=appeal-]', { hasText: '会议记录齐全' }).first().waitFor(UI);
    } finally {
      await ctx.close();
    }
  }, STEP);

  test('8) the admin upholds the appeal; 9) the village total rises in the ranking', async () => {
    await page.goto(`${app.url}/appeals`);
    await page.getByTestId('appeals-page').waitFor(UI);
    const open = (await assessment(page)).appeals.find((a) => a.status === 'open')!;
    await page.getByTestId(`appeal-open-${open.id}`).waitFor(UI);
    await shot(page, '12-appeals');
    // Opened on the appeals page: the village's reasons, the item's findings, the decision form.
    await page.getByTestId(`appeal-open-${open.id}`).click();
    const drawer = page.getByTestId('appeal-drawer');
    await drawer.waitFor(UI);
    // Upheld is the default outcome; the form shows the effect on the total.
    await drawer.getByTestId('appeal-decision-reason').fill('复核属实');
    await expect.poll(() => page.getByTestId('appeal-effect').innerText(), UI).toContain(points(publishedTotal + 4));
    await drawer.getByTestId('appeal-decide').click();
    await expect.poll(async () => (await assessment(page)).appeals.find((a) => a.id === open.id)!.status, UI).toBe('upheld');
    await drawer.getByTestId('appeal-decision').waitFor(UI);
    const after = await assessment(page);
    expect(after.score.total).toBeCloseTo(publishedTotal + 4, 5);
    expect(await rankingTotal(page)).toBeCloseTo(after.score.total, 5);

    await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
    await page.getByTestId('rankings-page').waitFor(UI);
    await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(after.score.total));
    expect(after.score.total).toBeGreaterThan(publishedTotal);
    await shot(page, '13-ranking-after-appeal');

    await page.goto(`${app.url}/audit`);
    await page.getByTestId('audit-page').waitFor(UI);
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-verify-result').waitFor(UI);
    await shot(page, '14-audit');
  }, STEP);
});
