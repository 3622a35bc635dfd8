/**
 * The web application's build: React app in src/web, built into dist/web (which `kaohe serve`
 * serves). `npx vite --config vite.config.ts` runs a dev server that proxies /api to the API
 * (KAOHE_API, default http://localhost:3100: `bin/kaohe serve --port 3100`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Libraries that change rarely get their own chunks, so a new build of the pages keeps them cached. */
const VENDOR_GROUPS: Array<{ name: string; test?: RegExp; tags?: ['$initial']; priority: number }> = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  { name: 'core-parse', test: /node_modules[\\/](yaml|zod)[\\/]/, priority: 15 },
  { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements|use-sync-external-store)[\\/]/, priority: 10 },
  // The other libraries the entry loads before anything shows (antd's base, its form, menu, tabs…):
  // one chunk, not the dozens of small ones automatic splitting makes of modules the lazy parts
  // use too (each file compressed apart compresses worse, and costs a request). The app's own
  // modules stay in the entry, so a build that changes only them keeps this chunk cached.
  { name: 'shell', test: /node_modules[\\/]/, tags: ['$initial'], priority: 5 },
  // The signed-in pages' shell (components/AppLayout.tsx, a chunk the sign-in page goes without):
  // its menu, dropdown and layout with what they import, in one chunk too.
  { name: 'layout', test: /node_modules[\\/](antd[\\/]es[\\/](menu|dropdown|layout)|@rc-component[\\/](menu|dropdown|overflow))[\\/]/, priority: 4 },
];

/**
 * Ant Design's Result imports its three illustrations (403, 404, 500: some 37 KB of SVG) whatever
 * the status it shows, and the app's error views use Result: they would be in every page's first
 * load. Here each illustration becomes a component of its own chunk, fetched when a Result shows
 * it (the illustration's box keeps its size meanwhile; a failed fetch shows no picture). Result
 * itself, its icons and its styles are unchanged. The build fails if antd moves them.
 */
function lazyResultIllustrations(): Plugin {
  const ILLUSTRATION = /^\.\/(noFound|serverError|unauthorized)(\.js)?$/;
  const RESULT = /[\\/]antd[\\/]es[\\/]result[\\/]index\.js$/;
  const PREFIX = '\0kaohe-lazy-illustration:';
  let redirected = 0;
  return {
    name: 'kaohe-lazy-result-illustrations',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!importer || !ILLUSTRATION.test(source) || !RESULT.test(importer)) return null;
      const real = await this.resolve(source, importer, { skipSelf: true });
      if (!real) return null;
      redirected++;
      return PREFIX + real.id;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      return [
        `import { createElement, lazy, Suspense } from 'react';`,
        `const Illustration = lazy(() => import(${JSON.stringify(id.slice(PREFIX.length))}).catch(() => ({ default: () => null })));`,
        `export default function LazyIllustration() { return createElement(Suspense, { fallback: null }, createElement(Illustration)); }`,
      ].join('\n');
    },
    buildEnd(error) {
      if (!error && redirected === 0) this.error("antd's Result illustrations were not found where lazyResultIllustrations looks (antd/es/result/*.js)");
    },
  };
}

export default defineConfig({
  root: here('./src/web'),
  base: '/',
  // Copied as they are to dist/web's root: the installed app's manifest and icons (stable names,
  // revalidated; the service worker's precache holds them too).
  publicDir: here('./src/web/public'),
  plugins: [react(), lazyResultIllustrations()],
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    // Which chunks each page loads (scripts/page-weights.mjs); the build moves it out of dist/web.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: VENDOR_GROUPS },
      },
    },
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      '/api': { target: process.env.KAOHE_API ?? 'http://localhost:3100', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: process.env.KAOHE_API ?? 'http://localhost:3100', changeOrigin: false },
    },
  },
});
