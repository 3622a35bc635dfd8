/**
 * What a city's or a province's ranking ranks its counties by (core/ranking `rankGroups`):
 * KAOHE_COUNTY_RANKING, `average` (the default) or `median`. Read when asked, as the other
 * settings of the environment are; a value not one of them stops the server and the commands at
 * start, naming the variable.
 */
import { KaoheError } from '../core/errors.ts';
import { GROUP_BASES, type GroupBasis } from '../core/ranking/ranking.ts';

export function countyRankingBasis(env: NodeJS.ProcessEnv = process.env): GroupBasis {
  const v = env.KAOHE_COUNTY_RANKING?.trim();
  if (!v) return 'average';
  if ((GROUP_BASES as readonly string[]).includes(v)) return v as GroupBasis;
  throw new KaoheError('validation', `KAOHE_COUNTY_RANKING: "${v}" is not one of ${GROUP_BASES.join(', ')} (what counties are ranked by)`);
}
