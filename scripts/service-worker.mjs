/**
 * The service worker's build step (run by scripts/build-web.mjs after Vite's build): lists the
 * built app's files for the worker to precache, and bundles src/web/sw.ts into dist/web/sw.js with
 * that list and a version (a hash of the files' names and contents) put in. A new build with any
 * changed file makes a different sw.js, which browsers install as the new worker.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The worker's own file: never precached (the browser fetches it itself to look for updates). */
export const SW_FILE = 'sw.js';

/**
 * The paths to precache: every file under `dir` but the build's `.br`/`.gz` copies and sw.js,
 * as URL paths (`/assets/index-AbCd1234.js`), sorted; `/` first (the page as the server sends it
 * for the app's address). Dot-files are left out.
 */
export function precacheList(dir) {
  const files = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && !/\.(br|gz)$/.test(entry.name)) {
        const url = '/' + relative(dir, path).split(sep).join('/');
        if (url !== `/${SW_FILE}`) files.push(url);
      }
    }
  };
  walk(dir);
  files.sort();
  return ['/', ...files];
}

/** A hash of the listed files' names and contents (`/` is index.html's content), 16 hex digits. */
export function shellVersion(dir, list) {
  const hash = createHash('sha256');
  for (const url of list) {
    const file = url === '/' ? 'index.html' : url.slice(1);
    hash
      .update(url)
      .update('\0')
      .update(
        createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest(),
      )
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Bundles src/web/sw.ts into `<outDir>/sw.js` (a classic script, minified) with the list and the version put in. */
export async function buildServiceWorker({ root, outDir }) {
  const list = precacheList(outDir);
  const version = shellVersion(outDir, list);
  const { build } = await import('vite');
  await build({
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    define: {
      __KAOHE_PRECACHE__: JSON.stringify(list),
      __KAOHE_SHELL_VERSION__: JSON.stringify(version),
    },
    build: {
      outDir,
      emptyOutDir: false,
      copyPublicDir: false,
      sourcemap: false,
      minify: true,
      lib: { entry: join(root, 'src', 'web', 'sw.ts'), formats: ['iife'], name: 'kaoheServiceWorker', fileName: () => SW_FILE },
    },
  });
  return { files: list.length, version };
}
