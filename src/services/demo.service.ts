/**
 * A deterministic demo county for an empty registry: one county, 3 townships, 30 villages
 * (half of them poverty villages), about 3,000 registered households with their members,
 * work teams, helpers, and a year of the records the scheme's items check (visits, meetings,
 * duty days, attendance, reports, surveys, Rain-and-Dew students, petitions, publicity).
 *
 * Every village draws a "quality" from the seed: good villages have almost complete records,
 * poor ones many gaps, so their assessments differ. The same seed always gives the same data.
 * All names and ID numbers are invented (the ID numbers are well-formed, not real people's).
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import { KaoheError } from '../core/errors.ts';
import { checkCharacter, type Sex } from '../core/ids/gb11643.ts';
import { Random } from '../core/random.ts';
import type { Store } from '../store/db.ts';
import { CODE_LISTS, POVERTY_LINES } from '../core/registry/reference-data.ts';
import type { DB } from '../store/schema.ts';

export interface DemoOptions {
  /** Seed of the generator (an integer; default 2020). */
  seed?: number;
  /** Registered households in the county (default 3,000; 30 to 100,000). */
  households?: number;
  /** The assessment year the records cover (default 2020; 2015 to 2100). */
  year?: number;
}

/** Tables the demo fills, in insertion order. */
export const DEMO_TABLES = [
  'areas',
  'work_teams',
  'team_members',
  'helpers',
  'households',
  'members',
  'helper_assignments',
  'visits',
  'meetings',
  'duty_days',
  'meeting_attendance',
  'reports',
  'surveys',
  'students',
  'petitions',
  'publicity',
  'household_sources',
  'leader_duties',
] as const satisfies ReadonlyArray<keyof DB>;

export type DemoTable = (typeof DEMO_TABLES)[number];

export interface DemoSummary {
  seed: number;
  year: number;
  county: { code: string; name: string };
  /** Rows written per table. */
  counts: Record<DemoTable, number>;
  /** Villages by kind, and the exit cases the year's assessment will find (items 2.6.1 and 2.6.2). */
  villages: { total: number; poverty: number; exited: number; dueNotExited: number };
  households: { total: number; exited: number; notExited: number; relapsed: number; dueNotExited: number };
}

export const DEMO_DEFAULTS = { seed: 2020, households: 3000, year: 2020 } as const;

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters and SQLite's 32,766. */
const BATCH = 500;

// ---------------------------------------------------------------------------------------------
// Names and places (invented; the county code is a real-looking one in Guizhou's format)

const COUNTY = { code: '522425000000', name: '青山县' };
const COUNTY_AREA = COUNTY.code.slice(0, 6);

const TOWNSHIPS = [
  { code: '522425100000', name: '龙场镇' },
  { code: '522425101000', name: '白岩镇' },
  { code: '522425102000', name: '清水乡' },
];

const VILLAGE_NAMES = [
  ['石桥村', '青龙村', '红星村', '新寨村', '大坪村', '马场村', '中寨村', '黄泥村', '杨柳村', '水井村'],
  ['桂花村', '茶园村', '松林村', '高坡村', '丰收村', '新华村', '团结村', '和平村', '龙井村', '柏杨村'],
  ['双河村', '长田村', '沙坝村', '凉水村', '花桥村', '大寨村', '岩脚村', '坪上村', '金星村', '落脚村'],
];

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余',
  '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石',
  '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '段', '雷', '侯', '龙', '史',
  '陶', '黎', '贺', '顾', '毛', '龚', '邵', '万', '严', '覃', '武', '戴', '莫', '孔', '向', '汤', '安', '文', '穆', '杭',
];
const MALE_CHARS = [
  '国', '建', '明', '华', '军', '平', '志', '勇', '林', '强', '文', '永', '福', '德', '成', '金', '海', '生', '忠', '兴',
  '贵', '荣', '光', '祥', '富', '开', '学', '发', '顺', '天', '云', '龙', '伟', '波', '刚', '斌', '杰', '涛', '鹏', '磊',
  '浩', '宇', '俊', '超', '辉', '长', '春', '仁', '义', '昌', '友', '正', '洪', '江', '山', '才', '万', '安', '进', '红',
];
const FEMALE_CHARS = [
  '秀', '英', '兰', '芳', '玉', '珍', '梅', '花', '琴', '丽', '燕', '红', '霞', '凤', '桂', '莲', '敏', '静', '娟', '婷',
  '艳', '萍', '芬', '慧', '娜', '琳', '雪', '月', '春', '菊', '美', '翠', '香', '云', '群', '素', '佳', '欣', '倩', '丹',
];
const ETHNICITIES: Array<readonly [string, number]> = [['汉族', 62], ['苗族', 16], ['彝族', 10], ['布依族', 8], ['仡佬族', 4]];

const UNITS = [
  '县教育局', '县卫生健康局', '县农业农村局', '县财政局', '县人力资源和社会保障局', '县交通运输局', '县水务局',
  '县自然资源局', '县住房和城乡建设局', '县民政局', '县扶贫开发办公室', '县林业局', '县公安局', '县市场监督管理局',
  '县发展和改革局', '县审计局', '县统计局', '县司法局', '县文体广电旅游局', '县生态移民局', '县供销社', '县农村信用联社',
  '县人民医院', '县第一中学', '县委组织部', '县委宣传部', '县总工会', '团县委', '县妇联', '县国有资产管理中心',
];
const POSITIONS: Array<readonly [string, number]> = [['科员', 40], ['干部', 20], ['股长', 14], ['副主任', 8], ['副局长', 6], ['主任科员', 8], ['教师', 4]];

