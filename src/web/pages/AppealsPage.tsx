/**
 * Appeals of a campaign (GET /campaigns/:id/appeals). The office sees every appeal, filters by
 * status and township, opens one — the village's reasons and evidence, the item's findings, the
 * count as it stands — and decides it there (upheld, adjusted with a new count, or rejected,
 * with a reason; the total it gives is shown before it is sent). Reviewers and inspectors see
 * those of their villages, and are told, where the office has the form, that the office decides;
 * a village sees its own with the decisions, and appeals from its result's page. Which of these
 * a reader is, and so what the page says, is their part (appealPart, from the `can` mirrors of
 * the server's policies). The server filters (status, township, a search) and pages the list:
 * 200 appeals at a time, 加载更多 for the next.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Empty, Segmented, Select, Space, Table, Tag } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { AppealStatusTag, ErrorView, Loading, PageHeader } from '../components/common.tsx';
import { CampaignPicker, useCurrentCampaign } from '../components/CampaignPicker.tsx';
import { schemeLang } from '../i18n/index.ts';
import { api, ApiError } from '../lib/api.ts';
import { useRoleName, useUser } from '../lib/auth.tsx';
import { useApi, useDebounced, useIsNarrow } from '../lib/hooks.ts';
import { usePagedList } from '../lib/paged.ts';
import { LoadMore, PagingSearch } from '../components/LoadMore.tsx';
import { appealPart, type AppealPart } from '../lib/roles.ts';
import { Link, pathTo, setQuery, useRoute } from '../lib/router.tsx';
import { useFormat } from '../lib/format.ts';
import { engineFindings, nodeIndex } from '../lib/scoring.ts';
import type { AppealListed, AppealsAnswer, CampaignDetail } from '../lib/types.ts';
import { escapeCloses, useReturnFocus } from '../lib/a11y.tsx';
import type { AppealDecided } from '../../contract/index.ts';
import { decisionBody, decisionReady, DecisionFields, NEW_DECISION, outcomeTitle, useConfirmDecision, useDecisionEffect, type Decision } from './assessment/AppealDecision.tsx';
import { EvidenceList, useChanges } from './assessment/parts.tsx';
import { useAssessment } from './assessment/useAssessment.ts';

type StatusFilter = 'open' | 'decided' | 'all';
const STATUS_FILTERS: StatusFilter[] = ['open', 'decided', 'all'];
const fits = (a: AppealListed, s: StatusFilter) => s === 'all' || (s === 'open' ? a.status === 'open' : a.status !== 'open');
/** How many appeals a filter shows, of the answer's counts by status. */
const countOf = (counts: AppealsAnswer['counts'], s: StatusFilter) =>
  counts === undefined ? 0 : s === 'open' ? counts.open : counts.upheld + counts.adjusted + counts.rejected + (s === 'all' ? counts.open : 0);

