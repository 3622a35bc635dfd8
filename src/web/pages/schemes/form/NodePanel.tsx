/** The selected node's fields: code, name, wording, points, flags, source, department, applicability, checklist, rule. */
import { Checkbox, Divider, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Field, Num, Rows, Str, Txt } from './fields.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import type { DraftNode, DraftTest } from './draft.ts';

type Op = 'eq' | 'ne' | 'gte' | 'lte';
interface CondRow {
  attr: string;
  op: Op;
  value: string;
}

/** The unit attributes a condition can test (what the app gives a village: see unitOf in lib/scoring.ts). */
const ATTRIBUTES = ['povertyVillage', 'exitYear', 'plannedExitYear', 'population'];

const scalar = (s: string): string | number | boolean =>
  s === '是' || s === 'true' ? true : s === '否' || s === 'false' ? false : s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s;
const shown = (v: unknown) => (v === true ? '是' : v === false ? '否' : String(v));

function toRows(cond: Record<string, DraftTest> | undefined): CondRow[] {
  return Object.entries(cond ?? {}).map(([attr, test]) => {
    if (test && typeof test === 'object' && !Array.isArray(test)) {
      if ('ne' in test) return { attr, op: 'ne', value: shown(test.ne) };
      if ('gte' in test) return { attr, op: 'gte', value: shown(test.gte) };
      if ('lte' in test) return { attr, op: 'lte', value: shown(test.lte) };
      if ('in' in test) return { attr, op: 'eq', value: test.in.map(shown).join('、') };
    }
    return { attr, op: 'eq', value: shown(test) };
  });
}

function fromRows(rows: CondRow[]): Record<string, DraftTest> | undefined {
  if (rows.length === 0) return undefined;
  const out: Record<string, DraftTest> = {};
  for (const r of rows) {
    const values = r.value.split(/[、,，]/).map((v) => scalar(v.trim()));
    if (r.op === 'eq') out[r.attr] = values.length > 1 ? { in: values } : values[0]!;
    else if (r.op === 'ne') out[r.attr] = { ne: values[0]! };
    else out[r.attr] = { [r.op]: Number(r.value) } as DraftTest;
  }
  return out;
}

