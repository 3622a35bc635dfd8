/**
 * Helpers for the browser test: Chromium (playwright-core), the server started in-process on a
 * fresh SQLite store with the demo county, signing in (with the forced password change), small
 * real files (a PNG photo, a households CSV) and screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import { firstStart, type Credential } from '../../src/services/bootstrap.service.ts';
import { EvidenceStore } from '../../src/services/evidence/evidence-store.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { compose } from '../../src/compose.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.KAOHE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

/** Whether the browser suite can run; on CI a missing Chromium is an error, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`browser tests: no Chromium at ${CHROMIUM} (CI=true, so this fails instead of skipping). Install it (apt-get install chromium) or set KAOHE_CHROMIUM.`);
  }
  console.warn(`browser tests SKIPPED: no Chromium at ${CHROMIUM}. Install it with "apt-get install chromium" (or set KAOHE_CHROMIUM to a Chromium binary).`);
  return false;
}

/**
 * Chromium as the tests drive it. Its contexts block the app's service worker unless
 * `serviceWorkers: 'allow'` (the app shell's and the offline tests): installed, the worker
 * fetches and caches the whole build (2.5 MB) in every new context, work the other tests do not
 * test and pay for on a 2-core machine.
 */
export async function launchBrowser(options: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const serviceWorkers = options.serviceWorkers ?? 'block';
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (o = {}) => newContext({ serviceWorkers, ...o });
  const newPage = browser.newPage.bind(browser);
  browser.newPage = (o = {}) => newPage({ serviceWorkers, ...o });
  return browser;
}

/** A phone as the field's tests hold it: 390×844, touch, Chinese, China's time. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

/** A new phone context (PHONE), each action given 45 s: other CPU-heavy tests may run beside it on 2 cores. */
export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  const phone = await browser.newContext(PHONE);
  phone.setDefaultTimeout(45_000);
  return phone;
}

export interface App {
  url: string;
  store: Store;
  passwords: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Builds the web app, then serves it with the API on 127.0.0.1 (a free port) over a fresh demo
 * store (`inProgress`: the first start's campaigns in progress, as `npm start` opens on).
 */
export async function startApp(options: { inProgress?: boolean } = {}): Promise<App> {
  process.env.KAOHE_SCRYPT_LOG2N = '12';
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-browser-'));
  const store = await openStore({ url: join(dir, 'kaohe.db') });
  const first = await firstStart(compose({ store, evidence: new EvidenceStore(join(dir, 'evidence')) }), { demo: true, inProgress: !!options.inProgress });
  if (!first) throw new Error('firstStart created nothing on a fresh store');
  const passwords = Object.fromEntries(first.credentials.map((c: Credential) => [c.username, c.password]));
  const app = await buildServer({ store, evidence: new EvidenceStore(join(dir, 'evidence')), webRoot: join(ROOT, 'dist', 'web'), loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    passwords,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const NEW_PASSWORD = 'Kaohe-test-2020!';

/** Signs in on /login; at the first sign-in changes the one-time password as the app demands. */
export async function signIn(page: Page, base: string, username: string, password: string, firstTime: boolean): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  if (firstTime) {
    await expect.poll(() => page.getByTestId('must-change-password').isVisible(), { timeout: 45_000 }).toBe(true);
    await page.getByTestId('password-current').fill(password);
    await page.getByTestId('password-new').fill(NEW_PASSWORD);
    await page.getByTestId('password-confirm').fill(NEW_PASSWORD);
    await page.getByTestId('password-submit').click();
    await expect.poll(() => page.getByTestId('must-change-password').count(), { timeout: 45_000 }).toBe(0);
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login') && !u.pathname.startsWith('/account'), { timeout: 45_000 });
}

/**
 * The steps of a story build on each other: once one fails, the rest are skipped (they would only
 * fail in its wake), and the page is shot as it was, as `NAME<step number>.png`. Call it inside
 * the story's describe.
 */
export function stopAfterFailure(name: string, page: () => Page | undefined): void {
  let broken = false;
  beforeEach((ctx) => {
    if (broken) ctx.skip();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    broken = true;
    const p = page();
    if (p && !p.isClosed()) await shot(p, `${name}${ctx.task.name.slice(0, 2).replace(/\W/g, '')}`).catch(() => undefined);
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A real 16×16 PNG (an RGB gradient), built with zlib. */
export function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const w = 16;
  const h = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = x * 16;
      raw[o + 1] = y * 16;
      raw[o + 2] = 128;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Clicks the OK button of the open Popconfirm. */
export async function confirmPopover(page: Page): Promise<void> {
  await page.locator('.ant-popover:visible .ant-popconfirm-buttons .ant-btn-primary').click();
}

/** Chooses an option of the open antd Select dropdown by its exact label. */
export async function chooseOption(page: Page, label: string): Promise<void> {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`).click();
}

/** A number as the web app shows points (zh-CN, at most two decimals). */
export function points(v: number): string {
  return new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(Math.round(v * 100) / 100);
}

/**
 * Runs at most `n` of the tasks given to it at once (the others wait their turn): a browser
 * test's independent sweeps (each role's pages) overlap their waits for the network and the
 * layout without loading a two-core machine with all of them.
 */
export function limited(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
