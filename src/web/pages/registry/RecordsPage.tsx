/** Dated records by kind (visits, meetings, duty days, reports, surveys …), by village and period. */
import { useMemo, useState } from 'react';
import { Card, DatePicker, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import '../../lib/dayjs-locale.ts';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { usePagedList } from '../../lib/paged.ts';
import { LoadMoreOf } from '../../components/LoadMore.tsx';
import { useFormat } from '../../lib/format.ts';
import { setQuery, useRoute } from '../../lib/router.tsx';
import { schemeLang } from '../../i18n/index.ts';
import { textOf } from '../../../core/scheme/model.ts';
import type { Page } from '../../lib/types.ts';
import { VillageSelect } from './VillageSelect.tsx';
import { fieldLabel, fieldValue, useKinds } from './kinds.tsx';

export default function RecordsPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const route = useRoute();
  const kinds = useKinds();
  const recordKinds = (kinds.data?.kinds ?? []).filter((k) => k.records);
  const kind = route.query.get('kind') ?? recordKinds[0]?.kind;
  const village = route.query.get('village') ?? undefined;
  const [period, setPeriod] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const from = period?.[0]?.format('YYYY-MM-DD');
  const to = period?.[1]?.format('YYYY-MM-DD');
  // Newest first, a page at a time from the server (a province's twelve million home visits).
  const query = useMemo(() => ({ village, from, to }), [village, from, to]);
  const list = usePagedList<Record<string, unknown> & { id: number }, Page<Record<string, unknown> & { id: number }>>(kind ? `/records/${kind}` : null, query, (a) => a.items);
  const { error, loading, reload } = list;
  const spec = recordKinds.find((k) => k.kind === kind);
  const fields = (spec?.fields ?? []).filter((f) => !(village && f.key === 'village_code'));
  return (
    <div data-testid="records-page">
      <PageHeader title={t('nav.records')} sub={t('records.help')} />
      {kinds.error ? <ErrorView error={kinds.error} onRetry={kinds.reload} /> : null}
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            style={{ width: 200 }}
            value={kind}
            onChange={(k) => setQuery({ kind: k })}
            options={recordKinds.map((k) => ({ value: k.kind, label: textOf(k.title, lang) }))}
            loading={kinds.loading}
            data-testid="records-kind"
            aria-label={t('imports.kind')}
          />
          <VillageSelect value={village} onChange={(v) => setQuery({ village: v })} />
          <DatePicker.RangePicker allowEmpty={[true, true]} value={period} onChange={(v) => setPeriod(v as [Dayjs | null, Dayjs | null] | null)} />
        </Space>
        <Table
          rowKey="id"
          size="small"
          loading={loading || kinds.loading}
          dataSource={list.rows}
          scroll={{ x: Math.max(600, fields.length * 120) }}
          data-testid="records-table"
          columns={fields.map((f) => ({ title: fieldLabel(f, lang), key: f.key, render: (_: unknown, r: Record<string, unknown>) => fieldValue(f, r, lang, fmt, t) }))}
          pagination={false}
        />
        <LoadMoreOf list={list} testId="records-paging" />
      </Card>
    </div>
  );
}
