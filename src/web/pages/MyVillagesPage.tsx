/**
 * 我的考核村: an inspector's landing page. The villages of their teams in the current campaign,
 * in the order of what to do next (sent back, drafts with most left, submitted, reviewed,
 * published), each with its state, what is left (items not looked at, suggestions open, the
 * reviewer's comment) and a link to its assessment; the campaign's figures over these villages.
 * Made for a phone first: one card per village. The list is kept on the phone and shown from it
 * without a network; 下载离线包 keeps every assessment of the list for field work offline.
 * A list of several townships can be narrowed to one (乡镇); one longer than the server lists
 * village by village (a province's office) asks for a township first.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Progress, Row, Select, Space, Statistic, Tag } from 'antd';
import { CloudDownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CampaignPicker, toCampaigns } from '../components/CampaignPicker.tsx';
import { ErrorView, Loading, PageHeader, StatusTag } from '../components/common.tsx';
import { errorText } from '../lib/api.ts';
import { useUser } from '../lib/auth.tsx';
import { schemeLang } from '../i18n/index.ts';
import { useKeptApi } from '../offline/kept-api.ts';
import { downloadPackage } from '../offline/package.ts';
import { getMeta } from '../offline/store.ts';
import type { CampaignSummary } from '../lib/types.ts';
import { useFormat } from '../lib/format.ts';
import { Link, pathTo, setQuery, useRoute } from '../lib/router.tsx';
import type { MyVillage, MyVillagesAnswer } from '../../contract/index.ts';

export default function MyVillagesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const route = useRoute();
  const campaigns = useKeptApi<CampaignSummary[]>('/campaigns', undefined, toCampaigns);
  // The campaign asked for, else the newest one with villages of the reader's, else the newest.
  const asked = Number(route.query.get('campaign') ?? NaN);
  const list = campaigns.data ?? [];
  const current = list.find((c) => c.id === asked) ?? list.find((c) => c.progress.total > 0) ?? list[0];
  // One township's villages (?township=): a province's office takes its list a township at a time.
  const township = route.query.get('township') ?? undefined;
  const mine = useKeptApi<MyVillagesAnswer>(current ? `/campaigns/${current.id}/my-villages${township ? `?township=${encodeURIComponent(township)}` : ''}` : null);

  if (campaigns.error) return <ErrorView error={campaigns.error} onRetry={campaigns.reload} />;
  if (campaigns.loading && !campaigns.data) return <Loading />;

  const data = mine.data && mine.data.campaign.id === current?.id ? mine.data : undefined;
  const f = data?.figures;
  const figure = (key: string, title: string, value: number | string, colour?: string) => (
    <Col xs={8} sm={6} md={3} key={key}>
      <Statistic title={title} value={value} styles={{ content: { fontSize: 20, color: colour } }} data-testid={`my-figure-${key}`} />
    </Col>
  );

  return (
    <div data-testid="my-villages-page">
      <PageHeader
        title={t('myVillages.title')}
        sub={current ? t('myVillages.sub', { campaign: current.name }) : undefined}
        extra={
          <Space wrap>
            {list.length > 1 ? <CampaignPicker campaigns={list} value={current?.id} onChange={(id) => setQuery({ campaign: id, township: undefined })} /> : null}
            {data && (data.townships.length > 1 || township) ? (
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                style={{ minWidth: 200 }}
                placeholder={t('myVillages.allTownships')}
                value={township}
                onChange={(v?: string) => setQuery({ township: v })}
                options={data.townships.map((x) => ({ value: x.code, label: t('myVillages.townshipOption', { name: x.name, count: x.villages }) }))}
                data-testid="my-villages-township"
                aria-label={t('common.township')}
              />
            ) : null}
            {data && data.villages.length && !mine.keptAt ? <DownloadPackage ids={data.villages.map((v) => v.id)} /> : null}
          </Space>
        }
      />
      {mine.keptAt ? (
        <Alert type="info" showIcon title={t('offline.listOffline', { at: fmt.dateTime(mine.keptAt) })} style={{ marginBottom: 12 }} data-testid="my-villages-offline" />
      ) : null}
      {!current ? <Empty description={t('myVillages.noCampaign')} /> : null}
      {mine.error ? <ErrorView error={mine.error} onRetry={mine.reload} /> : null}
      {current && !data && !mine.error ? <Loading /> : null}
      {f ? (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="my-figures">
          <Row gutter={[8, 8]}>
            {figure('villages', t('myVillages.villages'), f.villages)}
            {figure('sentBack', t('myVillages.sentBack'), f.sentBack, f.sentBack ? '#cf1322' : undefined)}
            {figure('draft', t('status.draft'), f.draft)}
            {figure('submitted', t('status.submitted'), f.submitted)}
            {figure('reviewed', t('status.reviewed'), f.reviewed)}
            {figure('published', t('status.published'), f.published)}
            {f.items ? figure('items', t('myVillages.checked'), `${fmt.int(f.items.done)}/${fmt.int(f.items.total)}`) : null}
            {f.openSuggestions !== null ? figure('suggestions', t('myVillages.openSuggestions'), f.openSuggestions) : null}
          </Row>
        </Card>
      ) : null}
      {data?.tooMany ? (
        <Alert
          type="info"
          showIcon
          title={t('myVillages.tooMany', { count: fmt.int(data.figures.villages), max: fmt.int(data.max) })}
          style={{ marginBottom: 12 }}
          data-testid="my-villages-too-many"
        />
      ) : null}
      {data && !data.tooMany && data.villages.length === 0 ? <Empty description={t('myVillages.none')} /> : null}
      {data ? (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="my-villages">
          {data.villages.map((v) => (
            <VillageCard key={v.id} v={v} campaignId={data.campaign.id} />
          ))}
        </Space>
      ) : null}
    </div>
  );
}

function VillageCard({ v, campaignId }: { v: MyVillage; campaignId: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const left = v.items.total - v.items.done;
  const to = pathTo('villageAssessment', { id: campaignId, code: v.village });
  return (
    <Card
      size="small"
      data-testid={`my-village-${v.village}`}
      data-status={v.status}
      data-sent-back={v.sentBack ? '1' : '0'}
      title={
        <Link to={to} data-testid={`my-village-open-${v.village}`} style={{ whiteSpace: 'normal' }}>
          {v.villageName}
        </Link>
      }
      extra={
        <Space size={4}>
          {v.sentBack ? <Tag color="error">{t('myVillages.sentBack')}</Tag> : null}
          <StatusTag status={v.status} />
        </Space>
      }
    >
      <div className="muted" style={{ fontSize: 12 }}>
        {[v.townshipName, v.team].filter(Boolean).join(' · ')}
      </div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
        <span style={{ whiteSpace: 'nowrap' }} data-testid={`my-village-progress-${v.village}`}>
          {t('assessment.progress', { done: fmt.int(v.items.done), total: fmt.int(v.items.total) })}
        </span>
        <Progress
          percent={v.items.total ? Math.round((v.items.done / v.items.total) * 100) : 0}
          size="small"
          showInfo={false}
          style={{ flex: 1, margin: 0 }}
          aria-label={t('assessment.progress', { done: fmt.int(v.items.done), total: fmt.int(v.items.total) })}
        />
      </div>
      {v.status === 'draft' ? (
        <Space size={4} wrap style={{ marginTop: 4 }}>
          {left > 0 ? <Tag color="orange">{t('myVillages.left', { count: left })}</Tag> : <Tag color="success">{t('myVillages.allChecked')}</Tag>}
          {v.openSuggestions > 0 ? <Tag color="purple">{t('myVillages.suggestionsLeft', { count: v.openSuggestions })}</Tag> : null}
        </Space>
      ) : (
        <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
          {t('score.total')} {fmt.points(v.total)}
          {v.submittedAt ? ` · ${t('myVillages.submittedAt', { at: fmt.dateTime(v.submittedAt) })}` : ''}
        </div>
      )}
      {v.sentBack && v.comment ? (
        <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('assessment.sentBackComment')} description={v.comment} data-testid={`my-village-comment-${v.village}`} />
      ) : null}
    </Card>
  );
}

/** 下载离线包: every assessment of the list kept on the phone, with when it was last done. */
function DownloadPackage({ ids }: { ids: number[] }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const { message } = App.useApp();
  const [done, setDone] = useState<number | null>(null);
  const [last, setLast] = useState<{ count: number; at: string }>();
  useEffect(() => {
    void getMeta('package')
      .then(setLast)
      .catch(() => undefined);
  }, []);
  const run = async () => {
    setDone(0);
    try {
      const count = await downloadPackage(user.id, ids, schemeLang(i18n.language), setDone);
      setLast({ count, at: new Date().toISOString() });
      message.success(t('offline.downloaded', { count }));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setDone(null);
    }
  };
  return (
    <Space size={4} wrap>
      <Button icon={<CloudDownloadOutlined />} loading={done !== null} onClick={() => void run()} data-testid="offline-download">
        {done !== null ? t('offline.downloading', { done, total: ids.length }) : t('offline.download')}
      </Button>
      {last ? (
        <span className="muted" style={{ fontSize: 12 }} data-testid="offline-package">
          {t('offline.downloadedAt', { count: last.count, at: fmt.dateTime(last.at) })}
        </span>
      ) : null}
    </Space>
  );
}
