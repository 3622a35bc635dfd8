/**
 * A province-sized registry for trying Kaohe at scale (issue 11): a province, its
 * prefectures/cities, their counties, townships and villages, the registered households with
 * their members and helpers, and a year of records. Deterministic: the same options give the same
 * rows, byte for byte, whatever the order tables are asked for in. Generated as it is written
 * (row generators, nothing held but a byte a household), so ten million households fit in memory.
 *
 * The shape: 16 cities (`cities`), 110 counties (`counties`) shared out among them, 15
 * townships a county, `villages` shared out among the townships, `households` shared out among
 * the villages by weights (poverty villages hold more). Every household has a helper (one
 * helper for about eight households of the village) and one visit in the year, two if it has not
 * exited; every village has its monthly topic meetings and quarterly leader meetings, its two
 * cadres' duty days of every month, four quarterly reports, and a satisfaction survey of a fifth
 * of its households.
 *
 * ID numbers are well-formed (GB 11643, check character included) and unique, not real people's:
 * each county's people take distinct slots (birth day × sequence number) of its area code.
 * Names and places are invented; the division codes have the real structure (province 52).
 */
import { checkCharacter } from '../../core/ids/gb11643.ts';
import { Random } from '../../core/random.ts';
import { KaoheError } from '../../core/errors.ts';
import { FEMALE_CHARS, MALE_CHARS, SURNAMES, VISIT_CONTENT, TOPIC_MEETINGS, LEADER_MEETING_TOPICS, SATISFACTION_TOPICS, UNITS } from './words.ts';

export interface ProvinceOptions {
  seed?: number;
  /** The year the records cover (default 2020). */
  year?: number;
  /** Prefectures/cities (default 16). */
  cities?: number;
  /** Counties in all (default 110; at least one a city). */
  counties?: number;
  /** Townships a county (default 15). */
  townshipsPerCounty?: number;
  /** Villages in all (default 50,000). */
  villages?: number;
  /** Registered households in all (default 10,000,000). */
  households?: number;
}

export const PROVINCE_DEFAULTS = { seed: 2020, year: 2020, cities: 16, counties: 110, townshipsPerCounty: 15, villages: 50_000, households: 10_000_000 } as const;

export type Cell = string | number | null;

/** One village of the plan, with its households' ids. */
export interface PlannedVillage {
  code: string;
  name: string;
  township: string;
  /** The county's 6-digit area code (the ID numbers' first six). */
  area: string;
  /** Index of the county (counters of ID numbers are per county). */
  county: number;
  poverty: boolean;
  /** Its first household's id; its households are firstHousehold … firstHousehold + households − 1. */
  firstHousehold: number;
  households: number;
  /** Its first helper's id, and its helpers' count (one for about eight households). */
  firstHelper: number;
  helpers: number;
}

export interface ProvincePlan {
  options: Required<ProvinceOptions>;
  province: { code: string; name: string };
  cities: Array<{ code: string; name: string }>;
  counties: Array<{ code: string; name: string; city: string }>;
  townships: Array<{ code: string; name: string; county: string }>;
  villages: PlannedVillage[];
}

const CITY_WORDS = ['青岚', '云江', '石城', '龙溪', '安平', '兴义', '凤冈', '黔阳', '白水', '松桃', '清溪', '长顺', '望谟', '赤水', '金沙', '紫云', '乌江', '都匀', '镇宁', '荔波'];
const PLACE_CHARS = '石龙新大小上下坪河岩山田水沟坝寨林花桥塘湾坡冲岭溪口营屯堡关场坳庄'.split('');

/** Splits `total` into `weights.length` parts proportional to the weights (largest remainder), each at least `min`. */
export function apportion(total: number, weights: readonly number[], min = 1): number[] {
  const free = total - min * weights.length;
  if (free < 0) throw new RangeError(`cannot share ${total} among ${weights.length} with at least ${min} each`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w / sum) * free);
  const parts = raw.map((r) => Math.floor(r));
  let left = free - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length]![1]]!++;
  return parts.map((p) => p + min);
}

