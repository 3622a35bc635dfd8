/**
 * One village's assessment. The scheme's items with their scores and findings; recording a
 * finding (count, checklist element, household, note, photos from the phone's camera) with
 * the LIVE score computed in the browser by the server's own engine while it is typed;
 * withdrawing; suggested findings to accept or dismiss, one by one or several at once; reviewers'
 * comments under a finding; the workflow by role; appeals. Bonus items (rule kind bonus) say 加分
 * throughout; an all-or-nothing item is recorded with a switch (未达标). Every change carries the
 * version it was made on: a 409 keeps what was typed and offers to save it on top of the other
 * person's change (useChanges).
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Collapse,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Switch,
  Tabs,
  Tag,
  AutoComplete,
  Drawer,
} from 'antd';
import { PlusOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { findingProblemText } from '../../../core/scoring/score.ts';
import { ErrorView, Loading, PageHeader, StatusTag, AppealStatusTag } from '../../components/common.tsx';
import { ruleWords } from '../../lib/rule-words.ts';
import { api } from '../../lib/api.ts';
import { escapeCloses } from '../../lib/a11y.tsx';
import { useUser } from '../../lib/auth.tsx';
import { useDebounced, useIsNarrow } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { can } from '../../lib/roles.ts';
import { Link, pathTo, useRoute } from '../../lib/router.tsx';
import { engineFindings, itemsOf, liveScore, nodeIndex, type Finding, type Scheme, type SchemeNode } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { AppealRow, AssessmentDetail, EvidenceRow, FindingRow, ScoreJson, SuggestionRow } from '../../lib/types.ts';
import type {
  AcceptRequest,
  AppealCreated,
  AppealDecided,
  AppealRequest,
  AssessmentChanged,
  BulkSuggestionsRequest,
  CheckRequest,
  CommentAdded,
  CommentRequest,
  DismissRequest,
  FindingAdded,
  FindingCommentRow,
  SuggestionRecords,
  SuggestionAccepted,
  SuggestionsDecided,
  SuggestionsDerived,
  TransitionRequest,
  WithdrawRequest,
} from '../../../contract/index.ts';
import { useAssessment } from './useAssessment.ts';
import { EvidenceList, EvidencePicker, ScorePanel, uploadEvidence, useChanges } from './parts.tsx';
import { decisionBody, decisionReady, DecisionFields, NEW_DECISION, useConfirmDecision, useDecisionEffect, type Decision } from './AppealDecision.tsx';

interface Draft {
  item?: string;
  count?: number | null;
  element?: string;
  household?: string;
  note?: string;
}

/** A finding's count as the form takes it: a whole number of 1 or more (0 or empty is refused, naming the field). */
const countOk = (count: number | null | undefined): count is number => typeof count === 'number' && Number.isInteger(count) && count >= 1;

