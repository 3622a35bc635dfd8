/**
 * Review and publication: the campaign's submitted assessments to review (or send back with a
 * comment) and the reviewed ones to publish, one by one or all at once (office). The server
 * pages the list (200 rows at a time, 加载更多 for the next) by status and search, and counts
 * each status for the tabs.
 */
import { useMemo, useState } from 'react';
import { App, Button, Card, Empty, Input, Modal, Popconfirm, Segmented, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, Loading, PageHeader, StatusTag } from '../components/common.tsx';
import { CampaignPicker, useCurrentCampaign } from '../components/CampaignPicker.tsx';
import { api, ApiError, errorText } from '../lib/api.ts';
import { useDebounced } from '../lib/hooks.ts';
import { usePagedList } from '../lib/paged.ts';
import { LoadMore, PagingSearch } from '../components/LoadMore.tsx';
import { useUser } from '../lib/auth.tsx';
import { can } from '../lib/roles.ts';
import { Link, pathTo } from '../lib/router.tsx';
import { useFormat } from '../lib/format.ts';
import { NotInHiddenRow } from '../lib/a11y.tsx';
import type { AssessmentRow, AssessmentStatus } from '../lib/types.ts';
import type { AssessmentChanged, AssessmentsAnswer, TransitionRequest } from '../../contract/index.ts';

export default function ReviewPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const { message, modal } = App.useApp();
  const { campaigns, current, setCurrent, error: listError, loading: listLoading } = useCurrentCampaign();
  const [status, setStatus] = useState<AssessmentStatus>('submitted');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const query = useMemo(() => ({ status, q }), [status, q]);
  const list = usePagedList<AssessmentRow, AssessmentsAnswer>(current ? `/campaigns/${current.id}/assessments` : null, query, (a) => a.assessments);
  const { error, loading, reload } = list;
  const [busy, setBusy] = useState<number | null>(null);
  const [sendBack, setSendBack] = useState<AssessmentRow | null>(null);
  const [comment, setComment] = useState('');
  const [selected, setSelected] = useState<number[]>([]);

  const rows = list.rows.filter((r) => r.status === status);
  const counts = (s: AssessmentStatus) => list.answer?.counts?.[s] ?? 0;

  const step = async (r: AssessmentRow, s: 'review' | 'publish' | 'sendBack', text?: string) => {
    setBusy(r.id);
    try {
      await api.post<AssessmentChanged>(`/assessments/${r.id}/transition`, { version: r.version, step: s, ...(text ? { comment: text } : {}) } satisfies TransitionRequest);
      message.success(t(`assessment.done.${s}`));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) {
        modal.warning({ title: t('assessment.conflictTitle'), content: t('review.conflict', { village: r.villageName }) });
      } else message.error(errorText(e));
      return false;
    } finally {
      setBusy(null);
      reload();
    }
  };

  const bulk = async () => {
    // One at a time, each with the version it was listed with: a changed one is reported, not overwritten.
    const chosen = rows.filter((r) => selected.includes(r.id));
    let done = 0;
    for (const r of chosen) {
      try {
        await api.post<AssessmentChanged>(`/assessments/${r.id}/transition`, {
          version: r.version,
          step: status === 'submitted' ? 'review' : 'publish',
        } satisfies TransitionRequest);
        done++;
      } catch (e) {
        message.error(`${r.villageName}: ${errorText(e)}`);
      }
    }
    message.success(t('review.bulkDone', { count: done }));
    setSelected([]);
    reload();
  };

  const columns: ColumnsType<AssessmentRow> = [
    { title: t('common.village'), key: 'v', render: (_, r) => <Link to={pathTo('assessment', { id: r.id })}>{r.villageName}</Link> },
    { title: t('common.township'), dataIndex: 'townshipName', className: 'hide-narrow' },
    { title: t('campaign.team'), dataIndex: 'team', className: 'hide-narrow' },
    { title: t('common.status'), dataIndex: 'status', render: (s: AssessmentStatus) => <StatusTag status={s} /> },
    { title: t('score.total'), dataIndex: 'total', align: 'right', render: (v: number) => fmt.points(v), sorter: (a, b) => a.total - b.total },
    { title: t('common.updated'), dataIndex: 'updatedAt', render: (v: string) => fmt.dateTime(v), className: 'hide-narrow' },
    {
      title: '',
      key: 'actions',
      render: (_, r) => (
        <Space size={4} wrap>
          {r.status === 'submitted' && can.review(user.role) ? (
            <>
              <Popconfirm title={t('assessment.reviewConfirm')} onConfirm={() => step(r, 'review')}>
                <Button size="small" type="primary" loading={busy === r.id} data-testid={`review-${r.village}`}>
                  {t('assessment.review')}
                </Button>
              </Popconfirm>
              <Button size="small" danger onClick={() => (setSendBack(r), setComment(''))} data-testid={`sendback-${r.village}`}>
                {t('assessment.sendBack')}
              </Button>
            </>
          ) : null}
          {r.status === 'reviewed' && can.publish(user.role) ? (
            <Popconfirm title={t('assessment.publishConfirm')} onConfirm={() => step(r, 'publish')}>
              <Button size="small" type="primary" loading={busy === r.id} data-testid={`publish-${r.village}`}>
                {t('assessment.publish')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  if (listError) return <ErrorView error={listError} />;
  if (listLoading) return <Loading />;
  const bulkAllowed = (status === 'submitted' && can.review(user.role)) || (status === 'reviewed' && can.publish(user.role));
  return (
    <div data-testid="review-page">
      <PageHeader title={t('nav.review')} sub={t('review.help')} extra={<CampaignPicker campaigns={campaigns} value={current?.id} onChange={setCurrent} />} />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
          <Segmented
            value={status}
            onChange={(v) => (setStatus(v as AssessmentStatus), setSelected([]))}
            options={(['submitted', 'reviewed', 'published', 'draft'] as const).map((s) => ({ value: s, label: `${t(`status.${s}`)} (${counts(s)})` }))}
            data-testid="review-status"
          />
          <PagingSearch value={search} onChange={setSearch} testId="review-search" />
          {bulkAllowed ? (
            <Popconfirm title={t('review.bulkConfirm', { count: selected.length })} onConfirm={bulk} disabled={selected.length === 0}>
              <Button disabled={selected.length === 0} data-testid="review-bulk">
                {status === 'submitted' ? t('review.bulkReview', { count: selected.length }) : t('review.bulkPublish', { count: selected.length })}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
        <Table<AssessmentRow>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 560 }}
          data-testid="review-table"
          rowSelection={
            bulkAllowed ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]), columnTitle: (all) => <NotInHiddenRow>{all}</NotInHiddenRow> } : undefined
          }
          locale={{ emptyText: <Empty description={t('review.empty')} /> }}
        />
        <LoadMore shown={rows.length} total={list.answer?.total} hasMore={list.hasMore} loading={list.loadingMore} onMore={list.loadMore} testId="review-paging" />
      </Card>
      <Modal
        open={sendBack !== null}
        title={t('assessment.sendBack')}
        onCancel={() => setSendBack(null)}
        okButtonProps={{ danger: true, disabled: !comment.trim(), 'data-testid': 'sendback-confirm' }}
        onOk={async () => {
          if (sendBack && (await step(sendBack, 'sendBack', comment.trim()))) setSendBack(null);
        }}
      >
        <p>{t('assessment.sendBackHelp')}</p>
        <Input.TextArea rows={4} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="sendback-comment" />
      </Modal>
    </div>
  );
}
