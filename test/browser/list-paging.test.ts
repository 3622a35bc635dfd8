/**
 * Lists the server pages (issue 11), as the review and appeals pages use them: the first page,
 * 加载更多 for the next (the page size cut to 5 here by rewriting the requests' `limit`, since
 * the demo county has 30 villages and a page is 200), the status tabs counted by the server,
 * and the search box (搜索村名或代码) asking the server; the registry's households and home
 * visits the same way (by household number; newest first).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { worklistTuning } from '../../src/services/campaign/worklist.service.ts';
import { chromiumAvailable, launchBrowser, shot, signIn, startApp, type App } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 240_000;
const UI = { timeout: 45_000 };

describe.skipIf(!available)('browser: paged lists', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  const asked: URL[] = [];

  beforeAll(async () => {
    app = await startApp({ inProgress: true });
    browser = await launchBrowser();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await ctx.newPage();
    // Pages of 5 rows instead of 200.
    await page.route(/\/api\/(campaigns\/\d+\/(assessments|appeals)|households|helpers|work-teams|records\/[a-z-]+)\?/, async (route) => {
      const url = new URL(route.request().url());
      asked.push(url);
      if (url.searchParams.get('limit') === '200') url.searchParams.set('limit', '5');
      await route.continue({ url: url.toString() });
    });
  }, STEP);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const tableRows = () => page.getByTestId('review-table').locator('tbody tr.ant-table-row');

  test(
    'the review page loads a page, then the next with 加载更多, and counts every status',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      await page.goto(`${app.url}/review`);
      await page.getByTestId('review-page').waitFor(UI);
      // The demo's 2020 campaign: 2 submitted, 2 reviewed, 4 published, 22 drafts.
      await expect.poll(() => page.getByTestId('review-status').innerText(), UI).toContain('草稿 (22)');
      expect(await page.getByTestId('review-status').innerText()).toContain('已提交 (2)');
      await page.getByTestId('review-status').getByText('草稿 (22)').click();
      await expect.poll(() => page.getByTestId('review-paging').innerText(), UI).toContain('已显示 5 条，共 22 条');
      expect(await tableRows().count()).toBe(5);
      const first = await tableRows().allInnerTexts();
      await page.getByTestId('review-paging-more').click();
      await expect.poll(() => page.getByTestId('review-paging').innerText(), UI).toContain('已显示 10 条，共 22 条');
      // The rows already shown stay, the next page follows them (the table shows 50 a page).
      expect((await tableRows().allInnerTexts()).slice(0, 5)).toEqual(first);
      expect(await tableRows().count()).toBe(10);
      const more = asked.filter((u) => u.searchParams.get('after'));
      expect(more.at(-1)!.searchParams.get('status')).toBe('draft');
      await shot(page, 'paging-review');
    },
    STEP,
  );

  test(
    'the search box asks the server for the villages whose name or code matches',
    async () => {
      const name = (await tableRows().nth(2).locator('a').first().innerText()).trim();
      await page.getByTestId('review-search').locator('input').fill(name);
      await expect.poll(async () => (await tableRows().allInnerTexts()).length, UI).toBe(1);
      expect(await tableRows().first().innerText()).toContain(name);
      expect(asked.at(-1)!.searchParams.get('q')).toBe(name);
      await expect.poll(() => page.getByTestId('review-paging').innerText(), UI).toContain('共 1 条');
      expect(await page.getByTestId('review-paging-more').count()).toBe(0);
      await page.getByTestId('review-search').locator('input').fill('');
      await expect.poll(() => page.getByTestId('review-paging').innerText(), UI).toContain('共 22 条');
    },
    STEP,
  );

  test(
    'the appeals page asks the server by status and counts the tabs from its answer',
    async () => {
      await page.goto(`${app.url}/appeals?status=all`);
      await page.getByTestId('appeals-page').waitFor(UI);
      // The demo has one decided appeal.
      await expect.poll(() => page.getByTestId('appeals-status').innerText(), UI).toContain('全部');
      await expect.poll(() => page.getByTestId('appeals-paging').innerText(), UI).toContain('共 1 条');
      expect(
        asked
          .filter((u) => u.pathname.endsWith('/appeals'))
          .at(-1)!
          .searchParams.get('status'),
      ).toBeNull();
      await page.getByTestId('appeals-search').locator('input').fill('没有这个村');
      await expect
        .poll(
          () =>
            asked
              .filter((u) => u.pathname.endsWith('/appeals'))
              .at(-1)!
              .searchParams.get('q'),
          UI,
        )
        .toBe('没有这个村');
      await expect.poll(() => page.getByTestId('appeals-table').innerText(), UI).toContain('没有申诉');
    },
    STEP,
  );

  test(
    "the campaign page reads the campaign without its rows; a team gets a whole township and a village found by the server's search",
    async () => {
      type Detail = {
        id: number;
        name: string;
        townships: Array<{ code: string; name: string; villages: number }>;
        teams: Array<{ id: number; name: string; villageCount: number; townships: Array<{ code: string; name: string; villages: number }>; villages?: string[] }>;
        villages?: Array<{ village: string; villageName: string; township: string }>;
      };
      const campaigns = (await (await page.request.get(`${app.url}/api/campaigns`)).json()) as { campaigns: Array<{ id: number; year: number }> };
      const id = campaigns.campaigns.find((c) => c.year === 2020)!.id;
      const full = async () => (await (await page.request.get(`${app.url}/api/campaigns/${id}`)).json()) as Detail;
      const before = await full();
      const team = before.teams[0]!;
      // A township none of whose villages the team has, and a village of yet another township not the team's.
      const township = before.townships.find((t) => !team.townships.some((x) => x.code === t.code))!;
      const village = before.villages!.find((v) => v.township !== township.code && !team.villages!.includes(v.village))!;
      const details: URL[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (/^\/api\/campaigns\/\d+$/.test(u.pathname)) details.push(u);
      });
      await page.goto(`${app.url}/campaigns/${id}?tab=teams`);
      await page.getByTestId('teams-table').waitFor(UI);
      // Its villages by township: 某镇 N.
      await expect.poll(() => page.getByTestId(`team-villages-${team.id}`).innerText(), UI).toContain(`${team.villageCount} 个村：`);
      expect(await page.getByTestId(`team-villages-${team.id}`).innerText()).toContain(`${team.townships[0]!.name} ${team.townships[0]!.villages}`);
      expect(details.length).toBeGreaterThan(0);
      expect(details.every((u) => u.searchParams.get('villages') === 'false')).toBe(true);

      await page.getByTestId(`team-assign-${team.id}`).click();
      await page.getByTestId('assign-townships').click();
      await page.keyboard.type(township.name);
      await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${township.name}"]`).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('assign-villages').click();
      await page.keyboard.type(village.villageName);
      // Found by the server: the search asks for 50 rows matching the text.
      await expect
        .poll(
          () =>
            asked
              .filter((u) => u.searchParams.get('limit') === '50')
              .at(-1)
              ?.searchParams.get('q'),
          UI,
        )
        .toBe(village.villageName);
      await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${village.villageName}"]`).first().click();
      await page.keyboard.press('Escape');
      await shot(page, 'paging-assign');
      await page.getByTestId('assign-save').click();
      const expected = township.villages + 1;
      await expect.poll(async () => (await full()).teams.find((t) => t.id === team.id)!.villageCount, UI).toBe(team.villageCount + expected);
      const after = await full();
      const theirs = new Set(after.teams.find((t) => t.id === team.id)!.villages);
      expect(after.villages!.filter((v) => v.township === township.code).every((v) => theirs.has(v.village))).toBe(true);
      expect(theirs.has(village.village)).toBe(true);
      await expect.poll(() => page.getByTestId(`team-villages-${team.id}`).innerText(), UI).toContain(`${team.villageCount + expected} 个村：`);
    },
    STEP,
  );

  test(
    '我的考核村 of the office: a list longer than the server lists says so and is taken a township at a time',
    async () => {
      // The demo county's 30 villages, more than the server lists one by one (cut to 29 here; 2,000 in use).
      const was = worklistTuning.max;
      worklistTuning.max = 29;
      try {
        await page.goto(`${app.url}/my-villages`);
        await page.getByTestId('my-villages-page').waitFor(UI);
        await expect.poll(() => page.getByTestId('my-villages-too-many').innerText(), UI).toContain('共 30 个村，多于 29 个');
        expect(await page.locator('[data-testid^="my-village-open-"]').count()).toBe(0);
        expect(await page.getByTestId('my-figure-villages').innerText()).toContain('30');
        // The figures that need every village's findings are not shown.
        expect(await page.getByTestId('my-figure-items').count()).toBe(0);
        const townships = await app.store.db
          .selectFrom('areas as t')
          .innerJoin('areas as v', 'v.parent_code', 't.code')
          .select(['t.code', 't.name', (e) => e.fn.countAll<number>().as('n')])
          .where('t.level', '=', 'township')
          .groupBy(['t.code', 't.name'])
          .orderBy('t.code')
          .execute();
        const township = townships[1]!;
        await page.getByTestId('my-villages-township').click();
        await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${township.name}（${township.n} 个村）"]`).click();
        await page.waitForURL((u) => u.searchParams.get('township') === township.code, UI);
        const cards = page.locator('[data-testid^="my-village-open-"]');
        await expect.poll(() => cards.count(), UI).toBe(Number(township.n));
        expect(await page.getByTestId('my-villages-too-many').count()).toBe(0);
        expect(await page.getByTestId('my-figure-villages').innerText()).toContain(String(township.n));
        expect(await page.getByTestId('my-figure-items').innerText()).toMatch(/\d+\/\d+/);
        // Every card is of that township.
        const codes = (await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('my-village-open-'.length)))).sort();
        const mine = (await app.store.db.selectFrom('areas').select('code').where('parent_code', '=', township.code).orderBy('code').execute()).map((v) => v.code);
        expect(codes).toEqual(mine);
        // No Latin letters on the Chinese screen (codes and numbers aside).
        expect((await page.getByTestId('my-villages-page').innerText()).replace(/\d+/g, '')).not.toMatch(/[A-Za-z]/);
        await shot(page, 'paging-my-villages-township');
      } finally {
        worklistTuning.max = was;
      }
    },
    STEP,
  );

  test(
    "the registry's households, home visits, helpers and work teams load a page, then the next with 加载更多, in order",
    async () => {
      await page.goto(`${app.url}/registry/households`);
      await page.getByTestId('households-page').waitFor(UI);
      const rows = page.getByTestId('households-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count(), UI).toBe(5);
      const total = Number(
        (
          await app.store.db
            .selectFrom('households')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(total).toBeGreaterThan(10);
      await expect.poll(() => page.getByTestId('households-paging').innerText(), UI).toContain(`已显示 5 条，共 ${total.toLocaleString('en-US')} 条`);
      await page.getByTestId('households-paging-more').click();
      await expect.poll(() => rows.count(), UI).toBe(10);
      // By household number, none twice: the ten first of the registry.
      const shown = await page
        .locator('[data-testid="households-table"] [data-testid^="household-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('household-'.length)));
      const first = (await app.store.db.selectFrom('households').select('household_no').orderBy('household_no').limit(10).execute()).map((h) => h.household_no);
      expect(shown).toEqual(first);
      expect(asked.some((u) => u.pathname === '/api/households' && u.searchParams.get('after') === first[4])).toBe(true);
      await shot(page, 'paging-households');

      await page.goto(`${app.url}/registry/records?kind=visits`);
      await page.getByTestId('records-page').waitFor(UI);
      const visits = page.getByTestId('records-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => visits.count(), UI).toBe(5);
      await page.getByTestId('records-paging-more').click();
      await expect.poll(() => visits.count(), UI).toBe(10);
      // The cursor of the fifth newest visit: its date and id.
      const newest = await app.store.db.selectFrom('visits').select(['id', 'date']).orderBy('date', 'desc').orderBy('id', 'desc').limit(10).execute();
      expect(asked.some((u) => u.pathname === '/api/records/visits' && u.searchParams.get('after') === `${newest[4]!.date}~${newest[4]!.id}`)).toBe(true);
      const ids = await visits.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-key'))));
      expect(ids).toEqual(newest.map((v) => v.id));

      // The helpers, by name.
      await page.goto(`${app.url}/registry/helpers`);
      await page.getByTestId('helpers-page').waitFor(UI);
      const helpers = page.getByTestId('helpers-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => helpers.count(), UI).toBe(5);
      await page.getByTestId('helpers-paging-more').click();
      await expect.poll(() => helpers.count(), UI).toBe(10);
      expect(asked.some((u) => u.pathname === '/api/helpers' && /^\d+~/.test(u.searchParams.get('after') ?? ''))).toBe(true);
      const helperIds = await helpers.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-key'))));
      expect(new Set(helperIds).size).toBe(10);

      // The work teams, by village and id.
      await page.goto(`${app.url}/registry/work-teams`);
      await page.getByTestId('work-teams-page').waitFor(UI);
      const teams = page.getByTestId('work-teams-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => teams.count(), UI).toBe(5);
      const firstTeams = await app.store.db.selectFrom('work_teams').select(['id', 'village_code']).orderBy('village_code').orderBy('id').limit(10).execute();
      expect(firstTeams.length).toBeGreaterThan(5);
      await page.getByTestId('work-teams-paging-more').click();
      await expect.poll(() => teams.count(), UI).toBe(firstTeams.length);
      expect(asked.some((u) => u.pathname === '/api/work-teams' && u.searchParams.get('after') === `${firstTeams[4]!.village_code}~${firstTeams[4]!.id}`)).toBe(true);
      expect(await teams.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-key'))))).toEqual(firstTeams.map((t) => t.id));
      await shot(page, 'paging-work-teams');
    },
    STEP,
  );
});
