/** Step 3, households: each village's helpers, its registered households with their members, and who helps which household when. */
import type { Sex } from '../../core/ids/gb11643.ts';
import type { Random } from '../../core/random.ts';
import { addDays, daysInMonth, isoDate, minDate, pad, type DemoContext, type HouseholdDraft, type Village } from './context.ts';
import type { DemoData, DemoSummary, Row } from './model.ts';
import { COUNTY_AREA, ETHNICITIES, POSITIONS, SURNAMES, UNITS } from './words.ts';

export interface HouseholdsStep extends Pick<DemoData, 'helpers' | 'households' | 'members' | 'helperAssignments'> {
  /** The households as the later steps need them (head, status, helpers, students), in household-number order per village. */
  drafts: HouseholdDraft[];
  summary: Omit<DemoSummary['households'], 'total'>;
}

/** One person of a household as drawn, before their details. */
interface FamilyMember {
  name: string;
  sex: Sex;
  age: number;
  relation: string;
}

/** Draws a village's surname: a few dominate a village. */
type SurnameDraw = () => string;

/**
 * `total` households over the villages (poverty villages hold more), each village with about one
 * helper per five households; households get their members, attribute, causes, status and exit
 * years, and their helpers' periods. Villages of better quality see fewer households due this
 * year fail to exit.
 */
export function buildHouseholds(ctx: DemoContext, villages: Village[], total: number): HouseholdsStep {
  const weights = villages.map((v) => (v.poverty ? 1.6 : 0.6) * ctx.rng.fork(`weight:${v.code}`).float(0.8, 1.2));
  const perVillage = apportion(total, weights);

  const step: HouseholdsStep = {
    helpers: [],
    households: [],
    members: [],
    helperAssignments: [],
    drafts: [],
    summary: { exited: 0, notExited: 0, relapsed: 0, dueNotExited: 0 },
  };
  villages.forEach((v, vi) => {
    const r = v.rng.fork('households');
    const count = perVillage[vi]!;
    step.helpers.push(...villageHelpers(ctx, v, count));
    // A few surnames dominate a village.
    const localSurnames = r.sample(SURNAMES, 4);
    const surname = () => (r.chance(0.6) ? r.weighted(localSurnames.map((s, k) => [s, 4 - k] as const)) : r.pick(SURNAMES));
    const ethnicity = r.weighted(ETHNICITIES);
    for (let h = 0; h < count; h++) addHousehold(ctx, step, v, r, h, surname, ethnicity);
  });
  return step;
}

/** Splits `total` into parts proportional to `weights` (largest remainder), each at least 1. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - weights.length;
  const raw = weights.map((w) => (w / sum) * free);
  const parts = raw.map((r) => 1 + Math.floor(r));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]![1]]! += 1;
  return parts;
}

/** A village's helpers: about one per five households, from county units (added to the village). */
function villageHelpers(ctx: DemoContext, v: Village, households: number): Row<'helpers'>[] {
  const hr = v.rng.fork('helpers');
  const helperCount = Math.max(1, Math.ceil(households / 5));
  const rows: Row<'helpers'>[] = [];
  for (let k = 0; k < helperCount; k++) {
    const p = ctx.staff(hr);
    v.helpers.push(p);
    rows.push({ id_number: p.idNumber, name: p.name, unit: hr.pick(UNITS), position: hr.weighted(POSITIONS), phone: p.phone });
  }
  return rows;
}

