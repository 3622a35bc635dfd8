/**
 * The rules of a scheme that an office writes in the 说明 lines under its table, not in the
 * table's rows: the grades (考核结果分为好（90分及以上）、…), the periods (综合得分＝平时考核×30%＋
 * 年终考核×70%＋加分－扣分; 平时考核为四个季度督查得分的平均分), the ranking (“好”等次不超过…20%，
 * …超出比例的确定为“较好”; 综合得分相同的，年终考核得分高者排名在前) and the conversion
 * (按实得分÷应得分×100折算). Pure. Each is read only from a sentence that says it whole; a
 * sentence that names one of these rules but is not read is returned as unread, never guessed.
 */

/** A grade read from the notes: a code (below), its title, its lower bound in points. */
export interface NoteGrade {
  code: string;
  title: string;
  min: number;
}

/** The codes a scheme gives the grades offices name (a code a scheme has twice falls back to the title). */
const GRADE_CODES: Record<string, string> = {
  优秀: 'excellent',
  良好: 'good',
  好: 'good',
  较好: 'fair',
  一般: 'average',
  合格: 'pass',
  基本合格: 'basicPass',
  不合格: 'fail',
  称职: 'competent',
  基本称职: 'basicCompetent',
  不称职: 'incompetent',
  较差: 'poor',
  差: 'poor',
};

/** The codes of the periods offices name (平时考核 → daily); others are numbered p1, p2. */
const PERIOD_CODES: Record<string, string> = {
  平时考核: 'daily',
  日常考核: 'daily',
  季度考核: 'quarterly',
  半年考核: 'midyear',
  年中考核: 'midyear',
  年终考核: 'final',
  年度考核: 'final',
};

export interface NotePeriod {
  code: string;
  title: string;
  /** Percent: 30 = 30%. */
  weight: number;
  combine: 'average' | 'sum' | 'last';
}

