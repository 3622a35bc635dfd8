/**
 * Registered households: search by the head's name, the household number or an ID number,
 * by village and status; ID numbers masked. A household opens with its members, helpers and
 * recent home visits.
 */
import { useMemo, useState } from 'react';
import { Card, Descriptions, Drawer, Empty, Input, Select, Space, Table, Tag } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { useApi, useDebounced, useIsNarrow } from '../../lib/hooks.ts';
import { usePagedList } from '../../lib/paged.ts';
import { LoadMoreOf } from '../../components/LoadMore.tsx';
import { useFormat } from '../../lib/format.ts';
import { setQuery, useRoute } from '../../lib/router.tsx';
import { escapeCloses, useReturnFocus } from '../../lib/a11y.tsx';
import { schemeLang } from '../../i18n/index.ts';
import type { HouseholdDetail, HouseholdRow, Page } from '../../../contract/index.ts';
import { VillageSelect } from './VillageSelect.tsx';
import { codeLabel, fieldLabel, fieldValue, useKinds, type KindInfo } from './kinds.tsx';

type Row = HouseholdRow;

const STATUSES = ['not-exited', 'exited', 'relapsed'];

export default function HouseholdsPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const route = useRoute();
  const village = route.query.get('village') ?? undefined;
  const [text, setText] = useState(route.query.get('q') ?? '');
  const q = useDebounced(text.trim(), 350);
  const [status, setStatus] = useState<string | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  // A page at a time from the server (a province's ten million households), 加载更多 for the next.
  const query = useMemo(() => ({ village, q: q || undefined, status }), [village, q, status]);
  const list = usePagedList<Row, Page<Row>>('/households', query, (a) => a.items);
  const { error, loading, reload } = list;

  const columns: ColumnsType<Row> = [
    {
      title: t('household.headName'),
      key: 'head',
      width: 88,
      className: 'nowrap',
      render: (_, r) => (
        <a onClick={() => setOpen(r.householdNo)} data-testid={`household-${r.householdNo}`}>
          {r.headName}
        </a>
      ),
    },
    { title: t('household.no'), dataIndex: 'householdNo', className: 'mono hide-narrow' },
    { title: t('person.idNumber'), dataIndex: 'headIdNumber', className: 'mono nowrap', render: (v: string) => <span data-testid="masked-id">{v}</span> },
    { title: t('common.village'), dataIndex: 'villageName', className: 'nowrap' },
    { title: t('household.size'), dataIndex: 'size', align: 'right', width: 70 },
    { title: t('household.attribute'), key: 'attr', render: (_, r) => codeLabel(r, 'attribute', lang), className: 'hide-narrow' },
    { title: t('household.mainCause'), key: 'cause', render: (_, r) => codeLabel(r, 'mainCause', lang), className: 'hide-narrow' },
    {
      title: t('common.status'),
      key: 'status',
      render: (_, r) => (
        <Tag color={r.status === 'exited' ? 'success' : r.status === 'relapsed' ? 'error' : 'warning'}>
          {t(`household.statuses.${r.status}`, { defaultValue: codeLabel(r, 'status', lang) })}
        </Tag>
      ),
    },
  ];

  return (
    <div data-testid="households-page">
      <PageHeader title={t('nav.households')} sub={t('household.help')} />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input
            prefix={<SearchOutlined />}
            placeholder={t('household.search')}
            allowClear
            value={text}
            onChange={(e) => setText(e.target.value)}
            style={{ width: 260 }}
            data-testid="household-search"
          />
          <VillageSelect value={village} onChange={(v) => setQuery({ village: v })} />
          <Select
            allowClear
            placeholder={t('common.status')}
            aria-label={t('common.status')}
            value={status}
            onChange={(v) => setStatus(v)}
            options={STATUSES.map((s) => ({ value: s, label: t(`household.statuses.${s}`) }))}
            style={{ width: 130 }}
          />
        </Space>
        <Table<Row> rowKey="id" size="small" loading={loading} columns={columns} dataSource={list.rows} scroll={{ x: 640 }} data-testid="households-table" pagination={false} />
        <LoadMoreOf list={list} testId="households-paging" />
      </Card>
      {open ? <HouseholdDrawer no={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function HouseholdDrawer({ no, onClose }: { no: string; onClose: () => void }) {
  useReturnFocus();
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const narrow = useIsNarrow();
  const { data, error } = useApi<HouseholdDetail>(`/households/${encodeURIComponent(no)}`);
  const kinds = useKinds();
  const kind = (k: string): KindInfo | undefined => kinds.data?.kinds.find((x) => x.kind === k);
  const hh = kind('households');
  const mem = kind('members');
  const memberFields = (mem?.fields ?? []).filter((f) => f.key !== 'household_no');
  return (
    <Drawer
      open
      onClose={onClose}
      {...escapeCloses(onClose)}
      size={narrow ? '100%' : 760}
      title={data ? `${data.headName} · ${data.householdNo}` : no}
      data-testid="household-drawer"
    >
      {error ? <ErrorView error={error} compact /> : null}
      {data && hh ? (
        <>
          <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }}>
            <Descriptions.Item label={t('common.village')}>{data.villageName}</Descriptions.Item>
            {hh.fields
              .filter((f) => f.key !== 'village_code')
              .map((f) => (
                <Descriptions.Item key={f.key} label={fieldLabel(f, lang)}>
                  {fieldValue(f, data, lang, fmt, t)}
                </Descriptions.Item>
              ))}
          </Descriptions>
          <h4 style={{ marginTop: 16 }}>{t('household.members', { count: data.members.length })}</h4>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={data.members}
            scroll={{ x: 900 }}
            data-testid="household-members"
            columns={memberFields.map((f) => ({ title: fieldLabel(f, lang), key: f.key, render: (_: unknown, m: Record<string, unknown>) => fieldValue(f, m, lang, fmt, t) }))}
          />
          <h4 style={{ marginTop: 16 }}>{t('nav.helpers')}</h4>
          {data.helpers.length === 0 ? <Empty /> : null}
          {data.helpers.map((h) => (
            <div key={h.id} style={{ marginBottom: 4 }}>
              {h.current ? <Tag color="green">{t('household.currentHelper')}</Tag> : <Tag>{t('household.formerHelper')}</Tag>} <b>{h.name}</b> {h.unit} {h.position} · {h.phone} ·{' '}
              {fmt.date(h.startDate)} – {h.endDate ? fmt.date(h.endDate) : t('workTeam.now')}
            </div>
          ))}
          <h4 style={{ marginTop: 16 }}>{t('household.visits', { count: data.visits.total })}</h4>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={data.visits.recent}
            columns={[
              { title: t('common.date'), dataIndex: 'date', render: (v: string) => fmt.date(v) },
              {
                title: t('household.visitor'),
                key: 'v',
                render: (_: unknown, v: HouseholdDetail['visits']['recent'][number]) =>
                  `${v.visitorName}${fmt.paren(t(`household.visitorRoles.${v.visitorRole}`, { defaultValue: v.visitorRole }))}`,
              },
              { title: t('household.visitContent'), dataIndex: 'content' },
            ]}
          />
        </>
      ) : null}
    </Drawer>
  );
}
