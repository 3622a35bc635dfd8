/**
 * Chinese throughout: every page each role reaches, on the demo county's campaign in progress
 * (as `npm start` opens), read in zh-CN; a Latin word on screen outside an allow-list (codes,
 * numbers, user names, file names, units, "Kaohe") fails the test with the page and the words.
 * The English pages get the same sweep the other way: no Chinese outside the data's own names.
 * Both sweeps also read every table header at desktop and at phone width: an English header never
 * breaks inside a word ("Count y rank") and no header's text runs out of its cell (a Chinese one
 * wraps instead).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable, launchBrowser, limited, NEW_PASSWORD, signIn, startApp, type App } from './helpers.ts';

const available = chromiumAvailable();
const UI = { timeout: 45_000 };
const STEP = 240_000;

type Role = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer';
const ROLES: Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];

/** The pages each role reaches (its menu, an assessment, a score sheet, the campaign); `:c` the campaign, `:a` an assessment. */
const PAGES: Record<Role, string[]> = {
  admin: [
    '/',
    '/registry/villages',
    '/registry/households',
    '/registry/work-teams',
    '/registry/helpers',
    '/registry/records',
    '/registry/import',
    '/registry/export',
    '/schemes',
    '/schemes/new/form',
    '/campaigns',
    '/campaigns/:c',
    '/assessments/:a',
    '/assessments/:a/sheet',
    '/review',
    '/rankings',
    '/appeals',
    '/audit',
    '/users',
    '/my-villages',
  ],
  reviewer: ['/', '/registry/villages', '/schemes', '/campaigns', '/campaigns/:c', '/assessments/:a', '/review', '/rankings', '/appeals'],
  inspector: ['/my-villages', '/campaigns', '/campaigns/:c', '/assessments/:a', '/assessments/:a/sheet', '/rankings', '/appeals'],
  village: ['/campaigns', '/assessments/:a', '/assessments/:a/sheet', '/rankings', '/appeals'],
  viewer: ['/', '/campaigns', '/rankings'],
};

/**
 * What a Chinese screen may show in Latin letters: codes and numbers of the data (item codes, ID
 * numbers masked, division codes, scheme ids and versions), user names, file names, units, and
 * the product's name. Each is removed before the words are looked for.
 */
const ALLOWED: RegExp[] = [
  /\bKaohe\b/g,
  /\b[\w.-]+\.(png|jpe?g|webp|heic|pdf|xlsx|csv)\b/gi,
  // Scheme ids, which are codes: seed-2020, village-monitoring-2024 …
  /\b[a-z]+(?:-[a-z]+)*-\d{4}\b/g,
  /\bv\d+\b/g,
  /\b(admin|reviewer|inspector|village|viewer|system)\b/g,
  /\b\d+(\.\d+)?\s?(KiB|MiB|GiB|KB|MB|GB)\b/g,
  /\bU\+[0-9A-F]{4}\b/g,
  /\b[0-9X*]{18}\b/g,
  /\b(PDF|Excel|ID)\b/g,
  /\b\d{4}-W\d{2}\b/g,
  /\b[A-Z]\d?\b/g,
  // The language switch names English in its own script (中文 | EN).
  /\bEN\b/g,
  // File formats offered by name on the export page.
  /\b(CSV|xlsx)\b/g,
];

/** The widths the headers are read at: a desktop, and a phone (the sweep's pages are loaded at the first). */
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * Run in the page: every visible table header cell (`.ant-table-thead th`), as lines of "header
 * text: problem". A Latin word (letters and digits; a hyphen or a space is a break, not a word's
 * inside) whose characters lie on more than one line is split; a piece of text that reaches out
 * of its room runs out: the cell's padding box, or in a sortable column the title's box (which
 * the sort arrows follow). A header Ant Design cuts with an ellipsis is exempt. Evaluated as a
 * string: the browser gets the code as it is written, with no helper of the test's compiler.
 */
const HEADER_PROBLEMS = `(() => {
  const problems = [];
  for (const th of document.querySelectorAll('.ant-table-thead th')) {
    if (!th.getClientRects().length) continue;
    const header = th.innerText.replace(/\\s+/g, ' ').trim();
    if (!header) continue;
    const box = th.getBoundingClientRect();
    const style = getComputedStyle(th);
    const cell = { left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight) };
    const clipped = !!th.closest('.ant-table-cell-ellipsis');
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.trim() || !node.parentElement || !node.parentElement.getClientRects().length) continue;
      const title = node.parentElement.closest('.ant-table-column-title');
      const room = title ? title.getBoundingClientRect() : cell;
      const whole = document.createRange();
      whole.selectNodeContents(node);
      for (const r of whole.getClientRects()) {
        if (!clipped && r.width > 0 && (r.right > room.right + 1 || r.left < room.left - 1)) problems.push(header + ': "' + node.data.trim() + '" runs out of its cell');
      }
      const words = /[A-Za-z0-9'\u2019]+/g;
      for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
        if (!/[A-Za-z]/.test(m[0])) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
        if (tops.length && Math.max(...tops) - Math.min(...tops) > 2) problems.push(header + ': "' + m[0] + '" is split across lines');
      }
    }
  }
  return [...new Set(problems)];
})()`;

