/** The audit log: every change that can move a score, newest first; and the hash chain's check. */
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import '../lib/dayjs-locale.ts';
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../components/common.tsx';
import { api, apiUrl, errorText } from '../lib/api.ts';
import { useApi } from '../lib/hooks.ts';
import { useFormat } from '../lib/format.ts';
import { schemeLang } from '../i18n/index.ts';
import type { AuditEntry, AuditVerification } from '../lib/types.ts';
import { usePlaces } from '../lib/places.ts';
import type { UsersAnswer } from '../../contract/index.ts';

const ENTITIES = ['assessment', 'finding', 'evidence', 'suggestion', 'appeal', 'campaign', 'inspection_team', 'scheme_version', 'ranking_snapshot', 'user', 'registry'];

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(value);
  return (
    <code style={{ fontSize: 12, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} title={JSON.stringify(value, null, 2)}>
      {text.length > 160 ? `${text.slice(0, 158)}…` : text}
    </code>
  );
}

/** A filter's searchable select, named by its placeholder. */
const searchFilter = (label: string) =>
  ({ allowClear: true, showSearch: true, optionFilterProp: 'label', 'aria-label': label, placeholder: label, style: { width: 180 } }) as const;

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const lang = schemeLang(i18n.language);
  const [entity, setEntity] = useState<string | undefined>();
  const [entityId, setEntityId] = useState('');
  const [actor, setActor] = useState<string | undefined>();
  const [village, setVillage] = useState<string | undefined>();
  const [days, setDays] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [limit, setLimit] = useState(200);
  // The search, the same for the list and the workbook.
  const search = {
    entity,
    entityId: entityId.trim() || undefined,
    actor,
    village,
    from: days?.[0]?.format('YYYY-MM-DD'),
    to: days?.[1]?.format('YYYY-MM-DD'),
    lang,
  };
  const { data, error, loading, reload } = useApi<{ entries: AuditEntry[] }>('/audit', { ...search, limit });
  const users = useApi<UsersAnswer>('/users');
  const places = usePlaces();
  const [verify, setVerify] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);

  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerify(await api.get<AuditVerification>('/audit/verify'));
    } catch (e) {
      setVerifyError(errorText(e));
    } finally {
      setVerifying(false);
    }
  };

  // The sentence first; the action, entity and the before/after values on demand (the row's expander).
  const columns: ColumnsType<AuditEntry> = [
    { title: '#', dataIndex: 'id', width: 64 },
    { title: t('audit.at'), dataIndex: 'at', width: 150, render: (v: string) => fmt.dateTime(v) },
    { title: t('audit.actor'), dataIndex: 'actor', width: 100 },
    { title: t('audit.sentence'), dataIndex: 'sentence', render: (v: string) => <span data-testid="audit-sentence">{v}</span> },
    { title: t('audit.action'), dataIndex: 'action', width: 140, className: 'hide-narrow', render: (v: string) => <Tag>{t(`audit.actions.${v}`, { defaultValue: v })}</Tag> },
  ];
  const details = (r: AuditEntry) => (
    <Descriptions size="small" column={1} bordered data-testid="audit-details">
      <Descriptions.Item label={t('audit.action')}>{r.action}</Descriptions.Item>
      <Descriptions.Item label={t('audit.entity')}>{`${t(`audit.entities.${r.entity}`, { defaultValue: r.entity })} ${r.entityId}`}</Descriptions.Item>
      <Descriptions.Item label={t('audit.before')}>
        <Json value={r.before} />
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.after')}>
        <Json value={r.after} />
      </Descriptions.Item>
    </Descriptions>
  );

  return (
    <div data-testid="audit-page">
      <PageHeader
        title={t('nav.audit')}
        sub={t('audit.help')}
        extra={
          <Space>
            <Button icon={<SafetyCertificateOutlined />} onClick={runVerify} loading={verifying} data-testid="audit-verify">
              {t('audit.verify')}
            </Button>
            <Button icon={<DownloadOutlined />} href={apiUrl('/audit/export.xlsx', search)} download data-testid="audit-export">
              {t('audit.export')}
            </Button>
          </Space>
        }
      />
      {verify ? (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          type={verify.ok ? 'success' : 'error'}
          data-testid="audit-verify-result"
          data-ok={verify.ok ? 'true' : 'false'}
          title={verify.ok ? t('audit.intact', { count: verify.entries }) : t('audit.broken', { id: verify.broken?.id ?? '—', position: verify.broken?.position ?? '—' })}
          description={verify.ok ? undefined : `${verify.broken?.reason ?? ''} ${t('audit.intactBefore', { count: verify.entries })}`}
        />
      ) : null}
      {verifyError ? <Alert type="error" showIcon title={verifyError} style={{ marginBottom: 12 }} /> : null}
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            {...searchFilter(t('audit.actor'))}
            value={actor}
            onChange={setActor}
            loading={users.loading}
            options={[
              { value: 'system', label: t('audit.system') },
              ...(users.data?.users ?? []).map((u) => ({ value: u.username, label: u.displayName ? `${u.displayName}（${u.username}）` : u.username })),
            ]}
            data-testid="audit-actor"
          />
          <Select {...searchFilter(t('common.village'))} value={village} onChange={setVillage} loading={places.loading} options={places.villages} data-testid="audit-village" />
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            value={days}
            onChange={(v) => setDays(v as [Dayjs | null, Dayjs | null] | null)}
            aria-label={t('audit.days')}
            data-testid="audit-days"
          />
          <Select
            allowClear
            aria-label={t('audit.entity')}
            placeholder={t('audit.entity')}
            style={{ width: 160 }}
            value={entity}
            onChange={setEntity}
            options={ENTITIES.map((e) => ({ value: e, label: t(`audit.entities.${e}`) }))}
          />
          <Input
            aria-label={t('audit.entityId')}
            placeholder={t('audit.entityId')}
            value={entityId}
            onChange={(e) => setEntityId(e.target.value)}
            style={{ width: 120 }}
            allowClear
          />
          <Space size={4}>
            <span>{t('audit.limit')}</span>
            <InputNumber min={1} max={1000} aria-label={t('audit.limit')} value={limit} onChange={(v) => setLimit(Number(v ?? 200))} style={{ width: 90 }} />
          </Space>
        </Space>
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.entries ?? []}
          pagination={{ pageSize: 50 }}
          expandable={{ expandedRowRender: details }}
          scroll={{ x: 900 }}
          data-testid="audit-table"
        />
      </Card>
    </div>
  );
}
