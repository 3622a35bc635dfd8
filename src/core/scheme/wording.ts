/**
 * Reading the wording of a 评分标准 cell into a rule, as an office writes it: 每缺少一项扣2分，
 * 扣完20分为止 / 否则不得分 / 视情况扣1—3分 / 达到100%得满分，每低1个百分点扣0.5分（不足1个百分点
 * 按1个百分点计）/ 10万元以上得7分… / 好10分、较好8分… / 加5分 / 一票否决 (docs/schemes.md,
 * the table of wordings). Pure: no I/O.
 *
 * It never guesses: a wording read whole gives its rule; one it does not know, or knows only in
 * part (a clause left over, a rounding not stated), gives the reason and no rule, so the office
 * picks the rule itself rather than finding half of one applied.
 */
import { importProblem, type ImportProblemCode, type ImportProblemParams } from './import-problems.ts';

/** A rule as a scheme file writes it (points and thresholds as decimals). */
export type SimpleRuleData =
  | { kind: 'perOccurrence' | 'fixedPenalty'; amount: number; pool?: string }
  | { kind: 'allOrNothing'; pool?: string }
  | { kind: 'range'; min: number; max: number; step?: number; pool?: string };

export interface MeasureData {
  kind: 'rate' | 'amount' | 'count' | 'rating';
  title?: string;
  unit?: string;
  terms?: Array<{ code: string; title: string; weight: number }>;
  of?: string;
  levels?: Array<{ code: string; title: string; points: number }>;
}

export type ScoringData =
  | { by: 'shortfall'; target: number; step: number; amount: number; rounding: 'up' | 'exact' | 'down'; floor?: number }
  | { by: 'tiers'; tiers: Array<{ min: number; points: number; above?: boolean }> }
  | { by: 'rating' }
  | { by: 'proportional' }
  | { by: 'perUnit'; unit: number; amount: number; rounding: 'down' | 'exact' };

export type RuleData =
  | SimpleRuleData
  | { kind: 'bonus'; amount: number }
  | { kind: 'veto'; effect: 'zero' }
  /**
   * 不得评为“好”等次 (ceiling) / 确定为“较差”等次 (grade): read from a wording, `grade` is the grade's
   * title as written (the importer turns it into the scheme's grade: for a ceiling, the one below it).
   */
  | { kind: 'veto'; effect: 'grade' | 'ceiling'; grade: string }
  | { kind: 'measured'; measure: MeasureData; scoring: ScoringData; pool?: string }
  | { kind: 'parts'; parts: Array<{ code: string; title: string; rule: SimpleRuleData }>; pool?: string };

/** What a wording says, read whole. */
export interface WordingRead {
  rule: RuleData;
  /**
   * 扣完N分为止 (points: N) / 扣完为止 (points: null): the deductions stop at a pool, the node
   * above with N points or the item itself (the importer finds which).
   */
  pool?: { points: number | null };
  /** 最高加N分: the item's own cap, its points. */
  cap?: number;
  /** The points the wording itself gives the item at most (…÷有效票×15, the top tier or rating). */
  fullPoints?: number;
}

export interface WordingProblem {
  code: ImportProblemCode;
  params?: ImportProblemParams;
  message: string;
}

export type WordingResult = { ok: true; read: WordingRead } | { ok: false; problem: WordingProblem };

const fail = (code: ImportProblemCode, params?: ImportProblemParams): WordingResult => ({ ok: false, problem: importProblem(code, params) });
const ok = (read: WordingRead): WordingResult => ({ ok: true, read });

// ---------------------------------------------------------------------------------------------
// Normalising: full-width forms, dashes, Chinese numerals before 分/百分点/万元.

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 → 1, 十 → 10, 十五 → 15, 二十 → 20, 一百 → 100; undefined when it is not a numeral. */
export function chineseNumber(s: string): number | undefined {
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return undefined;
  let total = 0;
  let digit = 0;
  let seen = false;
  for (const ch of s) {
    if (ch === '百') {
      total += (seen ? digit : 1) * 100;
      digit = 0;
      seen = false;
    } else if (ch === '十') {
      total += (seen ? digit : 1) * 10;
      digit = 0;
      seen = false;
    } else {
      digit = CN_DIGIT[ch]!;
      seen = true;
    }
  }
  return total + digit;
}