/** The village's `h`-th household (from 0): its row, members, helper periods and draft. */
function addHousehold(ctx: DemoContext, step: HouseholdsStep, v: Village, r: Random, h: number, surname: SurnameDraw, ethnicity: string): void {
  const { year, attributeOf } = ctx;
  const no = `${v.code}${pad(h + 1, 4)}`;
  const size = r.weighted([
    [1, 12],
    [2, 20],
    [3, 22],
    [4, 22],
    [5, 15],
    [6, 9],
  ] as const);
  const people = familyOf(ctx, r, size, surname);
  const headAge = people[0]!.age;
  const { memberRows, students, headId, workers, flags } = memberDetails(ctx, r, no, people, ethnicity);

  // Attribute, causes.
  let attribute = attributeOf.general;
  if (size === 1 && headAge >= 60 && workers === 0 && r.chance(0.6)) attribute = attributeOf.support;
  else if (workers === 0 ? r.chance(0.6) : r.chance(0.18)) attribute = attributeOf.dibao;
  for (const m of memberRows) {
    if (attribute === attributeOf.dibao) m.dibao = 1;
    if (attribute === attributeOf.support) m.wubao = 1;
  }
  const { mainCause, others } = causesOf(ctx, r, flags, workers);

  // Status and years.
  const identifiedYear = r.weighted(
    [
      [2014, 70],
      [2015, 18],
      [2016, 12],
    ].filter(([y]) => y! <= ctx.lastIdentified) as Array<[number, number]>,
  );
  const plannedExit = r.int(identifiedYear + 1, year);
  let status = 'exited';
  let exitYear: number | null = plannedExit;
  if (plannedExit === year) {
    if (r.chance((1 - v.quality) ** 2 * 0.8)) {
      status = 'not-exited';
      exitYear = null;
      step.summary.dueNotExited++;
    }
  } else if (r.chance(0.12)) exitYear = plannedExit + 1;
  if (status === 'exited' && exitYear !== null && exitYear < year && r.chance(0.006)) status = 'relapsed';
  if (status === 'not-exited') step.summary.notExited++;
  else if (status === 'relapsed') step.summary.relapsed++;
  else step.summary.exited++;
  const poor = status !== 'exited';
  const income = Math.round(ctx.lineFen * (poor ? r.float(0.6, 1.05) : r.float(1.1, 3.2)));

  step.households.push({
    household_no: no,
    village_code: v.code,
    year,
    head_name: people[0]!.name,
    head_id_number: headId,
    size,
    workers,
    standard: r.weighted([
      ['national', 85],
      ['provincial', 12],
      ['city', 3],
    ] as const),
    attribute,
    main_cause: mainCause,
    other_causes: others.length ? others.join(',') : null,
    status,
    identified_year: identifiedYear,
    planned_exit_year: plannedExit,
    exit_year: exitYear,
    income_fen: income,
    phone: r.chance(0.92) ? ctx.phone(r) : null,
    housing_grade: poor
      ? r.weighted([
          ['A', 20],
          ['B', 40],
          ['C', 30],
          ['D', 10],
        ] as const)
      : r.weighted([
          ['A', 50],
          ['B', 45],
          ['C', 5],
        ] as const),
    safe_water: r.chance(poor ? 0.85 : 0.99) ? 1 : 0,
    electricity: r.chance(0.997) ? 1 : 0,
    road: r.chance(poor ? 0.85 : 0.97) ? 1 : 0,
  });
  step.members.push(...memberRows);

  const assignments = helperPeriods(ctx, r, v, h, identifiedYear);
  for (const a of assignments) {
    step.helperAssignments.push({ helper_id_number: a.helper.idNumber, household_no: no, start_date: a.start, end_date: a.end });
  }
  step.drafts.push({
    no,
    village: v,
    head: { name: people[0]!.name, idNumber: headId },
    status,
    identifiedYear,
    exitYear,
    assignments,
    students,
    spouseName: people.find((p) => p.relation === 'spouse')?.name ?? null,
  });
}