export default function AppealsPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const roleName = useRoleName();
  const route = useRoute();
  const { campaigns, current, setCurrent, error: listError, loading: listLoading } = useCurrentCampaign();
  const part = appealPart(user.role);
  // Who decides starts on what waits for them; everyone else on every appeal.
  const status = (STATUS_FILTERS as string[]).includes(route.query.get('status') ?? '') ? (route.query.get('status') as StatusFilter) : part === 'decide' ? 'open' : 'all';
  const township = route.query.get('township') ?? undefined;
  const opened = Number(route.query.get('appeal') ?? NaN);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const query = useMemo(() => ({ lang, status: status === 'all' ? undefined : status, township, q }), [lang, status, township, q]);
  const list = usePagedList<AppealListed, AppealsAnswer>(current ? `/campaigns/${current.id}/appeals` : null, query, (a) => a.appeals);
  const { error, loading, reload } = list;

  // A village's own result: whether it is published yet (appeals open only then).
  const [villageState, setVillageState] = useState<'published' | 'unpublished' | undefined>();
  useEffect(() => {
    if (user.role !== 'village' || !user.village || !current) return;
    let live = true;
    setVillageState(undefined);
    api
      .get<{ status: string }>(`/campaigns/${current.id}/villages/${user.village}/assessment`)
      .then((a) => live && setVillageState(a.status === 'published' ? 'published' : 'unpublished'))
      .catch((e: unknown) => live && e instanceof ApiError && (e.isForbidden || e.isNotFound) && setVillageState('unpublished'));
    return () => {
      live = false;
    };
  }, [current, user.role, user.village]);

  // The server has filtered them; a row decided meanwhile leaves its filter on the next reload.
  const all = list.rows;
  const rows = all.filter((a) => (!township || a.township === township) && fits(a, status));
  // The campaign's townships (those of the villages the reader may list, and of the appeals shown).
  const detail = useApi<CampaignDetail>(current && user.role !== 'village' ? `/campaigns/${current.id}?villages=false` : null);
  const townships = useMemo(() => {
    const seen = new Map<string, string>();
    for (const x of detail.data?.townships ?? []) if (x.code) seen.set(x.code, x.name ?? x.code);
    for (const a of all) if (a.township && !seen.has(a.township)) seen.set(a.township, a.townshipName ?? a.township);
    return [...seen].sort(([x], [y]) => x.localeCompare(y)).map(([code, name]) => ({ value: code, label: name }));
  }, [all, detail.data]);
  // The appeal opened stays open when a reload leaves it out of the filter (decided, it is no
  // longer among the open ones): the drawer reads it as it stands from its assessment.
  const found = all.find((a) => a.id === opened);
  const [kept, setKept] = useState<AppealListed | undefined>();
  useEffect(() => {
    if (found) setKept(found);
  }, [found]);
  const selected = found ?? (kept?.id === opened ? kept : undefined);
  const open = (a: AppealListed | null) => setQuery({ appeal: a?.id });
  const decides = (a: AppealListed) => a.status === 'open' && part === 'decide';

  const narrow = useIsNarrow();
  const allColumns: ColumnsType<AppealListed> = [
    { title: '#', dataIndex: 'id', width: 56 },
    {
      title: t('common.village'),
      key: 'village',
      render: (_, r) => (
        <a onClick={() => open(r)} data-testid={`appeal-village-${r.id}`}>
          {r.villageName}
        </a>
      ),
    },
    { title: t('common.township'), dataIndex: 'townshipName', className: 'hide-narrow' },
    {
      title: t('finding.item'),
      key: 'item',
      render: (_, r) => (
        <span>
          <span className="mono">{r.item}</span> <span className="hide-narrow">{r.itemTitle}</span>
        </span>
      ),
    },
    { title: t('appeals.reason'), dataIndex: 'reason', ellipsis: true, className: 'hide-narrow' },
    {
      title: <PaperClipOutlined aria-label={t('evidence.title')} />,
      dataIndex: 'evidenceCount',
      width: 56,
      className: 'hide-narrow',
      render: (n: number) => (n ? <Tag>{fmt.int(n)}</Tag> : null),
    },
    { title: t('common.date'), dataIndex: 'createdAt', render: (v: string) => fmt.date(v), className: 'hide-narrow' },
    { title: t('common.status'), dataIndex: 'status', render: (s: string) => <AppealStatusTag status={s} /> },
    {
      title: t('appeals.decision'),
      key: 'decision',
      className: 'hide-narrow',
      render: (_, r) => (r.status === 'open' ? null : <span>{outcomeTitle(t, r.status, r.adjustedCount, r.measured)}</span>),
    },
    {
      title: '',
      key: 'open',
      render: (_, r) => (
        <Button size="small" type={decides(r) ? 'primary' : 'default'} onClick={() => open(r)} data-testid={`appeal-open-${r.id}`}>
          {decides(r) ? t('appeals.decide') : t('common.open')}
        </Button>
      ),
    },
  ];

  // On a phone the columns marked hide-narrow are left out, not hidden: the reason's ellipsis
  // makes the table's layout fixed, where hidden cells would leave the shown ones too narrow.
  const columns = narrow ? allColumns.filter((c) => !c.className?.split(' ').includes('hide-narrow')) : allColumns;

  if (listError) return <ErrorView error={listError} />;
  if (listLoading) return <Loading />;
  return (
    <div data-testid="appeals-page">
      <PageHeader
        title={t('nav.appeals')}
        sub={<span data-testid="appeals-part">{partText(part, roleName(user.role), t)}</span>}
        extra={<CampaignPicker campaigns={campaigns} value={current?.id} onChange={setCurrent} />}
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      {user.role === 'village' && villageState === 'unpublished' ? <Alert type="info" showIcon title={t('appeals.notPublishedYet')} style={{ marginBottom: 12 }} /> : null}
      {user.role === 'village' && user.village && current && villageState === 'published' ? (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Link to={pathTo('villageAssessment', { id: current.id, code: user.village }, { tab: 'appeals' })}>
            <Button type="primary" data-testid="appeal-go">
              {t('appeals.goToResult')}
            </Button>
          </Link>
        </Card>
      ) : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented
            value={status}
            onChange={(v) => setQuery({ status: String(v), appeal: undefined })}
            options={STATUS_FILTERS.map((s) => ({ value: s, label: `${t(`appeals.filters.${s}`)}${fmt.paren(countOf(list.answer?.counts, s))}` }))}
            data-testid="appeals-status"
          />
          {user.role !== 'village' ? (
            <Select
              allowClear
              style={{ minWidth: 180 }}
              placeholder={t('appeals.allTownships')}
              value={township}
              onChange={(v?: string) => setQuery({ township: v, appeal: undefined })}
              options={townships}
              data-testid="appeals-township"
              aria-label={t('common.township')}
            />
          ) : null}
          <PagingSearch value={search} onChange={setSearch} testId="appeals-search" />
        </Space>
        <Table<AppealListed>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 560 }}
          data-testid="appeals-table"
          locale={{ emptyText: <Empty description={t('appeals.none')} /> }}
        />
        <LoadMore shown={rows.length} total={list.answer?.total} hasMore={list.hasMore} loading={list.loadingMore} onMore={list.loadMore} testId="appeals-paging" />
      </Card>
      {selected ? <AppealDrawer key={selected.id} appeal={selected} onClose={() => open(null)} onDecided={reload} /> : null}
    </div>
  );
}

