/** Helpers (帮扶责任人) of the villages' households, with how many households each helps now. */
import { useMemo } from 'react';
import { Card, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { usePagedList } from '../../lib/paged.ts';
import { LoadMoreOf } from '../../components/LoadMore.tsx';
import { useFormat } from '../../lib/format.ts';
import { setQuery, useRoute } from '../../lib/router.tsx';
import type { Helper, Page } from '../../../contract/index.ts';
import { VillageSelect } from './VillageSelect.tsx';

export default function HelpersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const route = useRoute();
  const village = route.query.get('village') ?? undefined;
  // By name, a page at a time from the server (a province has over a million helpers).
  const query = useMemo(() => ({ village }), [village]);
  const list = usePagedList<Helper, Page<Helper>>('/helpers', query, (a) => a.items);
  const { error, loading, reload } = list;
  const columns: ColumnsType<Helper> = [
    { title: t('person.name'), dataIndex: 'name' },
    { title: t('person.idNumber'), dataIndex: 'idNumber', className: 'mono' },
    { title: t('helper.unit'), dataIndex: 'unit' },
    { title: t('helper.position'), dataIndex: 'position', className: 'hide-narrow' },
    { title: t('person.phone'), dataIndex: 'phone', className: 'hide-narrow' },
    { title: t('helper.current'), dataIndex: 'currentHouseholds', align: 'right', render: (v: number) => fmt.int(v) },
    { title: t('helper.total'), dataIndex: 'households', align: 'right', render: (v: number) => fmt.int(v), className: 'hide-narrow' },
  ];
  return (
    <div data-testid="helpers-page">
      <PageHeader title={t('nav.helpers')} />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <VillageSelect value={village} onChange={(v) => setQuery({ village: v })} />
        </Space>
        <Table<Helper> rowKey="id" size="small" loading={loading} columns={columns} dataSource={list.rows} scroll={{ x: 560 }} data-testid="helpers-table" pagination={false} />
        <LoadMoreOf list={list} testId="helpers-paging" />
      </Card>
    </div>
  );
}
