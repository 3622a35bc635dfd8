#!/usr/bin/env node
/**
 * Builds the web application (src/web, with the src/core modules it imports) into dist/web with
 * Vite, but only when something it is built from changed since the last build (newest mtime
 * of its sources against the build's stamp), so `npm start` stays fast. Then writes a brotli and
 * a gzip copy beside every file that compresses (scripts/compress-assets.mjs), which the server
 * sends as they are, and moves Vite's manifest out of the served folder (dist/web-manifest.json,
 * read by scripts/page-weights.mjs and bench/web.ts). The service worker (src/web/sw.ts) is
 * built last, into dist/web/sw.js, with the list of the build's files to precache
 * (scripts/service-worker.mjs).
 *
 *   node scripts/build-web.mjs           build when needed
 *   node scripts/build-web.mjs --force   always build
 *   node scripts/build-web.mjs --check   exit 1 when a build is needed, without building
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressAssets } from './compress-assets.mjs';
import { buildServiceWorker } from './service-worker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'web');
// Beside the build, not in it: dist/web is served as it is.
const stampFile = join(root, 'dist', '.web-build-stamp.json');
const manifestFile = join(root, 'dist', 'web-manifest.json');

/** What the bundle is made of: the app, the core it imports, and the build's own configuration. */
const INPUT_DIRS = ['src/web', 'src/core'];
const INPUT_FILES = ['vite.config.ts', 'scripts/build-web.mjs', 'scripts/compress-assets.mjs', 'scripts/service-worker.mjs', 'package-lock.json'];
const SKIP = /(\.test\.tsx?$)|(^|[\\/])(node_modules|\.git)([\\/]|$)/;

function newestInput() {
  let newest = { mtimeMs: 0, path: '' };
  const consider = (path) => {
    const s = statSync(path);
    if (s.mtimeMs > newest.mtimeMs) newest = { mtimeMs: s.mtimeMs, path };
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (SKIP.test(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) consider(path);
    }
    // A deleted or renamed file changes the folder's mtime.
    consider(dir);
  };
  for (const d of INPUT_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) consider(join(root, f));
  return newest;
}

function lastBuild() {
  if (!existsSync(stampFile) || !existsSync(join(outDir, 'index.html'))) return null;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
}

const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const newest = newestInput();
const stamp = lastBuild();
const upToDate = stamp !== null && typeof stamp.newestInputMs === 'number' && stamp.newestInputMs >= newest.mtimeMs;

if (args.has('--check')) {
  process.stdout.write(upToDate ? 'web app: up to date\n' : `web app: needs a build (${stamp ? `${relative(root, newest.path)} changed` : 'never built'})\n`);
  process.exit(upToDate ? 0 : 1);
}
if (upToDate && !force) {
  process.stdout.write(`web app: up to date (dist/web, built ${new Date(stamp.builtAt).toLocaleString()})\n`);
  process.exit(0);
}

process.stdout.write(`web app: building dist/web (${force ? 'forced' : stamp ? `${relative(root, newest.path)} changed` : 'no build yet'})…\n`);
const started = Date.now();
// A production bundle whoever builds: run from the test suite, NODE_ENV is "test", and Vite
// would then bundle React's and Ant Design's development builds (three times the bytes, slower
// pages) into the dist/web that `npm start` serves afterwards as up to date.
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
try {
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: process.env.CI ? 'warn' : 'info', mode: 'production' });
} catch (e) {
  process.stderr.write(`web app: build failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
// The manifest says which chunks a page loads; nobody's browser needs it.
const viteManifest = join(outDir, '.vite', 'manifest.json');
if (existsSync(viteManifest)) {
  renameSync(viteManifest, manifestFile);
  rmSync(join(outDir, '.vite'), { recursive: true, force: true });
}
let worker;
try {
  // After the app's files are all there (it lists them), before compression (sw.js is compressed too).
  worker = await buildServiceWorker({ root, outDir });
} catch (e) {
  process.stderr.write(`web app: service worker build failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
process.stdout.write(`web app: service worker sw.js precaches ${worker.files} files (shell ${worker.version})\n`);
const compressed = compressAssets(outDir);
const kib = (n) => `${Math.round(n / 1024)} KiB`;
process.stdout.write(`web app: ${compressed.files} files compressed: ${kib(compressed.bytes)} → ${kib(compressed.gzip)} gzip, ${kib(compressed.brotli)} brotli\n`);
// The stamp records the newest input seen before the build: a file saved during the build makes the next run build again.
writeFileSync(stampFile, JSON.stringify({ builtAt: new Date().toISOString(), newestInputMs: newest.mtimeMs, newestInput: relative(root, newest.path) }, null, 2) + '\n');
process.stdout.write(`web app: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
