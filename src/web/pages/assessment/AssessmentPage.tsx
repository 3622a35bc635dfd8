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
import { cloneElement, lazy, Suspense, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { Alert, App, Button, Card, Checkbox, Collapse, Input, Modal, Space, Switch, Tabs, Tag } from 'antd';
import { PlusOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { findingProblemText } from '../../../core/scoring/score.ts';
import { ErrorView, Loading, PageHeader, StatusTag } from '../../components/common.tsx';
import { ruleWords } from '../../lib/rule-words.ts';
import { api, ApiError, errorText } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.tsx';
import { useIsNarrow, useWhenIdle } from '../../lib/hooks.ts';
import { useFormat } from '../../lib/format.ts';
import { can } from '../../lib/roles.ts';
import { Link, pathTo, useRoute } from '../../lib/router.tsx';
import { engineFindings, liveScore, nodeIndex, type Finding, type Scheme, type SchemeNode } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { AssessmentDetail, EvidenceRow, FindingRow, ScoreJson } from '../../lib/types.ts';
import type {
  AssessmentChanged,
  CheckRequest,
  CommentAdded,
  CommentRequest,
  FindingAdded,
  FindingCommentRow,
  TransitionRequest,
  WithdrawRequest,
} from '../../../contract/index.ts';
import { useAssessment } from './useAssessment.ts';
import { EvidenceList, preloadEvidencePhoto, ScorePanel, uploadEvidence, useChanges, type ChangeOptions } from './parts.tsx';
import { CombinedResult } from './CombinedResult.tsx';
import { localFindingId, newKey, waiting, type Change, type ChangeBody } from '../../offline/changes.ts';
import { editQueued, keepPhotos, queueChange, setReachable } from '../../offline/runner.ts';
import { OfflineChanges } from './OfflineChanges.tsx';
import { countOk, draftValues, type Draft } from './draft.ts';
import { engineValues, valueWords } from '../../../contract/finding-values.ts';

/**
 * What the page shows first (the score, the items and their findings) is in this chunk; the
 * finding form (with its selects and number field), the other dialogs, the suggestions and the
 * appeals are chunks of their own, fetched once the page is idle, or at once when an add button
 * is pointed at or a tab opened: a phone on weak data sees the assessment sooner, and the form
 * still opens at once.
 */
const loadDrawer = () => import('./FindingDrawer.tsx');
const loadDialogs = () => import('./dialogs.tsx');
const loadSuggestions = () => import('./Suggestions.tsx');
const loadAppeals = () => import('./Appeals.tsx');
const FindingDrawer = lazy(loadDrawer);
const ConflictFinding = lazy(() => loadDrawer().then((m) => ({ default: m.ConflictFinding })));
const WithdrawModal = lazy(() => loadDialogs().then((m) => ({ default: m.WithdrawModal })));
const SubmitLeftModal = lazy(() => loadDialogs().then((m) => ({ default: m.SubmitLeftModal })));
const Suggestions = lazy(loadSuggestions);
const Appeals = lazy(loadAppeals);
/** Fetches the finding form's chunk ahead of its first use (a failure is tried again on use). */
const preloadDrawer = () => void loadDrawer().catch(() => undefined);
/** On an add button: pointed at, touched or focused, the form's chunk is on its way before the click. */
const preloadOnIntent = { onPointerEnter: preloadDrawer, onPointerDown: preloadDrawer, onFocus: preloadDrawer };

/**
 * The parts around the content (extras.ts), fetched from the moment this code runs, while the
 * page asks for the assessment: until they are there (they nearly always are by the time the
 * data is) the tabs show no counts, the progress no bar, and a button that asks for confirmation
 * opens it once they arrive.
 */
type Extras = typeof import('./extras.ts');
let extras: Extras | undefined;
const extrasLoaded = import('./extras.ts').then(
  (m) => {
    extras = m;
    return m;
  },
  () => undefined,
);
function useExtras(): Extras | undefined {
  const [, setLoaded] = useState(extras !== undefined);
  useEffect(() => {
    let live = true;
    if (!extras) void extrasLoaded.then((m) => live && m && setLoaded(true));
    return () => {
      live = false;
    };
  }, []);
  return extras;
}

/** A tab's label with its count of open things (shown once the extras are there). */
function CountBadge({ count, children }: { count: number; children: ReactNode }) {
  const x = useExtras();
  if (!x) return <>{children}</>;
  return (
    <x.Badge count={count} size="small" offset={[8, -2]}>
      {children}
    </x.Badge>
  );
}

/**
 * A button that asks for confirmation first (Popconfirm, whose OK button spins until what
 * `onConfirm` returns settles); clicked before the extras arrive, it asks once they have.
 */
function Confirm({ title, onConfirm, children }: { title: ReactNode; onConfirm: () => unknown; children: ReactElement<{ onClick?: () => void }> }) {
  const x = useExtras();
  const [asked, setAsked] = useState(false);
  if (!x) return cloneElement(children, { onClick: () => setAsked(true) });
  return (
    <x.Popconfirm title={title} onConfirm={onConfirm} defaultOpen={asked}>
      {children}
    </x.Popconfirm>
  );
}

export default function AssessmentPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const route = useRoute();
  const user = useUser();
  const fmt = useFormat();
  const narrow = useIsNarrow();
  const target = route.name === 'villageAssessment' ? { campaignId: Number(route.params.id), village: route.params.code! } : { id: Number(route.params.id) };
  const { assessment: a, server, changes, offline, savedAt, scheme, unit, error, loading, reload, relay } = useAssessment(target, lang);
  const { run, busy, conflictTag, renderConflict } = useChanges(reload, server?.version);
  const { message } = App.useApp();
  const [draft, setDraft] = useState<Draft | null>(null);
  // A queued finding not yet sent, being changed on the phone (修改).
  const [editing, setEditing] = useState<Change | null>(null);
  // The photos chosen in the finding form: kept here, so an edit conflict shows them and loses none.
  const [draftFiles, setDraftFiles] = useState<File[]>([]);
  const [withdrawing, setWithdrawing] = useState<FindingRow | null>(null);
  const [tab, setTab] = useState(route.query.get('tab') ?? 'items');

  const saved = useMemo(() => (a ? engineFindings(a.findings) : []), [a]);
  const draftFinding = useMemo<Finding | null>(() => {
    // No preview of a count the form refuses (0 or empty), nor of a value, amount or part not filled in yet.
    if (!draft?.item || !countOk(draft.count) || !scheme) return null;
    const node = nodeIndex(scheme).get(draft.item);
    const { values, missing } = draftValues(draft, node);
    if (missing && missing !== 'note') return null;
    const f: Finding = { item: draft.item, count: node?.rule?.kind === 'measured' ? 1 : draft.count };
    if (draft.element) f.element = draft.element;
    if (draft.household) f.household = draft.household;
    if (draft.note) f.note = draft.note;
    // A range's reason still being written: the preview scores the amount already (the form asks for the reason, and saves only with it).
    if (missing === 'note') f.note = '…';
    return Object.assign(f, engineValues(values));
  }, [draft, scheme]);
  const live = useMemo(() => {
    if (!scheme || !unit) return null;
    // A new value replaces the item's value (as the server supersedes it): the preview leaves the old one out.
    const kept = draftFinding?.value ? saved.filter((f) => !(f.item === draftFinding.item && f.value)) : saved;
    return liveScore(scheme, unit, draftFinding ? [...kept, draftFinding] : saved, lang);
  }, [scheme, unit, saved, draftFinding, lang]);
  const savedLive = useMemo(() => (scheme && unit ? liveScore(scheme, unit, saved, lang) : null), [scheme, unit, saved, lang]);
  const mayRecord = !!a && a.status === 'draft' && can.record(user.role);
  // Once the assessment shows: the parts the reader may open next (the finding form only for who records).
  useWhenIdle(!!a && !!scheme && !!unit, () => {
    if (mayRecord) preloadDrawer();
    void loadDialogs().catch(() => undefined);
    void loadSuggestions().catch(() => undefined);
    void loadAppeals().catch(() => undefined);
    preloadEvidencePhoto();
  });

  // No network and no copy on the phone: said as such, not as a failed request.
  if (error instanceof ApiError && error.status === 0)
    return (
      <Alert
        type="warning"
        showIcon
        title={t('offline.offline')}
        description={t('offline.notKept')}
        action={<Button onClick={() => void reload()}>{t('common.reload')}</Button>}
        data-testid="assessment-not-kept"
      />
    );
  if (error) return <ErrorView error={error} onRetry={() => void reload()} />;
  if (!a || !scheme || !unit) return <Loading />;

  const editable = mayRecord;
  const shown = live?.json ?? savedLive?.json ?? a.score;
  // Changes waiting on the phone: further changes queue behind them, in order.
  const waitingHere = changes.filter(waiting);
  const queueMode = offline || waitingHere.length > 0;
  // The browser's engine and the server's stored score should agree on the saved findings (the queue's are not on the server yet).
  const disagrees = changes.length === 0 && savedLive?.json && Math.abs(savedLive.json.total - a.score.total) > 0.001;
  const pendingOf = (findingId: number) => changes.find((c) => c.body.kind === 'add' && (c.findingId ?? localFindingId(c)) === findingId);

  /** Keeps a change (and its photos) in the phone's queue; the queue sends it when the server answers. */
  const queue = async (body: ChangeBody, files: File[] = [], key?: string, baseVersion = server?.version ?? a.version): Promise<boolean> => {
    try {
      const photos = files.length ? await keepPhotos(files) : { refs: [], kept: [] };
      const b: ChangeBody = body.kind === 'add' || body.kind === 'photos' ? { ...body, photos: photos.refs } : body;
      await queueChange(user, a.id, baseVersion, b, photos.kept, key);
      message.success(t('offline.savedOnPhone'));
      await relay();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    }
  };
  /**
   * A change: sent at once while the server answers and nothing waits on the phone, with an
   * idempotency key; queued (with the same key) when the network fails on the way.
   */
  const change = async (
    body: ChangeBody,
    files: File[],
    online: (version: number, key: string) => Promise<unknown>,
    success: string,
    options?: ChangeOptions,
  ): Promise<boolean> => {
    if (queueMode) return queue(body, files);
    const key = newKey();
    let queued = false;
    const ok = await run(
      async (version) => {
        try {
          await online(version, key);
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 0) throw e;
          setReachable(false);
          queued = await queue(body, files, key, version);
        }
      },
      undefined,
      options,
    );
    if (ok && !queued) message.success(success);
    return ok;
  };
  const idem = (key: string) => ({ 'idempotency-key': key });
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
    change(
      { kind: 'check', item, checked },
      [],
      (version, key) => api.send<AssessmentChanged>('POST', `/assessments/${a.id}/checks`, { body: { version, item, checked } satisfies CheckRequest, headers: idem(key) }),
      t(checked ? 'assessment.marked' : 'assessment.unmarked'),
    );

  /** Photos added to a finding: a queued one's wait with it; without a network they queue. */
  const addEvidence = async (findingId: number, files: File[]): Promise<boolean> => {
    const pending = pendingOf(findingId);
    if (pending?.body.kind === 'add') {
      const kept = await keepPhotos(files);
      if (pending.findingId === undefined && (await editQueued(pending, { ...pending.body, photos: [...pending.body.photos, ...kept.refs] }, kept.kept))) {
        message.success(t('offline.savedOnPhone'));
        await relay();
        return true;
      }
      return queue({ kind: 'photos', finding: pending.body.ref, photos: [] }, files);
    }
    return change({ kind: 'photos', finding: findingId, photos: [] }, files, () => uploadEvidence({ findingId }, files), t('evidence.uploaded'));
  };

  const addComment = (findingId: number, text: string) =>
    run(() => api.post<CommentAdded>(`/findings/${findingId}/comments`, { text } satisfies CommentRequest), t('finding.commentSaved'));

  const workflow = <Workflow a={a} scheme={scheme} busy={busy} onStep={transition} waitingOnPhone={queueMode ? waitingHere.length || -1 : 0} />;
  const panel = (
    <>
      <ScorePanel
        score={live?.json}
        saved={savedLive?.json ?? (a.score as ScoreJson)}
        lines={live?.lines ?? []}
        preview={!!draftFinding}
        problems={live?.problems.map((p) => findingProblemText(p, lang)) ?? []}
      />
      <CombinedResult a={a} />
    </>
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
          onEvidence={addEvidence}
          pendingOf={pendingOf}
          onEditPending={(c) => {
            if (c.body.kind !== 'add') return;
            setDraftFiles([]);
            setEditing(c);
            setDraft({
              item: c.body.item,
              count: c.body.count,
              element: c.body.element,
              household: c.body.household,
              note: c.body.note,
              value: c.body.value,
              asPercent: c.body.value?.percent !== undefined,
              amount: c.body.amount,
              part: c.body.part,
            });
          }}
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
              <CountBadge count={openSuggestions.length}>
                <span data-testid="tab-suggestions">{t('assessment.suggestionsTab')}</span>
              </CountBadge>
            ),
            children: (
              <Suspense fallback={<Loading />}>
                {/* Deciding a suggestion needs the server, after the phone's queue: not while changes wait or the network is gone. */}
                {editable && queueMode ? <Alert type="info" showIcon title={t('offline.suggestionsOnline')} style={{ marginBottom: 8 }} data-testid="suggestions-offline" /> : null}
                <Suggestions a={a} scheme={scheme} saved={saved} unit={unit} editable={editable && !queueMode} run={run} busy={busy} />
              </Suspense>
            ),
          },
        ]
      : []),
    {
      key: 'appeals',
      label: (
        <CountBadge count={openAppeals.length}>
          <span data-testid="tab-appeals">{t('assessment.appealsTab')}</span>
        </CountBadge>
      ),
      children: (
        <Suspense fallback={<Loading />}>
          <Appeals a={a} scheme={scheme} saved={saved} unit={unit} run={run} busy={busy} />
        </Suspense>
      ),
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
      {/* On a phone the bar sits fixed at the bottom, but comes right after the title in the page: its add and submit are the first Tab stops, not the last after every item. */}
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
              <Button type="primary" icon={<PlusOutlined />} onClick={() => openDraft({ count: 1 })} {...preloadOnIntent} data-testid="finding-add-mobile">
                {t('assessment.addShort')}
              </Button>
            ) : null}
            {workflow}
          </Space>
        </div>
      ) : null}
      {offline ? (
        <Alert
          type="info"
          showIcon
          title={t('offline.pageOffline')}
          description={t('offline.pageOfflineHelp', { at: savedAt ? fmt.dateTime(savedAt) : '—' })}
          style={{ marginBottom: 12 }}
          data-testid="assessment-offline"
        />
      ) : null}
      {server && changes.some((c) => c.state === 'conflict' || c.state === 'refused') ? (
        <OfflineChanges server={server} scheme={scheme} changes={changes} onDecided={() => void reload()} />
      ) : null}
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
              <Button type="primary" icon={<PlusOutlined />} onClick={() => openDraft({ count: 1 })} {...preloadOnIntent} data-testid="finding-add">
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

      {draft ? (
        // No fallback: the form is fetched ahead (idle, or the button pointed at), else it opens when it arrives.
        <Suspense fallback={null}>
          <FindingDrawer
            a={a}
            scheme={scheme}
            draft={draft}
            onChange={setDraft}
            files={draftFiles}
            onFiles={setDraftFiles}
            live={live}
            savedTotal={savedLive?.json?.total ?? a.score.total}
            onClose={() => {
              setDraft(null);
              setEditing(null);
            }}
            busy={busy}
            onSave={async () => {
              const d = draft;
              const files = draftFiles;
              if (!d.item || !countOk(d.count)) return;
              const kind = index.get(d.item)?.rule?.kind;
              const { values, missing } = draftValues(d, index.get(d.item));
              if (missing) return;
              // An all-or-nothing item is "not met" or not recorded, a measured item holds one value: their count is 1.
              const count = kind === 'allOrNothing' || kind === 'measured' ? 1 : d.count!;
              const body = {
                item: d.item,
                count,
                ...values,
                ...(d.element ? { element: d.element } : {}),
                ...(d.note?.trim() ? { note: d.note.trim() } : {}),
                ...(d.household?.trim() ? { household: d.household.trim() } : {}),
              };
              // A queued finding changed before it was sent: the queue's copy is replaced.
              if (editing?.body.kind === 'add') {
                const kept = await keepPhotos(files);
                if (await editQueued(editing, { kind: 'add', ref: editing.body.ref, ...body, photos: [...editing.body.photos, ...kept.refs] }, kept.kept)) {
                  message.success(t('offline.savedOnPhone'));
                  await relay();
                } else message.warning(t('offline.alreadySent'));
                setDraft(null);
                setEditing(null);
                return;
              }
              let findingId: number | undefined;
              const ok = await change(
                { kind: 'add', ref: newKey(), ...body, photos: [] },
                files,
                async (version, key) => {
                  const r = await api.send<FindingAdded>('POST', `/assessments/${a.id}/findings`, { body: { version, ...body }, headers: idem(key) });
                  findingId = r.id;
                  try {
                    await uploadEvidence({ findingId: r.id }, files);
                  } catch (e) {
                    // The finding is saved; its photos wait on the phone for the network.
                    if (!(e instanceof ApiError) || e.status !== 0) throw e;
                    setReachable(false);
                    await queue({ kind: 'photos', finding: r.id, photos: [] }, files);
                  }
                },
                t(isBonus(d.item) ? 'assessment.bonusSaved' : 'assessment.findingSaved'),
                { tag: 'finding', onDiscard: () => setDraft(null) },
              );
              // A finding saved but whose photos failed stays saved: the photos can be added on the finding.
              if (ok || findingId !== undefined) setDraft(null);
              if (!ok && findingId !== undefined) await reload();
            }}
          />
        </Suspense>
      ) : null}
      {withdrawing ? (
        <Suspense fallback={null}>
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
              const pending = pendingOf(withdrawing.id);
              let ok: boolean;
              if (pending?.body.kind === 'add') {
                // Not sent yet: it is taken out of the queue; sent already: withdrawn on the server in turn.
                ok = (await editQueued(pending, null)) || (await queue({ kind: 'withdraw', finding: pending.body.ref, reason }));
                if (ok) await relay();
              } else
                ok = await change(
                  { kind: 'withdraw', finding: withdrawing.id, reason },
                  [],
                  (version, key) =>
                    api.send<AssessmentChanged>('POST', `/assessments/${a.id}/findings/${withdrawing.id}/withdraw`, {
                      body: { version, reason } satisfies WithdrawRequest,
                      headers: idem(key),
                    }),
                  t(isBonus(withdrawing.item) ? 'assessment.bonusWithdrawn' : 'assessment.withdrawn'),
                  { onDiscard: () => setWithdrawing(null) },
                );
              if (ok) setWithdrawing(null);
            }}
            busy={busy}
          />
        </Suspense>
      ) : null}
      {renderConflict(
        conflictTag === 'finding' && draft ? (
          <Suspense fallback={null}>
            <ConflictFinding a={a} scheme={scheme} draft={draft} files={draftFiles} />
          </Suspense>
        ) : null,
      )}
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
  waitingOnPhone,
}: {
  a: AssessmentDetail;
  scheme: Scheme;
  busy: boolean;
  onStep: (step: 'submit' | 'sendBack' | 'review' | 'publish', comment?: string) => Promise<boolean>;
  /** Changes waiting on the phone (-1: none, but no network): the assessment is submitted once they are on the server. */
  waitingOnPhone: number;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const [sendingBack, setSendingBack] = useState(false);
  const [comment, setComment] = useState('');
  const [asking, setAsking] = useState(false);
  const buttons = [];
  // Items not looked at or suggestions open: the inspector is asked first, with them named (the server accepts the submit all the same).
  const leftToDo = !!a.progress && (a.progress.left.length > 0 || a.progress.openSuggestions > 0);
  if (a.status === 'draft' && can.record(user.role) && waitingOnPhone !== 0) {
    buttons.push(
      <Button
        key="submit"
        type="primary"
        disabled
        data-testid="submit-assessment"
        title={waitingOnPhone > 0 ? t('offline.submitAfterSync', { count: waitingOnPhone }) : t('offline.submitOnline')}
      >
        {t('assessment.submit')}
      </Button>,
    );
  } else if (a.status === 'draft' && can.record(user.role)) {
    buttons.push(
      leftToDo ? (
        <Button key="submit" type="primary" loading={busy} data-testid="submit-assessment" onClick={() => setAsking(true)}>
          {t('assessment.submit')}
        </Button>
      ) : (
        <Confirm key="submit" title={t('assessment.submitConfirm')} onConfirm={() => onStep('submit')}>
          <Button type="primary" loading={busy} data-testid="submit-assessment">
            {t('assessment.submit')}
          </Button>
        </Confirm>
      ),
    );
  }
  if (a.status === 'submitted' && can.review(user.role)) {
    buttons.push(
      <Button key="sendBack" danger onClick={() => setSendingBack(true)} data-testid="sendback-assessment">
        {t('assessment.sendBack')}
      </Button>,
      <Confirm key="review" title={t('assessment.reviewConfirm')} onConfirm={() => onStep('review')}>
        <Button type="primary" loading={busy} data-testid="review-assessment">
          {t('assessment.review')}
        </Button>
      </Confirm>,
    );
  }
  if (a.status === 'reviewed' && can.publish(user.role)) {
    buttons.push(
      <Confirm key="publish" title={t('assessment.publishConfirm')} onConfirm={() => onStep('publish')}>
        <Button type="primary" loading={busy} data-testid="publish-assessment">
          {t('assessment.publish')}
        </Button>
      </Confirm>,
    );
  }
  return (
    <>
      <Space wrap>{buttons}</Space>
      {asking && a.progress ? (
        <Suspense fallback={null}>
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
        </Suspense>
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
  pendingOf,
  onEditPending,
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
  /** The queued add a finding shown is (not on the server yet), if it is one. */
  pendingOf: (findingId: number) => Change | undefined;
  onEditPending: (change: Change) => void;
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
              <Button
                size="small"
                type="link"
                icon={<PlusOutlined />}
                onClick={() => onAdd(n.code)}
                {...preloadOnIntent}
                data-testid={`finding-add-${n.code}`}
                style={{ paddingInline: 0 }}
              >
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
            pending={pendingOf(f.id)}
            onEditPending={onEditPending}
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
  const x = useExtras();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }} data-testid="check-progress" data-done={done} data-total={total}>
      <b style={{ whiteSpace: 'nowrap' }}>{t('assessment.progress', { done: fmt.int(done), total: fmt.int(total) })}</b>
      {x ? (
        <x.Progress
          percent={total ? Math.round((done / total) * 100) : 0}
          size="small"
          showInfo={false}
          style={{ flex: 1, margin: 0 }}
          aria-label={t('assessment.progress', { done: fmt.int(done), total: fmt.int(total) })}
        />
      ) : (
        <div style={{ flex: 1 }} />
      )}
      <span className="muted hide-narrow" style={{ fontSize: 12 }}>
        {t('assessment.progressHelp')}
      </span>
    </div>
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
  pending,
  onEditPending,
}: {
  pending: Change | undefined;
  onEditPending: (change: Change) => void;
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
  const part = f.part && node.rule?.kind === 'parts' ? node.rule.parts.find((p) => p.code === f.part) : undefined;
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
          {element ? <b>{t('finding.missing', { what: textOf(element.title, lang) })} </b> : null}
          {part ? <b data-testid={`finding-part-${f.id}`}>{textOf(part.title, lang)} </b> : null}
          {f.value ? (
            <b data-testid={`finding-value-${f.id}`}>
              {t('finding.valueShown', { value: valueWords(f.value, node.rule?.kind === 'measured' ? node.rule.measure : undefined, lang) })}{' '}
            </b>
          ) : (
            <>×{f.count}</>
          )}
          {f.amount !== null ? <span data-testid={`finding-picked-${f.id}`}> · {t('finding.picked', { points: fmt.points(f.amount) })}</span> : null}
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
          {f.status === 'superseded' ? ` · ${t(f.value !== null && f.source !== 'appeal' ? 'finding.valueSuperseded' : 'finding.superseded')}` : ''}
          {pending ? (
            <Tag color={pending.state === 'conflict' ? 'error' : 'warning'} style={{ marginInlineStart: 6 }} data-testid={`finding-pending-${f.id}`}>
              {t(`offline.state.${pending.state}`)}
            </Tag>
          ) : null}
        </div>
        <EvidenceList items={evidence} />
        <FindingComments findingId={f.id} comments={comments} mayComment={can.review(user.role) && f.id > 0} onComment={onComment} busy={busy} />
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
          {pending && pending.state === 'pending' && pending.findingId === undefined ? (
            <Button size="small" type="link" onClick={() => onEditPending(pending)} data-testid={`finding-edit-${f.id}`} style={{ paddingInline: 0 }}>
              {t('offline.edit')}
            </Button>
          ) : null}
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
