/**
 * Rankings of a campaign: county and township ranks (competition ranking), section scores,
 * change against the previous campaign; filter by township, sort by any column, the reports in one download menu;
 * the report files (workbooks, PDFs) of the township shown. An office of an area (a city, a
 * province) sees its villages ranked among themselves, and its counties ranked by average.
 * The ranked rows come 200 at a time in rank order (加载更多 for the next, the search asked of
 * the server): a province's 50,000 villages are never sent at once. The summaries (county,
 * townships, counties) of every page are whole.
 */
import { useEffect, useMemo, useState } from 'react';
import { Card, Empty, Select, Space, Table, Tag, Tooltip } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { textOf, type Scheme } from '../../core/scheme/model.ts';
import { explainCombined, type CombinedResult } from '../../core/scoring/combine.ts';
import { ErrorView, Loading, PageHeader } from '../components/common.tsx';
import { CampaignPicker, useCurrentCampaign } from '../components/CampaignPicker.tsx';
import { ReportDownloads } from '../components/ReportDownloads.tsx';
import { PreviewBanner, PreviewSwitch, usePreview } from '../components/RankingPreview.tsx';
import { can } from '../lib/roles.ts';
import { useApi, useDebounced, useIsNarrow } from '../lib/hooks.ts';
import { usePagedList } from '../lib/paged.ts';
import { LoadMore, PagingSearch } from '../components/LoadMore.tsx';
import { countyBasisText, countyTotalColumns } from '../components/county-columns.tsx';
import { useSessionArea, useUser } from '../lib/auth.tsx';
import { Link, pathTo, setQuery, useRoute } from '../lib/router.tsx';
import { useFormat } from '../lib/format.ts';
import { fetchSchemeVersion } from '../lib/scoring.ts';
import { schemeLang } from '../i18n/index.ts';
import type { RankedRow, Ranking, UnrankedVillage } from '../lib/types.ts';
import type { CountyRanking, UnrankedAnswer } from '../../contract/index.ts';
import type { SchemesAnswer } from './schemes/schemes-data.ts';

type RankingAnswer = Ranking;

/** A combined row's result in cents, as core/scoring/combine.ts explains it. */
function combinedOfRow(r: RankedRow, scheme: Scheme): CombinedResult | null {
  if (!r.combined || !scheme.periods) return null;
  const c = (v: number) => Math.round(v * 100);
  const periods = r.combined.periods.flatMap((p) => {
    const def = scheme.periods!.find((x) => x.code === p.code);
    return def
      ? [
          {
            code: p.code,
            title: def.title,
            weight: def.weight,
            combine: def.combine,
            values: p.values.map(c),
            value: p.value === null ? null : c(p.value),
            weighted: c(p.weighted),
          },
        ]
      : [];
  });
  const grade = r.scoredGrade !== undefined ? r.scoredGrade : r.grade;
  return {
    periods,
    weighted: c(r.combined.weighted),
    bonusRaw: c(r.combined.bonusRaw),
    bonus: c(r.bonus),
    bonusMax: c(r.combined.bonusMax),
    penalty: c(r.combined.penalty),
    total: c(r.total),
    max: 0,
    veto: r.combined.veto,
    grade: scheme.grades.find((g) => g.code === grade) ?? null,
  };
}

/** A section's title short enough for its column (the tooltip has it whole): 6 characters, or in English whole words up to 14 letters, with … when cut. */
function shortTitle(title: string, lang: 'zh' | 'en'): string {
  const limit = lang === 'zh' ? 6 : 14;
  if (title.length <= limit) return title;
  if (lang === 'zh') return title.slice(0, limit);
  const cut = title.slice(0, limit + 1).replace(/\s+\S*$/, '');
  return `${cut.length ? cut : title.slice(0, limit)}…`;
}

