/**
 * Managing users in real Chromium (issue 19): the office adds a village user scoped to a village
 * (chosen by name), resets its password and reads the one-time password on screen; that user
 * signs in with it in a new browser context and is asked to change it; the office disables the
 * user, and a sign-in is refused with the Chinese message. Screenshots go to
 * test-output/screenshots/ (users-*.png).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ERROR_MESSAGES } from '../../src/core/error-messages.ts';
import { chooseOption, chromiumAvailable, confirmPopover, launchBrowser, shot, signIn, startApp, type App, stopAfterFailure } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
const UI = { timeout: 45_000 };
const USERNAME = 'shiqiao-cun';

describe.skipIf(!available)('browser: managing users', () => {
  let app: App;
  let browser: Browser;
  let desk: BrowserContext;
  let page: Page;
  let village: { code: string; name: string };
  let oneTime = '';
  let shown: Page | undefined;

  const desktop = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    return ctx;
  };
  const row = () => page.getByTestId(`user-row-${USERNAME}`);

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    const township = await app.store.db.selectFrom('areas').select(['code', 'name']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
    village = await app.store.db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', township.code).orderBy('code').executeTakeFirstOrThrow();
    desk = await desktop();
    page = await desk.newPage();
    shown = page;
  }, STEP);

  stopAfterFailure('users-failed-', () => shown);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    '1) the office adds a village user scoped to a village: the table names the village',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      await page.getByTestId('nav-users').click();
      await page.getByTestId('users-page').waitFor(UI);
      await expect.poll(() => page.getByTestId('user-row-admin').count(), UI).toBe(1);
      await page.getByTestId('user-add').click();
      await page.getByTestId('user-username').fill(USERNAME);
      await page.getByTestId('user-display-name').fill(`${village.name}村委`);
      await page.getByTestId('user-role').click();
      await chooseOption(page, '村（工作队）');
      await page.getByTestId('user-village').click();
      await page.keyboard.type(village.name);
      await chooseOption(page, village.name);
      await shot(page, 'users-01-add');
      await page.getByTestId('user-form-submit').click();
      // The creation's one-time password is shown once too; the test goes on with a reset.
      await page.getByTestId('one-time-password').waitFor(UI);
      await page.getByTestId('one-time-done').click();
      await row().waitFor(UI);
      const text = await row().textContent();
      expect(text).toContain(village.name);
      expect(text).toContain('村（工作队）');
      expect(text).toContain('启用');
      expect(text).toContain('需改密码');
      expect(text).toContain('从未登录');
      // No Latin text on the Chinese screen beyond user names and codes.
      const table = (await page.getByTestId('users-table').textContent()) ?? '';
      expect(table.replace(/[A-Za-z0-9._-]+/g, (w) => (/^[a-z0-9._-]+$/.test(w) ? '' : w))).not.toMatch(/[A-Z]/);
      await shot(page, 'users-02-list');
    },
    STEP,
  );

  test(
    '2) the office resets its password: the one-time password is on screen, with a copy button and the first-sign-in rule',
    async () => {
      await page.getByTestId(`user-reset-${USERNAME}`).click();
      await confirmPopover(page);
      await page.getByTestId('one-time-password').waitFor(UI);
      oneTime = ((await page.getByTestId('one-time-password').textContent()) ?? '').trim();
      expect(oneTime).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(await page.getByTestId('one-time-help').textContent()).toContain('首次登录时必须修改');
      expect(await page.getByTestId('one-time-copy').isVisible()).toBe(true);
      // The dialog's opening animation done, for the screenshot.
      await expect.poll(() => page.locator('.ant-popover:visible').count(), UI).toBe(0);
      await page.waitForTimeout(500);
      await shot(page, 'users-03-reset');
      await page.getByTestId('one-time-done').click();
    },
    STEP,
  );

  test(
    '3) the user signs in with the one-time password in a new context and is asked to change it',
    async () => {
      const ctx = await desktop();
      const p = await ctx.newPage();
      shown = p;
      await p.goto(`${app.url}/login`);
      await p.getByTestId('login-username').fill(USERNAME);
      await p.getByTestId('login-password').fill(oneTime);
      await p.getByTestId('login-submit').click();
      await expect.poll(() => p.getByTestId('must-change-password').isVisible(), UI).toBe(true);
      await shot(p, 'users-04-must-change');
      await ctx.close();
      shown = page;
      // The office's list now shows the sign-in.
      await page.reload();
      await row().waitFor(UI);
      await expect.poll(async () => (await row().textContent())?.includes('从未登录'), UI).toBe(false);
    },
    STEP,
  );

  test(
    '4) the office disables the user after confirming; a sign-in is refused with the Chinese message',
    async () => {
      await page.getByTestId(`user-disable-${USERNAME}`).click();
      await confirmPopover(page);
      await expect.poll(async () => (await row().getByTestId('user-state').textContent())?.trim(), UI).toBe('停用');
      await page.getByTestId(`user-enable-${USERNAME}`).waitFor(UI);
      await expect.poll(() => page.locator('.ant-popover:visible').count(), UI).toBe(0);
      await page.waitForTimeout(300);
      await shot(page, 'users-05-disabled');

      const ctx = await desktop();
      const p = await ctx.newPage();
      shown = p;
      await p.goto(`${app.url}/login`);
      await p.getByTestId('login-username').fill(USERNAME);
      await p.getByTestId('login-password').fill(oneTime);
      await p.getByTestId('login-submit').click();
      await expect.poll(() => p.getByTestId('login-error').textContent(), UI).toBe(ERROR_MESSAGES['account-disabled'].zh);
      await shot(p, 'users-06-refused');
      await ctx.close();
      shown = page;
    },
    STEP,
  );

  test(
    '5) the office finds these changes in the audit log by person, in words, and the workbook follows the search',
    async () => {
      await page.goto(`${app.url}/audit`);
      await page.getByTestId('audit-page').waitFor(UI);
      // The office's own changes today: the user added, reset and disabled, each a sentence.
      await page.getByTestId('audit-actor').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '（admin）' }).first().click();
      await expect.poll(async () => (await page.getByTestId('audit-sentence').allInnerTexts()).join('\n'), UI).toMatch(new RegExp(USERNAME));
      const sentences = await page.getByTestId('audit-sentence').allInnerTexts();
      expect(sentences.length).toBeGreaterThanOrEqual(3);
      for (const s of sentences) expect(s).toMatch(/[\u4e00-\u9fff]/);
      // The workbook link carries the same search.
      const href = (await page.getByTestId('audit-export').getAttribute('href')) ?? '';
      expect(href).toContain('actor=admin');
      await shot(page, 'users-07-audit-search');
    },
    STEP,
  );
});
