/**
 * Findings of issue 18's kinds on a phone, in real Chromium (390×844): on a campaign whose scheme
 * has a measured rate and a discretionary range (test/fixtures/schemes/finding-kinds.yaml), the
 * inspector records the rate as counts and sees the item's points and the total change before
 * saving; then a range deduction, refused until its reason is written; the server stores what
 * the phone scored. Screenshots go to test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTORS } from '../campaign-fixtures.ts';
import { FINDING_KINDS_TEXT } from '../finding-kinds.ts';
import { compose } from '../../src/compose.ts';
import { type App, chromiumAvailable, launchBrowser, phoneContext, shot, signIn, startApp, stopAfterFailure } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
const UI = { timeout: 45_000 };

interface View {
  version: number;
  findings: Array<{ id: number; item: string; status: string; value: unknown; amount: number | null; note: string | null }>;
  score: { total: number };
}

describe.skipIf(!available)('browser: a measured value and a discretionary deduction on a phone', () => {
  let app: App;
  let browser: Browser;
  let phone: BrowserContext;
  let p: Page;
  let assessmentId: number;
  let villageCode: string;

  const view = async (): Promise<View> => {
    const r = await p.request.get(`${app.url}/api/assessments/${assessmentId}`);
    expect(r.status()).toBe(200);
    return (await r.json()) as View;
  };
  // The phone's score bar: the total the page shows (scored in the browser).
  const shownTotal = () => p.getByTestId('mobile-score-bar').locator('b').first().innerText();

  beforeAll(async () => {
    app = await startApp();
    // A campaign on the scheme with the new kinds, one village of the demo county, the inspector's team.
    const campaigns = compose({ store: app.store }).campaigns;
    const admin = ACTORS.admin;
    const village = await app.store.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').executeTakeFirstOrThrow();
    const v = await campaigns.schemes.storeSchemeVersion(admin, FINDING_KINDS_TEXT, null, 'finding-kinds.yaml');
    const campaignId = await campaigns.setup.createCampaign(admin, { name: '2020年度动态监测考核', year: 2020, schemeVersionId: v.id, villages: [village.code] });
    await campaigns.setup.setTeam(admin, campaignId, '监测组', ['inspector']);
    await campaigns.setup.assignVillages(admin, campaignId, '监测组', [village.code]);
    assessmentId = await campaigns.assessments.assessmentId(campaignId, village.code);
    villageCode = village.code;
    browser = await launchBrowser();
    phone = await phoneContext(browser);
    p = await phone.newPage();
  }, STEP);

  stopAfterFailure('failed-finding-values-', () => p);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    '1) records a measured rate as counts: the item score and the total change live, then on the server',
    async () => {
      await signIn(p, app.url, 'inspector', app.passwords.inspector!, true);
      await p.goto(`${app.url}/assessments/${assessmentId}`);
      await p.getByTestId('assessment-page').waitFor(UI);
      await expect.poll(shownTotal, UI).toBe('100');
      await p.getByTestId('finding-add-1.1').scrollIntoViewIfNeeded();
      await p.getByTestId('finding-add-1.1').click();
      const drawer = p.getByTestId('finding-drawer');
      await drawer.waitFor(UI);
      // The rate's inputs, named as the scheme names them; no count for a measured item.
      expect(await drawer.innerText()).toContain('抽查户数');
      expect(await p.getByTestId('finding-count').count()).toBe(0);
      await expect.poll(() => p.getByTestId('finding-value-help').innerText(), UI).toBe('测量值：请填写完整');
      expect(await p.getByTestId('finding-save').isDisabled()).toBe(true);
      await p.getByTestId('finding-value-num').fill('93');
      await p.getByTestId('finding-value-of').fill('100');
      // 93%: 7 points short at 0.5 each → 26.5 of 30; the total 96.5 (−3.5) before saving.
      await expect.poll(() => p.getByTestId('finding-value-help').innerText(), UI).toBe('本项得分 26.5 分');
      await expect.poll(() => p.getByTestId('finding-preview').innerText(), UI).toContain('96.5');
      expect(await p.getByTestId('finding-preview-delta').innerText()).toContain('3.5');
      await shot(p, 'finding-values-01-measured-rate');
      await p.getByTestId('finding-save').click();
      await expect.poll(async () => (await view()).score.total, UI).toBe(96.5);
      await expect.poll(shownTotal, UI).toBe('96.5');
      const [f] = (await view()).findings;
      expect(f).toMatchObject({ item: '1.1', value: { num: 93, of: 100 }, status: 'active' });
      await expect.poll(() => p.getByTestId(`finding-value-${f!.id}`).innerText(), UI).toContain('93 / 抽查户数 100');
    },
    STEP,
  );

  test(
    '2) a range deduction needs its amount within the range and a reason; saved, the total changes',
    async () => {
      await p.getByTestId('finding-add-2.2').scrollIntoViewIfNeeded();
      await p.getByTestId('finding-add-2.2').click();
      await p.getByTestId('finding-drawer').waitFor(UI);
      await expect.poll(() => p.getByTestId('finding-amount-help').innerText(), UI).toBe('扣分值：请填写');
      await p.getByTestId('finding-amount').fill('2');
      await expect.poll(() => p.getByTestId('finding-amount-help').innerText(), UI).toBe('在1—3分之间选定，每档0.5分');
      // No reason yet: the form says so and does not save; the live total shows what it would give.
      await expect.poll(() => p.getByTestId('finding-note-help').innerText(), UI).toBe('理由：视情况扣分须写明理由');
      expect(await p.getByTestId('finding-save').isDisabled()).toBe(true);
      await expect.poll(() => p.getByTestId('finding-preview').innerText(), UI).toContain('94.5');
      await p.getByTestId('finding-note').fill('档案缺2户收入台账');
      await expect.poll(() => p.getByTestId('finding-save').isDisabled(), UI).toBe(false);
      await shot(p, 'finding-values-02-range-reason');
      await p.getByTestId('finding-save').click();
      await expect.poll(async () => (await view()).score.total, UI).toBe(94.5);
      await expect.poll(shownTotal, UI).toBe('94.5');
      const f = (await view()).findings.find((x) => x.item === '2.2')!;
      expect(f).toMatchObject({ amount: 2, note: '档案缺2户收入台账' });
      await expect.poll(() => p.getByTestId(`finding-picked-${f.id}`).innerText(), UI).toContain('每处2分');
      await p.getByTestId(`finding-${f.id}`).scrollIntoViewIfNeeded();
      await shot(p, 'finding-values-03-recorded');
    },
    STEP,
  );

  test(
    '3) the office decides an appeal on the measured item by the value found on review: no count asked, the effect shown before sending',
    async () => {
      const campaigns = compose({ store: app.store }).campaigns;
      for (const step of ['submit', 'review', 'publish'] as const) await campaigns.workflow.transition(ACTORS.admin, assessmentId, (await view()).version, step);
      const appealId = await campaigns.appeals.appeal({ user: 'cun', role: 'village', village: villageCode }, assessmentId, { item: '1.1', reason: '抽查的100户中98户识别准确' });
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      try {
        await signIn(page, app.url, 'admin', app.passwords.admin!, true);
        await page.goto(`${app.url}/assessments/${assessmentId}?tab=appeals`);
        await page.getByTestId(`appeal-decide-${appealId}`).click();
        const modal = page.locator('.ant-modal:visible');
        await modal.getByTestId('appeal-outcome').getByText('调整扣分').click();
        // A measured item: the value, not a count.
        expect(await modal.getByTestId('appeal-count').count()).toBe(0);
        await modal.getByTestId('finding-value-num').fill('98');
        await modal.getByTestId('finding-value-of').fill('100');
        await modal.getByTestId('appeal-decision-reason').fill('复核为98户准确');
        // 1.1 from 26.5 (93%) to 29 (98%): 94.5 → 97.
        await expect.poll(() => modal.getByTestId('appeal-effect').innerText(), UI).toContain('97');
        await shot(page, 'finding-values-04-appeal-value');
        await modal.getByTestId('appeal-decide').click();
        await page.getByTestId('appeal-confirm').click();
        await expect.poll(async () => (await view()).score.total, UI).toBe(97);
        const f = (await view()).findings.filter((x) => x.item === '1.1' && x.status === 'active');
        expect(f).toEqual([expect.objectContaining({ value: { num: 98, of: 100 } })]);
        await expect.poll(() => page.getByTestId(`appeal-${appealId}`).innerText(), UI).toContain('已按复核的实测值调整');
      } finally {
        await ctx.close();
      }
    },
    STEP,
  );
});