/** The frozen scheme of a campaign, for section titles ("seed-2020 v1" → its stored version). */
function useCampaignScheme(label: string | undefined): Scheme | undefined {
  const schemes = useApi<SchemesAnswer>(label ? '/schemes' : null);
  const [scheme, setScheme] = useState<Scheme>();
  useEffect(() => {
    const v = schemes.data?.versions.find((x) => `${x.schemeId} v${x.version}` === label);
    if (!v) return;
    let live = true;
    fetchSchemeVersion(v.id)
      .then((r) => live && setScheme(r.scheme))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [schemes.data, label]);
  return scheme;
}

export default function RankingsPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const sessionArea = useSessionArea();
  const route = useRoute();
  const { campaigns, current, setCurrent, error: listError, loading: listLoading } = useCurrentCampaign();
  const township = route.query.get('township') ?? undefined;
  // Published results are ranked; the office may ask for its provisional ranking (内部预览).
  const mayPreview = can.previewRanking(user.role);
  const [preview, setPreview] = usePreview(user.role);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const query = useMemo(() => ({ township, preview: preview ? '1' : undefined, q: q || undefined }), [township, preview, q]);
  // One page of the ranked rows at a time; the answer's summaries are whole.
  const list = usePagedList<RankedRow, RankingAnswer>(current ? `/campaigns/${current.id}/ranking` : null, query, (a) => a.county);
  const { answer: data, error, loading, reload } = list;
  const rows = list.rows;
  // The villages without a rank (all of a province's 50,000 before publication): paged too, by code.
  const unrankedList = usePagedList<UnrankedVillage, UnrankedAnswer>(current ? `/campaigns/${current.id}/ranking/unranked` : null, query, (a) => a.unranked);
  const unranked = unrankedList.rows;
  const unrankedTotal = unrankedList.answer?.total ?? 0;
  // The township list: the townships' summaries of an answer for every township (whole on every
  // page). With a township chosen, the answer has its own only: the list is the one kept from
  // an answer without it, or (a link straight to a township) a page of one row asked for it.
  const listKey = current ? `${current.id}|${preview ? 1 : 0}` : null;
  const [known, setKnown] = useState<{ key: string; townships: Array<{ value: string; label: string }> } | null>(null);
  const fromAnswer = useMemo(() => (township || !data ? null : data.townships.map((x) => ({ value: x.township, label: x.townshipName }))), [data, township]);
  const [all, setAll] = useState<RankingAnswer | undefined>();
  const one = useApi<RankingAnswer>(current && township && known?.key !== listKey ? `/campaigns/${current.id}/ranking` : null, { preview: preview ? '1' : undefined, limit: 1 });
  useEffect(() => {
    if (one.data) setAll(one.data);
  }, [one.data]);
  useEffect(() => {
    if (listKey && fromAnswer && !list.loading) setKnown({ key: listKey, townships: fromAnswer });
  }, [listKey, fromAnswer, list.loading]);
  const townships = useMemo(
    () => (known?.key === listKey ? known.townships : (all?.townships ?? []).map((x) => ({ value: x.township, label: x.townshipName }))),
    [known, listKey, all],
  );
  const scheme = useCampaignScheme(current?.scheme);
  const sections = scheme?.sections ?? (rows[0] ? Object.keys(rows[0].sections).map((code) => ({ code, title: { zh: code }, bonus: false, points: null })) : []);
  // A final campaign (综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分): its periods' parts instead of the sections.
  const periods = data?.periods ?? [];
  const combined = periods.length > 0;
  const gradeTitle = (code: string | null | undefined) => (code ? textOf(scheme?.grades.find((g) => g.code === code)?.title, lang) || code : '—');
  const quotaShare = (code: string | null | undefined) => data?.rules?.quotas.find((q) => q.grade === code)?.share;
  const gradeCell = (r: RankedRow) =>
    r.scoredGrade !== undefined && r.scoredGrade !== r.grade ? (
      <Tooltip title={t('rankings.quotaApplied', { from: gradeTitle(r.scoredGrade), share: fmt.points(quotaShare(r.scoredGrade)), to: gradeTitle(r.grade) })}>
        <span data-testid={`grade-${r.village}`}>
          <span className="muted">{gradeTitle(r.scoredGrade)}</span> → {gradeTitle(r.grade)}
        </span>
      </Tooltip>
    ) : (
      <span data-testid={`grade-${r.village}`}>{gradeTitle(r.grade)}</span>
    );
  const sectionColumns = combined
    ? periods.map((p) => ({
        title: t('rankings.periodColumn', { title: textOf(p.title, lang), weight: fmt.points(p.weight) }),
        key: `p${p.code}`,
        width: 110,
        align: 'right' as const,
        render: (_: unknown, r: RankedRow) => {
          const part = r.combined?.periods.find((x) => x.code === p.code);
          return part ? (
            <Tooltip title={t('rankings.periodPart', { count: part.count, value: fmt.points(part.value) })}>
              <span>{fmt.points(part.weighted)}</span>
            </Tooltip>
          ) : (
            fmt.points(null)
          );
        },
        sorter: (a: RankedRow, b: RankedRow) =>
          (a.combined?.periods.find((x) => x.code === p.code)?.weighted ?? 0) - (b.combined?.periods.find((x) => x.code === p.code)?.weighted ?? 0),
      }))
    : sections.map((s) => ({
        title: (
          <Tooltip title={textOf(s.title, lang)}>
            <span>
              {s.code} {shortTitle(textOf(s.title, lang), lang)}
            </span>
          </Tooltip>
        ),
        key: `s${s.code}`,
        width: 96,
        align: 'right' as const,
        render: (_: unknown, r: RankedRow) => fmt.points(r.sections[s.code]),
        sorter: (a: RankedRow, b: RankedRow) => (a.sections[s.code] ?? 0) - (b.sections[s.code] ?? 0),
      }));
  const withPenalty = rows.some((r) => (r.penalty ?? 0) > 0);
  const withRankPoints = rows.some((r) => r.rankPoints !== undefined);

  // On a phone: rank, village, total and change, no sideways scrolling; the sections are on the village's sheet.
  const narrow = useIsNarrow();
  const wide: ColumnsType<RankedRow> = [
    {
      // Villages of several counties (a city's, a province's) are ranked across them: not a county's rank.
      title: (data?.counties?.length ?? 0) > 1 ? t('rankings.areaRank') : t('rankings.countyRank'),
      dataIndex: 'countyRank',
      width: 74,
      fixed: 'left',
      sorter: (a, b) => a.countyRank - b.countyRank,
      defaultSortOrder: 'ascend',
    },
    { title: t('rankings.townshipRank'), dataIndex: 'townshipRank', width: 74, sorter: (a, b) => a.townshipRank - b.townshipRank || a.township.localeCompare(b.township) },
    {
      title: t('common.village'),
      key: 'name',
      width: 110,
      fixed: 'left',
      render: (_, r) => (current ? <Link to={pathTo('villageAssessment', { id: current.id, code: r.village })}>{r.name}</Link> : r.name),
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
    },
    { title: t('common.township'), dataIndex: 'townshipName', width: 100, sorter: (a, b) => a.township.localeCompare(b.township) },
    ...sectionColumns,
    ...(combined
      ? []
      : [
          {
            title: t('score.base'),
            dataIndex: 'base',
            width: 80,
            align: 'right' as const,
            render: (v: number) => fmt.points(v),
            sorter: (a: RankedRow, b: RankedRow) => a.base - b.base,
          },
        ]),
    { title: t('score.bonus'), dataIndex: 'bonus', width: 70, align: 'right', render: (v: number) => fmt.points(v), sorter: (a, b) => a.bonus - b.bonus },
    ...(withPenalty || combined
      ? [
          {
            title: t('rankings.penalty'),
            key: 'penalty',
            width: 70,
            align: 'right' as const,
            render: (_: unknown, r: RankedRow) => fmt.points(r.penalty ?? 0),
            sorter: (a: RankedRow, b: RankedRow) => (a.penalty ?? 0) - (b.penalty ?? 0),
          },
        ]
      : []),
    {
      title: combined ? t('rankings.combinedTotal') : t('score.total'),
      dataIndex: 'total',
      key: 'total',
      width: 80,
      align: 'right',
      render: (v: number) => <b>{fmt.points(v)}</b>,
      sorter: (a, b) => a.total - b.total,
    },
    ...(rows.some((r) => r.grade) ? [{ title: t('score.grade'), key: 'grade', width: 100, render: (_: unknown, r: RankedRow) => gradeCell(r) }] : []),
    ...(withRankPoints
      ? [
          {
            title: t('rankings.rankPoints'),
            key: 'rankPoints',
            width: 80,
            align: 'right' as const,
            render: (_: unknown, r: RankedRow) => fmt.points(r.rankPoints),
            sorter: (a: RankedRow, b: RankedRow) => (a.rankPoints ?? 0) - (b.rankPoints ?? 0),
          },
        ]
      : []),
    {
      title: t('rankings.change'),
      key: 'change',
      width: 110,
      render: (_, r) =>
        r.change.totalDelta === null ? (
          <span className="muted">{t('rankings.new')}</span>
        ) : (
          <span>
            {fmt.delta(r.change.totalDelta)}{' '}
            {r.change.rankDelta ? (
              <Tag color={r.change.rankDelta > 0 ? 'green' : 'red'} icon={r.change.rankDelta > 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />}>
                {Math.abs(r.change.rankDelta)}
              </Tag>
            ) : null}
          </span>
        ),
      sorter: (a, b) => (a.change.totalDelta ?? 0) - (b.change.totalDelta ?? 0),
    },
  ];
  const columns = narrow
    ? wide.filter((c) => ['countyRank', 'name', 'total', 'change'].includes(String(c.key ?? (c as { dataIndex?: string }).dataIndex))).map((c) => ({ ...c, fixed: undefined }))
    : wide;

  // The office's area whose villages are ranked among themselves, named as the session names it.
  const areaName = data?.area ? (sessionArea?.code === data.area.code ? sessionArea.name : data.area.code) : null;
  const counties = data?.counties ?? [];
  const basis = data?.basis ? t(`overview.basisKinds.${data.basis}`, { defaultValue: data.basis }) : null;

  if (listError) return <ErrorView error={listError} />;
  if (listLoading) return <Loading />;
  return (
    <div data-testid="rankings-page">
      <PageHeader
        title={t('nav.rankings')}
        sub={
          areaName || basis ? (
            <>
              {areaName ? <div data-testid="ranking-area">{t('rankings.withinArea', { name: areaName })}</div> : null}
              {basis ? <div>{basis}</div> : null}
            </>
          ) : undefined
        }
        extra={
          <>
            <CampaignPicker campaigns={campaigns} value={current?.id} onChange={setCurrent} />
            {current ? (
              <ReportDownloads
                campaignId={current.id}
                township={township}
                preview={preview}
                reports={user.role === 'viewer' ? ['ranking.xlsx', 'summary.pdf', 'campaign.pdf'] : ['ranking.xlsx', 'deductions.xlsx', 'campaign.pdf', 'summary.pdf']}
              />
            ) : null}
          </>
        }
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      {preview ? <PreviewBanner /> : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder={t('rankings.allTownships')}
            style={{ width: 180 }}
            options={townships}
            value={township}
            onChange={(v) => setQuery({ township: v })}
            data-testid="ranking-township"
            aria-label={t('common.township')}
          />
          {mayPreview ? <PreviewSwitch checked={preview} onChange={setPreview} /> : null}
          <PagingSearch value={search} onChange={setSearch} testId="ranking-search" />
          {data ? <span className="muted">{t('rankings.summary', { count: data.countySummary.count, average: fmt.points(data.countySummary.averageTotal) })}</span> : null}
        </Space>
        <Table<RankedRow>
          rowKey="village"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 100, hideOnSinglePage: true }}
          // Laid out by content, not by the widths alone (which fixed columns would otherwise
          // impose): a column is never narrower than its header's longest word ("Township rank").
          {...(narrow ? {} : { scroll: { x: 900 }, tableLayout: 'auto' as const })}
          data-testid="ranking-table"
          locale={{ emptyText: <Empty description={t('rankings.empty')} /> }}
          // A combined result opens to its explanation, part by part.
          {...(combined && scheme
            ? {
                expandable: {
                  expandedRowRender: (r: RankedRow) => {
                    const result = combinedOfRow(r, scheme);
                    if (!result) return null;
                    const lines = explainCombined(result, scheme, lang).map((l) => l.text);
                    if (r.scoredGrade !== undefined && r.scoredGrade !== r.grade) {
                      lines.push(t('rankings.quotaApplied', { from: gradeTitle(r.scoredGrade), share: fmt.points(quotaShare(r.scoredGrade)), to: gradeTitle(r.grade) }));
                    }
                    return (
                      <div data-testid={`combined-${r.village}`}>
                        {lines.map((line, i) => (
                          <div key={i}>{line}</div>
                        ))}
                      </div>
                    );
                  },
                },
              }
            : {})}
        />
        <LoadMore shown={rows.length} total={data?.total} hasMore={list.hasMore} loading={list.loadingMore} onMore={list.loadMore} testId="ranking-paging" />
      </Card>
      {data && unrankedTotal > 0 ? (
        <Card
          size="small"
          title={t('rankings.unranked', { count: unrankedTotal })}
          extra={<span className="muted hide-narrow">{t(data.basis === 'preview' ? 'rankings.unrankedHelpPreview' : 'rankings.unrankedHelp')}</span>}
          style={{ marginTop: 12 }}
        >
          <Table<UnrankedVillage>
            rowKey="village"
            size="small"
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            dataSource={unranked}
            data-testid="ranking-unranked"
            columns={[
              {
                title: t('common.village'),
                key: 'name',
                render: (_, r) => (current ? <Link to={pathTo('villageAssessment', { id: current.id, code: r.village })}>{r.name}</Link> : r.name),
              },
              { title: t('common.township'), dataIndex: 'townshipName' },
              {
                title: t('rankings.state'),
                key: 'state',
                render: (_, r) => <Tag color={r.state === 'unpublished' ? 'blue' : 'default'}>{t(`rankings.states.${r.state}`)}</Tag>,
              },
            ]}
          />
          <LoadMore
            shown={unranked.length}
            total={unrankedTotal}
            hasMore={unrankedList.hasMore}
            loading={unrankedList.loadingMore}
            onMore={unrankedList.loadMore}
            testId="ranking-unranked-paging"
          />
        </Card>
      ) : null}
      {counties.length > 1 ? (
        <Card
          size="small"
          title={t('rankings.countyRanking')}
          extra={
            <span className="muted" data-testid="ranking-counties-basis">
              {countyBasisText(counties[0]?.basis, t)}
            </span>
          }
          style={{ marginTop: 12 }}
        >
          <Table<CountyRanking>
            rowKey="county"
            size="small"
            pagination={false}
            dataSource={counties}
            scroll={{ x: 600 }}
            data-testid="ranking-counties"
            onRow={(r) => ({ 'data-testid': `county-row-${r.county}` }) as object}
            columns={[
              { title: t('rankings.place'), dataIndex: 'rank', key: 'rank', width: 64, fixed: 'left' as const },
              { title: t('rankings.countyName'), dataIndex: 'name', key: 'name', fixed: 'left' as const },
              { title: t('rankings.countyVillages'), dataIndex: 'count', key: 'count', align: 'right' as const },
              ...countyTotalColumns(counties[0]?.basis ?? 'average', t, fmt),
              ...sections.map((s) => ({
                title: `${s.code}`,
                key: s.code,
                align: 'right' as const,
                render: (_: unknown, r: CountyRanking) => fmt.points(r.averages[s.code]),
              })),
            ]}
          />
        </Card>
      ) : null}
      {data && data.townships.length > 1 ? (
        <Card size="small" title={t('rankings.townshipSummary')} style={{ marginTop: 12 }}>
          <Table
            rowKey="township"
            size="small"
            pagination={false}
            dataSource={data.townships}
            scroll={{ x: 600 }}
            data-testid="ranking-townships"
            columns={[
              { title: t('common.township'), dataIndex: 'townshipName', fixed: 'left' as const },
              { title: t('rankings.villages'), dataIndex: 'count', align: 'right' as const },
              ...sections.map((s) => ({
                title: `${s.code}`,
                key: s.code,
                align: 'right' as const,
                render: (_: unknown, r: Ranking['townships'][number]) => fmt.points(r.averages[s.code]),
              })),
              { title: t('rankings.averageTotal'), dataIndex: 'averageTotal', align: 'right' as const, render: (v: number) => <b>{fmt.points(v)}</b> },
            ]}
          />
        </Card>
      ) : null}
    </div>
  );
}
