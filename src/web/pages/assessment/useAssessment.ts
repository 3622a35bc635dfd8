/**
 * Loading one village's assessment with what the live score needs: the campaign's frozen scheme
 * (built in the browser from the data the server validated) and the village's attributes (the
 * unit the engine scores). Each copy read from the server is kept on the phone for whoever
 * records findings (docs/offline.md); without a network the kept copy is shown. Either way the
 * phone's queued changes are laid over it (`changes`: this assessment's queue).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.tsx';
import { can } from '../../lib/roles.ts';
import { fetchSchemeVersion, schemeForAssessment, schemeOfVersion, unitOf, type Scheme } from '../../lib/scoring.ts';
import type { AssessmentDetail } from '../../lib/types.ts';
import type { Unit } from '../../../core/scoring/score.ts';
import type { Change } from '../../offline/changes.ts';
import { keepForOffline, keptCopy, localView, onQueueChanged, setReachable } from '../../offline/runner.ts';
import { villageOf } from '../../offline/package.ts';
import type { KeptAssessment } from '../../offline/store.ts';

export interface AssessmentState {
  /** The assessment as shown: the server's copy with the phone's queued changes over it. */
  assessment: AssessmentDetail | undefined;
  /** The server's copy as last read (the version changes are made on). */
  server: AssessmentDetail | undefined;
  /** This assessment's changes in the phone's queue. */
  changes: Change[];
  /** Shown from the copy kept on the phone: the server cannot be reached. */
  offline: boolean;
  /** When the shown copy was read from the server (offline only). */
  savedAt: string | undefined;
  scheme: Scheme | undefined;
  schemeVersionId: number | undefined;
  unit: Unit | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  /** Lays the queue over the copy read last, without asking the server (after a change is queued). */
  relay: () => Promise<void>;
}

/** Loads by assessment id, or by campaign and village code (the route /campaigns/:id/villages/:code). */
export function useAssessment(target: { id: number } | { campaignId: number; village: string }, lang: 'zh' | 'en'): AssessmentState {
  const user = useUser();
  const [server, setServer] = useState<AssessmentDetail>();
  const [assessment, setAssessment] = useState<AssessmentDetail>();
  const [changes, setChanges] = useState<Change[]>([]);
  const [offline, setOffline] = useState(false);
  const [savedAt, setSavedAt] = useState<string>();
  const [scheme, setScheme] = useState<Scheme>();
  const [schemeVersionId, setSchemeVersionId] = useState<number>();
  const [unit, setUnit] = useState<Unit>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(true);
  const key = 'id' in target ? `a${target.id}` : `c${target.campaignId}v${target.village}`;
  const latest = useRef(0);
  const serverRef = useRef<AssessmentDetail | undefined>(undefined);
  // The village as read once (the unit is made from it), also kept with each copy on the phone.
  const villageRef = useRef<KeptAssessment['village'] | undefined>(undefined);
  const keeps = can.record(user.role);

  const show = useCallback(
    async (detail: AssessmentDetail, ticket: number) => {
      const view = keeps ? await localView(detail, user) : { detail, changes: [] };
      if (ticket !== latest.current) return;
      serverRef.current = detail;
      setServer(detail);
      setAssessment(view.detail);
      setChanges(view.changes);
    },
    [keeps, user],
  );

  const fromPhone = useCallback(
    async (ticket: number): Promise<boolean> => {
      const kept = keeps ? await keptCopy(target).catch(() => undefined) : undefined;
      if (!kept || kept.userId !== user.id || ticket !== latest.current) return false;
      setScheme(schemeOfVersion(kept.schemeVersion));
      setSchemeVersionId(kept.schemeVersion.id);
      villageRef.current = kept.village;
      setUnit(unitOf(kept.village));
      setOffline(true);
      setSavedAt(kept.savedAt);
      await show(kept.detail, ticket);
      return true;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, keeps, user, show],
  );

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const path = 'id' in target ? `/assessments/${target.id}` : `/campaigns/${target.campaignId}/villages/${target.village}/assessment`;
      const a = await api.get<AssessmentDetail>(path, { lang });
      if (ticket !== latest.current) return;
      setReachable(true);
      // The scheme and the village change rarely: fetched once per assessment, side by side (not
      // again at each reload after a change; the scheme version's data is cached in the page).
      const needScheme = !scheme || schemeVersionId === undefined || scheme.id !== a.scheme.id || scheme.version !== a.scheme.version;
      const [s, village] = await Promise.all([needScheme ? schemeForAssessment(a) : undefined, villageRef.current ? undefined : villageOf(a)]);
      if (ticket !== latest.current) return;
      if (s) {
        setScheme(s.scheme);
        setSchemeVersionId(s.versionId);
      }
      if (village) {
        villageRef.current = village;
        setUnit(unitOf(village));
      }
      setOffline(false);
      setSavedAt(undefined);
      setError(undefined);
      const versionId = s?.versionId ?? schemeVersionId;
      if (keeps && versionId !== undefined && villageRef.current) await keepForOffline(user.id, a, (await fetchSchemeVersion(versionId)).body, villageRef.current);
      await show(a, ticket);
    } catch (e) {
      if (ticket !== latest.current) return;
      // No network: the copy kept on the phone, if there is one.
      if (e instanceof ApiError && e.status === 0) {
        setReachable(false);
        if (await fromPhone(ticket)) {
          setError(undefined);
          return;
        }
      }
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, lang, scheme, schemeVersionId, keeps, fromPhone, show]);

  const relay = useCallback(async () => {
    if (serverRef.current) await show(serverRef.current, latest.current);
  }, [show]);

  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, lang]);

  // After a sync the server's copy (kept by the sync) is read again: from the server when it answers.
  useEffect(() => onQueueChanged(() => void load()), [load]);

  return { assessment, server, changes, offline, savedAt, scheme, schemeVersionId, unit, error, loading, reload: load, relay };
}
