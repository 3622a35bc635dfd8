/** A measured item's value, and a discretionary item's amount, as the finding form and an appeal's decision take them. */
import type { CSSProperties, ReactNode } from 'react';
import { Form, InputNumber, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf, type Measure, type SimpleRule } from '../../../core/scheme/model.ts';
import { schemeLang } from '../../i18n/index.ts';
import { useFormat } from '../../lib/format.ts';
import type { Draft } from './draft.ts';

/**
 * A measured item's value, as its measure needs it: a rate as counts (numerator, or each weighted
 * term's count, and the denominator) or as a percentage; an amount or a count in its unit; a
 * rating as one of its levels. Beside it, the item's score the value gives (the live score).
 */
export function MeasuredInput({
  measure,
  draft,
  onChange,
  missing,
  replaces,
  itemScore,
}: {
  measure: Measure;
  draft: Draft;
  onChange: (d: Draft) => void;
  missing: string | undefined;
  replaces: string | undefined;
  itemScore: number | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const v = draft.value ?? {};
  const set = (value: Draft['value']) => onChange({ ...draft, value, count: 1 });
  const num = (n: number | string | null) => (n === null || n === '' ? undefined : Number(n));
  const box = (id: string, value: number | undefined, on: (n: number | undefined) => void, extra: { suffix?: string; precision?: number; label?: string } = {}) => (
    <InputNumber
      id={id}
      min={0}
      precision={extra.precision ?? 2}
      value={value ?? null}
      onChange={(n) => on(num(n))}
      style={{ width: '100%' }}
      inputMode="decimal"
      data-testid={id}
      {...(extra.suffix ? { suffix: extra.suffix } : {})}
      {...(extra.label ? { 'aria-label': extra.label } : {})}
    />
  );
  const title = measure.title ? textOf(measure.title, lang) : t('finding.value');
  let input: ReactNode;
  if (measure.kind === 'rating') {
    input = (
      <Radio.Group
        id="finding-value-level"
        value={v.level}
        onChange={(e) => set({ level: String(e.target.value) })}
        options={(measure.levels ?? []).map((l) => ({ value: l.code, label: t('finding.levelPoints', { title: textOf(l.title, lang), points: fmt.cents(l.points) }) }))}
        data-testid="finding-value-level"
      />
    );
  } else if (measure.kind === 'amount' || measure.kind === 'count') {
    input = box('finding-value-amount', v.amount, (n) => set(n === undefined ? {} : { amount: n }), {
      ...(measure.unit ? { suffix: textOf(measure.unit, lang) } : {}),
      precision: measure.kind === 'count' ? 0 : 2,
      label: title,
    });
  } else {
    const terms = measure.terms ?? [];
    const counts = typeof v.num === 'object' ? v.num : {};
    const ofLabel = measure.of ? textOf(measure.of, lang) : t('finding.denominator');
    input = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Radio.Group
          value={draft.asPercent ? 'percent' : 'counts'}
          onChange={(e) => onChange({ ...draft, asPercent: e.target.value === 'percent', value: undefined, count: 1 })}
          optionType="button"
          options={[
            { value: 'counts', label: t('finding.byCounts') },
            { value: 'percent', label: t('finding.byPercent') },
          ]}
          data-testid="finding-value-mode"
        />
        {draft.asPercent ? (
          box('finding-value-percent', v.percent, (n) => set(n === undefined ? {} : { percent: n }), { suffix: '%', label: t('finding.percent') })
        ) : (
          <>
            {terms.length ? (
              terms.map((term) => (
                <div key={term.code}>
                  <span className="muted">{textOf(term.title, lang)}</span>
                  {box(
                    `finding-value-num-${term.code}`,
                    counts[term.code],
                    (n) => {
                      const next = { ...counts };
                      if (n === undefined) delete next[term.code];
                      else next[term.code] = n;
                      set({ ...v, num: next });
                    },
                    { label: textOf(term.title, lang), precision: 0 },
                  )}
                </div>
              ))
            ) : (
              <div>
                <span className="muted">{t('finding.numerator')}</span>
                {box('finding-value-num', typeof v.num === 'number' ? v.num : undefined, (n) => set({ ...v, num: n } as Draft['value']), {
                  label: t('finding.numerator'),
                  precision: 0,
                })}
              </div>
            )}
            <div>
              <span className="muted">{ofLabel}</span>
              {box('finding-value-of', v.of, (n) => set({ ...v, of: n } as Draft['value']), { label: ofLabel, precision: 0 })}
            </div>
          </>
        )}
      </Space>
    );
  }
  return (
    <Form.Item
      label={title}
      required
      validateStatus={missing ? 'error' : undefined}
      help={
        <span data-testid="finding-value-help">
          {missing ?? (itemScore !== undefined ? t('finding.itemScore', { points: fmt.points(itemScore) }) : '')}
          {replaces ? <div className="muted">{t('finding.valueReplaces', { value: replaces })}</div> : null}
        </span>
      }
    >
      {input}
    </Form.Item>
  );
}

/** A discretionary (range) rule's amount per occurrence, in points: within the range, in its steps; `id` is also the test id. */
export function RangeAmountInput({
  id,
  range,
  value,
  onChange,
  style,
}: {
  id: string;
  range: Extract<SimpleRule, { kind: 'range' }>;
  value: number | null | undefined;
  onChange: (amount: number | null) => void;
  style?: CSSProperties;
}) {
  return (
    <InputNumber
      id={id}
      min={range.min / 100}
      max={range.max / 100}
      step={(range.step ?? 1) / 100}
      precision={2}
      value={value ?? null}
      onChange={(v) => onChange(v === null ? null : Number(v))}
      inputMode="decimal"
      data-testid={id}
      {...(style ? { style } : {})}
    />
  );
}
