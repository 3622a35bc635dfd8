/**
 * What the demo's steps share: the seeded generator, the year, its code lists and poverty line,
 * the people drawn so far (ID numbers and staff names stay unique across steps), the villages
 * being filled in, and calendar arithmetic that never reads the clock.
 */
import { KaoheError } from '../../core/errors.ts';
import { checkCharacter, type Sex } from '../../core/ids/gb11643.ts';
import { Random } from '../../core/random.ts';
import { CODE_LISTS, POVERTY_LINES } from '../../core/registry/reference-data.ts';
import { COUNTY_AREA, FEMALE_CHARS, MALE_CHARS, SURNAMES } from './words.ts';

// ---------------------------------------------------------------------------------------------
// Dates (pure calendar arithmetic; never the clock)

export const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const isoDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
export const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
export function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();
export const minDate = (a: string, b: string) => (a < b ? a : b);

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

/** The codes the demo writes that must be in the year's default code lists. */
const REQUIRED_CODES = [
  ['status', ['exited', 'not-exited', 'relapsed']],
  ['relation', ['head', 'spouse', 'son', 'daughter', 'daughter-in-law', 'grandson', 'granddaughter', 'father', 'mother']],
  ['schooling', ['none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'higher-vocational', 'university']],
  ['education', ['illiterate', 'primary', 'junior', 'senior', 'college', 'preschool']],
  ['health', ['healthy', 'chronic', 'serious', 'disabled']],
  ['labour', ['ordinary', 'skilled', 'weak', 'lost', 'none']],
  ['standard', ['national', 'provincial', 'city']],
] as const;

// ---------------------------------------------------------------------------------------------
// Generation state shared by the steps

export interface Person {
  name: string;
  idNumber: string;
  sex: Sex;
  phone: string;
}

export interface Village {
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

export interface HouseholdDraft {
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

/** The households of each village, by village code. */
export type HouseholdsByVillage = Map<string, HouseholdDraft[]>;

/**
 * The generator every step draws from: the root of the seeded random sequence (each step forks
 * its own by name), the year, its code lists and poverty line, and the people drawn so far.
 */
export class DemoContext {
  readonly rng: Random;
  readonly year: number;
  /** Poverty causes valid in the year. */
  readonly causes: string[];
  /** The household attribute codes of the year (the extreme-poverty one was renamed in 2016: 五保 → 特困供养). */
  readonly attributeOf: { general: string; dibao: string; support: string };
  /** The year's poverty line, in fen a person. */
  readonly lineFen: number;
  /** The last year a household was identified (registered) in. */
  readonly lastIdentified: number;
  private readonly usedIds = new Set<string>();
  private readonly usedStaffNames = new Set<string>();

  constructor(seed: number, year: number) {
    this.rng = new Random(seed);
    this.year = year;
    this.causes = codesFor('cause', year);
    this.attributeOf = {
      general: requireCode('attribute', 'general', year),
      dibao: requireCode('attribute', 'dibao', year),
      support: codesFor('attribute', year).includes('tekun') ? 'tekun' : requireCode('attribute', 'wubao', year),
    };
    for (const [list, codes] of REQUIRED_CODES) {
      for (const c of codes) requireCode(list, c, year);
    }
    this.lineFen = (POVERTY_LINES.find((p) => p.year === year) ?? POVERTY_LINES[POVERTY_LINES.length - 1]!).yuan * 100;
    this.lastIdentified = Math.min(2016, year - 1);
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

  /** A given name of one or two characters. */
  givenName(rng: Random, sex: Sex): string {
    const chars = sex === 'M' ? MALE_CHARS : FEMALE_CHARS;
    return rng.chance(0.75) ? rng.pick(chars) + rng.pick(chars) : rng.pick(chars);
  }

  /** A mobile number. */
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
