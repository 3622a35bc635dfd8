/**
 * The web build's compression step (scripts/compress-assets.mjs) on a folder like dist/web, what
 * a page loads according to a Vite manifest (scripts/page-weights.mjs), and the budget of issue 19
 * on the real build: the sign-in and assessment pages load under 300 KiB brotli before they show.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressAssets } from '../scripts/compress-assets.mjs';
import { pageFiles, pageWeights, type Manifest } from '../scripts/page-weights.mjs';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('compressAssets', () => {
  it('writes .br and .gz beside every compressible file that gains, and nothing beside the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'kaohe-compress-'));
    mkdirSync(join(dir, 'assets'));
    const script = `export const rows = ${JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ row: i, text: '考核 assessment' })))};`;
    const files: Record<string, string | Buffer> = {
      'index.html': `<!doctype html><html><body>${'<p>考核</p>'.repeat(300)}</body></html>`,
      'assets/index-AbCd1234.js': script,
      'assets/index-AbCd1234.css': `.a{color:red}\n`.repeat(200),
      'assets/logo.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(100)}</svg>`,
      'assets/tiny-AbCd1234.js': 'export const a = 1;',
      'assets/photo-AbCd1234.png': Buffer.alloc(4096, 7),
    };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    // A copy left by an earlier build of a file that is gone now.
    writeFileSync(join(dir, 'assets', 'old-ZZZZ9999.js.br'), 'stale');

    const summary = compressAssets(dir);

    for (const name of ['index.html', 'assets/index-AbCd1234.js', 'assets/index-AbCd1234.css', 'assets/logo.svg']) {
      const original = readFileSync(join(dir, name));
      const br = readFileSync(join(dir, `${name}.br`));
      const gz = readFileSync(join(dir, `${name}.gz`));
      expect(br.length).toBeLessThan(original.length);
      expect(gz.length).toBeLessThan(original.length);
      expect(brotliDecompressSync(br).equals(original)).toBe(true);
      expect(gunzipSync(gz).equals(original)).toBe(true);
    }
    // Too small to gain, or not a kind that compresses: left alone.
    for (const name of ['assets/tiny-AbCd1234.js', 'assets/photo-AbCd1234.png']) {
      expect(existsSync(join(dir, `${name}.br`))).toBe(false);
      expect(existsSync(join(dir, `${name}.gz`))).toBe(false);
    }
    expect(existsSync(join(dir, 'assets', 'old-ZZZZ9999.js.br'))).toBe(false);
    expect(summary.files).toBe(4);
    expect(summary.brotli).toBeLessThan(summary.bytes);

    // A second run (a build over the same folder) gives the same copies, not copies of copies.
    compressAssets(dir);
    expect(existsSync(join(dir, 'index.html.br.br'))).toBe(false);
    expect(existsSync(join(dir, 'index.html.gz.br'))).toBe(false);
  });
});

describe('pageFiles', () => {
  it("follows the entry's and the page's static imports, not their dynamic ones", () => {
    const manifest = {
      'index.html': { file: 'assets/index-1.js', css: ['assets/index-1.css'], imports: ['_react.js', '_antd.js'], dynamicImports: ['pages/A.tsx', 'pages/B.tsx'] },
      '_react.js': { file: 'assets/react-1.js' },
      '_antd.js': { file: 'assets/antd-1.js', imports: ['_react.js'] },
      'pages/A.tsx': { file: 'assets/A-1.js', imports: ['_antd.js', '_table.js'], dynamicImports: ['pages/B.tsx'] },
      '_table.js': { file: 'assets/table-1.js', css: ['assets/table-1.css'] },
      'pages/B.tsx': { file: 'assets/B-1.js', imports: ['_charts.js'] },
      '_charts.js': { file: 'assets/charts-1.js' },
    };
    expect(pageFiles(manifest, null)).toEqual(['index.html', 'assets/index-1.js', 'assets/index-1.css', 'assets/react-1.js', 'assets/antd-1.js']);
    expect(pageFiles(manifest, 'pages/A.tsx')).toEqual([
      'index.html',
      'assets/index-1.js',
      'assets/index-1.css',
      'assets/react-1.js',
      'assets/antd-1.js',
      'assets/A-1.js',
      'assets/table-1.js',
      'assets/table-1.css',
    ]);
    // A page and the shell it is shown in, fetched side by side: both chunks and their imports, once each.
    expect(pageFiles(manifest, ['pages/B.tsx', 'pages/A.tsx'])).toEqual([
      'index.html',
      'assets/index-1.js',
      'assets/index-1.css',
      'assets/react-1.js',
      'assets/antd-1.js',
      'assets/B-1.js',
      'assets/charts-1.js',
      'assets/A-1.js',
      'assets/table-1.js',
      'assets/table-1.css',
    ]);
    expect(() => pageFiles(manifest, 'pages/C.tsx')).toThrow(/no chunk/);
  });
});

describe('the first load of the built web app', () => {
  it('stays under the budget (300 KiB brotli for the sign-in and assessment pages) and leaves out what pages fetch on demand', () => {
    const root = resolve(import.meta.dirname, '..');
    // As the browser tests get it: a build only when its sources changed since the last one.
    execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(root, 'dist', 'web-manifest.json'), 'utf8')) as Manifest;
    const weights = pageWeights(join(root, 'dist', 'web'), manifest);
    const kib = (name: string) => Math.round((weights[name]!.brotli / 1024) * 10) / 10;
    expect(kib('login'), 'sign-in page, KiB brotli').toBeLessThan(300);
    expect(kib('assessment'), 'assessment page, KiB brotli').toBeLessThan(300);

    const fileOf = (key: (k: string) => boolean) => Object.entries(manifest).find(([k]) => key(k))?.[1].file;
    const onDemand = {
      // The other language (English) is fetched when chosen.
      english: fileOf((k) => k === 'i18n/en.json'),
      // The scheme's reader (yaml, zod): the browser builds the scheme from the server's data.
      schemeReader: fileOf((k) => /core-parse/.test(k)),
      // Result's illustrations, fetched when an error view shows one.
      illustration: fileOf((k) => k.endsWith('antd/es/result/noFound.js')),
      // The finding form (selects, number field), fetched when idle or on pointing at an add button.
      findingForm: fileOf((k) => k === 'pages/assessment/FindingDrawer.tsx'),
    };
    for (const [what, file] of Object.entries(onDemand)) {
      expect(file, `${what}: a chunk of its own`).toBeDefined();
      for (const [page, w] of Object.entries(weights)) expect(w.files, `${what} in the ${page} page's first load`).not.toContain(file);
    }
    // The scheme form editor builds and scores the scheme from its data: no YAML reader, no zod.
    expect(pageFiles(manifest, 'pages/schemes/SchemeFormPage.tsx'), "the form editor's chunks").not.toContain(onDemand.schemeReader);
  }, 180_000);
});
