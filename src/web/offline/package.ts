/**
 * The offline package (下载离线包): every assessment of the inspector's villages in a campaign,
 * read from the server with the scheme version and the village's attributes the live score
 * needs, and kept on the phone, so each opens without a network in the village.
 */
import { api } from '../lib/api.ts';
import { fetchSchemeVersion, schemeForAssessment } from '../lib/scoring.ts';
import type { AssessmentDetail } from '../lib/types.ts';
import { keepForOffline } from './runner.ts';
import { setMeta, type KeptAssessment } from './store.ts';

/** The village as the engine needs it: from the registry, else as the assessment names it. */
export async function villageOf(a: AssessmentDetail): Promise<KeptAssessment['village']> {
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

/** Reads and keeps the assessments `ids`, one after another; `onProgress(done)` after each. Throws on the first failure. */
export async function downloadPackage(userId: number, ids: number[], lang: 'zh' | 'en', onProgress: (done: number) => void): Promise<number> {
  let done = 0;
  for (const id of ids) {
    const a = await api.get<AssessmentDetail>(`/assessments/${id}`, { lang });
    const [s, village] = await Promise.all([schemeForAssessment(a), villageOf(a)]);
    await keepForOffline(userId, a, (await fetchSchemeVersion(s.versionId)).body, village);
    onProgress(++done);
  }
  await setMeta('package', { count: done, at: new Date().toISOString() });
  return done;
}