function check(options: ProvinceOptions): Required<ProvinceOptions> {
  const o = { ...PROVINCE_DEFAULTS, ...options };
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new KaoheError('demo-option', `${name} must be a whole number from ${min} to ${max}, got ${v}`);
  };
  whole('seed', o.seed, -(2 ** 31), 2 ** 31);
  whole('year', o.year, 2015, 2100);
  whole('cities', o.cities, 1, 99);
  whole('counties', o.counties, o.cities, o.cities * 99);
  whole('townshipsPerCounty', o.townshipsPerCounty, 1, 899);
  whole('villages', o.villages, o.counties * o.townshipsPerCounty, o.counties * o.townshipsPerCounty * 799);
  whole('households', o.households, o.villages, o.villages * 9999);
  return o;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The province's areas and how its households, helpers and people are shared out: small (a row a village), made first. */
export function provincePlan(options: ProvinceOptions = {}): ProvincePlan {
  const o = check(options);
  const rng = new Random(o.seed).fork('province');
  const province = { code: '520000000000', name: '示范省' };
  const cities = Array.from({ length: o.cities }, (_, i) => ({
    code: `52${pad(i + 1, 2)}00000000`,
    name: `${CITY_WORDS[i % CITY_WORDS.length]}${i >= CITY_WORDS.length ? i : ''}市`,
  }));
  const countiesPerCity = apportion(
    o.counties,
    cities.map(() => 1),
  );
  const counties: ProvincePlan['counties'] = [];
  cities.forEach((c, ci) => {
    for (let k = 0; k < countiesPerCity[ci]!; k++) {
      const name = rng.pick(PLACE_CHARS) + rng.pick(PLACE_CHARS) + '县';
      counties.push({ code: `${c.code.slice(0, 4)}${pad(k + 1, 2)}000000`, name, city: c.code });
    }
  });
  const townships: ProvincePlan['townships'] = [];
  for (const c of counties)
    for (let t = 0; t < o.townshipsPerCounty; t++)
      townships.push({ code: `${c.code.slice(0, 6)}${pad(101 + t, 3)}000`, name: `${rng.pick(PLACE_CHARS)}${rng.pick(PLACE_CHARS)}镇`, county: c.code });
  const villagesPerTownship = apportion(
    o.villages,
    townships.map(() => 1),
  );
  const slots: Array<{ code: string; name: string; township: string; area: string; county: number; poverty: boolean }> = [];
  const countyIndex = new Map(counties.map((c, i) => [c.code, i]));
  townships.forEach((t, ti) => {
    for (let v = 0; v < villagesPerTownship[ti]!; v++) {
      slots.push({
        code: `${t.code.slice(0, 9)}${pad(201 + v, 3)}`,
        name: `${rng.pick(PLACE_CHARS)}${rng.pick(PLACE_CHARS)}村`,
        township: t.code,
        area: t.code.slice(0, 6),
        county: countyIndex.get(t.county)!,
        poverty: rng.chance(0.3),
      });
    }
  });
  const perVillage = apportion(
    o.households,
    slots.map((s) => (s.poverty ? 1.6 : 0.6) * rng.float(0.8, 1.2)),
  );
  let household = 1;
  let helper = 1;
  const villages = slots.map((s, i) => {
    const n = perVillage[i]!;
    const helpers = Math.ceil(n / 8);
    const v: PlannedVillage = { ...s, firstHousehold: household, households: n, firstHelper: helper, helpers };
    household += n;
    helper += helpers;
    return v;
  });
  return { options: o, province, cities, counties, townships, villages };
}

