/** Exports: every record of a kind as .xlsx or .csv (ID numbers masked unless the office asks), and the empty templates. */
import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Segmented, Space, Table } from 'antd';
import { DownloadOutlined, FileExcelOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { apiUrl } from '../../lib/api.ts';
import { useSessionArea } from '../../lib/auth.tsx';
import { schemeLang } from '../../i18n/index.ts';
import { textOf } from '../../../core/scheme/model.ts';
import { useKinds, type KindInfo } from './kinds.tsx';

export default function ExportsPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const kinds = useKinds();
  // An office of an area exports its own villages' records, of the kinds it may import.
  const area = useSessionArea();
  const [format, setFormat] = useState<'xlsx' | 'csv'>('xlsx');
  const [showIds, setShowIds] = useState(false);
  return (
    <div data-testid="exports-page">
      <PageHeader title={t('nav.exports')} sub={t('exports.help')} />
      {kinds.error ? <ErrorView error={kinds.error} onRetry={kinds.reload} /> : null}
      {area ? <Alert type="info" showIcon title={t('exports.areaOnly', { area: area.name })} style={{ marginBottom: 12 }} data-testid="export-area-only" /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented
            value={format}
            onChange={(v) => setFormat(v as 'xlsx' | 'csv')}
            options={[
              { value: 'xlsx', label: 'Excel (.xlsx)' },
              { value: 'csv', label: 'CSV' },
            ]}
            data-testid="export-format"
          />
          <Checkbox checked={showIds} onChange={(e) => setShowIds(e.target.checked)}>
            {t('exports.showIds')}
          </Checkbox>
        </Space>
        <Table<KindInfo>
          rowKey="kind"
          size="small"
          loading={kinds.loading}
          pagination={false}
          dataSource={(kinds.data?.kinds ?? []).filter((k) => !area || k.areaImport)}
          data-testid="exports-table"
          columns={[
            { title: t('imports.kind'), key: 'title', render: (_, k) => textOf(k.title, lang) },
            { title: t('exports.columns'), key: 'n', render: (_, k) => k.fields.length, className: 'hide-narrow' },
            {
              title: '',
              key: 'a',
              render: (_, k) => (
                <Space wrap>
                  <a href={apiUrl(`/exports/${k.kind}`, { format, showIds: showIds ? 'true' : undefined })} download data-testid={`export-${k.kind}`}>
                    <Button size="small" type="primary" icon={<DownloadOutlined />}>
                      {t('exports.export')}
                    </Button>
                  </a>
                  <a href={apiUrl(`/templates/${k.kind}`)} download data-testid={`template-${k.kind}`}>
                    <Button size="small" icon={<FileExcelOutlined />}>
                      {t('imports.template')}
                    </Button>
                  </a>
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
