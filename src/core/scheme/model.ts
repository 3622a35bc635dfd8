/**
 * The in-memory model of an assessment scheme (考核细则). Plain, JSON-serialisable data so
 * that a scheme can be stored with a campaign and shipped to the browser unchanged.
 * All points and amounts are integer hundredths of a point (see ../numbers.ts).
 */
import type { Cents } from '../numbers.ts';

/** Text in Chinese, with an English rendering where one is given. */
export interface Text {
  zh: string;
  en?: string;
}

export type Lang = 'zh' | 'en';

/** A condition on a unit's attributes; every listed attribute must satisfy its test. */
export type Condition = Record<string, AttributeTest>;

/** A literal value means "equals"; the object forms compare. */
export type AttributeTest = string | number | boolean | { in: Array<string | number | boolean> } | { ne: string | number | boolean } | { gte: number } | { lte: number };

export type RuleKind = 'perOccurrence' | 'allOrNothing' | 'fixedPenalty' | 'bonus' | 'veto' | 'range' | 'measured' | 'parts';

export const RULE_KINDS: readonly RuleKind[] = ['perOccurrence', 'allOrNothing', 'fixedPenalty', 'bonus', 'veto', 'range', 'measured', 'parts'];

/** What a measured item measures: the inspector enters it, or the derivation layer measures it. */
export type MeasureKind = 'rate' | 'amount' | 'count' | 'rating';

/** One named count of a rate's numerator, with its weight (满意 ×1, 基本满意 ×0.5). */
export interface MeasureTerm {
  code: string;
  title: Text;
  /** The weight in hundredths: 100 = ×1, 50 = ×0.5. */
  weight: Cents;
}

/** One level of a rating (好 10分、较好 8分…). */
export interface RatingLevel {
  code: string;
  title: Text;
  points: Cents;
}

export interface Measure {
  kind: MeasureKind;
  /** What is measured (贫困人口收入增长率, 落实帮扶资金): shown beside the input. */
  title?: Text;
  /** amount and count: the unit the value is entered in (万元, 户). */
  unit?: Text;
  /**
   * rate: the numerator's named counts, each with its weight; without terms the numerator is one
   * count. A rate is entered as counts (numerator terms and `of`) or directly as a percentage.
   */
  terms?: MeasureTerm[];
  /** rate: the denominator's name (有效票, 应纳入户数). */
  of?: Text;
  /** rating: the levels, from the best down. */
  levels?: RatingLevel[];
}

/**
 * How a measured value becomes points. Thresholds and values are in hundredths: a rate in
 * hundredths of a percent (95% = 9500), an amount or count in hundredths of its unit.
 */
export type MeasuredScoring =
  /**
   * 达到100%得满分，每低1个百分点扣0.5分: `amount` per `step` short of `target`; `rounding`
   * 'up' counts a part step as a whole one (不足1个百分点按1个百分点计), 'exact' deducts
   * pro rata (按实际差值计算, rounded half up to 0.01), 'down' counts whole steps only;
   * below `floor` (低于90%的，本项不得分) the item scores 0.
   */
  | { by: 'shortfall'; target: Cents; step: Cents; amount: Cents; rounding: 'up' | 'exact' | 'down'; floor?: Cents }
  /**
   * 10万元以上得7分，5万元（含）至10万元得5分: the first tier (highest first) whose `min` the
   * value reaches earns its points; `above` makes the bound exclusive (超过); none: 0.
   */
  | { by: 'tiers'; tiers: Array<{ min: Cents; points: Cents; above?: boolean }> }
  /** 好10分、较好8分、一般5分、差0分: the level's points (measure.kind 'rating'). */
  | { by: 'rating' }
  /** 按完成比例得分, （满意＋基本满意×0.5）÷有效票×15: the item's points × the rate (at most 100%), rounded half up. */
  | { by: 'proportional' }
  /** 每落实10万元加0.5分: `amount` per `unit` of the value; 'down' counts whole units only, 'exact' pro rata. */
  | { by: 'perUnit'; unit: Cents; amount: Cents; rounding: 'down' | 'exact' };