export default function AssessmentPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const route = useRoute();
  const user = useUser();
  const fmt = useFormat();
  const narrow = useIsNarrow();
  const target = route.name === 'villageAssessment' ? { campaignId: Number(route.params.id), village: route.params.code! } : { id: Number(route.params.id) };
  const { assessment: a, scheme, unit, error, loading, reload } = useAssessment(target, lang);
  const { run, busy, conflictTag, renderConflict } = useChanges(reload, a?.version);
  const [draft, setDraft] = useState<Draft | null>(null);
  // The photos chosen in the finding form: kept here, so an edit conflict shows them and loses none.
  const [draftFiles, setDraftFiles] = useState<File[]>([]);
  const [withdrawing, setWithdrawing] = useState<FindingRow | null>(null);
  const [tab, setTab] = useState(route.query.get('tab') ?? 'items');

  const saved = useMemo(() => (a ? engineFindings(a.findings) : []), [a]);
  const draftFinding = useMemo<Finding | null>(() => {
    // No preview of a count the form refuses (0 or empty).
    if (!draft?.item || !countOk(draft.count)) return null;
    const f: Finding = { item: draft.item, count: draft.count ?? 1 };
    if (draft.element) f.element = draft.element;
    if (draft.household) f.household = draft.household;
    if (draft.note) f.note = draft.note;
    return f;
  }, [draft]);
  const live = useMemo(() => {
    if (!scheme || !unit) return null;
    return liveScore(scheme, unit, draftFinding ? [...saved, draftFinding] : saved, lang);
  }, [scheme, unit, saved, draftFinding, lang]);
  const savedLive = useMemo(() => (scheme && unit ? liveScore(scheme, unit, saved, lang) : null), [scheme, unit, saved, lang]);

  if (error) return <ErrorView error={error} onRetry={() => void reload()} />;
  if (!a || !scheme || !unit) return <Loading />;

  const editable = a.status === 'draft' && can.record(user.role);
  const shown = live?.json ?? savedLive?.json ?? a.score;
  // The browser's engine and the server's stored score should agree on the saved findings.
  const disagrees = savedLive?.json && Math.abs(savedLive.json.total - a.score.total) > 0.001;
  const openSuggestions = a.suggestions.filter((s) => s.status === 'open');
  const openAppeals = a.appeals.filter((x) => x.status === 'open');
  const index = nodeIndex(scheme);
  const isBonus = (item: string | undefined) => !!item && index.get(item)?.rule?.kind === 'bonus';
  const openDraft = (d: Draft) => {
    setDraftFiles([]);
    setDraft(d);
  };

  const transition = (step: 'submit' | 'sendBack' | 'review' | 'publish', comment?: string) =>
    run(
      (version) => api.post<AssessmentChanged>(`/assessments/${a.id}/transition`, { version, step, ...(comment ? { comment } : {}) } satisfies TransitionRequest),
      t(`assessment.done.${step}`),
    );

  const setChecked = (item: string, checked: boolean) =>
    run(
      (version) => api.post<AssessmentChanged>(`/assessments/${a.id}/checks`, { version, item, checked } satisfies CheckRequest),
      t(checked ? 'assessment.marked' : 'assessment.unmarked'),
    );

  const addComment = (findingId: number, text: string) =>
    run(() => api.post<CommentAdded>(`/findings/${findingId}/comments`, { text } satisfies CommentRequest), t('finding.commentSaved'));

  const workflow = <Workflow a={a} scheme={scheme} busy={busy} onStep={transition} />;
  const panel = (
    <ScorePanel
      score={live?.json}
      saved={savedLive?.json ?? (a.score as ScoreJson)}
      lines={live?.lines ?? []}
      preview={!!draftFinding}
      problems={live?.problems.map((p) => findingProblemText(p, lang)) ?? []}
    />
  );

  const tabs = [
    {
      key: 'items',
      label: t('assessment.itemsTab'),
      children: (
        <ItemsTree
          scheme={scheme}
          a={a}
          score={shown}
          editable={editable}
          onAdd={(item) => openDraft({ item, count: 1 })}
          onWithdraw={setWithdrawing}
          onEvidence={(findingId, files) => run(() => uploadEvidence({ findingId }, files), t('evidence.uploaded'))}
          onCheck={setChecked}
          onComment={addComment}
          busy={busy}
        />
      ),
    },
    ...(a.suggestions.length || editable
      ? [
          {
            key: 'suggestions',
            label: (
              <Badge count={openSuggestions.length} size="small" offset={[8, -2]}>
                <span data-testid="tab-suggestions">{t('assessment.suggestionsTab')}</span>
              </Badge>
            ),
            children: <Suggestions a={a} scheme={scheme} saved={saved} unit={unit} editable={editable} run={run} busy={busy} />,
          },
        ]
      : []),
    {
      key: 'appeals',
      label: (
        <Badge count={openAppeals.length} size="small" offset={[8, -2]}>
          <span data-testid="tab-appeals">{t('assessment.appealsTab')}</span>
        </Badge>
      ),
      children: <Appeals a={a} scheme={scheme} saved={saved} unit={unit} run={run} busy={busy} />,
    },
    ...(narrow ? [{ key: 'score', label: t('assessment.scoreTab'), children: panel }] : []),
  ];

  return (
    <div data-testid="assessment-page" data-status={a.status} data-version={a.version}>
      <PageHeader
        title={
          <span>
            {a.village.name} <StatusTag status={a.status} />
          </span>
        }
        sub={
          <span>
            <Link to={pathTo('campaign', { id: a.campaignId })}>{a.campaign}</Link> · {a.scheme.id} v{a.scheme.version} · {t('assessment.version', { version: a.version })}
          </span>
        }
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()} loading={loading} aria-label={t('common.reload')} />
            <a href={pathTo('sheet', { id: a.id })} target="_blank" rel="noreferrer" data-testid="sheet-open">
              <Button icon={<PrinterOutlined />}>{t('assessment.sheet')}</Button>
            </a>
            {!narrow ? workflow : null}
          </>
        }
      />
      {a.comment && a.status === 'draft' ? (
        <Alert type="warning" showIcon title={t('assessment.sentBackComment')} description={a.comment} style={{ marginBottom: 12 }} data-testid="sendback-comment-shown" />
      ) : null}
      {a.status !== 'draft' && can.record(user.role) ? (
        <Alert type="info" showIcon title={t('assessment.readOnly', { status: t(`status.${a.status}`) })} style={{ marginBottom: 12 }} />
      ) : null}
      {a.progress ? <CheckProgress done={a.progress.done} total={a.progress.total} /> : null}
      {disagrees ? (
        <Alert
          type="warning"
          showIcon
          title={t('assessment.engineDisagrees', { browser: fmt.points(savedLive!.json!.total), server: fmt.points(a.score.total) })}
          style={{ marginBottom: 12 }}
        />
      ) : null}

      <div className="assess-grid">
        <Card size="small" styles={{ body: { paddingTop: 4 } }}>
          {editable ? (
            <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 8 }}>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => openDraft({ count: 1 })} data-testid="finding-add">
                {t('assessment.addFinding')}
              </Button>
            </div>
          ) : null}
          <Tabs activeKey={tab} onChange={setTab} items={tabs} />
        </Card>
        {!narrow ? (
          <Card size="small" className="assess-side" title={a.status === 'draft' ? t('assessment.liveScore') : t('assessment.scoreTitle')}>
            {panel}
          </Card>
        ) : null}
      </div>

      {narrow ? (
        <div className="mobile-score-bar" data-testid="mobile-score-bar">
          <div>
            <div className="muted" style={{ fontSize: 12 }}>
              {t('score.total')}
            </div>
            <b style={{ fontSize: 20 }}>{fmt.points(shown.total)}</b>
          </div>
          <Space>
            {editable ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => openDraft({ count: 1 })} data-testid="finding-add-mobile">
                {t('assessment.addShort')}
              </Button>
            ) : null}
            {workflow}
          </Space>
        </div>
      ) : null}

      {draft ? (
        <FindingDrawer
          a={a}
          scheme={scheme}
          draft={draft}
          onChange={setDraft}
          files={draftFiles}
          onFiles={setDraftFiles}
          live={live}
          savedTotal={savedLive?.json?.total ?? a.score.total}
          onClose={() => setDraft(null)}
          busy={busy}
          onSave={async () => {
            const d = draft;
            const files = draftFiles;
            if (!d.item || !countOk(d.count)) return;
            // An all-or-nothing item is "not met" or not recorded: its count is 1.
            const count = index.get(d.item)?.rule?.kind === 'allOrNothing' ? 1 : d.count!;
            let findingId: number | undefined;
            const ok = await run(
              async (version) => {
                const r = await api.post<FindingAdded>(`/assessments/${a.id}/findings`, {
                  version,
                  item: d.item,
                  count,
                  ...(d.element ? { element: d.element } : {}),
                  ...(d.note?.trim() ? { note: d.note.trim() } : {}),
                  ...(d.household?.trim() ? { household: d.household.trim() } : {}),
                });
                findingId = r.id;
                await uploadEvidence({ findingId: r.id }, files);
              },
              t(isBonus(d.item) ? 'assessment.bonusSaved' : 'assessment.findingSaved'),
              { tag: 'finding', onDiscard: () => setDraft(null) },
            );
            // A finding saved but whose photos failed stays saved: the photos can be added on the finding.
            if (ok || findingId !== undefined) setDraft(null);
            if (!ok && findingId !== undefined) await reload();
          }}
        />
      ) : null}
      {withdrawing ? (
        <WithdrawModal
          finding={withdrawing}
          scheme={scheme}
          deltaTotal={(() => {
            const rest = saved.filter((f) => f.id !== String(withdrawing.id));
            const r = liveScore(scheme, unit, rest, lang);
            return r.json ? r.json.total - (savedLive?.json?.total ?? a.score.total) : null;
          })()}
          onClose={() => setWithdrawing(null)}
          onConfirm={async (reason) => {
            const ok = await run(
              (version) => api.post<AssessmentChanged>(`/assessments/${a.id}/findings/${withdrawing.id}/withdraw`, { version, reason } satisfies WithdrawRequest),
              t(isBonus(withdrawing.item) ? 'assessment.bonusWithdrawn' : 'assessment.withdrawn'),
              { onDiscard: () => setWithdrawing(null) },
            );
            if (ok) setWithdrawing(null);
          }}
          busy={busy}
        />
      ) : null}
      {renderConflict(conflictTag === 'finding' && draft ? <ConflictFinding a={a} scheme={scheme} draft={draft} files={draftFiles} /> : null)}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Workflow

