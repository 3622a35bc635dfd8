/**
 * The form editor of a scheme (/schemes/new/form), for office staff who keep their scheme without
 * YAML: the scheme as a tree (add, move, remove sections and items), a panel for the selected node
 * with its rule picked from the kinds worded as offices word them, the scheme's own settings; a
 * live check by the server (every problem in Chinese beside its node), the scheme as the office
 * will see it, and a sample score computed in the browser; saved as a new version (the server
 * writes the data out as YAML, which the YAML editor opens).
 *
 * It starts from (in this order):
 * - `?from=version:VID` or `?from=builtin:ID`: a stored version's or a built-in scheme's data;
 * - the history entry's state `{ draft, unread }` (FormHandover in form/draft.ts): what the import
 *   page hands over with `navigate('/schemes/new/form', { state: { draft, unread } })`, `draft`
 *   the scheme file's data (SchemeData) and `unread` the lines the importer could not read
 *   (`{ node?, row?, message }`), shown beside their nodes and at the top until marked corrected;
 *   the YAML editor hands its scheme over the same way;
 * - otherwise a new scheme of one section and one item.
 * The entry's state follows the edits, so a reload keeps them.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Empty, Popconfirm, Space, Tabs, Tag, Tooltip, Tree } from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  FileTextOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  OrderedListOutlined,
  PlusOutlined,
  SaveOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { schemeProblemText } from '../../../core/scheme/problem-text.ts';
import { textOf } from '../../../core/scheme/model.ts';
import { ErrorView, Loading, NoteList, PageHeader } from '../../components/common.tsx';
import { SchemeTree, schemeTotals } from '../../components/SchemeTree.tsx';
import { api, errorText } from '../../lib/api.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { navigate, pathTo, routeState, useRoute } from '../../lib/router.tsx';
import { schemeLang } from '../../i18n/index.ts';
import { schemeFromData, type BuiltinAnswer, type SchemesAnswer, type VersionAnswer } from './schemes-data.ts';
import {
  addNode,
  canMove,
  cleanScheme,
  flatten,
  moveNode,
  newScheme,
  nodeAt,
  pathOf,
  removeNode,
  renumber,
  updateNode,
  zhOf,
  type AddWhere,
  type DraftNode,
  type DraftScheme,
  type FormHandover,
  type Move,
  type NodePath,
  type SampleFinding,
} from './form/draft.ts';
import { NodePanel } from './form/NodePanel.tsx';
import { SchemeSettings } from './form/SchemeSettings.tsx';
import { SampleScore } from './form/SampleScore.tsx';
import type { LintAnswer, LintRequest, SchemeData, SchemeTextProblem, SchemeVersionStored, StoreSchemeRequest } from '../../../contract/index.ts';

type Unread = NonNullable<FormHandover['unread']>[number] & { done?: boolean };

export default function SchemeFormPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const { message } = App.useApp();
  const route = useRoute();
  const from = route.query.get('from');
  const handed = from ? undefined : routeState<Partial<FormHandover> & { unread?: Unread[]; deriveText?: string | null }>();
  const [draft, setDraft] = useState<DraftScheme | null>(() => (from ? null : (handed?.draft ?? newScheme())));
  const [unread, setUnread] = useState<Unread[]>(() => handed?.unread ?? []);
  const [deriveText, setDeriveText] = useState<string | null>(handed?.deriveText ?? null);
  const [copied, setCopied] = useState<string | null>(null);
  const [selected, setSelected] = useState<NodePath | null>(() => (handed?.draft ? null : [0, 0]));
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [samples, setSamples] = useState<SampleFinding[]>([]);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [lint, setLint] = useState<LintAnswer | null>(null);
  const [lintError, setLintError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  // The copy to start from: a stored version's data, or a built-in scheme's; its version raised past every stored one.
  useEffect(() => {
    if (!from) return;
    const [kind, id] = from.split(':');
    const load = async () => {
      const list = await api.get<SchemesAnswer>('/schemes').catch(() => null);
      let data: DraftScheme;
      if (kind === 'version') {
        const v = await api.get<VersionAnswer>(`/scheme-versions/${id}`);
        data = v.scheme as unknown as DraftScheme;
        setDeriveText(v.deriveText);
      } else {
        const b = await api.get<BuiltinAnswer>(`/schemes/${id}`);
        data = b.scheme as unknown as DraftScheme;
        // A built-in scheme's derivation rules come with its stored versions: the latest one's are kept.
        const latest = list?.versions.filter((v) => v.schemeId === data.id).sort((x, y) => y.version - x.version)[0];
        if (latest) setDeriveText((await api.get<VersionAnswer>(`/scheme-versions/${latest.id}`).catch(() => null))?.deriveText ?? null);
      }
      const stored = [...(list?.versions ?? []), ...(list?.builtin ?? [])].filter((v) => v.schemeId === data.id).map((v) => v.version);
      const version = Math.max(data.version, ...stored) + 1;
      setCopied(t('schemeForm.copied', { id: data.id, version }));
      setDraft({ ...data, version });
      setSelected(null);
    };
    load().catch((e: unknown) => setLoadError(e instanceof Error ? e : new Error(String(e))));
  }, [from, t]);

  const cleaned = useMemo(() => (draft ? cleanScheme(draft) : null), [draft]);
  const debounced = useDebounced(cleaned, 400);

  // Every change is checked by the server (the same reader and checks as a stored version's).
  useEffect(() => {
    if (!debounced) return;
    let current = true;
    api
      .post<LintAnswer>('/schemes/lint', { text: JSON.stringify(debounced), lang } satisfies LintRequest)
      .then((a) => {
        if (!current) return;
        setLint(a);
        setLintError(null);
      })
      .catch((e: unknown) => current && setLintError(errorText(e)));
    return () => {
      current = false;
    };
  }, [debounced, lang]);

  // The history entry keeps the work: a reload comes back to it.
  useEffect(() => {
    if (debounced && !from) window.history.replaceState({ draft: debounced, unread, deriveText } satisfies FormHandover & { deriveText: string | null }, '');
  }, [debounced, unread, deriveText, from]);

  const built = useMemo(() => (debounced ? schemeFromData(debounced) : undefined), [debounced]);
  const problems = useMemo(() => lint?.problems ?? [], [lint]);
  const byNode = useMemo(() => {
    const m = new Map<string, SchemeTextProblem[]>();
    for (const p of problems) if (p.node) m.set(p.node, [...(m.get(p.node) ?? []), p]);
    return m;
  }, [problems]);
  const openUnread = unread.filter((u) => !u.done);
  const unreadByNode = useMemo(() => {
    const m = new Map<string, number>();
    for (const u of unread) if (!u.done && u.node) m.set(u.node, (m.get(u.node) ?? 0) + 1);
    return m;
  }, [unread]);

  if (loadError) return <ErrorView error={loadError} />;
  if (!draft) return <Loading />;

  const node = selected ? nodeAt(draft, selected) : undefined;
  const errors = problems.filter((p) => p.severity === 'error');
  const grades = (draft.grades ?? []).map((g) => ({ code: g.code, title: zhOf(g.title) }));

  /** A problem in the user's language; a shape problem names the field, not the file's path. */
  const problemText = (p: SchemeTextProblem) => {
    if (p.code === 'shape' && lang === 'zh' && p.params) {
      const key = String(p.params.path ?? '')
        .split('.')
        .filter((s) => !/^\d+$/.test(s))
        .at(-1);
      const field = key && i18n.exists(`schemeForm.fields.${key}`) ? t(`schemeForm.fields.${key}`) : t('schemeForm.fields.scheme');
      return `${field}：${String(p.params.zh)}`;
    }
    const said = schemeProblemText(p, lang);
    // A sentence naming a field of the file (unevenChildren) names the form's field instead.
    return lang === 'zh' ? said.replace(/\b[a-zA-Z]{4,}\b/g, (w) => (i18n.exists(`schemeForm.fields.${w}`) ? `“${t(`schemeForm.fields.${w}`)}”` : w)) : said;
  };
  const problemRow = (p: SchemeTextProblem, i: number, withNode: boolean) => (
    <div
      key={i}
      className="list-row"
      data-testid="form-problem"
      data-code={p.code}
      data-node={p.node ?? ''}
      style={{ cursor: withNode && p.node ? 'pointer' : undefined }}
      onClick={() => {
        const at = withNode && p.node ? pathOf(draft, p.node) : undefined;
        if (at) setSelected(at);
      }}
    >
      <Space align="start" wrap={false}>
        <Tag color={p.severity === 'error' ? 'error' : 'warning'}>{p.severity === 'error' ? t('schemeForm.error') : t('schemeForm.warning')}</Tag>
        <span>
          {withNode && p.node ? (
            <b>
              {p.node}
              {fmt.colon}
            </b>
          ) : null}
          {problemText(p)}
        </span>
      </Space>
    </div>
  );
  const unreadRow = (u: Unread, i: number, withNode: boolean) => (
    <div key={i} className="list-row" data-testid="form-unread">
      <Space align="start" wrap>
        {u.row ? <Tag color="orange">{t('schemeForm.row', { row: u.row })}</Tag> : null}
        <span>
          {withNode && u.node ? (
            <b>
              {u.node}
              {fmt.colon}
            </b>
          ) : null}
          {u.message}
        </span>
        <Button size="small" onClick={() => setUnread(unread.map((x) => (x === u ? { ...x, done: true } : x)))} data-testid={`form-unread-done-${i}`}>
          {t('schemeForm.corrected')}
        </Button>
      </Space>
    </div>
  );

  const names = { section: t('schemeForm.newSection'), item: t('schemeForm.newItem') };
  const add = (where: AddWhere) => {
    const r = addNode(draft, where, selected ?? undefined, names);
    setDraft(r.scheme);
    setSelected(r.path);
  };
  const move = (m: Move) => {
    if (!selected) return;
    const r = moveNode(draft, selected, m);
    setDraft(r.scheme);
    setSelected(r.path);
  };
  const remove = () => {
    if (!selected) return;
    setDraft(removeNode(draft, selected));
    setSelected(null);
  };
  const renumbered = renumber(draft);
  const setNode = (n: DraftNode) => selected && setDraft(updateNode(draft, selected, () => n));

  const keyOf = (p: NodePath) => p.join('-');
  interface TreeRow {
    key: string;
    title: ReactNode;
    children?: TreeRow[];
  }
  const treeData = (list: DraftNode[], at: NodePath): TreeRow[] =>
    list.map((n, i) => {
      const path = [...at, i];
      const own = byNode.get(n.code) ?? [];
      const ownErrors = own.filter((p) => p.severity === 'error').length;
      const unreadHere = unreadByNode.get(n.code) ?? 0;
      return {
        key: keyOf(path),
        title: (
          <span data-testid={`form-node-${n.code}`}>
            <span className="mono" style={{ marginInlineEnd: 6 }}>
              {n.code}
            </span>
            {zhOf(n.title) || <span className="muted">{t('schemeForm.untitled')}</span>}
            {n.points !== undefined && n.points !== null ? <span className="muted"> · {fmt.cents(Math.round(Number(n.points) * 100))}</span> : null}
            {n.pool ? (
              <Tag color="volcano" style={{ marginInlineStart: 6 }}>
                {t('scheme.pool')}
              </Tag>
            ) : null}
            {n.bonus ? (
              <Tag color="green" style={{ marginInlineStart: 6 }}>
                {t('scheme.bonusSection')}
              </Tag>
            ) : null}
            {n.penalty ? (
              <Tag color="red" style={{ marginInlineStart: 6 }}>
                {t('schemeForm.penaltyTag')}
              </Tag>
            ) : null}
            {own.length ? (
              <Tag color={ownErrors ? 'error' : 'warning'} style={{ marginInlineStart: 6 }} data-testid={`form-node-${n.code}-problems`}>
                {ownErrors ? t('schemeForm.errorsCount', { count: ownErrors }) : t('schemeForm.warningsCount', { count: own.length })}
              </Tag>
            ) : null}
            {unreadHere ? (
              <Tag color="orange" style={{ marginInlineStart: 6 }}>
                {t('schemeForm.unreadCount', { count: unreadHere })}
              </Tag>
            ) : null}
          </span>
        ),
        ...(n.children?.length ? { children: treeData(n.children, path) } : {}),
      };
    });
  const allParents = flatten(draft)
    .filter((x) => x.node.children?.length)
    .map((x) => keyOf(x.path));

  const save = async () => {
    if (!cleaned) return;
    setSaving(true);
    setSaveError(null);
    try {
      const r = await api.post<SchemeVersionStored>('/scheme-versions', { data: cleaned as unknown as SchemeData, deriveText } satisfies StoreSchemeRequest);
      message.success(r.created ? t('schemes.saved') : t('schemes.alreadyStored'));
      navigate(pathTo('schemeVersion', { vid: r.id }));
    } catch (e) {
      setSaveError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const nodeProblems = node ? (byNode.get(node.code) ?? []) : problems.filter((p) => !p.node);
  const nodeUnread = node ? unread.filter((u) => !u.done && u.node === node.code) : [];
  const totals = built ? schemeTotals(built) : null;
  const topLevel = selected?.length === 1;
  const inBonus = !!selected && !!nodeAt(draft, selected.slice(0, 1))?.bonus;

  return (
    <div data-testid="scheme-form">
      <PageHeader
        title={t('schemeForm.heading')}
        sub={t('schemeForm.help')}
        extra={
          <>
            <Button icon={<FileTextOutlined />} onClick={() => navigate(pathTo('schemeEdit'), { state: { draft: cleaned, deriveText } })} data-testid="form-to-yaml">
              {t('schemeForm.toYaml')}
            </Button>
            <Button type="primary" icon={<SaveOutlined />} disabled={!lint?.ok} loading={saving} onClick={save} data-testid="form-save">
              {t('schemes.store')}
            </Button>
          </>
        }
      />
      {copied ? <Alert type="info" showIcon title={copied} style={{ marginBottom: 12 }} closable={{ onClose: () => setCopied(null) }} /> : null}
      {openUnread.length ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="form-unread-list"
          title={t('schemeForm.unreadTitle', { count: openUnread.length })}
          description={<div style={{ maxHeight: 200, overflow: 'auto' }}>{unread.map((u, i) => (u.done ? null : unreadRow(u, i, true)))}</div>}
        />
      ) : null}
      {saveError ? <Alert type="error" showIcon title={saveError} style={{ marginBottom: 12 }} data-testid="form-save-error" /> : null}
      <div className="editor-grid">
        <div>
          <Card
            size="small"
            title={t('schemeForm.tree')}
            style={{ marginBottom: 12 }}
            extra={
              <Button size="small" icon={<SettingOutlined />} type={selected ? 'default' : 'primary'} onClick={() => setSelected(null)} data-testid="form-settings-open">
                {t('schemeForm.settings')}
              </Button>
            }
          >
            <Space wrap style={{ marginBottom: 8 }}>
              <Button size="small" icon={<PlusOutlined />} onClick={() => add('section')} data-testid="form-add-section">
                {t('schemeForm.addSection')}
              </Button>
              <Button size="small" icon={<PlusOutlined />} disabled={!selected} onClick={() => add('after')} data-testid="form-add-sibling">
                {t('schemeForm.addSibling')}
              </Button>
              <Button size="small" icon={<PlusOutlined />} disabled={!selected} onClick={() => add('child')} data-testid="form-add-child">
                {t('schemeForm.addChild')}
              </Button>
              <Tooltip title={t('schemeForm.moveUp')}>
                <Button
                  size="small"
                  aria-label={t('schemeForm.moveUp')}
                  icon={<ArrowUpOutlined />}
                  disabled={!selected || !canMove(draft, selected, 'up')}
                  onClick={() => move('up')}
                  data-testid="form-move-up"
                />
              </Tooltip>
              <Tooltip title={t('schemeForm.moveDown')}>
                <Button
                  size="small"
                  aria-label={t('schemeForm.moveDown')}
                  icon={<ArrowDownOutlined />}
                  disabled={!selected || !canMove(draft, selected, 'down')}
                  onClick={() => move('down')}
                  data-testid="form-move-down"
                />
              </Tooltip>
              <Tooltip title={t('schemeForm.moveInto')}>
                <Button
                  size="small"
                  aria-label={t('schemeForm.moveInto')}
                  icon={<MenuUnfoldOutlined />}
                  disabled={!selected || !canMove(draft, selected, 'into')}
                  onClick={() => move('into')}
                  data-testid="form-move-into"
                />
              </Tooltip>
              <Tooltip title={t('schemeForm.moveOut')}>
                <Button
                  size="small"
                  aria-label={t('schemeForm.moveOut')}
                  icon={<MenuFoldOutlined />}
                  disabled={!selected || !canMove(draft, selected, 'out')}
                  onClick={() => move('out')}
                  data-testid="form-move-out"
                />
              </Tooltip>
              <Popconfirm
                title={t('schemeForm.renumberConfirm', { changes: renumbered.changed.map(([from, to]) => `${from}→${to}`).join('、') })}
                onConfirm={() => setDraft(renumbered.scheme)}
                disabled={renumbered.changed.length === 0}
              >
                <Button size="small" icon={<OrderedListOutlined />} disabled={renumbered.changed.length === 0} data-testid="form-renumber">
                  {t('schemeForm.renumber')}
                </Button>
              </Popconfirm>
              <Popconfirm title={t('schemeForm.removeConfirm', { code: node?.code ?? '' })} onConfirm={remove} disabled={!selected}>
                <Button size="small" danger icon={<DeleteOutlined />} disabled={!selected} data-testid="form-remove">
                  {t('schemeForm.remove')}
                </Button>
              </Popconfirm>
            </Space>
            {draft.sections.length ? (
              <Tree
                data-testid="form-tree"
                blockNode
                showLine
                treeData={treeData(draft.sections, [])}
                expandedKeys={allParents.filter((k) => !collapsed.has(k))}
                onExpand={(_keys, info) => {
                  const k = String(info.node.key);
                  const next = new Set(collapsed);
                  if (info.expanded) next.delete(k);
                  else next.add(k);
                  setCollapsed(next);
                }}
                selectedKeys={selected ? [keyOf(selected)] : []}
                onSelect={(keys) => {
                  if (keys.length) setSelected(String(keys[0]).split('-').map(Number));
                }}
              />
            ) : (
              <Empty description={t('schemeForm.empty')} />
            )}
          </Card>
          <Card size="small" title={node ? t('schemeForm.nodeTitle', { code: node.code }) : t('schemeForm.settings')} data-testid="form-panel">
            {nodeUnread.length ? (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 8 }}
                data-testid="form-node-unread"
                title={<div>{unread.map((u, i) => (!u.done && u.node === node?.code ? unreadRow(u, i, false) : null))}</div>}
              />
            ) : null}
            {nodeProblems.length ? (
              <div style={{ marginBottom: 8 }} data-testid="form-node-problems">
                {nodeProblems.map((p, i) => problemRow(p, i, false))}
              </div>
            ) : null}
            {node && selected ? (
              <NodePanel key={keyOf(selected)} node={node} onChange={setNode} topLevel={!!topLevel} inBonus={inBonus} grades={grades} />
            ) : (
              <SchemeSettings scheme={draft} onChange={setDraft} />
            )}
          </Card>
        </div>
        <div>
          <Card size="small" title={t('schemes.problems')} style={{ marginBottom: 12 }} data-testid="form-problems" data-errors={errors.length} data-checked={lint ? 'yes' : 'no'}>
            {lintError ? <Alert type="error" showIcon title={lintError} /> : null}
            {!lint ? (
              <Loading />
            ) : problems.length === 0 ? (
              <Alert type="success" showIcon title={t('schemes.noProblems')} />
            ) : (
              <>
                <p className="muted">{t('schemeForm.problemsSummary', { errors: errors.length, warnings: problems.length - errors.length })}</p>
                <div style={{ maxHeight: 260, overflow: 'auto' }}>{problems.map((p, i) => problemRow(p, i, true))}</div>
              </>
            )}
          </Card>
          <Card size="small" title={t('schemes.preview')}>
            {built ? (
              <Tabs
                items={[
                  {
                    key: 'tree',
                    label: t('schemes.tree'),
                    children: (
                      <>
                        <div style={{ marginBottom: 8 }}>
                          <b>{textOf(built.title, lang)}</b> v{built.version}
                          {totals ? <span className="muted"> · {t('schemes.totals', { base: fmt.cents(totals.base), bonus: fmt.cents(totals.bonus) })}</span> : null}
                        </div>
                        <SchemeTree scheme={built} testId="form-preview" />
                      </>
                    ),
                  },
                  {
                    key: 'sample',
                    label: <span data-testid="form-sample-tab">{t('schemeForm.sample')}</span>,
                    children: <SampleScore scheme={built} samples={samples} onChange={setSamples} />,
                  },
                  { key: 'notes', label: t('schemes.notes'), children: <NoteList notes={lint?.notes ?? []} testId="form-notes" /> },
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
