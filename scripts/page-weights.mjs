/**
 * What a page of the built web app loads before it can show anything: index.html, the entry's
 * scripts and styles with everything they import statically, and the page's own chunks (a
 * signed-in page's and the shell's, which the app fetches side by side) with their static imports
 * (their dynamic imports, such as another page or a dialog's form, are not counted). Read from
 * Vite's manifest, which scripts/build-web.mjs keeps beside dist/web (dist/web-manifest.json).
 *
 *   node scripts/page-weights.mjs     the table for the pages below, from the last build
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/** The shell of the signed-in pages (menu, header): a chunk the app loads beside the page's. */
const LAYOUT = 'components/AppLayout.tsx';

/** The pages whose first load matters most, by the manifest keys of their chunks (null: the entry only). */
export const PAGES = {
  login: null,
  overview: [LAYOUT, 'pages/OverviewPage.tsx'],
  assessment: [LAYOUT, 'pages/assessment/AssessmentPage.tsx'],
};

/** The files (paths under the web root) a page loads: index.html, then scripts and styles. */
export function pageFiles(manifest, pageKeys) {
  const files = new Set(['index.html']);
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`no chunk "${key}" in the web build's manifest`);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit('index.html');
  for (const key of pageKeys === null ? [] : Array.isArray(pageKeys) ? pageKeys : [pageKeys]) visit(key);
  return [...files];
}

/** A file's size as sent: as it is, gzipped, brotli (the build's copies when there, else made here). */
function sizes(root, file) {
  const path = join(root, file);
  const raw = statSync(path).size;
  const copy = (ext, make) => (existsSync(path + ext) ? statSync(path + ext).size : Math.min(raw, make(readFileSync(path)).length));
  return { raw, gzip: copy('.gz', gzipSync), brotli: copy('.br', brotliCompressSync) };
}

/** Per page: its files and their total size as sent uncompressed, gzipped and brotli. */
export function pageWeights(root, manifest, pages = PAGES) {
  const result = {};
  for (const [name, key] of Object.entries(pages)) {
    const files = pageFiles(manifest, key);
    const total = { raw: 0, gzip: 0, brotli: 0 };
    for (const f of files) {
      const s = sizes(root, f);
      total.raw += s.raw;
      total.gzip += s.gzip;
      total.brotli += s.brotli;
    }
    result[name] = { files, ...total };
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');
  const manifestFile = join(root, '..', 'web-manifest.json');
  if (!existsSync(manifestFile)) {
    process.stderr.write('no dist/web-manifest.json: build the web app first (node scripts/build-web.mjs --force)\n');
    process.exit(1);
  }
  const weights = pageWeights(root, JSON.parse(readFileSync(manifestFile, 'utf8')));
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  process.stdout.write(`${'page'.padEnd(12)}${'files'.padStart(6)}${'as is'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}\n`);
  for (const [name, w] of Object.entries(weights)) {
    process.stdout.write(`${name.padEnd(12)}${String(w.files.length).padStart(6)}${kb(w.raw)}${kb(w.gzip)}${kb(w.brotli)}\n`);
    if (process.argv.includes('--files')) for (const f of w.files) process.stdout.write(`    ${f}\n`);
  }
}
