/** Pieces of the assessment page: evidence, the live score panel, uploads, edit conflicts. */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { App, Button, Modal, Space, Spin, Tag, Tooltip } from 'antd';
import { FilePdfOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorText } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import type { AssessmentDetail, EvidenceRow, ScoreJson } from '../../lib/types.ts';
import type { ExplanationLine, Finding, liveScore, Scheme } from '../../lib/scoring.ts';

/** What a photo's thumbnail shows (EvidencePhoto.tsx). */
export interface PhotoProps {
  src: string;
  alt: string;
  info: string;
  withdrawn: boolean;
  testId: string;
}

const loadEvidencePhoto = () => import('./EvidencePhoto.tsx');
// A photo whose preview cannot be fetched (a new build meanwhile) stays a plain thumbnail.
const EvidencePhoto = lazy(() => loadEvidencePhoto().catch(() => ({ default: PlainPhoto })));
/** Fetches the photo preview's chunk ahead of its first use. */
export const preloadEvidencePhoto = () => void loadEvidencePhoto().catch(() => undefined);

/**
 * The thumbnail as Ant Design's Image lays it out (a 56 px box), without its preview: shown until
 * the preview's chunk is there, so the photos of a finding show with the page.
 */
function PlainPhoto({ src, alt, info, withdrawn, testId }: PhotoProps) {
  return (
    <Tooltip title={info}>
      <span style={{ display: 'inline-block', position: 'relative', width: 56, height: 56 }} data-testid={testId}>
        <img
          src={src}
          alt={alt}
          width={56}
          height={56}
          style={{ width: '100%', height: 56, verticalAlign: 'middle', objectFit: 'cover', borderRadius: 4, opacity: withdrawn ? 0.4 : 1 }}
        />
      </span>
    </Tooltip>
  );
}

/** Thumbnails (photos) and links (PDFs) of evidence files. */
export function EvidenceList({ items }: { items: EvidenceRow[] }) {
  const fmt = useFormat();
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <Space size={6} wrap style={{ marginTop: 4 }} data-testid="evidence-list">
      {items.map((e) => {
        const url = e.url ?? `/api/evidence/${e.id}`;
        const info = [e.filename, fmt.size(e.size), e.takenAt ? t('evidence.takenAt', { at: fmt.dateTime(e.takenAt) }) : null].filter(Boolean).join(' · ');
        if (e.mime.startsWith('image/') && e.mime !== 'image/heic') {
          const photo: PhotoProps = { src: url, alt: e.filename, info, withdrawn: e.status === 'withdrawn', testId: `evidence-${e.id}` };
          return (
            <Suspense key={e.id} fallback={<PlainPhoto {...photo} />}>
              <EvidencePhoto {...photo} />
            </Suspense>
          );
        }
        return (
          <Tooltip key={e.id} title={info}>
            <a href={url} target="_blank" rel="noreferrer" data-testid={`evidence-${e.id}`}>
              <Tag icon={e.mime === 'application/pdf' ? <FilePdfOutlined /> : <PaperClipOutlined />}>{e.filename.length > 18 ? `${e.filename.slice(0, 16)}…` : e.filename}</Tag>
            </a>
          </Tooltip>
        );
      })}
    </Space>
  );
}

/** Uploads files as parts named `file` to a finding or an appeal. */
export async function uploadEvidence(target: { findingId: number } | { appealId: number }, files: File[]): Promise<void> {
  if (files.length === 0) return;
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  const path = 'findingId' in target ? `/findings/${target.findingId}/evidence` : `/appeals/${target.appealId}/evidence`;
  await api.upload(path, form);
}

/** What a change does when someone else changed the assessment meanwhile (see useChanges). */
export interface ChangeOptions {
  /** Names the change, so the page can show what it is beside the other person's (e.g. 'finding'). */
  tag?: string;
  /** The inspector gives the change up (放弃我的修改): close its form. */
  onDiscard?: () => void;
}

/** What the assessment page hands each of its lazily loaded tabs (suggestions, appeals). */
export interface AssessmentTabProps {
  a: AssessmentDetail;
  scheme: Scheme;
  saved: Finding[];
  unit: Parameters<typeof liveScore>[1];
  run: ReturnType<typeof useChanges>['run'];
  busy: boolean;
}

/**
 * Runs changes to an assessment. A change is given the version to send (the latest one read).
 * A 409 conflict (someone else changed the assessment meanwhile) loses nothing: the page reloads
 * the assessment in the background, the change's form stays as it was typed, and a dialog shows
 * the other person's change (`renderConflict(detail)`: the page's detail for the change's tag)
 * and offers to save on top of it (the same change again, with the new version) or to give it
 * up. `run` resolves when the change is saved (true) or given up or refused (false).
 */
