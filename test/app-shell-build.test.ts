/**
 * The installed app's shell as the build makes it (scripts/build-web.mjs): dist/web/sw.js carries
 * the list of every file of the build to precache (not the .br/.gz copies, not itself) and a
 * version made of their contents; the manifest says what the brief says, and its icons are PNGs
 * of the sizes it states; index.html links the manifest, the theme colour and the touch icon.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { precacheList, shellVersion } from '../scripts/service-worker.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'dist', 'web');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('precacheList and shellVersion', () => {
  it("lists the build's files as paths, without compressed copies, dot-files or sw.js; the version follows their contents", () => {
    dir = mkdtempSync(join(tmpdir(), 'kaohe-precache-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, 'icons'));
    const files = ['index.html', 'index.html.br', 'index.html.gz', 'sw.js', 'sw.js.br', 'assets/index-AbCd1234.js', 'assets/index-AbCd1234.js.gz', 'icons/icon-192.png', '.hidden'];
    for (const name of files) writeFileSync(join(dir, name), `content of ${name}`);
    const list = precacheList(dir);
    expect(list).toEqual(['/', '/assets/index-AbCd1234.js', '/icons/icon-192.png', '/index.html']);
    const version = shellVersion(dir, list);
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(shellVersion(dir, list)).toBe(version);
    // A file changed under the same name (an icon redrawn) makes another version.
    writeFileSync(join(dir, 'icons', 'icon-192.png'), 'redrawn');
    expect(shellVersion(dir, list)).not.toBe(version);
  });
});

describe('the built app shell', () => {
  let worker: string;
  beforeAll(() => {
    // As the browser tests get it: a build only when its sources changed since the last one.
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
    worker = readFileSync(join(WEB, 'sw.js'), 'utf8');
  }, 180_000);

  it('sw.js precaches every file of the build (every hashed asset, the page, the manifest, the icons) under a versioned cache name', () => {
    const all: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else all.push('/' + relative(WEB, path).split(sep).join('/'));
      }
    };
    walk(WEB);
    const expected = all.filter((p) => !/\.(br|gz)$/.test(p) && p !== '/sw.js');
    const hashed = expected.filter((p) => /^\/assets\/.+-[A-Za-z0-9_-]{8}\.\w+$/.test(p));
    expect(hashed.length).toBeGreaterThan(20);
    for (const path of ['/index.html', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon-maskable-512.png', '/icons/apple-touch-icon.png']) {
      expect(expected).toContain(path);
    }
    // The list as the build put it in: exactly these files, and `/`.
    expect(precacheList(WEB).sort()).toEqual(['/', ...expected].sort());
    for (const path of expected) expect(worker, path).toContain(path);
    expect(worker).not.toMatch(/\.(br|gz)[`'",]/);
    expect(worker).toContain('kaohe-shell-');
    expect(worker).toContain(shellVersion(WEB, precacheList(WEB)));
    // Nothing of the module world: a classic script the browser runs as a worker.
    expect(worker).not.toMatch(/^\s*(import|export)\b/m);
    expect(worker).not.toContain('__KAOHE_');
  });

  it('has a manifest as the installed app needs it, with icons of the sizes it states', async () => {
    const manifest = JSON.parse(readFileSync(join(WEB, 'manifest.webmanifest'), 'utf8')) as {
      icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
      [key: string]: unknown;
    };
    expect(manifest).toMatchObject({
      name: '考核 — 脱贫攻坚考核系统',
      short_name: '考核',
      lang: 'zh-CN',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#b7282e',
      background_color: '#ffffff',
    });
    const purposes = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
    expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) {
      const meta = await sharp(join(WEB, icon.src)).metadata();
      expect(icon.type).toBe('image/png');
      expect(meta.format, icon.src).toBe('png');
      expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
    }
    const touch = await sharp(join(WEB, 'icons', 'apple-touch-icon.png')).metadata();
    expect([touch.width, touch.height]).toEqual([180, 180]);
  });

  it('links the manifest, the theme colour and the touch icon from index.html', () => {
    const page = readFileSync(join(WEB, 'index.html'), 'utf8');
    expect(page).toMatch(/<link rel="manifest" href="\/manifest\.webmanifest"/);
    expect(page).toMatch(/<meta name="theme-color" content="#b7282e"/);
    expect(page).toMatch(/<link rel="apple-touch-icon" href="\/icons\/apple-touch-icon\.png"/);
  });
});
