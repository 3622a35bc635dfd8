/**
 * Field capture without a network (issue 10, docs/offline.md), in real Chromium on a phone
 * (390×844, touch, zh-CN): the inspector downloads the offline package and opens a village; with
 * the network cut (`context.setOffline(true)`, which cuts the service worker's requests too)
 * records twenty findings with notes and three photos, edits one queued finding and withdraws
 * another; reloads, closes and reopens the page: the queue, the findings and their photos are
 * still there, and nothing kept in IndexedDB holds a full ID number. Back online the queue syncs:
 * the server holds what the phone showed (findings, photos byte for byte, the total). Then a
 * conflict (the office records a finding meanwhile) decided with 仍然保存, a photo upload cut
 * in the middle and resumed (its first part not sent again), and a sign-out with changes waiting
 * that empties IndexedDB. Screenshots go to test-output/screenshots/offline-*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type App, chromiumAvailable, launchBrowser, NEW_PASSWORD, phoneContext, shot, signIn, startApp } from './helpers.ts';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import { compose } from '../../src/compose.ts';

/** The phone's upload part (PART_BYTES of src/web/offline/sync.ts, whose browser types the test's project does not have). */
const PART = 512 * 1024;
const available = chromiumAvailable();
const STEP = 240_000;
// Generous: other CPU-heavy work may run beside this on 2 cores.
const UI = { timeout: 45_000 };
/** Items of the seed scheme scored per occurrence without a checklist. */
const ITEMS = ['2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.2.1', '2.2.2', '2.3.1', '2.5.1', '2.5.2', '2.5.3', '3.2.1', '3.3.1', '3.4.1', '3.5.1'];
const FINDINGS = 20;
/** Which of the twenty findings get a photo (of PHOTOS), which is edited (its count), which withdrawn. */
const WITH_PHOTO: Record<number, number> = { 0: 0, 7: 1, 14: 2 };
const EDITED = 3;
const EDITED_COUNT = 4;
const WITHDRAWN = 5;

/** A full 18-digit resident ID number (the last may be X). */
const FULL_ID = /\d{17}[\dXx]/;
/** A resident's ID number the office writes into a finding's note: the phone must keep it masked only. */
const RESIDENT_ID = `52242519600101123${checkCharacter('52242519600101123')}`;
const MASKED_ID = `${RESIDENT_ID.slice(0, 6)}${'*'.repeat(8)}${RESIDENT_ID.slice(-4)}`;

interface Recorded {
  item: string;
  count: number;
  note: string;
  /** The id the phone shows it under (negative: the queue's). */
  localId: number;
  photo?: number;
}

interface DetailJson {
  id: number;
  version: number;
  status: string;
  score: { total: number };
  findings: Array<{ id: number; item: string; count: number; note: string | null; status: string; createdBy: string }>;
  evidence: Array<{ id: number; findingId: number | null; sha256: string; filename: string; size: number; status: string }>;
}

/** Every store of the phone's IndexedDB as JSON (Blobs as their size and type), or null when there is no database. */
const DUMP_OFFLINE = `(async () => {
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  if (!dbs.some((d) => d.name === 'kaohe-offline')) return null;
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('kaohe-offline');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out = {};
  for (const name of Array.from(db.objectStoreNames)) {
    out[name] = await new Promise((resolve, reject) => {
      const r = db.transaction(name).objectStore(name).getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  db.close();
  return JSON.stringify(out, (k, v) => (v instanceof Blob ? { blob: v.size, type: v.type } : v));
})()`;

/** The ids of the findings shown with a 待同步 (or other queue) tag. */
const PENDING_IDS = `Array.from(document.querySelectorAll('[data-testid^="finding-pending-"]')).map((e) => Number(e.getAttribute('data-testid').slice('finding-pending-'.length)))`;

/** What the phone shows of its queued findings: item, count and note of each pending line. */
const SHOWN_PENDING = `Array.from(document.querySelectorAll('[data-testid^="finding-pending-"]')).map((tag) => {
  const line = tag.closest('[data-testid^="finding-"][data-status]');
  const item = line.closest('[data-testid^="item-"]').getAttribute('data-testid').slice('item-'.length);
  const text = line.innerText;
  const count = Number((text.match(/×(\\d+)/) || [])[1]);
  const note = (text.match(/离线发现\\S+/) || [''])[0];
  return { id: Number(tag.getAttribute('data-testid').slice('finding-pending-'.length)), item, count, note };
})`;

