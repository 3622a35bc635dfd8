/**
 * The rankings page pages the ranked rows (issue 11): the first page in rank order, 加载更多 for
 * the next (the page size cut to 5 here by rewriting the requests' `limit`, since the demo county
 * has 30 villages and a page is 200), the search box (搜索村名或代码) asking the server, and the
 * summaries (the county's, the townships') whole on every page, compared with the whole ranking
 * the server answers without `limit`. The demo's 2019 campaign is published in full.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable, launchBrowser, shot, signIn, startApp, type App } from './helpers.ts';
import type { CampaignsAnswer, Ranking } from '../../src/contract/index.ts';

const available = chromiumAvailable();
const STEP = 240_000;
const UI = { timeout: 45_000 };
const SIZE = 5;

describe.skipIf(!available)('browser: the ranking paged', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  let whole: Ranking;
  const asked: URL[] = [];
  /** Every ranking request the page made, as it made them (before the rewriting). */
  const sent: URL[] = [];

  beforeAll(async () => {
    app = await startApp({ inProgress: true });
    browser = await launchBrowser();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await ctx.newPage();
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (/\/api\/campaigns\/\d+\/ranking$/.test(url.pathname)) sent.push(url);
    });
    // Pages of 5 rows instead of 200.
    await page.route(/\/api\/campaigns\/\d+\/ranking\?/, async (route) => {
      const url = new URL(route.request().url());
      asked.push(url);
      if (url.searchParams.get('limit') === '200') url.searchParams.set('limit', String(SIZE));
      await route.continue({ url: url.toString() });
    });
  }, STEP);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const tableRows = () => page.getByTestId('ranking-table').locator('tbody tr.ant-table-row');
  /** The rows shown: village code (the row key) and rank (the first cell). */
  const shown = async () => {
    const rows = tableRows();
    const out: Array<{ village: string; rank: number }> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      out.push({ village: (await rows.nth(i).getAttribute('data-row-key'))!, rank: Number((await rows.nth(i).locator('td').first().innerText()).trim()) });
    }
    return out;
  };
  const expected = (rows: Ranking['county']) => rows.map((r) => ({ village: r.village, rank: r.countyRank }));
  const summaryLine = () => `${whole.countySummary.count} 个村`;

  test(
    'the first page shows its rows in rank order, and 加载更多 appends the next with ranks continuing',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      const list = (await (await page.request.get(`${app.url}/api/campaigns`)).json()) as CampaignsAnswer;
      campaignId = list.campaigns.find((c) => c.name === '2019年度考核')!.id;
      // The whole ranking, as the server answers it without `limit` (not rewritten: no `?`).
      whole = (await (await page.request.get(`${app.url}/api/campaigns/${campaignId}/ranking`)).json()) as Ranking;
      expect(whole.county.length).toBeGreaterThan(3 * SIZE);
      expect(whole.townships.length).toBeGreaterThan(1);

      await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`已显示 ${SIZE} 条，共 ${whole.county.length} 条`);
      expect(await shown()).toEqual(expected(whole.county.slice(0, SIZE)));
      // The page asked for a page, not the whole ranking.
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((u) => u.searchParams.get('limit') === null)).toEqual([]);

      await page.getByTestId('ranking-paging-more').click();
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`已显示 ${2 * SIZE} 条`);
      const rows = await shown();
      expect(rows).toEqual(expected(whole.county.slice(0, 2 * SIZE)));
      expect(new Set(rows.map((r) => r.village)).size).toBe(2 * SIZE);
      // Ranks continue across the pages (competition ranks: never lower than the row before).
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.rank).toBeGreaterThanOrEqual(rows[i - 1]!.rank);
      expect(asked.at(-1)!.searchParams.get('after')).toBe(whole.county[SIZE - 1]!.village);
      await shot(page, 'ranking-paging');
    },
    STEP,
  );

  test(
    'the county and township summaries stay whole while the rows are paged',
    async () => {
      const text = await page.getByTestId('rankings-page').innerText();
      expect(text).toContain(summaryLine());
      const townships = page.getByTestId('ranking-townships').locator('tbody tr.ant-table-row');
      expect(await townships.count()).toBe(whole.townships.length);
      for (let i = 0; i < whole.townships.length; i++) {
        const cells = townships.nth(i).locator('td');
        expect((await cells.nth(0).innerText()).trim()).toBe(whole.townships[i]!.townshipName);
        expect((await cells.nth(1).innerText()).trim()).toBe(String(whole.townships[i]!.count));
      }
      // Chosen straight from a link, a township's ranking still offers every township.
      const one = whole.townships[1]!;
      await page.goto(`${app.url}/rankings?campaign=${campaignId}&township=${one.township}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`共 ${one.count} 条`);
      await page.getByTestId('ranking-township').click();
      const options = page.locator('.ant-select-dropdown .ant-select-item-option');
      await expect.poll(() => options.count(), UI).toBe(whole.townships.length);
      await page.keyboard.press('Escape');
    },
    STEP,
  );

  test(
    'the search asks the server and shows only the matching villages',
    async () => {
      await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`已显示 ${SIZE} 条`);
      // A village beyond the first page.
      const target = whole.county[3 * SIZE]!;
      const matches = whole.county.filter((r) => r.village.startsWith(target.name) || r.name.includes(target.name));
      await page.getByTestId('ranking-search').locator('input').fill(target.name);
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`共 ${matches.length} 条`);
      expect(asked.at(-1)!.searchParams.get('q')).toBe(target.name);
      expect(await shown()).toEqual(expected(matches.slice(0, SIZE)));
      // The summaries are the whole county's still.
      expect(await page.getByTestId('rankings-page').innerText()).toContain(summaryLine());
      expect(await page.getByTestId('ranking-townships').locator('tbody tr.ant-table-row').count()).toBe(whole.townships.length);
      await page.getByTestId('ranking-search').locator('input').fill('');
      await expect.poll(() => page.getByTestId('ranking-paging').innerText(), UI).toContain(`共 ${whole.county.length} 条`);
      expect(await shown()).toEqual(expected(whole.county.slice(0, SIZE)));
    },
    STEP,
  );
});
