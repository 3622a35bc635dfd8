/**
 * The inspector's controls on a phone, in real Chromium (390×844), on the demo's 2020 campaign:
 * a bonus item says 加分 (never 扣分) in the form, the item's amount and the finding list; an
 * all-or-nothing item is a switch (未达标); a count of 0 is refused in the form naming the field;
 * two suggestions are accepted at once; an edit conflict made by the office through the API keeps
 * what the inspector typed (note and photo), shows the other change and saves on top of it; the
 * township's reviewer comments on one finding and the inspector reads it. Screenshots go to
 * test-output/screenshots/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type App, chromiumAvailable, launchBrowser, NEW_PASSWORD, PHONE, shot, signIn, startApp, tinyPng, stopAfterFailure } from './helpers.ts';

const available = chromiumAvailable();
const STEP = 120_000;
// Generous: other CPU-heavy work may run beside this on 2 cores.
const UI = { timeout: 45_000 };

interface View {
  version: number;
  findings: Array<{ id: number; item: string; count: number; note: string | null; status: string; source: string }>;
  evidence: Array<{ id: number; findingId: number | null; filename: string }>;
  suggestions: Array<{ id: number; status: string; count: number }>;
  comments: Array<{ findingId: number; author: string; text: string }>;
}

describe.skipIf(!available)("browser: the inspector's controls on a phone", () => {
  let app: App;
  let browser: Browser;
  let phone: BrowserContext;
  let p: Page;
  let assessmentId: number;
  /** The finding saved on top of the office's change (commented on by the reviewer). */
  let savedFinding: number;
  /** A step failed: the later steps depend on it and are skipped. */

  const view = async (): Promise<View> => {
    const r = await p.request.get(`${app.url}/api/assessments/${assessmentId}`);
    expect(r.status()).toBe(200);
    return (await r.json()) as View;
  };
  const active = async (item: string) => (await view()).findings.filter((f) => f.item === item && f.status === 'active');
  const idle = () => expect.poll(() => p.getByTestId('finding-add-mobile').getAttribute('class'), UI).not.toContain('ant-btn-loading');

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    phone = await browser.newContext(PHONE);
    phone.setDefaultTimeout(45_000);
    p = await phone.newPage();
    // A draft of the inspector's team in the 2020 campaign.
    const row = await app.store.db
      .selectFrom('assessments as a')
      .innerJoin('campaigns as c', 'c.id', 'a.campaign_id')
      .innerJoin('inspection_team_members as m', 'm.team_id', 'a.team_id')
      .select('a.id')
      .where('c.year', '=', 2020)
      .where('m.username', '=', 'inspector')
      .where('a.status', '=', 'draft')
      .orderBy('a.village_code')
      .executeTakeFirstOrThrow();
    assessmentId = row.id;
  }, STEP);

  stopAfterFailure('failed-inspector-controls-', () => p);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test(
    '1) a bonus item says 加分: the item, the form, its live lines, the finding and its amount',
    async () => {
      await signIn(p, app.url, 'inspector', app.passwords.inspector!, true);
      await p.goto(`${app.url}/assessments/${assessmentId}`);
      await p.getByTestId('assessment-page').waitFor(UI);
      const add = p.getByTestId('finding-add-4.1');
      await add.scrollIntoViewIfNeeded();
      expect(await add.innerText()).toContain('加分');
      await add.click();
      const drawer = p.getByTestId('finding-drawer');
      await drawer.waitFor(UI);
      await expect.poll(() => p.locator('.ant-drawer-title').innerText(), UI).toBe('记录加分事项');
      const live = p.getByTestId('finding-live');
      await live.waitFor(UI);
      await expect.poll(() => live.innerText(), UI).toContain('加分');
      expect(await drawer.innerText()).not.toContain('扣分');
      await shot(p, 'inspector-controls-01-bonus-form');
      await p.getByTestId('finding-save').click();
      await expect.poll(async () => (await active('4.1')).length, UI).toBe(1);
      const [f] = await active('4.1');
      const line = p.getByTestId(`finding-${f!.id}`);
      await line.waitFor(UI);
      expect(await p.getByTestId(`finding-bonus-${f!.id}`).innerText()).toBe('加分');
      expect(await p.getByTestId(`finding-amount-${f!.id}`).innerText()).toContain('加5分');
      await expect.poll(() => p.getByTestId('item-score-4.1').innerText(), UI).toBe('加5分');
      expect(await p.getByTestId('item-4.1').innerText()).not.toContain('扣分');
      await p.getByTestId('item-4.1').scrollIntoViewIfNeeded();
      await shot(p, 'inspector-controls-02-bonus-recorded');
    },
    STEP,
  );

  test(
    '2) an all-or-nothing item is a 未达标 switch, and a count of 0 is refused naming the field',
    async () => {
      await idle();
      await p.getByTestId('finding-add-2.3.2').scrollIntoViewIfNeeded();
      await p.getByTestId('finding-add-2.3.2').click();
      const drawer = p.getByTestId('finding-drawer');
      await drawer.waitFor(UI);
      const toggle = p.getByTestId('finding-not-met');
      await toggle.waitFor(UI);
      expect(await p.getByTestId('finding-count').count()).toBe(0);
      expect(await toggle.getAttribute('aria-checked')).toBe('true');
      expect(await drawer.innerText()).toContain('未达标');
      // Off: nothing to record, said on the field; on again: saved as count 1.
      await toggle.click();
      await expect.poll(() => p.getByTestId('finding-count-help').innerText(), UI).toContain('未达标：');
      expect(await p.getByTestId('finding-save').isDisabled()).toBe(true);
      await toggle.click();
      await expect.poll(() => p.getByTestId('finding-save').isDisabled(), UI).toBe(false);
      await shot(p, 'inspector-controls-03-all-or-nothing');
      await p.getByTestId('finding-save').click();
      await expect.poll(async () => (await active('2.3.2')).map((f) => f.count), UI).toEqual([1]);

      // A count of 0 (or none) on a per-occurrence item: the message names 次数, nothing is saved.
      await idle();
      await p.getByTestId('finding-add-1.2').scrollIntoViewIfNeeded();
      await p.getByTestId('finding-add-1.2').click();
      await p.getByTestId('finding-drawer').waitFor(UI);
      const before = (await view()).version;
      await p.getByTestId('finding-count').fill('0');
      await expect.poll(() => p.getByTestId('finding-count-help').innerText(), UI).toBe('次数：请填写1或以上的整数');
      expect(await p.getByTestId('finding-save').isDisabled()).toBe(true);
      await shot(p, 'inspector-controls-04-count-zero');
      await p.getByTestId('finding-count').fill('');
      await expect.poll(() => p.getByTestId('finding-count-help').innerText(), UI).toBe('次数：请填写1或以上的整数');
      await p.locator('.ant-drawer-close').click();
      await expect.poll(() => p.getByTestId('finding-drawer').count(), UI).toBe(0);
      expect((await view()).version).toBe(before);
    },
    STEP,
  );

  test(
    '3) two suggestions accepted at once: one version step, two findings',
    async () => {
      await idle();
      await p.getByTestId('tab-suggestions').click();
      await p.getByTestId('suggestions-derive').click();
      await idle();
      const open = (await view()).suggestions.filter((s) => s.status === 'open' && s.count > 0);
      expect(open.length, 'the demo village needs two suggestions with a deduction').toBeGreaterThanOrEqual(2);
      const chosen = open.slice(0, 2);
      for (const s of chosen) {
        await p.getByTestId(`suggestion-choose-${s.id}`).scrollIntoViewIfNeeded();
        await p.getByTestId(`suggestion-choose-${s.id}`).click();
      }
      await expect.poll(() => p.getByTestId('suggestions-chosen').innerText(), UI).toBe('已选 2 条');
      await p.getByTestId('suggestions-bulk').scrollIntoViewIfNeeded();
      await shot(p, 'inspector-controls-05-bulk-chosen');
      const before = (await view()).version;
      await p.getByTestId('suggestions-accept-chosen').click();
      await expect.poll(async () => (await view()).suggestions.filter((s) => chosen.some((c) => c.id === s.id)).map((s) => s.status), UI).toEqual(['accepted', 'accepted']);
      expect((await view()).version).toBe(before + 1);
      const accepted = await app.store.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('action', '=', 'suggestion.accept')
        .where(
          'entity_id',
          'in',
          chosen.map((s) => String(s.id)),
        )
        .execute();
      expect(accepted).toHaveLength(2);
      await expect.poll(() => p.getByTestId('assessment-page').getAttribute('data-version'), UI).toBe(String(before + 1));
      await shot(p, 'inspector-controls-06-bulk-accepted');
    },
    STEP,
  );

  test(
    '4) a conflict made by the office keeps the typed note and photo, shows the other change, and saves on top',
    async () => {
      await idle();
      await p.getByRole('tab', { name: '评分', exact: true }).click();
      await p.getByTestId('finding-add-1.1').scrollIntoViewIfNeeded();
      await p.getByTestId('finding-add-1.1').click();
      await p.getByTestId('finding-drawer').waitFor(UI);
      const note = '公示栏照片缺失，现场核实';
      await p.getByTestId('finding-count').fill('2');
      await p.getByTestId('finding-note').fill(note);
      const photo = join(mkdtempSync(join(tmpdir(), 'kaohe-controls-')), 'gongshi.png');
      writeFileSync(photo, tinyPng());
      await p.getByTestId('evidence-input').setInputFiles(photo);
      await expect.poll(() => p.getByTestId('finding-drawer').innerText(), UI).toContain('gongshi.png');

      // Meanwhile the office records a finding on the same item through the API.
      const office = await browser.newContext();
      try {
        const login = await office.request.post(`${app.url}/api/auth/login`, { data: { username: 'admin', password: app.passwords.admin } });
        expect(login.status()).toBe(200);
        let csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
        const changed = await office.request.post(`${app.url}/api/auth/password`, {
          data: { currentPassword: app.passwords.admin, newPassword: NEW_PASSWORD },
          headers: { 'x-csrf-token': csrf },
        });
        expect(changed.status(), await changed.text()).toBe(200);
        const again = await office.request.post(`${app.url}/api/auth/login`, { data: { username: 'admin', password: NEW_PASSWORD } });
        csrf = ((await again.json()) as { csrfToken: string }).csrfToken;
        const { version } = (await (await office.request.get(`${app.url}/api/assessments/${assessmentId}`)).json()) as View;
        const made = await office.request.post(`${app.url}/api/assessments/${assessmentId}/findings`, {
          data: { version, item: '1.1', note: '扶贫办补记：缺工作计划' },
          headers: { 'x-csrf-token': csrf },
        });
        expect(made.status(), await made.text()).toBe(201);
      } finally {
        await office.close();
      }

      await p.getByTestId('finding-save').click();
      const detail = p.getByTestId('conflict-detail');
      await detail.waitFor(UI);
      await expect.poll(() => p.getByTestId('conflict-theirs').innerText(), UI).toContain('扶贫办补记：缺工作计划');
      const mine = await p.getByTestId('conflict-mine').innerText();
      expect(mine).toContain(note);
      expect(mine).toContain('gongshi.png');
      expect(await p.getByTestId('conflict-save').innerText()).toContain('在最新结果上保存');
      expect(await p.getByTestId('conflict-discard').innerText()).toContain('放弃我的修改');
      // The form behind the dialog still holds what was typed.
      expect(await p.getByTestId('finding-note').inputValue()).toBe(note);
      await expect.poll(() => p.locator('.ant-modal').first().getAttribute('class'), UI).not.toMatch(/zoom/);
      await shot(p, 'inspector-controls-07-conflict');

      await p.getByTestId('conflict-save').click();
      await expect.poll(async () => (await active('1.1')).map((f) => f.note).sort(), UI).toEqual([note, '扶贫办补记：缺工作计划'].sort());
      const saved = (await active('1.1')).find((f) => f.note === note)!;
      expect(saved.count).toBe(2);
      savedFinding = saved.id;
      await expect.poll(async () => (await view()).evidence.filter((e) => e.findingId === saved.id).map((e) => e.filename), UI).toEqual(['gongshi.png']);
      await expect.poll(() => p.getByTestId('finding-drawer').count(), UI).toBe(0);
      await p.getByTestId(`finding-${saved.id}`).scrollIntoViewIfNeeded();
      await shot(p, 'inspector-controls-08-saved-on-top');
    },
    STEP,
  );

  test(
    '5) the reviewer comments on one finding; the inspector reads it under the finding',
    async () => {
      const reviewer = await browser.newContext(PHONE);
      reviewer.setDefaultTimeout(45_000);
      const r = await reviewer.newPage();
      try {
        await signIn(r, app.url, 'reviewer', app.passwords.reviewer!, true);
        await r.goto(`${app.url}/assessments/${assessmentId}`);
        await r.getByTestId('assessment-page').waitFor(UI);
        const input = r.getByTestId(`finding-comment-input-${savedFinding}`);
        await input.scrollIntoViewIfNeeded();
        await input.fill('照片看不清公示日期，请补拍');
        await r.getByTestId(`finding-comment-send-${savedFinding}`).click();
        await expect.poll(() => r.getByTestId(`finding-comments-${savedFinding}`).innerText(), UI).toContain('照片看不清公示日期，请补拍');
        await r.getByTestId(`finding-${savedFinding}`).scrollIntoViewIfNeeded();
        await shot(r, 'inspector-controls-09-reviewer-comment');
      } finally {
        await reviewer.close();
      }
      // The inspector's page, reloaded, shows it under that finding only; the inspector has no field to comment.
      await p.reload();
      await p.getByTestId('assessment-page').waitFor(UI);
      const comments = p.getByTestId(`finding-comments-${savedFinding}`);
      await comments.scrollIntoViewIfNeeded();
      await expect.poll(() => comments.innerText(), UI).toContain('照片看不清公示日期，请补拍');
      expect(await comments.innerText()).toContain('reviewer');
      expect(await p.getByTestId(`finding-comment-input-${savedFinding}`).count()).toBe(0);
      expect((await view()).comments).toEqual([expect.objectContaining({ findingId: savedFinding, author: 'reviewer', text: '照片看不清公示日期，请补拍' })]);
      await shot(p, 'inspector-controls-10-comment-read');
    },
    STEP,
  );
});
