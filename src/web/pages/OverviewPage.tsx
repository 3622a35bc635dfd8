/**
 * The overview of the current campaign: progress of the villages' assessments, the score
 * distribution, the points lost on average in each section by township, the counties' averages
 * (an office over several counties), and the top and bottom villages.
 */
import { useMemo } from 'react';
import { Alert, Card, Col, Empty, Progress as AntProgress, Row, Statistic, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader, ErrorView, Loading } from '../components/common.tsx';
import { ReportDownloads } from '../components/ReportDownloads.tsx';
import { PreviewBanner, PreviewSwitch, usePreview } from '../components/RankingPreview.tsx';
import { useUser } from '../lib/auth.tsx';
import { can } from '../lib/roles.ts';
import { CampaignPicker, useCurrentCampaign } from '../components/CampaignPicker.tsx';
import { EChart, type ChartOption } from '../components/EChart.tsx';
import { useApi } from '../lib/hooks.ts';
import { useFormat } from '../lib/format.ts';
import { Link, pathTo } from '../lib/router.tsx';
import { schemeLang } from '../i18n/index.ts';
import { STATUSES, type Overview, type OverviewPlace } from '../lib/types.ts';
import { textOf } from '../../core/scheme/model.ts';
import { countyBasisText, countyTotalColumns } from '../components/county-columns.tsx';

const STATUS_COLOURS = { draft: '#bfbfbf', submitted: '#1677ff', reviewed: '#faad14', published: '#52c41a' };

