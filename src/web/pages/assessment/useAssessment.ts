/**
 * Loading one village's assessment with what the live score needs: the campaign's frozen scheme
 * (built in the browser from the data the server validated) and the village's attributes (the
 * unit the engine scores).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiError } from '../../lib/api.ts';
import { schemeForAssessment, unitOf, type Scheme } from '../../lib/scoring.ts';
import type { AssessmentDetail } from '../../lib/types.ts';
import type { Unit } from '../../../core/scoring/score.ts';

export interface AssessmentState {
  assessment: AssessmentDetail | undefined;
  scheme: Scheme | undefined;
  schemeVersionId: number | undefined;
  unit: Unit | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** The village as the engine needs it: from the registry, else as the assessment names it. */
async function villageOf(a: AssessmentDetail): Promise<Parameters<typeof unitOf>[0]> {
  try {
    const v = await api.get<{ name: string; povertyVillage?: boolean; plannedExitYear?: number | null; exitYear?: number | null; population?: number | null }>(
      `/villages/${a.village.code}`,
    );
    return { ...v, name: a.village.name };
  } catch {
    // Readers outside the registry's reach score with what the assessment says of the village.
    return { name: a.village.name, povertyVillage: a.village.povertyVillage };
  }
}

/** Loads by assessment id, or by campaign and village code (the route /campaigns/:id/villages/:code). */
export function useAssessment(target: { id: number } | { campaignId: number; village: string }, lang: 'zh' | 'en'): AssessmentState {
  const [assessment, setAssessment] = useState<AssessmentDetail>();
  const [scheme, setScheme] = useState<Scheme>();
  const [schemeVersionId, setSchemeVersionId] = useState<number>();
  const [unit, setUnit] = useState<Unit>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(true);
  const key = 'id' in target ? `a${target.id}` : `c${target.campaignId}v${target.village}`;
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const path = 'id' in target ? `/assessments/${target.id}` : `/campaigns/${target.campaignId}/villages/${target.village}/assessment`;
      const a = await api.get<AssessmentDetail>(path, { lang });
      if (ticket !== latest.current) return;
      setAssessment(a);
      setError(undefined);
      // The scheme and the village change rarely: fetched once per assessment, side by side.
      const needScheme = !scheme || scheme.id !== a.scheme.id || scheme.version !== a.scheme.version;
      const [s, village] = await Promise.all([needScheme ? schemeForAssessment(a) : undefined, unit ? undefined : villageOf(a)]);
      if (ticket !== latest.current) return;
      if (s) {
        setScheme(s.scheme);
        setSchemeVersionId(s.versionId);
      }
      if (village) setUnit(unitOf(village));
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, lang, scheme, unit]);

  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, lang]);

  return { assessment, scheme, schemeVersionId, unit, error, loading, reload: load };
}