/** The rows of `areas`: province, cities, counties, townships, villages (parents first). */
export function* areaRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year } = plan.options;
  yield [plan.province.code, 'province', plan.province.name, null, 0, null, null, null];
  for (const c of plan.cities) yield [c.code, 'city', c.name, plan.province.code, 0, null, null, null];
  for (const c of plan.counties) yield [c.code, 'county', c.name, c.city, 0, null, null, null];
  for (const t of plan.townships) yield [t.code, 'township', t.name, t.county, 0, null, null, null];
  for (const v of plan.villages) {
    const r = new Random(plan.options.seed).fork(`village:${v.code}`);
    const planned = v.poverty ? r.int(year - 4, year) : null;
    const exited = planned !== null && r.chance(0.9) ? planned : null;
    yield [v.code, 'village', v.name, v.township, v.poverty ? 1 : 0, planned, exited, r.int(800, 3000)];
  }
}
export const AREA_COLUMNS = ['code', 'level', 'name', 'parent_code', 'poverty_village', 'planned_exit_year', 'exit_year', 'population'];

/**
 * The ID numbers of one county: distinct slots (birth day × sequence) of its area code. Adults
 * are born 1940–1985, children 2000–2015 (sequences 000–799), the county's cadres (helpers,
 * team members) 1965–1995 (sequences 800–999): the three never share a slot.
 */
class CountyIds {
  private adults = 0;
  private children = 0;
  private cadres = 0;
  constructor(private readonly area: string) {}

  private static space(from: string, to: string, seqs: number) {
    const start = Date.parse(`${from}T00:00:00Z`);
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000) + 1;
    const slots = days * seqs;
    let mult = 2_654_435_761 % slots;
    const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
    while (gcd(mult, slots) !== 1) mult++;
    return { start, days, slots, mult };
  }
  private static readonly ADULTS = CountyIds.space('1940-01-01', '1985-12-31', 800);
  private static readonly CHILDREN = CountyIds.space('2000-01-01', '2015-12-31', 800);
  private static readonly CADRES = CountyIds.space('1965-01-01', '1995-12-31', 200);

  private make(space: typeof CountyIds.ADULTS, k: number, seqBase: number): { id: string; male: boolean } {
    if (k >= space.slots) throw new Error(`county ${this.area}: more people than ID numbers`);
    const slot = (k * space.mult) % space.slots;
    const day = slot % space.days;
    const seq = seqBase + Math.floor(slot / space.days);
    const d = new Date(space.start + day * 86_400_000);
    const first17 = `${this.area}${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(seq, 3)}`;
    return { id: first17 + checkCharacter(first17), male: seq % 2 === 1 };
  }
  adult() {
    return this.make(CountyIds.ADULTS, this.adults++, 0);
  }
  child() {
    return this.make(CountyIds.CHILDREN, this.children++, 0);
  }
  cadre() {
    return this.make(CountyIds.CADRES, this.cadres++, 800);
  }
}

/** The villages in order, each with its county's ID numbers (counted afresh from each county's first village). */
function* villagesWithIds(plan: ProvincePlan): Generator<{ v: PlannedVillage; ids: CountyIds }> {
  let county = -1;
  let ids: CountyIds | undefined;
  for (const v of plan.villages) {
    if (v.county !== county) {
      county = v.county;
      ids = new CountyIds(v.area);
    }
    yield { v, ids: ids! };
  }
}

const name = (r: Random, surname: string, male: boolean) => surname + r.pick(male ? MALE_CHARS : FEMALE_CHARS) + (r.chance(0.7) ? r.pick(male ? MALE_CHARS : FEMALE_CHARS) : '');

/** One household as drawn: the same draws for every table that needs it. */
interface DrawnHousehold {
  id: number;
  no: string;
  status: 'exited' | 'not-exited' | 'relapsed';
  head: { name: string; id: string };
  row: Cell[];
  members: Cell[][];
}

const CAUSES = ['illness', 'disability', 'schooling', 'disaster', 'land', 'water', 'skills', 'labour', 'capital', 'transport', 'motivation', 'other'];