/** One appeal: the village's reasons and evidence, the item's findings, and the decision (or the form for it). */
function AppealDrawer({ appeal, onClose, onDecided }: { appeal: AppealListed; onClose: () => void; onDecided: () => void }) {
  useReturnFocus();
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const part = appealPart(user.role);
  const narrow = useIsNarrow();
  const { assessment: a, scheme, unit, error, reload } = useAssessment({ id: appeal.assessmentId }, schemeLang(i18n.language));
  const { run, busy, conflictModal } = useChanges(reload);
  const [decision, setDecision] = useState<Decision>(NEW_DECISION);
  const saved = useMemo(() => (a ? engineFindings(a.findings) : []), [a]);
  const after = useDecisionEffect(decision, appeal.item, scheme, unit, saved, a?.score.total ?? appeal.total);
  const node = useMemo(() => (scheme ? nodeIndex(scheme).get(appeal.item) : undefined), [scheme, appeal.item]);
  const confirmDecision = useConfirmDecision();
  // The appeal as the assessment has it now (it may have been decided meanwhile).
  const now = a?.appeals.find((x) => x.id === appeal.id);
  const state = now?.status ?? appeal.status;
  const findings = (a?.findings ?? []).filter((f) => f.item === appeal.item);

  return (
    <Drawer
      open
      onClose={onClose}
      {...escapeCloses(onClose)}
      size={narrow ? '100%' : 640}
      title={t('appeals.drawerTitle', { village: appeal.villageName, item: appeal.item })}
      data-testid="appeal-drawer"
      extra={
        <Link to={pathTo('assessment', { id: appeal.assessmentId }, { tab: 'appeals' })} data-testid="appeal-assessment-link">
          {t('appeals.toAssessment')}
        </Link>
      }
    >
      {conflictModal}
      {error ? <ErrorView error={error} compact onRetry={() => void reload()} /> : null}
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('common.village')}>
          {appeal.villageName}
          {appeal.townshipName ? fmt.paren(appeal.townshipName) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('finding.item')}>
          <span className="mono">{appeal.item}</span> {appeal.itemTitle}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.status')}>
          <AppealStatusTag status={state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('appeals.reason')}>
          <div style={{ whiteSpace: 'pre-wrap' }} data-testid="appeal-reason-text">
            {appeal.reason}
          </div>
          <div className="muted" style={{ fontSize: 12 }}>
            {appeal.createdBy} · {fmt.dateTime(appeal.createdAt)}
          </div>
          <EvidenceList items={(a?.evidence ?? []).filter((e) => e.appealId === appeal.id)} />
        </Descriptions.Item>
        <Descriptions.Item label={t('appeals.currentCount')}>
          <span data-testid="appeal-current-count">{fmt.int(findings.filter((f) => f.status === 'active').reduce((n, f) => n + f.count, 0))}</span>
          {' · '}
          {t('score.total')} {fmt.points(a?.score.total ?? appeal.total)}
        </Descriptions.Item>
      </Descriptions>

      <h4 style={{ marginTop: 16 }}>{t('appeals.itemFindings')}</h4>
      {findings.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('appeals.noFindings')} />
      ) : (
        findings.map((f) => (
          <Card key={f.id} size="small" style={{ marginBottom: 8, background: f.status === 'active' ? undefined : '#fafafa' }} data-testid={`appeal-finding-${f.id}`}>
            <Space wrap size={4}>
              <b>×{fmt.int(f.count)}</b>
              <Tag>{t(`finding.source.${f.source}`)}</Tag>
              {f.status !== 'active' ? <Tag>{t(`appeals.findingStatus.${f.status}`)}</Tag> : null}
            </Space>
            {f.note ? <div>{f.note}</div> : null}
            <div className="muted" style={{ fontSize: 12 }}>
              {f.createdBy} · {fmt.dateTime(f.createdAt)}
            </div>
            <EvidenceList items={(a?.evidence ?? []).filter((e) => e.findingId === f.id)} />
          </Card>
        ))
      )}

      {state !== 'open' ? (
        <Alert
          style={{ marginTop: 12 }}
          type={state === 'rejected' ? 'warning' : 'success'}
          title={outcomeTitle(t, state, now?.adjustedCount ?? appeal.adjustedCount, appeal.measured)}
          description={`${now?.decisionReason ?? appeal.decisionReason ?? ''}${fmt.paren(`${now?.decidedBy ?? appeal.decidedBy ?? ''} · ${fmt.dateTime(now?.decidedAt ?? appeal.decidedAt)}`)}`}
          data-testid="appeal-decision"
        />
      ) : part === 'decide' ? (
        <Card size="small" style={{ marginTop: 12 }} title={t('appeals.decide')} data-testid="appeal-decision-form">
          <DecisionFields value={decision} onChange={setDecision} before={a?.score.total ?? appeal.total} after={a ? after : null} node={node} />
          <Button
            type="primary"
            disabled={!decisionReady(decision, node) || !a}
            loading={busy}
            data-testid="appeal-decide"
            onClick={async () => {
              if (!decisionReady(decision, node) || !(await confirmDecision(decision, a?.score.total ?? appeal.total, a ? after : null))) return;
              const ok = await run(() => api.post<AppealDecided>(`/appeals/${appeal.id}/decide`, decisionBody(decision, node)), t('appeals.decided'));
              if (ok) onDecided();
            }}
          >
            {t('appeals.decideSend')}
          </Button>
        </Card>
      ) : (
        // Where the office has the form: who decides, and what this reader can do meanwhile.
        <Alert
          style={{ marginTop: 12 }}
          type="info"
          showIcon
          title={part === 'read' ? t('appeals.part.readTitle') : t('appeals.part.awaitingTitle')}
          description={part === 'read' ? t('appeals.part.readText') : t('appeals.part.awaitingText')}
          action={
            part === 'read' ? (
              <Link to={pathTo('assessment', { id: appeal.assessmentId }, { tab: 'appeals' })} data-testid="appeal-note-assessment">
                {t('appeals.toAssessment')}
              </Link>
            ) : undefined
          }
          data-testid="appeal-decided-by-office"
        />
      )}
    </Drawer>
  );
}

/** The page's one line on the reader's part in appeals (`role`: their role's name). */
function partText(part: AppealPart, role: string, t: (key: string, options?: Record<string, string>) => string): string {
  switch (part) {
    case 'decide':
      return t('appeals.officeHelp');
    case 'appeal':
      return t('appeals.villageHelp');
    case 'read':
      return t('appeals.part.read', { role });
    case 'none':
      return t('appeals.part.readTitle');
  }
}
