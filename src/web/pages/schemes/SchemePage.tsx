/**
 * One scheme: a built-in one (/schemes/:id) or a stored version (/schemes/versions/:vid): the
 * tree with points and rules, the reading notes (lint), its source text and derivation rules,
 * its other versions and what changed between two of them.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Space, Table, Tabs, Tag, Typography } from 'antd';
import { EditOutlined, FormOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { ErrorView, Loading, NoteList, PageHeader } from '../../components/common.tsx';
import { SchemeTree, schemeTotals } from '../../components/SchemeTree.tsx';
import { useApi } from '../../lib/hooks.ts';
import { useUser } from '../../lib/auth.tsx';
import { can } from '../../lib/roles.ts';
import { navigate, pathTo, setQuery, useRoute } from '../../lib/router.tsx';
import { useFormat } from '../../lib/format.ts';
import { schemeLang } from '../../i18n/index.ts';
import { schemeFromData, type BuiltinAnswer, type SchemesAnswer, type VersionAnswer } from './schemes-data.ts';
import type { SchemeVersionDiff } from '../../../contract/schemes.ts';

/** GET /api/scheme-versions/:a/diff/:b */
type DiffAnswer = SchemeVersionDiff;

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export default function SchemePage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const route = useRoute();
  const vid = route.name === 'schemeVersion' ? Number(route.params.vid) : undefined;
  const builtinId = route.name === 'scheme' ? route.params.id : undefined;
  const version = useApi<VersionAnswer>(vid ? `/scheme-versions/${vid}` : null, { lang });
  const builtin = useApi<BuiltinAnswer>(builtinId ? `/schemes/${builtinId}` : null, { lang });
  const list = useApi<SchemesAnswer>('/schemes');
  const body = vid ? version : builtin;
  const scheme = useMemo(() => (body.data ? schemeFromData(body.data.scheme) : undefined), [body.data]);
  const diffWith = route.query.get('diff') ? Number(route.query.get('diff')) : undefined;
  const [tab, setTab] = useState(diffWith ? 'versions' : 'tree');

  if (body.error) return <ErrorView error={body.error} onRetry={body.reload} />;
  if (!body.data || !scheme) return <Loading />;
  const totals = schemeTotals(scheme);
  const v = version.data;
  const siblings = (list.data?.versions ?? []).filter((x) => x.schemeId === scheme.id);
  const editFrom = vid ? `version:${vid}` : `builtin:${builtinId}`;

  const tabs = [
    { key: 'tree', label: t('schemes.tree'), children: <SchemeTree scheme={scheme} /> },
    {
      key: 'notes',
      label: t('schemes.notes'),
      children: <NoteList notes={body.data.notes} testId="scheme-lint-notes" />,
    },
    ...(v
      ? [
          {
            key: 'source',
            label: t('schemes.source'),
            children: (
              <>
                <Typography.Paragraph copyable={{ text: v.sourceText }} className="muted">
                  {t('schemes.sourceHelp')}
                </Typography.Paragraph>
                <pre className="mono" style={{ maxHeight: 520, overflow: 'auto', background: '#fafafa', padding: 12, fontSize: 12 }} data-testid="scheme-source">
                  {v.sourceText}
                </pre>
                {v.deriveText ? (
                  <>
                    <h4>{t('schemes.deriveRules')}</h4>
                    <pre className="mono" style={{ maxHeight: 360, overflow: 'auto', background: '#fafafa', padding: 12, fontSize: 12 }}>
                      {v.deriveText}
                    </pre>
                  </>
                ) : null}
              </>
            ),
          },
          {
            key: 'versions',
            label: t('schemes.versions'),
            children: <Versions current={v.id} siblings={siblings} diffWith={diffWith} />,
          },
        ]
      : []),
  ];

  return (
    <div data-testid="scheme-page">
      <PageHeader
        title={textOf(scheme.title, lang)}
        sub={
          <span>
            <span className="mono">{scheme.id}</span> v{scheme.version}
            {v ? ` · ${t('schemes.storedBy', { by: v.createdBy, at: fmt.dateTime(v.createdAt) })}` : ` · ${t('schemes.builtinTag')}`}
          </span>
        }
        extra={
          can.editScheme(user.role) ? (
            <>
              <Button icon={<EditOutlined />} onClick={() => navigate(pathTo('schemeEdit', {}, { from: editFrom }))} data-testid="scheme-edit-copy">
                {t('schemes.editCopy')}
              </Button>
              <Button icon={<FormOutlined />} onClick={() => navigate(pathTo('schemeForm', {}, { from: editFrom }))} data-testid="scheme-form-copy">
                {t('schemeForm.toForm')}
              </Button>
            </>
          ) : null
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
          <Descriptions.Item label={t('schemes.basePoints')}>{fmt.cents(totals.base)}</Descriptions.Item>
          <Descriptions.Item label={t('schemes.bonusCap')}>{fmt.cents(totals.bonus)}</Descriptions.Item>
          <Descriptions.Item label={t('schemes.maxTotal')}>{fmt.cents(totals.base + totals.bonus)}</Descriptions.Item>
          <Descriptions.Item label={t('schemes.notApplicable')}>{t(`schemes.na.${scheme.notApplicable}`)}</Descriptions.Item>
          {scheme.source ? <Descriptions.Item label={t('schemes.sourceDoc')}>{scheme.source}</Descriptions.Item> : null}
        </Descriptions>
        {scheme.note ? <Alert type="warning" showIcon title={textOf(scheme.note, lang)} style={{ marginTop: 8 }} /> : null}
        {scheme.grades.length ? (
          <div style={{ marginTop: 8 }}>
            {t('schemes.grades')}
            {fmt.colon}
            {scheme.grades.map((g) => (
              <Tag key={g.code}>
                {textOf(g.title, lang)} ≥ {fmt.cents(g.min)}
              </Tag>
            ))}
          </div>
        ) : null}
      </Card>
      <Card size="small">
        <Tabs activeKey={tab} onChange={setTab} items={tabs} />
      </Card>
    </div>
  );
}