describe.skipIf(!available)('browser: field capture without a network on a phone', () => {
  let app: App;
  let browser: Browser;
  let phone: BrowserContext;
  let p: Page;
  let dir: string;
  let assessmentUrl: string;
  let assessmentId: number;
  /** The three photos chosen in the drawer, and a larger one for the cut upload. */
  const photos: Array<{ path: string; bytes: Buffer; name: string }> = [];
  let bigPhoto: { path: string; bytes: Buffer; name: string };
  const recorded: Recorded[] = [];
  let phoneTotal = 0;
  let usable: string[] = [];
  /** A step failed: the later steps depend on it and are skipped. */
  let broken = false;
  const timings: Record<string, number> = {};

  const indicator = () => p.getByTestId('sync-status');
  const waitingCount = async () => Number(await indicator().getAttribute('data-waiting'));
  const indicatorState = async () => (await indicator().getAttribute('data-state')) ?? '';
  const serverDetail = async (): Promise<DetailJson> => {
    const r = await p.request.get(`${app.url}/api/assessments/${assessmentId}`);
    expect(r.status()).toBe(200);
    return (await r.json()) as DetailJson;
  };
  const barTotal = async () => Number((await p.getByTestId('mobile-score-bar').locator('b').first().innerText()).replace(/[,，\s]/g, ''));
  const dumpOffline = async () => (await p.evaluate(DUMP_OFFLINE)) as string | null;
  /** Text without Latin letters allowed: codes and numbers aside (and `allowed` words, e.g. a username). */
  const latinIn = (text: string, allowed: string[] = []) => {
    let s = text;
    for (const w of allowed) s = s.split(w).join('');
    return s.replace(/\d+(\.\d+)*/g, '').match(/[A-Za-z]+/g) ?? [];
  };

  /** Records one finding through the finding drawer; resolves with the id the phone shows it under. */
  const recordFinding = async (item: string, count: number, note: string, photo?: string): Promise<number> => {
    const before = new Set((await p.evaluate(PENDING_IDS)) as number[]);
    const waitingBefore = await waitingCount();
    await p.getByTestId(`finding-add-${item}`).click();
    const drawer = p.getByTestId('finding-drawer');
    await drawer.waitFor(UI);
    await p.getByTestId('finding-count').fill(String(count));
    await p.getByTestId('finding-note').fill(note);
    if (photo) {
      await p.getByTestId('evidence-input').setInputFiles(photo);
      await expect.poll(() => drawer.innerText(), UI).toContain(photo.split('/').at(-1)!);
    }
    await p.getByTestId('finding-save').click();
    await expect.poll(() => p.getByTestId('finding-drawer').count(), UI).toBe(0);
    await expect.poll(waitingCount, UI).toBe(waitingBefore + 1);
    let added: number[] = [];
    await expect
      .poll(async () => {
        added = ((await p.evaluate(PENDING_IDS)) as number[]).filter((id) => !before.has(id));
        return added.length;
      }, UI)
      .toBe(1);
    return added[0]!;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaohe-offline-'));
    // Real JPEGs of different content (noise of different sizes and grain), a few hundred KB each.
    const jpeg = async (name: string, width: number, height: number, sigma: number) => {
      const bytes = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma } } })
        .jpeg({ quality: 80 })
        .toBuffer();
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return { path, bytes, name };
    };
    photos.push(await jpeg('photo-1.jpg', 960, 720, 30), await jpeg('photo-2.jpg', 1000, 750, 40), await jpeg('photo-3.jpg', 1040, 780, 25));
    bigPhoto = await jpeg('photo-big.jpg', 2200, 1600, 35);
    app = await startApp();
    browser = await launchBrowser({ serviceWorkers: 'allow' });
    phone = await phoneContext(browser);
    p = await phone.newPage();
  }, STEP);

  let started = 0;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
    started = performance.now();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'pass') timings[ctx.task.name.slice(0, 2)] = Math.round(performance.now() - started);
    if (ctx.task.result?.state !== 'fail') return;
    broken = true;
    if (p && !p.isClosed()) await shot(p, `failed-offline-${ctx.task.name.slice(0, 2).replace(/\W/g, '')}`).catch(() => undefined);
  });
  afterAll(async () => {
    console.log(`offline.test timings (ms): ${JSON.stringify(timings)}`);
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    '1) the inspector downloads the offline package and opens a draft village online; the service worker controls the page',
    async () => {
      for (const ph of photos) expect(ph.bytes.length).toBeGreaterThan(100_000);
      expect(bigPhoto.bytes.length).toBeGreaterThan(2 * PART);
      await signIn(p, app.url, 'inspector', app.passwords.inspector!, true);
      await p.waitForURL((u) => u.pathname === '/my-villages', UI);
      await p.getByTestId('my-villages').waitFor(UI);
      const cards = p.locator('[data-testid^="my-village-open-"]');
      await expect.poll(() => cards.count(), UI).toBeGreaterThan(1);
      const villages = await cards.count();
      // The office has recorded a finding naming a resident by ID number on the first village (the server masks it for an inspector).
      {
        const href = (await cards.first().getAttribute('href'))!;
        const [, , campaign, , village] = href.split('/');
        const services = compose({ store: app.store }).campaigns;
        const id = await services.assessments.assessmentId(Number(campaign), village!);
        const a = await app.store.db.selectFrom('assessments').select('version').where('id', '=', id).executeTakeFirstOrThrow();
        await services.findings.addFinding({ user: 'admin', role: 'admin' }, id, Number(a.version), { item: '2.2.1', count: 1, note: `户主${RESIDENT_ID}未签字` });
      }
      await p.getByTestId('offline-download').click();
      await p.getByTestId('offline-package').waitFor(UI);
      expect(await p.getByTestId('offline-package').innerText()).toContain(`${villages}个村`);

      const code = (await cards.first().getAttribute('data-testid'))!.slice('my-village-open-'.length);
      expect(await p.getByTestId(`my-village-${code}`).getAttribute('data-status')).toBe('draft');
      await cards.first().click();
      await p.waitForURL((u) => u.pathname.endsWith(`/villages/${code}`), UI);
      await p.getByTestId('assessment-page').waitFor(UI);
      assessmentUrl = p.url();
      const campaignId = Number(new URL(assessmentUrl).pathname.split('/')[2]);
      const r = await p.request.get(`${app.url}/api/campaigns/${campaignId}/villages/${code}/assessment`);
      assessmentId = ((await r.json()) as DetailJson).id;
      expect(assessmentId).toBeGreaterThan(0);
      // The worker controls the page (polled from here: the CSP forbids waitForFunction's evaluated text).
      await expect.poll(() => p.evaluate(`navigator.serviceWorker.controller?.state ?? 'none'`), UI).toBe('activated');
      await expect.poll(indicatorState, UI).toBe('online');
      usable = [];
      for (const item of ITEMS) if ((await p.getByTestId(`finding-add-${item}`).count()) > 0) usable.push(item);
      expect(usable.length).toBeGreaterThanOrEqual(10);
    },
    STEP,
  );

  test(
    '2) offline: twenty findings with counts, notes and three photos are queued (待同步); one edited, one withdrawn',
    async () => {
      await phone.setOffline(true);
      await expect.poll(indicatorState, UI).toBe('offline');
      expect(await indicator().innerText()).toContain('离线');
      for (let i = 0; i < FINDINGS; i++) {
        const item = usable[i % usable.length]!;
        const count = (i % 3) + 1;
        const note = `离线发现${i + 1}号`;
        const photo = WITH_PHOTO[i];
        const localId = await recordFinding(item, count, note, photo !== undefined ? photos[photo]!.path : undefined);
        expect(localId).toBeLessThan(0);
        recorded.push({ item, count, note, localId, ...(photo !== undefined ? { photo } : {}) });
      }
      expect(await waitingCount()).toBe(FINDINGS);
      expect(await indicator().innerText()).toContain(`有${FINDINGS}条待同步`);
      for (const r of recorded) expect(await p.getByTestId(`finding-pending-${r.localId}`).innerText()).toBe('待同步');
      // The photos show under their findings from the phone (object URLs of the kept files).
      for (const r of recorded.filter((x) => x.photo !== undefined)) {
        await expect.poll(() => p.getByTestId(`finding-${r.localId}`).locator('img[src^="blob:"]').count(), UI).toBe(1);
      }

      // A queued finding changed before it is sent: its count.
      const edited = recorded[EDITED]!;
      await p.getByTestId(`finding-edit-${edited.localId}`).click();
      await p.getByTestId('finding-drawer').waitFor(UI);
      expect(await p.getByTestId('finding-note').inputValue()).toBe(edited.note);
      await p.getByTestId('finding-count').fill(String(EDITED_COUNT));
      await p.getByTestId('finding-save').click();
      await expect.poll(() => p.getByTestId('finding-drawer').count(), UI).toBe(0);
      edited.count = EDITED_COUNT;
      await expect.poll(() => p.getByTestId(`finding-${edited.localId}`).innerText(), UI).toContain(`×${EDITED_COUNT}`);
      expect(await waitingCount()).toBe(FINDINGS);

      // A queued finding withdrawn: the reason is asked for; it leaves the queue.
      const withdrawn = recorded[WITHDRAWN]!;
      await p.getByTestId(`finding-withdraw-${withdrawn.localId}`).click();
      await p.getByTestId('withdraw-reason').fill('记错了村');
      await p.getByTestId('withdraw-confirm').click();
      await expect.poll(waitingCount, UI).toBe(FINDINGS - 1);
      await expect.poll(() => p.getByTestId(`finding-${withdrawn.localId}`).count(), UI).toBe(0);
      expect(((await p.evaluate(PENDING_IDS)) as number[]).sort()).toEqual(
        recorded
          .filter((r) => r !== withdrawn)
          .map((r) => r.localId)
          .sort(),
      );

      // The total as the phone scores it, with the queue's findings.
      await expect.poll(barTotal, UI).toBeGreaterThan(0);
      phoneTotal = await barTotal();
      // Nothing reached the server (the test's own API client is not cut by setOffline).
      const there = await serverDetail();
      // Only the office's finding of before (version 1 → 2): nothing of the phone's.
      expect(there.findings.map((f) => f.note)).toEqual([`户主${MASKED_ID}未签字`]);
      expect(there.version).toBe(2);
      await p.getByTestId(`finding-${recorded[0]!.localId}`).scrollIntoViewIfNeeded();
      await shot(p, 'offline-01-pending');
    },
    STEP,
  );

  const expectedActive = () => recorded.filter((_, i) => i !== WITHDRAWN);

  const checkKeptOnPhone = async () => {
    await expect.poll(waitingCount, UI).toBe(FINDINGS - 1);
    await expect.poll(async () => ((await p.evaluate(PENDING_IDS)) as number[]).length, UI).toBe(FINDINGS - 1);
    const shown = (await p.evaluate(SHOWN_PENDING)) as Array<{ id: number; item: string; count: number; note: string }>;
    expect(shown.map(({ item, count, note }) => ({ item, count, note })).sort((a, b) => a.note.localeCompare(b.note))).toEqual(
      expectedActive()
        .map(({ item, count, note }) => ({ item, count, note }))
        .sort((a, b) => a.note.localeCompare(b.note)),
    );
    for (const r of recorded.filter((x) => x.photo !== undefined)) {
      await expect.poll(() => p.getByTestId(`finding-${r.localId}`).locator('img[src^="blob:"]').count(), UI).toBe(1);
      // The thumbnail shows the kept file (loaded, not broken).
      await expect
        .poll(
          () =>
            p
              .getByTestId(`finding-${r.localId}`)
              .locator('img[src^="blob:"]')
              .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
          UI,
        )
        .toBeGreaterThan(0);
    }
    expect(await barTotal()).toBe(phoneTotal);
  };

  test(
    '3) still offline: a reload and a new page open from the worker and the kept copy; the queue and the photos are there; no full ID number is kept',
    async () => {
      const nav = await p.reload({ waitUntil: 'load' });
      expect(nav?.fromServiceWorker()).toBe(true);
      await p.getByTestId('assessment-offline').waitFor(UI);
      expect(await indicatorState()).toBe('offline');
      await checkKeptOnPhone();
      const alert = await p.getByTestId('assessment-offline').innerText();
      expect(alert).toContain('离线');
      expect(latinIn(alert)).toEqual([]);

      // The page closed and opened again (the phone's browser tab swiped away).
      await p.close();
      p = await phone.newPage();
      const again = await p.goto(assessmentUrl, { waitUntil: 'load' });
      expect(again?.fromServiceWorker()).toBe(true);
      await p.getByTestId('assessment-offline').waitFor(UI);
      await checkKeptOnPhone();

      // What IndexedDB keeps: the assessments, the queue, the photos, the user; no full ID number.
      const dump = (await dumpOffline())!;
      expect(dump).not.toBeNull();
      const kept = JSON.parse(dump) as Record<string, unknown[]>;
      expect(Object.keys(kept).sort()).toEqual(['assessments', 'discarded', 'meta', 'photos', 'queue']);
      expect(kept.queue).toHaveLength(FINDINGS - 1);
      expect(kept.photos).toHaveLength(3);
      expect((kept.photos as Array<{ blob: { blob: number } }>).map((ph) => ph.blob.blob).sort()).toEqual(photos.map((ph) => ph.bytes.length).sort());
      expect(kept.assessments!.length).toBeGreaterThan(1);
      // The user's place is kept with them (the header offline): no area, a county's database.
      expect((kept.meta as Array<{ key: string; value: unknown }>).find((m) => m.key === 'place')?.value).toEqual({ area: null, databaseLevel: 'county' });
      // The app's own hex names (SHA-256 of photos, UUID keys) are not ID numbers: taken out first.
      const scrubbed = dump.replace(/[0-9a-f]{64}/g, '#').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '#');
      expect(scrubbed.match(FULL_ID)?.[0], 'a full ID number kept on the phone').toBeUndefined();
      // The office's note naming a resident is there, masked as the server sent it.
      expect(dump).toContain(`户主${MASKED_ID}未签字`);
      await p.getByTestId(`finding-${recorded[0]!.localId}`).scrollIntoViewIfNeeded();
      await shot(p, 'offline-02-reopened');
    },
    STEP,
  );

  test(
    '4) back online: the queue syncs by itself; the server holds what the phone showed: findings, the photos byte for byte, the total',
    async () => {
      const t0 = performance.now();
      await phone.setOffline(false);
      await expect.poll(waitingCount, { timeout: 90_000 }).toBe(0);
      await expect.poll(indicatorState, UI).toBe('online');
      timings['4-sync'] = Math.round(performance.now() - t0);
      expect(await indicator().innerText()).toContain('在线');
      await indicator().click();
      const panel = p.getByTestId('sync-panel');
      await panel.waitFor(UI);
      await expect.poll(() => p.getByTestId('sync-last').innerText(), UI).toMatch(/^上次同步：/);
      expect(await panel.innerText()).toContain('没有待同步的修改');
      await shot(p, 'offline-03-synced-panel');
      await indicator().click();
      await expect.poll(() => panel.isVisible(), UI).toBe(false);

      const d = await serverDetail();
      // The phone's findings (the office's of before aside).
      const active = d.findings.filter((f) => f.status === 'active' && f.createdBy !== 'admin');
      expect(d.findings.filter((f) => f.createdBy === 'admin').map((f) => f.note)).toEqual([`户主${MASKED_ID}未签字`]);
      expect(active.map((f) => ({ item: f.item, count: f.count, note: f.note })).sort((a, b) => a.note!.localeCompare(b.note!))).toEqual(
        expectedActive()
          .map(({ item, count, note }) => ({ item, count, note }))
          .sort((a, b) => a.note.localeCompare(b.note)),
      );
      expect(active.every((f) => f.createdBy === 'inspector')).toBe(true);
      // The withdrawn queued finding never reached the server.
      expect(d.findings.some((f) => f.note === recorded[WITHDRAWN]!.note)).toBe(false);
      expect(d.findings).toHaveLength(FINDINGS - 1 + 1);
      // Each photo on its finding, the same bytes as the file chosen.
      expect(d.evidence).toHaveLength(3);
      for (const r of recorded.filter((x) => x.photo !== undefined)) {
        const f = active.find((x) => x.note === r.note)!;
        const ev = d.evidence.filter((e) => e.findingId === f.id);
        expect(ev).toHaveLength(1);
        expect(ev[0]!.filename).toBe(photos[r.photo!]!.name);
        const served = await p.request.get(`${app.url}/api/evidence/${ev[0]!.id}`);
        expect(served.status()).toBe(200);
        expect(Buffer.compare(await served.body(), photos[r.photo!]!.bytes)).toBe(0);
      }
      // The server's score is what the phone showed offline.
      expect(d.score.total).toBeCloseTo(phoneTotal, 2);
      // The page shows the server's copy now: no 待同步 tag, the same total.
      await expect.poll(async () => ((await p.evaluate(PENDING_IDS)) as number[]).length, UI).toBe(0);
      await expect.poll(() => p.getByTestId('assessment-offline').count(), UI).toBe(0);
      expect(await barTotal()).toBe(phoneTotal);
    },
    STEP,
  );

  test(
    '5) a conflict: the office records a finding while the phone is offline; the page shows both, 仍然保存 sends the phone’s; both are on the server',
    async () => {
      const item = usable[1]!;
      await phone.setOffline(true);
      await expect.poll(indicatorState, UI).toBe('offline');
      const mine = await recordFinding(item, 1, '离线发现冲突手机');
      expect(mine).toBeLessThan(0);

      // The office admin, in another browser context, records a finding on the same item through the API.
      const office = await browser.newContext();
      try {
        const req = office.request;
        const login = await req.post(`${app.url}/api/auth/login`, { data: { username: 'admin', password: app.passwords.admin! } });
        expect(login.status()).toBe(200);
        let csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
        const changed = await req.post(`${app.url}/api/auth/password`, {
          data: { currentPassword: app.passwords.admin!, newPassword: NEW_PASSWORD },
          headers: { 'x-csrf-token': csrf },
        });
        expect(changed.status()).toBe(200);
        csrf = ((await (await req.get(`${app.url}/api/auth/me`)).json()) as { csrfToken: string }).csrfToken;
        const now = (await (await req.get(`${app.url}/api/assessments/${assessmentId}`)).json()) as DetailJson;
        const added = await req.post(`${app.url}/api/assessments/${assessmentId}/findings`, {
          data: { version: now.version, item, count: 2, note: '办公室核查记录' },
          headers: { 'x-csrf-token': csrf },
        });
        expect(added.status(), await added.text()).toBe(201);
      } finally {
        await office.close();
      }

      await phone.setOffline(false);
      const panel = p.getByTestId('offline-conflicts');
      await panel.waitFor(UI);
      const seq = Number((await p.locator('[data-testid^="offline-conflict-"][data-state]').first().getAttribute('data-testid'))!.slice('offline-conflict-'.length));
      expect(seq).toBe(-mine);
      expect(await p.getByTestId(`offline-conflict-${seq}`).getAttribute('data-state')).toBe('conflict');
      expect(await p.getByTestId(`offline-mine-${seq}`).innerText()).toContain('离线发现冲突手机');
      const theirs = await p.getByTestId(`offline-theirs-${seq}`).innerText();
      expect(theirs).toContain('办公室核查记录');
      expect(theirs).toContain('admin');
      // The indicator: one change waits, with a conflict.
      await expect.poll(waitingCount, UI).toBe(1);
      expect(await indicatorState()).toBe('waiting');
      await indicator().click();
      await expect.poll(() => p.getByTestId(`sync-change-${seq}`).getAttribute('data-state'), UI).toBe('conflict');
      expect(await p.getByTestId(`sync-change-${seq}`).innerText()).toContain('有冲突');
      await indicator().click();
      await expect.poll(() => p.getByTestId('sync-panel').isVisible(), UI).toBe(false);
      // While the conflict waits for the inspector the phone does not keep asking the server (it did:
      // each sync with nothing to send reloaded the page, whose answer started another sync).
      const asked: string[] = [];
      const count = (r: Request) => r.url().includes('/api/') && asked.push(`${r.method()} ${new URL(r.url()).pathname}`);
      p.on('request', count);
      await p.waitForTimeout(4000);
      p.off('request', count);
      expect(asked.length, asked.join(', ')).toBeLessThan(3);
      // Chinese only, usernames, codes and numbers aside.
      expect(latinIn(await panel.innerText(), ['admin', 'inspector'])).toEqual([]);
      await panel.scrollIntoViewIfNeeded();
      await shot(p, 'offline-04-conflict');

      await p.getByTestId(`offline-keep-${seq}`).click();
      await expect.poll(waitingCount, UI).toBe(0);
      await expect.poll(() => panel.count(), UI).toBe(0);
      await expect.poll(indicatorState, UI).toBe('online');
      const d = await serverDetail();
      const onItem = d.findings.filter((f) => f.item === item && f.status === 'active');
      expect(onItem.map((f) => f.note)).toEqual(expect.arrayContaining(['离线发现冲突手机', '办公室核查记录']));
      expect(d.findings.filter((f) => f.note === '离线发现冲突手机')).toHaveLength(1);
    },
    STEP,
  );

  test(
    '6) a photo upload cut in the middle is resumed: the sync stops, then goes on from what the server holds; the first part is not sent again',
    async () => {
      const puts: string[] = [];
      const onRequest = (r: Request) => {
        if (r.method() === 'PUT' && r.url().includes('/api/uploads/')) puts.push(new URL(r.url()).search);
      };
      phone.on('request', onRequest);
      // A line that breaks after the first part: every later part is cut until the route is removed
      // (the queue's own retry every 20 s may meet it too).
      let cut = 0;
      const handler = async (route: Route) => {
        const req = route.request();
        const offset = Number(new URL(req.url()).searchParams.get('offset') ?? '0');
        if (req.method() === 'PUT' && offset > 0) {
          cut++;
          await route.abort('connectionreset');
          return;
        }
        await route.continue();
      };
      const part = PART;
      const offsets = Array.from({ length: Math.ceil(bigPhoto.bytes.length / part) }, (_, i) => `?offset=${i * part}`);
      expect(offsets.length).toBeGreaterThanOrEqual(3);
      await phone.route('**/api/uploads/*', handler);
      try {
        await phone.setOffline(true);
        await expect.poll(indicatorState, UI).toBe('offline');
        const local = await recordFinding(usable[2]!, 1, '离线发现大照片', bigPhoto.path);
        await phone.setOffline(false);
        // The second part is cut: the sync stops, the change still waits.
        await expect.poll(() => cut, UI).toBeGreaterThanOrEqual(1);
        await expect.poll(() => p.getByTestId(`finding-pending-${local}`).count(), UI).toBe(1);
        await expect.poll(() => p.getByTestId('sync-status').getAttribute('aria-label'), UI).toContain('有1条待同步');
        expect(await waitingCount()).toBe(1);
        expect(puts.slice(0, 2)).toEqual([offsets[0], offsets[1]]);
        // The finding itself is on the server already, without its photo.
        const there = (await serverDetail()).findings.find((f) => f.note === '离线发现大照片');
        expect(there?.status).toBe('active');
        // 立即同步 is offered: a failed attempt does not disable it while the browser is online.
        await indicator().click();
        await p.getByTestId('sync-now').waitFor(UI);
        expect(await p.getByTestId(`sync-change-${-local}`).getAttribute('data-state')).toBe('pending');
        await expect.poll(() => p.getByTestId('sync-now').isEnabled(), { timeout: 5000 }).toBe(true);
      } finally {
        await phone.unroute('**/api/uploads/*', handler);
      }
      // Sent again on request: it goes on from the second part.
      await p
        .getByTestId('sync-now')
        .click({ timeout: 5000 })
        .catch(async (e: unknown) => {
          // The queue's own 20-second retry may have got there first.
          if ((await waitingCount()) > 0) throw e;
        });
      await expect.poll(waitingCount, UI).toBe(0);
      await expect.poll(indicatorState, UI).toBe('online');
      await indicator().click();
      phone.off('request', onRequest);
      // Every part sent until it got through (the second cut, then sent again); the first never again.
      expect(puts.filter((x) => x === offsets[0])).toHaveLength(1);
      expect(puts.filter((x) => x !== offsets[1])).toEqual([offsets[0], ...offsets.slice(2)]);
      expect(puts.filter((x) => x === offsets[1]).length).toBe(cut + 1);
      const d = await serverDetail();
      const f = d.findings.find((x) => x.note === '离线发现大照片' && x.status === 'active')!;
      const ev = d.evidence.filter((e) => e.findingId === f.id);
      expect(ev).toHaveLength(1);
      const served = await p.request.get(`${app.url}/api/evidence/${ev[0]!.id}`);
      expect(Buffer.compare(await served.body(), bigPhoto.bytes)).toBe(0);
    },
    STEP,
  );

  test(
    '7) sign-out with a change waiting asks first; afterwards every store of IndexedDB is empty',
    async () => {
      await phone.setOffline(true);
      await expect.poll(indicatorState, UI).toBe('offline');
      await recordFinding(usable[3]!, 1, '离线发现退出前');
      expect(JSON.parse((await dumpOffline())!).queue).toHaveLength(1);
      await p.getByTestId('user-menu').click();
      await p.getByTestId('logout').click();
      await p.getByTestId('signout-confirm').click();
      await p.waitForURL((u) => u.pathname.startsWith('/login'), UI);
      await expect
        .poll(async () => {
          const d = JSON.parse((await dumpOffline()) ?? '{}') as Record<string, unknown[]>;
          return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.length]));
        }, UI)
        .toEqual({ assessments: 0, discarded: 0, meta: 0, photos: 0, queue: 0 });
      await phone.setOffline(false);
    },
    STEP,
  );
});
