/**
 * Appeals of a campaign. The office sees every appeal (open first) and decides on the village's
 * assessment page; a village sees its own result's appeals and opens a new one there.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Segmented, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { AppealStatusTag, ErrorView, Loading, PageHeader } from '../components/common.tsx';
import { CampaignPicker, useCurrentCampaign } from '../components/CampaignPicker.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useUser } from '../lib/auth.tsx';
import { Link, pathTo } from '../lib/router.tsx';
import { useFormat } from '../lib/format.ts';
import { toAssessment, type AppealRow, type AssessmentDetail } from '../lib/types.ts';

interface AppealListed extends AppealRow {
  assessmentId: number;
  village: string;
  villageName: string;
  campaignId: number;
}

const listed = (a: AssessmentDetail): AppealListed[] => a.appeals.map((ap) => ({ ...ap, assessmentId: a.id, village: a.village.code, villageName: a.village.name, campaignId: a.campaignId }));

/**
 * Every appeal of a campaign. The API has no list of appeals: the audit log names the appealed
 * assessments (office only), and each of them is read once.
 */
async function loadAppeals(campaignId: number): Promise<AppealListed[]> {
  const audit = await api.get<{ entries: Array<{ action: string; after: { assessmentId?: number } | null }> }>('/audit', { entity: 'appeal', limit: 1000 });
  const ids = [...new Set(audit.entries.filter((e) => e.action === 'appeal.open' && e.after?.assessmentId).map((e) => e.after!.assessmentId!))];
  const out: AppealListed[] = [];
  for (const id of ids) {
    const a = toAssessment(await api.get<unknown>(`/assessments/${id}`));
    if (a.campaignId === campaignId) out.push(...listed(a));
  }
  return out;
}

export default function AppealsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const { campaigns, current, setCurrent, error: listError, loading: listLoading } = useCurrentCampaign();
  const [appeals, setAppeals] = useState<AppealListed[]>();
  const [error, setError] = useState<Error>();
  const [status, setStatus] = useState<string>('open');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!current) return;
    let live = true;
    setAppeals(undefined);
    setError(undefined);
    const load =
      user.role === 'village' && user.village
        ? api.get<unknown>(`/campaigns/${current.id}/villages/${user.village}/assessment`).then((b) => listed(toAssessment(b)))
        : loadAppeals(current.id);
    load
      .then((list) => live && setAppeals(list))
      .catch((e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))));
    return () => {
      live = false;
    };
  }, [current, user.role, user.village, tick]);

  const rows = (appeals ?? []).filter((a) => status === 'all' || (status === 'open' ? a.status === 'open' : a.status !== 'open'));
  const columns: ColumnsType<AppealListed> = [
    { title: '#', dataIndex: 'id', width: 56 },
    { title: t('common.village'), key: 'village', render: (_, r) => <Link to={pathTo('assessment', { id: r.assessmentId }, { tab: 'appeals' })}>{r.villageName}</Link> },
    { title: t('finding.item'), dataIndex: 'item', width: 70 },
    { title: t('appeals.reason'), dataIndex: 'reason', ellipsis: true },
    { title: t('common.date'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v), className: 'hide-narrow' },
    { title: t('common.status'), dataIndex: 'status', render: (s: string) => <AppealStatusTag status={s} /> },
    {
      title: '',
      key: 'open',
      render: (_, r) => (
        <Link to={pathTo('assessment', { id: r.assessmentId }, { tab: 'appeals' })} data-testid={`appeal-open-${r.id}`}>
          <Button size="small" type={r.status === 'open' && user.role === 'admin' ? 'primary' : 'default'}>
            {r.status === 'open' && user.role === 'admin' ? t('appeals.decide') : t('common.open')}
          </Button>
        </Link>
      ),
    },
  ];

  if (listError) return <ErrorView error={listError} />;
  if (listLoading) return <Loading />;
  return (
    <div data-testid="appeals-page">
      <PageHeader title={t('nav.appeals')} sub={user.role === 'village' ? t('appeals.villageHelp') : t('appeals.officeHelp')} extra={<CampaignPicker campaigns={campaigns} value={current?.id} onChange={setCurrent} />} />
      {error ? (
        error instanceof ApiError && error.status === 403 && user.role === 'village' ? (
          <Alert type="info" showIcon title={t('appeals.notPublishedYet')} />
        ) : (
          <ErrorView error={error} onRetry={() => setTick((x) => x + 1)} />
        )
      ) : null}
      {user.role === 'village' && user.village && current ? (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Link to={pathTo('villageAssessment', { id: current.id, code: user.village }, { tab: 'appeals' })}>
            <Button type="primary" data-testid="appeal-go">
              {t('appeals.goToResult')}
            </Button>
          </Link>
        </Card>
      ) : null}
      <Card size="small">
        <Segmented
          style={{ marginBottom: 12 }}
          value={status}
          onChange={(v) => setStatus(String(v))}
          options={[
            { value: 'open', label: t('appeals.filterOpen') },
            { value: 'decided', label: t('appeals.filterDecided') },
            { value: 'all', label: t('appeals.filterAll') },
          ]}
        />
        <Table<AppealListed>
          rowKey="id"
          size="small"
          loading={!appeals && !error}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 560 }}
          data-testid="appeals-table"
          locale={{ emptyText: <Empty description={t('appeals.none')} /> }}
        />
      </Card>
    </div>
  );
}
