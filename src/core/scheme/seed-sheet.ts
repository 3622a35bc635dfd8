/**
 * A scheme laid out as an office lays it in Excel (test helper): a title row, the header
 * 序号 | 考核内容 | 分值 | 评分标准, sections merged across as 一、组织领导（20分）, sub-sections
 * （一）扶贫手册填写 with their points in the column, items numbered 1, 2, … with their 考核内容
 * (the node's text, or its title) and the 评分标准 wording (its ruleText).
 */
import { fromCents } from '../numbers.ts';
import type { Scheme, SchemeNode } from './model.ts';
import type { SheetGrid } from './sheet-import.ts';

const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function schemeSheet(scheme: Scheme): SheetGrid {
  const cells: string[][] = [
    [scheme.title.zh, '', '', ''],
    ['序号', '考核内容', '分值', '评分标准'],
  ];
  const merges: NonNullable<SheetGrid['merges']> = [{ top: 0, left: 0, bottom: 0, right: 3 }];
  const pts = (n: SchemeNode) => (n.points === null ? '' : String(fromCents(n.points)));
  const item = (n: SchemeNode, i: number) => cells.push([String(i + 1), (n.text ?? n.title).zh, pts(n), n.ruleText?.zh ?? '']);
  scheme.sections.forEach((s, i) => {
    merges.push({ top: cells.length, left: 0, bottom: cells.length, right: 3 });
    cells.push([`${CN[i]}、${s.title.zh}（${pts(s)}分）`, '', '', '']);
    s.children.forEach((c, j) => {
      if (c.children.length === 0) return item(c, j);
      cells.push([`（${CN[j]}）`, c.title.zh, pts(c), c.ruleText?.zh ?? '']);
      c.children.forEach(item);
    });
  });
  return { cells, merges };
}

/** What importing keeps of a scheme: the tree, codes, titles, points, pools, bonus, wording and rule. */
export function shape(scheme: Scheme): unknown[] {
  const node = (n: SchemeNode): unknown => ({
    code: n.code,
    // An item's 考核内容 is its text where the scheme has one.
    title: n.children.length === 0 ? (n.text ?? n.title).zh : n.title.zh,
    points: n.points,
    pool: n.pool,
    bonus: n.bonus,
    ruleText: n.children.length === 0 ? n.ruleText?.zh : undefined,
    rule: n.rule,
    children: n.children.map(node),
  });
  return scheme.sections.map(node);
}

/** Sub-sections whose one item has all their points: the seed makes them pools, its wording does not say so (the same scores). */
export const SEED_POOLS_NOT_WORDED = ['2.4', '3.3', '3.4', '3.5'];

/** The seed's shape as its sheet's wording gives it: the sub-sections the wording does not make pools are not (the same scores). */
export function seedShapeAsWorded(seed: Scheme): unknown[] {
  const unPool = (nodes: unknown[]): unknown[] =>
    (nodes as Array<Record<string, unknown>>).map((n) => ({
      ...n,
      pool: SEED_POOLS_NOT_WORDED.includes(n.code as string) ? false : n.pool,
      children: unPool(n.children as unknown[]),
    }));
  return unPool(shape(seed));
}