/** The wording in one form: ASCII digits and punctuation, one kind of dash, no spaces. */
export function normalizeWording(text: string): string {
  let s = text.normalize('NFKC');
  s = s.replace(/\s+/g, '');
  s = s.replace(/[“”„‟〝〞「」『』]/g, '"').replace(/[‘’]/g, "'");
  s = s.replace(/[—–―‐‑‒−﹣－~〜～]+/g, '-');
  s = s.replace(/、/g, '、').replace(/[．]/g, '.');
  s = s.replace(/[×xX＊*](?=\d)/g, '×');
  // Chinese numerals where they are a quantity: 扣二分, 扣两分, 每低一个百分点, 五万元.
  s = s.replace(/([零〇一二两三四五六七八九十百]+)(?=(分(?!点)|个?百分点|万元|元|%))/g, (m) => String(chineseNumber(m) ?? m));
  s = s.replace(/(\d)(?:至|到)(?=\d)/g, '$1-');
  s = s.replace(/。+$/, '');
  return s;
}

const N = String.raw`(\d+(?:\.\d+)?)`;
const num = (s: string | undefined): number => Number(s);

// ---------------------------------------------------------------------------------------------
// Vetoes.

function readVeto(s: string): WordingResult | undefined {
  const ceiling = new RegExp(String.raw`不得(?:评为|评定为|定为|确定为|列为)["']?([^"',;。]{1,6}?)["']?(?:等次|等级|档次)(?:及以上)?`).exec(s);
  if (ceiling) return ok({ rule: { kind: 'veto', effect: 'ceiling', grade: ceiling[1]! } });
  const forced = new RegExp(String.raw`(?<!不得)(?:直接|一律)?(?:评为|定为|确定为)["']?([^"',;。]{1,6}?)["']?(?:等次|等级|档次)`).exec(s);
  if (forced) return ok({ rule: { kind: 'veto', effect: 'grade', grade: forced[1]! } });
  if (/一票否决/.test(s)) return ok({ rule: { kind: 'veto', effect: 'zero' } });
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Measured values. Each reader takes the pieces it knows out of the text; what is left must be
// nothing but punctuation and filler, or the wording is only partly read.

/** Takes `re`'s first match out of `s` (replaced by a comma); the match, or undefined. */
function take(state: { s: string }, re: RegExp): RegExpExecArray | undefined {
  const m = re.exec(state.s);
  if (!m) return undefined;
  state.s = state.s.slice(0, m.index) + ',' + state.s.slice(m.index + m[0].length);
  return m;
}

/** What is left once the known pieces are out: '' when only punctuation and filler remain. */
function leftover(s: string): string {
  return s
    .replace(/[,;。、()"'：:]/g, ' ')
    .replace(/(本项|该项|此项|的)/g, ' ')
    .trim()
    .replace(/\s+/g, '，');
}

function readShortfall(text: string): WordingResult | undefined {
  if (!/百分点/.test(text)) return undefined;
  const st = { s: text };
  const target = take(st, new RegExp(String.raw`([^,;。]{0,20}?)(?:达到|达|为|在|保持)?${N}%(?:及以上|以上)?(?:的)?,?(?:得满分|得全分|不扣分|得${N}分)`));
  const step = take(st, new RegExp(String.raw`每(?:低|下降|降低|减少|差|低于目标值?|低于)${N}个?百分点(?:的)?,?(?:扣|减)${N}分`));
  if (!target || !step) return undefined;
  let rounding: 'up' | 'exact' | 'down' | undefined;
  if (take(st, new RegExp(String.raw`\(?不足${N}?个?百分点(?:的)?,?(?:按|以)${N}?个?百分点(?:计|计算|扣分|扣)\)?`))) rounding = 'up';
  else if (take(st, /\(?(?:按|以)实际(?:差值|差距|差额|比例)(?:计算|扣分|计)\)?/)) rounding = 'exact';
  else if (take(st, new RegExp(String.raw`\(?不足${N}?个?百分点(?:的)?,?不(?:扣分|计|扣)\)?`))) rounding = 'down';
  const floor = take(st, new RegExp(String.raw`(?:低于|不足|未达到|达不到|小于)${N}%(?:的)?,?(?:本项|该项|此项)?(?:不得分|得0分|计0分)`));
  const rest = leftover(st.s);
  if (rest) return fail('partly-read', { rest });
  if (!rounding) return fail('rounding-unstated');
  const title = target[1]!.replace(/[,;。]/g, '').trim();
  return ok({
    rule: {
      kind: 'measured',
      measure: { kind: 'rate', ...(title ? { title } : {}) },
      scoring: {
        by: 'shortfall',
        target: num(target[2]),
        step: num(step[1]),
        amount: num(step[2]),
        rounding,
        ...(floor ? { floor: num(floor[1]) } : {}),
      },
    },
    ...(target[3] ? { fullPoints: num(target[3]) } : {}),
  });
}

/** The usual counts of a satisfaction survey, by the codes schemes give them. */
const TERM_CODES: Record<string, string> = { 满意: 'satisfied', 基本满意: 'basic', 不满意: 'unsatisfied', 非常满意: 'very', 比较满意: 'fairly' };

function readProportional(text: string): WordingResult | undefined {
  if (/^(?:按|依)(?:实际)?(?:任务)?(?:完成|落实|实施)?(?:比例|进度|率)(?:得分|计分|计算得分|折算得分|赋分)$/.test(text)) {
    return ok({ rule: { kind: 'measured', measure: { kind: 'rate' }, scoring: { by: 'proportional' } } });
  }
  // （满意＋基本满意×0.5）÷有效票×15
  const f = new RegExp(String.raw`^(?:得分=)?\(?([^()÷=]+?)\)?÷([^÷×()=]+?)×${N}分?$`).exec(text);
  if (!f) return undefined;
  const terms: Array<{ code: string; title: string; weight: number }> = [];
  for (const [i, part] of f[1]!.split('+').entries()) {
    const t = new RegExp(String.raw`^([^×\d]+?)(?:×${N})?$`).exec(part);
    if (!t) return fail('partly-read', { rest: part });
    terms.push({ code: TERM_CODES[t[1]!] ?? String.fromCharCode(97 + i), title: t[1]!, weight: t[2] ? num(t[2]) : 1 });
  }
  const measure: MeasureData = terms.length === 1 && terms[0]!.weight === 1 ? { kind: 'rate', title: terms[0]!.title, of: f[2]! } : { kind: 'rate', terms, of: f[2]! };
  return ok({ rule: { kind: 'measured', measure, scoring: { by: 'proportional' } }, fullPoints: num(f[3]) });
}

const AMOUNT_UNITS = ['万元', '元'];

function readPerUnit(text: string): WordingResult | undefined {
  const st = { s: text };
  const per = take(st, new RegExp(String.raw`每(?:落实|完成|增加|投入|引进|争取|实现|新增|到位)?${N}(万元|元|户|人|个|项|家|亩)?(?:的)?,?加${N}分`));
  if (!per) return undefined;
  const unit = per[2] ?? '';
  // 每1户加1分 is a bonus per occurrence; a measured amount has a unit worth measuring.
  if (!AMOUNT_UNITS.includes(unit) && num(per[1]) === 1) return undefined;
  const cap = take(st, new RegExp(String.raw`(?:最高|最多|累计最高|累计最多|上限为?|不超过|封顶)(?:加|可加)?${N}分(?:为止)?|加满${N}分为止`));
  let rounding: 'down' | 'exact' = 'down';
  if (take(st, /\(?不足[^,;()]*?(?:按比例|按实际)(?:计算|加分|计)\)?/)) rounding = 'exact';
  else take(st, /\(?不足[^,;()]*?不(?:加分|计)\)?/);
  const rest = leftover(st.s);
  if (rest) return fail('partly-read', { rest });
  const measure: MeasureData = AMOUNT_UNITS.includes(unit) || !unit ? { kind: 'amount', ...(unit ? { unit } : {}) } : { kind: 'count', unit };
  const capPoints = cap ? num(cap[1] ?? cap[2]) : undefined;
  return ok({
    rule: { kind: 'measured', measure, scoring: { by: 'perUnit', unit: num(per[1]), amount: num(per[3]), rounding } },
    ...(capPoints !== undefined ? { cap: capPoints } : {}),
  });
}

interface Bound {
  value: number;
  unit: string;
  /** Explicitly marked 含 (true), 不含 (false), or not said (undefined). */
  inclusive?: boolean;
}

const UNIT = String.raw`(万元|元|%|户|人|个|项|次|家|亩|天)?`;

/**
 * 10万元以上得7分，5万元（含）至10万元得5分，5万元以下得2分. 以上 and 以下 include the number and 超过,
 * 不足, 低于 do not (as Chinese regulations use them), unless the wording marks bounds with （含）
 * itself: then an unmarked bound is the other tier's.
 */
function readTiers(text: string): WordingResult | undefined {
  const clauses = text.split(/[,;。]/).filter(Boolean);
  if (clauses.length < 2) return undefined;
  const marks = /\(含\)/.test(text);
  const lowerInclusive = (b: Bound) => (b.inclusive !== undefined ? b.inclusive : !marks);
  const upperInclusive = (b: Bound) => (b.inclusive !== undefined ? b.inclusive : !marks);
  interface Tier {
    min: Bound | null;
    max: Bound | null;
    points: number;
  }
  const tiers: Tier[] = [];
  const INC = String.raw`(\((?:不)?含\))?`;
  for (const clause of clauses) {
    const m = new RegExp(String.raw`^(.+?)(?:的)?,?(?:得|计|赋)${N}分$`).exec(clause);
    if (!m) return tiers.length === 0 ? undefined : fail('partly-read', { rest: clause });
    const range = m[1]!;
    const pts = num(m[2]);
    const inc = (g: string | undefined) => (g === undefined ? undefined : !g.includes('不'));
    let r: RegExpExecArray | null;
    if ((r = new RegExp(String.raw`^(?:超过|高于|大于|多于)${N}${UNIT}$`).exec(range))) {
      tiers.push({ min: { value: num(r[1]), unit: r[2] ?? '', inclusive: false }, max: null, points: pts });
    } else if ((r = new RegExp(String.raw`^${N}${UNIT}${INC}(及)?以上${INC}$`).exec(range))) {
      const said = inc(r[3] ?? r[5]) ?? (r[4] ? true : undefined);
      tiers.push({ min: { value: num(r[1]), unit: r[2] ?? '', inclusive: said }, max: null, points: pts });
    } else if ((r = new RegExp(String.raw`^${N}${UNIT}${INC}(?:至|到|-|以上)${N}${UNIT}${INC}(?:以下|之间)?${INC}$`).exec(range))) {
      const unit = r[2] ?? r[5] ?? '';
      if (r[2] && r[5] && r[2] !== r[5]) return fail('tiers-unit');
      tiers.push({
        min: { value: num(r[1]), unit, inclusive: inc(r[3]) },
        max: { value: num(r[4]), unit, inclusive: inc(r[6] ?? r[7]) },
        points: pts,
      });
    } else if ((r = new RegExp(String.raw`^(?:不足|低于|少于|小于|不到)${N}${UNIT}$`).exec(range))) {
      tiers.push({ min: null, max: { value: num(r[1]), unit: r[2] ?? '', inclusive: false }, points: pts });
    } else if ((r = new RegExp(String.raw`^${N}${UNIT}${INC}(及)?以下${INC}$`).exec(range))) {
      tiers.push({ min: null, max: { value: num(r[1]), unit: r[2] ?? '', inclusive: inc(r[3] ?? r[5]) ?? (r[4] ? true : !marks) }, points: pts });
    } else {
      return tiers.length === 0 ? undefined : fail('partly-read', { rest: clause });
    }
  }
  const units = new Set(tiers.flatMap((t) => [t.min?.unit, t.max?.unit]).filter((u): u is string => u !== undefined && u !== ''));
  if (units.size > 1) return fail('tiers-unit');
  const unit = [...units][0] ?? '';
  // Highest first; every tier but the top one ends where the one above begins.
  const sorted = [...tiers].sort((a, b) => (b.min?.value ?? -Infinity) - (a.min?.value ?? -Infinity));
  for (let i = 1; i < sorted.length; i++) {
    const above = sorted[i - 1]!;
    const t = sorted[i]!;
    if (t.max && above.min && t.max.value !== above.min.value) return fail('tiers-gap', { at: `${t.max.value}${unit}` });
    if (!t.min && i !== sorted.length - 1) return fail('tiers-gap', { at: `${t.max?.value ?? ''}${unit}` });
    // 10万元以上 and 5万元至10万元, no bound marked: 10万元 is in both (以上 and 至 include it).
    if (t.max && above.min && upperInclusive(t.max) && lowerInclusive(above.min)) return fail('tiers-overlap', { at: `${t.max.value}${unit}` });
  }
  const out = sorted.map((t) => {
    const min = t.min ? t.min.value : 0;
    const above = t.min ? !lowerInclusive(t.min) : false;
    return { min, points: t.points, ...(above ? { above: true } : {}) };
  });
  const measure: MeasureData = unit === '%' ? { kind: 'rate' } : AMOUNT_UNITS.includes(unit) ? { kind: 'amount', unit } : unit ? { kind: 'count', unit } : { kind: 'amount' };
  return ok({ rule: { kind: 'measured', measure, scoring: { by: 'tiers', tiers: out } }, fullPoints: Math.max(...out.map((t) => t.points)) });
}

/** 好10分、较好8分、一般5分、差0分 (also 评为好的得10分，…). */
function readRating(text: string): WordingResult | undefined {
  const clauses = text.split(/[,;、。]/).filter(Boolean);
  if (clauses.length < 2) return undefined;
  const levels: Array<{ code: string; title: string; points: number }> = [];
  for (const [i, clause] of clauses.entries()) {
    const m = new RegExp(String.raw`^(?:评为|评定为|定为|为)?"?([^\d",;扣加每得为以上下至满分%]{1,6}?)"?(?:等次|等级|档)?(?:的)?(?:得|计|赋)?${N}分$`).exec(clause);
    if (!m) return undefined;
    levels.push({ code: String.fromCharCode(97 + i), title: m[1]!, points: num(m[2]) });
  }
  if (new Set(levels.map((l) => l.title)).size !== levels.length) return undefined;
  return ok({ rule: { kind: 'measured', measure: { kind: 'rating', levels }, scoring: { by: 'rating' } }, fullPoints: Math.max(...levels.map((l) => l.points)) });
}

// ---------------------------------------------------------------------------------------------
// Deductions and bonuses, clause by clause.

const POOL = [
  new RegExp(String.raw`^(?:扣完|扣满|扣至)${N}分(?:为止|止)?$`),
  new RegExp(String.raw`^(?:最多|最高|累计最多|累计最高|累计)扣${N}分(?:为止)?$`),
  new RegExp(String.raw`^扣分(?:不超过|最多|最高)${N}分$`),
];
const POOL_ITEM = /^(?:扣完为止|扣完即止|扣完本项分值?为止|扣完该项分值?为止|扣完本项为止|扣完此项分值?为止|本项分值扣完为止|扣完本项分值?止)$/;
const CAP = new RegExp(String.raw`^(?:最高|最多|累计最高|累计最多|上限为?|累计不超过|不超过)(?:加|可加)?${N}分(?:为止)?$|^加满${N}分为止$`);

type Amount = { kind: 'deduct'; amount: number } | { kind: 'range'; min: number; max: number } | { kind: 'allOrNothing' } | { kind: 'bonus'; amount: number };

function amountOf(clause: string): { amount: Amount; condition: string } | undefined {
  const c = clause.replace(/\/(?:处|项|次|例|个|户|人)$/, '');
  let m: RegExpExecArray | null;
  if ((m = new RegExp(String.raw`^(.*?)扣${N}-${N}分$`).exec(c))) return { amount: { kind: 'range', min: num(m[2]), max: num(m[3]) }, condition: m[1]! };
  if ((m = new RegExp(String.raw`^(.*?)(?:扣|减)${N}分$`).exec(c))) return { amount: { kind: 'deduct', amount: num(m[2]) }, condition: m[1]! };
  if ((m = /^(.*?)(?:否则)?(?:本项|该项|此项)?(?:不得分|不计分|得0分|计0分)$/.exec(c))) return { amount: { kind: 'allOrNothing' }, condition: m[1]! };
  if ((m = new RegExp(String.raw`^(.*?)(?:加|奖励|奖)${N}分$`).exec(c))) return { amount: { kind: 'bonus', amount: num(m[2]) }, condition: m[1]! };
  return undefined;
}

/** Words that say the wording is more than a plain deduction (a rate, a tier, a discretion…). */
const UNCLEAR: Array<{ re: RegExp; zh: string; en: string }> = [
  { re: /%|百分点/, zh: '含百分比', en: 'a percentage' },
  { re: /万元/, zh: '含金额', en: 'an amount of money' },
  { re: /视情况|酌情|视情节|视程度/, zh: '由考核人员酌情决定，但未给出扣分范围', en: 'left to the inspector, but with no range' },
  { re: /分别/, zh: '“分别”：一行中有多个事项', en: '"分别": several things in one line' },
  { re: /等次|等级/, zh: '涉及等次', en: 'a grade' },
  { re: /折算|权重|比例/, zh: '涉及折算或比例', en: 'a conversion or a ratio' },
  { re: /得满分|得\d+(?:\.\d+)?分/, zh: '含“得分”的写法', en: 'points earned, not deducted' },
];

/** A named obligation failed (有一个完成不了，扣10分; 村不得出列扣20分): a fixed penalty. */
const OBLIGATION = /有[1一][个项条]|完成不了|未完成|没有完成|没完成|不得(?:出列|脱贫|摘帽|退出)/;

function readClauses(text: string): WordingResult {
  const clauses = text.split(/[,;。]/).filter(Boolean);
  let pool: { points: number | null } | undefined;
  let cap: number | undefined;
  const units: Array<{ amount: Amount; text: string; condition: string }> = [];
  let pending: string[] = [];
  for (const clause of clauses) {
    const p = POOL.map((re) => re.exec(clause)).find(Boolean);
    if (p) {
      pool = { points: num(p[1]) };
      continue;
    }
    if (POOL_ITEM.test(clause)) {
      pool = { points: null };
      continue;
    }
    const c = CAP.exec(clause);
    if (c) {
      cap = num(c[1] ?? c[2]);
      continue;
    }
    const a = amountOf(clause);
    if (!a) {
      pending.push(clause);
      continue;
    }
    const condition = [...pending, a.condition].filter(Boolean).join('，');
    units.push({ amount: a.amount, text: [...pending, clause].join('，'), condition });
    pending = [];
  }
  if (units.length === 0) return fail('unknown-wording', { text });
  if (pending.length > 0) return fail('partly-read', { rest: pending.join('，') });
  for (const u of units) {
    for (const w of UNCLEAR) {
      if (u.amount.kind === 'range' && w.re.source.includes('视情况')) continue;
      const hit = w.re.exec(u.condition);
      if (hit) return { ok: false, problem: importProblem('unclear-wording', { rest: u.text, why_zh: w.zh, why_en: w.en }) };
    }
  }
  const bonuses = units.filter((u) => u.amount.kind === 'bonus');
  if (bonuses.length > 0) {
    if (bonuses.length < units.length || pool) return fail('mixed-rules');
    if (bonuses.length > 1) return fail('several-bonuses');
    const b = bonuses[0]!.amount as { kind: 'bonus'; amount: number };
    return ok({ rule: { kind: 'bonus', amount: b.amount }, ...(cap !== undefined ? { cap } : {}) });
  }
  if (cap !== undefined) return fail('partly-read', { rest: `${clauses.find((c) => CAP.test(c))}` });
  const simple = (u: (typeof units)[number]): SimpleRuleData => {
    switch (u.amount.kind) {
      case 'range':
        return { kind: 'range', min: u.amount.min, max: u.amount.max };
      case 'allOrNothing':
        return { kind: 'allOrNothing' };
      default: {
        const amount = (u.amount as { amount: number }).amount;
        return { kind: OBLIGATION.test(u.text) ? 'fixedPenalty' : 'perOccurrence', amount };
      }
    }
  };
  const withPool = pool ? { pool } : {};
  if (units.length === 1) return ok({ rule: simple(units[0]!), ...withPool });
  const parts = units.map((u, i) => ({ code: String.fromCharCode(97 + i), title: partTitle(u.condition) || u.text, rule: simple(u) }));
  return ok({ rule: { kind: 'parts', parts }, ...withPool });
}

/** 应纳未纳1户扣2分 → 应纳未纳; 每缺少一项 → 缺少一项. */
function partTitle(condition: string): string {
  return condition
    .replace(/^(?:每|发现|凡)/, '')
    .replace(/[的，,]*(?:视情况|酌情|视情节|视程度)$/, '')
    .replace(/[的，,]*(?:每|发现)?[\d一二两三四五六七八九十]*(?:户|处|项|次|例|个|人|条|起|天|篇|件|人次)$/, '')
    .replace(/[的，,]+$/, '')
    .replace(/"([^"]*)"/g, '“$1”')
    .trim();
}

/**
 * Reads a 评分标准 wording into a rule; the reason when it cannot (never a rule half read).
 * `context.bonus`: the item is in a bonus section (a bare 加N分 is expected there).
 */
export function readWording(raw: string): WordingResult {
  const text = normalizeWording(raw);
  if (!text) return fail('empty-wording');
  const veto = readVeto(text);
  if (veto) return veto;
  for (const reader of [readShortfall, readProportional, readPerUnit, readTiers, readRating]) {
    const r = reader(text);
    if (r) return r;
  }
  return readClauses(text);
}