export interface NoteRules {
  grades: NoteGrade[];
  periods?: NotePeriod[];
  ranking?: {
    quotas?: Array<{ grade: string; share: number; otherwise: string }>;
    tieBreak?: string[];
  };
  /** 按实得分÷应得分×100折算: convert to this many points, and what does not apply leaves the maximum. */
  convert?: number;
  /** Sentences that name a rule of these kinds but were not read whole (for the office to set in the form). */
  unread: string[];
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const Q = '["“”\']';

/** The notes as one text, in half-width forms (＝ → =, ＋ → +, （ → (). */
const norm = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/**
 * The grades the notes name: 考核结果分为优秀（90分及以上）、良好（80分—89.99分）、一般（60分—79.99分）、
 * 较差（60分以下）四个等次 → highest first, each with the code offices' grades have (优秀 excellent,
 * 好 good, 较好 fair, 一般 average, 差 poor …; its title where the scheme would have a code twice).
 */
export function gradesOf(notes: string): NoteGrade[] {
  const m = /分为(.+?)[二三四五六七]个等次/.exec(norm(notes));
  if (!m) return [];
  const grades: NoteGrade[] = [];
  for (const part of m[1]!.split('、')) {
    const g = new RegExp(String.raw`^${Q}?(.+?)${Q}?\(${NUM}分(及以上|以上|以下|-|—|至)?(?:${NUM}分)?(?:以下)?\)$`).exec(part.trim());
    if (!g) return [];
    const below = g[3] === '以下';
    grades.push({ code: g[1]!, title: g[1]!, min: below ? 0 : Number(g[2]) });
  }
  grades.sort((a, b) => b.min - a.min);
  if (new Set(grades.map((g) => g.min)).size !== grades.length) return [];
  const codes = grades.map((g) => GRADE_CODES[g.title]);
  const unique = codes.every((c, i) => c !== undefined && codes.indexOf(c) === i);
  return unique ? grades.map((g, i) => ({ ...g, code: codes[i]! })) : grades;
}

/** Reads the notes under a table: grades, periods, ranking rules and conversion. */
export function noteRules(notes: string): NoteRules {
  const text = norm(notes);
  const sentences = text.split(/(?<=[。；;])|(?=\d+\.(?!\d))/).filter((s) => s !== '');
  const unread: string[] = [];
  const grades = gradesOf(notes);
  const out: NoteRules = { grades, unread };

  // 综合得分=平时考核×30%+年终考核×70%+加分-扣分
  const formula = /(?:综合得分|最终得分|年度得分|考核得分)=([^，,。；;]+)/.exec(text);
  if (formula) {
    const periods: NotePeriod[] = [];
    let ok = true;
    for (const term of formula[1]!.split(/[+-]/)) {
      const p = new RegExp(String.raw`^(.+?)(?:得分)?[×*]${NUM}%$`).exec(term);
      if (p) periods.push({ code: PERIOD_CODES[p[1]!] ?? `p${periods.length + 1}`, title: p[1]!, weight: Number(p[2]), combine: 'last' });
      else if (!/^(?:加分|扣分|加分项得分|扣分项得分)$/.test(term)) ok = false;
    }
    const codes = periods.map((p) => p.code);
    if (ok && periods.length >= 2 && new Set(codes).size === codes.length) {
      for (const p of periods) {
        const how = new RegExp(String.raw`${p.title}(?:得分)?为(.+?)的(平均分|平均值|总和|之和|合计)`).exec(text);
        if (how) p.combine = /平均/.test(how[2]!) ? 'average' : 'sum';
      }
      out.periods = periods;
    } else unread.push(formula[0]);
  }

  // “好”等次不超过参加考核乡镇总数的20%，按综合得分从高到低确定，超出比例的确定为“较好”
  const quotas: NonNullable<NoteRules['ranking']>['quotas'] = [];
  for (const s of sentences) {
    if (!/不超过.*%/.test(s) || !/等次/.test(s)) continue;
    const q = new RegExp(String.raw`${Q}([^"“”']+)${Q}等次(?:比例|名额)?(?:原则上)?不超过[^%]*?${NUM}%.*?超出(?:比例|部分|名额)?的?(?:确定|评定|评)为${Q}([^"“”']+)${Q}`).exec(s);
    const grade = q && grades.find((g) => g.title === q[1]);
    const otherwise = q && grades.find((g) => g.title === q[3]);
    if (q && grade && otherwise) quotas.push({ grade: grade.code, share: Number(q[2]), otherwise: otherwise.code });
    else unread.push(s);
  }

  // 综合得分相同的，年终考核得分高者排名在前
  let tieBreak: string[] | undefined;
  const tie = /得分相同的?[,，](.+?)高者排名?(?:在前|靠前)/.exec(text);
  if (tie) {
    const keys = tie[1]!.split(/、|,再按|，再按|再按/).map((k) => k.replace(/得分$|分$/, ''));
    const codes = keys.map((k) => out.periods?.find((p) => p.title === k)?.code ?? ({ 基础: 'base', 基础得: 'base', 加: 'bonus' } as Record<string, string>)[k]);
    if (codes.every((c) => c !== undefined)) tieBreak = codes as string[];
    else unread.push(tie[0]);
  }
  if (quotas.length || tieBreak) out.ranking = { ...(quotas.length ? { quotas } : {}), ...(tieBreak ? { tieBreak } : {}) };

  const convert = conversionOf(text);
  if (convert !== undefined) out.convert = convert;
  else if (/折算/.test(text)) unread.push(sentences.find((s) => /折算/.test(s))!);
  return out;
}

/** 按实得分÷应得分×100折算 (also 实得分/应得分*100): the points converted to. */
export function conversionOf(wording: string): number | undefined {
  const m = new RegExp(String.raw`实得分[÷/]应得分[×*]${NUM}(?:分)?(?:进行)?折算`).exec(norm(wording));
  return m ? Number(m[1]) : undefined;
}

/** 仅对脱贫村考核 (of a section or item): the attributes a unit must have for it to apply. */
export function applicabilityOf(wording: string): Record<string, boolean> | undefined {
  const t = norm(wording);
  if (/仅对非(?:原)?(?:脱贫村|贫困村)(?:进行)?考核/.test(t)) return { povertyVillage: false };
  if (/仅对(?:原)?(?:脱贫村|贫困村)(?:进行)?考核/.test(t)) return { povertyVillage: true };
  return undefined;
}
