/**
 * The scheme form editor in real Chromium: the office builds a small scheme without YAML (two
 * sections; 每处扣2分 in a 扣完为止 section, 视情况扣1—3分, 达到100%得满分，每低1个百分点扣0.5分),
 * sees a problem in Chinese beside its node and fixes it, sees a sample score, saves the scheme as
 * a version (stored as YAML), starts a campaign with it and scores a village by it. Screenshots go
 * to test-output/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type App, chooseOption, chromiumAvailable, launchBrowser, shot, signIn, startApp, stopAfterFailure } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 180_000;
// Generous: other CPU-heavy work may run beside this on 2 cores.
const UI = { timeout: 45_000 };

describe.skipIf(!available)('browser: the scheme form editor', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let versionId: number;
  let village: { code: string; name: string };

  const field = (id: string) => page.locator(`input#${id}, textarea#${id}`);
  const select = async (node: string) => {
    await page.getByTestId(`form-node-${node}`).click();
    await expect.poll(() => page.getByTestId('form-panel').locator('.ant-card-head-title').innerText(), UI).toContain(node);
  };
  /**
   * Picks a rule kind and waits until the select shows it. Under load the list of the select
   * before may still be fading out when this one opens: a pick that did not take is made again.
   */
  const pickRule = async (label: string) => {
    const root = page.getByTestId('form-rule-kind').locator('xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
    for (let attempt = 1; ; attempt++) {
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), UI).toBe(0);
      await page.getByTestId('form-rule-kind').click();
      await chooseOption(page, label);
      await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), UI).toBe(0);
      if ((await root.innerText()).includes(label) || attempt === 3) break;
    }
    await expect.poll(() => root.innerText(), UI).toContain(label);
  };
  /** The server has checked the latest change (the debounce and the lint's answer). */
  const checked = async (errors: number) => {
    await expect.poll(() => page.getByTestId('form-problems').getAttribute('data-errors'), UI).toBe(String(errors));
  };

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    const township = await app.store.db.selectFrom('areas').select(['code', 'name']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
    village = await app.store.db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', township.code).orderBy('code').executeTakeFirstOrThrow();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    context.setDefaultTimeout(45_000);
    page = await context.newPage();
  }, STEP);

  stopAfterFailure('failed-scheme-form-', () => page);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    '1) the office builds a scheme of two sections in the form, with a problem shown in Chinese beside its node, then fixed',
    async () => {
      await signIn(page, app.url, 'admin', app.passwords.admin!, true);
      await page.goto(`${app.url}/schemes`);
      await page.getByTestId('scheme-new-form').click();
      await page.getByTestId('scheme-form').waitFor(UI);

      // The scheme's own settings.
      await page.getByTestId('form-settings-open').click();
      await field('form-scheme-id').fill('form-test');
      await field('form-scheme-title').fill('表单编辑测试细则');

      // Section 1, a pool of 20: 1.1 每处扣2分, 1.2 视情况扣1—3分 (first given 5 points: a problem).
      await select('1');
      await field('form-title').fill('组织管理');
      await field('form-points').fill('20');
      await page.getByTestId('form-flag-pool').click();
      await select('1.1');
      await field('form-title').fill('工作台账');
      await field('form-points').fill('10');
      await field('form-rule-text').fill('每缺少一处扣2分，扣完20分为止');
      await pickRule('每…扣N分（如：发现一处错误扣2分）');
      await field('form-rule-amount').fill('2');
      await page.getByTestId('form-add-sibling').click();
      await select('1.2');
      await field('form-title').fill('档案资料');
      await field('form-points').fill('5');
      await pickRule('视情况扣N—M分');
      await field('form-rule-min').fill('1');
      await field('form-rule-max').fill('3');

      // Section 2: 2.1 达到100%得满分，每低1个百分点扣0.5分（不足1个百分点按1个百分点计）.
      await page.getByTestId('form-add-section').click();
      await select('2');
      await field('form-title').fill('三率一度');
      await field('form-points').fill('10');
      await select('2.1');
      await field('form-title').fill('识别准确率');
      await field('form-points').fill('10');
      await pickRule('达到…%得满分，每低…扣…分');
      await field('form-rule-measure-title').fill('准确识别率');
      await field('form-rule-target').fill('100');
      await field('form-rule-step').fill('1');
      await field('form-rule-amount').fill('0.5');

      // The server finds 1's children add up to 15, not 20: said in Chinese beside node 1.
      await checked(1);
      await page.getByTestId('form-node-1-problems').waitFor(UI);
      await select('1');
      const beside = page.getByTestId('form-node-problems');
      await expect.poll(() => beside.innerText(), UI).toContain('下级分值合计15分，不等于20分');
      expect(await beside.locator('[data-code=uneven-children]').count()).toBe(1);
      // No Latin words on the Chinese screen but codes and numbers.
      expect((await beside.innerText()).replace(/\d+(\.\d+)?/g, '')).not.toMatch(/[A-Za-z]/);
      expect(await page.getByTestId('form-problems').innerText()).toContain('下级分值合计15分');
      expect(await page.getByTestId('form-save').isDisabled()).toBe(true);
      await shot(page, 'scheme-form-01-problem');

      // Fixed: 1.2 is worth 10.
      await select('1.2');
      await field('form-points').fill('10');
      await checked(0);
      expect(await page.getByTestId('form-node-1-problems').count()).toBe(0);
      const preview = page.getByTestId('form-preview');
      await expect.poll(() => preview.innerText(), UI).toContain('识别准确率');
      expect(await preview.innerText()).toContain('视情况每处扣1—3分');
    },
    STEP,
  );

  test(
    '2) the sample score: 1.1 ×3, 1.2 picked 2 with a reason, 2.1 at 97.5% (three steps short, rounded up)',
    async () => {
      await page.getByTestId('form-sample-tab').click();
      const add = page.getByTestId('form-samples-add');
      const item = async (i: number, code: string) => {
        await add.click();
        await page.getByTestId(`form-sample-${i}-item`).click();
        await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${code} "]`).click();
        // The chosen list fades out; the next row's list must not be confused with it.
        await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), UI).toBe(0);
      };
      await item(0, '1.1');
      await field('form-sample-0-count').fill('3');
      await item(1, '1.2');
      await field('form-sample-1-pick').fill('2');
      await field('form-sample-1-note').fill('资料不全');
      await item(2, '2.1');
      await field('form-sample-2-percent').fill('97.5');
      await page.getByTestId('form-sample').locator('p').first().click();
      // 20 − 6 − 2 = 12, 10 − 3 × 0.5 = 8.5: 20.5.
      await expect.poll(() => page.getByTestId('form-sample-total').innerText(), UI).toBe('20.5');
      const lines = await page.getByTestId('form-sample-lines').innerText();
      expect(lines).toContain('1.1');
      expect(lines).toContain('1.2');
      expect(lines).toContain('2.1');
      expect((await page.getByTestId('form-sample').innerText()).replace(/\d+(\.\d+)?/g, '')).not.toMatch(/[A-Za-z]/);
      await shot(page, 'scheme-form-02-sample');
    },
    STEP,
  );

  test(
    '3) saved as a new version: YAML text the YAML editor opens, the scheme as built',
    async () => {
      await page.getByTestId('form-save').click();
      await page.waitForURL(/\/schemes\/versions\/\d+$/, UI);
      versionId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.getByTestId('scheme-page').waitFor(UI);
      const v = (await (await page.request.get(`${app.url}/api/scheme-versions/${versionId}`)).json()) as {
        schemeId: string;
        version: number;
        sourceText: string;
        scheme: { sections: Array<{ code: string; pool?: boolean; points: number; children: Array<{ code: string; points: number; rule: unknown }> }> };
      };
      expect(v).toMatchObject({ schemeId: 'form-test', version: 1 });
      expect(v.sourceText).toMatch(/^id: form-test\nversion: 1\ntitle: 表单编辑测试细则\n/);
      expect(v.scheme.sections).toMatchObject([
        {
          code: '1',
          points: 20,
          pool: true,
          children: [
            { code: '1.1', points: 10, rule: { kind: 'perOccurrence', amount: 2 } },
            { code: '1.2', points: 10, rule: { kind: 'range', min: 1, max: 3 } },
          ],
        },
        {
          code: '2',
          points: 10,
          children: [
            {
              code: '2.1',
              points: 10,
              rule: { kind: 'measured', measure: { kind: 'rate', title: '准确识别率' }, scoring: { by: 'shortfall', target: 100, step: 1, amount: 0.5, rounding: 'up' } },
            },
          ],
        },
      ]);
      // The YAML editor opens the stored text.
      await page.getByTestId('scheme-edit-copy').click();
      await page.getByTestId('scheme-editor').waitFor(UI);
      await expect.poll(() => page.getByTestId('scheme-problems').getAttribute('data-errors'), UI).toBe('0');
      expect(await page.getByTestId('scheme-preview').innerText()).toContain('识别准确率');
    },
    STEP,
  );

  test(
    "4) a campaign with that version scores a village by it: 1.1 twice, 1.2 judged at 2, 2.1 at 97.5%: the village's total on its page",
    async () => {
      const me = (await (await page.request.get(`${app.url}/api/auth/me`)).json()) as { csrfToken: string };
      const headers = { 'x-csrf-token': me.csrfToken };
      const made = await page.request.post(`${app.url}/api/campaigns`, {
        data: { name: '表单细则考核', year: 2021, schemeVersionId: versionId, villages: [village.code] },
        headers,
      });
      expect(made.status(), await made.text()).toBe(201);
      const campaignId = ((await made.json()) as { id: number }).id;
      const a = (await (await page.request.get(`${app.url}/api/campaigns/${campaignId}/villages/${village.code}/assessment`)).json()) as { id: number; version: number };
      const finding = await page.request.post(`${app.url}/api/assessments/${a.id}/findings`, {
        data: { version: a.version, item: '1.1', count: 2, note: '缺少两处台账' },
        headers,
      });
      expect(finding.status(), await finding.text()).toBe(201);
      // The new kinds by the same route: 1.2 judged at 2 with its reason, 2.1 measured at 97.5% (3 steps short × 0.5).
      const version = async () => ((await (await page.request.get(`${app.url}/api/assessments/${a.id}`)).json()) as { version: number }).version;
      for (const data of [
        { item: '1.2', amount: 2, note: '资料不全' },
        { item: '2.1', value: { percent: 97.5 } },
      ]) {
        const made = await page.request.post(`${app.url}/api/assessments/${a.id}/findings`, { data: { version: await version(), ...data }, headers });
        expect(made.status(), await made.text()).toBe(201);
      }

      await page.goto(`${app.url}/campaigns/${campaignId}/villages/${village.code}`);
      await page.getByTestId('assessment-page').waitFor(UI);
      const total = page.getByTestId('score-total');
      // 20 − 4 − 2 = 14, 10 − 1.5 = 8.5: 22.5.
      await expect.poll(() => total.getAttribute('data-total'), UI).toBe('22.5');
      expect(await total.innerText()).toBe('22.5');
      await shot(page, 'scheme-form-03-village');
    },
    STEP,
  );

  test(
    '5) the import page’s handover: the draft opens in the form, unread lines beside their nodes until corrected; kept on reload; to YAML and back',
    async () => {
      const draft = {
        id: 'import-test',
        version: 1,
        title: '导入的细则',
        sections: [
          {
            code: '1',
            title: '动态监测',
            points: 20,
            children: [
              {
                code: '1.1',
                title: '应纳尽纳',
                points: 10,
                rule: {
                  kind: 'parts',
                  parts: [
                    { code: 'a', title: '应纳未纳', rule: { kind: 'perOccurrence', amount: 2 } },
                    { code: 'b', title: '帮扶措施不落实', rule: { kind: 'perOccurrence', amount: 1 } },
                  ],
                },
              },
              { code: '1.2', title: '档案资料', points: 10, ruleText: '资料不全的，酌情扣分', rule: { kind: 'allOrNothing' } },
            ],
          },
        ],
      };
      const unread = [
        { node: '1.2', row: 7, message: '“资料不全的，酌情扣分”未能识别为评分规则' },
        { row: 12, message: '第12行的分值“十分”不是数字' },
      ];
      await page.goto(`${app.url}/schemes`);
      await page.getByTestId('schemes-page').waitFor(UI);
      // As the import page does it: navigate('/schemes/new/form', { state: { draft, unread } }).
      await page.evaluate(
        (state) => {
          // In the page (the tests are type-checked without the DOM library).
          const w = globalThis as unknown as {
            history: { pushState(s: unknown, t: string, u: string): void };
            dispatchEvent(e: unknown): void;
            PopStateEvent: new (type: string) => unknown;
          };
          w.history.pushState(state, '', '/schemes/new/form');
          w.dispatchEvent(new w.PopStateEvent('popstate'));
        },
        { draft, unread },
      );
      await page.getByTestId('scheme-form').waitFor(UI);
      const list = page.getByTestId('form-unread-list');
      await expect.poll(() => list.locator('[data-testid=form-unread]').count(), UI).toBe(2);
      expect(await list.innerText()).toContain('第7行');
      expect(await list.innerText()).toContain('第12行的分值“十分”不是数字');
      await page.getByTestId('form-node-1.2').waitFor(UI);
      expect(await page.getByTestId('form-node-1.2').innerText()).toContain('1 处未识别');
      await select('1.2');
      expect(await page.getByTestId('form-node-unread').innerText()).toContain('未能识别为评分规则');
      await checked(0);
      await shot(page, 'scheme-form-04-handover');
      // The office picks the rule the line meant, and marks the line corrected.
      await pickRule('视情况扣N—M分');
      await page.getByTestId('form-node-unread').getByRole('button', { name: '已改正' }).click();
      await expect.poll(() => list.locator('[data-testid=form-unread]').count(), UI).toBe(1);
      expect(await page.getByTestId('form-node-1.2').innerText()).not.toContain('未识别');
      await checked(0);

      // A reload keeps the work (the history entry's state follows the edits).
      await page.waitForTimeout(600);
      await page.reload();
      await page.getByTestId('scheme-form').waitFor(UI);
      await select('1.2');
      await expect.poll(() => page.getByTestId('form-rule-kind').innerText(), UI).toContain('视情况扣N—M分');
      expect(await page.getByTestId('form-unread-list').locator('[data-testid=form-unread]').count()).toBe(1);

      // To the YAML editor and back, the same scheme.
      await page.getByTestId('form-to-yaml').click();
      await page.getByTestId('scheme-editor').waitFor(UI);
      await expect.poll(() => page.getByTestId('scheme-problems').getAttribute('data-errors'), UI).toBe('0');
      expect(await page.getByTestId('scheme-yaml').inputValue()).toContain('id: import-test');
      await page.getByTestId('scheme-to-form').click();
      await page.getByTestId('scheme-form').waitFor(UI);
      await page.getByTestId('form-node-1.1').waitFor(UI);
      await select('1.1');
      expect(await page.locator('input#form-rule-parts-1-title').inputValue()).toBe('帮扶措施不落实');
    },
    STEP,
  );
});
