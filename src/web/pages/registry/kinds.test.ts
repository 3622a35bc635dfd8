/** Code-list codes and enum values are shown as words in both languages, never as raw codes. */
import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { formatterFor } from '../../lib/format.ts';
import { codeLabel, enumWords, fieldValue, type KindFieldInfo } from './kinds.tsx';

const field = (property: string, type: string, extra: Partial<KindFieldInfo> = {}): KindFieldInfo => ({
  key: property,
  property,
  header: property,
  aliases: [],
  en: property,
  type,
  required: false,
  help: '',
  example: null,
  ...extra,
});
const t = ((k: string) => k) as unknown as TFunction;

// A household as GET /api/households gives it.
const household = {
  attribute: 'general',
  attributeLabel: '一般贫困户',
  attributeLabelEn: 'ordinary poor household',
  mainCause: 'illness',
  mainCauseLabel: '因病',
  mainCauseLabelEn: 'illness',
  otherCauses: 'skills,capital',
  otherCausesLabel: '缺技术、缺资金',
  otherCausesLabelEn: 'lack of skills, lack of capital',
  custom: 'x1',
  customLabel: '自定义',
};

describe('code-list labels', () => {
  it('are the Chinese label in Chinese and the English one in English', () => {
    expect(codeLabel(household, 'attribute', 'zh')).toBe('一般贫困户');
    expect(codeLabel(household, 'attribute', 'en')).toBe('ordinary poor household');
    expect(codeLabel(household, 'otherCauses', 'en')).toBe('lack of skills, lack of capital');
    const fmt = formatterFor('en');
    expect(fieldValue(field('attribute', 'code'), household, 'en', fmt, t)).toBe('ordinary poor household');
    expect(fieldValue(field('otherCauses', 'codes'), household, 'zh', formatterFor('zh-CN'), t)).toBe('缺技术、缺资金');
  });

  it('fall back to the Chinese label, then the code, where no English one came', () => {
    expect(codeLabel(household, 'custom', 'en')).toBe('自定义');
    expect(codeLabel({ custom: 'x1' }, 'custom', 'en')).toBe('x1');
    expect(codeLabel({ custom: null }, 'custom', 'en')).toBeUndefined();
  });

  it('show enum values as words in English', () => {
    const stage = field('stage', 'enum', { values: [{ value: 'first-publication', labels: ['第一次公示'] }] });
    expect(fieldValue(stage, { stage: 'first-publication' }, 'zh', formatterFor('zh-CN'), t)).toBe('第一次公示');
    expect(fieldValue(stage, { stage: 'first-publication' }, 'en', formatterFor('en'), t)).toBe('first publication');
    expect(enumWords('leader+secretary')).toBe('leader & secretary');
  });
});
