import type { AttributeTest, Condition } from './model.ts';

export type AttributeValue = string | number | boolean | null;
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

/** True when the unit's attributes satisfy every test of the condition; an absent attribute satisfies none. */
export function holds(condition: Condition, attributes: Attributes): boolean {
  for (const [name, test] of Object.entries(condition)) {
    const value = attributes[name];
    if (value === undefined || value === null) return false;
    if (!passes(test, value)) return false;
  }
  return true;
}

function passes(test: AttributeTest, value: string | number | boolean): boolean {
  if (typeof test !== 'object') return value === test;
  if ('in' in test) return test.in.includes(value);
  if ('ne' in test) return value !== test.ne;
  if ('gte' in test) return typeof value === 'number' && value >= test.gte;
  return typeof value === 'number' && value <= test.lte;
}

/** Describes a condition for people: `povertyVillage = true`. */
export function describeCondition(condition: Condition): string {
  return Object.entries(condition)
    .map(([name, test]) => {
      if (typeof test !== 'object') return `${name} = ${String(test)}`;
      if ('in' in test) return `${name} ∈ {${test.in.map(String).join(', ')}}`;
      if ('ne' in test) return `${name} ≠ ${String(test.ne)}`;
      if ('gte' in test) return `${name} ≥ ${test.gte}`;
      return `${name} ≤ ${test.lte}`;
    })
    .join(' and ');
}