/** The Latin words on a zh-CN page's text, after the allowed ones are removed. */
function latinWords(text: string): string[] {
  let rest = text;
  for (const re of ALLOWED) rest = rest.replace(re, ' ');
  return [...new Set(rest.match(/[A-Za-z]{2,}/g) ?? [])];
}

describe.skipIf(!available)('browser: Chinese throughout, every page of every role', () => {
  let app: App;
  let browser: Browser;
  let campaign = 0;
  let assessment = 0;
  beforeAll(async () => {
    app = await startApp({ inProgress: true });
    browser = await launchBrowser();
    // The 2020 campaign's first published village: every role may read it.
    const row = await app.store.db
      .selectFrom('assessments')
      .innerJoin('campaigns', 'campaigns.id', 'assessments.campaign_id')
      .select(['assessments.id', 'assessments.campaign_id'])
      .where('campaigns.year', '=', 2020)
      .where('assessments.status', '=', 'published')
      .orderBy('assessments.village_code')
      .executeTakeFirstOrThrow();
    campaign = row.campaign_id;
    assessment = row.id;
  }, STEP);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const found: string[] = [];

  async function sweep(ctx: BrowserContext, role: Role, lang: 'zh-CN' | 'en'): Promise<void> {
    const page: Page = await ctx.newPage();
    await page.addInitScript(`window.localStorage.setItem('kaohe.lang', ${JSON.stringify(lang)})`);
    await signIn(page, app.url, role, app.passwords[role]!, lang === 'zh-CN');
    for (const path of PAGES[role]) {
      const url = path.replace(':c', String(campaign)).replace(':a', String(assessment));
      await page.goto(`${app.url}${url}`);
      // The layout, then the page's data (no spinner left).
      await page
        .locator('#root > *')
        .first()
        .waitFor(UI)
        .catch(async (e: Error) => {
          await page.screenshot({ path: `test-output/screenshots/language-stuck-${role}.png` });
          throw new Error(`${role} ${url}: ${e.message}`);
        });
      await page.waitForLoadState('networkidle', UI).catch(() => undefined);
      await expect.poll(() => page.locator('.ant-spin-spinning').count(), UI).toBe(0);
      const text = (await page.evaluate('document.body.innerText')) as string;
      if (lang === 'zh-CN') {
        const words = latinWords(text);
        if (words.length) found.push(`${role} ${url} (zh): ${words.join(' ')}`);
      } else {
        // Chinese on an English page only in the data's own names (villages, campaigns, in titles and
        // cells): the menu, tabs, table headers and form labels are English.
        const heading = (await page.evaluate(
          `[...document.querySelectorAll('.ant-menu-title-content, th, .ant-tabs-tab, .ant-form-item-label')].map((e) => e.innerText).join('\\n')`,
        )) as string;
        const chinese = [...new Set(heading.match(/[\u4e00-\u9fff]+/g) ?? [])];
        if (chinese.length) found.push(`${role} ${url} (en headings): ${chinese.join(' ')}`);
      }
      // The table headers, as laid out here and on a phone (the layout settles after the resize).
      for (const [width, size] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        if (size !== DESKTOP) {
          await page.setViewportSize(size);
          await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300))))');
        }
        for (const problem of (await page.evaluate(HEADER_PROBLEMS)) as string[]) found.push(`${role} ${url} (${lang}, ${width}) header ${problem}`);
      }
      await page.setViewportSize(DESKTOP);
    }
    await page.close();
  }

  test(
    'zh-CN: no Latin words outside codes, names and units, and no table header out of its cell, on every page of every role',
    async () => {
      // Two roles at a time: each waits on the network and the layout most of its time.
      const two = limited(2);
      await Promise.all(
        ROLES.map((role) =>
          two(async () => {
            const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
            await sweep(ctx, role, 'zh-CN');
            await ctx.close();
          }),
        ),
      );
      expect(found.sort(), found.join('\n')).toEqual([]);
    },
    STEP * 2,
  );

  test(
    'en: menus, tabs, table headers and form labels in English, and no header broken inside a word, on every page of every role',
    async () => {
      found.length = 0;
      const two = limited(2);
      await Promise.all(
        ROLES.map((role) =>
          two(async () => {
            const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
            // The password was changed in the zh-CN sweep.
            app.passwords[role] = NEW_PASSWORD;
            await sweep(ctx, role, 'en');
            await ctx.close();
          }),
        ),
      );
      expect(found.sort(), found.join('\n')).toEqual([]);
    },
    STEP * 2,
  );
});
