/**
 * The assessment's suggested findings (derived from the registry's records): each with the
 * points it would cost, accepted or dismissed one by one or several at once, with the records
 * behind it. A chunk of its own, fetched when its tab is first opened (or when the page is idle).
 */
import { useMemo, useState } from 'react';
import { App, Button, Card, Checkbox, Collapse, Empty, Input, Modal, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { api } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { liveScore, nodeIndex, type Finding } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { SuggestionRow } from '../../lib/types.ts';
import type {
  AcceptRequest,
  AssessmentChanged,
  BulkSuggestionsRequest,
  DismissRequest,
  SuggestionAccepted,
  SuggestionRecords,
  SuggestionsDecided,
  SuggestionsDerived,
} from '../../../contract/index.ts';
import type { AssessmentTabProps } from './parts.tsx';
import { engineValues, valueWords } from '../../../contract/finding-values.ts';

export default function Suggestions({ a, scheme, saved, unit, editable, run, busy }: AssessmentTabProps & { editable: boolean }) {
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
    // A measured value the records give replaces the item's value, as accepting it will.
    if (s.value) Object.assign(f, engineValues({ value: s.value }));
    const kept = s.value ? saved.filter((x) => !(x.item === s.item && x.value)) : saved;
    const r = liveScore(scheme, unit, [...kept, f], lang);
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
            ) : s.value ? (
              <b data-testid={`suggestion-value-${s.id}`}>
                {t('finding.valueShown', { value: valueWords(s.value, node?.rule?.kind === 'measured' ? node.rule.measure : undefined, lang) })}
              </b>
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
