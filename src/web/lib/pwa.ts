/**
 * The installed app's service worker (src/web/sw.ts, built into /sw.js): registered by production
 * builds only (Vite's dev server has no sw.js, and a worker there would keep stale modules), and
 * only where the browser has service workers (a secure context: HTTPS, or localhost).
 */
export { SHELL_CACHE_PREFIX } from '../sw-strategy.ts';

export const SERVICE_WORKER_URL = '/sw.js';

function supported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
}

/**
 * Registers /sw.js for the whole app (scope `/`) once the page has loaded, so its precaching
 * does not compete with the first page's own files. Never throws: a failure is logged, and the
 * app works on as a plain web page. Resolves with the registration, or undefined when none.
 */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!import.meta.env.PROD || !supported()) return undefined;
  try {
    if (document.readyState !== 'complete') await new Promise<void>((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
    // updateViaCache 'none': the browser asks the server for sw.js (and what it imports) each time it checks for an update.
    return await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/', updateViaCache: 'none' });
  } catch (error) {
    console.error('service worker registration failed', error);
    return undefined;
  }
}

/**
 * Resolves true once an active service worker controls the page (its install, which precaches
 * the whole app shell, has finished); false at once where no worker is registered (a
 * development build, a browser without service workers), or after `timeoutMs` when given.
 */
export function whenShellCached(timeoutMs?: number): Promise<boolean> {
  if (!import.meta.env.PROD || !supported()) return Promise.resolve(false);
  const container = navigator.serviceWorker;
  if (container.controller?.state === 'activated') return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (value: boolean) => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', check);
      resolve(value);
    };
    function check() {
      const controller = container.controller;
      if (!controller) return;
      if (controller.state === 'activated') done(true);
      else controller.addEventListener('statechange', () => controller.state === 'activated' && done(true));
    }
    container.addEventListener('controllerchange', check);
    if (timeoutMs !== undefined) timer = setTimeout(() => done(false), timeoutMs);
    check();
  });
}
