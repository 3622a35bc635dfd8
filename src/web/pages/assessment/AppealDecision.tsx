/**
 * Deciding an appeal — upheld (the item's deduction cancelled), adjusted (a new count) or
 * rejected, always with a reason — with the total it would give, computed in the browser by the
 * engine: the item's findings replaced by one of the new count, as the server will do.
 */
import { useMemo } from 'react';
import { Form, Input, InputNumber, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { schemeLang } from '../../i18n/index.ts';
import { useFormat } from '../../lib/format.ts';
import { liveScore, type Finding, type Scheme } from '../../lib/scoring.ts';
import type { AppealDecisionRequest } from '../../../contract/index.ts';

export type Outcome = 'upheld' | 'adjusted' | 'rejected';

export interface Decision {
  outcome: Outcome;
  /** The new count of an adjustment (null while not typed). */
  count: number | null;
  reason: string;
}

export const NEW_DECISION: Decision = { outcome: 'upheld', count: 0, reason: '' };

/** Whether the decision can be sent: a reason, and a count for an adjustment. */
export function decisionReady(d: Decision): boolean {
  return d.reason.trim() !== '' && (d.outcome !== 'adjusted' || d.count !== null);
}

/** The body of POST /appeals/:id/decide. */
export function decisionBody(d: Decision): AppealDecisionRequest {
  return { outcome: d.outcome, reason: d.reason.trim(), ...(d.outcome === 'adjusted' ? { count: d.count ?? 0 } : {}) };
}

/** The total after the decision (null when the engine cannot score it). */
export function useDecisionEffect(
  decision: Decision,
  item: string,
  scheme: Scheme | undefined,
  unit: Parameters<typeof liveScore>[1] | undefined,
  saved: Finding[],
  savedTotal: number,
): number | null {
  const { i18n } = useTranslation();
  const { outcome, count } = decision;
  return useMemo(() => {
    if (outcome === 'rejected') return savedTotal;
    if (!scheme || !unit) return null;
    const rest = saved.filter((f) => f.item !== item);
    const r = liveScore(scheme, unit, [...rest, { item, count: outcome === 'upheld' ? 0 : (count ?? 0) }], schemeLang(i18n.language));
    return r.json?.total ?? null;
  }, [outcome, count, saved, item, scheme, unit, savedTotal, i18n.language]);
}

/** The fields of a decision and the total it would give. */
export function DecisionFields({ value, onChange, before, after }: { value: Decision; onChange: (d: Decision) => void; before: number; after: number | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <>
      <Form layout="vertical">
        <Form.Item label={t('appeals.outcomeLabel')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            value={value.outcome}
            onChange={(e) => onChange({ ...value, outcome: e.target.value as Outcome })}
            options={(['upheld', 'adjusted', 'rejected'] as const).map((o) => ({ value: o, label: t(`appeals.status.${o}`) }))}
            data-testid="appeal-outcome"
          />
        </Form.Item>
        {value.outcome === 'adjusted' ? (
          <Form.Item label={t('appeals.newCount')} required>
            <InputNumber min={0} precision={0} value={value.count} onChange={(v) => onChange({ ...value, count: v === null ? null : Number(v) })} data-testid="appeal-count" />
          </Form.Item>
        ) : null}
        <Form.Item label={t('appeals.decisionReason')} required>
          <Input.TextArea rows={3} value={value.reason} onChange={(e) => onChange({ ...value, reason: e.target.value })} maxLength={2000} data-testid="appeal-decision-reason" />
        </Form.Item>
      </Form>
      {after !== null ? <p data-testid="appeal-effect">{t('appeals.effect', { before: fmt.points(before), after: fmt.points(after), delta: fmt.delta(after - before) })}</p> : null}
    </>
  );
}
