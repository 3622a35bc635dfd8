/**
 * Recording a finding (item, count or "not met", checklist element, household, note, photos) with
 * the live score of the total it would give; and, on an edit conflict, what was typed beside the
 * item's findings as they are now. A chunk of its own: the assessment page shows first and
 * fetches this when idle, or when the add button is pointed at (AssessmentPage.tsx).
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, AutoComplete, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { ruleWords } from '../../lib/rule-words.ts';
import { api } from '../../lib/api.ts';
import { escapeCloses } from '../../lib/a11y.tsx';
import { findingProblemText } from '../../../core/scoring/score.ts';
import { useDebounced, useIsNarrow } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { itemsOf, nodeIndex, type liveScore, type Scheme } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { AssessmentDetail } from '../../lib/types.ts';
import { EvidencePicker } from './EvidencePicker.tsx';
import { countOk, draftValues, ruleOfDraft, type Draft } from './draft.ts';
import { MeasuredInput, RangeAmountInput } from './MeasuredInput.tsx';
import { valueWords } from '../../../contract/finding-values.ts';

export default function FindingDrawer({
  a,
  scheme,
  draft,
  onChange,
  files,
  onFiles,
  live,
  savedTotal,
  onClose,
  onSave,
  busy,
}: {
  a: AssessmentDetail;
  scheme: Scheme;
  draft: Draft;
  onChange: (d: Draft) => void;
  files: File[];
  onFiles: (files: File[]) => void;
  live: ReturnType<typeof liveScore> | null;
  savedTotal: number;
  onClose: () => void;
  onSave: () => Promise<void>;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const narrow = useIsNarrow();
  const [householdQuery, setHouseholdQuery] = useState('');
  const q = useDebounced(householdQuery, 300);
  const [households, setHouseholds] = useState<Array<{ value: string; label: string }>>([]);
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  const node = draft.item ? index.get(draft.item) : undefined;
  const items = useMemo(
    () =>
      itemsOf(scheme)
        .filter(({ node: n }) => a.score.nodes[n.code]?.applicable !== false)
        .map(({ node: n }) => ({ value: n.code, label: `${n.code} ${textOf(n.title, lang)}` })),
    [scheme, a.score.nodes, lang],
  );

  // Households of the village, searched as the inspector types (name or household number).
  useEffect(() => {
    if (!q.trim()) return;
    api
      .get<{ items: Array<{ householdNo: string; headName: string }> }>('/households', { village: a.village.code, q: q.trim(), pageSize: 10 })
      .then((r) => setHouseholds(r.items.map((h) => ({ value: h.householdNo, label: `${h.headName} · ${h.householdNo}` }))))
      .catch(() => setHouseholds([]));
  }, [q, a.village.code]);

  const total = live?.json?.total;
  const delta = total !== undefined ? total - savedTotal : undefined;
  // The item's lines, its pools', and for a bonus item its section's bonus line (加分 4（上限10分）…).
  const itemLines = (live?.lines ?? []).filter(
    (l) => draft.item && (l.code === draft.item || (node && live?.json?.nodes[draft.item]?.pools?.includes(l.code)) || (l.kind === 'bonus' && draft.item.startsWith(`${l.code}.`))),
  );
  const problem = live?.problems[0] ? findingProblemText(live.problems[0], lang) : undefined;
  const rule = ruleOfDraft(node, draft.part);
  const allOrNothing = rule?.kind === 'allOrNothing';
  const bonus = node?.rule?.kind === 'bonus';
  // A measured item records one value (its count is 1); a range rule's amount is picked per occurrence, with a reason.
  const measured = node?.rule?.kind === 'measured' ? node.rule : undefined;
  const range = rule?.kind === 'range' ? rule : undefined;
  const parts = node?.rule?.kind === 'parts' ? node.rule.parts : undefined;
  // A count of 0 or none is refused here, naming the field; an all-or-nothing item is recorded only when "not met" is on.
  const countError = measured || countOk(draft.count) ? undefined : allOrNothing ? t('finding.notMetOff') : t('finding.countRequired');
  const { missing } = draftValues(draft, node);
  const missingText = missing ? t(`finding.${missing === 'note' ? 'reasonRequired' : `${missing}Required`}`) : undefined;
  // The value recorded before on a measured item: the new one replaces it.
  const before = measured ? a.findings.find((f) => f.item === draft.item && f.status === 'active' && f.value !== null) : undefined;
  const itemScore = draft.item ? live?.json?.nodes[draft.item]?.score : undefined;

  return (
    <Drawer
      open
      title={t(bonus ? 'assessment.addBonus' : 'assessment.addFinding')}
      placement={narrow ? 'bottom' : 'right'}
      size={narrow ? '92%' : 460}
      onClose={onClose}
      {...escapeCloses(onClose)}
      destroyOnHidden
      data-testid="finding-drawer"
      footer={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
          <div data-testid="finding-preview">
            {delta !== undefined ? (
              <span>
                {t('assessment.totalAfter')} <b>{fmt.points(total)}</b>{' '}
                <b className={delta < 0 ? 'score-delta-down' : delta > 0 ? 'score-delta-up' : undefined} data-testid="finding-preview-delta">
                  ({fmt.delta(delta)})
                </b>
              </span>
            ) : null}
          </div>
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} disabled={!draft.item || !!problem || !!countError || !!missing} onClick={() => void onSave()} data-testid="finding-save">
              {t('common.save')}
            </Button>
          </Space>
        </div>
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('finding.item')} required htmlFor="finding-item">
          <Select
            id="finding-item"
            showSearch
            optionFilterProp="label"
            options={items}
            value={draft.item}
            // An all-or-nothing item starts "not met" (count 1), as a new finding starts at 1.
            onChange={(item) =>
              onChange({
                ...draft,
                item,
                element: undefined,
                value: undefined,
                asPercent: undefined,
                amount: undefined,
                part: undefined,
                ...(index.get(item)?.rule?.kind === 'allOrNothing' || index.get(item)?.rule?.kind === 'measured' ? { count: 1 } : {}),
              })
            }
            placeholder={t('finding.chooseItem')}
            data-testid="finding-item"
          />
        </Form.Item>
        {node ? (
          <Alert
            type="info"
            style={{ marginBottom: 12 }}
            title={
              <span>
                {ruleWords(node.rule, t, fmt)}
                {node.points !== null ? ` · ${t('finding.itemPoints', { points: fmt.cents(node.points) })}` : ''}
              </span>
            }
            description={node.ruleText ? textOf(node.ruleText, lang) : node.text ? textOf(node.text, lang) : undefined}
          />
        ) : null}
        {parts ? (
          <Form.Item
            label={t('finding.part')}
            required
            htmlFor="finding-part"
            validateStatus={missing === 'part' ? 'error' : undefined}
            help={missing === 'part' ? missingText : undefined}
          >
            <Select
              id="finding-part"
              value={draft.part}
              onChange={(part) => onChange({ ...draft, part, amount: undefined, count: draft.count ?? 1 })}
              options={parts.map((p) => ({ value: p.code, label: `${textOf(p.title, lang)}（${ruleWords(p.rule, t, fmt)}）` }))}
              placeholder={t('finding.choosePart')}
              data-testid="finding-part"
            />
          </Form.Item>
        ) : null}
        {measured ? (
          <MeasuredInput
            measure={measured.measure}
            draft={draft}
            onChange={onChange}
            missing={missing === 'value' ? missingText : undefined}
            replaces={before?.value ? valueWords(before.value, measured.measure, lang) : undefined}
            itemScore={itemScore}
          />
        ) : null}
        {range ? (
          <Form.Item
            label={t('finding.rangeAmount')}
            required
            htmlFor="finding-amount"
            validateStatus={missing === 'amount' ? 'error' : undefined}
            help={
              <span data-testid="finding-amount-help">
                {missing === 'amount'
                  ? missingText
                  : t('finding.rangeHelp', { min: fmt.cents(range.min), max: fmt.cents(range.max) }) + (range.step ? t('finding.rangeStep', { step: fmt.cents(range.step) }) : '')}
              </span>
            }
          >
            <RangeAmountInput id="finding-amount" range={range} value={draft.amount} onChange={(amount) => onChange({ ...draft, amount })} style={{ width: '100%' }} />
          </Form.Item>
        ) : null}
        {measured ? null : allOrNothing ? (
          <Form.Item
            label={t('finding.notMet')}
            htmlFor="finding-not-met"
            validateStatus={countError ? 'error' : undefined}
            help={<span data-testid="finding-count-help">{countError ?? t('finding.allOrNothingHelp')}</span>}
          >
            <Switch
              id="finding-not-met"
              checked={countOk(draft.count)}
              onChange={(on) => onChange({ ...draft, count: on ? 1 : 0 })}
              checkedChildren={t('finding.notMetOn')}
              unCheckedChildren={t('finding.notMetOffShort')}
              data-testid="finding-not-met"
            />
          </Form.Item>
        ) : (
          <Form.Item
            label={t('finding.count')}
            htmlFor="finding-count"
            validateStatus={countError ? 'error' : undefined}
            help={countError ? <span data-testid="finding-count-help">{countError}</span> : undefined}
          >
            <InputNumber
              id="finding-count"
              min={0}
              max={100000}
              precision={0}
              value={draft.count ?? null}
              onChange={(v) => onChange({ ...draft, count: v === null ? null : Number(v) })}
              style={{ width: '100%' }}
              inputMode="numeric"
              data-testid="finding-count"
            />
          </Form.Item>
        )}
        {node?.checklist?.length ? (
          <Form.Item label={t('finding.element')} htmlFor="finding-element">
            <Select
              id="finding-element"
              allowClear
              value={draft.element}
              onChange={(element) => onChange({ ...draft, element })}
              options={node.checklist.map((e) => ({ value: e.code, label: textOf(e.title, lang) }))}
              placeholder={t('finding.elementPlaceholder')}
              data-testid="finding-element"
            />
          </Form.Item>
        ) : null}
        <Form.Item label={t('finding.household')} extra={t('finding.householdHelp')} htmlFor="finding-household">
          <AutoComplete
            id="finding-household"
            value={draft.household}
            options={households}
            onSearch={setHouseholdQuery}
            onChange={(household: string) => onChange({ ...draft, household })}
            placeholder={t('finding.householdPlaceholder')}
            data-testid="finding-household"
          />
        </Form.Item>
        <Form.Item
          label={range ? t('finding.reason') : t('finding.note')}
          required={!!range}
          htmlFor="finding-note"
          validateStatus={missing === 'note' ? 'error' : undefined}
          help={missing === 'note' ? <span data-testid="finding-note-help">{missingText}</span> : undefined}
        >
          <Input.TextArea
            id="finding-note"
            rows={3}
            value={draft.note}
            onChange={(e) => onChange({ ...draft, note: e.target.value })}
            maxLength={2000}
            data-testid="finding-note"
          />
        </Form.Item>
        <Form.Item label={t('evidence.title')}>
          <EvidencePicker files={files} onChange={onFiles} testId="evidence-input" />
        </Form.Item>
      </Form>
      {problem ? <Alert type="error" showIcon title={problem} data-testid="finding-problem" /> : null}
      {draft.item && itemLines.length ? (
        <Card size="small" title={t('assessment.livePreview')} data-testid="finding-live">
          <ul className="explain-list">
            {itemLines.map((l, i) => (
              <li key={i}>{l.text}</li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Drawer>
  );
}

/**
 * An edit conflict on the finding form: what the inspector typed (kept, unsaved) beside the
 * item's findings as they are now, after the other person's change.
 */