/** Who lives in a household of `size`: the head first, then a spouse, children or grandchildren, perhaps a parent. */
function familyOf(ctx: DemoContext, r: Random, size: number, surname: SurnameDraw): FamilyMember[] {
  const people: FamilyMember[] = [];
  const headSex: Sex = r.chance(0.82) ? 'M' : 'F';
  const familyName = surname();
  const headAge = size === 1 ? r.int(52, 86) : r.int(28, 76);
  people.push({ name: familyName + ctx.givenName(r, headSex), sex: headSex, age: headAge, relation: 'head' });
  // The children's surname: the head's if a man, else the husband's.
  let childSurname = familyName;
  if (size >= 2 && r.chance(size >= 3 ? 0.88 : 0.7)) {
    const sex: Sex = headSex === 'M' ? 'F' : 'M';
    const spouseSurname = surname();
    if (sex === 'M') childSurname = spouseSurname;
    people.push({ name: spouseSurname + ctx.givenName(r, sex), sex, age: Math.max(20, Math.min(90, headAge + r.int(-6, 4))), relation: 'spouse' });
  }
  const child = (minAge: number, maxAge: number, surnameOf: string, grand: boolean) => {
    const sex: Sex = r.chance(0.52) ? 'M' : 'F';
    const rel = grand ? (sex === 'M' ? 'grandson' : 'granddaughter') : sex === 'M' ? 'son' : 'daughter';
    people.push({ name: surnameOf + ctx.givenName(r, sex), sex, age: r.int(Math.max(0, minAge), Math.max(0, maxAge)), relation: rel });
  };
  if (headAge >= 58 && size - people.length >= 3 && r.chance(0.6)) {
    // An older head living with a married son and grandchildren.
    const sonAge = r.int(Math.max(20, headAge - 36), headAge - 22);
    people.push({ name: childSurname + ctx.givenName(r, 'M'), sex: 'M', age: sonAge, relation: 'son' });
    people.push({ name: surname() + ctx.givenName(r, 'F'), sex: 'F', age: Math.max(19, sonAge + r.int(-5, 3)), relation: 'daughter-in-law' });
    while (people.length < size) child(0, Math.min(sonAge - 19, 20), childSurname, true);
  } else {
    if (headAge < 50 && size - people.length >= 2 && r.chance(0.3)) {
      const sex: Sex = r.chance(0.4) ? 'M' : 'F';
      people.push({
        name: (sex === 'M' ? familyName : surname()) + ctx.givenName(r, sex),
        sex,
        age: Math.min(92, headAge + r.int(22, 36)),
        relation: sex === 'M' ? 'father' : 'mother',
      });
    }
    while (people.length < size) child(0, Math.min(headAge - 20, 30), childSurname, false);
  }
  return people;
}

interface MemberDetails {
  memberRows: DemoData['members'];
  /** Members in vocational or higher education (the Rain-and-Dew step's students). */
  students: HouseholdDraft['students'];
  headId: string;
  /** Members able to work (ordinary, skilled or weak labour). */
  workers: number;
  /** Members ill, disabled or in senior or higher education: they weigh the causes. */
  flags: { illness: number; disability: number; schooling: number };
}

/** Each member's ID number, schooling, education, health, labour ability and the rest of their row. */
function memberDetails(ctx: DemoContext, r: Random, no: string, people: FamilyMember[], ethnicity: string): MemberDetails {
  let workers = 0;
  const flags = { illness: 0, disability: 0, schooling: 0 };
  const memberRows: DemoData['members'] = [];
  const students: HouseholdDraft['students'] = [];
  let headId = '';
  for (const p of people) {
    const idNumber = ctx.idNumber(r, COUNTY_AREA, ctx.birthDate(r, p.age), p.sex);
    if (p.relation === 'head') headId = idNumber;
    let schooling = 'none';
    if (p.age >= 3 && p.age <= 5) schooling = 'preschool';
    else if (p.age >= 6 && p.age <= 11) schooling = 'primary';
    else if (p.age >= 12 && p.age <= 14) schooling = 'junior';
    else if (p.age >= 15 && p.age <= 17)
      schooling = r.weighted([
        ['senior', 45],
        ['vocational', 30],
        ['none', 25],
      ] as const);
    else if (p.age >= 18 && p.age <= 21 && p.relation !== 'head' && p.relation !== 'spouse') {
      schooling = r.weighted([
        ['higher-vocational', 20],
        ['university', 10],
        ['vocational', p.age === 18 ? 8 : 0],
        ['none', 62],
      ] as const);
    }
    let education: string;
    if (p.age < 6) education = 'preschool';
    else if (schooling !== 'none') {
      education =
        { preschool: 'preschool', primary: 'primary', junior: 'junior', senior: 'senior', vocational: 'senior', 'higher-vocational': 'college', university: 'college' }[
          schooling
        ] ?? 'primary';
    } else if (p.age >= 60)
      education = r.weighted([
        ['illiterate', 45],
        ['primary', 45],
        ['junior', 10],
      ] as const);
    else if (p.age >= 40)
      education = r.weighted([
        ['illiterate', 15],
        ['primary', 45],
        ['junior', 35],
        ['senior', 5],
      ] as const);
    else if (p.age >= 15)
      education = r.weighted([
        ['primary', 15],
        ['junior', 55],
        ['senior', 20],
        ['college', 10],
      ] as const);
    else education = 'primary';
    const health = r.weighted([
      ['healthy', p.age > 50 ? 62 : 88],
      ['chronic', p.age > 50 ? 25 : 5],
      ['serious', 4],
      ['disabled', 5],
    ] as const);
    let labour: string;
    if (p.age < 16 || schooling !== 'none') labour = 'none';
    else if (health === 'disabled' || health === 'serious') labour = r.chance(0.7) ? 'lost' : 'weak';
    else if (health === 'chronic' || p.age >= 65) labour = p.age >= 75 ? 'none' : 'weak';
    else labour = r.chance(0.25) ? 'skilled' : 'ordinary';
    if (labour === 'ordinary' || labour === 'skilled' || labour === 'weak') workers++;
    if (health === 'serious' || health === 'chronic') flags.illness++;
    if (health === 'disabled') flags.disability++;
    if (['senior', 'vocational', 'higher-vocational', 'university'].includes(schooling)) flags.schooling++;
    if (['vocational', 'higher-vocational', 'university'].includes(schooling)) students.push({ name: p.name, idNumber, schooling });
    const migrant = (labour === 'ordinary' || labour === 'skilled') && p.age >= 18 && p.age <= 50 && r.chance(0.45) ? 1 : 0;
    memberRows.push({
      household_no: no,
      name: p.name,
      id_number: idNumber,
      sex: p.sex,
      relation: p.relation,
      ethnicity: r.chance(0.9) ? ethnicity : r.weighted(ETHNICITIES),
      education,
      schooling,
      health,
      labour_ability: labour,
      migrant_work: migrant,
      insured: r.chance(0.97) ? 1 : 0,
      dibao: 0,
      wubao: 0,
    });
  }
  return { memberRows, students, headId, workers, flags };
}

