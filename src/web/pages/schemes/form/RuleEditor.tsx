/**
 * The rule of an item, picked from the kinds worded as offices word them (每…扣N分, 视情况扣N—M分,
 * 达到…%得满分，每低…扣…, 一票否决 …), with the numbers of the kind picked.
 */
import { Checkbox, Radio, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Field, Num, Rows, Str, Txt } from './fields.tsx';
import { choiceOf, PART_CHOICES, RULE_CHOICES, ruleFor, type DraftMeasure, type DraftRule, type DraftScoring, type DraftSimpleRule, type RuleChoice } from './draft.ts';

type Grades = Array<{ code: string; title: string }>;

export function RuleEditor({
  rule,
  onChange,
  grades,
  idPrefix = 'form-rule',
  part,
}: {
  rule: DraftRule | undefined;
  onChange: (r: DraftRule) => void;
  grades: Grades;
  idPrefix?: string;
  part?: boolean;
}) {
  const { t } = useTranslation();
  const choice = choiceOf(rule);
  const choices: readonly RuleChoice[] = part ? PART_CHOICES : RULE_CHOICES;
  const id = (s: string) => `${idPrefix}-${s}`;
  const set = (change: Partial<DraftRule>) => onChange({ ...rule, ...change } as DraftRule);
  return (
    <div data-testid={idPrefix}>
      <Field id={id('kind')} label={t('schemeForm.ruleKind')}>
        <Select<RuleChoice>
          id={id('kind')}
          data-testid={id('kind')}
          style={{ width: '100%', maxWidth: 420 }}
          value={choice}
          placeholder={t('schemeForm.pickRule')}
          options={choices.map((c) => ({ value: c, label: t(`schemeForm.kinds.${c}`), title: t(`schemeForm.kinds.${c}`) }))}
          onChange={(c) => onChange(ruleFor(c, rule))}
        />
      </Field>
      {rule ? <RuleNumbers rule={rule} set={set} onChange={onChange} grades={grades} id={id} /> : null}
    </div>
  );
}

function RuleNumbers({
  rule,
  set,
  onChange,
  grades,
  id,
}: {
  rule: DraftRule;
  set: (change: Partial<DraftRule>) => void;
  onChange: (r: DraftRule) => void;
  grades: Grades;
  id: (s: string) => string;
}) {
  const { t } = useTranslation();
  const gradeOptions = grades.map((g) => ({ value: g.code, label: `${g.title}（${g.code}）`, title: `${g.title}（${g.code}）` }));
  switch (rule.kind) {
    case 'perOccurrence':
    case 'fixedPenalty':
    case 'bonus':
      return (
        <Field id={id('amount')} label={t(`schemeForm.amount.${rule.kind}`)}>
          <Num id={id('amount')} value={rule.amount} onChange={(amount) => set({ amount })} suffix={t('schemeForm.pointsUnit')} />
        </Field>
      );
    case 'allOrNothing':
      return <p className="muted">{t('schemeForm.allOrNothingHelp')}</p>;
    case 'range':
      return (
        <Space wrap>
          <Field id={id('min')} label={t('schemeForm.rangeMin')}>
            <Num id={id('min')} value={rule.min} onChange={(min) => set({ min })} suffix={t('schemeForm.pointsUnit')} />
          </Field>
          <Field id={id('max')} label={t('schemeForm.rangeMax')}>
            <Num id={id('max')} value={rule.max} onChange={(max) => set({ max })} suffix={t('schemeForm.pointsUnit')} />
          </Field>
          <Field id={id('step')} label={t('schemeForm.rangeStep')}>
            <Num id={id('step')} value={rule.step} onChange={(step) => set({ step })} suffix={t('schemeForm.pointsUnit')} />
          </Field>
        </Space>
      );
    case 'veto':
      return (
        <>
          <Field id={id('effect')} label={t('schemeForm.vetoEffect')}>
            <Radio.Group
              id={id('effect')}
              data-testid={id('effect')}
              value={rule.effect}
              onChange={(e) => onChange({ kind: 'veto', effect: e.target.value as 'zero', ...(e.target.value !== 'zero' && rule.grade ? { grade: rule.grade } : {}) })}
              options={(['zero', 'grade', 'ceiling'] as const).map((v) => ({ value: v, label: t(`schemeForm.veto.${v}`) }))}
            />
          </Field>
          {rule.effect !== 'zero' ? (
            <Field id={id('grade')} label={t('schemeForm.vetoGrade')} help={grades.length ? undefined : t('schemeForm.noGrades')}>
              <Select id={id('grade')} data-testid={id('grade')} style={{ width: 220 }} value={rule.grade} options={gradeOptions} onChange={(grade: string) => set({ grade })} />
            </Field>
          ) : null}
        </>
      );
    case 'parts':
      return (
        <Field label={t('schemeForm.parts')} help={t('schemeForm.partsHelp')}>
          <Rows
            testId={id('parts')}
            rows={rule.parts}
            onChange={(parts) => set({ parts })}
            make={() => ({ code: String.fromCharCode(97 + rule.parts.length), title: '', rule: { kind: 'perOccurrence' as const, amount: 1 } })}
            addLabel={t('schemeForm.addPart')}
            render={(p, setPart, i) => (
              <div style={{ border: '1px solid #f0f0f0', padding: 8, borderRadius: 6 }}>
                <Space wrap>
                  <Field id={id(`parts-${i}-code`)} label={t('schemeForm.code')}>
                    <Str id={id(`parts-${i}-code`)} width={70} value={p.code} onChange={(code) => setPart({ ...p, code })} />
                  </Field>
                  <Field id={id(`parts-${i}-title`)} label={t('schemeForm.partTitle')}>
                    <Txt id={id(`parts-${i}-title`)} value={p.title} onChange={(title) => setPart({ ...p, title: title ?? '' })} />
                  </Field>
                </Space>
                <RuleEditor part idPrefix={id(`parts-${i}`)} rule={p.rule} grades={grades} onChange={(r) => setPart({ ...p, rule: r as DraftSimpleRule })} />
              </div>
            )}
          />
        </Field>
      );
    case 'measured':
      return <Measured rule={rule} onChange={onChange} id={id} />;
  }
}