/** A rule that can stand on its own or be one of an item's parts. */
export type SimpleRule =
  /** Each occurrence of a shortcoming deducts `amount` (发现一处错误扣2分). */
  | { kind: 'perOccurrence'; amount: Cents; pool?: string }
  /** Condition not met: the item's whole points are lost, however often it is recorded (否则不得分). */
  | { kind: 'allOrNothing'; pool?: string }
  /** Each failure of a named obligation deducts a fixed penalty (有一个完成不了扣10分). */
  | { kind: 'fixedPenalty'; amount: Cents; pool?: string }
  /**
   * Discretionary (视情况扣1—3分, 每处扣0.5-1分): per occurrence the inspector picks an amount
   * within [min, max] (in steps of `step` where given) and must give a reason.
   */
  | { kind: 'range'; min: Cents; max: Cents; step?: Cents; pool?: string };

/** One of several rules of one item (应纳未纳1户扣2分；帮扶措施不落实1户扣1分；扣完为止). */
export interface RulePart {
  code: string;
  title: Text;
  rule: SimpleRule;
}

/** How an item turns its findings into points. */
export type Rule =
  | SimpleRule
  /** Each occurrence adds `amount`, within the bonus section's cap (加5分). */
  | { kind: 'bonus'; amount: Cents }
  /**
   * Any occurrence vetoes the unit (一票否决): 'zero' makes the total 0, 'grade' forces the
   * grade, 'ceiling' caps it (被通报批评的，不得评为“好”等次: at most `grade`).
   */
  | { kind: 'veto'; effect: 'zero' | 'grade' | 'ceiling'; grade?: string }
  /** A measured value turned into points (see MeasuredScoring); one value per item. */
  | { kind: 'measured'; measure: Measure; scoring: MeasuredScoring; pool?: string }
  /** Several rules in one item; each finding names its part; together they stop at the item's points. */
  | { kind: 'parts'; parts: RulePart[]; pool?: string };

export interface ChecklistElement {
  code: string;
  title: Text;
}

export interface SchemeNode {
  code: string;
  /** Short name, as in a table of contents. */
  title: Text;
  /** The requirement as the scheme words it (考核内容). */
  text?: Text;
  /** The scoring wording as the scheme has it (评分标准), e.g. 每缺少一项扣2分，扣完20分为止. */
  ruleText?: Text;
  /** Maximum points; null for penalty-only or bonus items that have no points of their own. */
  points: Cents | null;
  /** This node is a deduction pool: its descendants' deductions together stop at its points. */
  pool: boolean;
  /** A bonus section: its items add points on top of the base, capped at its points. */
  bonus: boolean;
  /**
   * A section of deductions from the total (扣分项从总分中扣除，不受单项分值限制): its items'
   * deductions are subtracted from the total, limited neither by an item's points nor by a pool;
   * `penaltyCap`, where given, limits the section's deductions together. A section can be both a
   * bonus and a penalty section (其他奖惩办法).
   */
  penalty?: boolean;
  penaltyCap?: Cents;
  /** In a bonus section: of this node's items only the highest addition counts (同一事项按最高级别计分，不重复加分). */
  highestOnly?: boolean;
  /** Where the item's facts come from (以县级交叉考核入户抽样调查结果为准). */
  dataSource?: Text;
  /** The department that assesses or answers for the item (责任单位). */
  department?: Text;
  rule?: Rule;
  /** The node (and everything under it) applies only to units for which this holds. */
  appliesIf?: Condition;
  /** Required elements of an item, so a finding can name the one that failed. */
  checklist?: ChecklistElement[];
  /** Set where children deliberately do not add up to this node's points: why. */
  unevenChildren?: string;
  note?: Text;
  children: SchemeNode[];
}

export interface GradeBand {
  code: string;
  title: Text;
  /** Lowest value (inclusive) of the grade's basis that earns this grade. */
  min: Cents;
}

