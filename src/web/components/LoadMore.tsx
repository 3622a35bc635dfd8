/** Under a list the server pages: how many rows are shown of how many, and 加载更多 while more remain. */
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format.ts';

export function LoadMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
  testId,
}: {
  shown: number;
  total: number | undefined;
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
      <span className="muted">{t('paging.shown', { shown: fmt.int(shown), total: fmt.int(total) })}</span>
      {hasMore ? (
        <Button onClick={onMore} loading={loading} data-testid={`${testId}-more`}>
          {t('paging.loadMore')}
        </Button>
      ) : null}
    </Space>
  );
}
