/**
 * The printable score sheet of one village (考核扣分明细): header, every node's points, every
 * deduction with its reason and evidence reference, totals and signature lines. Printed on A4
 * (see the @media print rules in styles.css), or downloaded as the server's PDF; opened from
 * the assessment page.
 */
import { useEffect } from 'react';
import { Button, Result } from 'antd';
import { PrinterOutlined, ArrowLeftOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorView, Loading } from '../../components/common.tsx';
import { reportUrl } from '../../components/ReportDownloads.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { useApi } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { Link, pathTo, useRoute } from '../../lib/router.tsx';
import { schemeLang } from '../../i18n/index.ts';
import type { ScoreSheet } from '../../../contract/score-sheet.ts';

/** The sheet as the API gives it (GET /api/assessments/:id/sheet). */
type Sheet = ScoreSheet;

export default function SheetPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const route = useRoute();
  const id = Number(route.params.id);
  const lang = schemeLang(i18n.language);
  const { data, error, loading, reload } = useApi<Sheet>(`/assessments/${id}/sheet`, { lang });

  useEffect(() => {
    if (data) document.title = `${t('sheet.title')} — ${data.header.village.name}`;
  }, [data, t]);

  if (error)
    return (
      <div style={{ padding: 16 }}>
        <ErrorView error={error} onRetry={reload} />
      </div>
    );
  if (loading && !data) return <Loading />;
  if (!data) return <Result status="404" />;
  const h = data.header;

  return (
    <div style={{ background: '#f0f0f0', minHeight: '100vh', paddingBottom: 24 }} className="sheet-screen">
      <div className="sheet-toolbar no-print">
        <Link to={pathTo('assessment', { id })}>
          <Button icon={<ArrowLeftOutlined />}>{t('sheet.back')}</Button>
        </Link>
        <div style={{ flex: 1 }} />
        <LanguageSwitch />
        <a href={reportUrl(h.campaign.id, 'sheet.pdf', { lang, village: h.village.code })} download data-testid="sheet-pdf">
          <Button icon={<FilePdfOutlined />}>{t('reports.sheet')}</Button>
        </a>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="sheet-print">
          {t('sheet.print')}
        </Button>
      </div>
      <div className="sheet" data-testid="score-sheet">
        <h1>{t('sheet.title')}</h1>
        <div className="sheet-sub">
          {h.campaign.name} · {h.scheme.title}
          {fmt.paren(`${h.scheme.id} v${h.scheme.version}`)}
        </div>
        <div className="sheet-meta">
          <div>
            {t('sheet.county')}
            {fmt.colon}
            {h.county?.name ?? '—'}
          </div>
          <div>
            {t('sheet.township')}
            {fmt.colon}
            {h.township?.name ?? '—'}
          </div>
          <div>
            {t('sheet.village')}
            {fmt.colon}
            <b>{h.village.name}</b>
            {fmt.paren(h.village.code)}
          </div>
          <div>
            {t('sheet.team')}
            {fmt.colon}
            {h.team ?? '—'}
          </div>
          <div>
            {t('sheet.period')}
            {fmt.colon}
            {fmt.date(h.campaign.period.from)} – {fmt.date(h.campaign.period.to)}
          </div>
          <div>
            {t('sheet.status')}
            {fmt.colon}
            {t(`status.${h.status}`)}
            {h.publishedAt ? fmt.paren(t('sheet.publishedAt', { date: fmt.date(h.publishedAt) })) : ''}
          </div>
        </div>

        <table data-testid="sheet-nodes">
          <colgroup>
            <col style={{ width: '12%' }} />
            <col />
            <col style={{ width: '11%' }} />
            <col style={{ width: '11%' }} />
            <col style={{ width: '11%' }} />
          </colgroup>
          <thead>
            <tr>
              <th>{t('sheet.code')}</th>
              <th>{t('sheet.item')}</th>
              <th>{t('sheet.max')}</th>
              <th>{t('sheet.deducted')}</th>
              <th>{t('sheet.score')}</th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((n) => (
              <tr key={n.code} className={n.depth === 0 ? 'section-row' : undefined}>
                <td>{n.code}</td>
                <td style={{ paddingInlineStart: 4 + n.depth * 12 }}>
                  {n.title}
                  {!n.applicable ? fmt.paren(t('assessment.notApplicable')) : ''}
                </td>
                <td className="num">{n.max ? fmt.points(n.max) : '—'}</td>
                <td className="num">{n.added !== undefined ? (n.added ? `+${fmt.points(n.added)}` : '') : n.deducted ? fmt.points(n.deducted) : ''}</td>
                <td className="num">{fmt.points(n.added ?? n.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>

        <h3 style={{ margin: '14px 0 6px' }}>{t('sheet.deductions')}</h3>
        <table data-testid="sheet-deductions">
          <colgroup>
            <col style={{ width: '5%' }} />
            <col style={{ width: '9%' }} />
            <col />
            <col style={{ width: '7%' }} />
            <col style={{ width: '9%' }} />
            <col style={{ width: '22%' }} />
          </colgroup>
          <thead>
            <tr>
              <th>#</th>
              <th>{t('sheet.code')}</th>
              <th>{t('sheet.reason')}</th>
              <th>{t('sheet.count')}</th>
              <th>{t('sheet.points')}</th>
              <th>{t('sheet.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {data.deductions.length === 0 ? (
              <tr>
                <td colSpan={6} style={{ textAlign: 'center' }}>
                  {t('sheet.noDeductions')}
                </td>
              </tr>
            ) : (
              data.deductions.map((d, i) => (
                <tr key={`${d.findingId}-${i}`}>
                  <td className="num">{i + 1}</td>
                  <td>{d.item}</td>
                  <td>
                    <div>
                      {d.title}
                      {d.elementTitle ? `${fmt.colon}${t('finding.missing', { what: d.elementTitle })}` : ''}
                      {d.partTitle || d.part ? `${fmt.colon}${d.partTitle ?? d.part}` : ''}
                    </div>
                    {d.value !== null ? <div data-testid={`sheet-value-${d.findingId}`}>{t('finding.valueShown', { value: d.value })}</div> : null}
                    {d.picked !== null ? <div data-testid={`sheet-picked-${d.findingId}`}>{t('finding.picked', { points: fmt.points(d.picked) })}</div> : null}
                    {d.household ? (
                      <div>
                        {t('finding.household')}
                        {fmt.colon}
                        {d.household}
                      </div>
                    ) : null}
                    {d.note ? <div>{d.note}</div> : null}
                  </td>
                  <td className="num">{fmt.int(d.count)}</td>
                  <td className="num">{d.bonus ? `+${fmt.points(d.amount)}` : fmt.delta(-d.amount)}</td>
                  <td style={{ fontSize: '0.9em' }}>
                    {d.evidence.length === 0
                      ? '—'
                      : d.evidence.map((e) => (
                          <div key={e.id}>
                            {t('sheet.evidenceRef', { id: e.id })} {e.filename}
                            {e.takenAt ? fmt.paren(fmt.date(e.takenAt)) : ''}
                          </div>
                        ))}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>

        <table style={{ marginTop: 10 }} data-testid="sheet-totals">
          <tbody>
            <tr className="total-row">
              <td>
                {t('score.base')}
                {fmt.colon}
                {fmt.points(data.totals.base)} / {fmt.points(data.totals.max)}
              </td>
              <td>
                {t('score.bonus')}
                {fmt.colon}
                {fmt.points(data.totals.bonus)} / {fmt.points(data.totals.bonusMax)}
              </td>
              <td>
                {t('score.total')}
                {fmt.colon}
                <span data-testid="sheet-total">{fmt.points(data.totals.total)}</span>
              </td>
              <td data-testid="sheet-rank">
                {data.rank
                  ? t('sheet.rank', { county: data.rank.county, countyOf: data.rank.countyOf, township: data.rank.township, townshipOf: data.rank.townshipOf ?? '—' })
                  : data.unranked === 'unpublished'
                    ? t('sheet.noRankUnpublished')
                    : data.unranked === 'unassessed'
                      ? t('sheet.noRankUnassessed')
                      : t('sheet.noRank')}
              </td>
            </tr>
            {data.grade || data.veto ? (
              <tr>
                <td colSpan={4}>
                  {data.grade ? `${t('score.grade')}${fmt.colon}${data.grade.title}` : ''} {data.veto ? t('score.veto', { items: data.veto.items.join(', ') }) : ''}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>

        {data.explanation.length ? (
          <>
            <h3 style={{ margin: '14px 0 4px' }}>{t('sheet.explanation')}</h3>
            <ol className="sheet-explain">
              {data.explanation.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ol>
          </>
        ) : null}

        <div className="sheet-signatures">
          <div>{t('sheet.signInspectors')}</div>
          <div>{t('sheet.signVillage')}</div>
          <div>{t('sheet.signReviewer')}</div>
        </div>
        <div style={{ marginTop: 12, textAlign: 'right' }}>{t('sheet.printedOn', { date: fmt.date(h.date) })}</div>
      </div>
    </div>
  );
}