function Workflow({
  a,
  scheme,
  busy,
  onStep,
}: {
  a: AssessmentDetail;
  scheme: Scheme;
  busy: boolean;
  onStep: (step: 'submit' | 'sendBack' | 'review' | 'publish', comment?: string) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const [sendingBack, setSendingBack] = useState(false);
  const [comment, setComment] = useState('');
  const [asking, setAsking] = useState(false);
  const buttons = [];
  // Items not looked at or suggestions open: the inspector is asked first, with them named (the server accepts the submit all the same).
  const leftToDo = !!a.progress && (a.progress.left.length > 0 || a.progress.openSuggestions > 0);
  if (a.status === 'draft' && can.record(user.role)) {
    buttons.push(
      leftToDo ? (
        <Button key="submit" type="primary" loading={busy} data-testid="submit-assessment" onClick={() => setAsking(true)}>
          {t('assessment.submit')}
        </Button>
      ) : (
        <Popconfirm key="submit" title={t('assessment.submitConfirm')} onConfirm={() => onStep('submit')}>
          <Button type="primary" loading={busy} data-testid="submit-assessment">
            {t('assessment.submit')}
          </Button>
        </Popconfirm>
      ),
    );
  }
  if (a.status === 'submitted' && can.review(user.role)) {
    buttons.push(
      <Button key="sendBack" danger onClick={() => setSendingBack(true)} data-testid="sendback-assessment">
        {t('assessment.sendBack')}
      </Button>,
      <Popconfirm key="review" title={t('assessment.reviewConfirm')} onConfirm={() => onStep('review')}>
        <Button type="primary" loading={busy} data-testid="review-assessment">
          {t('assessment.review')}
        </Button>
      </Popconfirm>,
    );
  }
  if (a.status === 'reviewed' && can.publish(user.role)) {
    buttons.push(
      <Popconfirm key="publish" title={t('assessment.publishConfirm')} onConfirm={() => onStep('publish')}>
        <Button type="primary" loading={busy} data-testid="publish-assessment">
          {t('assessment.publish')}
        </Button>
      </Popconfirm>,
    );
  }
  return (
    <>
      <Space wrap>{buttons}</Space>
      {asking && a.progress ? (
        <SubmitLeftModal
          scheme={scheme}
          left={a.progress.left}
          openSuggestions={a.progress.openSuggestions}
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={async () => {
            if (await onStep('submit')) setAsking(false);
          }}
        />
      ) : null}
      <Modal
        open={sendingBack}
        title={t('assessment.sendBack')}
        onCancel={() => setSendingBack(false)}
        okButtonProps={{ disabled: !comment.trim(), danger: true, 'data-testid': 'sendback-confirm' }}
        confirmLoading={busy}
        onOk={async () => {
          if (await onStep('sendBack', comment.trim())) {
            setSendingBack(false);
            setComment('');
          }
        }}
      >
        <p>{t('assessment.sendBackHelp')}</p>
        <Input.TextArea rows={4} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="sendback-comment" maxLength={2000} />
      </Modal>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// The scheme's items with scores and findings

function ItemsTree({
  scheme,
  a,
  score,
  editable,
  onAdd,
  onWithdraw,
  onEvidence,
  onCheck,
  onComment,
  busy,
}: {
  scheme: Scheme;
  a: AssessmentDetail;
  score: ScoreJson;
  editable: boolean;
  onAdd: (item: string) => void;
  onWithdraw: (f: FindingRow) => void;
  onEvidence: (findingId: number, files: File[]) => Promise<boolean>;
  onCheck: (item: string, checked: boolean) => Promise<boolean>;
  onComment: (findingId: number, text: string) => Promise<boolean>;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const [showAll, setShowAll] = useState(false);
  const [onlyFindings, setOnlyFindings] = useState(false);
  const [onlyLeft, setOnlyLeft] = useState(false);
  const checked = useMemo(() => new Map(a.checks.map((c) => [c.item, c])), [a.checks]);
  const left = useMemo(() => new Set(a.progress?.left ?? []), [a.progress]);
  const findingsByItem = useMemo(() => {
    const m = new Map<string, FindingRow[]>();
    for (const f of a.findings) {
      if (!showAll && f.status !== 'active') continue;
      (m.get(f.item) ?? m.set(f.item, []).get(f.item)!).push(f);
    }
    return m;
  }, [a.findings, showAll]);
  const commentsByFinding = useMemo(() => {
    const m = new Map<number, FindingCommentRow[]>();
    for (const c of a.comments) (m.get(c.findingId) ?? m.set(c.findingId, []).get(c.findingId)!).push(c);
    return m;
  }, [a.comments]);
  const evidenceByFinding = useMemo(() => {
    const m = new Map<number, EvidenceRow[]>();
    for (const e of a.evidence) if (e.findingId !== null) (m.get(e.findingId) ?? m.set(e.findingId, []).get(e.findingId)!).push(e);
    return m;
  }, [a.evidence]);
  // The engine numbers findings by their place among the active ones (as engineFindings lists them).
  const activeIds = useMemo(() => a.findings.filter((f) => f.status === 'active').map((f) => f.id), [a.findings]);
  const hasFindings = (n: SchemeNode): boolean => (n.rule ? (findingsByItem.get(n.code)?.length ?? 0) > 0 : n.children.some(hasFindings));
  const hasLeft = (n: SchemeNode): boolean => (n.rule ? left.has(n.code) : n.children.some(hasLeft));
  const shows = (n: SchemeNode) => (!onlyFindings || hasFindings(n)) && (!onlyLeft || hasLeft(n));

  const nodeScore = (code: string) => score.nodes[code];
  const scoreText = (n: SchemeNode) => {
    const s = nodeScore(n.code);
    if (!s) return '';
    if (!s.applicable) return t('assessment.notApplicable');
    // Bonus items and sections say 加分, never 扣分.
    if (n.bonus || s.added !== undefined) {
      const points = fmt.points(s.added ?? s.score);
      return s.max ? t('assessment.bonusSectionScore', { points, max: fmt.points(s.max) }) : t('assessment.bonusItemScore', { points });
    }
    if (n.points === null) return s.deductedRaw ? fmt.delta(-s.deductedRaw) : '—';
    return `${fmt.points(s.score)} / ${fmt.points(s.max)}`;
  };

  const item = (n: SchemeNode) => {
    const s = nodeScore(n.code);
    const list = findingsByItem.get(n.code) ?? [];
    const applicable = s?.applicable !== false;
    const lost = s && s.deductedRaw > 0;
    const mark = checked.get(n.code);
    // The mark is for an item with nothing recorded on it: a finding already says it was looked at.
    const activeOnItem = list.some((f) => f.status === 'active');
    const bonusItem = n.rule?.kind === 'bonus';
    return (
      <div key={n.code} className={applicable ? undefined : 'not-applicable'} style={{ padding: '8px 0', borderBottom: '1px solid #f5f5f5' }} data-testid={`item-${n.code}`}>
        <div className="item-row">
          <div style={{ minWidth: 0 }}>
            <span className="mono" style={{ marginInlineEnd: 6 }}>
              {n.code}
            </span>
            <span className="item-title">{textOf(n.title, lang)}</span>
            <div className="muted" style={{ fontSize: 12 }}>
              {ruleWords(n.rule, t, fmt)}
              {n.ruleText ? ` · ${textOf(n.ruleText, lang)}` : ''}
            </div>
          </div>
          <div style={{ textAlign: 'right' }}>
            <div
              className={bonusItem && (s?.added ?? 0) > 0 ? 'item-score score-delta-up' : 'item-score'}
              data-testid={`item-score-${n.code}`}
              style={{ color: lost ? '#cf1322' : undefined, fontWeight: lost ? 600 : 400 }}
            >
              {scoreText(n)}
            </div>
            {editable && applicable ? (
              <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => onAdd(n.code)} data-testid={`finding-add-${n.code}`} style={{ paddingInline: 0 }}>
                {t(bonusItem ? 'assessment.addBonusShort' : 'assessment.addShort')}
              </Button>
            ) : null}
          </div>
        </div>
        {editable && applicable && !activeOnItem ? (
          <Checkbox
            checked={!!mark}
            disabled={busy}
            onChange={(e) => void onCheck(n.code, e.target.checked)}
            data-testid={`check-${n.code}`}
            data-checked={mark ? '1' : '0'}
            style={{ marginTop: 2 }}
          >
            <span style={{ fontSize: 13 }}>{t(bonusItem ? 'assessment.checkMarkBonus' : 'assessment.checkMark')}</span>
          </Checkbox>
        ) : mark ? (
          <Tag color="success" data-testid={`checked-${n.code}`}>
            {t(bonusItem ? 'assessment.checkMarkBonus' : 'assessment.checkMark')}
          </Tag>
        ) : null}
        {mark ? (
          <div className="muted" style={{ fontSize: 12 }}>
            {t('assessment.checkedBy', { by: mark.checkedBy, at: fmt.dateTime(mark.checkedAt) })}
          </div>
        ) : null}
        {list.map((f) => (
          <FindingLine
            key={f.id}
            f={f}
            node={n}
            evidence={evidenceByFinding.get(f.id) ?? []}
            comments={commentsByFinding.get(f.id) ?? []}
            editable={editable}
            onWithdraw={onWithdraw}
            onEvidence={onEvidence}
            onComment={onComment}
            busy={busy}
            amount={s?.findings?.find((d) => activeIds[d.finding] === f.id)?.amount}
          />
        ))}
      </div>
    );
  };

  const group = (n: SchemeNode, depth: number): ReactNode => {
    if (!shows(n)) return null;
    if (n.rule) return item(n);
    return (
      <div key={n.code} style={{ marginTop: depth > 1 ? 8 : 0 }}>
        <div className="item-row" style={{ background: '#fafafa', padding: '4px 8px', borderRadius: 4, marginTop: 6 }}>
          <b>
            {n.code} {textOf(n.title, lang)} {n.pool ? <Tag color="volcano">{t('scheme.pool')}</Tag> : null}
          </b>
          <span className="item-score">{scoreText(n)}</span>
        </div>
        <div style={{ paddingInlineStart: 8 }}>{n.children.map((c) => group(c, depth + 1))}</div>
      </div>
    );
  };

  return (
    <div data-testid="items-tree">
      <Space wrap style={{ marginBottom: 8 }}>
        <Space size={4}>
          <Switch size="small" checked={onlyFindings} onChange={setOnlyFindings} aria-label={t('assessment.onlyWithFindings')} data-testid="only-findings" />
          <span>{t('assessment.onlyWithFindings')}</span>
        </Space>
        <Space size={4}>
          <Switch size="small" checked={showAll} onChange={setShowAll} aria-label={t('assessment.showWithdrawn')} />
          <span>{t('assessment.showWithdrawn')}</span>
        </Space>
        {a.progress ? (
          <Space size={4}>
            <Switch size="small" checked={onlyLeft} onChange={setOnlyLeft} aria-label={t('assessment.onlyLeft')} data-testid="only-left" />
            <span>{t('assessment.onlyLeft')}</span>
          </Space>
        ) : null}
      </Space>
      <Collapse
        defaultActiveKey={scheme.sections.map((s) => s.code)}
        items={scheme.sections.filter(shows).map((s) => ({
          key: s.code,
          label: (
            <span style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <b>
                {s.code} {textOf(s.title, lang)}
              </b>
              <span className="item-score" data-testid={`section-score-${s.code}`}>
                {scoreText(s)}
              </span>
            </span>
          ),
          children: s.rule ? item(s) : s.children.map((c) => group(c, 1)),
        }))}
      />
    </div>
  );
}

/** 已查 n/N: items looked at of those the village is assessed on. */
function CheckProgress({ done, total }: { done: number; total: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }} data-testid="check-progress" data-done={done} data-total={total}>
      <b style={{ whiteSpace: 'nowrap' }}>{t('assessment.progress', { done: fmt.int(done), total: fmt.int(total) })}</b>
      <Progress
        percent={total ? Math.round((done / total) * 100) : 0}
        size="small"
        showInfo={false}
        style={{ flex: 1, margin: 0 }}
        aria-label={t('assessment.progress', { done: fmt.int(done), total: fmt.int(total) })}
      />
      <span className="muted hide-narrow" style={{ fontSize: 12 }}>
        {t('assessment.progressHelp')}
      </span>
    </div>
  );
}

/** Submitting with items not looked at or suggestions open: the dialog that names them. */
function SubmitLeftModal({
  scheme,
  left,
  openSuggestions,
  busy,
  onCancel,
  onConfirm,
}: {
  scheme: Scheme;
  left: string[];
  openSuggestions: number;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  return (
    <Modal
      open
      title={t('assessment.submitLeftTitle')}
      onCancel={onCancel}
      onOk={() => void onConfirm()}
      okText={t('assessment.submitAnyway')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'submit-confirm' }}
      cancelButtonProps={{ 'data-testid': 'submit-cancel' }}
    >
      <div data-testid="submit-left">
        {left.length ? (
          <>
            <p style={{ marginBottom: 4 }}>{t('assessment.submitLeftUnchecked', { count: left.length })}</p>
            <ul style={{ maxHeight: 240, overflowY: 'auto', margin: '0 0 8px', paddingInlineStart: 18 }} data-testid="submit-unchecked">
              {left.map((code) => (
                <li key={code} data-item={code}>
                  <span className="mono">{code}</span> {index.get(code) ? textOf(index.get(code)!.title, lang) : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {openSuggestions > 0 ? <p data-testid="submit-open-suggestions">{t('assessment.submitLeftSuggestions', { count: openSuggestions })}</p> : null}
        <p style={{ marginBottom: 0 }}>{t('assessment.submitLeftAsk')}</p>
      </div>
    </Modal>
  );
}

function FindingLine({
  f,
  node,
  evidence,
  comments,
  editable,
  onWithdraw,
  onEvidence,
  onComment,
  busy,
  amount,
}: {
  f: FindingRow;
  node: SchemeNode;
  evidence: EvidenceRow[];
  comments: FindingCommentRow[];
  editable: boolean;
  onWithdraw: (f: FindingRow) => void;
  onEvidence: (findingId: number, files: File[]) => Promise<boolean>;
  onComment: (findingId: number, text: string) => Promise<boolean>;
  busy: boolean;
  amount: number | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const element = f.element ? node.checklist?.find((e) => e.code === f.element) : undefined;
  const active = f.status === 'active';
  const bonus = node.rule?.kind === 'bonus';
  return (
    <div className="finding-line" data-testid={`finding-${f.id}`} data-status={f.status}>
      <div style={{ minWidth: 0, flex: 1 }}>
        <div className={active ? undefined : 'finding-withdrawn'}>
          <Tag color={f.source === 'suggestion' ? 'purple' : f.source === 'appeal' ? 'gold' : 'default'}>{t(`finding.source.${f.source}`)}</Tag>
          {bonus ? (
            <Tag color="success" data-testid={`finding-bonus-${f.id}`}>
              {t('finding.bonusTag')}
            </Tag>
          ) : null}
          {element ? <b>{t('finding.missing', { what: textOf(element.title, lang) })} </b> : null}×{f.count}
          {amount !== undefined && active ? (
            <b className={bonus ? 'score-delta-up' : 'score-delta-down'} data-testid={`finding-amount-${f.id}`}>
              {' '}
              {bonus ? t('finding.bonusAmount', { points: fmt.points(amount) }) : fmt.delta(-amount)}
            </b>
          ) : null}
          {f.householdNo ? (
            <span>
              {' '}
              · {t('finding.household')} {f.householdNo}
            </span>
          ) : null}
          {f.note ? <div style={{ fontSize: 13 }}>{f.note}</div> : null}
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          {f.createdBy} · {fmt.dateTime(f.createdAt)}
          {f.status === 'withdrawn' ? ` · ${t('finding.withdrawnBy', { by: f.withdrawnBy ?? '', reason: f.withdrawReason ?? '' })}` : ''}
          {f.status === 'superseded' ? ` · ${t('finding.superseded')}` : ''}
        </div>
        <EvidenceList items={evidence} />
        <FindingComments findingId={f.id} comments={comments} mayComment={can.review(user.role)} onComment={onComment} busy={busy} />
      </div>
      {editable && active ? (
        <Space orientation="vertical" size={4} align="end">
          <label style={{ cursor: 'pointer', fontSize: 12, color: '#b7282e' }}>
            {t('evidence.add')}
            <input
              type="file"
              accept="image/*,application/pdf"
              capture="environment"
              multiple
              data-testid={`evidence-input-${f.id}`}
              style={{ display: 'none' }}
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                if (files.length) void onEvidence(f.id, files);
              }}
            />
          </label>
          <Button size="small" type="link" danger onClick={() => onWithdraw(f)} data-testid={`finding-withdraw-${f.id}`} style={{ paddingInline: 0 }}>
            {t('assessment.withdraw')}
          </Button>
        </Space>
      ) : null}
    </div>
  );
}

/** Reviewers' comments under a finding (评审意见), and a field to add one for who may. */
function FindingComments({
  findingId,
  comments,
  mayComment,
  onComment,
  busy,
}: {
  findingId: number;
  comments: FindingCommentRow[];
  mayComment: boolean;
  onComment: (findingId: number, text: string) => Promise<boolean>;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [text, setText] = useState('');
  if (!comments.length && !mayComment) return null;
  return (
    <div className="finding-comments" data-testid={`finding-comments-${findingId}`} style={{ marginTop: 4 }}>
      {comments.map((c) => (
        <div
          key={c.id}
          className="finding-comment"
          data-testid={`finding-comment-${c.id}`}
          style={{ fontSize: 13, background: '#f6f8fa', borderRadius: 4, padding: '4px 8px', marginTop: 4 }}
        >
          <span className="muted" style={{ fontSize: 12 }}>
            {t('finding.commentBy', { by: c.author, at: fmt.dateTime(c.createdAt) })}
          </span>
          <div>{c.text}</div>
        </div>
      ))}
      {mayComment ? (
        <Space.Compact style={{ width: '100%', marginTop: 4 }}>
          <Input
            size="small"
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('finding.commentPlaceholder')}
            aria-label={t('finding.commentPlaceholder')}
            data-testid={`finding-comment-input-${findingId}`}
          />
          <Button
            size="small"
            disabled={!text.trim()}
            loading={busy}
            data-testid={`finding-comment-send-${findingId}`}
            onClick={async () => {
              if (await onComment(findingId, text.trim())) setText('');
            }}
          >
            {t('finding.commentSend')}
          </Button>
        </Space.Compact>
      ) : null}
    </div>
  );
}

/**
 * An edit conflict on the finding form: what the inspector typed (kept, unsaved) beside the
 * item's findings as they are now, after the other person's change.
 */
function ConflictFinding({ a, scheme, draft, files }: { a: AssessmentDetail; scheme: Scheme; draft: Draft; files: File[] }) {
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

// ---------------------------------------------------------------------------------------------
// Recording a finding, with the live score

function FindingDrawer({
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
  const allOrNothing = node?.rule?.kind === 'allOrNothing';
  const bonus = node?.rule?.kind === 'bonus';
  // A count of 0 or none is refused here, naming the field; an all-or-nothing item is recorded only when "not met" is on.
  const countError = countOk(draft.count) ? undefined : allOrNothing ? t('finding.notMetOff') : t('finding.countRequired');

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
            <Button type="primary" loading={busy} disabled={!draft.item || !!problem || !!countError} onClick={() => void onSave()} data-testid="finding-save">
              {t('common.save')}
            </Button>
          </Space>
        </div>
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('finding.item')} required>
          <Select
            showSearch
            optionFilterProp="label"
            options={items}
            value={draft.item}
            // An all-or-nothing item starts "not met" (count 1), as a new finding starts at 1.
            onChange={(item) => onChange({ ...draft, item, element: undefined, ...(index.get(item)?.rule?.kind === 'allOrNothing' ? { count: 1 } : {}) })}
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
        {allOrNothing ? (
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
          <Form.Item label={t('finding.element')}>
            <Select
              allowClear
              value={draft.element}
              onChange={(element) => onChange({ ...draft, element })}
              options={node.checklist.map((e) => ({ value: e.code, label: textOf(e.title, lang) }))}
              placeholder={t('finding.elementPlaceholder')}
              data-testid="finding-element"
            />
          </Form.Item>
        ) : null}
        <Form.Item label={t('finding.household')} extra={t('finding.householdHelp')}>
          <AutoComplete
            value={draft.household}
            options={households}
            onSearch={setHouseholdQuery}
            onChange={(household: string) => onChange({ ...draft, household })}
            placeholder={t('finding.householdPlaceholder')}
            data-testid="finding-household"
          />
        </Form.Item>
        <Form.Item label={t('finding.note')}>
          <Input.TextArea rows={3} value={draft.note} onChange={(e) => onChange({ ...draft, note: e.target.value })} maxLength={2000} data-testid="finding-note" />
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

function WithdrawModal({
  finding,
  scheme,
  deltaTotal,
  onClose,
  onConfirm,
  busy,
}: {
  finding: FindingRow;
  scheme: Scheme;
  deltaTotal: number | null;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<void>;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [reason, setReason] = useState('');
  const node = nodeIndex(scheme).get(finding.item);
  return (
    <Modal
      open
      title={t(node?.rule?.kind === 'bonus' ? 'assessment.withdrawBonusTitle' : 'assessment.withdrawTitle', {
        item: `${finding.item} ${node ? textOf(node.title, schemeLang(i18n.language)) : ''}`,
      })}
      onCancel={onClose}
      okText={t('assessment.withdraw')}
      okButtonProps={{ danger: true, disabled: !reason.trim(), 'data-testid': 'withdraw-confirm' }}
      confirmLoading={busy}
      onOk={() => onConfirm(reason.trim())}
    >
      {deltaTotal !== null ? <p>{t('assessment.withdrawEffect', { delta: fmt.delta(deltaTotal) })}</p> : null}
      <p className="muted">{t('assessment.withdrawHelp')}</p>
      <Input.TextArea
        rows={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('assessment.reasonPlaceholder')}
        data-testid="withdraw-reason"
        maxLength={2000}
      />
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------
// Suggestions

function Suggestions({
  a,
  scheme,
  saved,
  unit,
  editable,
  run,
  busy,
}: {
  a: AssessmentDetail;
  scheme: Scheme;
  saved: Finding[];
  unit: Parameters<typeof liveScore>[1];
  editable: boolean;
  run: ReturnType<typeof useChanges>['run'];
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const { message } = App.useApp();
  // One suggestion being dismissed, or (bulk) the chosen ones.
  const [dismissing, setDismissing] = useState<SuggestionRow | 'chosen' | null>(null);
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  const base = useMemo(() => liveScore(scheme, unit, saved, lang).json?.total ?? a.score.total, [scheme, unit, saved, lang, a.score.total]);
  const effect = (s: SuggestionRow) => {
    const f: Finding = { item: s.item, count: s.count };
    if (s.element) f.element = s.element;
    const r = liveScore(scheme, unit, [...saved, f], lang);
    return r.json ? r.json.total - base : null;
  };
  const open = a.suggestions.filter((s) => s.status === 'open');
  const decided = a.suggestions.filter((s) => s.status !== 'open');
  // What is chosen among those still open (a reload may have decided some meanwhile).
  const picked = open.filter((s) => chosen.has(s.id));
  const notesPicked = picked.some((s) => s.count <= 0);
  const toggle = (id: number, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const decideChosen = async (action: 'accept' | 'dismiss', why?: string) => {
    const ids = picked.map((s) => s.id);
    const ok = await run(
      (version) =>
        api.post<SuggestionsDecided>(`/assessments/${a.id}/suggestions/bulk`, { version, action, ids, ...(why ? { reason: why } : {}) } satisfies BulkSuggestionsRequest),
      t(action === 'accept' ? 'suggestion.acceptedMany' : 'suggestion.dismissedMany', { count: ids.length }),
      { tag: 'suggestions', onDiscard: () => setDismissing(null) },
    );
    if (ok) {
      setChosen(new Set());
      setDismissing(null);
    }
  };

  const card = (s: SuggestionRow) => {
    const node = index.get(s.item);
    // A note (count 0): a requirement the scheme sets no deduction for; read or dismissed, never accepted.
    const note = s.count <= 0;
    const d = s.status === 'open' && !note ? effect(s) : null;
    return (
      <Card
        key={s.id}
        size="small"
        style={{ marginBottom: 8 }}
        data-testid={`suggestion-${s.id}`}
        title={
          <span style={{ whiteSpace: 'normal' }}>
            {s.status === 'open' && editable ? (
              <Checkbox
                checked={chosen.has(s.id)}
                onChange={(e) => toggle(s.id, e.target.checked)}
                aria-label={t('suggestion.choose', { item: s.item })}
                data-testid={`suggestion-choose-${s.id}`}
                style={{ marginInlineEnd: 8 }}
              />
            ) : null}
            <span className="mono">{s.item}</span> {node ? textOf(node.title, lang) : ''}{' '}
            {note ? (
              <Tag color="blue" data-testid={`suggestion-note-${s.id}`}>
                {t('suggestion.note')}
              </Tag>
            ) : (
              <>×{s.count}</>
            )}
          </span>
        }
        extra={
          s.status === 'open' ? (
            d !== null ? (
              <b className={d < 0 ? 'score-delta-down' : 'score-delta-up'}>{fmt.delta(d)}</b>
            ) : null
          ) : (
            <Tag color={s.status === 'accepted' ? 'success' : 'default'}>{t(`suggestion.status.${s.status}`)}</Tag>
          )
        }
      >
        <div>{lang === 'en' ? s.summaryEn : s.summaryZh}</div>
        {s.householdNo ? (
          <div className="muted">
            {t('finding.household')} {s.householdNo}
          </div>
        ) : null}
        {note ? <div className="muted">{t('suggestion.noteHelp')}</div> : null}
        {s.reason ? <div className="muted">{t('suggestion.dismissedBecause', { reason: s.reason })}</div> : null}
        <Records records={s.records} count={s.recordCount} url={`/assessments/${a.id}/suggestions/${s.id}/records`} />
        {s.status === 'open' && editable ? (
          <Space style={{ marginTop: 8 }}>
            {note ? null : (
              <Button
                type="primary"
                size="small"
                loading={busy}
                onClick={() =>
                  run((version) => api.post<SuggestionAccepted>(`/assessments/${a.id}/suggestions/${s.id}/accept`, { version } satisfies AcceptRequest), t('suggestion.accepted'))
                }
                data-testid={`suggestion-accept-${s.id}`}
              >
                {t('suggestion.accept')}
              </Button>
            )}
            <Button size="small" onClick={() => (setDismissing(s), setReason(''))} data-testid={`suggestion-dismiss-${s.id}`}>
              {t('suggestion.dismiss')}
            </Button>
          </Space>
        ) : null}
      </Card>
    );
  };

  return (
    <div data-testid="suggestions">
      {editable ? (
        <Space style={{ marginBottom: 12 }} wrap>
          <Button
            loading={busy}
            onClick={async () => {
              let added = 0;
              const ok = await run(async () => {
                const r = await api.post<SuggestionsDerived>(`/assessments/${a.id}/suggestions/derive`);
                added = r.added;
              });
              if (ok) message.info(t('suggestion.derived', { count: added }));
            }}
            data-testid="suggestions-derive"
          >
            {t('suggestion.derive')}
          </Button>
          <span className="muted">{t('suggestion.deriveHelp')}</span>
        </Space>
      ) : null}
      {editable && open.length > 0 ? (
        <div className="suggestion-bulk" data-testid="suggestions-bulk" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginBottom: 8 }}>
          <Checkbox
            checked={picked.length === open.length}
            indeterminate={picked.length > 0 && picked.length < open.length}
            onChange={(e) => setChosen(e.target.checked ? new Set(open.map((s) => s.id)) : new Set())}
            data-testid="suggestions-choose-all"
          >
            {t('suggestion.chooseAll')}
          </Checkbox>
          <span className="muted" data-testid="suggestions-chosen">
            {t('suggestion.chosen', { count: picked.length })}
          </span>
          <Button
            type="primary"
            size="small"
            disabled={picked.length === 0 || notesPicked}
            loading={busy}
            onClick={() => void decideChosen('accept')}
            data-testid="suggestions-accept-chosen"
          >
            {t('suggestion.acceptChosen')}
          </Button>
          <Button size="small" disabled={picked.length === 0} onClick={() => (setDismissing('chosen'), setReason(''))} data-testid="suggestions-dismiss-chosen">
            {t('suggestion.dismissChosen')}
          </Button>
          {notesPicked ? (
            <span className="muted" style={{ fontSize: 12 }} data-testid="suggestions-notes-chosen">
              {t('suggestion.notesChosen')}
            </span>
          ) : null}
        </div>
      ) : null}
      {open.length === 0 ? <Empty description={t('suggestion.noneOpen')} /> : open.map(card)}
      {decided.length ? (
        <Collapse style={{ marginTop: 12 }} items={[{ key: 'decided', label: t('suggestion.decided', { count: decided.length }), children: decided.map(card) }]} />
      ) : null}
      <Modal
        open={dismissing !== null}
        title={dismissing === 'chosen' ? t('suggestion.dismissChosenTitle', { count: picked.length }) : t('suggestion.dismissTitle')}
        onCancel={() => setDismissing(null)}
        okButtonProps={{ disabled: !reason.trim(), 'data-testid': 'dismiss-confirm' }}
        confirmLoading={busy}
        onOk={async () => {
          if (!dismissing) return;
          if (dismissing === 'chosen') return decideChosen('dismiss', reason.trim());
          const one = dismissing;
          const ok = await run(
            (version) => api.post<AssessmentChanged>(`/assessments/${a.id}/suggestions/${one.id}/dismiss`, { version, reason: reason.trim() } satisfies DismissRequest),
            t('suggestion.dismissed'),
            { onDiscard: () => setDismissing(null) },
          );
          if (ok) setDismissing(null);
        }}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('assessment.reasonPlaceholder')} data-testid="dismiss-reason" />
      </Modal>
    </div>
  );
}

/** The registry records behind a suggestion, as a compact list; the rest on request. */
function Records({ records, count, url }: { records: unknown; count: number | undefined; url: string }) {
  const { t } = useTranslation();
  const [all, setAll] = useState<unknown[] | null>(null);
  const [loading, setLoading] = useState(false);
  const first = Array.isArray(records) ? records : records && typeof records === 'object' ? [records] : [];
  const list = all ?? first;
  const total = count ?? first.length;
  if (total === 0) return null;
  return (
    <details style={{ marginTop: 6 }}>
      <summary className="muted" style={{ cursor: 'pointer' }}>
        {t('suggestion.records', { count: total })}
      </summary>
      <ul style={{ margin: '4px 0', paddingInlineStart: 18, fontSize: 12, maxHeight: all ? 320 : undefined, overflowY: all ? 'auto' : undefined }}>
        {list.map((r, i) => (
          <li key={i}>
            {typeof r === 'object' && r !== null
              ? Object.entries(r as Record<string, unknown>)
                  .filter(([, v]) => v !== null && v !== undefined && v !== '')
                  .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                  .join(' · ')
              : String(r)}
          </li>
        ))}
      </ul>
      {list.length < total ? (
        <Button
          size="small"
          type="link"
          loading={loading}
          onClick={async () => {
            setLoading(true);
            try {
              setAll((await api.get<SuggestionRecords>(url)).records);
            } finally {
              setLoading(false);
            }
          }}
          data-testid="suggestion-records-all"
        >
          {t('suggestion.recordsAll', { count: total })}
        </Button>
      ) : null}
    </details>
  );
}

// ---------------------------------------------------------------------------------------------
// Appeals

function Appeals({
  a,
  scheme,
  saved,
  unit,
  run,
  busy,
}: {
  a: AssessmentDetail;
  scheme: Scheme;
  saved: Finding[];
  unit: Parameters<typeof liveScore>[1];
  run: ReturnType<typeof useChanges>['run'];
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const [creating, setCreating] = useState(false);
  const [deciding, setDeciding] = useState<AppealRow | null>(null);
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  const evidence = (id: number) => a.evidence.filter((e) => e.appealId === id);
  // The window the campaign gives (publication + its appeal days): said to everyone, the village first.
  const until = a.appealsUntil ? new Date(a.appealsUntil) : null;
  const open = until !== null && Date.now() <= until.getTime();
  const mayAppeal = a.status === 'published' && can.appeal(user.role) && open;
  return (
    <div data-testid="appeals">
      {until ? (
        <Alert
          type={open ? 'info' : 'warning'}
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="appeal-window"
          title={
            open
              ? t('appeals.until', { date: fmt.dateTime(a.appealsUntil!), days: Math.max(0, Math.ceil((until.getTime() - Date.now()) / 86_400_000)) })
              : t('appeals.closed', { date: fmt.dateTime(a.appealsUntil!) })
          }
        />
      ) : null}
      {mayAppeal ? (
        <Button type="primary" onClick={() => setCreating(true)} style={{ marginBottom: 12 }} data-testid="appeal-create">
          {t('appeals.create')}
        </Button>
      ) : null}
      {a.status !== 'published' ? <Alert type="info" showIcon title={t('appeals.onlyPublished')} style={{ marginBottom: 12 }} /> : null}
      {a.appeals.length === 0 ? (
        <Empty description={t('appeals.none')} />
      ) : (
        a.appeals.map((ap) => (
          <Card
            key={ap.id}
            size="small"
            style={{ marginBottom: 8 }}
            data-testid={`appeal-${ap.id}`}
            title={
              <span style={{ whiteSpace: 'normal' }}>
                <span className="mono">{ap.item}</span> {index.get(ap.item) ? textOf(index.get(ap.item)!.title, lang) : ''}
              </span>
            }
            extra={<AppealStatusTag status={ap.status} />}
          >
            <div>{ap.reason}</div>
            <div className="muted" style={{ fontSize: 12 }}>
              {ap.createdBy} · {fmt.dateTime(ap.createdAt)}
            </div>
            <EvidenceList items={evidence(ap.id)} />
            {ap.status !== 'open' ? (
              <Alert
                style={{ marginTop: 8 }}
                type={ap.status === 'rejected' ? 'warning' : 'success'}
                title={t(`appeals.outcome.${ap.status}`, { count: ap.adjustedCount ?? 0 })}
                description={`${ap.decisionReason ?? ''}${fmt.paren(`${ap.decidedBy ?? ''} · ${fmt.dateTime(ap.decidedAt)}`)}`}
              />
            ) : can.decideAppeal(user.role) ? (
              <Button style={{ marginTop: 8 }} onClick={() => setDeciding(ap)} data-testid={`appeal-decide-${ap.id}`}>
                {t('appeals.decide')}
              </Button>
            ) : null}
          </Card>
        ))
      )}
      {creating ? <AppealForm a={a} scheme={scheme} run={run} busy={busy} onClose={() => setCreating(false)} /> : null}
      {deciding ? (
        <DecideModal appeal={deciding} scheme={scheme} saved={saved} unit={unit} savedTotal={a.score.total} run={run} busy={busy} onClose={() => setDeciding(null)} />
      ) : null}
    </div>
  );
}

function AppealForm({ a, scheme, run, busy, onClose }: { a: AssessmentDetail; scheme: Scheme; run: ReturnType<typeof useChanges>['run']; busy: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const [item, setItem] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // Items with a deduction first: those are what a village appeals.
  const options = itemsOf(scheme)
    .filter(({ node }) => a.score.nodes[node.code]?.applicable !== false)
    .map(({ node }) => ({
      value: node.code,
      label: `${node.code} ${textOf(node.title, lang)}${(a.score.nodes[node.code]?.deductedRaw ?? 0) > 0 ? ` (−${a.score.nodes[node.code]!.deductedRaw})` : ''}`,
      lost: (a.score.nodes[node.code]?.deductedRaw ?? 0) > 0,
    }))
    .sort((x, y) => Number(y.lost) - Number(x.lost));
  return (
    <Modal
      open
      title={t('appeals.create')}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !item || !reason.trim(), 'data-testid': 'appeal-submit' }}
      onOk={async () => {
        const ok = await run(async () => {
          const r = await api.post<AppealCreated>(`/assessments/${a.id}/appeals`, { item: item ?? '', reason: reason.trim() } satisfies AppealRequest);
          await uploadEvidence({ appealId: r.id }, files);
        }, t('appeals.created'));
        if (ok) onClose();
      }}
    >
      <Form layout="vertical">
        <Form.Item label={t('finding.item')} required>
          <Select showSearch optionFilterProp="label" options={options} value={item} onChange={setItem} data-testid="appeal-item" />
        </Form.Item>
        <Form.Item label={t('appeals.reason')} required>
          <Input.TextArea rows={4} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="appeal-reason" />
        </Form.Item>
        <Form.Item label={t('evidence.title')}>
          <EvidencePicker files={files} onChange={setFiles} testId="appeal-evidence-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DecideModal({
  appeal,
  scheme,
  saved,
  unit,
  savedTotal,
  run,
  busy,
  onClose,
}: {
  appeal: AppealRow;
  scheme: Scheme;
  saved: Finding[];
  unit: Parameters<typeof liveScore>[1];
  savedTotal: number;
  run: ReturnType<typeof useChanges>['run'];
  busy: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<Decision>(NEW_DECISION);
  const after = useDecisionEffect(decision, appeal.item, scheme, unit, saved, savedTotal);
  const confirmDecision = useConfirmDecision();
  return (
    <Modal
      open
      title={t('appeals.decideTitle', { item: appeal.item })}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !decisionReady(decision), 'data-testid': 'appeal-decide' }}
      onOk={async () => {
        if (!decisionReady(decision) || !(await confirmDecision(decision, savedTotal, after))) return;
        const ok = await run(() => api.post<AppealDecided>(`/appeals/${appeal.id}/decide`, decisionBody(decision)), t('appeals.decided'));
        if (ok) onClose();
      }}
    >
      <p>{appeal.reason}</p>
      <DecisionFields value={decision} onChange={setDecision} before={savedTotal} after={after} />
    </Modal>
  );
}
