/**
 * A sample score of the scheme being edited: the office enters findings for a few items (a
 * count, a measured value, a picked amount with its reason, the part of a several-rules item)
 * and sees the total, base, bonus and deductions with the explanation, computed in the browser by
 * the engine the server scores with.
 */
import { useMemo } from 'react';
import { Alert, Descriptions, Empty, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { findingProblemText } from '../../../../core/scoring/score.ts';
import { textOf, walk, type Rule, type Scheme, type SchemeNode } from '../../../../core/scheme/model.ts';
import { useFormat } from '../../../lib/format.ts';
import { liveScore } from '../../../lib/scoring.ts';
import { errorText } from '../../../lib/api.ts';
import { schemeLang } from '../../../i18n/index.ts';
import { Rows } from './fields.tsx';
import { sampleFindings, type SampleFinding } from './draft.ts';

export function SampleScore({ scheme, samples, onChange }: { scheme: Scheme; samples: SampleFinding[]; onChange: (s: SampleFinding[]) => void }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const items = useMemo(() => {
    const out = new Map<string, SchemeNode>();
    walk(scheme, (n) => {
      if (n.rule) out.set(n.code, n);
    });
    return out;
  }, [scheme]);
  const scored = useMemo(() => {
    try {
      const findings = sampleFindings(samples.filter((s) => items.has(s.item)));
      return { live: liveScore(scheme, { name: t('schemeForm.sampleUnit') }, findings, lang) };
    } catch (e) {
      return { error: errorText(e) };
    }
  }, [scheme, samples, items, lang, t]);

  const inputs = (s: SampleFinding, set: (s: SampleFinding) => void, i: number) => {
    const rule: Rule | undefined = items.get(s.item)?.rule;
    const id = (k: string) => `form-sample-${i}-${k}`;
    const count = (
      <InputNumber<number>
        id={id('count')}
        data-testid={id('count')}
        aria-label={t('schemeForm.sampleCount')}
        min={0}
        precision={0}
        value={s.count ?? 1}
        onChange={(v) => set({ ...s, count: v ?? 1 })}
        suffix={t('schemeForm.times')}
        style={{ width: 110 }}
      />
    );
    const pick = (
      <>
        <InputNumber<number>
          id={id('pick')}
          data-testid={id('pick')}
          aria-label={t('schemeForm.samplePick')}
          min={0}
          value={s.pick ?? null}
          onChange={(v) => set({ ...s, pick: v ?? undefined })}
          suffix={t('schemeForm.pointsUnit')}
          style={{ width: 110 }}
        />
        <Input
          id={id('note')}
          data-testid={id('note')}
          aria-label={t('schemeForm.sampleReason')}
          placeholder={t('schemeForm.sampleReason')}
          value={s.note ?? ''}
          onChange={(e) => set({ ...s, note: e.target.value })}
          style={{ width: 160 }}
        />
      </>
    );
    if (!rule) return null;
    switch (rule.kind) {
      case 'measured': {
        const m = rule.measure;
        if (m.kind === 'rating') {
          return (
            <Select
              aria-label={t('schemeForm.sampleLevel')}
              data-testid={id('level')}
              style={{ width: 150 }}
              value={s.level}
              options={(m.levels ?? []).map((l) => ({ value: l.code, label: textOf(l.title, lang), title: textOf(l.title, lang) }))}
              onChange={(level: string) => set({ item: s.item, level })}
            />
          );
        }
        if (m.kind === 'rate') {
          return (
            <InputNumber<number>
              id={id('percent')}
              data-testid={id('percent')}
              aria-label={t('schemeForm.samplePercent')}
              min={0}
              max={100}
              value={s.percent ?? null}
              onChange={(v) => set({ item: s.item, percent: v ?? undefined })}
              suffix="%"
              style={{ width: 120 }}
            />
          );
        }
        return (
          <InputNumber<number>
            id={id('amount')}
            data-testid={id('amount')}
            aria-label={t('schemeForm.sampleAmount')}
            min={0}
            value={s.amount ?? null}
            onChange={(v) => set({ item: s.item, amount: v ?? undefined })}
            suffix={textOf(m.unit, lang)}
            style={{ width: 140 }}
          />
        );
      }
      case 'range':
        return pick;
      case 'parts': {
        const part = rule.parts.find((p) => p.code === s.part);
        return (
          <>
            <Select
              aria-label={t('schemeForm.samplePart')}
              data-testid={id('part')}
              style={{ width: 160 }}
              value={s.part}
              options={rule.parts.map((p) => ({ value: p.code, label: `${p.code} ${textOf(p.title, lang)}`, title: `${p.code} ${textOf(p.title, lang)}` }))}
              onChange={(p: string) => set({ item: s.item, part: p })}
            />
            {part?.rule.kind === 'range' ? pick : count}
          </>
        );
      }
      default:
        return count;
    }
  };

  const live = scored.live;
  const r = live?.result as (NonNullable<typeof live>['result'] & { penalty?: number }) | undefined;
  return (
    <div data-testid="form-sample">
      <p className="muted">{t('schemeForm.sampleHelp')}</p>
      <Rows<SampleFinding>
        testId="form-samples"
        rows={samples}
        onChange={onChange}
        make={() => ({ item: '' })}
        addLabel={t('schemeForm.addSample')}
        render={(s, set, i) => (
          <>
            <Select
              aria-label={t('schemeForm.sampleItem')}
              data-testid={`form-sample-${i}-item`}
              style={{ width: 200 }}
              value={s.item || undefined}
              placeholder={t('schemeForm.sampleItem')}
              options={[...items.values()].map((n) => ({ value: n.code, label: `${n.code} ${textOf(n.title, lang)}`, title: `${n.code} ${textOf(n.title, lang)}` }))}
              onChange={(item: string) => set({ item })}
            />
            {inputs(s, set, i)}
          </>
        )}
      />
      {scored.error ? <Alert type="error" showIcon title={scored.error} style={{ marginTop: 8 }} /> : null}
      {live?.problems.length ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          title={live.problems.map((p, i) => (
            <div key={i}>{findingProblemText(p, lang)}</div>
          ))}
        />
      ) : null}
      {r && live ? (
        <>
          <Descriptions size="small" column={{ xs: 2, sm: 4 }} style={{ marginTop: 12 }} data-testid="form-sample-result">
            <Descriptions.Item label={t('schemeForm.total')}>
              <b data-testid="form-sample-total">{fmt.cents(r.total)}</b>
            </Descriptions.Item>
            <Descriptions.Item label={t('schemeForm.base')}>{fmt.cents(r.base)}</Descriptions.Item>
            <Descriptions.Item label={t('schemeForm.bonus')}>{fmt.cents(r.bonus)}</Descriptions.Item>
            <Descriptions.Item label={t('schemeForm.penalty')}>{fmt.cents(r.penalty ?? 0)}</Descriptions.Item>
            {r.grade ? <Descriptions.Item label={t('schemeForm.grade')}>{textOf(r.grade.title, lang)}</Descriptions.Item> : null}
          </Descriptions>
          {live.lines.length ? (
            <ul data-testid="form-sample-lines" style={{ paddingInlineStart: 18, margin: 0 }}>
              {live.lines.map((l, i) => (
                <li key={i}>{l.text}</li>
              ))}
            </ul>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('schemeForm.sampleNothing')} />
          )}
        </>
      ) : null}
    </div>
  );
}
