/**
 * A list the server pages (`?limit=&after=`, docs/api.md "Paged lists"): the first page, then the
 * next ones on demand (加载更多), each starting after the last row shown (the answer's `next`).
 * The filters and the search are the server's, so a list of a province's 50,000 villages sends
 * 200 rows at a time rather than all of them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Query } from './api.ts';

/** Rows a page asks for. */
export const PAGE_SIZE = 200;
/** The most rows one request may ask for (the server's limit). */
const MOST = 1000;

/** What a paged answer has besides its rows. */
export interface PagedAnswer {
  next?: string | null;
  total?: number;
}

export interface PagedList<T, A> {
  /** The rows loaded so far, pages in order. */
  rows: T[];
  /** The last answer (its total and counts): while other filters load, the one of those before. */
  answer: A | undefined;
  /** Whether the server has more rows after those loaded. */
  hasMore: boolean;
  /** The first page (or a reload) is on its way. */
  loading: boolean;
  /** A further page is on its way. */
  loadingMore: boolean;
  error: ApiError | undefined;
  loadMore: () => void;
  /** Loads the list again from its start, as many rows as were loaded (up to 1,000), keeping them shown meanwhile. */
  reload: () => void;
}

interface State<T, A> {
  key: string | null;
  rows: T[];
  answer: A | undefined;
  next: string | null;
}

/**
 * GETs `path` page by page (null: nothing yet) with `query` (the filters and search); `rows`
 * picks a page's rows from its answer. A change of path or query starts again from the first
 * page; an answer to an older request never overwrites a newer one.
 */
export function usePagedList<T, A extends PagedAnswer>(path: string | null, query: Query, rows: (answer: A) => T[], pageSize = PAGE_SIZE): PagedList<T, A> {
  const key = path === null ? null : `${path}?${JSON.stringify(query)}`;
  const [state, setState] = useState<State<T, A>>({ key: null, rows: [], answer: undefined, next: null });
  const [loading, setLoading] = useState(path !== null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [tick, setTick] = useState(0);
  const latest = useRef({ path, query, rows, state, request: 0 });
  latest.current = { ...latest.current, path, query, rows, state };

  const fetchPage = useCallback((limit: number, after: string | null, append: boolean) => {
    const { path: p, query: q, rows: pick } = latest.current;
    if (p === null) return () => {};
    const request = ++latest.current.request;
    const controller = new AbortController();
    const forKey = `${p}?${JSON.stringify(q)}`;
    // A newer request supersedes any before it: the flags are its own.
    setLoading(!append);
    setLoadingMore(append);
    setError(undefined);
    api
      .get<A>(p, { ...q, limit, ...(after !== null ? { after } : {}) }, controller.signal)
      .then((answer) => {
        if (controller.signal.aborted || request !== latest.current.request) return;
        setState((s) => ({
          key: forKey,
          rows: append && s.key === forKey ? [...s.rows, ...pick(answer)] : pick(answer),
          answer,
          next: answer.next ?? null,
        }));
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted || request !== latest.current.request) return;
        // The list changed since the last page (a ranking after a publication): its `after` is
        // no longer in it, so the server refuses it; start again from the first page.
        if (append && after !== null && e instanceof ApiError && e.code === 'validation' && e.message.startsWith('query.after')) {
          fetchPage(limit, null, false);
          return;
        }
        setError(e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e)));
      })
      .finally(() => {
        if (request !== latest.current.request) return;
        setLoading(false);
        setLoadingMore(false);
      });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (key === null) {
      setLoading(false);
      return;
    }
    // A reload keeps the rows loaded so far (up to the most one request may ask for).
    const again = latest.current.state.key === key;
    const limit = again ? Math.min(MOST, Math.max(pageSize, latest.current.state.rows.length)) : pageSize;
    if (!again) setState((s) => ({ key: null, rows: [], answer: s.answer, next: null }));
    return fetchPage(limit, null, false);
  }, [key, tick, pageSize, fetchPage]);

  const loadMore = useCallback(() => {
    const { state: s, path: p, query: q } = latest.current;
    if (p !== null && s.key === `${p}?${JSON.stringify(q)}` && s.next !== null) fetchPage(pageSize, s.next, true);
  }, [fetchPage, pageSize]);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  const current = state.key === key;
  return {
    rows: current ? state.rows : [],
    answer: state.answer,
    hasMore: current && state.next !== null,
    loading,
    loadingMore,
    error,
    loadMore,
    reload,
  };
}
