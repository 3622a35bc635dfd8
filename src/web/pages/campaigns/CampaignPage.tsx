/**
 * One campaign: its period, frozen scheme and scope; progress per village (each opens the
 * village's assessment), paged by the server 200 at a time (加载更多, filters and search the
 * server's); inspection teams and their villages; ranking snapshots; rescoring with a
 * corrected scheme version (office).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, Modal, Popconfirm, Select, Space, Statistic, Table, Tabs, Tag, Row, Col } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, Loading, PageHeader, StatusTag } from '../../components/common.tsx';
import { ReportDownloads } from '../../components/ReportDownloads.tsx';
import { PreviewBanner, PreviewSwitch, usePreview } from '../../components/RankingPreview.tsx';
import { snapshotReason } from '../../../core/campaign/snapshot-reason.ts';
import { api, errorText } from '../../lib/api.ts';
import { useApi, useDebounced } from '../../lib/hooks.ts';
import { usePagedList } from '../../lib/paged.ts';
import { LoadMore, PagingSearch } from '../../components/LoadMore.tsx';
import { useUser } from '../../lib/auth.tsx';
import { can } from '../../lib/roles.ts';
import { Link, pathTo, useRoute } from '../../lib/router.tsx';
import { useFormat } from '../../lib/format.ts';
import { textOf } from '../../../core/scheme/model.ts';
import { schemeLang } from '../../i18n/index.ts';
import { STATUSES, type AssessmentRow, type AssessmentStatus, type CampaignDetail } from '../../lib/types.ts';
import { useReturnFocus } from '../../lib/a11y.tsx';
import type {
  AssessmentsAnswer,
  Assigned,
  AssignRequest,
  Published,
  RescorePreview,
  RescoreRequest,
  Rescored,
  Snapshot,
  SnapshotsAnswer,
  TeamRequest,
  TeamSet,
  UsersAnswer,
} from '../../../contract/index.ts';
import type { SchemesAnswer } from '../schemes/schemes-data.ts';

export default function CampaignPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const fmt = useFormat();
  const route = useRoute();
  const id = Number(route.params.id);
  // Without its rows: a province's campaign has 50,000 villages; the villages tab pages them.
  const { data, error, loading, reload } = useApi<CampaignDetail>(`/campaigns/${id}?villages=false`);
  const [tab, setTab] = useState(route.query.get('tab') ?? 'villages');
  // The office may ask for the ranking reports and the ranking as its provisional ones (内部预览).
  const [preview, setPreview] = usePreview(user.role);

  if (error) return <ErrorView error={error} onRetry={reload} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const p = data.progress;
  const tabs = [
    { key: 'villages', label: t('campaign.villagesTab'), children: <VillagesTab campaign={data} /> },
    ...(can.seeDrafts(user.role) ? [{ key: 'teams', label: t('campaign.teamsTab'), children: <TeamsTab campaign={data} onChanged={reload} /> }] : []),
    { key: 'snapshots', label: t('campaign.snapshotsTab'), children: <SnapshotsTab campaignId={id} /> },
    ...(can.manage(user.role) ? [{ key: 'rescore', label: t('campaign.rescoreTab'), children: <RescoreTab campaign={data} onApplied={reload} /> }] : []),
  ];

  return (
    <div data-testid="campaign-page">
      <PageHeader
        title={data.name}
        sub={
          <span>
            {fmt.date(data.period.from)} – {fmt.date(data.period.to)} ·{' '}
            <Link to={pathTo('schemeVersion', { vid: data.scheme.versionId })}>
              {data.scheme.title}
              {fmt.paren(`${data.scheme.id} v${data.scheme.version}`)}
            </Link>
            {data.schemePeriod ? (
              <span data-testid="campaign-scheme-period">
                {' · '}
                {t('campaign.schemePeriod', { title: textOf(data.schemePeriod.title, schemeLang(i18n.language)) })}
              </span>
            ) : null}
            <CampaignLinks testId="campaign-parts" label={t('campaign.combines')} campaigns={data.parts} />
            <CampaignLinks testId="campaign-combined-in" label={t('campaign.combinedIn')} campaigns={data.combinedIn} />
          </span>
        }
        extra={
          <>
            {can.previewRanking(user.role) ? <PreviewSwitch checked={preview} onChange={setPreview} /> : null}
            <Link to={pathTo('rankings', {}, { campaign: data.id, preview: preview ? '1' : undefined })}>
              <Button>{t('nav.rankings')}</Button>
            </Link>
            <ReportDownloads
              campaignId={data.id}
              preview={preview}
              reports={user.role === 'viewer' ? ['ranking.xlsx', 'summary.pdf', 'campaign.pdf'] : ['ranking.xlsx', 'deductions.xlsx', 'campaign.pdf', 'summary.pdf']}
            />
            {can.publish(user.role) ? <PublishAll campaign={data} onDone={reload} /> : null}
          </>
        }
      />
      {preview ? <PreviewBanner /> : null}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} sm={8} md={4}>
          <Card size="small">
            <Statistic title={t('campaign.scope')} value={fmt.int(data.scope.villages)} />
          </Card>
        </Col>
        {STATUSES.map((s) => (
          <Col xs={12} sm={8} md={4} key={s}>
            <Card size="small">
              <Statistic title={t(`status.${s}`)} value={fmt.int(p[s])} />
            </Card>
          </Col>
        ))}
        <Col xs={12} sm={8} md={4}>
          <Card size="small">
            <Statistic title={t('campaign.appealDays')} value={fmt.int(data.appealDays)} suffix={t('common.days')} />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Tabs activeKey={tab} onChange={setTab} items={tabs} />
      </Card>
    </div>
  );
}

function PublishAll({ campaign, onDone }: { campaign: CampaignDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const reviewed = campaign.progress.reviewed;
  return (
    <Popconfirm
      title={t('campaign.publishAllConfirm', { count: reviewed })}
      onConfirm={async () => {
        setBusy(true);
        try {
          const r = await api.post<Published>(`/campaigns/${campaign.id}/publish`);
          message.success(t('campaign.publishedAll', { count: r.published }));
          onDone();
        } catch (e) {
          message.error(errorText(e));
        } finally {
          setBusy(false);
        }
      }}
      disabled={reviewed === 0}
    >
      <Button type="primary" loading={busy} disabled={reviewed === 0} data-testid="publish-all">
        {t('campaign.publishAll', { count: reviewed })}
      </Button>
    </Popconfirm>
  );
}

function VillagesTab({ campaign }: { campaign: CampaignDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [status, setStatus] = useState<AssessmentStatus | undefined>();
  const [township, setTownship] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  // The server pages the villages (by code), filters them and searches them.
  const query = useMemo(() => ({ township, status, q: q || undefined }), [township, status, q]);
  const list = usePagedList<AssessmentRow, AssessmentsAnswer>(`/campaigns/${campaign.id}/assessments`, query, (a) => a.assessments);
  // The campaign read again (a team assigned, results published): its villages' rows too.
  const { reload } = list;
  const first = useRef(campaign);
  useEffect(() => {
    if (first.current !== campaign) reload();
  }, [campaign, reload]);
  // The townships of the villages the reader may list (counted by the server).
  const townships = useMemo(() => campaign.townships.flatMap((x) => (x.code ? [{ value: x.code, label: x.name ?? x.code }] : [])), [campaign.townships]);
  const counts = list.answer?.counts;
  const rows = list.rows;
  const columns: ColumnsType<AssessmentRow> = [
    {
      title: t('common.village'),
      key: 'village',
      render: (_, r) => (
        <Link to={pathTo('assessment', { id: r.id })} data-testid={`assessment-link-${r.village}`}>
          {r.villageName}
        </Link>
      ),
      sorter: (a, b) => a.village.localeCompare(b.village),
    },
    { title: t('common.township'), dataIndex: 'townshipName', className: 'hide-narrow' },
    { title: t('campaign.team'), dataIndex: 'team', render: (v: string | null) => v ?? <span className="muted">{t('campaign.unassigned')}</span>, className: 'hide-narrow' },
    {
      title: t('common.status'),
      dataIndex: 'status',
      render: (s: AssessmentRow['status']) => <StatusTag status={s} />,
      sorter: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status),
    },
    { title: t('score.total'), dataIndex: 'total', align: 'right', render: (v: number) => fmt.points(v), sorter: (a, b) => a.total - b.total },
    { title: t('common.updated'), dataIndex: 'updatedAt', render: (v: string) => fmt.dateTime(v), className: 'hide-narrow' },
  ];
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <PagingSearch value={search} onChange={setSearch} testId="campaign-villages-search" width={200} />
        <Select
          allowClear
          placeholder={t('common.township')}
          aria-label={t('common.township')}
          options={townships}
          value={township}
          onChange={setTownship}
          style={{ width: 160 }}
        />
        <Select
          allowClear
          placeholder={t('common.status')}
          aria-label={t('common.status')}
          options={STATUSES.map((s) => ({ value: s, label: counts ? `${t(`status.${s}`)} (${fmt.int(counts[s] ?? 0)})` : t(`status.${s}`) }))}
          value={status}
          onChange={setStatus}
          style={{ width: 140 }}
        />
      </Space>
      <Table<AssessmentRow>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={list.loading}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 480 }}
        data-testid="campaign-villages"
      />
      {list.error ? <ErrorView error={list.error} onRetry={reload} compact /> : null}
      <LoadMore shown={rows.length} total={list.answer?.total} hasMore={list.hasMore} loading={list.loadingMore} onMore={list.loadMore} testId="campaign-villages-paging" />
    </>
  );
}

function TeamsTab({ campaign, onChanged }: { campaign: CampaignDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const admin = can.manage(user.role);
  const [editing, setEditing] = useState<{ name: string; members: string[] } | null>(null);
  const [assigning, setAssigning] = useState<string | null>(null);
  return (
    <>
      {admin ? (
        <Space style={{ marginBottom: 12 }} wrap>
          <Button type="primary" onClick={() => setEditing({ name: '', members: [] })} data-testid="team-create">
            {t('campaign.newTeam')}
          </Button>
          {campaign.unassignedCount ? (
            <Tag color="warning" data-testid="campaign-unassigned">
              {t('campaign.unassignedCount', { count: campaign.unassignedCount })}
            </Tag>
          ) : null}
        </Space>
      ) : null}
      <Table
        rowKey="id"
        size="small"
        dataSource={campaign.teams}
        pagination={false}
        scroll={{ x: 480 }}
        data-testid="teams-table"
        locale={{ emptyText: <Empty description={t('campaign.noTeams')} /> }}
        columns={[
          { title: t('campaign.team'), dataIndex: 'name' },
          { title: t('campaign.members'), key: 'members', render: (_: unknown, r: CampaignDetail['teams'][number]) => (r.members ?? []).map((m) => <Tag key={m}>{m}</Tag>) },
          {
            title: t('campaign.assignedVillages'),
            key: 'villages',
            // By township (a province's team can have hundreds of villages): 某镇 12 个村, …
            render: (_: unknown, r: CampaignDetail['teams'][number]) => (
              <span data-testid={`team-villages-${r.id}`}>
                {r.townships.length
                  ? t('campaign.teamVillagesIn', {
                      count: r.villageCount,
                      list: fmt.join(r.townships.slice(0, 6).map((x) => `${x.name ?? '—'} ${fmt.int(x.villages)}`)),
                      more: r.townships.length > 6 ? t('campaign.moreTownships', { count: r.townships.length - 6 }) : '',
                    })
                  : t('overview.villagesCount', { count: r.villageCount })}
              </span>
            ),
          },
          ...(admin
            ? [
                {
                  title: '',
                  key: 'actions',
                  width: 170,
                  render: (_: unknown, r: CampaignDetail['teams'][number]) => (
                    <Space size={4}>
                      <Button size="small" onClick={() => setEditing({ name: r.name, members: r.members ?? [] })}>
                        {t('campaign.editMembers')}
                      </Button>
                      <Button size="small" onClick={() => setAssigning(r.name)} data-testid={`team-assign-${r.id}`}>
                        {t('campaign.assign')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing ? <TeamModal campaignId={campaign.id} initial={editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), onChanged())} /> : null}
      {assigning ? <AssignModal campaign={campaign} team={assigning} onClose={() => setAssigning(null)} onSaved={() => (setAssigning(null), onChanged())} /> : null}
    </>
  );
}

function TeamModal({ campaignId, initial, onClose, onSaved }: { campaignId: number; initial: { name: string; members: string[] }; onClose: () => void; onSaved: () => void }) {
  useReturnFocus();
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const users = useApi<UsersAnswer>('/users');
  const [form] = Form.useForm<{ name: string; members: string[] }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inspectors = (users.data?.users ?? [])
    .filter((u) => u.role === 'inspector')
    .map((u) => ({ value: u.username, label: u.displayName ? `${u.displayName}${fmt.paren(u.username)}` : u.username }));
  return (
    <Modal
      open
      title={initial.name ? t('campaign.editTeam', { name: initial.name }) : t('campaign.newTeam')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'team-save' }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          try {
            await api.post<TeamSet>(`/campaigns/${campaignId}/teams`, { name: v.name.trim(), members: v.members ?? [] } satisfies TeamRequest);
            message.success(t('common.saved'));
            onSaved();
          } catch (e) {
            setError(errorText(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="name" label={t('campaign.team')} rules={[{ required: true, message: t('common.required') }]}>
          <Input disabled={!!initial.name} data-testid="team-name" />
        </Form.Item>
        <Form.Item name="members" label={t('campaign.members')} extra={t('campaign.membersHelp')}>
          <Select mode="multiple" options={inspectors} loading={users.loading} data-testid="team-members" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Villages for a team: whole townships (every village of the campaign in them) and villages
 * found by the server's search (code or name), for a campaign of any size. The team's villages
 * stay its own; those chosen here join it, leaving any other team.
 */
