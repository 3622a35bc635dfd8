/**
 * Deciding an appeal — upheld (the item's deduction cancelled), adjusted (a new count) or
 * rejected, always with a reason, no outcome chosen in advance, confirmed before it is sent —
 * with the total it would give, computed in the browser by the engine: the item's findings
 * replaced by one of the new count, as the server will do. A measured item is decided by the
 * value the appeal established (upheld or adjusted); a discretionary item may be adjusted to
 * another amount per occurrence; an item of several rules is adjusted one part at a time.
 */
import { useMemo } from 'react';
import { App, Form, Input, InputNumber, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf, type SchemeNode } from '../../../core/scheme/model.ts';
import { schemeLang } from '../../i18n/index.ts';
import { useFormat } from '../../lib/format.ts';
import { ruleWords } from '../../lib/rule-words.ts';
import { liveScore, nodeIndex, type Finding, type Scheme } from '../../lib/scoring.ts';
import { engineValues } from '../../../contract/finding-values.ts';
import type { AppealDecisionRequest, AppealStatus } from '../../../contract/index.ts';
import { draftValues, ruleOfDraft, type Draft } from './draft.ts';
import { MeasuredInput, RangeAmountInput } from './MeasuredInput.tsx';

export type Outcome = 'upheld' | 'adjusted' | 'rejected';

export interface Decision {
  /** None until the office chooses: no outcome is preselected. */
  outcome: Outcome | null;
  /** The new count of an adjustment (null while not typed). */
  count: number | null;
  reason: string;
  /** Of issue 18's kinds, as the finding form holds them: a measured value, a new amount, the part adjusted. */
  kind: Pick<Draft, 'value' | 'asPercent' | 'amount' | 'part'>;
}

export const NEW_DECISION: Decision = { outcome: null, count: null, reason: '', kind: {} };

/** What the decision sends of the item's kind (the API's decimals), or null while something it needs is missing. */
function kindValues(d: Decision, node: SchemeNode | undefined): { value?: AppealDecisionRequest['value']; amount?: number; part?: string } | null {
  const rule = node?.rule;
  if (d.outcome === 'rejected' || !rule) return {};
  if (rule.kind === 'measured') {
    const { values, missing } = draftValues({ ...d.kind, item: node.code }, node);
    return missing ? null : { value: values.value! };
  }
  if (d.outcome !== 'adjusted') return {};
  const out: { amount?: number; part?: string } = {};
  if (rule.kind === 'parts') {
    if (!d.kind.part) return null;
    out.part = d.kind.part;
  }
  if (ruleOfDraft(node, d.kind.part)?.kind === 'range' && typeof d.kind.amount === 'number') out.amount = d.kind.amount;
  return out;
}

/** Whether the decision can be sent: an outcome chosen, a reason, and what the outcome needs (a count, a value, a part). */
export function decisionReady(d: Decision, node?: SchemeNode): d is Decision & { outcome: Outcome } {
  if (d.outcome === null || d.reason.trim() === '' || kindValues(d, node) === null) return false;
  return d.outcome !== 'adjusted' || node?.rule?.kind === 'measured' || d.count !== null;
}

/** The body of POST /appeals/:id/decide (of a decision that is ready). */
export function decisionBody(d: Decision & { outcome: Outcome }, node?: SchemeNode): AppealDecisionRequest {
  const measured = node?.rule?.kind === 'measured';
  return { outcome: d.outcome, reason: d.reason.trim(), ...(d.outcome === 'adjusted' && !measured ? { count: d.count ?? 0 } : {}), ...kindValues(d, node) };
}