function Versions({ current, siblings, diffWith }: { current: number; siblings: SchemesAnswer['versions']; diffWith: number | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const other = diffWith ?? siblings.filter((s) => s.id !== current).at(-1)?.id;
  const diff = useApi<DiffAnswer>(other ? `/scheme-versions/${other}/diff/${current}` : null);
  return (
    <div data-testid="scheme-versions">
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={siblings}
        columns={[
          { title: t('schemes.version'), dataIndex: 'version', render: (x: number, r: SchemesAnswer['versions'][number]) => (r.id === current ? <b>v{x}</b> : `v${x}`) },
          { title: t('schemes.title'), dataIndex: 'title' },
          { title: t('schemes.storedAt'), dataIndex: 'createdAt', render: (x: string) => fmt.dateTime(x) },
          {
            title: '',
            key: 'a',
            render: (_: unknown, r: SchemesAnswer['versions'][number]) =>
              r.id === current ? null : (
                <Space>
                  <Button size="small" onClick={() => setQuery({ diff: r.id })}>
                    {t('schemes.compareWith')}
                  </Button>
                  <Button size="small" onClick={() => navigate(pathTo('schemeVersion', { vid: r.id }))}>
                    {t('common.open')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {other ? (
        <Card
          size="small"
          style={{ marginTop: 12 }}
          title={diff.data ? t('schemes.diffTitle', { from: `v${diff.data.from.version}`, to: `v${diff.data.to.version}` }) : t('schemes.diff')}
          data-testid="scheme-diff-result"
        >
          {diff.error ? <ErrorView error={diff.error} compact /> : null}
          {diff.loading ? <Loading /> : null}
          {diff.data ? <DiffView d={diff.data} /> : null}
        </Card>
      ) : (
        <Empty style={{ marginTop: 12 }} description={t('schemes.onlyVersion')} />
      )}
    </div>
  );
}

function DiffView({ d }: { d: DiffAnswer }) {
  const { t } = useTranslation();
  const nothing = !d.scheme.length && !d.added.length && !d.removed.length && !d.changed.length;
  if (nothing) return <Empty description={t('schemes.noChanges')} />;
  const changeRows = [
    ...d.scheme.map((c, i) => ({ key: `s${i}`, code: t('schemes.schemeFields'), title: '', ...c })),
    ...d.changed.flatMap((n) => n.changes.map((c, i) => ({ key: `${n.code}-${i}`, code: n.code, title: n.title, ...c }))),
  ];
  return (
    <>
      {d.added.length ? (
        <div style={{ marginBottom: 8 }}>
          <b>{t('schemes.added')}</b>{' '}
          {d.added.map((n) => (
            <Tag color="green" key={n.code}>
              {n.code} {n.title} {n.points !== null ? `(${n.points})` : ''}
            </Tag>
          ))}
        </div>
      ) : null}
      {d.removed.length ? (
        <div style={{ marginBottom: 8 }}>
          <b>{t('schemes.removed')}</b>{' '}
          {d.removed.map((n) => (
            <Tag color="red" key={n.code}>
              {n.code} {n.title}
            </Tag>
          ))}
        </div>
      ) : null}
      {changeRows.length ? (
        <Table
          size="small"
          pagination={false}
          dataSource={changeRows}
          scroll={{ x: 520 }}
          columns={[
            { title: t('scheme.node'), key: 'code', render: (_: unknown, r: (typeof changeRows)[number]) => `${r.code} ${r.title}` },
            { title: t('schemes.field'), dataIndex: 'field' },
            { title: t('schemes.before'), key: 'before', render: (_: unknown, r: (typeof changeRows)[number]) => <span style={{ color: '#cf1322' }}>{show(r.before)}</span> },
            { title: t('schemes.after'), key: 'after', render: (_: unknown, r: (typeof changeRows)[number]) => <span style={{ color: '#389e0d' }}>{show(r.after)}</span> },
          ]}
        />
      ) : null}
    </>
  );
}
