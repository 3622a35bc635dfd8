/**
 * Offices above the county in real Chromium (docs/security-authz.md, "Offices above the county"):
 * the province fixture (test/area-fixtures.ts) with its published campaign, a city office (毕节市)
 * and a county office (织金县) made through the user service with their passwords. The city office
 * reads its area in the header and its four villages ranked among themselves, with its two
 * counties ranked by average; the county office sees only its own two villages and no county
 * table; the office of the whole database gives a new viewer the area 贵阳市 through the users
 * page's form, and the list names it; the city office's area choices stop at its own area.
 * Screenshots: test-output/screenshots/area-*.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import type { Actor } from '../../src/services/policies.ts';
import { EvidenceStore } from '../../src/services/evidence/evidence-store.ts';
import { openStore } from '../../src/store/db.ts';
import { ACTORS } from '../campaign-fixtures.ts';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import { A1, B1, buildProvince, C1, C2, K1, K2, provinceServices, publishedProvinceCampaign } from '../area-fixtures.ts';
import { chooseOption, chromiumAvailable, launchBrowser, points, ROOT, shot, signIn } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
const UI = { timeout: 45_000 };
const PASSWORD = 'Area-office-2020!';
const NEW_VIEWER = 'guiyang-viewer';

describe.skipIf(!available)('browser: offices above the county', () => {
  let url: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let ctx: BrowserContext | undefined;
  let page: Page | undefined;

  /** A desktop context signed in as one of the offices (each step its own, so none leans on another). */
  const signedIn = async (username: string) => {
    await ctx?.close();
    ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    page = await ctx.newPage();
    await signIn(page, url, username, PASSWORD, false);
    return page;
  };
  /** The village names of the ranking table in the order shown, and their ranks. */
  const rankingRows = async (p: Page) => {
    const rows = p.getByTestId('ranking-table').locator('tbody tr.ant-table-row');
    const out: Array<{ rank: string; name: string }> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const cells = rows.nth(i).locator('td');
      out.push({ rank: (await cells.nth(0).innerText()).trim(), name: (await cells.nth(2).innerText()).trim() });
    }
    return out;
  };

  beforeAll(async () => {
    // The province instead of the demo county: the server over a store holding only the fixture.
    process.env.KAOHE_SCRYPT_LOG2N = '12';
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
    const dir = mkdtempSync(join(tmpdir(), 'kaohe-browser-area-'));
    const store = await openStore({ url: join(dir, 'kaohe.db') });
    await buildProvince(store);
    const { service, users } = provinceServices(store);
    await publishedProvinceCampaign(service);
    const office = ACTORS.admin as Actor;
    await users.create(office, { username: 'sheng', role: 'admin', displayName: '示范省办公室', password: PASSWORD });
    await users.create(office, { username: 'bijie', role: 'admin', displayName: '毕节市办公室', area: C1, password: PASSWORD });
    await users.create(office, { username: 'zhijin', role: 'admin', displayName: '织金县扶贫办', area: K1, password: PASSWORD });
    const app = await buildServer({ store, evidence: new EvidenceStore(join(dir, 'evidence')), webRoot: join(ROOT, 'dist', 'web'), loginRateLimit: 1000 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
    browser = await launchBrowser();
  }, STEP);

  afterEach(async (t) => {
    if (t.task.result?.state === 'fail' && page && !page.isClosed()) await shot(page, `area-failed-${t.task.name.slice(0, 2).replace(/\W/g, '')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  test(
    'a) the city office: its area in the header, its four villages ranked among themselves, its counties by average',
    async () => {
      const p = await signedIn('bijie');
      await p.getByTestId('session-area').waitFor(UI);
      expect((await p.getByTestId('session-area-name').innerText()).trim()).toBe('毕节市');
      expect((await p.getByTestId('session-area-level').innerText()).trim()).toBe('市州');
      // Named as the office of its level, not the county's 县扶贫办.
      await p.getByTestId('user-menu').click();
      await expect.poll(async () => (await p.getByTestId('user-who').innerText()).trim(), UI).toBe('毕节市办公室 · 市州办公室 · 毕节市');
      await p.keyboard.press('Escape');
      // The whole database's audit log is not offered to an office of an area; its imports and exports are.
      await p.getByTestId('nav-rankings').waitFor(UI);
      expect(await p.getByTestId('nav-audit').count()).toBe(0);
      for (const key of ['users', 'imports', 'exports']) expect(await p.getByTestId(`nav-${key}`).count(), key).toBe(1);

      await p.goto(`${url}/rankings`);
      await p.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(async () => (await rankingRows(p)).length, UI).toBe(4);
      expect(await rankingRows(p)).toEqual([
        { rank: '1', name: '青龙村' },
        { rank: '2', name: '新寨村' },
        { rank: '3', name: '石桥村' },
        { rank: '4', name: '红星村' },
      ]);
      expect((await p.getByTestId('ranking-area').innerText()).trim()).toBe('本区域内排名（毕节市）');

      const counties = p.getByTestId('ranking-counties');
      await counties.waitFor(UI);
      expect(await counties.locator('tbody tr.ant-table-row').count()).toBe(2);
      const first = p.getByTestId(`county-row-${K1}`).locator('td');
      const second = p.getByTestId(`county-row-${K2}`).locator('td');
      expect([await first.nth(0).innerText(), await first.nth(1).innerText(), await first.nth(2).innerText(), await first.nth(3).innerText()]).toEqual([
        '1',
        '织金县',
        '2',
        points(199),
      ]);
      expect([await second.nth(0).innerText(), await second.nth(1).innerText(), await second.nth(2).innerText(), await second.nth(3).innerText()]).toEqual([
        '2',
        '七星关区',
        '2',
        points(197),
      ]);
      // The median beside the average (of two villages, the same), and what the counties are ranked by.
      expect(await first.nth(4).innerText()).toBe(points(199));
      expect(await counties.locator('thead').innerText()).toContain('总分中位数');
      expect((await p.getByTestId('ranking-counties-basis').innerText()).trim()).toBe('按参评村平均总分排名');
      // Shown in rank order: 织金县 above 七星关区.
      expect((await counties.locator('tbody tr.ant-table-row').first().innerText()).includes('织金县')).toBe(true);
      // No Latin text in the new parts of the Chinese screen.
      expect(`${await counties.innerText()}${await p.getByTestId('ranking-area').innerText()}`).not.toMatch(/[A-Za-z]/);
      await shot(p, 'area-01-city-ranking');

      // The overview has the counties' averages too.
      await p.getByTestId('nav-overview').click();
      const row = p.getByTestId(`overview-county-${K1}`);
      await row.waitFor(UI);
      expect(await row.innerText()).toContain('织金县');
      expect(await p.getByTestId('overview-counties').locator('tbody tr.ant-table-row').count()).toBe(2);
      await shot(p, 'area-02-city-overview');
    },
    STEP,
  );

  test(
    'b) the county office: only its own two villages, ranked 1 and 2, and no county table',
    async () => {
      const p = await signedIn('zhijin');
      await expect.poll(async () => (await p.getByTestId('session-area-name').innerText()).trim(), UI).toBe('织金县');
      await p.goto(`${url}/rankings`);
      await p.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(async () => (await rankingRows(p)).length, UI).toBe(2);
      expect(await rankingRows(p)).toEqual([
        { rank: '1', name: '青龙村' },
        { rank: '2', name: '石桥村' },
      ]);
      expect((await p.getByTestId('ranking-area').innerText()).trim()).toBe('本区域内排名（织金县）');
      expect(await p.getByTestId('ranking-counties').count()).toBe(0);
      await shot(p, 'area-03-county-ranking');
    },
    STEP,
  );

  test(
    'c) the office of the whole database gives a new viewer the area 贵阳市 through the form; the list names it',
    async () => {
      const p = await signedIn('sheng');
      // The office of the whole database has no area to name; its database starts at the province: 省办公室.
      expect(await p.getByTestId('session-area').count()).toBe(0);
      await p.getByTestId('user-menu').click();
      await expect.poll(async () => (await p.getByTestId('user-who').innerText()).trim(), UI).toBe('示范省办公室 · 省办公室');
      await p.keyboard.press('Escape');
      await p.goto(`${url}/users`);
      await p.getByTestId('users-page').waitFor(UI);
      await expect.poll(() => p.getByTestId('user-row-bijie').count(), UI).toBe(1);
      // The city office is an office of its area, named so in the list.
      expect(await p.getByTestId('user-row-bijie').innerText()).toContain('毕节市');
      expect(await p.getByTestId('user-row-bijie').innerText()).toContain('市州办公室');
      expect(await p.getByTestId('user-row-sheng').innerText()).toContain('省办公室');
      expect(await p.getByTestId('user-row-zhijin').innerText()).toContain('县扶贫办');

      await p.getByTestId('user-add').click();
      await p.getByTestId('user-username').fill(NEW_VIEWER);
      await p.getByTestId('user-display-name').fill('贵阳市查询用户');
      await p.getByTestId('user-role').click();
      await chooseOption(p, '查询用户');
      await p.getByTestId('user-area').waitFor(UI);
      expect(await p.getByTestId('user-area').innerText()).toContain('本级（全部）');
      await p.getByTestId('user-area').click();
      // Every province, city and county of the registry, and none below.
      const offered = () => p.locator('.user-area-popup .ant-select-item-option').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
      // In code order, each under its parent.
      await expect.poll(offered, UI).toEqual(['本级（全部）', '示范省', '贵阳市', '南明区', '毕节市', '七星关区', '织金县']);
      await p.keyboard.type('贵阳');
      await chooseOption(p, '贵阳市');
      await shot(p, 'area-04-add-viewer');
      await p.getByTestId('user-form-submit').click();
      await p.getByTestId('one-time-password').waitFor(UI);
      await p.getByTestId('one-time-done').click();
      const row = p.getByTestId(`user-row-${NEW_VIEWER}`);
      await row.waitFor(UI);
      await expect.poll(async () => (await row.getByTestId('user-area-name').innerText()).trim(), UI).toBe(`贵阳市 ${C2}`);
      expect(await row.innerText()).toContain('查询用户');
      await shot(p, 'area-05-viewer-listed');
    },
    STEP,
  );

  test(
    "d) the city office's area choices stop at its own area, the empty choice naming it",
    async () => {
      const p = await signedIn('bijie');
      await p.goto(`${url}/users`);
      await p.getByTestId('users-page').waitFor(UI);
      // Its own list: the users within 毕节市, not the viewer of 贵阳市.
      await expect.poll(() => p.getByTestId('user-row-zhijin').count(), UI).toBe(1);
      expect(await p.getByTestId(`user-row-${NEW_VIEWER}`).count()).toBe(0);
      await p.getByTestId('user-add').click();
      await p.getByTestId('user-role').click();
      await chooseOption(p, '查询用户');
      await p.getByTestId('user-area').click();
      const offered = () => p.locator('.user-area-popup .ant-select-item-option').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
      await expect.poll(offered, UI).toEqual(['本办公室的区域（毕节市）', '毕节市', '七星关区', '织金县']);
      await shot(p, 'area-06-city-area-choices');
    },
    STEP,
  );

  test(
    "e) the county office imports its own villages' households (a row of another county's village refused on its line) and exports its own records",
    async () => {
      const p = await signedIn('zhijin');
      const dir = mkdtempSync(join(tmpdir(), 'kaohe-browser-area-import-'));
      try {
        const id = (area: string, seq: string) => {
          const first17 = `${area}19800101${seq}`;
          return first17 + checkCharacter(first17);
        };
        const csv = [
          '户编号,村区划代码,年度,户主姓名,户主身份证号,家庭人口数,贫困户属性,主要致贫原因,贫困户状态,识别年度',
          `${A1}0001,${A1},2020,石桥户主,${id('522425', '001')},3,一般贫困户,因病,未脱贫,2016`,
          `${B1}0001,${B1},2020,红星户主,${id('522401', '003')},2,一般贫困户,因病,未脱贫,2016`,
        ].join('\r\n');
        const path = join(dir, 'households.csv');
        writeFileSync(path, '\uFEFF' + csv + '\r\n', 'utf8');
        await p.goto(`${url}/registry/import`);
        await p.getByTestId('import-wizard').waitFor(UI);
        // What it may import, said on the page; the division tree is not offered.
        expect((await p.getByTestId('import-area-only').innerText()).trim()).toContain('只能导入织金县各村的记录');
        await p.getByTestId('import-kind').click();
        const offered = () => p.locator('.ant-select-item-option').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
        await expect.poll(async () => (await offered()).length, UI).toBeGreaterThan(5);
        expect(await offered()).toContain('贫困户');
        expect(await offered()).not.toContain('行政区划');
        await chooseOption(p, '贫困户');
        await p.getByTestId('import-fields').waitFor(UI);
        await p.getByTestId('import-file').setInputFiles(path);
        await p.getByTestId('import-columns-ok').waitFor(UI);
        await p.getByTestId('import-dry-run').click();
        await p.getByTestId('import-dry-result').waitFor(UI);
        await expect.poll(() => p.getByTestId('import-problem-count').innerText(), UI).toBe('1');
        const problems = p.getByTestId('import-problems');
        await expect.poll(() => problems.innerText(), UI).toContain('该村不在织金县范围内');
        expect(await problems.innerText()).toContain('3');
        expect(await p.getByTestId('import-confirm').count()).toBe(0);
        await shot(p, 'area-07-county-import-refused');

        // Its own village's row alone goes in.
        writeFileSync(path, '\uFEFF' + csv.split('\r\n').slice(0, 2).join('\r\n') + '\r\n', 'utf8');
        await p.getByTestId('import-file').setInputFiles(path);
        await p.getByTestId('import-columns-ok').waitFor(UI);
        await p.getByTestId('import-dry-run').click();
        await expect.poll(() => p.getByTestId('import-problem-count').innerText(), UI).toBe('0');
        await p.getByTestId('import-confirm').click();
        await p.getByTestId('import-result').waitFor(UI);
        expect(await p.getByTestId('import-result').innerText()).toMatch(/新增\s*1/);
        // The imports so far: this one, by 织金县's office, at the top (the refused file is not one).
        const history = p.getByTestId('import-history');
        await expect.poll(() => history.locator('tbody tr.ant-table-row').first().innerText(), UI).toContain('households.csv');
        const top = await history.locator('tbody tr.ant-table-row').first().innerText();
        // Who imported, by the office's display name.
        expect(top).toContain('织金县扶贫办');
        expect(top).toContain('贫困户');
        expect(await history.locator('tbody tr.ant-table-row').count()).toBe(1);
        await shot(p, 'area-08-county-import-done');

        // Its exports: its own villages' records, of the kinds it imports.
        await p.getByTestId('nav-exports').click();
        await p.getByTestId('exports-page').waitFor(UI);
        expect((await p.getByTestId('export-area-only').innerText()).trim()).toContain('导出的是织金县各村的记录');
        await p.getByTestId('export-households').waitFor(UI);
        expect(await p.getByTestId('export-areas').count()).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    STEP,
  );
});
