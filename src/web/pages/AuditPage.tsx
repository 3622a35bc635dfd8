/** The audit log: every change that can move a score, newest first; and the hash chain's check. */
import { useState } from 'react';
import { Alert, Button, Card, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../components/common.tsx';
import { api, errorText } from '../lib/api.ts';
import { useApi } from '../lib/hooks.ts';
import { useFormat } from '../lib/format.ts';
import type { AuditEntry, AuditVerification } from '../lib/types.ts';

const ENTITIES = ['assessment', 'finding', 'evidence', 'suggestion', 'appeal', 'campaign', 'inspection_team', 'scheme_version', 'ranking_snapshot'];

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(value);
  return (
    <code style={{ fontSize: 12, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} title={JSON.stringify(value, null, 2)}>
      {text.length > 160 ? `${text.slice(0, 158)}…` : text}
    </code>
  );
}

export default function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [entity, setEntity] = useState<string | undefined>();
  const [entityId, setEntityId] = useState('');
  const [limit, setLimit] = useState(200);
  const { data, error, loading, reload } = useApi<{ entries: AuditEntry[] }>('/audit', { entity, entityId: entityId.trim() || undefined, limit });
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

  const columns: ColumnsType<AuditEntry> = [
    { title: '#', dataIndex: 'id', width: 64 },
    { title: t('audit.at'), dataIndex: 'at', width: 150, render: (v: string) => fmt.dateTime(v) },
    { title: t('audit.actor'), dataIndex: 'actor', width: 100 },
    { title: t('audit.action'), dataIndex: 'action', width: 160, render: (v: string) => <Tag>{t(`audit.actions.${v}`, { defaultValue: v })}</Tag> },
    { title: t('audit.entity'), key: 'entity', width: 150, render: (_, r) => `${r.entity} ${r.entityId}` },
    { title: t('audit.before'), dataIndex: 'before', width: '28%', render: (v: unknown) => <Json value={v} />, className: 'hide-narrow' },
    { title: t('audit.after'), dataIndex: 'after', width: '28%', render: (v: unknown) => <Json value={v} /> },
  ];

  return (
    <div data-testid="audit-page">
      <PageHeader
        title={t('nav.audit')}
        sub={t('audit.help')}
        extra={
          <Button icon={<SafetyCertificateOutlined />} onClick={runVerify} loading={verifying} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
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
          <Select allowClear placeholder={t('audit.entity')} style={{ width: 180 }} value={entity} onChange={setEntity} options={ENTITIES.map((e) => ({ value: e, label: e }))} />
          <Input placeholder={t('audit.entityId')} value={entityId} onChange={(e) => setEntityId(e.target.value)} style={{ width: 120 }} allowClear />
          <Space size={4}>
            <span>{t('audit.limit')}</span>
            <InputNumber min={1} max={1000} value={limit} onChange={(v) => setLimit(Number(v ?? 200))} style={{ width: 90 }} />
          </Space>
        </Space>
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.entries ?? []}
          pagination={{ pageSize: 50 }}
          scroll={{ x: 900 }}
          data-testid="audit-table"
        />
      </Card>
    </div>
  );
}