export function useChanges(reload: () => Promise<void>, version?: number) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const latest = useRef(version);
  useEffect(() => {
    latest.current = version;
  }, [version]);
  // The server's words for a conflict are for the log, not the inspector: the dialog says it in the page's language.
  const [conflict, setConflict] = useState<{ tag?: string; decide: (retry: boolean) => void } | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (change: (version: number) => Promise<unknown>, success?: string, options: ChangeOptions = {}): Promise<boolean> => {
      for (;;) {
        setBusy(true);
        try {
          await change(latest.current ?? 0);
          if (success) message.success(success);
          await reload();
          return true;
        } catch (e) {
          if (e instanceof ApiError && e.isConflict) {
            setBusy(false);
            // The other person's change, read while the dialog opens.
            setRefreshing(true);
            void reload().finally(() => setRefreshing(false));
            const retry = await new Promise<boolean>((decide) => setConflict({ ...(options.tag ? { tag: options.tag } : {}), decide }));
            setConflict(null);
            if (retry) continue;
            options.onDiscard?.();
            return false;
          }
          if (e instanceof ApiError && e.code === 'invalid-state') {
            message.error(errorText(e));
            await reload();
          } else message.error(errorText(e));
          return false;
        } finally {
          setBusy(false);
        }
      }
    },
    [message, reload],
  );
  const renderConflict = (detail?: ReactNode): ReactNode => (
    <Modal
      open={conflict !== null}
      zIndex={2000}
      title={t('assessment.conflictTitle')}
      closable={false}
      mask={{ closable: false }}
      footer={
        <Space wrap style={{ justifyContent: 'flex-end' }}>
          <Button danger data-testid="conflict-discard" onClick={() => conflict?.decide(false)}>
            {t('assessment.conflictDiscard')}
          </Button>
          <Button type="primary" data-testid="conflict-save" loading={refreshing} onClick={() => conflict?.decide(true)}>
            {t('assessment.conflictSaveOnTop')}
          </Button>
        </Space>
      }
    >
      <p data-testid="conflict-message">{t('assessment.conflictText')}</p>
      {conflict ? <div data-testid="conflict-detail">{refreshing ? <Spin size="small" /> : detail}</div> : null}
    </Modal>
  );
  return { run, busy, conflictTag: conflict?.tag, renderConflict, conflictModal: renderConflict() };
}

/** The score as it stands (or would stand), with the engine's explanation. */
export function ScorePanel({
  score,
  saved,
  lines,
  preview,
  problems,
}: {
  score: ScoreJson | undefined;
  saved: ScoreJson;
  lines: ExplanationLine[];
  preview: boolean;
  problems: string[];
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const s = score ?? saved;
  const gradeTitle = s.grade ? (i18n.language.startsWith('en') ? (s.grade.title.en ?? s.grade.title.zh) : s.grade.title.zh) : '';
  const delta = score ? score.total - saved.total : 0;
  return (
    <div data-testid="score-panel">
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 8, flexWrap: 'wrap' }}>
        <span className="score-big" data-testid="score-total" data-total={s.total}>
          {fmt.points(s.total)}
        </span>
        <span className="muted">/ {fmt.points((s.convertTo ?? s.max) + s.bonusMax)}</span>
        {preview ? (
          <Tag color="orange" data-testid="score-preview">
            {t('assessment.previewUnsaved')} {delta !== 0 ? <b className={delta < 0 ? 'score-delta-down' : 'score-delta-up'}>{fmt.delta(delta)}</b> : null}
          </Tag>
        ) : null}
      </div>
      <div className="muted" style={{ fontSize: 13, marginTop: 2 }}>
        {t('score.base')} {fmt.points(s.base)} / {fmt.points(s.max)}
        {s.converted !== null ? <span data-testid="score-converted"> · {t('score.converted', { points: fmt.points(s.converted) })}</span> : null} · {t('score.bonus')}{' '}
        {fmt.points(s.bonus)} / {fmt.points(s.bonusMax)}
        {s.penalty > 0 ? <span data-testid="score-penalty"> · {t('score.penalty', { points: fmt.points(s.penalty) })}</span> : null}
        {s.percent !== null ? ` · ${fmt.points(s.percent)}%` : ''}
        {s.grade ? ` · ${t('score.grade')} ${gradeTitle}` : ''}
      </div>
      {s.veto ? (
        <Tag color="error" style={{ marginTop: 6 }}>
          {s.veto.effect === 'ceiling' ? t('score.vetoCeiling', { items: s.veto.items.join(', ') }) : t('score.veto', { items: s.veto.items.join(', ') })}
        </Tag>
      ) : null}
      {s.unmeasured?.length ? (
        <div className="muted" style={{ fontSize: 12, marginTop: 4 }} data-testid="score-unmeasured">
          {t('score.unmeasured', { items: s.unmeasured.join('、') })}
        </div>
      ) : null}
      {problems.length ? (
        <div style={{ marginTop: 8 }}>
          {problems.map((p, i) => (
            <Tag color="error" key={i} style={{ whiteSpace: 'normal' }}>
              {p}
            </Tag>
          ))}
        </div>
      ) : null}
      <div style={{ marginTop: 12, fontWeight: 500 }}>{t('assessment.explanation')}</div>
      {lines.length === 0 ? (
        <div className="muted">{t('assessment.noDeductions')}</div>
      ) : (
        <ul className="explain-list" data-testid="explanation">
          {lines.map((l, i) => (
            <li key={i} style={{ color: l.kind === 'pool' || l.kind === 'cap' ? '#ad4e00' : l.kind === 'bonus' ? '#237804' : undefined }}>
              {l.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
