/**
 * Under a list the server pages: how many rows are shown of how many, and 加载更多 while more
 * remain; above it, the search box (搜索村名或代码) whose text the server searches.
 */
import { Button, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format.ts';
import type { PagedList } from '../lib/paged.ts';

export function LoadMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
  testId,
  capped = false,
}: {
  shown: number;
  /** Of a list counted up to a cap (`capped`): at least this many. */
  total: number | undefined;
  capped?: boolean | undefined;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (total === undefined || (total === 0 && !hasMore)) return null;
  return (
    <Space style={{ marginTop: 12 }} wrap data-testid={testId}>
      <span className="muted">{t(capped ? 'paging.shownCapped' : 'paging.shown', { shown: fmt.int(shown), total: fmt.int(total) })}</span>
      {hasMore ? (
        <Button onClick={onMore} loading={loading} data-testid={`${testId}-more`}>
          {t('paging.loadMore')}
        </Button>
      ) : null}
    </Space>
  );
}

/** LoadMore under a list of usePagedList whose answer counts its rows (up to a cap: `totalCapped`). */
export function LoadMoreOf({ list, testId }: { list: PagedList<unknown, { total?: number; totalCapped?: boolean }>; testId: string }) {
  return (
    <LoadMore
      shown={list.rows.length}
      total={list.answer?.total}
      capped={list.answer?.totalCapped}
      hasMore={list.hasMore}
      loading={list.loadingMore}
      onMore={list.loadMore}
      testId={testId}
    />
  );
}

/** The search box of a list the server pages (搜索村名或代码): the page debounces the text and sends it as `q`. */
export function PagingSearch({ value, onChange, testId, width = 220 }: { value: string; onChange: (text: string) => void; testId: string; width?: number }) {
  const { t } = useTranslation();
  return (
    <Input.Search
      allowClear
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={t('paging.search')}
      aria-label={t('paging.search')}
      style={{ width }}
      data-testid={testId}
    />
  );
}
