/** Villages: the county → township → village tree, the villages with their attributes, one village's teams and helpers. */
import { useMemo, useState } from 'react';
import { Card, Descriptions, Drawer, Empty, Input, Table, Tag, Tree } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader, YesNo } from '../../components/common.tsx';
import { useApi, useIsNarrow } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { Link, pathTo } from '../../lib/router.tsx';
import { escapeCloses, useReturnFocus } from '../../lib/a11y.tsx';
import type { Area, VillageDetail } from '../../../contract/index.ts';
import { TeamMembers } from './WorkTeamsPage.tsx';

interface VillageRow extends Area {
  households?: number;
  townshipName: string;
  townshipCode: string;
}

function flattenVillages(areas: Area[]): VillageRow[] {
  const out: VillageRow[] = [];
  const go = (a: Area, township: Area | undefined) => {
    if (a.level === 'village') out.push({ ...a, townshipName: township?.name ?? '', townshipCode: township?.code ?? '' } as VillageRow);
    a.children?.forEach((c) => go(c, a.level === 'township' ? a : township));
  };
  areas.forEach((a) => go(a, undefined));
  return out;
}

export default function VillagesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const narrow = useIsNarrow(900);
  const { data, error, loading, reload } = useApi<{ areas: Area[] }>('/areas');
  const [selected, setSelected] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const villages = useMemo(() => flattenVillages(data?.areas ?? []), [data]);
  const treeData = useMemo(() => {
    const map = (a: Area): { key: string; title: string; children?: unknown[] } => ({
      key: a.code,
      title: a.level === 'village' ? a.name : `${a.name}${a.children ? ` (${flattenVillages([a]).length})` : ''}`,
      ...(a.children && a.level !== 'township' ? { children: a.children.map(map) } : {}),
    });
    return (data?.areas ?? []).map(map);
  }, [data]);
  const rows = villages.filter(
    (v) =>
      (!selected || v.code === selected || v.townshipCode === selected || v.code.startsWith(selected.replace(/0+$/, ''))) &&
      (!q.trim() || v.name.includes(q.trim()) || v.code.includes(q.trim())),
  );

  const columns: ColumnsType<VillageRow> = [
    {
      title: t('common.village'),
      key: 'name',
      render: (_, v) => (
        <a onClick={() => setOpen(v.code)} data-testid={`village-${v.code}`}>
          {v.name}
        </a>
      ),
      sorter: (a, b) => a.code.localeCompare(b.code),
    },
    { title: t('common.villageCode'), dataIndex: 'code', className: 'hide-narrow mono' },
    { title: t('common.township'), dataIndex: 'townshipName' },
    {
      title: t('village.povertyVillage'),
      dataIndex: 'povertyVillage',
      render: (v: boolean) => (v ? <Tag color="red">{t('village.povertyVillageTag')}</Tag> : <YesNo value={false} />),
      filters: [
        { text: t('common.yes'), value: true },
        { text: t('common.no'), value: false },
      ],
      onFilter: (value, r) => !!r.povertyVillage === value,
    },
    { title: t('village.plannedExitYear'), dataIndex: 'plannedExitYear', render: (v: number | null) => v ?? '—', className: 'hide-narrow' },
    { title: t('village.exitYear'), dataIndex: 'exitYear', render: (v: number | null) => v ?? '—' },
    { title: t('village.population'), dataIndex: 'population', align: 'right', render: (v: number | null) => fmt.int(v), className: 'hide-narrow' },
    {
      title: t('village.households'),
      dataIndex: 'households',
      align: 'right',
      render: (v: number | undefined) => fmt.int(v),
      sorter: (a, b) => (a.households ?? 0) - (b.households ?? 0),
    },
  ];

  return (
    <div data-testid="villages-page">
      <PageHeader title={t('nav.villages')} sub={t('village.help', { count: villages.length })} />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <div className="registry-grid">
        {!narrow ? (
          <Card size="small" title={t('village.tree')}>
            {treeData.length ? (
              <Tree
                treeData={treeData as never}
                defaultExpandAll
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => setSelected(keys[0] ? String(keys[0]) : undefined)}
                data-testid="area-tree"
              />
            ) : (
              <Empty />
            )}
          </Card>
        ) : null}
        <Card size="small">
          <Input.Search placeholder={t('village.search')} allowClear onChange={(e) => setQ(e.target.value)} style={{ maxWidth: 280, marginBottom: 12 }} />
          <Table<VillageRow>
            rowKey="code"
            size="small"
            loading={loading}
            columns={columns}
            dataSource={rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            scroll={{ x: 560 }}
            data-testid="villages-table"
          />
        </Card>
      </div>
      {open ? <VillageDrawer code={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function VillageDrawer({ code, onClose }: { code: string; onClose: () => void }) {
  useReturnFocus();
  const { t } = useTranslation();
  const fmt = useFormat();
  const narrow = useIsNarrow();
  const { data, error } = useApi<VillageDetail>(`/villages/${code}`);
  return (
    <Drawer open onClose={onClose} {...escapeCloses(onClose)} size={narrow ? '100%' : 640} title={data?.name ?? code} data-testid="village-drawer">
      {error ? <ErrorView error={error} compact /> : null}
      {data ? (
        <>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            <Descriptions.Item label={t('common.villageCode')}>{data.code}</Descriptions.Item>
            <Descriptions.Item label={t('common.township')}>{data.township?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('village.povertyVillage')}>
              <YesNo value={data.povertyVillage} />
            </Descriptions.Item>
            <Descriptions.Item label={t('village.population')}>{fmt.int(data.population)}</Descriptions.Item>
            <Descriptions.Item label={t('village.plannedExitYear')}>{data.plannedExitYear ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('village.exitYear')}>{data.exitYear ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('village.households')}>
              <Link to={pathTo('households', {}, { village: data.code })}>{fmt.int(data.households)}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('village.helpers')}>
              <Link to={pathTo('helpers', {}, { village: data.code })}>{t('village.helpersCount', { current: data.helpers.current, total: data.helpers.total })}</Link>
            </Descriptions.Item>
          </Descriptions>
          <h4 style={{ marginTop: 16 }}>{t('nav.workTeams')}</h4>
          {data.workTeams.length === 0 ? <Empty /> : null}
          {data.workTeams.map((team) => (
            <Card
              key={team.id}
              size="small"
              style={{ marginBottom: 8 }}
              title={team.sendingUnit}
              extra={
                <span className="muted">
                  {fmt.date(team.startDate)} – {team.endDate ? fmt.date(team.endDate) : t('workTeam.now')}
                </span>
              }
            >
              <TeamMembers members={team.members} />
            </Card>
          ))}
        </>
      ) : null}
    </Drawer>
  );
}