export interface Scheme {
  id: string;
  version: number;
  title: Text;
  source?: string;
  /** Where the source is incomplete or the reading needs a word. */
  note?: Text;
  /** Whether a node that does not apply to a unit keeps its points or leaves the maximum. */
  notApplicable: 'keep' | 'exclude';
  /** What the grade bands are compared against. */
  gradeBasis: 'total' | 'base' | 'percent';
  /** Ordered from the highest band down. Empty: the scheme has no grades. */
  grades: GradeBand[];
  /**
   * 按实得分÷应得分×100折算: the base is converted to this many points (in cents, 10000 = 100)
   * of what applies, rounded half up, before bonus and deductions are added.
   */
  convert?: Cents;
  /** A measured item without a value: 'full' keeps its points until measured (as any item without findings), 'zero' earns nothing. */
  unmeasured?: 'full' | 'zero';
  /** Several assessments of the same unit combined into the final result (平时考核×30%＋年终考核×70%). */
  periods?: Period[];
  /** Rules applied when a ranking is made: quotas of grades, tie-breaks, points from rank. */
  ranking?: RankingRules;
  sections: SchemeNode[];
}

/** One part of the final result: the assessments of one kind (平时考核, 年终考核) and its weight. */
export interface Period {
  code: string;
  title: Text;
  /** Weight in hundredths of a percent: 3000 = 30%. The periods' weights add up to 100%. */
  weight: Cents;
  /** How several assessments of this period are combined (平时考核为四个季度督查得分的平均分). */
  combine: 'average' | 'sum' | 'last';
}

/** Rules a ranking applies to a scheme's results. */
export interface RankingRules {
  /** '好'等次不超过20%，按综合得分从高到低确定，超出比例的确定为'较好'. */
  quotas?: Array<{
    grade: string;
    share: Cents;
    otherwise: string;
    /** How share × count becomes a number of units: 'down' (不超过, the default), 'halfUp' or 'up'. */
    rounding?: 'down' | 'halfUp' | 'up';
    /** Units tied at the quota's boundary: 'demote' all of them (the default, strict 不超过) or 'keep' them all. */
    boundaryTies?: 'demote' | 'keep';
  }>;
  /**
   * Ties on the total are broken by these, in order (综合得分相同的，年终考核得分高者排名在前):
   * 'base', 'bonus', 'penalty' (lower first), a period code or a node code (its score).
   */
  tieBreak?: string[];
  /** 排名1—5名依次得60、57…分: the points earned by rank 1, 2, …; ranks beyond the list earn `rankPointsRest` (0 unless given). */
  rankPoints?: Cents[];
  rankPointsRest?: Cents;
}

/** Picks the text for a language, falling back to Chinese. */
export function textOf(text: Text | undefined, lang: Lang): string {
  if (!text) return '';
  return lang === 'en' ? (text.en ?? text.zh) : text.zh;
}

/** Visits every node depth-first, in scheme order, with its ancestors (nearest last). */
export function walk(scheme: Scheme, visit: (node: SchemeNode, ancestors: SchemeNode[]) => void): void {
  const go = (node: SchemeNode, ancestors: SchemeNode[]) => {
    visit(node, ancestors);
    const next = [...ancestors, node];
    for (const child of node.children) go(child, next);
  };
  for (const section of scheme.sections) go(section, []);
}

/** True when the node is an item: a leaf that carries a rule. */
export function isItem(node: SchemeNode): boolean {
  return node.rule !== undefined;
}

/**
 * Whether a rule of this kind adds points where it sits rather than deducts: a bonus; in a bonus
 * section also a measured value that earns (not a shortfall), and a judged range unless the
 * section deducts too (其他奖惩办法), where a range is a deduction. The engine and the checks of
 * a scheme file both decide it here.
 */
export function ruleAdds(kind: string, scoringBy: string | undefined, bonus: boolean, penalty: boolean): boolean {
  if (kind === 'bonus') return true;
  if (!bonus) return false;
  if (kind === 'measured') return scoringBy !== 'shortfall';
  return kind === 'range' && !penalty;
}
