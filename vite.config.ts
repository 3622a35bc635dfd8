/**
 * The web application's build: React app in src/web, built into dist/web (which `kaohe serve`
 * serves). `npx vite --config vite.config.ts` runs a dev server that proxies /api to the API
 * (KAOHE_API, default http://localhost:3100: `bin/kaohe serve --port 3100`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Libraries that change rarely get their own chunks, so a new build of the pages keeps them cached. */
const VENDOR_GROUPS: Array<{ name: string; test: RegExp; priority: number }> = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
  { name: 'core-parse', test: /node_modules[\\/](yaml|zod)[\\/]/, priority: 15 },
  { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements|use-sync-external-store)[\\/]/, priority: 10 },
];

export default defineConfig({
  root: here('./src/web'),
  base: '/',
  publicDir: false,
  plugins: [react()],
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
