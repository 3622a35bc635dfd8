/** The columns of a city's or a province's county table (the rankings and overview pages). */
/**
 * The counties' average and median totals, the one they are ranked by in bold (the office's
 * KAOHE_COUNTY_RANKING; a snapshot taken before the median was kept has the average only).
 */
export function countyTotalColumns(basis: 'average' | 'median', t: (key: string) => string, fmt: { points: (v: number | undefined) => string }) {
  const shown = (v: number | undefined, by: boolean) => (v === undefined ? '' : by ? <b>{fmt.points(v)}</b> : fmt.points(v));
  return [
    {
      title: t('rankings.averageTotal'),
      dataIndex: 'averageTotal',
      key: 'averageTotal',
      align: 'right' as const,
      render: (v: number) => shown(v, basis === 'average'),
    },
    {
      title: t('rankings.medianTotal'),
      dataIndex: 'medianTotal',
      key: 'medianTotal',
      align: 'right' as const,
      render: (v: number | undefined) => shown(v, basis === 'median'),
    },
  ];
}

/** What the counties are ranked by, in words (按参评村平均总分排名 / 按参评村总分中位数排名). */
export function countyBasisText(basis: 'average' | 'median' | undefined, t: (key: string, options?: Record<string, unknown>) => string): string {
  return t('rankings.countyBasis', { what: t(basis === 'median' ? 'rankings.medianTotal' : 'rankings.averageTotal') });
}