/** The main poverty cause and up to two others, weighted by the household's illness, disability, schooling and labour. */
function causesOf(ctx: DemoContext, r: Random, flags: MemberDetails['flags'], workers: number): { mainCause: string; others: string[] } {
  const causeWeights = ctx.causes.map((c) => {
    const w =
      c === 'illness'
        ? 2 + 12 * flags.illness
        : c === 'disability'
          ? 1 + 12 * flags.disability
          : c === 'schooling'
            ? 1 + 10 * flags.schooling
            : c === 'labour'
              ? workers === 0
                ? 14
                : 1
              : c === 'other'
                ? 1
                : c === 'disaster'
                  ? 2
                  : 5;
    return [c, w] as const;
  });
  const mainCause = r.weighted(causeWeights);
  const otherCount = r.weighted([
    [0, 35],
    [1, 40],
    [2, 25],
  ] as const);
  const others: string[] = [];
  for (let k = 0; k < otherCount; k++) {
    const rest = causeWeights.filter(([c]) => c !== mainCause && !others.includes(c));
    if (rest.length) others.push(r.weighted(rest));
  }
  return { mainCause, others };
}

/** The household's helper periods: one helper per five households; some change hands mid-year. */
function helperPeriods(ctx: DemoContext, r: Random, v: Village, h: number, identifiedYear: number): HouseholdDraft['assignments'] {
  const { year } = ctx;
  const first = v.helpers[Math.floor(h / 5) % v.helpers.length]!;
  const start = isoDate(Math.max(identifiedYear + 1, year - 2), r.int(1, 3), r.int(1, 28));
  const assignments: HouseholdDraft['assignments'] = [];
  if (v.helpers.length > 1 && r.chance(0.08)) {
    const month = r.int(3, 10);
    const end = isoDate(year, month, daysInMonth(year, month));
    // Good villages hand over the next day; poor ones leave a gap of weeks.
    const gap = r.chance(v.quality) ? 1 : r.int(10, 45);
    let second = r.pick(v.helpers);
    if (second === first) second = v.helpers[(v.helpers.indexOf(first) + 1) % v.helpers.length]!;
    assignments.push({ helper: first, start: minDate(start, end), end }, { helper: second, start: addDays(end, gap), end: null });
  } else {
    assignments.push({ helper: first, start, end: null });
  }
  return assignments;
}
