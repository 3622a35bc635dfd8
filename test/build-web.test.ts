/**
 * The web build's compression step (scripts/compress-assets.mjs) on a folder like dist/web, and
 * what a page loads according to a Vite manifest (scripts/page-weights.mjs).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressAssets } from '../scripts/compress-assets.mjs';
import { pageFiles } from '../scripts/page-weights.mjs';

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
    expect(() => pageFiles(manifest, 'pages/C.tsx')).toThrow(/no chunk/);
  });
});
