/** Campaigns: the list with each one's progress; the office creates one (scheme version, period, scope). */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, DatePicker, Divider, Empty, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, TreeSelect } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import '../../lib/dayjs-locale.ts';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { useCampaigns } from '../../components/CampaignPicker.tsx';
import { api, errorText } from '../../lib/api.ts';
import { useApi, useIsNarrow } from '../../lib/hooks.ts';
import { useUser } from '../../lib/auth.tsx';
import { can } from '../../lib/roles.ts';
import { Link, navigate, pathTo } from '../../lib/router.tsx';
import { useFormat } from '../../lib/format.ts';
import { fetchSchemeVersion } from '../../lib/scoring.ts';
import { textOf, type Period } from '../../../core/scheme/model.ts';
import { schemeLang } from '../../i18n/index.ts';
import { STATUSES, type Area, type CampaignSummary } from '../../lib/types.ts';
import { useReturnFocus } from '../../lib/a11y.tsx';
import type { AreasAnswer, AssignRequest, Assigned, CampaignCreated, CreateCampaignRequest, TeamRequest, TeamSet, UsersAnswer } from '../../../contract/index.ts';
import { schemeVersionOptions, type SchemesAnswer } from '../schemes/schemes-data.ts';

const STATUS_COLOURS = { draft: 'default', submitted: 'processing', reviewed: 'warning', published: 'success' } as const;

export default function CampaignsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const fmt = useFormat();
  const { data, error, loading, reload } = useCampaigns();
  const [creating, setCreating] = useState(false);
  const narrow = useIsNarrow();

  const progressCell = (c: CampaignSummary): ReactNode => (
    <div style={{ minWidth: 160 }}>
      <Progress
        percent={c.progress.total ? Math.round((c.progress.published / c.progress.total) * 100) : 0}
        size="small"
        aria-label={`${t('status.published')} ${fmt.int(c.progress.published)}/${fmt.int(c.progress.total)}`}
      />
      <Space size={2} wrap>
        {STATUSES.filter((s) => c.progress[s] > 0).map((s) => (
          <Tag key={s} color={STATUS_COLOURS[s]} style={{ marginInlineEnd: 2 }}>
            {t(`status.${s}`)} {fmt.int(c.progress[s])}
          </Tag>
        ))}
      </Space>
    </div>
  );

  const columns = [
    {
      title: t('campaigns.name'),
      key: 'name',
      render: (_: unknown, c: CampaignSummary) => (
        <Link to={pathTo('campaign', { id: c.id })} data-testid={`campaign-link-${c.id}`}>
          {c.name}
        </Link>
      ),
    },
    { title: t('campaigns.year'), dataIndex: 'year', width: 80 },
    { title: t('campaigns.scheme'), dataIndex: 'scheme', className: 'hide-narrow' },
    { title: t('campaigns.villages'), key: 'villages', width: 90, align: 'right' as const, render: (_: unknown, c: CampaignSummary) => fmt.int(c.progress.total) },
    { title: t('campaigns.progress'), key: 'progress', render: (_: unknown, c: CampaignSummary) => progressCell(c) },
    ...(user.village
      ? [
          {
            title: '',
            key: 'mine',
            render: (_: unknown, c: CampaignSummary) => (
              <Link to={pathTo('villageAssessment', { id: c.id, code: user.village! })} data-testid={`my-result-${c.id}`}>
                <Button size="small" type="primary">
                  {t('campaigns.myResult')}
                </Button>
              </Link>
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="campaigns-page">
      <PageHeader
        title={t('nav.campaigns')}
        sub={user.role === 'inspector' ? t('campaigns.inspectorHint') : user.role === 'village' ? t('campaigns.villageHint') : undefined}
        extra={
          can.manage(user.role) ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="campaign-create">
              {t('campaigns.create')}
            </Button>
          ) : null
        }
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      {narrow ? (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="campaigns-table">
          {(data ?? []).map((c) => (
            <Card
              key={c.id}
              size="small"
              title={
                <Link to={pathTo('campaign', { id: c.id })} data-testid={`campaign-link-${c.id}`}>
                  {c.name}
                </Link>
              }
              extra={<span className="muted">{c.year}</span>}
            >
              {progressCell(c)}
              {user.village ? (
                <Link to={pathTo('villageAssessment', { id: c.id, code: user.village })} data-testid={`my-result-${c.id}`}>
                  <Button size="small" type="primary" style={{ marginTop: 8 }}>
                    {t('campaigns.myResult')}
                  </Button>
                </Link>
              ) : null}
              <div className="muted" style={{ marginTop: 4 }}>
                {c.scheme} · {t('campaigns.villages')} {fmt.int(c.progress.total)}
              </div>
            </Card>
          ))}
          {!loading && (data ?? []).length === 0 ? <Empty description={t('campaigns.none')} /> : null}
        </Space>
      ) : (
        <Card size="small">
          <Table<CampaignSummary>
            rowKey="id"
            loading={loading}
            columns={columns}
            dataSource={data ?? []}
            pagination={false}
            scroll={{ x: 560 }}
            data-testid="campaigns-table"
            locale={{ emptyText: <Empty description={t('campaigns.none')} /> }}
          />
        </Card>
      )}
      {creating ? (
        <CreateCampaign
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            reload();
            navigate(pathTo('campaign', { id }));
          }}
        />
      ) : null}
    </div>
  );
}

