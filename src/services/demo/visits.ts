/** Step 4, visits: helpers visit their households about weekly (four windows a month), the team leader about monthly. */
import { daysInMonth, isoDate, type DemoContext, type HouseholdsByVillage, type Village } from './context.ts';
import type { DemoData } from './model.ts';
import { VISIT_CONTENT } from './words.ts';

/**
 * The year's visits to each household: its helper of the day in each of four windows a month
 * (poor villages let months slide and miss weeks), and the leader once a month, sometimes twice.
 */
export function buildVisits(ctx: DemoContext, villages: Village[], householdsOf: HouseholdsByVillage): DemoData['visits'] {
  const { year } = ctx;
  const visits: DemoData['visits'] = [];
  for (const v of villages) {
    const r = v.rng.fork('visits');
    // Months a helper lets slide (poor villages).
    const lapses = new Map<string, Set<number>>();
    for (const p of v.helpers) {
      const s = new Set<number>();
      for (let m = 1; m <= 12; m++) if (r.chance((1 - v.quality) ** 2 * 0.5)) s.add(m);
      lapses.set(p.idNumber, s);
    }
    for (const d of householdsOf.get(v.code) ?? []) {
      const diligence = Math.max(0, Math.min(1, v.quality + r.float(-0.12, 0.08)));
      const missWeek = Math.max(0, 0.93 - diligence) * 0.75;
      for (let m = 1; m <= 12; m++) {
        const dim = daysInMonth(year, m);
        const windows: Array<[number, number]> = [
          [1, 7],
          [8, 14],
          [15, 21],
          [22, dim],
        ];
        for (const [a, b] of windows) {
          const date = isoDate(year, m, r.int(a, b));
          const helper = d.assignments.find((x) => x.start <= date && (x.end === null || date <= x.end))?.helper;
          if (!helper || lapses.get(helper.idNumber)!.has(m) || r.chance(missWeek)) continue;
          visits.push({ household_no: d.no, visitor_role: 'helper', visitor_name: helper.name, visitor_id_number: helper.idNumber, date, content: r.pick(VISIT_CONTENT) });
        }
        // The team leader: once a month in good villages, sometimes twice; poor ones skip months.
        if (r.chance(0.45 + 0.55 * v.quality)) {
          const day = r.int(1, dim);
          visits.push({
            household_no: d.no,
            visitor_role: 'leader',
            visitor_name: v.leader.name,
            visitor_id_number: v.leader.idNumber,
            date: isoDate(year, m, day),
            content: r.pick(VISIT_CONTENT),
          });
          if (r.chance(0.3 * v.quality)) {
            const day2 = ((day - 1 + r.int(7, 20)) % dim) + 1;
            visits.push({
              household_no: d.no,
              visitor_role: 'leader',
              visitor_name: v.leader.name,
              visitor_id_number: v.leader.idNumber,
              date: isoDate(year, m, day2),
              content: r.pick(VISIT_CONTENT),
            });
          }
        }
      }
    }
  }
  return visits;
}