/** Walks every household of the province, village by village, with its members: the one source of households and members. */
function* drawHouseholds(plan: ProvincePlan): Generator<{ village: PlannedVillage; household: DrawnHousehold }> {
  const { seed, year } = plan.options;
  for (const { v, ids } of villagesWithIds(plan)) {
    const r = new Random(seed).fork(`households:${v.code}`);
    const local = r.sample(SURNAMES, 3);
    const surname = () => (r.chance(0.6) ? r.pick(local) : r.pick(SURNAMES));
    for (let h = 0; h < v.households; h++) {
      const id = v.firstHousehold + h;
      const no = `${v.code}${pad(h + 1, 4)}`;
      const family = surname();
      const headId = ids.adult();
      const head = { name: name(r, family, headId.male), id: headId.id };
      const size = r.weighted([
        [1, 2],
        [2, 3],
        [3, 3],
        [4, 3],
        [5, 2],
        [6, 1],
      ] as const);
      const members: Cell[][] = [[id, head.name, head.id, headId.male ? 'M' : 'F', 'head', '汉族', 'primary', 'none', 'healthy', 'ordinary', 0, 1, 0, 0]];
      let workers = 1;
      for (let m = 1; m < size; m++) {
        const spouse = m === 1 && r.chance(0.8);
        const who = spouse ? ids.adult() : ids.child();
        const relation = spouse ? 'spouse' : who.male ? 'son' : 'daughter';
        if (spouse) workers++;
        members.push([
          id,
          name(r, spouse ? surname() : family, who.male),
          who.id,
          who.male ? 'M' : 'F',
          relation,
          '汉族',
          spouse ? r.pick(['illiterate', 'primary', 'junior']) : 'primary',
          spouse ? 'none' : 'primary',
          r.chance(0.9) ? 'healthy' : 'chronic',
          spouse ? 'ordinary' : 'none',
          spouse && r.chance(0.4) ? 1 : 0,
          1,
          0,
          0,
        ]);
      }
      const s = r.next();
      const status = s < 0.8 ? 'exited' : s < 0.97 ? 'not-exited' : 'relapsed';
      const identified = r.int(2014, 2016);
      const planned = Math.max(identified + 1, r.int(year - 4, year));
      const main = r.pick(CAUSES);
      const row: Cell[] = [
        id,
        no,
        v.code,
        year,
        head.name,
        head.id,
        size,
        workers,
        r.chance(0.9) ? 'national' : 'provincial',
        r.chance(0.75) ? 'general' : r.chance(0.8) ? 'dibao' : 'tekun',
        main,
        null,
        status,
        identified,
        planned,
        status === 'not-exited' ? null : planned,
        r.int(300_000, 1_500_000),
        `1${r.pick(['3', '5', '8'])}${pad(r.int(0, 999_999_999), 9)}`,
        r.pick(['A', 'B', 'B', 'C']),
        1,
        1,
        r.chance(0.95) ? 1 : 0,
      ];
      yield { village: v, household: { id, no, status, head, row, members } };
    }
  }
}

export const HOUSEHOLD_COLUMNS = [
  'id',
  'household_no',
  'village_code',
  'year',
  'head_name',
  'head_id_number',
  'size',
  'workers',
  'standard',
  'attribute',
  'main_cause',
  'other_causes',
  'status',
  'identified_year',
  'planned_exit_year',
  'exit_year',
  'income_fen',
  'phone',
  'housing_grade',
  'safe_water',
  'electricity',
  'road',
];
export const MEMBER_COLUMNS = [
  'household_id',
  'name',
  'id_number',
  'sex',
  'relation',
  'ethnicity',
  'education',
  'schooling',
  'health',
  'labour_ability',
  'migrant_work',
  'insured',
  'dibao',
  'wubao',
];

export function* householdRows(plan: ProvincePlan): Generator<Cell[]> {
  for (const { household } of drawHouseholds(plan)) yield household.row;
}

export function* memberRows(plan: ProvincePlan): Generator<Cell[]> {
  for (const { household } of drawHouseholds(plan)) yield* household.members;
}

