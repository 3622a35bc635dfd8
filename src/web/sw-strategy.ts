/**
 * What the service worker (sw.ts) does with a request, as a pure function of the request and the
 * build's precache list, so it is tested without a browser. Shared by the worker and the page
 * (lib/pwa.ts names the cache prefix), typed for both.
 */

/** The prefix of the shell cache's name; the rest is the build's version (a hash of its files). */
export const SHELL_CACHE_PREFIX = 'kaohe-shell-';

/**
 * - `navigate`: a page of the single-page app: network first, the cached index.html when the
 *   network fails;
 * - `precached`: a file of the build: from the cache, the network only when it is missing;
 * - `pass`: not touched by the worker (the API, other origins, changes, anything else).
 */
export type FetchStrategy = 'navigate' | 'precached' | 'pass';

export interface RequestLike {
  method: string;
  mode: string;
  url: string;
}

/** Whether a path is the API's: its answers hold user data and are the data layer's business. */
export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

export function strategyFor(request: RequestLike, origin: string, precached: ReadonlySet<string>): FetchStrategy {
  if (request.method !== 'GET') return 'pass';
  const url = new URL(request.url);
  if (url.origin !== origin || isApiPath(url.pathname)) return 'pass';
  if (request.mode === 'navigate') return 'navigate';
  return precached.has(url.pathname) ? 'precached' : 'pass';
}
