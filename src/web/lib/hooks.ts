/** Data loading for pages: one GET with loading and error state, reloadable; and small helpers. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Query } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/**
 * GETs `path` (null: nothing yet) and maps the body with `map`; loads again when the path or
 * query changes, or on reload(). A stale answer never overwrites a newer one.
 */
export function useApi<T>(path: string | null, query?: Query, map?: (body: unknown) => T): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const mapRef = useRef(map);
  mapRef.current = map;
  const key = path === null ? null : `${path}?${JSON.stringify(query ?? {})}`;

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    api
      .get<unknown>(path, query, controller.signal)
      .then((body) => {
        if (controller.signal.aborted) return;
        setData(mapRef.current ? mapRef.current(body) : (body as T));
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e)));
        setLoading(false);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/** A value that follows `value` after `ms` without changes (typing in a search box). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** True on a phone-sized screen (re-renders when the window crosses the width). */
export function useIsNarrow(maxWidth = 768): boolean {
  const query = `(max-width: ${maxWidth}px)`;
  const [narrow, setNarrow] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setNarrow(m.matches);
    on();
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return narrow;
}

/** A value kept in localStorage under `key`. */
export function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        localStorage.setItem(key, JSON.stringify(v));
      } catch {
        // not kept
      }
    },
    [key],
  );
  return [value, set];
}

/**
 * Runs `work` once, when `ready` has turned true and the browser is next idle (within two seconds;
 * after one on a browser without requestIdleCallback): fetching what a page may need next without
 * competing with what it shows first.
 */
export function useWhenIdle(ready: boolean, work: () => void): void {
  const done = useRef(false);
  const latest = useRef(work);
  latest.current = work;
  useEffect(() => {
    if (!ready || done.current) return;
    const run = () => {
      done.current = true;
      latest.current();
    };
    if (typeof window.requestIdleCallback === 'function') {
      const id = window.requestIdleCallback(run, { timeout: 2000 });
      return () => window.cancelIdleCallback(id);
    }
    const t = setTimeout(run, 1000);
    return () => clearTimeout(t);
  }, [ready]);
}