/** Each village's helpers: county cadres, their ID numbers from the cadres' slots of the county. */
function* drawHelpers(plan: ProvincePlan): Generator<{ village: PlannedVillage; id: number; name: string; idNumber: string; row: Cell[] }> {
  for (const { v, ids } of villagesWithIds(plan)) {
    const r = new Random(plan.options.seed).fork(`helpers:${v.code}`);
    for (let k = 0; k < v.helpers; k++) {
      const who = ids.cadre();
      const n = name(r, r.pick(SURNAMES), who.male);
      yield {
        village: v,
        id: v.firstHelper + k,
        name: n,
        idNumber: who.id,
        row: [v.firstHelper + k, who.id, n, r.pick(UNITS), '干部', `1${r.pick(['3', '5', '8'])}${pad(r.int(0, 999_999_999), 9)}`],
      };
    }
  }
}
export const HELPER_COLUMNS = ['id', 'id_number', 'name', 'unit', 'position', 'phone'];

export function* helperRows(plan: ProvincePlan): Generator<Cell[]> {
  for (const h of drawHelpers(plan)) yield h.row;
}

/** Household h of a village is helped by the village's helper ⌊h / 8⌋ from the year's start. */
export function* helperAssignmentRows(plan: ProvincePlan): Generator<Cell[]> {
  const start = `${plan.options.year}-01-01`;
  for (const v of plan.villages) for (let h = 0; h < v.households; h++) yield [v.firstHelper + Math.floor(h / 8), v.firstHousehold + h, start, null];
}
export const HELPER_ASSIGNMENT_COLUMNS = ['helper_id', 'household_id', 'start_date', 'end_date'];

const day = (year: number, dayOfYear: number) => new Date(Date.UTC(year, 0, 1) + dayOfYear * 86_400_000).toISOString().slice(0, 10);

/** A visit to every household by its helper in the year; a second to a household not exited. Helpers' names are drawn as drawHelpers draws them. */
export function* visitRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year, seed } = plan.options;
  const helpers = drawHelpers(plan);
  let current: PlannedVillage | undefined;
  let names: Array<{ name: string; id: string }> = [];
  for (const { village: v, household } of drawHouseholds(plan)) {
    if (v !== current) {
      current = v;
      names = [];
      for (let k = 0; k < v.helpers; k++) {
        const h = helpers.next().value as { name: string; idNumber: string };
        names.push({ name: h.name, id: h.idNumber });
      }
    }
    const r = new Random(seed).fork(`visits:${household.no}`);
    const helper = names[Math.floor((household.id - v.firstHousehold) / 8)]!;
    const first = r.int(0, 150);
    yield [household.id, 'helper', helper.name, helper.id, day(year, first), r.pick(VISIT_CONTENT)];
    if (household.status !== 'exited') yield [household.id, 'helper', helper.name, helper.id, day(year, first + r.int(30, 200)), r.pick(VISIT_CONTENT)];
  }
}
export const VISIT_COLUMNS = ['household_id', 'visitor_role', 'visitor_name', 'visitor_id_number', 'date', 'content'];

/** Each village's monthly topic meeting and quarterly leader meeting. */
export function* meetingRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year, seed } = plan.options;
  for (const v of plan.villages) {
    const r = new Random(seed).fork(`meetings:${v.code}`);
    for (let m = 0; m < 12; m++) yield [v.code, 'topic', `${year}-${pad(m + 1, 2)}-${pad(r.int(5, 25), 2)}`, r.chance(0.95) ? 1 : 0, r.pick(TOPIC_MEETINGS), r.int(8, 40)];
    for (let q = 0; q < 4; q++) yield [v.code, 'leader', `${year}-${pad(q * 3 + 2, 2)}-${pad(r.int(1, 28), 2)}`, 1, r.pick(LEADER_MEETING_TOPICS), r.int(3, 8)];
  }
}
export const MEETING_COLUMNS = ['village_code', 'kind', 'date', 'has_minutes', 'topic', 'attendees'];

