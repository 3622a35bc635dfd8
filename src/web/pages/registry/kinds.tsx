/** The registry's record kinds (GET /api/kinds): field labels and values shown the same way everywhere. */
import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import type { Formatter } from '../../lib/format.ts';
import { useApi } from '../../lib/hooks.ts';
import type { KindField as KindFieldInfo, KindsAnswer } from '../../../contract/registry.ts';

export type { Kind as KindInfo, KindField as KindFieldInfo } from '../../../contract/registry.ts';

export function useKinds() {
  return useApi<KindsAnswer>('/kinds');
}

/** A field's label in the UI language: the sheet's Chinese header, or its English name. */
export function fieldLabel(f: KindFieldInfo, lang: 'zh' | 'en'): string {
  return lang === 'en' ? f.en.charAt(0).toUpperCase() + f.en.slice(1) : f.header;
}

/**
 * The label of a code-list code in a row, in the UI language: the API sends `…Label` (Chinese)
 * and `…LabelEn` (English) beside each code; the code itself only when neither came.
 */
export function codeLabel(row: Record<string, unknown>, property: string, lang: 'zh' | 'en'): string | undefined {
  const v = row[property];
  if (v === null || v === undefined || v === '') return undefined;
  const zh = row[`${property}Label`];
  const en = row[`${property}LabelEn`];
  if (lang === 'en' && typeof en === 'string' && en) return en;
  return typeof zh === 'string' && zh ? zh : String(v);
}

/** An enum value in English words: "first-publication" → "first publication", "leader+secretary" → "leader & secretary". */
export function enumWords(value: string): string {
  return value.replace(/\+/g, ' & ').replace(/-/g, ' ');
}

/** A value as the office reads it: code-list and enum labels in the UI language, yes/no, yuan, dates. */
export function fieldValue(f: KindFieldInfo, row: Record<string, unknown>, lang: 'zh' | 'en', fmt: Formatter, t: TFunction): ReactNode {
  const v = row[f.property];
  if (v === null || v === undefined || v === '') return <span className="muted">—</span>;
  if (f.type === 'code' || f.type === 'codes') return codeLabel(row, f.property, lang);
  if (f.type === 'enum' && f.values) {
    const e = f.values.find((x) => x.value === v);
    return lang === 'zh' && e?.labels[0] ? e.labels[0] : enumWords(String(v));
  }
  if (f.type === 'bool') return v === true || v === 1 ? t('common.yes') : t('common.no');
  if (f.type === 'money') return fmt.yuan(Number(v));
  if (f.type === 'date') return fmt.date(String(v));
  if (f.type === 'idNumber') return <span className="mono">{String(v)}</span>;
  return String(v);
}
