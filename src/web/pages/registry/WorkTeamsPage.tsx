/** Work teams sent to the villages (驻村工作队), with their members (ID numbers masked). */
import { useMemo } from 'react';
import { Card, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { usePagedList } from '../../lib/paged.ts';
import { LoadMoreOf } from '../../components/LoadMore.tsx';
import { useFormat } from '../../lib/format.ts';
import { setQuery, useRoute } from '../../lib/router.tsx';
import type { Page, TeamMember, WorkTeam } from '../../../contract/index.ts';

export type { TeamMember, WorkTeam };
import { VillageSelect } from './VillageSelect.tsx';

export function TeamMembers({ members }: { members: TeamMember[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Table<TeamMember>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={members}
      scroll={{ x: 480 }}
      columns={[
        { title: t('person.name'), dataIndex: 'name', render: (v: string, m) => (m.current ? v : <span className="muted">{v}</span>) },
        { title: t('workTeam.role'), dataIndex: 'role', render: (r: TeamMember['role']) => <Tag color={r === 'member' ? 'default' : 'red'}>{t(`workTeam.roles.${r}`)}</Tag> },
        { title: t('person.idNumber'), dataIndex: 'idNumber', className: 'mono' },
        { title: t('person.phone'), dataIndex: 'phone', className: 'hide-narrow' },
        { title: t('workTeam.period'), key: 'p', render: (_, m) => `${fmt.date(m.startDate)} – ${m.endDate ? fmt.date(m.endDate) : t('workTeam.now')}`, className: 'hide-narrow' },
      ]}
    />
  );
}

export default function WorkTeamsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const route = useRoute();
  const village = route.query.get('village') ?? undefined;
  // By village, a page at a time from the server (a province has one or two teams a village, 50,000 villages).
  const query = useMemo(() => ({ village }), [village]);
  const list = usePagedList<WorkTeam, Page<WorkTeam>>('/work-teams', query, (a) => a.items);
  const { error, loading, reload } = list;
  const columns: ColumnsType<WorkTeam> = [
    { title: t('common.village'), dataIndex: 'villageName' },
    { title: t('workTeam.sendingUnit'), dataIndex: 'sendingUnit' },
    { title: t('workTeam.period'), key: 'p', render: (_, x) => `${fmt.date(x.startDate)} – ${x.endDate ? fmt.date(x.endDate) : t('workTeam.now')}` },
    { title: t('workTeam.leader'), key: 'l', render: (_, x) => fmt.join(x.members.filter((m) => m.role !== 'member' && m.current).map((m) => m.name)) || '—' },
    { title: t('workTeam.members'), key: 'n', align: 'right', render: (_, x) => fmt.int(x.members.filter((m) => m.current).length) },
  ];
  return (
    <div data-testid="work-teams-page">
      <PageHeader title={t('nav.workTeams')} />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <VillageSelect value={village} onChange={(v) => setQuery({ village: v })} />
        </Space>
        <Table<WorkTeam>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={list.rows}
          expandable={{ expandedRowRender: (x) => <TeamMembers members={x.members} /> }}
          pagination={false}
          scroll={{ x: 560 }}
          data-testid="work-teams-table"
        />
        <LoadMoreOf list={list} testId="work-teams-paging" />
      </Card>
    </div>
  );
}
