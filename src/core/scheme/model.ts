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

export type RuleKind = 'perOccurrence' | 'allOrNothing' | 'fixedPenalty' | 'bonus' | 'veto';

export const RULE_KINDS: readonly RuleKind[] = ['perOccurrence', 'allOrNothing', 'fixedPenalty', 'bonus', 'veto'];

/** How an item turns its findings into points. */
export type Rule =
  /** Each occurrence of a shortcoming deducts `amount` (发现一处错误扣2分). */
  | { kind: 'perOccurrence'; amount: Cents; pool?: string }
  /** Condition not met: the item's whole points are lost, however often it is recorded (否则不得分). */
  | { kind: 'allOrNothing'; pool?: string }
  /** Each failure of a named obligation deducts a fixed penalty (有一个完成不了扣10分). */
  | { kind: 'fixedPenalty'; amount: Cents; pool?: string }
  /** Each occurrence adds `amount`, within the bonus section's cap (加5分). */
  | { kind: 'bonus'; amount: Cents }
  /** Any occurrence vetoes the unit (一票否决): the total becomes 0, or the grade is forced. */
  | { kind: 'veto'; effect: 'zero' | 'grade'; grade?: string };

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
  sections: SchemeNode[];
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