/** The duty days of the village's first two helpers (its resident cadres), every month. */
export function* dutyDayRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year, seed } = plan.options;
  let current: PlannedVillage | undefined;
  let cadres: Array<{ name: string; idNumber: string }> = [];
  const flush = function* (v: PlannedVillage) {
    const r = new Random(seed).fork(`duty:${v.code}`);
    for (const c of cadres) for (let m = 1; m <= 12; m++) yield [v.code, c.name, c.idNumber, `${year}-${pad(m, 2)}`, r.int(14, 24), r.int(0, 2), r.int(0, 2)] as Cell[];
  };
  for (const h of drawHelpers(plan)) {
    if (h.village !== current) {
      if (current) yield* flush(current);
      current = h.village;
      cadres = [];
    }
    if (cadres.length < 2) cadres.push({ name: h.name, idNumber: h.idNumber });
  }
  if (current) yield* flush(current);
}
export const DUTY_DAY_COLUMNS = ['village_code', 'person_name', 'person_id_number', 'month', 'days', 'leave_days', 'trip_days'];

/** Four quarterly reports of each village, most on time. */
export function* reportRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year, seed } = plan.options;
  for (const v of plan.villages) {
    const r = new Random(seed).fork(`reports:${v.code}`);
    for (let q = 1; q <= 4; q++) {
      const deadline = `${year}-${pad(q * 3, 2)}-25`;
      const late = r.chance(0.08);
      yield [
        v.code,
        `第${q}季度脱贫攻坚工作报告`,
        deadline,
        late ? `${year}-${pad(q * 3, 2)}-28` : `${year}-${pad(q * 3, 2)}-${pad(r.int(10, 25), 2)}`,
        late ? 'late' : 'on-time',
        null,
      ];
    }
  }
}
export const REPORT_COLUMNS = ['village_code', 'title', 'deadline', 'submitted_date', 'status', 'note'];

/** A satisfaction survey of every fifth household, answered by its head. */
export function* surveyRows(plan: ProvincePlan): Generator<Cell[]> {
  const { year, seed } = plan.options;
  for (const { household } of drawHouseholds(plan)) {
    if (household.id % 5 !== 0) continue;
    const r = new Random(seed).fork(`survey:${household.no}`);
    const answer = r.weighted([
      ['satisfied', 85],
      ['basic', 12],
      ['dissatisfied', 3],
    ] as const);
    yield [household.id, 'satisfaction', day(year, 300 + r.int(0, 40)), household.head.name, r.pick(SATISFACTION_TOPICS), answer];
  }
}
export const SURVEY_COLUMNS = ['household_id', 'kind', 'date', 'respondent', 'topic', 'answer'];

/** Every table of the province in the order they are written (parents first), with its rows. */
export function provinceTables(plan: ProvincePlan): Array<{ table: string; columns: string[]; rows: () => Iterable<Cell[]>; ids?: boolean }> {
  return [
    { table: 'areas', columns: AREA_COLUMNS, rows: () => areaRows(plan) },
    { table: 'helpers', columns: HELPER_COLUMNS, rows: () => helperRows(plan), ids: true },
    { table: 'households', columns: HOUSEHOLD_COLUMNS, rows: () => householdRows(plan), ids: true },
    { table: 'members', columns: MEMBER_COLUMNS, rows: () => memberRows(plan) },
    { table: 'helper_assignments', columns: HELPER_ASSIGNMENT_COLUMNS, rows: () => helperAssignmentRows(plan) },
    { table: 'visits', columns: VISIT_COLUMNS, rows: () => visitRows(plan) },
    { table: 'meetings', columns: MEETING_COLUMNS, rows: () => meetingRows(plan) },
    { table: 'duty_days', columns: DUTY_DAY_COLUMNS, rows: () => dutyDayRows(plan) },
    { table: 'reports', columns: REPORT_COLUMNS, rows: () => reportRows(plan) },
    { table: 'surveys', columns: SURVEY_COLUMNS, rows: () => surveyRows(plan) },
  ];
}