const VISIT_CONTENT = [
  '宣讲教育资助政策', '了解家庭收入情况', '核实家庭人口信息', '落实产业扶贫项目', '帮助办理医疗报销', '填写扶贫手册',
  '了解外出务工情况', '检查住房安全', '宣传小额信贷政策', '协调解决饮水问题', '宣讲健康扶贫政策', '核对帮扶联系卡',
];
const TOPIC_MEETINGS = [
  '研究产业扶贫项目', '部署脱贫攻坚动态管理', '研究危房改造对象', '部署雨露计划申报', '研究低保评定', '部署脱贫户回头看',
  '研究易地扶贫搬迁', '部署扶贫手册填写', '研究村集体经济发展', '部署政策宣传', '研究光伏电站收益分配', '部署年度考核迎检',
];
const LEADER_MEETING_TOPICS = ['碰头会：本周工作安排', '碰头会：入户走访情况', '碰头会：问题整改', '碰头会：资料完善'];
const AWARENESS_TOPICS = ['教育资助政策', '健康扶贫政策', '产业扶贫政策', '危房改造政策', '小额信贷政策', '低保兜底政策'];
const SATISFACTION_TOPICS = ['帮扶工作', '帮扶责任人', '工作队长'];
const PETITION_SUMMARIES = [
  '对低保评定有异议', '反映危房改造补助未到位', '反映产业扶贫资金分配不公', '要求纳入建档立卡贫困户', '反映饮水工程未完工',
  '对脱贫认定有异议', '反映医疗报销比例问题', '反映易地搬迁安置房质量', '反映通组路未硬化', '反映帮扶责任人未入户',
];
const SCHOOLS_VOCATIONAL = ['县中等职业学校', '市职业技术学校', '省机械工业学校', '市卫生学校'];
const SCHOOLS_HIGHER = ['市职业技术学院', '省交通职业技术学院', '省电子信息职业技术学院', '省建设职业技术学院'];
const SCHOOLS_UNIVERSITY = ['省师范大学', '省民族大学', '省财经大学'];

const STAGES = ['application', 'review', 'first-publication', 'second-publication', 'announcement'] as const;

// ---------------------------------------------------------------------------------------------
// Dates (pure calendar arithmetic; never the clock)

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
/** 0 = Sunday … 6 = Saturday. */
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();
const minDate = (a: string, b: string) => (a < b ? a : b);

// ---------------------------------------------------------------------------------------------
// Code lists for the year (from the default reference data)

function codesFor(list: string, year: number): string[] {
  return CODE_LISTS.filter((e) => e.list === list && e.validFrom <= year && (e.validTo === undefined || e.validTo >= year)).map((e) => e.code);
}

function requireCode(list: string, code: string, year: number): string {
  if (!codesFor(list, year).includes(code)) {
    throw new KaoheError('demo-code-list', `the default code list "${list}" has no code "${code}" valid in ${year}`);
  }
  return code;
}

// ---------------------------------------------------------------------------------------------
// Generation state shared by the parts

type Row<T extends keyof DB> = Insertable<DB[T]>;

interface Person {
  name: string;
  idNumber: string;
  sex: Sex;
  phone: string;
}

interface Village {
  code: string;
  name: string;
  townshipCode: string;
  poverty: boolean;
  quality: number;
  rng: Random;
  leader: Person;
  secretary: Person | null; // the first secretary when not the leader
  teamMembers: Person[];
  helpers: Person[];
}

interface HouseholdDraft {
  no: string;
  village: Village;
  head: { name: string; idNumber: string };
  status: string;
  identifiedYear: number;
  exitYear: number | null;
  /** [helper, start, end] periods, in order. */
  assignments: Array<{ helper: Person; start: string; end: string | null }>;
  students: Array<{ name: string; idNumber: string; schooling: string }>;
  spouseName: string | null;
}

class Generator {
  readonly rng: Random;
  readonly year: number;
  private readonly usedIds = new Set<string>();
  private readonly usedStaffNames = new Set<string>();

  constructor(seed: number, year: number) {
    this.rng = new Random(seed);
    this.year = year;
  }

