/**
 * A list page's data that opens offline too: the answer of one GET, kept on the phone each time
 * it is read, and shown from the phone (with the time it was read) when the network fails.
 */
import { useEffect, useState } from 'react';
import { useApi, type Loaded } from '../lib/hooks.ts';
import type { Query } from '../lib/api.ts';
import { getMeta, setMeta } from './store.ts';
import { setReachable } from './runner.ts';

export interface KeptLoaded<T> extends Loaded<T> {
  /** When the data shown was read from the server, if it comes from the phone. */
  keptAt: string | undefined;
}

export function useKeptApi<T>(path: string | null, query?: Query, map?: (body: unknown) => T): KeptLoaded<T> {
  const loaded = useApi<T>(path, query, map);
  const [kept, setKept] = useState<{ value: T; at: string; path: string } | undefined>();
  const key = path === null ? null : (`kept:${path}?${JSON.stringify(query ?? {})}` as const);
  useEffect(() => {
    if (!key) return;
    if (loaded.data !== undefined && !loaded.error) {
      setReachable(true);
      void setMeta(key, { value: loaded.data, at: new Date().toISOString() }).catch(() => undefined);
    } else if (loaded.error?.status === 0) {
      setReachable(false);
      void getMeta(key)
        .then((m) => m && setKept({ value: m.value as T, at: m.at, path: key }))
        .catch(() => undefined);
    }
  }, [key, loaded.data, loaded.error]);
  if (loaded.error?.status === 0 && kept && kept.path === key) return { ...loaded, data: kept.value, error: undefined, keptAt: kept.at };
  return { ...loaded, keptAt: undefined };
}
