/** Step 2, work teams: each village's resident team (工作队) and its members, and the leader's "ten ones" of the year. */
import { addDays, isoDate, type DemoContext, type Village } from './context.ts';
import type { DemoData } from './model.ts';
import { TEN_ONES, UNITS } from './words.ts';

/**
 * Each village's work team from a county unit, two to four members: the leader (most often also
 * the first secretary) first. Sets the villages' leader, secretary and team members.
 */
export function buildWorkTeams(ctx: DemoContext, villages: Village[]): Pick<DemoData, 'workTeams' | 'teamMembers'> {
  const { year } = ctx;
  const workTeams: DemoData['workTeams'] = [];
  const teamMembers: DemoData['teamMembers'] = [];
  for (const v of villages) {
    const r = v.rng.fork('team');
    const unit = r.pick(UNITS);
    const teamStart = isoDate(year - r.int(1, 3), r.int(2, 4), 1);
    workTeams.push({ village_code: v.code, sending_unit: unit, start_date: teamStart, end_date: null });
    const size = r.int(2, 4);
    const leaderIsSecretary = r.chance(0.75);
    for (let k = 0; k < size; k++) {
      const p = ctx.staff(r, k === 0 ? (r.chance(0.8) ? 'M' : 'F') : undefined);
      const isLeader = k === 0;
      const isSecretary = isLeader ? leaderIsSecretary : !leaderIsSecretary && k === 1;
      v.teamMembers.push(p);
      if (isLeader) v.leader = p;
      else if (isSecretary) v.secretary = p;
      teamMembers.push({
        village_code: v.code,
        name: p.name,
        id_number: p.idNumber,
        is_leader: isLeader ? 1 : 0,
        is_first_secretary: isSecretary ? 1 : 0,
        phone: p.phone,
        start_date: k === 0 ? teamStart : addDays(teamStart, r.int(0, 200)),
        end_date: null,
      });
    }
  }
  return { workTeams, teamMembers };
}

/** The team leader's "ten ones" (十个一), a typical county list: poor villages leave some undone (2.4.1). */
export function buildLeaderDuties(ctx: DemoContext, villages: Village[]): DemoData['leaderDuties'] {
  const { year } = ctx;
  const leaderDuties: DemoData['leaderDuties'] = [];
  for (const v of villages) {
    const lr = v.rng.fork('ten-ones');
    for (const [element, title] of TEN_ONES) {
      leaderDuties.push({ village_code: v.code, year, element, title, done: lr.chance(0.998 - (1 - v.quality) * 0.15) ? 1 : 0, note: null });
    }
  }
  return leaderDuties;
}
