/** The campaign a page is about: chosen once, remembered, the latest by default. */
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format.ts';
import { useApi, useStored } from '../lib/hooks.ts';
import type { CampaignSummary } from '../lib/types.ts';
import { setQuery, useRoute } from '../lib/router.tsx';

/** Campaigns, newest first. */
export function toCampaigns(body: unknown): CampaignSummary[] {
  return ((body as { campaigns?: CampaignSummary[] })?.campaigns ?? []).slice();
}

export function useCampaigns() {
  return useApi<CampaignSummary[]>('/campaigns', undefined, toCampaigns);
}

/** The current campaign: ?campaign= in the URL, else the remembered one, else the newest. */
export function useCurrentCampaign(): {
  campaigns: CampaignSummary[] | undefined;
  current: CampaignSummary | undefined;
  setCurrent: (id: number) => void;
  loading: boolean;
  error: ReturnType<typeof useCampaigns>['error'];
  reload: () => void;
} {
  const { data, loading, error, reload } = useCampaigns();
  const route = useRoute();
  const [stored, setStored] = useStored<number | null>('kaohe.campaign', null);
  const fromUrl = Number(route.query.get('campaign') ?? NaN);
  const wanted = Number.isFinite(fromUrl) ? fromUrl : stored;
  const current = data?.find((c) => c.id === wanted) ?? data?.[0];
  const setCurrent = (id: number) => {
    setStored(id);
    if (route.query.has('campaign')) setQuery({ campaign: id });
  };
  return { campaigns: data, current, setCurrent, loading, error, reload };
}

export function CampaignPicker({ campaigns, value, onChange }: { campaigns: CampaignSummary[] | undefined; value: number | undefined; onChange: (id: number) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Select
      data-testid="campaign-picker"
      aria-label={t('campaigns.choose')}
      style={{ minWidth: 200, maxWidth: '100%' }}
      placeholder={t('campaigns.choose')}
      value={value}
      onChange={onChange}
      options={(campaigns ?? []).map((c) => ({ value: c.id, label: `${c.name}${fmt.paren(c.year)}` }))}
      loading={!campaigns}
    />
  );
}