function AssignModal({ campaign, team, onClose, onSaved }: { campaign: CampaignDetail; team: string; onClose: () => void; onSaved: () => void }) {
  useReturnFocus();
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const current = campaign.teams.find((x) => x.name === team);
  const [townships, setTownships] = useState<string[]>([]);
  const [villages, setVillages] = useState<string[]>([]);
  const [labels, setLabels] = useState<Map<string, string>>(new Map());
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = useApi<AssessmentsAnswer>(q ? `/campaigns/${campaign.id}/assessments?limit=50&q=${encodeURIComponent(q)}` : null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const label = (v: AssessmentRow) => `${v.villageName}${fmt.paren(`${v.townshipName ?? ''}${v.team && v.team !== team ? ` · ${v.team}` : ''}`)}`;
  const villageOptions = [
    // The chosen ones stay listed (with their labels) whatever the search shows.
    ...villages.filter((v) => !found.data?.assessments.some((r) => r.village === v)).map((v) => ({ value: v, label: labels.get(v) ?? v })),
    ...(found.data?.assessments ?? []).map((v) => ({ value: v.village, label: label(v) })),
  ];
  const townshipOptions = campaign.townships.flatMap((x) =>
    x.code ? [{ value: x.code, label: `${x.name ?? x.code}${fmt.paren(t('overview.villagesCount', { count: x.villages }))}` }] : [],
  );
  const chosen = townships.length + villages.length;
  return (
    <Modal
      open
      title={t('campaign.assignTo', { team })}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: chosen === 0, 'data-testid': 'assign-save' }}
      onOk={async () => {
        setBusy(true);
        setError(null);
        try {
          const r = await api.post<Assigned>(`/campaigns/${campaign.id}/assign`, { team, villages, townships } satisfies AssignRequest);
          message.success(t('campaign.assigned', { team, count: r.villages }));
          onSaved();
        } catch (e) {
          setError(errorText(e));
        } finally {
          setBusy(false);
        }
      }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <p className="muted">
        {t('campaign.assignHelp')}
        {current ? ` ${t('campaign.assignedVillages')}：${t('overview.villagesCount', { count: current.villageCount })}` : null}
      </p>
      <Form layout="vertical">
        <Form.Item label={t('campaign.assignTownships')}>
          <Select
            mode="multiple"
            value={townships}
            onChange={setTownships}
            options={townshipOptions}
            optionFilterProp="label"
            maxTagCount={12}
            data-testid="assign-townships"
            aria-label={t('campaign.assignTownships')}
          />
        </Form.Item>
        <Form.Item label={t('campaign.assignVillages')} extra={t('campaign.assignVillagesHelp')}>
          <Select
            mode="multiple"
            value={villages}
            onChange={(v: string[]) => {
              setVillages(v);
              setLabels((m) => {
                const next = new Map(m);
                for (const r of found.data?.assessments ?? []) if (v.includes(r.village)) next.set(r.village, label(r));
                return next;
              });
            }}
            options={villageOptions}
            showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
            loading={found.loading}
            notFoundContent={q ? found.loading ? <Loading /> : undefined : t('campaign.assignVillagesHelp')}
            maxTagCount={12}
            data-testid="assign-villages"
            aria-label={t('campaign.assignVillages')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SnapshotsTab({ campaignId }: { campaignId: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { data, error, loading, reload } = useApi<SnapshotsAnswer>(`/campaigns/${campaignId}/snapshots`);
  if (error) return <ErrorView error={error} onRetry={reload} compact />;
  return (
    <Table<Snapshot>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={[...(data?.snapshots ?? [])].reverse()}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="snapshots-table"
      locale={{ emptyText: <Empty description={t('campaign.noSnapshots')} /> }}
      expandable={{
        expandedRowRender: (s) => (
          <Table
            size="small"
            rowKey="village"
            pagination={false}
            dataSource={s.data.county.slice(0, 10)}
            columns={[
              { title: t('rankings.countyRank'), dataIndex: 'countyRank', width: 70 },
              { title: t('common.village'), dataIndex: 'name' },
              { title: t('common.township'), dataIndex: 'townshipName' },
              { title: t('score.total'), dataIndex: 'total', align: 'right' as const, render: (v: number) => fmt.points(v) },
            ]}
          />
        ),
      }}
      columns={[
        { title: '#', dataIndex: 'id', width: 60 },
        { title: t('common.date'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
        {
          title: t('campaign.snapshotReason'),
          key: 'reason',
          render: (_: unknown, s: Snapshot) => {
            const why = snapshotReason(s.reason);
            switch (why.kind) {
              case 'publishVillage':
                return t('campaign.snapshotWhy.publishVillage', { name: s.data.county.find((v) => v.village === why.village)?.name ?? why.village });
              case 'appeal':
                return t('campaign.snapshotWhy.appeal', { id: why.appeal });
              case 'rescore':
                return t('campaign.snapshotWhy.rescore', { version: why.version });
              case 'publish':
                return t('campaign.snapshotWhy.publish');
              default:
                return t('campaign.snapshotWhy.other', { text: why.text });
            }
          },
        },
        { title: t('common.by'), dataIndex: 'createdBy', className: 'hide-narrow' },
        { title: t('campaign.villages'), key: 'n', align: 'right' as const, render: (_: unknown, s: Snapshot) => fmt.int(s.data.county.length) },
      ]}
    />
  );
}

function RescoreTab({ campaign, onApplied }: { campaign: CampaignDetail; onApplied: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const schemes = useApi<SchemesAnswer>('/schemes');
  const [versionId, setVersionId] = useState<number | undefined>();
  const [preview, setPreview] = useState<RescorePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const options = (schemes.data?.versions ?? [])
    .filter((v) => v.schemeId === campaign.scheme.id && v.id !== campaign.scheme.versionId)
    .map((v) => ({ value: v.id, label: `${v.schemeId} v${v.version} · ${v.title}` }));
  const run = async (apply: boolean) => {
    if (!versionId) return;
    setBusy(true);
    setError(null);
    try {
      if (apply) {
        const r = await api.post<Rescored>(`/campaigns/${campaign.id}/rescore`, { schemeVersionId: versionId } satisfies RescoreRequest);
        message.success(t('campaign.rescored', { count: r.changed }));
        setPreview(null);
        onApplied();
      } else {
        setPreview(await api.post<RescorePreview>(`/campaigns/${campaign.id}/rescore/preview`, { schemeVersionId: versionId } satisfies RescoreRequest));
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const changed = preview?.rows.filter((r) => r.newTotal !== r.oldTotal || r.newRank !== r.oldRank) ?? [];
  return (
    <div data-testid="rescore">
      <Alert type="info" showIcon title={t('campaign.rescoreHelp', { scheme: `${campaign.scheme.id} v${campaign.scheme.version}` })} style={{ marginBottom: 12 }} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ minWidth: 260 }}
          data-testid="rescore-version"
          aria-label={t('campaign.rescoreVersion')}
          placeholder={t('campaign.rescoreVersion')}
          options={options}
          value={versionId}
          onChange={(v) => (setVersionId(v), setPreview(null))}
          notFoundContent={t('campaign.noOtherVersion')}
        />
        <Button onClick={() => run(false)} disabled={!versionId} loading={busy && !preview} data-testid="rescore-preview">
          {t('campaign.preview')}
        </Button>
        {preview ? (
          <Popconfirm
            title={t('campaign.rescoreConfirm', { count: preview.rows.filter((r) => r.newTotal !== r.oldTotal).length })}
            onConfirm={() => run(true)}
            disabled={preview.errors > 0}
          >
            <Button type="primary" danger disabled={preview.errors > 0} loading={busy} data-testid="rescore-apply">
              {t('campaign.apply')}
            </Button>
          </Popconfirm>
        ) : null}
      </Space>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      {preview ? (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
            <Descriptions.Item label={t('campaign.from')}>{preview.from}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.to')}>{preview.to}</Descriptions.Item>
            <Descriptions.Item label={t('campaign.changedVillages')}>{fmt.int(changed.length)}</Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="village"
            data-testid="rescore-table"
            dataSource={preview.rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            scroll={{ x: 520 }}
            columns={[
              { title: t('common.village'), dataIndex: 'name' },
              { title: t('campaign.oldTotal'), dataIndex: 'oldTotal', align: 'right' as const, render: (v: number) => fmt.points(v) },
              { title: t('campaign.oldRank'), dataIndex: 'oldRank', align: 'right' as const },
              {
                title: t('campaign.newTotal'),
                key: 'newTotal',
                align: 'right' as const,
                render: (_: unknown, r: RescorePreview['rows'][number]) =>
                  r.error ? <Tag color="error">{r.error}</Tag> : <b style={{ color: r.newTotal !== r.oldTotal ? '#b7282e' : undefined }}>{fmt.points(r.newTotal)}</b>,
              },
              { title: t('campaign.newRank'), dataIndex: 'newRank', align: 'right' as const },
            ]}
          />
        </>
      ) : null}
    </div>
  );
}

/** Campaigns named by link after a label (" · 综合：第一季度、第二季度"); nothing when there are none. */
function CampaignLinks({ testId, label, campaigns }: { testId: string; label: string; campaigns: ReadonlyArray<{ id: number; name: string }> }) {
  const { t } = useTranslation();
  if (campaigns.length === 0) return null;
  return (
    <span data-testid={testId}>
      {' · '}
      {label}
      {campaigns.map((p, i) => (
        <span key={p.id}>
          {i > 0 ? t('campaign.listSeparator') : ''}
          <Link to={pathTo('campaign', { id: p.id })}>{p.name}</Link>
        </span>
      ))}
    </span>
  );
}