interface CreateValues {
  name: string;
  year: number;
  schemeVersionId: number;
  period?: [Dayjs, Dayjs];
  /** The scheme's period the campaign is for (a scheme with periods). */
  schemePeriod?: string;
  /** A final campaign: the campaigns it combines. */
  parts?: number[];
  appealDays?: number;
  villages?: string[];
  /** A first inspection team, assigned every village in scope (optional). */
  teamName?: string;
  teamMembers?: string[];
}

/** Areas as TreeSelect nodes: choosing a township chooses its villages. */
interface AreaTreeNode {
  title: string;
  value: string;
  key: string;
  children?: AreaTreeNode[];
}

export function areaTreeData(areas: Area[] | undefined): AreaTreeNode[] {
  const map = (a: Area): AreaTreeNode => ({
    title: a.name,
    value: a.code,
    key: a.code,
    ...(a.children?.length ? { children: a.children.map(map) } : {}),
  });
  return (areas ?? []).map(map);
}

/** The village codes under chosen areas (a chosen township means its villages). */
export function villagesUnder(areas: Area[] | undefined, chosen: string[]): string[] {
  const out = new Set<string>();
  const want = new Set(chosen);
  const go = (a: Area, inside: boolean) => {
    const here = inside || want.has(a.code);
    if (a.level === 'village' && here) out.add(a.code);
    a.children?.forEach((c) => go(c, here));
  };
  (areas ?? []).forEach((a) => go(a, false));
  return [...out];
}

