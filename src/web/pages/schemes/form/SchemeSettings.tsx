/** The scheme's own settings: id, version, title, grades, not-applicable items, conversion, periods, ranking rules. */
import { Checkbox, Divider, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Field, Num, Rows, Str, Txt } from './fields.tsx';
import { zhOf, type DraftScheme } from './draft.ts';

export function SchemeSettings({ scheme, onChange }: { scheme: DraftScheme; onChange: (s: DraftScheme) => void }) {
  const { t } = useTranslation();
  const set = (change: Partial<DraftScheme>) => {
    const next: DraftScheme = { ...scheme, ...change };
    for (const k of Object.keys(change) as Array<keyof DraftScheme>) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const ranking = scheme.ranking ?? {};
  const setRanking = (change: Partial<NonNullable<DraftScheme['ranking']>>) => {
    const next = { ...ranking, ...change };
    for (const k of Object.keys(next) as Array<keyof typeof next>) if (next[k] === undefined || (Array.isArray(next[k]) && next[k].length === 0)) delete next[k];
    set({ ranking: Object.keys(next).length ? next : undefined });
  };
  const gradeOptions = (scheme.grades ?? []).map((g) => ({ value: g.code, label: `${zhOf(g.title)}（${g.code}）` }));
  return (
    <div data-testid="form-settings">
      <Space wrap align="start">
        <Field id="form-scheme-id" label={t('schemeForm.schemeId')} help={t('schemeForm.schemeIdHelp')}>
          <Str id="form-scheme-id" width={200} value={scheme.id} onChange={(id) => set({ id })} />
        </Field>
        <Field id="form-scheme-version" label={t('schemeForm.version')} help={t('schemeForm.versionHelp')}>
          <InputNumber<number> id="form-scheme-version" data-testid="form-scheme-version" min={1} precision={0} value={scheme.version} onChange={(v) => set({ version: v ?? 1 })} />
        </Field>
      </Space>
      <Field id="form-scheme-title" label={t('schemeForm.schemeTitle')}>
        <Txt id="form-scheme-title" value={scheme.title} onChange={(title) => set({ title: title ?? '' })} />
      </Field>
      <Field id="form-scheme-source" label={t('schemeForm.source')}>
        <Input id="form-scheme-source" value={scheme.source ?? ''} onChange={(e) => set({ source: e.target.value || undefined })} />
      </Field>
      <Field id="form-na" label={t('schemeForm.notApplicable')}>
        <Radio.Group
          id="form-na"
          value={scheme.notApplicable ?? 'keep'}
          onChange={(e) => set({ notApplicable: e.target.value as 'keep' })}
          options={[
            { value: 'keep', label: t('schemes.na.keep') },
            { value: 'exclude', label: t('schemes.na.exclude') },
          ]}
        />
      </Field>
      <Field id="form-convert" label={t('schemeForm.convert')} help={t('schemeForm.convertHelp')}>
        <Space>
          <Checkbox checked={scheme.convert !== undefined} onChange={(e) => set({ convert: e.target.checked ? 100 : undefined })} data-testid="form-convert">
            {t('schemeForm.convertTo')}
          </Checkbox>
          {scheme.convert !== undefined ? (
            <Num id="form-convert-points" label={t('schemeForm.convert')} value={scheme.convert} onChange={(convert) => set({ convert: convert ?? 100 })} />
          ) : null}
        </Space>
      </Field>
      <Field id="form-unmeasured" label={t('schemeForm.unmeasured')}>
        <Radio.Group
          id="form-unmeasured"
          value={scheme.unmeasured ?? 'full'}
          onChange={(e) => set({ unmeasured: e.target.value === 'full' ? undefined : 'zero' })}
          options={[
            { value: 'full', label: t('schemeForm.unmeasuredFull') },
            { value: 'zero', label: t('schemeForm.unmeasuredZero') },
          ]}
        />
      </Field>
      <Divider plain titlePlacement="start">
        {t('schemeForm.grades')}
      </Divider>
      <Field id="form-grade-basis" label={t('schemeForm.gradeBasis')}>
        <Select
          id="form-grade-basis"
          style={{ width: 220 }}
          value={scheme.gradeBasis ?? 'total'}
          onChange={(v: 'total' | 'base' | 'percent') => set({ gradeBasis: v === 'total' ? undefined : v })}
          options={(['total', 'base', 'percent'] as const).map((v) => ({ value: v, label: t(`schemeForm.basis.${v}`) }))}
        />
      </Field>
      <Rows
        testId="form-grades"
        rows={scheme.grades}
        onChange={(grades) => set({ grades: grades.length ? grades : undefined })}
        make={() => ({ code: `g${(scheme.grades?.length ?? 0) + 1}`, title: '', min: 0 })}
        addLabel={t('schemeForm.addGrade')}
        render={(g, setG, i) => (
          <>
            <Str id={`form-grades-${i}-code`} label={t('schemeForm.code')} width={90} value={g.code} onChange={(code) => setG({ ...g, code })} />
            <Txt id={`form-grades-${i}-title`} label={t('schemeForm.gradeTitle')} value={g.title} onChange={(title) => setG({ ...g, title: title ?? '' })} />
            <Num id={`form-grades-${i}-min`} label={t('schemeForm.gradeMin')} value={g.min} onChange={(min) => setG({ ...g, min })} suffix={t('schemeForm.minSuffix')} />
          </>
        )}
      />
      <Divider plain titlePlacement="start">
        {t('schemeForm.periods')}
      </Divider>
      <p className="muted">{t('schemeForm.periodsHelp')}</p>
      <Rows
        testId="form-periods"
        rows={scheme.periods}
        onChange={(periods) => set({ periods: periods.length ? periods : undefined })}
        make={() => ({ code: `p${(scheme.periods?.length ?? 0) + 1}`, title: '', weight: 0, combine: 'average' as const })}
        render={(p, setP, i) => (
          <>
            <Str id={`form-periods-${i}-code`} label={t('schemeForm.code')} width={90} value={p.code} onChange={(code) => setP({ ...p, code })} />
            <Txt id={`form-periods-${i}-title`} label={t('schemeForm.periodTitle')} value={p.title} onChange={(title) => setP({ ...p, title: title ?? '' })} />
            <Num id={`form-periods-${i}-weight`} label={t('schemeForm.weight')} value={p.weight} max={100} onChange={(weight) => setP({ ...p, weight })} suffix="%" />
            <Select
              aria-label={t('schemeForm.combine')}
              style={{ width: 150 }}
              value={p.combine}
              onChange={(combine: 'average' | 'sum' | 'last') => setP({ ...p, combine })}
              options={(['average', 'sum', 'last'] as const).map((v) => ({ value: v, label: t(`schemeForm.combines.${v}`) }))}
            />
          </>
        )}
      />
      <Divider plain titlePlacement="start">
        {t('schemeForm.ranking')}
      </Divider>
      <Field label={t('schemeForm.quotas')} help={t('schemeForm.quotasHelp')}>
        <Rows
          testId="form-quotas"
          rows={ranking.quotas}
          onChange={(quotas) => setRanking({ quotas })}
          make={() => ({ grade: gradeOptions[0]?.value ?? '', share: 20, otherwise: gradeOptions[1]?.value ?? '' })}
          render={(q, setQ, i) => (
            <>
              <Select
                aria-label={t('schemeForm.quotaGrade')}
                style={{ width: 150 }}
                value={q.grade || undefined}
                options={gradeOptions}
                onChange={(grade: string) => setQ({ ...q, grade })}
              />
              <Num id={`form-quotas-${i}-share`} label={t('schemeForm.quotaShare')} value={q.share} max={100} onChange={(share) => setQ({ ...q, share })} suffix="%" />
              <Select
                aria-label={t('schemeForm.quotaOtherwise')}
                style={{ width: 150 }}
                value={q.otherwise || undefined}
                options={gradeOptions}
                onChange={(otherwise: string) => setQ({ ...q, otherwise })}
              />
            </>
          )}
        />
      </Field>
      <Field id="form-tie-break" label={t('schemeForm.tieBreak')} help={t('schemeForm.tieBreakHelp')}>
        <Select
          id="form-tie-break"
          mode="tags"
          style={{ width: '100%' }}
          value={ranking.tieBreak ?? []}
          onChange={(tieBreak: string[]) => setRanking({ tieBreak })}
          options={[
            { value: 'base', label: t('schemeForm.tie.base') },
            { value: 'bonus', label: t('schemeForm.tie.bonus') },
            { value: 'penalty', label: t('schemeForm.tie.penalty') },
            ...(scheme.periods ?? []).map((p) => ({ value: p.code, label: zhOf(p.title) || p.code })),
          ]}
        />
      </Field>
      <Space wrap align="start">
        <Field id="form-rank-points" label={t('schemeForm.rankPoints')} help={t('schemeForm.rankPointsHelp')}>
          <Input
            id="form-rank-points"
            style={{ width: 260 }}
            defaultValue={(ranking.rankPoints ?? []).join('、')}
            onChange={(e) =>
              setRanking({
                rankPoints: e.target.value
                  .split(/[、,，\s]+/)
                  .filter(Boolean)
                  .map(Number)
                  .filter((n) => !Number.isNaN(n)),
              })
            }
          />
        </Field>
        <Field id="form-rank-rest" label={t('schemeForm.rankPointsRest')}>
          <Num id="form-rank-rest" value={ranking.rankPointsRest} onChange={(rankPointsRest) => setRanking({ rankPointsRest })} />
        </Field>
      </Space>
    </div>
  );
}
