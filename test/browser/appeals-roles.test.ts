/**
 * Who does what with an appeal, as the appeals page shows it: the county office decides (the
 * decision form in the appeal's drawer); a township reviewer and an inspector read the appeal,
 * its evidence and the item's findings and are told, where the form would be, that the office
 * decides. Each role's one line under the page title says its part, in Chinese and in English.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compose } from '../../src/compose.ts';
import { EvidenceStore } from '../../src/services/evidence/evidence-store.ts';
import { chromiumAvailable, launchBrowser, shot, signIn, startApp, type App } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 240_000;
const UI = { timeout: 45_000 };
const REASON = '该项扣分所依据的材料已在考核前补齐，请求复核。';

describe.skipIf(!available)('browser: appeals, each role its part', () => {
  let app: App;
  let browser: Browser;
  let evidenceDir: string;
  let appealId = 0;

  beforeAll(async () => {
    app = await startApp({ inProgress: true });
    browser = await launchBrowser();
    // An open appeal in the reviewer's township and the inspector's team (the demo's one is decided):
    // the office appeals, on the village's behalf, an item with a deduction of a published result.
    const db = app.store.db;
    const target = await db
      .selectFrom('findings')
      .innerJoin('assessments', 'assessments.id', 'findings.assessment_id')
      .innerJoin('campaigns', 'campaigns.id', 'assessments.campaign_id')
      .select(['assessments.id as assessment', 'findings.item'])
      .where('campaigns.year', '=', 2020)
      .where('assessments.status', '=', 'published')
      .where('findings.status', '=', 'active')
      .where('findings.count', '>', 0)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('appeals').select('appeals.id').whereRef('appeals.assessment_id', '=', 'assessments.id').whereRef('appeals.item', '=', 'findings.item'))),
      )
      .orderBy('assessments.village_code')
      .orderBy('findings.item')
      .executeTakeFirstOrThrow();
    evidenceDir = mkdtempSync(join(tmpdir(), 'kaohe-appeals-roles-'));
    const services = compose({ store: app.store, evidence: new EvidenceStore(evidenceDir) });
    appealId = await services.campaigns.appeals.appeal({ user: 'admin', role: 'admin' }, target.assessment, { item: target.item, reason: REASON });
  }, STEP);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (evidenceDir) rmSync(evidenceDir, { recursive: true, force: true });
  });

  /** Signs in (changing the one-time password) in a fresh page, in the language given. */
  const open = async (role: string, lang: 'zh-CN' | 'en'): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang });
    const page = await ctx.newPage();
    await page.addInitScript(`window.localStorage.setItem('kaohe.lang', ${JSON.stringify(lang)})`);
    await signIn(page, app.url, role, app.passwords[role]!, true);
    await page.goto(`${app.url}/appeals?status=all&appeal=${appealId}`);
    await page.getByTestId('appeals-page').waitFor(UI);
    await page.getByTestId('appeal-drawer').waitFor(UI);
    await page.getByTestId('appeal-reason-text').waitFor(UI);
    // The drawer has the assessment (its findings) once the item's findings are listed.
    await page.getByTestId('appeal-drawer').locator('[data-testid^=appeal-finding-]').first().waitFor(UI);
    return page;
  };

  test(
    'a reviewer reads the open appeal and is told the county office decides it: no decision form',
    async () => {
      const page = await open('reviewer', 'zh-CN');
      try {
        expect(await page.getByTestId('appeals-part').innerText()).toBe('申诉由县扶贫办裁定，乡镇审核员可查看申诉及依据');
        const drawer = page.getByTestId('appeal-drawer');
        expect(await drawer.getByTestId('appeal-reason-text').innerText()).toBe(REASON);
        const note = drawer.getByTestId('appeal-decided-by-office');
        await note.waitFor(UI);
        const said = await note.innerText();
        expect(said).toContain('申诉由县扶贫办裁定');
        expect(said).toMatch(/申诉理由.*佐证材料.*扣分事项.*考核页/s);
        await note.getByTestId('appeal-note-assessment').waitFor(UI);
        expect(await drawer.getByTestId('appeal-decision-form').count()).toBe(0);
        expect(await drawer.getByTestId('appeal-decide').count()).toBe(0);
        // The list's button opens, it does not offer a decision.
        expect(await page.getByTestId(`appeal-open-${appealId}`).innerText()).not.toContain('处理');
        await shot(page, 'appeals-reviewer');
        // The assessment's appeals tab says the same: the appeal awaits the office, no decide button.
        await note.getByTestId('appeal-note-assessment').click();
        await page.getByTestId(`appeal-awaiting-${appealId}`).waitFor(UI);
        expect(await page.getByTestId(`appeal-awaiting-${appealId}`).innerText()).toBe('申诉待县扶贫办裁定');
        expect(await page.getByTestId(`appeal-decide-${appealId}`).count()).toBe(0);
      } finally {
        await page.context().close();
      }
    },
    STEP,
  );

  test(
    'an inspector, in English: the same statement, no decision form',
    async () => {
      const page = await open('inspector', 'en');
      try {
        expect(await page.getByTestId('appeals-part').innerText()).toBe('The county office decides appeals; as Inspector, you can read them and what they rest on');
        const drawer = page.getByTestId('appeal-drawer');
        const note = drawer.getByTestId('appeal-decided-by-office');
        await note.waitFor(UI);
        expect(await note.innerText()).toContain('The county office decides this appeal');
        expect(await drawer.getByTestId('appeal-decision-form').count()).toBe(0);
        expect(await drawer.getByTestId('appeal-decide').count()).toBe(0);
      } finally {
        await page.context().close();
      }
    },
    STEP,
  );

  test(
    'the county office gets the decision form, and no statement that someone else decides',
    async () => {
      const page = await open('admin', 'zh-CN');
      try {
        expect(await page.getByTestId('appeals-part').innerText()).toBe('各村提出的申诉由县扶贫办裁定；裁定后重新计分并生成排名快照');
        const drawer = page.getByTestId('appeal-drawer');
        await drawer.getByTestId('appeal-decision-form').waitFor(UI);
        await drawer.getByTestId('appeal-decide').waitFor(UI);
        expect(await drawer.getByTestId('appeal-decided-by-office').count()).toBe(0);
        expect(await page.getByTestId(`appeal-open-${appealId}`).innerText()).toBe('处理申诉');
        await shot(page, 'appeals-admin');
      } finally {
        await page.context().close();
      }
    },
    STEP,
  );
});