/** The title of a decided appeal: a measured item's decision names the value, not a count. */
export function outcomeTitle(
  t: (key: string, o?: Record<string, unknown>) => string,
  status: Exclude<AppealStatus, 'open'>,
  adjustedCount: number | null,
  measured: boolean,
): string {
  if (measured && status !== 'rejected') return t(`appeals.outcome.${status}Value`);
  return t(`appeals.outcome.${status}`, { count: adjustedCount ?? 0 });
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

/** The total after the decision (null when the engine cannot score it, or while it is not complete). */
export function useDecisionEffect(
  decision: Decision,
  item: string,
  scheme: Scheme | undefined,
  unit: Parameters<typeof liveScore>[1] | undefined,
  saved: Finding[],
  savedTotal: number,
): number | null {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const { outcome, count } = decision;
    if (outcome === null) return null;
    if (outcome === 'rejected') return savedTotal;
    if (!scheme || !unit) return null;
    const node = nodeIndex(scheme).get(item);
    const values = kindValues(decision, node);
    if (values === null) return null;
    // As the server does it: the item's findings (of the part adjusted) replaced by one, what was found carried over.
    const replaced = (f: Finding) => f.item === item && (values.part === undefined || outcome !== 'adjusted' || f.part === values.part);
    const first = saved.find(replaced);
    const measured = node?.rule?.kind === 'measured';
    const f: Finding = { item, count: measured ? 1 : outcome === 'upheld' ? 0 : (count ?? 0), note: '…' };
    if (first?.part) f.part = first.part;
    if (first?.amount !== undefined) f.amount = first.amount;
    if (node?.rule?.kind === 'parts' && !f.part) f.part = node.rule.parts[0]!.code;
    Object.assign(f, engineValues(values));
    const r = liveScore(scheme, unit, [...saved.filter((x) => !replaced(x)), f], schemeLang(i18n.language));
    return r.json?.total ?? null;
  }, [decision, saved, item, scheme, unit, savedTotal, i18n.language]);
}

/** The fields of a decision and the total it would give. */
export function DecisionFields({
  value,
  onChange,
  before,
  after,
  node,
}: {
  value: Decision;
  onChange: (d: Decision) => void;
  before: number;
  after: number | null;
  node?: SchemeNode | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const rule = node?.rule;
  const measured = rule?.kind === 'measured' ? rule : undefined;
  const parts = rule?.kind === 'parts' ? rule.parts : undefined;
  const range = value.outcome === 'adjusted' ? ruleOfDraft(node, value.kind.part) : undefined;
  const setKind = (kind: Decision['kind']) => onChange({ ...value, kind });
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
        {measured && value.outcome !== null && value.outcome !== 'rejected' ? (
          <>
            <p className="muted">{t('appeals.valueHelp')}</p>
            <MeasuredInput
              measure={measured.measure}
              draft={{ ...value.kind, item: node!.code, count: 1 }}
              onChange={(d) => setKind({ value: d.value, asPercent: d.asPercent, amount: d.amount, part: d.part })}
              missing={undefined}
              replaces={undefined}
              itemScore={undefined}
            />
          </>
        ) : null}
        {parts && value.outcome === 'adjusted' ? (
          <Form.Item label={t('appeals.partAdjusted')} required htmlFor="appeal-part">
            <Select
              id="appeal-part"
              value={value.kind.part}
              onChange={(part) => setKind({ ...value.kind, part, amount: undefined })}
              options={parts.map((p) => ({ value: p.code, label: `${textOf(p.title, lang)}（${ruleWords(p.rule, t, fmt)}）` }))}
              data-testid="appeal-part"
            />
          </Form.Item>
        ) : null}
        {value.outcome === 'adjusted' && !measured ? (
          <Form.Item label={t('appeals.newCount')} required>
            <InputNumber min={0} precision={0} value={value.count} onChange={(v) => onChange({ ...value, count: v === null ? null : Number(v) })} data-testid="appeal-count" />
          </Form.Item>
        ) : null}
        {range?.kind === 'range' ? (
          <Form.Item
            label={t('appeals.newAmount')}
            help={t('finding.rangeHelp', { min: fmt.cents(range.min), max: fmt.cents(range.max) }) + t('appeals.amountHelp')}
            htmlFor="appeal-amount"
          >
            <RangeAmountInput id="appeal-amount" range={range} value={value.kind.amount} onChange={(amount) => setKind({ ...value.kind, amount })} />
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