  /** A well-formed, unique ID number for a person of the given sex born on the given date. */
  idNumber(rng: Random, area: string, birth: string, sex: Sex): string {
    const ymd = birth.replaceAll('-', '');
    for (let attempt = 0; attempt < 1000; attempt++) {
      const seq = rng.int(0, 499) * 2 + (sex === 'M' ? 1 : 0);
      const first17 = `${area}${ymd}${pad(seq, 3)}`;
      const id = first17 + checkCharacter(first17);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
    throw new Error(`no free ID sequence number for ${area} ${ymd}`);
  }

  /** A birth date for someone `age` years old in the middle of the assessment year. */
  birthDate(rng: Random, age: number): string {
    const y = this.year - age;
    const m = age === 0 ? rng.int(1, 6) : rng.int(1, 12);
    return isoDate(y, m, rng.int(1, daysInMonth(y, m)));
  }

  givenName(rng: Random, sex: Sex): string {
    const chars = sex === 'M' ? MALE_CHARS : FEMALE_CHARS;
    return rng.chance(0.75) ? rng.pick(chars) + rng.pick(chars) : rng.pick(chars);
  }

  phone(rng: Random): string {
    let s = '1' + rng.pick(['3', '5', '7', '8', '9']);
    for (let i = 0; i < 9; i++) s += String(rng.int(0, 9));
    return s;
  }

  /** A county cadre (team member or helper): a unique name, so records by name never collide. */
  staff(rng: Random, sex?: Sex): Person {
    const s: Sex = sex ?? (rng.chance(0.7) ? 'M' : 'F');
    let name = '';
    for (let attempt = 0; ; attempt++) {
      name = rng.pick(SURNAMES) + this.givenName(rng, s);
      if (attempt > 50 && name.length < 3) name += rng.pick(s === 'M' ? MALE_CHARS : FEMALE_CHARS);
      if (!this.usedStaffNames.has(name)) break;
    }
    this.usedStaffNames.add(name);
    const age = rng.int(25, 55);
    return { name, sex: s, idNumber: this.idNumber(rng, COUNTY_AREA, this.birthDate(rng, age), s), phone: this.phone(rng) };
  }
}

/** A typical county's "ten ones" of the work-team leader (the seed leaves the list to the county). */
const TEN_ONES: ReadonlyArray<readonly [string, string]> = [
  ['diary', '记好一本民情日记'],
  ['lecture', '讲好一堂党课'],
  ['survey', '写好一篇调研报告'],
  ['project', '引进或实施一个发展项目'],
  ['cooperative', '培育一个合作组织'],
  ['training', '开展一次技能培训'],
  ['visit-all', '走访一遍所有农户'],
  ['rules', '完善一套村规民约'],
  ['capable', '培养一名致富带头人'],
  ['dispute', '化解一批矛盾纠纷'],
];

// ---------------------------------------------------------------------------------------------
// The data set

export interface DemoData {
  summary: DemoSummary;
  areas: Row<'areas'>[];
  workTeams: Array<Row<'work_teams'>>;
  teamMembers: Array<Omit<Row<'team_members'>, 'team_id'> & { village_code: string }>;
  helpers: Row<'helpers'>[];
  households: Row<'households'>[];
  members: Array<Omit<Row<'members'>, 'household_id'> & { household_no: string }>;
  helperAssignments: Array<Omit<Row<'helper_assignments'>, 'helper_id' | 'household_id'> & { helper_id_number: string; household_no: string }>;
  visits: Array<Omit<Row<'visits'>, 'household_id'> & { household_no: string }>;
  meetings: Row<'meetings'>[];
  dutyDays: Row<'duty_days'>[];
  meetingAttendance: Row<'meeting_attendance'>[];
  reports: Row<'reports'>[];
  surveys: Array<Omit<Row<'surveys'>, 'household_id'> & { household_no: string }>;
  students: Array<Omit<Row<'students'>, 'household_id'> & { household_no: string }>;
  petitions: Array<Omit<Row<'petitions'>, 'household_id'> & { household_no: string | null }>;
  publicity: Array<Omit<Row<'publicity'>, 'household_id'> & { household_no: string }>;
  householdSources: Array<Omit<Row<'household_sources'>, 'household_id'> & { household_no: string }>;
  leaderDuties: Row<'leader_duties'>[];
}

function validate(options: DemoOptions): { seed: number; households: number; year: number } {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const households = options.households ?? DEMO_DEFAULTS.households;
  const year = options.year ?? DEMO_DEFAULTS.year;
  if (!Number.isSafeInteger(seed)) throw new KaoheError('demo-option', `the seed must be an integer, got ${seed}`);
  if (!Number.isInteger(households) || households < 30 || households > 100_000) {
    throw new KaoheError('demo-option', `the number of households must be a whole number from 30 to 100000 (one village needs at least one), got ${households}`);
  }
  if (!Number.isInteger(year) || year < 2015 || year > 2100) {
    throw new KaoheError('demo-option', `the year must be a whole year from 2015 (households were registered from 2014) to 2100, got ${year}`);
  }
  return { seed, households, year };
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

/** Builds the whole data set in memory: pure, the same for the same options. */
export function buildDemo(options: DemoOptions = {}): DemoData {
  const { seed, households: householdTotal, year } = validate(options);
  const gen = new Generator(seed, year);
  const root = gen.rng;

  const causes = codesFor('cause', year);
  const attributeOf = {
    general: requireCode('attribute', 'general', year),
    dibao: requireCode('attribute', 'dibao', year),
    // The extreme-poverty attribute was renamed in 2016 (五保 → 特困供养).
    support: codesFor('attribute', year).includes('tekun') ? 'tekun' : requireCode('attribute', 'wubao', year),
  };
  for (const [list, codes] of [
    ['status', ['exited', 'not-exited', 'relapsed']],
    ['relation', ['head', 'spouse', 'son', 'daughter', 'daughter-in-law', 'grandson', 'granddaughter', 'father', 'mother']],
    ['schooling', ['none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'higher-vocational', 'university']],
    ['education', ['illiterate', 'primary', 'junior', 'senior', 'college', 'preschool']],
    ['health', ['healthy', 'chronic', 'serious', 'disabled']],
    ['labour', ['ordinary', 'skilled', 'weak', 'lost', 'none']],
    ['standard', ['national', 'provincial', 'city']],
  ] as const) {
    for (const c of codes) requireCode(list, c, year);
  }
  const lineFen = (POVERTY_LINES.find((p) => p.year === year) ?? POVERTY_LINES[POVERTY_LINES.length - 1]!).yuan * 100;
  const lastIdentified = Math.min(2016, year - 1);

  // --- Areas -----------------------------------------------------------------------------------
  const areaRng = root.fork('areas');
  const areas: Row<'areas'>[] = [{ code: COUNTY.code, level: 'county', name: COUNTY.name, parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null }];
  for (const t of TOWNSHIPS) areas.push({ code: t.code, level: 'township', name: t.name, parent_code: COUNTY.code, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null });

  const villageSlots: Array<{ code: string; name: string; townshipCode: string }> = [];
  TOWNSHIPS.forEach((t, ti) => {
    VILLAGE_NAMES[ti]!.forEach((name, vi) => villageSlots.push({ code: t.code.slice(0, 9) + String(201 + vi), name, townshipCode: t.code }));
  });
  const povertyIdx = new Set(areaRng.sample(villageSlots.map((_, i) => i), 15));
  // Quality tiers, shuffled: 12 good, 12 middling, 6 poor.
  const tiers = areaRng.shuffle([...Array(12).fill('good'), ...Array(12).fill('mid'), ...Array(6).fill('poor')] as string[]);
  const qualities = tiers.map((t) => (t === 'good' ? areaRng.float(0.86, 0.99) : t === 'mid' ? areaRng.float(0.62, 0.85) : areaRng.float(0.3, 0.58)));
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

  // --- Work teams ------------------------------------------------------------------------------
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
      const p = gen.staff(r, k === 0 ? (r.chance(0.8) ? 'M' : 'F') : undefined);
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

  // --- Households per village ------------------------------------------------------------------
  const weights = villages.map((v) => (v.poverty ? 1.6 : 0.6) * root.fork(`weight:${v.code}`).float(0.8, 1.2));
  const perVillage = apportion(householdTotal, weights);

  const helpers: Row<'helpers'>[] = [];
  const households: Row<'households'>[] = [];
  const members: DemoData['members'] = [];
  const helperAssignments: DemoData['helperAssignments'] = [];
  const drafts: HouseholdDraft[] = [];
  let exitedCount = 0;
  let notExitedCount = 0;
  let relapsedCount = 0;
  let dueNotExited = 0;

  villages.forEach((v, vi) => {
    const r = v.rng.fork('households');
    const count = perVillage[vi]!;
    // Helpers: about one per five households, from county units.
    const hr = v.rng.fork('helpers');
    const helperCount = Math.max(1, Math.ceil(count / 5));
    for (let k = 0; k < helperCount; k++) {
      const p = gen.staff(hr);
      v.helpers.push(p);
      helpers.push({ id_number: p.idNumber, name: p.name, unit: hr.pick(UNITS), position: hr.weighted(POSITIONS), phone: p.phone });
    }
    // A few surnames dominate a village.
    const localSurnames = r.sample(SURNAMES, 4);
    const surname = () => (r.chance(0.6) ? r.weighted(localSurnames.map((s, k) => [s, 4 - k] as const)) : r.pick(SURNAMES));
    const ethnicity = r.weighted(ETHNICITIES);

    for (let h = 0; h < count; h++) {
      const no = `${v.code}${pad(h + 1, 4)}`;
      const size = r.weighted([[1, 12], [2, 20], [3, 22], [4, 22], [5, 15], [6, 9]] as const);
      interface M { name: string; sex: Sex; age: number; relation: string }
      const people: M[] = [];
      const headSex: Sex = r.chance(0.82) ? 'M' : 'F';
      const familyName = surname();
      const headAge = size === 1 ? r.int(52, 86) : r.int(28, 76);
      people.push({ name: familyName + gen.givenName(r, headSex), sex: headSex, age: headAge, relation: 'head' });
      // The children's surname: the head's if a man, else the husband's.
      let childSurname = familyName;
      if (size >= 2 && r.chance(size >= 3 ? 0.88 : 0.7)) {
        const sex: Sex = headSex === 'M' ? 'F' : 'M';
        const spouseSurname = surname();
        if (sex === 'M') childSurname = spouseSurname;
        people.push({ name: spouseSurname + gen.givenName(r, sex), sex, age: Math.max(20, Math.min(90, headAge + r.int(-6, 4))), relation: 'spouse' });
      }
      const child = (minAge: number, maxAge: number, surnameOf: string, grand: boolean) => {
        const sex: Sex = r.chance(0.52) ? 'M' : 'F';
        const rel = grand ? (sex === 'M' ? 'grandson' : 'granddaughter') : sex === 'M' ? 'son' : 'daughter';
        people.push({ name: surnameOf + gen.givenName(r, sex), sex, age: r.int(Math.max(0, minAge), Math.max(0, maxAge)), relation: rel });
      };
      if (headAge >= 58 && size - people.length >= 3 && r.chance(0.6)) {
        // An older head living with a married son and grandchildren.
        const sonAge = r.int(Math.max(20, headAge - 36), headAge - 22);
        people.push({ name: childSurname + gen.givenName(r, 'M'), sex: 'M', age: sonAge, relation: 'son' });
        people.push({ name: surname() + gen.givenName(r, 'F'), sex: 'F', age: Math.max(19, sonAge + r.int(-5, 3)), relation: 'daughter-in-law' });
        while (people.length < size) child(0, Math.min(sonAge - 19, 20), childSurname, true);
      } else {
        if (headAge < 50 && size - people.length >= 2 && r.chance(0.3)) {
          const sex: Sex = r.chance(0.4) ? 'M' : 'F';
          people.push({ name: (sex === 'M' ? familyName : surname()) + gen.givenName(r, sex), sex, age: Math.min(92, headAge + r.int(22, 36)), relation: sex === 'M' ? 'father' : 'mother' });
        }
        while (people.length < size) child(0, Math.min(headAge - 20, 30), childSurname, false);
      }

      // Members' details.
      let workers = 0;
      const flags = { illness: 0, disability: 0, schooling: 0 };
      const memberRows: DemoData['members'] = [];
      const students: HouseholdDraft['students'] = [];
      let headId = '';
      for (const p of people) {
        const idNumber = gen.idNumber(r, COUNTY_AREA, gen.birthDate(r, p.age), p.sex);
        if (p.relation === 'head') headId = idNumber;
        let schooling = 'none';
        if (p.age >= 3 && p.age <= 5) schooling = 'preschool';
        else if (p.age >= 6 && p.age <= 11) schooling = 'primary';
        else if (p.age >= 12 && p.age <= 14) schooling = 'junior';
        else if (p.age >= 15 && p.age <= 17) schooling = r.weighted([['senior', 45], ['vocational', 30], ['none', 25]] as const);
        else if (p.age >= 18 && p.age <= 21 && p.relation !== 'head' && p.relation !== 'spouse') {
          schooling = r.weighted([['higher-vocational', 20], ['university', 10], ['vocational', p.age === 18 ? 8 : 0], ['none', 62]] as const);
        }
        let education: string;
        if (p.age < 6) education = 'preschool';
        else if (schooling !== 'none') {
          education = { preschool: 'preschool', primary: 'primary', junior: 'junior', senior: 'senior', vocational: 'senior', 'higher-vocational': 'college', university: 'college' }[schooling] ?? 'primary';
        } else if (p.age >= 60) education = r.weighted([['illiterate', 45], ['primary', 45], ['junior', 10]] as const);
        else if (p.age >= 40) education = r.weighted([['illiterate', 15], ['primary', 45], ['junior', 35], ['senior', 5]] as const);
        else if (p.age >= 15) education = r.weighted([['primary', 15], ['junior', 55], ['senior', 20], ['college', 10]] as const);
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

      // Attribute, causes.
      let attribute = attributeOf.general;
      if (size === 1 && headAge >= 60 && workers === 0 && r.chance(0.6)) attribute = attributeOf.support;
      else if (workers === 0 ? r.chance(0.6) : r.chance(0.18)) attribute = attributeOf.dibao;
      for (const m of memberRows) {
        if (attribute === attributeOf.dibao) m.dibao = 1;
        if (attribute === attributeOf.support) m.wubao = 1;
      }
      const causeWeights = causes.map((c) => {
        const w =
          c === 'illness' ? 2 + 12 * flags.illness
          : c === 'disability' ? 1 + 12 * flags.disability
          : c === 'schooling' ? 1 + 10 * flags.schooling
          : c === 'labour' ? (workers === 0 ? 14 : 1)
          : c === 'other' ? 1
          : c === 'disaster' ? 2
          : 5;
        return [c, w] as const;
      });
      const mainCause = r.weighted(causeWeights);
      const otherCount = r.weighted([[0, 35], [1, 40], [2, 25]] as const);
      const others: string[] = [];
      for (let k = 0; k < otherCount; k++) {
        const rest = causeWeights.filter(([c]) => c !== mainCause && !others.includes(c));
        if (rest.length) others.push(r.weighted(rest));
      }

      // Status and years.
      const identifiedYear = r.weighted([[2014, 70], [2015, 18], [2016, 12]].filter(([y]) => y! <= lastIdentified) as Array<[number, number]>);
      const plannedExit = r.int(identifiedYear + 1, year);
      let status = 'exited';
      let exitYear: number | null = plannedExit;
      if (plannedExit === year) {
        if (!r.chance(0.72 + 0.27 * v.quality)) {
          status = 'not-exited';
          exitYear = null;
          dueNotExited++;
        }
      } else if (r.chance(0.12)) exitYear = plannedExit + 1;
      if (status === 'exited' && exitYear !== null && exitYear < year && r.chance(0.006)) status = 'relapsed';
      if (status === 'not-exited') notExitedCount++;
      else if (status === 'relapsed') relapsedCount++;
      else exitedCount++;
      const poor = status !== 'exited';
      const income = Math.round(lineFen * (poor ? r.float(0.6, 1.05) : r.float(1.1, 3.2)));

      households.push({
        household_no: no,
        village_code: v.code,
        year,
        head_name: people[0]!.name,
        head_id_number: headId,
        size,
        workers,
        standard: r.weighted([['national', 85], ['provincial', 12], ['city', 3]] as const),
        attribute,
        main_cause: mainCause,
        other_causes: others.length ? others.join(',') : null,
        status,
        identified_year: identifiedYear,
        planned_exit_year: plannedExit,
        exit_year: exitYear,
        income_fen: income,
        phone: r.chance(0.92) ? gen.phone(r) : null,
        housing_grade: poor ? r.weighted([['A', 20], ['B', 40], ['C', 30], ['D', 10]] as const) : r.weighted([['A', 50], ['B', 45], ['C', 5]] as const),
        safe_water: r.chance(poor ? 0.85 : 0.99) ? 1 : 0,
        electricity: r.chance(0.997) ? 1 : 0,
        road: r.chance(poor ? 0.85 : 0.97) ? 1 : 0,
      });
      members.push(...memberRows);

      // Helper assignments: one helper per five households; some change hands mid-year.
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
      for (const a of assignments) {
        helperAssignments.push({ helper_id_number: a.helper.idNumber, household_no: no, start_date: a.start, end_date: a.end });
      }
      drafts.push({
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
  });

  // --- Visits: helpers about weekly (four windows a month), the leader about monthly ---------------
  const visits: DemoData['visits'] = [];
  const householdsOf = new Map<string, HouseholdDraft[]>();
  for (const d of drafts) {
    const list = householdsOf.get(d.village.code) ?? [];
    list.push(d);
    householdsOf.set(d.village.code, list);
  }
  for (const v of villages) {
    const r = v.rng.fork('visits');
    // Months a helper lets slide (poor villages).
    const lapses = new Map<string, Set<number>>();
    for (const p of v.helpers) {
      const s = new Set<number>();
      for (let m = 1; m <= 12; m++) if (r.chance((1 - v.quality) * 0.22)) s.add(m);
      lapses.set(p.idNumber, s);
    }
    for (const d of householdsOf.get(v.code) ?? []) {
      const diligence = Math.max(0, Math.min(1, v.quality + r.float(-0.12, 0.08)));
      const missWeek = Math.max(0, 0.93 - diligence) * 0.75;
      for (let m = 1; m <= 12; m++) {
        const dim = daysInMonth(year, m);
        const windows: Array<[number, number]> = [[1, 7], [8, 14], [15, 21], [22, dim]];
        for (const [a, b] of windows) {
          const date = isoDate(year, m, r.int(a, b));
          const helper = d.assignments.find((x) => x.start <= date && (x.end === null || date <= x.end))?.helper;
          if (!helper || lapses.get(helper.idNumber)!.has(m) || r.chance(missWeek)) continue;
          visits.push({ household_no: d.no, visitor_role: 'helper', visitor_name: helper.name, visitor_id_number: helper.idNumber, date, content: r.pick(VISIT_CONTENT) });
        }
        // The team leader: once a month in good villages, sometimes twice; poor ones skip months.
        if (r.chance(0.45 + 0.55 * v.quality)) {
          const day = r.int(1, dim);
          visits.push({ household_no: d.no, visitor_role: 'leader', visitor_name: v.leader.name, visitor_id_number: v.leader.idNumber, date: isoDate(year, m, day), content: r.pick(VISIT_CONTENT) });
          if (r.chance(0.3 * v.quality)) {
            const day2 = ((day - 1 + r.int(7, 20)) % dim) + 1;
            visits.push({ household_no: d.no, visitor_role: 'leader', visitor_name: v.leader.name, visitor_id_number: v.leader.idNumber, date: isoDate(year, m, day2), content: r.pick(VISIT_CONTENT) });
          }
        }
      }
    }
  }

  // --- Meetings: topic meetings monthly, leader meetings weekly ----------------------------------
  const meetings: Row<'meetings'>[] = [];
  const dutyDays: Row<'duty_days'>[] = [];
  const reports: Row<'reports'>[] = [];
  for (const v of villages) {
    const r = v.rng.fork('meetings');
    for (let m = 1; m <= 12; m++) {
      if (r.chance((1 - v.quality) * 0.45)) continue;
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
        if (r.chance((1 - v.quality) * 0.4)) continue;
        const date = addDays(isoDate(year, m, d), r.weighted([[0, 6], [1, 2], [2, 1]] as const));
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

    // Duty days: each team member each month; good villages >= 20, poor ones short months.
    const dr = v.rng.fork('duty');
    for (const p of v.teamMembers) {
      for (let m = 1; m <= 12; m++) {
        const dim = daysInMonth(year, m);
        const short = dr.chance((1 - v.quality) * 0.5 + 0.01);
        dutyDays.push({
          village_code: v.code,
          person_name: p.name,
          person_id_number: p.idNumber,
          month: `${year}-${pad(m)}`,
          days: short ? dr.int(10, 19) : dr.int(20, Math.min(26, dim)),
        });
      }
    }

    // Reports: a monthly report due the 5th of the next month (December's summary by the 25th), and
    // two ad-hoc ones; poor villages file late, get reports returned or miss them.
    const rr = v.rng.fork('reports');
    const due: Array<[string, string]> = [];
    for (let m = 1; m <= 11; m++) due.push([`${m}月份扶贫月报`, isoDate(year, m + 1, 5)]);
    due.push([`${year}年度脱贫攻坚工作总结`, isoDate(year, 12, 25)]);
    due.push(['建档立卡动态管理数据更新', isoDate(year, 6, 30)]);
    due.push(['扶贫手册填写情况自查报告', isoDate(year, 9, 15)]);
    for (const [title, deadline] of due) {
      const bad = 1 - v.quality;
      const outcome = rr.weighted([['on-time', 1], ['late', bad * 0.35], ['returned', bad * 0.15], ['missing', bad * 0.08]] as const);
      const submitted =
        outcome === 'missing' ? null
        : outcome === 'late' ? addDays(deadline, rr.int(1, 12))
        : addDays(deadline, -rr.int(0, 4));
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

  // --- Attendance at county and township meetings -----------------------------------------------
  const meetingAttendance: Row<'meeting_attendance'>[] = [];
  const countyMeetings: Array<{ name: string; organiser: string; date: string; township?: string }> = [];
  {
    const r = root.fork('county-meetings');
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
  }
  for (const v of villages) {
    const r = v.rng.fork('attendance');
    const people = [v.leader, ...(v.secretary ? [v.secretary] : [])];
    for (const mt of countyMeetings) {
      if (mt.township && mt.township !== v.townshipCode) continue;
      for (const p of people) {
        const bad = 1 - v.quality;
        const status = r.weighted([['attended', 1], ['leave', 0.04 + bad * 0.2], ['absent', bad * 0.12]] as const);
        meetingAttendance.push({ village_code: v.code, meeting: mt.name, organiser: mt.organiser, date: mt.date, person_name: p.name, status });
      }
    }
  }

  // --- Surveys, students, publicity, petitions ----------------------------------------------------
  const surveys: DemoData['surveys'] = [];
  const students: DemoData['students'] = [];
  const publicity: DemoData['publicity'] = [];
  const petitions: DemoData['petitions'] = [];
  for (const v of villages) {
    const list = householdsOf.get(v.code) ?? [];
    const sr = v.rng.fork('surveys');
    const sample = sr.sample(list, Math.max(3, Math.round(list.length * 0.2)));
    sample.sort((a, b) => (a.no < b.no ? -1 : 1));
    for (const d of sample) {
      const date = isoDate(year, sr.int(10, 11), sr.int(1, 28));
      const respondent = d.spouseName && sr.chance(0.3) ? d.spouseName : d.head.name;
      for (const topic of sr.sample(AWARENESS_TOPICS, 3)) {
        surveys.push({ household_no: d.no, kind: 'awareness', date, respondent, topic, answer: sr.chance(0.02 + (1 - v.quality) * 0.25) ? 'unaware' : 'aware' });
      }
      for (const topic of SATISFACTION_TOPICS) {
        const bad = 1 - v.quality;
        const answer = sr.weighted([['satisfied', 1], ['basic', 0.03 + bad * 0.35], ['dissatisfied', bad * 0.1]] as const);
        surveys.push({ household_no: d.no, kind: 'satisfaction', date, respondent, topic, answer });
      }
    }

    const tr = v.rng.fork('students');
    for (const d of list) {
      for (const s of d.students) {
        // Rain-and-Dew covers secondary and higher vocational education, not universities.
        const eligible = s.schooling !== 'university';
        const notified = eligible && tr.chance(0.7 + 0.3 * v.quality) ? 1 : 0;
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

    const pr = v.rng.fork('publicity');
    let ref = 0;
    const stagesFor = (d: HouseholdDraft, procedure: 'entry' | 'exit', y: number) => {
      let date = procedure === 'entry' ? isoDate(y, pr.int(3, 6), pr.int(1, 28)) : isoDate(y, pr.int(9, 10), pr.int(1, 28));
      ref++;
      for (const stage of STAGES) {
        if (pr.chance(0.005 + (1 - v.quality) * 0.12)) continue;
        publicity.push({ household_no: d.no, procedure, stage, date, reference: `${procedure === 'entry' ? 'SB' : 'TC'}-${y}-${pad(ref, 3)}` });
        date = addDays(date, stage === 'application' ? pr.int(5, 15) : pr.int(7, 12));
      }
    };
    for (const d of list) {
      stagesFor(d, 'entry', d.identifiedYear);
      if (d.exitYear !== null) stagesFor(d, 'exit', d.exitYear);
    }

    const qr = v.rng.fork('petitions');
    const n = qr.weighted([[0, v.quality], [1, 0.3 + (1 - v.quality)], [2, (1 - v.quality) * 0.8], [3, (1 - v.quality) * 0.3]] as const);
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
        over_county: kind === 'petition' && qr.chance(0.25 + (1 - v.quality) * 0.3) ? 1 : 0,
        handled: qr.chance(0.6 + 0.4 * v.quality) ? 1 : 0,
        summary,
      });
    }
  }

  // Handbooks (扶贫手册) agree with the system records where the work is good; in poor villages
  // some drift (item 2.2.1 compares them field by field).
  const qualityOf = new Map(villages.map((v) => [v.code, v.quality]));
  const householdSources: DemoData['householdSources'] = [];
  const hr = root.fork('household-sources');
  for (const h of households) {
    const bad = 1 - (qualityOf.get(h.village_code) ?? 1);
    householdSources.push({
      household_no: h.household_no,
      source: 'handbook',
      head_name: h.head_name,
      head_id_number: h.head_id_number,
      size: hr.chance(bad * 0.08) ? h.size + 1 : h.size,
      workers: h.workers ?? null,
      attribute: h.attribute,
      main_cause: h.main_cause,
      status: h.status,
      income_fen: h.income_fen == null ? null : hr.chance(bad * 0.06) ? h.income_fen + hr.int(1, 20) * 10_000 : h.income_fen,
      phone: hr.chance(bad * 0.05) ? null : (h.phone ?? null),
    });
  }
  // The team leader's "ten ones" (十个一), a typical county list: poor villages leave some undone (2.4.1).
  const leaderDuties: DemoData['leaderDuties'] = [];
  for (const v of villages) {
    const lr = v.rng.fork('ten-ones');
    for (const [element, title] of TEN_ONES) {
      leaderDuties.push({ village_code: v.code, year, element, title, done: lr.chance(0.985 - (1 - v.quality) * 0.25) ? 1 : 0, note: null });
    }
  }

  const data: Omit<DemoData, 'summary'> = {
    areas,
    workTeams,
    teamMembers,
    helpers,
    households,
    members,
    helperAssignments,
    visits,
    meetings,
    dutyDays,
    meetingAttendance,
    reports,
    surveys,
    students,
    petitions,
    publicity,
    householdSources,
    leaderDuties,
  };
  const counts: Record<DemoTable, number> = {
    areas: areas.length,
    work_teams: workTeams.length,
    team_members: teamMembers.length,
    helpers: helpers.length,
    households: households.length,
    members: members.length,
    helper_assignments: helperAssignments.length,
    visits: visits.length,
    meetings: meetings.length,
    duty_days: dutyDays.length,
    meeting_attendance: meetingAttendance.length,
    reports: reports.length,
    surveys: surveys.length,
    students: students.length,
    petitions: petitions.length,
    publicity: publicity.length,
    household_sources: householdSources.length,
    leader_duties: leaderDuties.length,
  };
  return {
    ...data,
    summary: {
      seed,
      year,
      county: { ...COUNTY },
      counts,
      villages: { total: villages.length, poverty: povertyIdx.size, exited: villagesExited, dueNotExited: notExiting.size },
      households: { total: households.length, exited: exitedCount, notExited: notExitedCount, relapsed: relapsedCount, dueNotExited },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

async function insertAll<T extends keyof DB & string>(trx: Transaction<DB>, table: T, rows: ReadonlyArray<Insertable<DB[T]>>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    // Kysely's generic insert types do not narrow over a table parameter; the rows are typed above.
    await (trx as unknown as Kysely<any>).insertInto(table).values(rows.slice(i, i + BATCH) as any[]).execute();
  }
}

function lookup(map: Map<string, number>, key: string, what: string): number {
  const id = map.get(key);
  if (id === undefined) throw new Error(`demo: no ${what} id for ${key}`);
  return id;
}

async function assertEmpty(db: Kysely<DB>): Promise<void> {
  for (const table of ['areas', 'households', 'helpers'] as const) {
    const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(n) > 0) {
      throw new KaoheError(
        'registry-not-empty',
        `the registry already holds data (${n} rows in ${table}): demo data is only generated into an empty registry, so that it never mixes with real records`,
      );
    }
  }
}

/**
 * Fills an empty registry with the demo county, in one transaction. Refuses (KaoheError
 * 'registry-not-empty') when any area, household or helper is already there.
 */
export async function generateDemo(store: Store, options: DemoOptions = {}): Promise<DemoSummary> {
  await assertEmpty(store.db); // fail fast, before building anything
  const data = buildDemo(options);
  await store.db.transaction().execute(async (trx) => {
    await assertEmpty(trx); // and again inside the transaction, in case someone wrote meanwhile

    await insertAll(trx, 'areas', data.areas);
    await insertAll(trx, 'work_teams', data.workTeams);
    const teams = new Map((await trx.selectFrom('work_teams').select(['id', 'village_code']).execute()).map((t) => [t.village_code, t.id]));
    await insertAll(
      trx,
      'team_members',
      data.teamMembers.map(({ village_code, ...m }) => ({ ...m, team_id: lookup(teams, village_code, 'work team') })),
    );
    await insertAll(trx, 'helpers', data.helpers);
    const helperIds = new Map((await trx.selectFrom('helpers').select(['id', 'id_number']).execute()).map((h) => [h.id_number, h.id]));
    await insertAll(trx, 'households', data.households);
    const hh = new Map((await trx.selectFrom('households').select(['id', 'household_no']).execute()).map((h) => [h.household_no, h.id]));
    const hid = (no: string) => lookup(hh, no, 'household');

    await insertAll(trx, 'members', data.members.map(({ household_no, ...m }) => ({ ...m, household_id: hid(household_no) })));
    await insertAll(
      trx,
      'helper_assignments',
      data.helperAssignments.map(({ household_no, helper_id_number, ...a }) => ({ ...a, household_id: hid(household_no), helper_id: lookup(helperIds, helper_id_number, 'helper') })),
    );
    await insertAll(trx, 'visits', data.visits.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'meetings', data.meetings);
    await insertAll(trx, 'duty_days', data.dutyDays);
    await insertAll(trx, 'meeting_attendance', data.meetingAttendance);
    await insertAll(trx, 'reports', data.reports);
    await insertAll(trx, 'surveys', data.surveys.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'students', data.students.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'petitions', data.petitions.map(({ household_no, ...x }) => ({ ...x, household_id: household_no === null ? null : hid(household_no) })));
    await insertAll(trx, 'publicity', data.publicity.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'household_sources', data.householdSources.map(({ household_no, ...x }) => ({ ...x, household_id: hid(household_no) })));
    await insertAll(trx, 'leader_duties', data.leaderDuties);
  });
  return data.summary;
}
