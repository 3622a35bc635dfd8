/**
 * Step 6, the records of the households: survey answers, Rain-and-Dew students, the publicity of
 * entries and exits, petitions, and the households' handbooks beside the registry.
 */
import { addDays, isoDate, pad, type DemoContext, type HouseholdDraft, type HouseholdsByVillage, type Village } from './context.ts';
import type { DemoData } from './model.ts';
import { AWARENESS_TOPICS, PETITION_SUMMARIES, SATISFACTION_TOPICS, SCHOOLS_HIGHER, SCHOOLS_UNIVERSITY, SCHOOLS_VOCATIONAL, STAGES } from './words.ts';

/** Survey answers of a fifth of each village's households (at least three): policy awareness and satisfaction. */
export function buildSurveys(ctx: DemoContext, villages: Village[], householdsOf: HouseholdsByVillage): DemoData['surveys'] {
  const { year } = ctx;
  const surveys: DemoData['surveys'] = [];
  for (const v of villages) {
    const list = householdsOf.get(v.code) ?? [];
    const sr = v.rng.fork('surveys');
    const sample = sr.sample(list, Math.max(3, Math.round(list.length * 0.2)));
    sample.sort((a, b) => (a.no < b.no ? -1 : 1));
    for (const d of sample) {
      const date = isoDate(year, sr.int(10, 11), sr.int(1, 28));
      const respondent = d.spouseName && sr.chance(0.3) ? d.spouseName : d.head.name;
      for (const topic of sr.sample(AWARENESS_TOPICS, 3)) {
        surveys.push({ household_no: d.no, kind: 'awareness', date, respondent, topic, answer: sr.chance(0.003 + (1 - v.quality) * 0.12) ? 'unaware' : 'aware' });
      }
      for (const topic of SATISFACTION_TOPICS) {
        const bad = 1 - v.quality;
        const answer = sr.weighted([
          ['satisfied', 1],
          ['basic', 0.001 + bad * bad * 0.5],
          ['dissatisfied', bad * bad * 0.1],
        ] as const);
        surveys.push({ household_no: d.no, kind: 'satisfaction', date, respondent, topic, answer });
      }
    }
  }
  return surveys;
}

/** Members in vocational or higher education, with whether they were told of Rain-and-Dew (雨露计划) and applied. */
export function buildStudents(ctx: DemoContext, villages: Village[], householdsOf: HouseholdsByVillage): DemoData['students'] {
  const { year } = ctx;
  const students: DemoData['students'] = [];
  for (const v of villages) {
    const list = householdsOf.get(v.code) ?? [];
    const tr = v.rng.fork('students');
    for (const d of list) {
      for (const s of d.students) {
        // Rain-and-Dew covers secondary and higher vocational education, not universities.
        const eligible = s.schooling !== 'university';
        const notified = eligible && tr.chance(0.85 + 0.15 * v.quality) ? 1 : 0;
        students.push({
          household_no: d.no,
          name: s.name,
          id_number: s.idNumber,
          school_year: year,
          school: tr.pick(s.schooling === 'vocational' ? SCHOOLS_VOCATIONAL : s.schooling === 'university' ? SCHOOLS_UNIVERSITY : SCHOOLS_HIGHER),
          eligible: eligible ? 1 : 0,
          notified,
          applied: notified && tr.chance(0.92) ? 1 : 0,
        });
      }
    }
  }
  return students;
}

/** The publicity stages of each household's entry and, once exited, its exit; poor villages skip some stages. */
export function buildPublicity(ctx: DemoContext, villages: Village[], householdsOf: HouseholdsByVillage): DemoData['publicity'] {
  const publicity: DemoData['publicity'] = [];
  for (const v of villages) {
    const list = householdsOf.get(v.code) ?? [];
    const pr = v.rng.fork('publicity');
    let ref = 0;
    const stagesFor = (d: HouseholdDraft, procedure: 'entry' | 'exit', y: number) => {
      let date = procedure === 'entry' ? isoDate(y, pr.int(3, 6), pr.int(1, 28)) : isoDate(y, pr.int(9, 10), pr.int(1, 28));
      ref++;
      for (const stage of STAGES) {
        if (pr.chance(0.001 + (1 - v.quality) * 0.05)) continue;
        publicity.push({ household_no: d.no, procedure, stage, date, reference: `${procedure === 'entry' ? 'SB' : 'TC'}-${y}-${pad(ref, 3)}` });
        date = addDays(date, stage === 'application' ? pr.int(5, 15) : pr.int(7, 12));
      }
    };
    for (const d of list) {
      stagesFor(d, 'entry', d.identifiedYear);
      if (d.exitYear !== null) stagesFor(d, 'exit', d.exitYear);
    }
  }
  return publicity;
}

/** Petitions and complaints: none to three a village, more where the work is poor. */
export function buildPetitions(ctx: DemoContext, villages: Village[], householdsOf: HouseholdsByVillage): DemoData['petitions'] {
  const { year } = ctx;
  const petitions: DemoData['petitions'] = [];
  for (const v of villages) {
    const list = householdsOf.get(v.code) ?? [];
    const qr = v.rng.fork('petitions');
    const n = qr.weighted([
      [0, v.quality],
      [1, 0.3 + (1 - v.quality)],
      [2, (1 - v.quality) * 0.8],
      [3, (1 - v.quality) * 0.3],
    ] as const);
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      const date = isoDate(year, qr.int(1, 12), qr.int(1, 28));
      const summary = qr.pick(PETITION_SUMMARIES);
      if (seen.has(date + summary)) continue;
      seen.add(date + summary);
      const kind = qr.chance(0.55) ? 'petition' : 'complaint';
      petitions.push({
        village_code: v.code,
        household_no: list.length && qr.chance(0.8) ? qr.pick(list).no : null,
        date,
        kind,
        over_county: kind === 'petition' && qr.chance(0.1 + (1 - v.quality) * 0.3) ? 1 : 0,
        handled: qr.chance(0.6 + 0.4 * v.quality) ? 1 : 0,
        summary,
      });
    }
  }
  return petitions;
}

/**
 * Handbooks (扶贫手册): they agree with the system records where the work is good; in poor
 * villages some drift (item 2.2.1 compares them field by field).
 */
export function buildHandbooks(ctx: DemoContext, villages: Village[], households: DemoData['households']): DemoData['householdSources'] {
  const qualityOf = new Map(villages.map((v) => [v.code, v.quality]));
  const householdSources: DemoData['householdSources'] = [];
  const hr = ctx.rng.fork('household-sources');
  for (const h of households) {
    const bad = 1 - (qualityOf.get(h.village_code) ?? 1);
    householdSources.push({
      household_no: h.household_no,
      source: 'handbook',
      head_name: h.head_name,
      head_id_number: h.head_id_number,
      size: hr.chance(bad * 0.03) ? h.size + 1 : h.size,
      workers: h.workers ?? null,
      attribute: h.attribute,
      main_cause: h.main_cause,
      status: h.status,
      income_fen: h.income_fen == null ? null : hr.chance(bad * 0.02) ? h.income_fen + hr.int(1, 20) * 10_000 : h.income_fen,
      phone: hr.chance(bad * 0.02) ? null : (h.phone ?? null),
    });
  }
  return householdSources;
}
