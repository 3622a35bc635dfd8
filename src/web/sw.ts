/**
 * The installed app's service worker: the app shell (the build's files) works without a network.
 * Built by scripts/build-web.mjs into dist/web/sw.js, with the build's file list and version put
 * in for `__KAOHE_PRECACHE__` and `__KAOHE_SHELL_VERSION__`. Typed by tsconfig.sw.json
 * (the WebWorker library, which cannot share a program with the DOM's).
 *
 * - install: every file of the build goes into the cache `kaohe-shell-<version>`, then the new
 *   worker takes over at once (skipWaiting);
 * - activate: our older shell caches are deleted, and the open pages are claimed;
 * - fetch: pages (navigations) from the network, the cached index.html when the network fails or
 *   does not answer in NAVIGATION_WAIT_MS; the build's files from the cache; the API, other
 *   origins and anything else untouched. The shell cache holds no user data: only the build.
 */
import { SHELL_CACHE_PREFIX, strategyFor } from './sw-strategy.ts';

declare const self: ServiceWorkerGlobalScope;
/** The build's files as paths (`/`, `/index.html`, `/assets/…`), put in by the build. */
declare const __KAOHE_PRECACHE__: readonly string[];
/** A hash of the build's files (names and contents), put in by the build. */
declare const __KAOHE_SHELL_VERSION__: string;

const CACHE = `${SHELL_CACHE_PREFIX}${__KAOHE_SHELL_VERSION__}`;
const PRECACHE = new Set(__KAOHE_PRECACHE__);
/** How long a page's request may take before the cached copy is shown instead (weak mobile data). */
const NAVIGATION_WAIT_MS = 5000;
/** Hashed names never change content: the browser's HTTP cache may give them; the rest is revalidated. */
const HASHED = /^\/assets\//;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // All or nothing: a failed file fails the install, and the previous worker stays.
      await cache.addAll([...PRECACHE].map((path) => new Request(path, { cache: HASHED.test(path) ? 'default' : 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(SHELL_CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const strategy = strategyFor(event.request, self.location.origin, PRECACHE);
  // No navigation preload: it would fetch the API's navigations too (a report PDF opened in a
  // tab), which the worker leaves to the browser, and so make them twice.
  if (strategy === 'navigate') event.respondWith(navigate(event.request));
  else if (strategy === 'precached') event.respondWith(fromShell(event.request));
});

/** The cached index.html: the single-page app's page for every route. */
async function cachedPage(): Promise<Response | undefined> {
  const cache = await caches.open(CACHE);
  const page = (await cache.match('/index.html', { ignoreVary: true })) ?? (await cache.match('/', { ignoreVary: true }));
  // A navigation may not be answered with a response marked as redirected.
  return page?.redirected ? new Response(page.body, { status: page.status, statusText: page.statusText, headers: page.headers }) : page;
}

async function navigate(request: Request): Promise<Response> {
  const network = fetch(request);
  // Whatever wins, the other outcome is not an unhandled rejection.
  network.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), NAVIGATION_WAIT_MS);
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== 'slow') return first;
  } catch {
    // No network: the cached page below.
  } finally {
    clearTimeout(timer);
  }
  const page = await cachedPage();
  // Nothing cached (a cache cleared by hand): the network's answer or its error, as without a worker.
  return page ?? network;
}

async function fromShell(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}
