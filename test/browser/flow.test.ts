/**
 * The whole assessment flow in real Chromium, as the issue tells it: the office imports a
 * household (and reads the households page in English: code-list labels, no raw codes), starts
 * a campaign in the campaigns page (name, year, scheme, one township as scope, a team with the
 * inspector); the inspector assesses a village on a phone (a suggestion accepted, a finding
 * with a photo, the live score) and submits; the reviewer reviews; before publication the
 * ranking lists the village without a rank (未发布), the office's internal preview (内部预览)
 * ranks it and the score sheet says 未发布，暂无名次; the office publishes; the ranking and the printable score sheet show the expected total and rank; the village appeals
 * an item; the office decides it on the appeals page; the village's total rises in the
 * ranking and the village reads the decision. Screenshots of every main page (and of one in
 * English) go to test-output/screenshots/.
 */
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Download, FileChooser, Page } from 'playwright-core';
import { pdfText, popplerAvailable, squeeze } from '../reports/pdf/poppler.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import {
  type App,
  chooseOption,
  chromiumAvailable,
  confirmPopover,
  launchBrowser,
  NEW_PASSWORD,
  phoneContext,
  points,
  shot,
  signIn,
  startApp,
  tinyPng,
  stopAfterFailure,
} from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
// Generous: the default `npm test` runs other CPU-heavy files in parallel on 2 cores.
const UI = { timeout: 45_000 };
const CAMPAIGN = '龙场镇2020年度复核考核';
const TEAM = '复核考核组';

interface Score {
  total: number;
}
interface AssessmentJson {
  id: number;
  status: string;
  version: number;
  score: Score;
  findings: Array<{ id: number; item: string; count: number; status: string; source: string }>;
  evidence: Array<{ id: number; findingId: number | null; mime: string }>;
  appeals: Array<{ id: number; item: string; status: string }>;
}
interface RankedJson {
  village: string;
  total: number;
  countyRank: number;
  townshipRank: number;
}