type MeasuredRule = Extract<DraftRule, { kind: 'measured' }>;

function Measured({ rule, onChange, id }: { rule: MeasuredRule; onChange: (r: DraftRule) => void; id: (s: string) => string }) {
  const { t } = useTranslation();
  const m = rule.measure;
  const s = rule.scoring;
  const setMeasure = (change: Partial<DraftMeasure>) => onChange({ ...rule, measure: { ...m, ...change } });
  const setScoring = (change: Partial<DraftScoring>) => onChange({ ...rule, scoring: { ...s, ...change } as DraftScoring });
  const unitOf = m.unit === undefined ? '' : typeof m.unit === 'string' ? m.unit : m.unit.zh;
  const what = (
    <Field id={id('measure-title')} label={t('schemeForm.measureTitle')}>
      <Txt id={id('measure-title')} value={m.title} onChange={(title) => setMeasure({ title })} placeholder={t('schemeForm.measureTitleHint')} />
    </Field>
  );
  const kindPicker = (kinds: Array<DraftMeasure['kind']>) => (
    <Field id={id('measure-kind')} label={t('schemeForm.measureKind')}>
      <Radio.Group
        id={id('measure-kind')}
        value={m.kind}
        onChange={(e) => setMeasure({ kind: e.target.value as DraftMeasure['kind'] })}
        options={kinds.map((k) => ({ value: k, label: t(`schemeForm.measureKinds.${k}`) }))}
      />
    </Field>
  );
  const unit =
    m.kind === 'amount' || m.kind === 'count' ? (
      <Field id={id('measure-unit')} label={t('schemeForm.measureUnit')}>
        <Txt id={id('measure-unit')} value={m.unit} onChange={(u) => setMeasure({ unit: u })} placeholder="万元" />
      </Field>
    ) : null;
  const rateOf =
    m.kind === 'rate' ? (
      <Field id={id('measure-of')} label={t('schemeForm.measureOf')} help={t('schemeForm.measureOfHelp')}>
        <Txt id={id('measure-of')} value={m.of} onChange={(of) => setMeasure({ of })} placeholder={t('schemeForm.measureOfHint')} />
      </Field>
    ) : null;
  switch (s.by) {
    case 'shortfall':
      return (
        <>
          {what}
          {rateOf}
          <Space wrap>
            <Field id={id('target')} label={t('schemeForm.target')}>
              <Num id={id('target')} value={s.target} max={100} onChange={(target) => setScoring({ target })} suffix="%" />
            </Field>
            <Field id={id('step')} label={t('schemeForm.shortfallStep')}>
              <Num id={id('step')} value={s.step} onChange={(step) => setScoring({ step })} suffix={t('schemeForm.percentPoints')} />
            </Field>
            <Field id={id('amount')} label={t('schemeForm.shortfallAmount')}>
              <Num id={id('amount')} value={s.amount} onChange={(amount) => setScoring({ amount })} suffix={t('schemeForm.pointsUnit')} />
            </Field>
          </Space>
          <Field id={id('rounding')} label={t('schemeForm.rounding')}>
            <Radio.Group
              id={id('rounding')}
              data-testid={id('rounding')}
              value={s.rounding}
              onChange={(e) => setScoring({ rounding: e.target.value as 'up' })}
              options={(['up', 'exact', 'down'] as const).map((v) => ({ value: v, label: t(`schemeForm.shortfallRounding.${v}`) }))}
            />
          </Field>
          <Field id={id('floor')} label={t('schemeForm.floor')} help={t('schemeForm.floorHelp')}>
            <Num id={id('floor')} value={s.floor} max={100} onChange={(floor) => setScoring({ floor })} suffix="%" />
          </Field>
        </>
      );
    case 'tiers':
      return (
        <>
          {what}
          {kindPicker(['amount', 'count', 'rate'])}
          {unit}
          <Field label={t('schemeForm.tiers')} help={t('schemeForm.tiersHelp')}>
            <Rows
              testId={id('tiers')}
              rows={s.tiers}
              onChange={(tiers) => setScoring({ tiers })}
              make={() => ({ min: 0, points: 0 })}
              render={(tier, setTier, i) => (
                <>
                  <Num
                    id={id(`tiers-${i}-min`)}
                    label={t('schemeForm.tierMin')}
                    value={tier.min}
                    onChange={(min) => setTier({ ...tier, min })}
                    suffix={m.kind === 'rate' ? '%' : unitOf}
                  />
                  <Checkbox checked={!!tier.above} onChange={(e) => setTier({ ...tier, above: e.target.checked || undefined })}>
                    {t('schemeForm.tierAbove')}
                  </Checkbox>
                  <Num
                    id={id(`tiers-${i}-points`)}
                    label={t('schemeForm.tierPoints')}
                    value={tier.points}
                    onChange={(points) => setTier({ ...tier, points })}
                    suffix={t('schemeForm.pointsUnit')}
                  />
                </>
              )}
            />
          </Field>
        </>
      );
    case 'rating':
      return (
        <>
          {what}
          <Field label={t('schemeForm.levels')} help={t('schemeForm.levelsHelp')}>
            <Rows
              testId={id('levels')}
              rows={m.levels}
              onChange={(levels) => setMeasure({ levels })}
              make={() => ({ code: String.fromCharCode(97 + (m.levels?.length ?? 0)), title: '', points: 0 })}
              render={(level, setLevel, i) => (
                <>
                  <Str id={id(`levels-${i}-code`)} label={t('schemeForm.code')} width={60} value={level.code} onChange={(code) => setLevel({ ...level, code })} />
                  <Txt id={id(`levels-${i}-title`)} label={t('schemeForm.levelTitle')} value={level.title} onChange={(title) => setLevel({ ...level, title: title ?? '' })} />
                  <Num
                    id={id(`levels-${i}-points`)}
                    label={t('schemeForm.tierPoints')}
                    value={level.points}
                    onChange={(points) => setLevel({ ...level, points })}
                    suffix={t('schemeForm.pointsUnit')}
                  />
                </>
              )}
            />
          </Field>
        </>
      );
    case 'proportional':
      return (
        <>
          {what}
          {rateOf}
          <Field label={t('schemeForm.terms')} help={t('schemeForm.termsHelp')}>
            <Rows
              testId={id('terms')}
              rows={m.terms}
              onChange={(terms) => setMeasure({ terms: terms.length ? terms : undefined })}
              make={() => ({ code: `t${(m.terms?.length ?? 0) + 1}`, title: '', weight: 1 })}
              render={(term, setTerm, i) => (
                <>
                  <Str id={id(`terms-${i}-code`)} label={t('schemeForm.code')} width={80} value={term.code} onChange={(code) => setTerm({ ...term, code })} />
                  <Txt id={id(`terms-${i}-title`)} label={t('schemeForm.termTitle')} value={term.title} onChange={(title) => setTerm({ ...term, title: title ?? '' })} />
                  <Num id={id(`terms-${i}-weight`)} label={t('schemeForm.termWeight')} value={term.weight} onChange={(weight) => setTerm({ ...term, weight })} suffix="×" />
                </>
              )}
            />
          </Field>
        </>
      );
    case 'perUnit':
      return (
        <>
          {what}
          {kindPicker(['amount', 'count'])}
          {unit}
          <Space wrap>
            <Field id={id('unit')} label={t('schemeForm.perUnitEvery')}>
              <Num id={id('unit')} value={s.unit} onChange={(u) => setScoring({ unit: u })} suffix={unitOf} />
            </Field>
            <Field id={id('amount')} label={t('schemeForm.perUnitAmount')}>
              <Num id={id('amount')} value={s.amount} onChange={(amount) => setScoring({ amount })} suffix={t('schemeForm.pointsUnit')} />
            </Field>
          </Space>
          <Field id={id('rounding')} label={t('schemeForm.rounding')}>
            <Radio.Group
              id={id('rounding')}
              value={s.rounding}
              onChange={(e) => setScoring({ rounding: e.target.value as 'down' })}
              options={(['down', 'exact'] as const).map((v) => ({ value: v, label: t(`schemeForm.perUnitRounding.${v}`) }))}
            />
          </Field>
          <p className="muted">{t('schemeForm.perUnitHelp')}</p>
        </>
      );
  }
}
