/**
 * A final campaign's combined result for this village (综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分),
 * beside its own score: the combined score, its ranks and the explanation part by part, as the
 * ranking computes it (GET /api/campaigns/:id/combined/:village). Published results for everyone;
 * before publication the county office sees its preview, others nothing.
 */
import { useEffect, useState } from 'react';
import { Divider, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.tsx';
import { useFormat } from '../../lib/format.ts';
import { can } from '../../lib/roles.ts';
import type { AssessmentDetail } from '../../lib/types.ts';
import type { CombinedAnswer } from '../../../contract/campaigns.ts';

export function CombinedResult({ a }: { a: AssessmentDetail }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const preview = a.status !== 'published';
  const may = a.combines && (!preview || can.previewRanking(user.role));
  const [combined, setCombined] = useState<CombinedAnswer | null>(null);
  useEffect(() => {
    setCombined(null);
    if (!may) return;
    const abort = new AbortController();
    // Not in the combined ranking yet (a draft, a result not handed in): nothing to show.
    api.get<CombinedAnswer>(`/campaigns/${a.campaignId}/combined/${a.village.code}`, preview ? { preview: 1 } : undefined, abort.signal).then(setCombined, () => undefined);
    return () => abort.abort();
  }, [may, preview, a.campaignId, a.village.code, a.version]);
  if (!may || !combined) return null;
  const lines = i18n.language.startsWith('en') ? combined.explanation.en : combined.explanation.zh;
  return (
    <div data-testid="combined-result">
      <Divider style={{ margin: '12px 0' }} />
      <div>
        <b>{t('combined.title')}</b> {combined.basis === 'preview' ? <Tag>{t('combined.preview')}</Tag> : null}
      </div>
      <div>
        <b className="score-total" data-testid="combined-total">
          {fmt.points(combined.total)}
        </b>{' '}
        <span className="muted">{t('combined.ranks', { county: combined.countyRank, township: combined.townshipRank })}</span>
      </div>
      <ul style={{ paddingInlineStart: 18, margin: '4px 0 0' }} data-testid="combined-lines">
        {lines.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
