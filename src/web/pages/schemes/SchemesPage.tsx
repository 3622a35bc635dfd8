/** Schemes: the built-in ones and every stored version (campaigns freeze one); view, compare, edit a copy. */
import { useState } from 'react';
import { Button, Card, Empty, Select, Space, Table, Tag } from 'antd';
import { DiffOutlined, EditOutlined, FileExcelOutlined, FormOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { useApi } from '../../lib/hooks.ts';
import { useUser } from '../../lib/auth.tsx';
import { can } from '../../lib/roles.ts';
import { Link, navigate, pathTo } from '../../lib/router.tsx';
import { useFormat } from '../../lib/format.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { BuiltinScheme, SchemesAnswer, StoredVersion } from './schemes-data.ts';

export default function SchemesPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const { data, error, loading, reload } = useApi<SchemesAnswer>('/schemes');
  const [diffA, setDiffA] = useState<number>();
  const [diffB, setDiffB] = useState<number>();
  const versionOptions = (data?.versions ?? []).map((v) => ({ value: v.id, label: `${v.schemeId} v${v.version}` }));

  return (
    <div data-testid="schemes-page">
      <PageHeader
        title={t('nav.schemes')}
        sub={t('schemes.help')}
        extra={
          can.editScheme(user.role) ? (
            <Space wrap>
              <Button icon={<FileExcelOutlined />} onClick={() => navigate(pathTo('schemeImport'))} data-testid="scheme-import-link">
                {t('schemeImport.link')}
              </Button>
              <Button icon={<EditOutlined />} onClick={() => navigate(pathTo('schemeEdit'))} data-testid="scheme-new">
                {t('schemes.newScheme')}
              </Button>
              <Button type="primary" icon={<FormOutlined />} onClick={() => navigate(pathTo('schemeForm'))} data-testid="scheme-new-form">
                {t('schemeForm.newForm')}
              </Button>
            </Space>
          ) : null
        }
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small" title={t('schemes.builtin')} style={{ marginBottom: 12 }}>
        <Table<BuiltinScheme>
          rowKey="id"
          size="small"
          loading={loading}
          pagination={false}
          dataSource={data?.builtin ?? []}
          data-testid="schemes-builtin"
          columns={[
            { title: t('schemes.title'), key: 'title', render: (_, s) => <Link to={pathTo('scheme', { id: s.id })}>{textOf(s.title, lang)}</Link> },
            { title: t('schemes.id'), key: 'id', render: (_, s) => <span className="mono">{s.schemeId}</span> },
            { title: t('schemes.version'), dataIndex: 'version', width: 80 },
            {
              title: '',
              key: 'actions',
              width: 240,
              render: (_, s) =>
                can.editScheme(user.role) ? (
                  <Space size={4}>
                    <Button size="small" icon={<EditOutlined />} onClick={() => navigate(pathTo('schemeEdit', {}, { from: `builtin:${s.id}` }))}>
                      {t('schemes.editCopy')}
                    </Button>
                    <Button
                      size="small"
                      icon={<FormOutlined />}
                      onClick={() => navigate(pathTo('schemeForm', {}, { from: `builtin:${s.id}` }))}
                      data-testid={`scheme-form-s-${s.id}`}
                    >
                      {t('schemeForm.toForm')}
                    </Button>
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('schemes.stored')}
        extra={
          <Space wrap>
            <Select
              size="small"
              placeholder={t('schemes.diffFrom')}
              aria-label={t('schemes.diffFrom')}
              options={versionOptions}
              value={diffA}
              onChange={setDiffA}
              style={{ width: 140 }}
            />
            <Select
              size="small"
              placeholder={t('schemes.diffTo')}
              aria-label={t('schemes.diffTo')}
              options={versionOptions}
              value={diffB}
              onChange={setDiffB}
              style={{ width: 140 }}
            />
            <Button
              size="small"
              icon={<DiffOutlined />}
              disabled={!diffA || !diffB || diffA === diffB}
              onClick={() => navigate(pathTo('schemeVersion', { vid: diffB! }, { diff: diffA }))}
              data-testid="scheme-diff"
            >
              {t('schemes.compare')}
            </Button>
          </Space>
        }
      >
        <Table<StoredVersion>
          rowKey="id"
          size="small"
          loading={loading}
          pagination={false}
          dataSource={data?.versions ?? []}
          data-testid="schemes-versions"
          scroll={{ x: 520 }}
          locale={{ emptyText: <Empty description={t('schemes.noVersions')} /> }}
          columns={[
            { title: t('schemes.title'), key: 'title', render: (_, v) => <Link to={pathTo('schemeVersion', { vid: v.id })}>{v.title}</Link> },
            { title: t('schemes.id'), key: 'id', render: (_, v) => <span className="mono">{v.schemeId}</span> },
            { title: t('schemes.version'), dataIndex: 'version', width: 80, render: (v: number) => <Tag>v{v}</Tag> },
            { title: t('schemes.storedAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v), className: 'hide-narrow' },
            {
              title: '',
              key: 'actions',
              width: 240,
              render: (_, v) =>
                can.editScheme(user.role) ? (
                  <Space size={4}>
                    <Button size="small" icon={<EditOutlined />} onClick={() => navigate(pathTo('schemeEdit', {}, { from: `version:${v.id}` }))}>
                      {t('schemes.editCopy')}
                    </Button>
                    <Button
                      size="small"
                      icon={<FormOutlined />}
                      onClick={() => navigate(pathTo('schemeForm', {}, { from: `version:${v.id}` }))}
                      data-testid={`scheme-form-v-${v.id}`}
                    >
                      {t('schemeForm.toForm')}
                    </Button>
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
    </div>
  );
}
