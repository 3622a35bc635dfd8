/** Choosing a village (grouped by township) for the registry's filters. */
import { useMemo } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/hooks.ts';
import type { Area } from '../../lib/types.ts';

/** The villages the user may see, by township. */
export function useVillageOptions() {
  const { data, loading } = useApi<{ areas: Area[] }>('/areas');
  const options = useMemo(() => {
    const groups: Array<{ label: string; options: Array<{ value: string; label: string }> }> = [];
    const go = (a: Area) => {
      if (a.level === 'township') {
        const villages = (a.children ?? []).filter((c) => c.level === 'village').map((c) => ({ value: c.code, label: c.name }));
        if (villages.length) groups.push({ label: a.name, options: villages });
      } else a.children?.forEach(go);
    };
    (data?.areas ?? []).forEach(go);
    return groups;
  }, [data]);
  return { options, loading };
}

export function VillageSelect({ value, onChange, allowClear = true }: { value: string | undefined; onChange: (v: string | undefined) => void; allowClear?: boolean }) {
  const { t } = useTranslation();
  const { options, loading } = useVillageOptions();
  return (
    <Select
      showSearch
      allowClear={allowClear}
      optionFilterProp="label"
      placeholder={t('village.all')}
      aria-label={t('common.village')}
      style={{ width: 200 }}
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      options={options}
      loading={loading}
      data-testid="village-select"
    />
  );
}