function CreateCampaign({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  useReturnFocus();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const schemes = useApi<SchemesAnswer>('/schemes');
  const areas = useApi<AreasAnswer>('/areas');
  const users = useApi<UsersAnswer>('/users');
  const fmt = useFormat();
  const versions = useMemo(() => schemeVersionOptions(schemes.data, i18n.language), [schemes.data, i18n.language]);
  // A scheme with periods (平时考核, 年终考核): the campaign is for one of them, and a final one combines others.
  const versionId = Form.useWatch('schemeVersionId', form);
  const [periods, setPeriods] = useState<Period[]>([]);
  useEffect(() => {
    let live = true;
    if (!versionId) setPeriods([]);
    else
      fetchSchemeVersion(versionId)
        .then(({ scheme }) => live && setPeriods(scheme.periods ?? []))
        .catch(() => live && setPeriods([]));
    return () => {
      live = false;
    };
  }, [versionId]);
  const campaigns = useCampaigns();
  const lang = schemeLang(i18n.language);
  const schemeId = schemes.data?.versions.find((v) => v.id === versionId)?.schemeId;
  const periodTitle = (code: string | null) => {
    const p = periods.find((x) => x.code === code);
    return p ? textOf(p.title, lang) : (code ?? '');
  };
  const partOptions = (campaigns.data ?? [])
    .filter((c) => c.period !== null && schemeId !== undefined && c.scheme.startsWith(`${schemeId} v`))
    .map((c) => ({ value: c.id, label: `${c.name}${fmt.paren(periodTitle(c.period))}` }));

  const submit = async (v: CreateValues) => {
    setBusy(true);
    setError(null);
    try {
      const body: CreateCampaignRequest = { name: v.name.trim(), year: v.year, schemeVersionId: v.schemeVersionId };
      if (v.period) {
        body.from = v.period[0].format('YYYY-MM-DD');
        body.to = v.period[1].format('YYYY-MM-DD');
      }
      if (v.appealDays !== undefined && v.appealDays !== null) body.appealDays = v.appealDays;
      if (periods.length && v.schemePeriod) body.period = v.schemePeriod;
      if (periods.length && v.parts?.length) body.parts = v.parts;
      if (v.villages?.length) body.villages = villagesUnder(areas.data?.areas, v.villages);
      const r = await api.post<CampaignCreated>('/campaigns', body);
      message.success(t('campaigns.created'));
      const team = v.teamName?.trim();
      if (team && v.teamMembers?.length) {
        // The team is a second step: the campaign stands even if it fails (teams are set on its page too).
        try {
          await api.post<TeamSet>(`/campaigns/${r.id}/teams`, { name: team, members: v.teamMembers } satisfies TeamRequest);
          const assigned = await api.post<Assigned>(`/campaigns/${r.id}/assign`, { team, all: true } satisfies AssignRequest);
          message.success(t('campaigns.teamCreated', { team, count: assigned.villages }));
        } catch (e) {
          message.error(t('campaigns.teamFailed', { message: errorText(e) }));
        }
      }
      onCreated(r.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const inspectors = (users.data?.users ?? [])
    .filter((u) => u.role === 'inspector')
    .map((u) => ({ value: u.username, label: u.displayName ? `${u.displayName}${fmt.paren(u.username)}` : u.username }));
  const roots = (areas.data?.areas ?? []).map((a) => a.code);

  return (
    <Modal
      open
      title={t('campaigns.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'campaign-create-submit' }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ year: new Date().getFullYear(), appealDays: 10 }}>
        <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true, message: t('common.required') }]}>
          <Input placeholder={t('campaigns.namePlaceholder')} data-testid="campaign-name" />
        </Form.Item>
        <Form.Item name="year" label={t('campaigns.year')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={2000} max={2100} style={{ width: '100%' }} data-testid="campaign-year" />
        </Form.Item>
        <Form.Item name="schemeVersionId" label={t('campaigns.schemeVersion')} rules={[{ required: true, message: t('common.required') }]} extra={t('campaigns.schemeFrozen')}>
          <Select options={versions} loading={schemes.loading} data-testid="campaign-scheme" />
        </Form.Item>
        {periods.length ? (
          <>
            <Form.Item name="schemePeriod" label={t('campaigns.schemePeriod')} rules={[{ required: true, message: t('common.required') }]} extra={t('campaigns.schemePeriodHelp')}>
              <Select
                data-testid="campaign-scheme-period"
                options={periods.map((p) => ({ value: p.code, label: t('campaigns.periodOption', { title: textOf(p.title, lang), weight: fmt.points(p.weight / 100) }) }))}
              />
            </Form.Item>
            <Form.Item name="parts" label={t('campaigns.parts')} extra={t('campaigns.partsHelp')}>
              <Select mode="multiple" data-testid="campaign-parts" options={partOptions} loading={campaigns.loading} />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="period" label={t('campaigns.period')} extra={t('campaigns.periodHelp')}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="appealDays" label={t('campaigns.appealDays')}>
          <InputNumber min={0} max={365} style={{ width: '100%' }} data-testid="campaign-appeal-days" />
        </Form.Item>
        <Form.Item name="villages" label={t('campaigns.scope')} extra={t('campaigns.scopeHelp')}>
          <TreeSelect
            key={roots.join()}
            treeData={areaTreeData(areas.data?.areas)}
            treeCheckable
            showCheckedStrategy={TreeSelect.SHOW_PARENT}
            treeDefaultExpandedKeys={roots}
            placeholder={t('campaigns.allVillages')}
            allowClear
            maxTagCount={6}
            loading={areas.loading}
            data-testid="campaign-scope"
          />
        </Form.Item>
        <Divider plain titlePlacement="start">
          {t('campaigns.firstTeam')}
        </Divider>
        <Space.Compact block>
          <Form.Item name="teamName" label={t('campaign.team')} style={{ flex: 1, marginInlineEnd: 8 }}>
            <Input placeholder={t('campaigns.teamNamePlaceholder')} data-testid="campaign-team-name" />
          </Form.Item>
          <Form.Item
            name="teamMembers"
            label={t('campaign.members')}
            style={{ flex: 2 }}
            dependencies={['teamName']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, v?: string[]) =>
                  !String(getFieldValue('teamName') ?? '').trim() || v?.length ? Promise.resolve() : Promise.reject(new Error(t('campaigns.teamNeedsMembers'))),
              }),
            ]}
          >
            <Select mode="multiple" options={inspectors} loading={users.loading} optionFilterProp="label" data-testid="campaign-team-members" />
          </Form.Item>
        </Space.Compact>
        <div className="muted" style={{ fontSize: 12, marginTop: -8 }}>
          {t('campaigns.firstTeamHelp')}
        </div>
      </Form>
    </Modal>
  );
}