describe.skipIf(!available)('browser: the assessment flow', () => {
  let app: App;
  let browser: Browser;
  let desk: BrowserContext;
  let page: Page;
  let files: string;
  let campaignId: number;
  let township: { code: string; name: string };
  let village: { code: string; name: string };
  let householdNo: string;
  let assessmentId: number;
  let publishedTotal: number;
  let scope: number;
  let item: string;
  let appealId: number;
  /** A step failed: the later steps depend on it and are skipped. */
  /** The page a step works on (for a screenshot if it fails). */
  let shown: Page | undefined;

  /** The village's assessment as the API gives it to the signed-in user of `p`. */
  const assessment = async (p: Page): Promise<AssessmentJson> => {
    const r = await p.request.get(`${app.url}/api/campaigns/${campaignId}/villages/${village.code}/assessment`);
    expect(r.status()).toBe(200);
    return (await r.json()) as AssessmentJson;
  };
  const ranked = async (p: Page): Promise<RankedJson> => {
    const r = await p.request.get(`${app.url}/api/campaigns/${campaignId}/ranking`);
    expect(r.status()).toBe(200);
    const body = (await r.json()) as { county: RankedJson[] };
    return body.county.find((x) => x.village === village.code)!;
  };
  const rankingRow = (p: Page) => p.locator(`[data-testid=ranking-table] tr[data-row-key="${village.code}"]`).first();
  const rankingRowTotal = (p: Page) => rankingRow(p).locator('td b').first();

  const desktop = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(45_000);
    return ctx;
  };
  /** Saves a download among the test's files and gives its path. */
  const saved = async (d: Download, name: string) => {
    const path = join(files, name);
    await d.saveAs(path);
    return path;
  };
  /** The language switch in the header (the choice is kept in the browser). */
  const language = async (p: Page, lang: 'en' | 'zh') => {
    await p.getByTestId(`lang-${lang}`).click();
    await expect.poll(() => p.locator('html').getAttribute('lang'), UI).toBe(lang === 'en' ? 'en' : 'zh-CN');
  };

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    files = mkdtempSync(join(tmpdir(), 'kaohe-browser-files-'));
    township = await app.store.db.selectFrom('areas').select(['code', 'name']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
    village = await app.store.db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', township.code).orderBy('code').executeTakeFirstOrThrow();
    const villages = await app.store.db.selectFrom('areas').select('code').where('parent_code', '=', township.code).execute();
    scope = villages.length;
    expect(scope).toBeGreaterThanOrEqual(5);
    desk = await desktop();
    page = await desk.newPage();
    shown = page;
  }, STEP);

  stopAfterFailure('failed-', () => shown);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    '1) admin signs in, changes the one-time password and sees the overview',
    async () => {
      // A wrong password first: the refusal in Chinese. Then a common password refused, in Chinese.
      await page.goto(`${app.url}/login`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('login-error').textContent(), UI).toBe('用户名或密码不正确');
      await page.getByTestId('login-password').fill(app.passwords.admin!);
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('must-change-password').isVisible(), UI).toBe(true);
      await page.getByTestId('password-current').fill(app.passwords.admin!);
      await page.getByTestId('password-new').fill('password123!');
      await page.getByTestId('password-confirm').fill('password123!');
      await page.getByTestId('password-submit').click();
      await expect.poll(() => page.getByTestId('password-error').textContent(), UI).toBe('这是常见密码，容易被猜中，请换一个');
      await shot(page, '00-weak-password');
      await page.getByTestId('password-new').fill(NEW_PASSWORD);
      await page.getByTestId('password-confirm').fill(NEW_PASSWORD);
      await page.getByTestId('password-submit').click();
      await expect.poll(() => page.getByTestId('must-change-password').count(), UI).toBe(0);
      await page.waitForURL((u) => !u.pathname.startsWith('/login') && !u.pathname.startsWith('/account'), UI);
      await page.goto(`${app.url}/`);
      await page.getByTestId('overview-page').waitFor(UI);
      await page.getByTestId('chart-progress').waitFor(UI);
      await shot(page, '01-overview');
    },
    STEP,
  );

  test(
    '2) admin imports one household through the wizard; the households page in English shows labels, not codes',
    async () => {
      const first17 = `${village.code.slice(0, 6)}19700101123`;
      const id = first17 + checkCharacter(first17);
      householdNo = `${village.code}9001`;
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
      // The drop zone is the one file control: a button named by its text; the file input it
      // holds is hidden, and no other file input is on the page.
      const dropzone = page.getByTestId('import-dropzone').getByRole('button', { name: '点击或拖入文件' });
      await dropzone.waitFor(UI);
      expect(await page.locator('input[type=file]').count()).toBe(1);
      expect(await page.locator('input[type=file]:visible').count()).toBe(0);
      expect(await page.getByTestId('import-file').isVisible()).toBe(false);
      // The keyboard reaches it with Tab (from the template link before it) and opens the file
      // chooser with Enter and with Space; the file is chosen there. The choosers are caught
      // from before the first key: Playwright starts catching them without waiting, so a
      // listener added with the key press can miss the chooser it opens.
      const choosers: FileChooser[] = [];
      const caught = (chooser: FileChooser) => void choosers.push(chooser);
      page.on('filechooser', caught);
      await page.getByTestId('import-template').focus();
      const onDropzone = () => page.evaluate(`!!document.activeElement?.closest('[data-testid=import-dropzone] [role=button]')`);
      for (let tab = 0; tab < 10 && !(await onDropzone()); tab++) await page.keyboard.press('Tab');
      expect(await onDropzone(), 'Tab reaches the drop zone').toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => choosers.length, UI).toBe(1);
      expect(choosers[0]!.isMultiple()).toBe(false);
      await choosers[0]!.setFiles(csvPath);
      // The columns are checked in the browser before anything is sent.
      await page.getByTestId('import-columns-ok').waitFor(UI);
      expect(await onDropzone(), 'the drop zone keeps the focus').toBe(true);
      await page.keyboard.press(' ');
      await expect.poll(() => choosers.length, UI).toBe(2);
      page.off('filechooser', caught);
      await choosers[1]!.setFiles(csvPath);
      await page.getByTestId('import-columns-ok').waitFor(UI);
      // A test may set the file on the hidden input directly.
      await page.getByTestId('import-file').setInputFiles(csvPath);
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
      const row = page.locator(`[data-testid=households-table] tr:has([data-testid="household-${householdNo}"])`);
      const masked = await row.locator('[data-testid=masked-id]').innerText();
      expect(masked).not.toContain(id);
      expect(masked.startsWith(id.slice(0, 6))).toBe(true);
      expect(masked.endsWith(id.slice(-4))).toBe(true);
      await expect.poll(() => row.innerText(), UI).toContain('一般贫困户');
      await shot(page, '02-registry-households');

      // In English: the code lists' English labels, never their codes (general, not-exited …).
      await language(page, 'en');
      await expect.poll(() => row.innerText(), UI).toContain('ordinary poor household');
      const english = await row.innerText();
      expect(english).toContain('illness');
      expect(english).toContain('not exited');
      expect(english).not.toMatch(/\bgeneral\b|not-exited|一般贫困户|因病|未脱贫/);
      // A whole page of the village's households: no code that is not also an English word.
      await page.getByTestId('household-search').fill('');
      await expect.poll(() => page.locator('[data-testid=households-table] tbody tr').count(), UI).toBeGreaterThan(5);
      expect(await page.getByTestId('households-table').innerText()).not.toMatch(/\b(general|dibao|wubao|tekun|not-exited|schooling)\b|[\u4e00-\u9fff]{2,}(贫困户|脱贫)/);
      await page.getByTestId('household-search').fill(householdNo);
      await page.getByTestId(`household-${householdNo}`).click();
      const drawer = page.getByTestId('household-drawer');
      await drawer.waitFor(UI);
      await expect.poll(() => drawer.innerText(), UI).toContain('ordinary poor household');
      expect(await drawer.innerText()).not.toMatch(/\bgeneral\b|not-exited/);
      await shot(page, '02-registry-households-en');
      await page.keyboard.press('Escape');
      await language(page, 'zh');
    },
    STEP,
  );

  test(
    '3) admin starts a campaign in the campaigns page: name, year, scheme, a township as scope, a team with the inspector',
    async () => {
      await page.goto(`${app.url}/schemes`);
      await page.getByTestId('schemes-page').waitFor(UI);
      await shot(page, '05-schemes');

      await page.goto(`${app.url}/campaigns`);
      await page.getByTestId('campaigns-page').waitFor(UI);
      await page.getByTestId('campaign-create').click();
      const modal = page.locator('.ant-modal:visible');
      await page.getByTestId('campaign-name').fill(CAMPAIGN);
      await page.getByTestId('campaign-year').fill('2020');
      await page.getByTestId('campaign-scheme').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title$="（seed-2020 v1）"]').click();
      // The scope: one township (its villages), chosen in the area tree.
      await page.getByTestId('campaign-scope').click();
      const node = page.locator('.ant-select-dropdown:visible .ant-select-tree-treenode', { has: page.locator(`.ant-select-tree-title:text-is("${township.name}")`) });
      await node.locator('.ant-select-tree-checkbox').click();
      await modal.locator('.ant-modal-title').click();
      await page.getByTestId('campaign-team-name').fill(TEAM);
      await page.getByTestId('campaign-team-members').click();
      await chooseOption(page, '考核组检查员（inspector）');
      await modal.locator('.ant-modal-title').click();
      await shot(page, '06-campaign-create');
      await page.getByTestId('campaign-create-submit').click();

      await page.waitForURL(/\/campaigns\/\d+$/, UI);
      campaignId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.getByTestId('campaign-page').waitFor(UI);
      // What the API now holds: the scope, the frozen scheme, the team and its villages.
      const detail = (await (await page.request.get(`${app.url}/api/campaigns/${campaignId}`)).json()) as {
        name: string;
        year: number;
        scheme: { id: string; version: number };
        scope: { villages: number };
        teams: Array<{ name: string; members: string[]; villages: string[] }>;
        unassigned: string[];
      };
      expect(detail).toMatchObject({ name: CAMPAIGN, year: 2020, scheme: { id: 'seed-2020', version: 1 }, scope: { villages: scope } });
      await expect
        .poll(
          async () => ((await (await page.request.get(`${app.url}/api/campaigns/${campaignId}`)).json()) as typeof detail).teams.map((t) => [t.name, t.members, t.villages.length]),
          UI,
        )
        .toEqual([[TEAM, ['inspector'], scope]]);
      await expect.poll(() => page.locator('[data-testid=campaign-page] .ant-statistic').first().innerText(), UI).toMatch(new RegExp(`\\b${scope}\\b`));
      await page.getByTestId(`assessment-link-${village.code}`).waitFor(UI);
      await page.getByRole('tab', { name: '考核组与分配' }).click();
      await expect.poll(() => page.getByTestId('teams-table').innerText(), UI).toContain(TEAM);
      expect(await page.getByTestId('teams-table').innerText()).toContain('inspector');
      await shot(page, '07-campaign-teams');
    },
    STEP,
  );

  test(
    '4) the inspector assesses the village on a phone: suggestion, finding with photo, live score, submit',
    async () => {
      const phone = await phoneContext(browser);
      const p = await phone.newPage();
      shown = p;
      try {
        await signIn(p, app.url, 'inspector', app.passwords.inspector!, true);
        // The new campaign is in the inspector's list.
        await p.goto(`${app.url}/campaigns`);
        await p.getByTestId(`campaign-link-${campaignId}`).first().waitFor(UI);
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
        await shot(p, '08-assessment-phone-finding');
        await p.getByTestId('finding-save').click();
        await expect.poll(async () => (await assessment(p)).findings.filter((f) => f.item === item && f.status === 'active').length, UI).toBe(1);
        // The photo is uploaded after the finding is saved.
        await expect.poll(async () => (await assessment(p)).evidence.length, UI).toBe(1);
        const afterFinding = await assessment(p);
        expect(afterFinding.score.total).toBeCloseTo(expectedLive, 5);
        const finding = afterFinding.findings.find((f) => f.item === item && f.status === 'active')!;
        // The photo is on the finding (the API's evidence row names it: findingId), and the stored
        // file is served back as the same PNG.
        const photoRow = afterFinding.evidence.find((e) => e.findingId === finding.id && e.mime === 'image/png');
        expect(photoRow, JSON.stringify(afterFinding.evidence)).toBeDefined();
        const served = await p.request.get(`${app.url}/api/evidence/${photoRow!.id}`);
        expect(served.status()).toBe(200);
        expect(Buffer.compare(await served.body(), tinyPng())).toBe(0);
        await expect.poll(() => bar.innerText(), UI).toContain(points(afterFinding.score.total));
        // Its thumbnail under the finding.
        await p.getByTestId(`finding-${finding.id}`).locator(`[data-testid=evidence-list] img[alt="photo.png"]`).first().waitFor(UI);
        await shot(p, '09-assessment-phone');

        // Submit (the workflow button is in the bar on a phone), once no change is in flight.
        await expect.poll(() => p.getByTestId('submit-assessment').getAttribute('class'), UI).not.toContain('ant-btn-loading');
        await p.getByTestId('submit-assessment').click();
        // Items not looked at are left: the inspector is asked first, with them named (test/browser/inspector-day.test.ts).
        await p.getByTestId('submit-left').waitFor(UI);
        await p.getByTestId('submit-confirm').click();
        await expect.poll(() => p.getByTestId('assessment-page').getAttribute('data-status'), UI).toBe('submitted');
        publishedTotal = afterFinding.score.total;
        shown = page;
      } finally {
        if (shown !== p) await phone.close();
      }
    },
    STEP,
  );

  test(
    '5) the reviewer reviews; before publication the village is unranked (未发布), ranked in the office’s 内部预览; the admin publishes',
    async () => {
      const ctx = await desktop();
      const p = await ctx.newPage();
      try {
        await signIn(p, app.url, 'reviewer', app.passwords.reviewer!, true);
        await p.goto(`${app.url}/review?campaign=${campaignId}`);
        await p.getByTestId('review-page').waitFor(UI);
        await p.getByTestId(`review-${village.code}`).click();
        await confirmPopover(p);
        await expect.poll(async () => (await assessment(p)).status, UI).toBe('reviewed');
      } finally {
        await ctx.close();
      }
      // Before publication the ranking counts published results only: the village is listed
      // without a rank as 未发布, the untouched drafts of the township as 未考核; the office's
      // internal preview ranks the reviewed result, under the 内部预览 banner, and asks for the
      // ranking reports as a preview too.
      await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      const unranked = page.getByTestId('ranking-unranked');
      await expect.poll(() => unranked.locator(`tr[data-row-key="${village.code}"]`).innerText(), UI).toContain('未发布');
      await expect.poll(() => unranked.innerText(), UI).toContain('未考核');
      expect(await rankingRow(page).count()).toBe(0);
      await page.getByTestId('ranking-preview').click();
      await page.getByTestId('ranking-preview-banner').waitFor(UI);
      expect(await page.getByTestId('ranking-preview-banner').innerText()).toContain('内部预览');
      await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(publishedTotal));
      await page.getByTestId('report-downloads').click();
      await expect.poll(() => page.getByTestId('report-ranking-xlsx').getAttribute('href'), UI).toContain('preview=1');
      await shot(page, '10-ranking-preview');
      // The switch is kept in the address: a reload (or the link sent to a colleague) shows the preview again.
      expect(new URL(page.url()).searchParams.get('preview')).toBe('1');
      await page.reload();
      await page.getByTestId('ranking-preview-banner').waitFor(UI);
      await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(publishedTotal));
      // The campaign page has the switch too: its report links and its link to the ranking follow it.
      await page.goto(`${app.url}/campaigns/${campaignId}`);
      await page.getByTestId('campaign-page').waitFor(UI);
      await page.getByTestId('report-downloads').click();
      await expect.poll(() => page.getByTestId('report-campaign-pdf').getAttribute('href'), UI).not.toContain('preview=1');
      await page.keyboard.press('Escape');
      await page.getByTestId('ranking-preview').click();
      await page.getByTestId('ranking-preview-banner').waitFor(UI);
      await page.getByTestId('report-downloads').click();
      await expect.poll(() => page.getByTestId('report-campaign-pdf').getAttribute('href'), UI).toContain('preview=1');
      await page.keyboard.press('Escape');
      // The overview says how many villages are not counted yet.
      await page.goto(`${app.url}/?campaign=${campaignId}`);
      await page.getByTestId('overview-page').waitFor(UI);
      await expect.poll(() => page.getByTestId('overview-not-counted').innerText(), UI).toContain('未发布 1 个');
      // The score sheet of the unpublished village has no rank.
      await page.goto(`${app.url}/assessments/${assessmentId}/sheet`);
      await expect.poll(() => page.getByTestId('sheet-rank').innerText(), UI).toBe('未发布，暂无名次');
      await page.goto(`${app.url}/review?campaign=${campaignId}`);
      await page.getByTestId('review-page').waitFor(UI);
      await page.getByTestId('review-status').waitFor(UI);
      await shot(page, '10-review');
      await page.goto(`${app.url}/assessments/${assessmentId}`);
      await page.getByTestId('publish-assessment').click();
      await confirmPopover(page);
      await expect.poll(() => page.getByTestId('assessment-page').getAttribute('data-status'), UI).toBe('published');
    },
    STEP,
  );

  test(
    '6) the ranking and the printable score sheet show the village total and rank',
    async () => {
      const api = await assessment(page);
      expect(api.score.total).toBeCloseTo(publishedTotal, 5);
      // Rankings count published results: the other villages of the township are untouched
      // drafts (at 200 points), unranked, so the village is first of one.
      expect(publishedTotal).toBeLessThan(200);
      const placed = await ranked(page);
      expect(placed).toMatchObject({ countyRank: 1, townshipRank: 1 });
      expect(placed.total).toBeCloseTo(publishedTotal, 5);
      await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(publishedTotal));
      expect(await rankingRow(page).locator('td').first().innerText()).toBe('1');
      await expect.poll(() => page.getByTestId('ranking-unranked').innerText(), UI).not.toContain('未发布');
      await shot(page, '11-ranking');
      // The ranking workbook, downloaded from the page: the village's row holds its total as a number.
      await page.getByTestId('report-downloads').click();
      const [workbook] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-ranking-xlsx').click()]);
      expect(workbook.suggestedFilename()).toBe(`${CAMPAIGN}-排名.xlsx`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(await saved(workbook, 'ranking.xlsx'));
      let row: unknown[] | undefined;
      book.getWorksheet('全县')!.eachRow((r) => {
        const values = (r.values as unknown[]).slice(1);
        if (values.includes(village.name)) row = values;
      });
      expect(row).toContain(publishedTotal);
      await page.goto(`${app.url}/assessments/${assessmentId}/sheet`);
      await page.getByTestId('score-sheet').waitFor(UI);
      await expect.poll(() => page.getByTestId('sheet-total').innerText(), UI).toBe(points(publishedTotal));
      await expect.poll(() => page.getByTestId('sheet-deductions').innerText(), UI).toContain(item);
      expect(await page.getByTestId('sheet-totals').innerText()).toContain('全县第1名（共1），乡镇第1名（共1）');
      expect(await page.getByTestId('score-sheet').innerText()).toContain(CAMPAIGN);
      await shot(page, '12-score-sheet');
      // The server's PDF of the same sheet.
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sheet-pdf').click()]);
      expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
      if (popplerAvailable()) {
        const text = squeeze(pdfText(readFileSync(await saved(pdf, 'sheet.pdf'))));
        expect(text).toContain(`${squeeze(village.name)}考核扣分明细表`);
        expect(text).toContain(`总分${publishedTotal}`);
        expect(text).toContain(item);
      }
    },
    STEP,
  );

  test(
    "7) the village appeals the deduction on the inspector's item",
    async () => {
      const ctx = await desktop();
      const p = await ctx.newPage();
      try {
        await signIn(p, app.url, 'village', app.passwords.village!, true);
        await p.goto(`${app.url}/appeals?campaign=${campaignId}`);
        await p.getByTestId('appeals-page').waitFor(UI);
        await p.getByTestId('appeal-go').click();
        await p.getByTestId('appeals').waitFor(UI);
        await p.getByTestId('appeal-create').click();
        await p.getByTestId('appeal-item').click();
        await p.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${item} "]`).click();
        await p.getByTestId('appeal-reason').fill('会议记录齐全，现场漏看');
        await p.locator('.ant-modal:visible').getByTestId('appeal-submit').click();
        await expect.poll(async () => (await assessment(p)).appeals.filter((a) => a.status === 'open').length, UI).toBe(1);
        appealId = (await assessment(p)).appeals.find((a) => a.status === 'open')!.id;
        // Its own appeals, listed with their state.
        await p.goto(`${app.url}/appeals?campaign=${campaignId}`);
        await p.getByTestId(`appeal-open-${appealId}`).waitFor(UI);
        expect(await p.getByTestId('appeals-table').innerText()).toContain('会议记录齐全');
        await shot(p, '13-appeals-village');
      } finally {
        await ctx.close();
      }
    },
    STEP,
  );

  test(
    '8) the admin decides the appeal on the appeals page (upheld); 9) the village total rises in the ranking',
    async () => {
      const before = await ranked(page);
      await page.goto(`${app.url}/appeals?campaign=${campaignId}`);
      await page.getByTestId('appeals-page').waitFor(UI);
      // Filtered to the township; open appeals are listed first (the default filter).
      await page.getByTestId('appeals-township').click();
      await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${township.name}"]`).click();
      await page.getByTestId(`appeal-open-${appealId}`).waitFor(UI);
      expect(await page.getByTestId('appeals-table').innerText()).toContain(village.name);
      await shot(page, '14-appeals');
      await page.getByTestId(`appeal-open-${appealId}`).click();
      const drawer = page.getByTestId('appeal-drawer');
      await drawer.waitFor(UI);
      await expect.poll(() => drawer.getByTestId('appeal-reason-text').innerText(), UI).toContain('会议记录齐全');
      await expect.poll(() => drawer.getByTestId('appeal-current-count').innerText(), UI).toBe('2');
      // No outcome is chosen in advance: with a reason alone the decision cannot be sent.
      await drawer.getByTestId('appeal-decision-reason').fill('复核属实');
      expect(await drawer.getByTestId('appeal-decide').isDisabled()).toBe(true);
      await drawer.getByTestId('appeal-outcome').getByText('申诉成立').click();
      // The form shows the effect on the total; sending asks for a confirmation first.
      await expect.poll(() => drawer.getByTestId('appeal-effect').innerText(), UI).toContain(points(publishedTotal + 4));
      await shot(page, '15-appeal-decide');
      await drawer.getByTestId('appeal-decide').click();
      await page.getByTestId('appeal-confirm').click();
      await expect.poll(async () => (await assessment(page)).appeals.find((a) => a.id === appealId)!.status, UI).toBe('upheld');
      await drawer.getByTestId('appeal-decision').waitFor(UI);
      const after = await assessment(page);
      expect(after.score.total).toBeCloseTo(publishedTotal + 4, 5);
      const placed = await ranked(page);
      expect(placed.total).toBeCloseTo(after.score.total, 5);
      expect(placed.countyRank).toBe(1);
      expect(placed.countyRank).toBeLessThanOrEqual(before.countyRank);

      await page.goto(`${app.url}/rankings?campaign=${campaignId}`);
      await page.getByTestId('rankings-page').waitFor(UI);
      await expect.poll(() => rankingRowTotal(page).innerText(), UI).toBe(points(after.score.total));
      expect(after.score.total).toBeGreaterThan(publishedTotal);
      await shot(page, '16-ranking-after-appeal');

      // The village reads the decision among its appeals.
      const ctx = await desktop();
      const p = await ctx.newPage();
      try {
        await signIn(p, app.url, 'village', NEW_PASSWORD, false);
        await p.goto(`${app.url}/appeals?campaign=${campaignId}`);
        await p.getByTestId(`appeal-open-${appealId}`).waitFor(UI);
        await expect.poll(() => p.getByTestId('appeals-table').innerText(), UI).toContain('申诉成立');
      } finally {
        await ctx.close();
      }

      // The appeals page in English.
      await page.goto(`${app.url}/appeals?campaign=${campaignId}&status=all`);
      await page.getByTestId(`appeal-open-${appealId}`).waitFor(UI);
      await language(page, 'en');
      await expect.poll(() => page.getByTestId('appeals-table').innerText(), UI).toContain('Upheld');
      await shot(page, '17-appeals-en');
      await language(page, 'zh');

      await page.goto(`${app.url}/audit`);
      await page.getByTestId('audit-page').waitFor(UI);
      await page.getByTestId('audit-verify').click();
      await page.getByTestId('audit-verify-result').waitFor(UI);
      await shot(page, '18-audit');
    },
    STEP,
  );
});
