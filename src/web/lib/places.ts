/** The registry's townships and villages as the pages' selects need them: names by code, and options grouped by township. */
import { useMemo } from 'react';
import { useApi } from './hooks.ts';
import type { Area } from './types.ts';
import type { AreasAnswer } from '../../contract/index.ts';

export interface Places {
  names: Map<string, string>;
  townships: Array<{ value: string; label: string }>;
  villages: Array<{ label: string; options: Array<{ value: string; label: string }> }>;
}

/** Townships and villages of the registry: names by code, and the options of the scope selects. */
export function usePlaces(): Places & { loading: boolean } {
  const { data, loading } = useApi<AreasAnswer>('/areas');
  const places = useMemo(() => {
    const names = new Map<string, string>();
    const townships: Places['townships'] = [];
    const villages: Places['villages'] = [];
    const go = (a: Area) => {
      names.set(a.code, a.name);
      if (a.level === 'township') {
        townships.push({ value: a.code, label: a.name });
        const own = (a.children ?? []).filter((c) => c.level === 'village');
        own.forEach((c) => names.set(c.code, c.name));
        if (own.length) villages.push({ label: a.name, options: own.map((c) => ({ value: c.code, label: c.name })) });
      } else a.children?.forEach(go);
    };
    (data?.areas ?? []).forEach(go);
    return { names, townships, villages };
  }, [data]);
  return { ...places, loading };
}