export default function OverviewPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const lang = schemeLang(i18n.language);
  const { campaigns, current, setCurrent, error: listError, loading: listLoading, reload: reloadList } = useCurrentCampaign();
  const user = useUser();
  // Published results count; the office may ask for its provisional figures (内部预览).
  const mayPreview = can.previewRanking(user.role);
  const [preview, setPreview] = usePreview(user.role);
  const { data, error, loading, reload } = useApi<Overview>(current ? `/campaigns/${current.id}/overview` : null, { preview: preview ? '1' : undefined });

  const progressOption = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['45%', '70%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}\n{c}' },
          data: STATUSES.map((s) => ({ name: t(`status.${s}`), value: data.progress[s], itemStyle: { color: STATUS_COLOURS[s] } })).filter((d) => d.value > 0),
        },
      ],
    };
  }, [data, t]);

  const distributionOption = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    // Only the bins from the lowest score up: a campaign scored 150–200 shows those bins.
    const first = data.distribution.findIndex((b) => b.count > 0);
    const bins = first < 0 ? data.distribution : data.distribution.slice(Math.max(0, first - 1));
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (p: unknown) => {
          const x = (p as Array<{ name: string; value: number }>)[0];
          return x ? `${x.name}<br/>${t('overview.villagesCount', { count: x.value })}` : '';
        },
      },
      grid: { left: 40, right: 16, top: 24, bottom: 40 },
      xAxis: { type: 'category', data: bins.map((b) => `${fmt.points(b.from)}–${fmt.points(b.to)}`), name: t('overview.totalAxis'), nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: bins.map((b) => b.count), itemStyle: { color: '#b7282e' }, barMaxWidth: 36 }],
    };
  }, [data, fmt, t]);

  const sectionOption = useMemo<ChartOption | null>(() => {
    if (!data || data.townships.length === 0) return null;
    // Points lost on average in each section (its points less the average score): where the work
    // falls short shows, which shares of 95–100% did not. Bonus sections add, they lose nothing.
    const sections = data.sections.filter((s) => s.max && !s.bonus);
    const lost = (avg: number | undefined, max: number | null) => (avg === undefined || !max ? null : Math.round((max - avg) * 100) / 100);
    const groups = [...data.townships.map((tw) => ({ name: tw.name, averages: tw.averages })), { name: t('overview.county'), averages: data.county.averages }];
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const list = params as Array<{ seriesName: string; dataIndex: number; value: number | null; marker: string }>;
          const s = sections[list[0]?.dataIndex ?? 0];
          if (!s) return '';
          const head = `${s.code} ${textOf(s.title, lang)}${fmt.paren(t('overview.maxPoints', { points: fmt.points(s.max) }))}`;
          return [
            head,
            ...list.map((p) => {
              const g = groups.find((x) => x.name === p.seriesName);
              return `${p.marker}${p.seriesName}: ${p.value === null ? '—' : t('overview.lostPoints', { points: fmt.points(p.value) })}${fmt.paren(t('overview.averageScore', { points: fmt.points(g?.averages[s.code]) }))}`;
            }),
          ].join('<br/>');
        },
      },
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 44, right: 16, top: 24, bottom: 56 },
      xAxis: { type: 'category', data: sections.map((s) => `${s.code} ${textOf(s.title, lang)}`), axisLabel: { interval: 0, width: 90, overflow: 'truncate' } },
      yAxis: { type: 'value', name: t('overview.lostAxis'), minInterval: 1 },
      series: groups.map((g, i) => ({
        name: g.name,
        type: 'bar',
        barMaxWidth: 22,
        data: sections.map((s) => lost(g.averages[s.code], s.max)),
        ...(i === groups.length - 1 ? { itemStyle: { color: '#595959' } } : {}),
      })),
    };
  }, [data, fmt, lang, t]);

  type CountyRow = Overview['counties'][number];
  const countyColumns = [
    { title: t('rankings.place'), dataIndex: 'rank', key: 'rank', width: 64, fixed: 'left' as const },
    { title: t('rankings.countyName'), dataIndex: 'name', key: 'name', fixed: 'left' as const },
    { title: t('rankings.countyVillages'), dataIndex: 'count', key: 'count', align: 'right' as const },
    ...countyTotalColumns(data?.counties[0]?.basis ?? 'average', t, fmt),
    ...(data?.sections ?? []).map((s) => ({
      title: s.code,
      key: `s${s.code}`,
      align: 'right' as const,
      render: (_: unknown, r: CountyRow) => fmt.points(r.averages[s.code]),
    })),
  ];

  const placeColumns = [
    { title: t('rankings.countyRank'), dataIndex: 'countyRank', width: 64 },
    {
      title: t('common.village'),
      key: 'name',
      render: (_: unknown, r: OverviewPlace) => <Link to={pathTo('villageAssessment', { id: data!.campaign.id, code: r.village })}>{r.name}</Link>,
    },
    { title: t('common.township'), dataIndex: 'townshipName', className: 'hide-narrow' },
    { title: t('score.total'), key: 'total', align: 'right' as const, render: (_: unknown, r: OverviewPlace) => <b>{fmt.points(r.total)}</b> },
  ];

  if (listError) return <ErrorView error={listError} onRetry={reloadList} />;
  if (listLoading) return <Loading />;
  if (!current) {
    return (
      <>
        <PageHeader title={t('nav.overview')} />
        <Empty description={t('overview.noCampaign')} />
      </>
    );
  }

  const p = data?.progress;
  return (
    <div data-testid="overview-page">
      <PageHeader
        title={t('nav.overview')}
        sub={data ? t('overview.basis', { basis: t(`overview.basisKinds.${data.basis}`, { defaultValue: data.basis }) }) : undefined}
        extra={
          <>
            <CampaignPicker campaigns={campaigns} value={current.id} onChange={setCurrent} />
            {mayPreview ? <PreviewSwitch checked={preview} onChange={setPreview} /> : null}
            <ReportDownloads campaignId={current.id} preview={preview} reports={['summary.pdf', 'ranking.xlsx']} />
          </>
        }
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      {loading && !data ? <Loading /> : null}
      {preview ? <PreviewBanner /> : null}
      {data && p ? (
        <>
          {data.unranked.unassessed + data.unranked.unpublished > 0 ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="overview-not-counted"
              message={t('overview.notCounted', {
                count: data.unranked.unassessed + data.unranked.unpublished,
                unassessed: fmt.int(data.unranked.unassessed),
                unpublished: fmt.int(data.unranked.unpublished),
              })}
            />
          ) : null}
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('overview.villages')} value={fmt.int(p.total)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('status.published')} value={fmt.int(p.published)} suffix={p.total ? `/ ${fmt.int(p.total)}` : undefined} />
                <AntProgress
                  percent={p.total ? Math.round((p.published / p.total) * 100) : 0}
                  size="small"
                  showInfo={false}
                  strokeColor="#52c41a"
                  aria-label={`${t('status.published')} ${fmt.int(p.published)}/${fmt.int(p.total)}`}
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic
                  title={t('overview.inProgress')}
                  value={fmt.int(p.submitted + p.reviewed)}
                  suffix={
                    <span className="muted" style={{ fontSize: 12 }}>
                      {t('overview.draftsLeft', { count: p.draft })}
                    </span>
                  }
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('overview.averageTotal')} value={data.county.count ? fmt.points(data.county.averageTotal) : '—'} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('overview.progress')}>
                {progressOption && p.total > 0 ? <EChart option={progressOption} height={280} testId="chart-progress" /> : <Empty />}
              </Card>
            </Col>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('overview.distribution')}>
                {distributionOption && data.county.count > 0 ? (
                  <EChart option={distributionOption} height={280} testId="chart-distribution" />
                ) : (
                  <Empty description={t('overview.noScores')} />
                )}
              </Card>
            </Col>
            <Col xs={24}>
              <Card size="small" title={t('overview.sectionAverages')} extra={<span className="muted hide-narrow">{t('overview.sectionAveragesHelp')}</span>}>
                {sectionOption ? <EChart option={sectionOption} height={340} testId="chart-sections" /> : <Empty description={t('overview.noScores')} />}
              </Card>
            </Col>
            {(data.counties?.length ?? 0) > 1 ? (
              <Col xs={24}>
                <Card size="small" title={t('overview.countyAverages')} extra={<span className="muted">{countyBasisText(data.counties[0]?.basis, t)}</span>}>
                  <Table<CountyRow>
                    size="small"
                    rowKey="county"
                    pagination={false}
                    scroll={{ x: 600 }}
                    columns={countyColumns}
                    dataSource={data.counties}
                    onRow={(r) => ({ 'data-testid': `overview-county-${r.county}` }) as object}
                    data-testid="overview-counties"
                  />
                </Card>
              </Col>
            ) : null}
            <Col xs={24} md={12}>
              <Card
                size="small"
                title={
                  <span>
                    {t('overview.top')} <Tag color="green">{t('overview.topTag')}</Tag>
                  </span>
                }
              >
                <Table size="small" rowKey="village" pagination={false} columns={placeColumns} dataSource={data.top} data-testid="overview-top" />
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card
                size="small"
                title={
                  <span>
                    {t('overview.bottom')} <Tag color="red">{t('overview.bottomTag')}</Tag>
                  </span>
                }
              >
                <Table size="small" rowKey="village" pagination={false} columns={placeColumns} dataSource={data.bottom} data-testid="overview-bottom" />
              </Card>
            </Col>
          </Row>
        </>
      ) : null}
    </div>
  );
}
