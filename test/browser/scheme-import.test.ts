/**
 * Importing a scheme from its scoring table in real Chromium: the office opens 方案 → 导入评分细则表, uploads a
 * scoring table laid out as an office lays it, sees the lines not read with their rows, and opens
 * the draft in the form editor (the history entry's state carries the draft and the lines).
 * Screenshots go to test-output/screenshots/ (scheme-import-*.png).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable, launchBrowser, shot, signIn, startApp, type App } from './helpers.ts';
import { writeSheet } from '../scheme-sheets.ts';

const available = chromiumAvailable();
const STEP = 180_000;
const UI = { timeout: 45_000 };

describe.skipIf(!available)('browser: importing a scheme from Excel', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let file: string;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    page = await ctx.newPage();
    file = await writeSheet(
      {
        cells: [
          ['某村2024年度考核细则', '', '', ''],
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、基础工作（15分）', '', '', ''],
          ['1', '台账齐全', '10', '每缺少一项扣2分，扣完15分为止'],
          ['2', '政策宣传', '5', '由考核组综合评定'],
          ['二、加分项（最高加5分）', '', '', ''],
          ['1', '获得省级表彰', '', '加3分'],
        ],
        merges: [
          { top: 0, left: 0, bottom: 0, right: 3 },
          { top: 2, left: 0, bottom: 2, right: 3 },
          { top: 5, left: 0, bottom: 5, right: 3 },
        ],
      },
      join(mkdtempSync(join(tmpdir(), 'kaohe-browser-scheme-')), '评分细则.xlsx'),
    );
  }, STEP);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    'the office uploads the table, reads the line not read with its row, and opens the draft in the form editor',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      await page.goto(`${app.url}/schemes`);
      await page.getByTestId('scheme-import-link').click();
      await page.getByTestId('scheme-import').waitFor(UI);
      await page.getByTestId('scheme-import-file').setInputFiles(file);
      await page.getByTestId('scheme-import-summary').waitFor(UI);
      expect(await page.getByTestId('scheme-import-summary').textContent()).toContain('共3项，1处未识别');
      const unread = (await page.getByTestId('scheme-import-unread').textContent()) ?? '';
      expect(unread).toContain('5');
      expect(unread).toContain('D');
      expect(unread).toContain('1.2');
      expect(unread).toContain('未能识别评分标准“由考核组综合评定”');
      await shot(page, 'scheme-import-01-result');
      await page.getByTestId('scheme-import-open').click();
      await page.waitForURL((u) => u.pathname === '/schemes/new/form', UI);
      const state = (await page.evaluate('window.history.state')) as {
        draft: { title: string; sections: Array<{ code: string; points: number }> };
        unread: Array<{ row: number }>;
      };
      expect(state.draft.title).toBe('某村2024年度考核细则');
      expect(state.draft.sections.map((s) => [s.code, s.points])).toEqual([
        ['1', 15],
        ['2', 5],
      ]);
      expect(state.unread.map((l) => l.row)).toEqual([5]);
    },
    STEP,
  );
});
