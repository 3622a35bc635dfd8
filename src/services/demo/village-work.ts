/** Step 5, the team's work in the village: its meetings, duty days, reports filed, and attendance at county and township meetings. */
import { addDays, daysInMonth, isoDate, pad, weekday, type DemoContext, type Village } from './context.ts';
import type { Row } from './model.ts';
import { LEADER_MEETING_TOPICS, TOPIC_MEETINGS, TOWNSHIPS } from './words.ts';

/** Topic meetings monthly and leader meetings weekly (Monday to Wednesday); poor villages skip some and keep fewer minutes. */
export function buildMeetings(ctx: DemoContext, villages: Village[]): Row<'meetings'>[] {
  const { year } = ctx;
  const meetings: Row<'meetings'>[] = [];
  for (const v of villages) {
    const r = v.rng.fork('meetings');
    for (let m = 1; m <= 12; m++) {
      if (r.chance((1 - v.quality) * 0.3)) continue;
      meetings.push({
        village_code: v.code,
        kind: 'topic',
        date: isoDate(year, m, r.int(5, 25)),
        has_minutes: r.chance(0.55 + 0.45 * v.quality) ? 1 : 0,
        topic: TOPIC_MEETINGS[m - 1]!,
        attendees: r.int(6, 18),
      });
    }
    // Each Monday-started week: a meeting on Monday to Wednesday.
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= daysInMonth(year, m); d++) {
        if (weekday(year, m, d) !== 1) continue;
        if (r.chance((1 - v.quality) * 0.2)) continue;
        const date = addDays(
          isoDate(year, m, d),
          r.weighted([
            [0, 6],
            [1, 2],
            [2, 1],
          ] as const),
        );
        if (date > isoDate(year, 12, 31)) continue;
        meetings.push({
          village_code: v.code,
          kind: 'leader',
          date,
          has_minutes: r.chance(0.6 + 0.4 * v.quality) ? 1 : 0,
          topic: r.pick(LEADER_MEETING_TOPICS),
          attendees: v.teamMembers.length + r.int(1, 3),
        });
      }
    }
  }
  return meetings;
}

/** Duty days: each team member each month, with approved leave and official trips; good villages >= 20, poor ones short months. */
export function buildDutyDays(ctx: DemoContext, villages: Village[]): Row<'duty_days'>[] {
  const { year } = ctx;
  const dutyDays: Row<'duty_days'>[] = [];
  for (const v of villages) {
    const dr = v.rng.fork('duty');
    for (const p of v.teamMembers) {
      for (let m = 1; m <= 12; m++) {
        const dim = daysInMonth(year, m);
        const short = dr.chance((1 - v.quality) * 0.5 + 0.01);
        const days = short ? dr.int(10, 19) : dr.int(20, Math.min(26, dim));
        // Approved leave and official trips (on duty by the rules): most short months have some.
        const leave = short && dr.chance(0.6) ? dr.int(1, 20 - days) : dr.chance(0.08) ? dr.int(1, 2) : 0;
        const trips = dr.chance(short ? 0.3 : 0.1) ? Math.min(dr.int(1, 3), dim - days - leave) : 0;
        dutyDays.push({
          village_code: v.code,
          person_name: p.name,
          person_id_number: p.idNumber,
          month: `${year}-${pad(m)}`,
          days,
          leave_days: leave,
          trip_days: trips,
        });
      }
    }
  }
  return dutyDays;
}

/**
 * Reports: a monthly report due the 5th of the next month (December's summary by the 25th), and
 * two ad-hoc ones; poor villages file late, get reports returned or miss them.
 */
export function buildReports(ctx: DemoContext, villages: Village[]): Row<'reports'>[] {
  const { year } = ctx;
  const reports: Row<'reports'>[] = [];
  for (const v of villages) {
    const rr = v.rng.fork('reports');
    const due: Array<[string, string]> = [];
    for (let m = 1; m <= 11; m++) due.push([`${m}月份扶贫月报`, isoDate(year, m + 1, 5)]);
    due.push([`${year}年度脱贫攻坚工作总结`, isoDate(year, 12, 25)]);
    due.push(['建档立卡动态管理数据更新', isoDate(year, 6, 30)]);
    due.push(['扶贫手册填写情况自查报告', isoDate(year, 9, 15)]);
    for (const [title, deadline] of due) {
      const bad = 1 - v.quality;
      const outcome = rr.weighted([
        ['on-time', 1],
        ['late', bad * 0.35],
        ['returned', bad * 0.15],
        ['missing', bad * 0.08],
      ] as const);
      const submitted = outcome === 'missing' ? null : outcome === 'late' ? addDays(deadline, rr.int(1, 12)) : addDays(deadline, -rr.int(0, 4));
      reports.push({
        village_code: v.code,
        title,
        deadline,
        submitted_date: submitted,
        status: outcome,
        note: outcome === 'returned' ? rr.pick(['数据与系统不一致，退回修改', '漏填帮扶措施，退回修改', '未经专职副书记审核，退回']) : null,
      });
    }
  }
  return reports;
}

/** The county's meetings (in the even months and November) and each township's quarterly ones, with their dates. */
function countyMeetingsOf(ctx: DemoContext): CountyMeeting[] {
  const { year } = ctx;
  const countyMeetings: CountyMeeting[] = [];
  const r = ctx.rng.fork('county-meetings');
  const names = ['全县脱贫攻坚推进会', '全县脱贫攻坚调度会', '全县扶贫工作培训会', '全县脱贫攻坚问题整改会', '全县扶贫领域作风建设会'];
  for (let m = 2; m <= 12; m += 1) {
    if (m % 2 === 1 && m !== 11) continue;
    countyMeetings.push({ name: r.pick(names), organiser: '县扶贫开发领导小组', date: isoDate(year, m, r.int(3, 25)) });
  }
  for (const t of TOWNSHIPS) {
    for (let m = 1; m <= 12; m++) {
      if (m % 3 !== 0) continue;
      countyMeetings.push({ name: `${t.name}脱贫攻坚季度推进会`, organiser: `${t.name}人民政府`, date: isoDate(year, m, r.int(5, 25)), township: t.code });
    }
  }
  return countyMeetings;
}

interface CountyMeeting {
  name: string;
  organiser: string;
  date: string;
  /** A township's meeting: only its villages are called. */
  township?: string;
}

/** The leader's and first secretary's attendance at the county's meetings and their township's quarterly ones. */
export function buildMeetingAttendance(ctx: DemoContext, villages: Village[]): Row<'meeting_attendance'>[] {
  const meetingAttendance: Row<'meeting_attendance'>[] = [];
  const countyMeetings = countyMeetingsOf(ctx);
  for (const v of villages) {
    const r = v.rng.fork('attendance');
    const people = [v.leader, ...(v.secretary ? [v.secretary] : [])];
    for (const mt of countyMeetings) {
      if (mt.township && mt.township !== v.townshipCode) continue;
      for (const p of people) {
        const bad = 1 - v.quality;
        const status = r.weighted([
          ['attended', 1],
          ['leave', 0.04 + bad * 0.2],
          ['absent', bad * 0.12],
        ] as const);
        meetingAttendance.push({ village_code: v.code, meeting: mt.name, organiser: mt.organiser, date: mt.date, person_name: p.name, status });
      }
    }
  }
  return meetingAttendance;
}