export function ConflictFinding({ a, scheme, draft, files }: { a: AssessmentDetail; scheme: Scheme; draft: Draft; files: File[] }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const node = draft.item ? nodeIndex(scheme).get(draft.item) : undefined;
  const element = draft.element ? node?.checklist?.find((e) => e.code === draft.element) : undefined;
  const now = a.findings.filter((f) => f.item === draft.item && f.status === 'active');
  const mine: Array<[string, string]> = [
    [t('finding.item'), node ? `${node.code} ${textOf(node.title, lang)}` : (draft.item ?? '')],
    [node?.rule?.kind === 'allOrNothing' ? t('finding.notMet') : t('finding.count'), String(draft.count ?? '')],
    ...(element ? ([[t('finding.element'), textOf(element.title, lang)]] as Array<[string, string]>) : []),
    ...(draft.household?.trim() ? ([[t('finding.household'), draft.household.trim()]] as Array<[string, string]>) : []),
    ...(draft.note?.trim() ? ([[t('finding.note'), draft.note.trim()]] as Array<[string, string]>) : []),
    ...(files.length ? ([[t('evidence.title'), files.map((f) => f.name).join('、')]] as Array<[string, string]>) : []),
  ];
  return (
    <div className="conflict-compare">
      <Card size="small" title={t('assessment.conflictMine')} style={{ marginBottom: 8 }} data-testid="conflict-mine">
        {mine.map(([label, value]) => (
          <div key={label}>
            <span className="muted">{label}：</span>
            {value}
          </div>
        ))}
      </Card>
      <Card size="small" title={t('assessment.conflictTheirs', { version: a.version })} data-testid="conflict-theirs">
        {now.length === 0 ? (
          <div className="muted">{t('assessment.conflictNoFindings')}</div>
        ) : (
          now.map((f) => (
            <div key={f.id} data-testid={`conflict-finding-${f.id}`}>
              ×{f.count}
              {f.householdNo ? ` · ${f.householdNo}` : ''}
              {f.note ? ` · ${f.note}` : ''}
              <span className="muted" style={{ fontSize: 12 }}>
                {' '}
                （{f.createdBy} · {fmt.dateTime(f.createdAt)}）
              </span>
            </div>
          ))
        )}
      </Card>
    </div>
  );
}
