/** Step 1, areas: the county, its 3 townships and 30 villages, half of them poverty villages with their exit plans. */
import type { DemoContext, Person, Village } from './context.ts';
import type { DemoSummary, Row } from './model.ts';
import { COUNTY, TOWNSHIPS, VILLAGE_NAMES } from './words.ts';

export interface AreasStep {
  areas: Row<'areas'>[];
  /** The villages, in code order, each with its quality and its own random sequence; their people come in later steps. */
  villages: Village[];
  summary: Omit<DemoSummary['villages'], 'total'>;
}

/**
 * The county, townships and villages. Every village draws a quality (18 good, 9 middling, 3
 * poor, as a county's results spread: most villages do the work well); of the 15 poverty villages, five plan to exit in each of the last three years, and the
 * one or two weakest due this year do not (item 2.6.1).
 */
export function buildAreas(ctx: DemoContext): AreasStep {
  const { year } = ctx;
  const root = ctx.rng;
  const areaRng = root.fork('areas');
  const areas: Row<'areas'>[] = [
    { code: COUNTY.code, level: 'county', name: COUNTY.name, parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
  ];
  for (const t of TOWNSHIPS)
    areas.push({ code: t.code, level: 'township', name: t.name, parent_code: COUNTY.code, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null });

  const villageSlots: Array<{ code: string; name: string; townshipCode: string }> = [];
  TOWNSHIPS.forEach((t, ti) => {
    VILLAGE_NAMES[ti]!.forEach((name, vi) => villageSlots.push({ code: t.code.slice(0, 9) + String(201 + vi), name, townshipCode: t.code }));
  });
  const povertyIdx = new Set(
    areaRng.sample(
      villageSlots.map((_, i) => i),
      15,
    ),
  );
  // Quality tiers, shuffled: 18 good, 9 middling, 3 poor.
  const tiers = areaRng.shuffle([...Array(18).fill('good'), ...Array(9).fill('mid'), ...Array(3).fill('poor')] as string[]);
  const qualities = tiers.map((t) => (t === 'good' ? areaRng.float(0.88, 0.98) : t === 'mid' ? areaRng.float(0.75, 0.88) : areaRng.float(0.5, 0.7)));
  // Planned exit years of the poverty villages: five each in year-2, year-1 and year.
  const povertyList = [...povertyIdx].sort((a, b) => a - b);
  const planned = areaRng.shuffle([...Array(5).fill(year - 2), ...Array(5).fill(year - 1), ...Array(5).fill(year)] as number[]);
  const plannedOf = new Map(povertyList.map((idx, k) => [idx, planned[k]!]));
  // Of those due this year, the one or two with the weakest work do not exit (item 2.6.1).
  const dueThisYear = povertyList.filter((i) => plannedOf.get(i) === year).sort((a, b) => qualities[a]! - qualities[b]! || a - b);
  const notExiting = new Set(dueThisYear.slice(0, areaRng.int(1, 2)));

  const villages: Village[] = [];
  let villagesExited = 0;
  villageSlots.forEach((slot, i) => {
    const poverty = povertyIdx.has(i);
    let plannedExit: number | null = null;
    let exitYear: number | null = null;
    if (poverty) {
      plannedExit = plannedOf.get(i)!;
      if (!notExiting.has(i)) exitYear = plannedExit < year && areaRng.chance(0.15) ? plannedExit + 1 : plannedExit;
      if (exitYear !== null) villagesExited++;
    }
    areas.push({
      code: slot.code,
      level: 'village',
      name: slot.name,
      parent_code: slot.townshipCode,
      poverty_village: poverty ? 1 : 0,
      planned_exit_year: plannedExit,
      exit_year: exitYear,
      population: poverty ? areaRng.int(1500, 3000) : areaRng.int(800, 2500),
    });
    villages.push({
      ...slot,
      poverty,
      quality: Math.round(qualities[i]! * 1000) / 1000,
      rng: root.fork(`village:${slot.code}`),
      leader: undefined as unknown as Person,
      secretary: null,
      teamMembers: [],
      helpers: [],
    });
  });

  return { areas, villages, summary: { poverty: povertyIdx.size, exited: villagesExited, dueNotExited: notExiting.size } };
}