export function NodePanel({
  node,
  onChange,
  topLevel,
  inBonus,
  grades,
}: {
  node: DraftNode;
  onChange: (n: DraftNode) => void;
  topLevel: boolean;
  inBonus: boolean;
  grades: Array<{ code: string; title: string }>;
}) {
  const { t } = useTranslation();
  const set = (change: Partial<DraftNode>) => {
    const next: DraftNode = { ...node, ...change };
    for (const k of Object.keys(change) as Array<keyof DraftNode>) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const isItem = !(node.children && node.children.length > 0);
  const flag = (key: 'pool' | 'bonus' | 'penalty' | 'highestOnly', label: string) => (
    <Checkbox checked={!!node[key]} onChange={(e) => set({ [key]: e.target.checked || undefined })} data-testid={`form-flag-${key}`}>
      {label}
    </Checkbox>
  );
  const opLabels: Record<Op, string> = { eq: t('schemeForm.ops.eq'), ne: t('schemeForm.ops.ne'), gte: t('schemeForm.ops.gte'), lte: t('schemeForm.ops.lte') };
  return (
    <div data-testid="form-node-panel">
      <Space wrap align="start">
        <Field id="form-code" label={t('schemeForm.code')}>
          <Str id="form-code" width={100} value={node.code} onChange={(code) => set({ code })} />
        </Field>
        <Field id="form-points" label={t('schemeForm.points')} help={isItem ? t('schemeForm.pointsItemHelp') : t('schemeForm.pointsSectionHelp')}>
          <Num id="form-points" value={node.points} onChange={(points) => set({ points })} suffix={t('schemeForm.pointsUnit')} />
        </Field>
      </Space>
      <Field id="form-title" label={t('schemeForm.title')}>
        <Txt id="form-title" value={node.title} onChange={(title) => set({ title: title ?? '' })} />
      </Field>
      <Field id="form-text" label={t('schemeForm.text')}>
        <Txt id="form-text" area value={node.text} onChange={(text) => set({ text })} />
      </Field>
      <Field id="form-rule-text" label={t('schemeForm.ruleText')} help={t('schemeForm.ruleTextHelp')}>
        <Txt id="form-rule-text" area value={node.ruleText} onChange={(ruleText) => set({ ruleText })} />
      </Field>
      <Space orientation="vertical" size={2} style={{ marginBottom: 10 }}>
        {flag('pool', t('schemeForm.flags.pool'))}
        {topLevel ? flag('bonus', t('schemeForm.flags.bonus')) : null}
        {topLevel ? flag('penalty', t('schemeForm.flags.penalty')) : null}
        {inBonus && !isItem ? flag('highestOnly', t('schemeForm.flags.highestOnly')) : null}
      </Space>
      {node.penalty ? (
        <Field id="form-penalty-cap" label={t('schemeForm.penaltyCap')} help={t('schemeForm.penaltyCapHelp')}>
          <Num id="form-penalty-cap" value={node.penaltyCap} onChange={(penaltyCap) => set({ penaltyCap })} suffix={t('schemeForm.pointsUnit')} />
        </Field>
      ) : null}
      {isItem ? (
        <>
          <Divider plain titlePlacement="start">
            {t('schemeForm.rule')}
          </Divider>
          <RuleEditor rule={node.rule} grades={grades} onChange={(rule) => set({ rule })} />
        </>
      ) : (
        <Field id="form-uneven" label={t('schemeForm.uneven')} help={t('schemeForm.unevenHelp')}>
          <Input id="form-uneven" data-testid="form-uneven" value={node.unevenChildren ?? ''} onChange={(e) => set({ unevenChildren: e.target.value || undefined })} />
        </Field>
      )}
      <Divider plain titlePlacement="start">
        {t('schemeForm.more')}
      </Divider>
      <Field id="form-data-source" label={t('schemeForm.dataSource')}>
        <Txt id="form-data-source" value={node.dataSource} onChange={(dataSource) => set({ dataSource })} placeholder={t('schemeForm.dataSourceHint')} />
      </Field>
      <Field id="form-department" label={t('schemeForm.department')}>
        <Txt id="form-department" value={node.department} onChange={(department) => set({ department })} />
      </Field>
      <Field label={t('schemeForm.appliesIf')} help={t('schemeForm.appliesIfHelp')}>
        <Rows<CondRow>
          testId="form-applies"
          rows={toRows(node.appliesIf)}
          onChange={(rows) => set({ appliesIf: fromRows(rows) })}
          make={() => ({ attr: 'povertyVillage', op: 'eq', value: '是' })}
          render={(row, setRow, i) => (
            <>
              <Select
                aria-label={t('schemeForm.attribute')}
                style={{ width: 170 }}
                value={row.attr}
                options={ATTRIBUTES.map((a) => ({ value: a, label: t(`schemeForm.attributes.${a}`) }))}
                onChange={(attr: string) => setRow({ ...row, attr })}
              />
              <Select<Op>
                aria-label={t('schemeForm.operator')}
                style={{ width: 100 }}
                value={row.op}
                options={(Object.keys(opLabels) as Op[]).map((o) => ({ value: o, label: opLabels[o] }))}
                onChange={(op) => setRow({ ...row, op })}
              />
              <Str id={`form-applies-${i}-value`} label={t('schemeForm.value')} width={120} value={row.value} onChange={(value) => setRow({ ...row, value })} />
            </>
          )}
        />
      </Field>
      {isItem ? (
        <Field label={t('schemeForm.checklist')} help={t('schemeForm.checklistHelp')}>
          <Rows
            testId="form-checklist"
            rows={node.checklist}
            onChange={(checklist) => set({ checklist: checklist.length ? checklist : undefined })}
            make={() => ({ code: `e${(node.checklist?.length ?? 0) + 1}`, title: '' })}
            render={(e, setE, i) => (
              <>
                <Str id={`form-checklist-${i}-code`} label={t('schemeForm.code')} width={100} value={e.code} onChange={(code) => setE({ ...e, code })} />
                <Txt id={`form-checklist-${i}-title`} label={t('schemeForm.elementTitle')} value={e.title} onChange={(title) => setE({ ...e, title: title ?? '' })} />
              </>
            )}
          />
        </Field>
      ) : null}
      <Field id="form-note" label={t('schemeForm.note')}>
        <Txt id="form-note" area value={node.note} onChange={(note) => set({ note })} />
      </Field>
    </div>
  );
}
