/**
 * A small router on the History API: the server answers every non-API path with the app's page,
 * so `/campaigns/3` can be bookmarked. Routes are path patterns with `:param` segments.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

import { ROUTES, type RouteName } from './routes.ts';

export { ROUTES, type RouteName };

export interface Match {
  name: RouteName | 'notFound';
  params: Record<string, string>;
  query: URLSearchParams;
}

const compiled = (Object.entries(ROUTES) as Array<[RouteName, string]>).map(([name, pattern]) => {
  const keys: string[] = [];
  const source = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { name, keys, re: new RegExp(`^${source || '/'}/?$`) };
});

/** The route a path names (the first pattern that fits, in declaration order). */
export function matchPath(pathname: string, search = ''): Match {
  const query = new URLSearchParams(search);
  for (const r of compiled) {
    const m = r.re.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
    return { name: r.name, params, query };
  }
  return { name: 'notFound', params: {}, query };
}

/** The path of a route with its parameters (and an optional query). */
export function pathTo(name: RouteName, params: Record<string, string | number> = {}, query?: Record<string, string | number | undefined>): string {
  let path: string = ROUTES[name];
  for (const [k, v] of Object.entries(params)) path = path.replace(`:${k}`, encodeURIComponent(String(v)));
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) path += `?${s}`;
  }
  return path;
}

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

/**
 * Goes to a path (pushes a history entry, or replaces the current one). `state` travels with the
 * entry (a draft handed from one page to the next, see `routeState`): kept on reload and on going
 * back, never in the address.
 */
export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (to === snapshot() && options.state === undefined) return;
  // Replacing the entry (a filter in the query) keeps its state.
  const state = options.state !== undefined ? options.state : options.replace ? (window.history.state as unknown) : null;
  if (options.replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** Changes the current URL's query (replacing the entry: filters are not pages of their own). */
export function setQuery(changes: Record<string, string | number | undefined | null>): void {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

/** The state the current history entry was given by `navigate(to, { state })`, or undefined. */
export function routeState<T>(): T | undefined {
  return typeof window === 'undefined' ? undefined : ((window.history.state as T | null) ?? undefined);
}

/** The current route; re-renders on navigation. */
export function useRoute(): Match {
  const path = useSyncExternalStore(subscribe, snapshot, () => '/');
  const [pathname, search = ''] = path.split('?');
  return matchPath(pathname ?? '/', search);
}

/** An anchor that navigates in the app (a modified click opens a new tab as usual). */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}
