/**
 * Editing a copy of a scheme as YAML, with a live preview: the text is read in the browser by
 * the same loader the server uses (src/core/scheme/load.ts), so every problem shows with its
 * line as it is typed, and the tree and reading notes follow the text. Storing it makes a new
 * scheme version (raise `version` for every change).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Collapse, Empty, Input, Space, Tabs, Tag } from 'antd';
import { SaveOutlined, CheckOutlined, FormOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import { parseScheme } from '../../../core/scheme/load.ts';
import { lintNotes } from '../../../core/scheme/lint.ts';
import { schemeToData } from '../../../core/scheme/serialize.ts';
import { textOf } from '../../../core/scheme/model.ts';
import type { SchemeProblem } from '../../../core/scheme/problems.ts';
import { schemeProblemText } from '../../../core/scheme/problem-text.ts';
import { ErrorView, Loading, NoteList, PageHeader } from '../../components/common.tsx';
import { CodeArea, type CodeAreaHandle } from '../../components/CodeArea.tsx';
import { SchemeTree, schemeTotals } from '../../components/SchemeTree.tsx';
import { api, errorText } from '../../lib/api.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { navigate, pathTo, routeState, useRoute } from '../../lib/router.tsx';
import { schemeLang } from '../../i18n/index.ts';
import type { BuiltinAnswer, SchemesAnswer, VersionAnswer } from './schemes-data.ts';
import type { LintAnswer, LintRequest, SchemeVersionStored, StoreSchemeRequest } from '../../../contract/index.ts';

const TEMPLATE = `# 考核细则 — raise "version" for every change
id: my-county
version: 1
title: { zh: 我县脱贫攻坚考核细则, en: Our county's assessment scheme }
notApplicable: keep
sections:
  - code: "1"
    title: { zh: 组织领导, en: Organisation and leadership }
    points: 20
    pool: true
    children:
      - code: "1.1"
        title: { zh: 组织机构和工作计划, en: Organisation and work plan }
        ruleText: 每缺少一项扣2分，扣完20分为止。
        points: 20
        rule: { kind: perOccurrence, amount: 2 }
`;

export default function SchemeEditorPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const { message } = App.useApp();
  const route = useRoute();
  const from = route.query.get('from');
  // The form editor hands its scheme over as the history entry's state: `{ draft, deriveText }`.
  const [handed] = useState(() => (from ? undefined : routeState<{ draft?: unknown; deriveText?: string | null }>()));
  const [text, setText] = useState<string | null>(from ? null : handed?.draft ? stringify(handed.draft, { lineWidth: 0 }) : TEMPLATE);
  const [deriveText, setDeriveText] = useState<string>(handed?.deriveText ?? '');
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [serverCheck, setServerCheck] = useState<{ ok: boolean; problems: SchemeProblem[] } | null>(null);
  const editor = useRef<CodeAreaHandle>(null);

  // The copy to start from: a stored version's own text, or a built-in scheme written out as YAML.
  useEffect(() => {
    if (!from) return;
    const [kind, id] = from.split(':');
    const load =
      kind === 'version'
        ? api.get<VersionAnswer>(`/scheme-versions/${id}`).then((v) => {
            setDeriveText(v.deriveText ?? '');
            return v.sourceText;
          })
        : api.get<BuiltinAnswer>(`/schemes/${id}`).then(async (b) => {
            // A built-in scheme's derivation rules come with its stored versions: the latest one's are kept.
            const schemeId = (b.scheme as { id?: string }).id;
            const list = await api.get<SchemesAnswer>('/schemes').catch(() => null);
            const latest = list?.versions.filter((v) => v.schemeId === schemeId).sort((x, y) => y.version - x.version)[0];
            if (latest) {
              const v = await api.get<VersionAnswer>(`/scheme-versions/${latest.id}`).catch(() => null);
              if (v?.deriveText) setDeriveText(v.deriveText);
            }
            return `# ${t('schemes.copyOf', { id })}\n${stringify(b.scheme, { lineWidth: 0 })}`;
          });
    load.then(setText).catch((e: unknown) => setLoadError(e instanceof Error ? e : new Error(String(e))));
  }, [from, t]);

  const debounced = useDebounced(text ?? '', 250);
  const parsed = useMemo(() => (debounced ? parseScheme(debounced) : { problems: [] as SchemeProblem[] }), [debounced]);
  const notes = useMemo(() => (parsed.scheme ? lintNotes(parsed.scheme, lang) : []), [parsed.scheme, lang]);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  const warnings = parsed.problems.filter((p) => p.severity === 'warning');

  const jump = (line: number | undefined) => {
    if (line) editor.current?.goToLine(line);
  };
  const marks = useMemo(() => {
    const m = new Map<number, 'error' | 'warning'>();
    for (const p of parsed.problems) if (p.line && m.get(p.line) !== 'error') m.set(p.line, p.severity);
    return m;
  }, [parsed.problems]);

  const save = async () => {
    if (text === null) return;
    setSaving(true);
    setSaveError(null);
    try {
      const r = await api.post<SchemeVersionStored>('/scheme-versions', { text, deriveText: deriveText.trim() ? deriveText : null } satisfies StoreSchemeRequest);
      message.success(r.created ? t('schemes.saved') : t('schemes.alreadyStored'));
      navigate(pathTo('schemeVersion', { vid: r.id }));
    } catch (e) {
      setSaveError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const checkOnServer = async () => {
    if (text === null) return;
    try {
      setServerCheck(await api.post<LintAnswer>('/schemes/lint', { text, lang } satisfies LintRequest));
    } catch (e) {
      setSaveError(errorText(e));
    }
  };

  if (loadError) return <ErrorView error={loadError} />;
  if (text === null) return <Loading />;
  const totals = parsed.scheme ? schemeTotals(parsed.scheme) : null;
  const problemItem = (p: SchemeProblem, i: number) => (
    <div
      key={i}
      className="list-row"
      style={{ cursor: p.line ? 'pointer' : undefined }}
      onClick={() => jump(p.line)}
      data-testid="scheme-problem"
      data-line={p.line}
      data-code={p.code}
    >
      <Space align="start" wrap={false}>
        <Tag color={p.severity === 'error' ? 'error' : 'warning'}>{p.line ? t('schemes.lineCol', { line: p.line, column: p.column ?? 1 }) : t('schemes.noLine')}</Tag>
        <span>
          {p.node ? (
            <b>
              {p.node}
              {lang === 'en' ? ': ' : '：'}
            </b>
          ) : null}
          {schemeProblemText(p, lang)}
        </span>
      </Space>
    </div>
  );

  return (
    <div data-testid="scheme-editor">
      <PageHeader
        title={t('schemes.editor')}
        sub={t('schemes.editorHelp')}
        extra={
          <>
            <Button
              icon={<FormOutlined />}
              disabled={!parsed.scheme}
              onClick={() => parsed.scheme && navigate(pathTo('schemeForm'), { state: { draft: schemeToData(parsed.scheme), deriveText: deriveText.trim() ? deriveText : null } })}
              data-testid="scheme-to-form"
            >
              {t('schemeForm.toForm')}
            </Button>
            <Button icon={<CheckOutlined />} onClick={checkOnServer} data-testid="scheme-lint-server">
              {t('schemes.checkOnServer')}
            </Button>
            <Button type="primary" icon={<SaveOutlined />} disabled={!parsed.scheme} loading={saving} onClick={save} data-testid="scheme-save">
              {t('schemes.store')}
            </Button>
          </>
        }
      />
      {saveError ? <Alert type="error" showIcon title={saveError} style={{ marginBottom: 12 }} data-testid="scheme-save-error" /> : null}
      {serverCheck ? (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          closable={{ onClose: () => setServerCheck(null) }}
          type={serverCheck.ok ? 'success' : 'error'}
          title={serverCheck.ok ? t('schemes.serverOk') : t('schemes.serverProblems', { count: serverCheck.problems.filter((p) => p.severity === 'error').length })}
        />
      ) : null}
      <div className="editor-grid">
        <Card size="small" title={t('schemes.yaml')} extra={<span className="muted">{t('schemes.lines', { count: text.split('\n').length })}</span>}>
          <CodeArea ref={editor} value={text} onChange={setText} marks={marks} testId="scheme-yaml" label={t('schemes.yaml')} />
          <Collapse
            style={{ marginTop: 12 }}
            items={[
              {
                key: 'derive',
                label: t('schemes.deriveRules'),
                children: (
                  <>
                    <p className="muted">{t('schemes.deriveHelp')}</p>
                    <Input.TextArea
                      className="editor-textarea"
                      value={deriveText}
                      onChange={(e) => setDeriveText(e.target.value)}
                      autoSize={{ minRows: 6, maxRows: 24 }}
                      spellCheck={false}
                      data-testid="scheme-derive"
                    />
                  </>
                ),
              },
            ]}
          />
        </Card>
        <div>
          <Card size="small" title={t('schemes.problems')} style={{ marginBottom: 12 }} data-testid="scheme-problems" data-errors={errors.length}>
            {parsed.problems.length === 0 ? (
              <Alert type="success" showIcon title={t('schemes.noProblems')} />
            ) : (
              <div style={{ maxHeight: 260, overflow: 'auto' }}>{[...errors, ...warnings].map(problemItem)}</div>
            )}
          </Card>
          <Card size="small" title={t('schemes.preview')}>
            {parsed.scheme ? (
              <Tabs
                items={[
                  {
                    key: 'tree',
                    label: t('schemes.tree'),
                    children: (
                      <>
                        <div style={{ marginBottom: 8 }}>
                          <b>{textOf(parsed.scheme.title, lang)}</b> <span className="mono">{parsed.scheme.id}</span> v{parsed.scheme.version}
                          {totals ? <span className="muted"> · {t('schemes.totals', { base: fmt.cents(totals.base), bonus: fmt.cents(totals.bonus) })}</span> : null}
                        </div>
                        <SchemeTree scheme={parsed.scheme} compact testId="scheme-preview" />
                      </>
                    ),
                  },
                  {
                    key: 'notes',
                    label: t('schemes.notes'),
                    children: <NoteList notes={notes} testId="scheme-preview-notes" />,
                  },
                ]}
              />
            ) : (
              <Empty description={t('schemes.previewUnavailable')} />
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
