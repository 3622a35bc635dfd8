/**
 * Deciding an appeal — upheld (the item's deduction cancelled), adjusted (a new count) or
 * rejected, always with a reason, no outcome chosen in advance, confirmed before it is sent —
 * with the total it would give, computed in the browser by the engine: the item's findings
 * replaced by one of the new count, as the server will do.
 */
import { useMemo } from 'react';
import { App, Form, Input, InputNumber, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { schemeLang } from '../../i18n/index.ts';
import { useFormat } from '../../lib/format.ts';
import { liveScore, type Finding, type Scheme } from '../../lib/scoring.ts';
import type { AppealDecisionRequest } from '../../../contract/index.ts';

export type Outcome = 'upheld' | 'adjusted' | 'rejected';

export interface Decision {
  /** None until the office chooses: no outcome is preselected. */
  outcome: Outcome | null;
  /** The new count of an adjustment (null while not typed). */
  count: number | null;
  reason: string;
}

export const NEW_DECISION: Decision = { outcome: null, count: null, reason: '' };

/** Whether the decision can be sent: an outcome chosen, a reason, and a count for an adjustment. */
export function decisionReady(d: Decision): d is Decision & { outcome: Outcome } {
  return d.outcome !== null && d.reason.trim() !== '' && (d.outcome !== 'adjusted' || d.count !== null);
}

/** The body of POST /appeals/:id/decide (of a decision that is ready). */
export function decisionBody(d: Decision & { outcome: Outcome }): AppealDecisionRequest {
  return { outcome: d.outcome, reason: d.reason.trim(), ...(d.outcome === 'adjusted' ? { count: d.count ?? 0 } : {}) };
}

/**
 * Asks the office to confirm a decision before it is sent: the outcome and the total it gives
 * (a decision is final, and the village is told at once). Resolves whether to send it.
 */
export function useConfirmDecision(): (d: Decision, before: number, after: number | null) => Promise<boolean> {
  const { modal } = App.useApp();
  const { t } = useTranslation();
  const fmt = useFormat();
  return (d, before, after) =>
    new Promise((resolve) => {
      modal.confirm({
        title: t('appeals.confirmTitle', { outcome: d.outcome ? t(`appeals.status.${d.outcome}`) : '' }),
        content: after !== null ? t('appeals.effect', { before: fmt.points(before), after: fmt.points(after), delta: fmt.delta(after - before) }) : t('appeals.confirmText'),
        okText: t('appeals.decideSend'),
        cancelText: t('common.cancel'),
        okButtonProps: { 'data-testid': 'appeal-confirm' } as Record<`data-${string}`, string>,
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      });
    });
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
    if (outcome === null) return null;
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
        <Form.Item label={t('appeals.outcomeLabel')} required>
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
