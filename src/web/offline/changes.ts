/**
 * The changes an inspector makes to an assessment while the phone cannot reach the server, as
 * they wait in the queue (docs/offline.md), and what the assessment looks like with them: the
 * server's last copy with the queued changes laid over it. Pure: no storage, no network.
 */
import type { AssessmentDetail, EvidenceRow, FindingRow } from '../lib/types.ts';
import type { ItemCheckRow, MeasuredValueJson } from '../../contract/index.ts';

/** A photo kept on the phone until it is uploaded: named by its SHA-256, as the server names evidence. */
export interface PhotoRef {
  sha256: string;
  name: string;
  type: string;
  size: number;
}

/** A finding the queue adds (`ref` names it until the server gives it an id). */
export interface AddBody {
  kind: 'add';
  ref: string;
  item: string;
  count: number;
  element?: string;
  note?: string;
  household?: string;
  /** A measured item's value, a range rule's picked amount, a several-rule item's part: as the API takes them (decimals), unchanged. */
  value?: MeasuredValueJson;
  amount?: number;
  part?: string;
  photos: PhotoRef[];
}

/** A finding the queue withdraws: the server's id, or the `ref` of a queued add already sent. */
export interface WithdrawBody {
  kind: 'withdraw';
  finding: number | string;
  reason: string;
}

/** An item marked "checked, no deduction", or the mark taken back. */
export interface CheckBody {
  kind: 'check';
  item: string;
  checked: boolean;
}

/** Photos added to a finding already on the server (or to a queued add already sent). */
export interface PhotosBody {
  kind: 'photos';
  finding: number | string;
  photos: PhotoRef[];
}

export type ChangeBody = AddBody | WithdrawBody | CheckBody | PhotosBody;

/**
 * Where a change stands: waiting to be sent; sent and applied (kept until the server's copy is
 * read again); stopped because the assessment changed on the server meanwhile (the inspector
 * decides); refused for good (submitted, published, or not accepted: the reason is kept).
 */
export type ChangeState = 'pending' | 'synced' | 'conflict' | 'refused';

export interface Change {
  /** The queue's order (IndexedDB's key). */
  seq?: number;
  /** The idempotency key: the server applies a change once, however often it is sent. */
  key: string;
  userId: number;
  assessmentId: number;
  /** The assessment's version on the server when the change was made on the phone. */
  baseVersion: number;
  createdAt: string;
  body: ChangeBody;
  state: ChangeState;
  /** The server's finding id, once an add is applied (its photos may still be on their way). */
  findingId?: number;
  /** Why the server refused it, or why it waits ({code, message} of the server's answer). */
  problem?: { code: string; message: string };
  /** When it was last tried. */
  triedAt?: string;
}

/** A change the inspector gave up (or that could not be applied), kept on the phone until the next clean sync. */
export interface Discarded {
  seq?: number;
  change: Change;
  discardedAt: string;
  why: 'dropped' | 'refused';
}

/** A change's key: a random UUID (v4), made on the phone (also where randomUUID is missing: a page served over plain HTTP). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The id a queued add shows under on the phone before the server has given it one (negative: never a server id). */
export function localFindingId(change: Change): number {
  return -(change.seq ?? 0);
}

/** Whether the change still has to be sent. */
export function waiting(change: Change): boolean {
  return change.state === 'pending' || change.state === 'conflict';
}

/**
 * The assessment as the phone shows it: the server's copy with the queue's changes (pending,
 * synced or stopped) laid over it, in order. Queued adds show as findings with negative ids;
 * their photos as evidence with negative ids whose url `photoUrl` gives (an object URL of the
 * kept Blob). A refused change is not shown. The score stays the server's: the page scores the
 * findings itself, with the browser's engine.
 */
export function applyChanges(detail: AssessmentDetail, changes: readonly Change[], who: { username: string }, photoUrl: (sha256: string) => string = () => ''): AssessmentDetail {
  const mine = changes.filter((c) => c.assessmentId === detail.id && c.state !== 'refused');
  if (mine.length === 0) return detail;
  const findings: FindingRow[] = detail.findings.map((f) => ({ ...f }));
  const evidence: EvidenceRow[] = [...detail.evidence];
  let checks: ItemCheckRow[] = [...detail.checks];
  // A queued add by its ref, and by the server id it got once sent.
  const byRef = new Map<string, FindingRow>();
  let photoId = 0;
  const addPhotos = (findingId: number, photos: PhotoRef[], at: string) => {
    for (const p of photos) {
      // The server already lists a photo once it is attached: not shown twice.
      if (evidence.some((e) => e.findingId === findingId && e.sha256 === p.sha256)) continue;
      evidence.push({
        id: -++photoId,
        findingId,
        appealId: null,
        sha256: p.sha256,
        filename: p.name,
        mime: p.type,
        size: p.size,
        takenAt: null,
        latitude: null,
        longitude: null,
        status: 'active',
        uploadedAt: at,
        uploadedBy: who.username,
        url: photoUrl(p.sha256),
      });
    }
  };
  const findingOf = (ref: number | string): FindingRow | undefined =>
    typeof ref === 'number'
      ? findings.find((f) => f.id === ref)
      : (byRef.get(ref) ?? findings.find((f) => f.id === changes.find((c) => c.body.kind === 'add' && c.body.ref === ref)?.findingId));

  for (const c of mine) {
    const b = c.body;
    if (b.kind === 'add') {
      // Sent already and on the server's copy: the server's row stands, with the photos still on their way.
      const there = c.findingId !== undefined ? findings.find((f) => f.id === c.findingId) : undefined;
      if (there) {
        byRef.set(b.ref, there);
        addPhotos(there.id, b.photos, c.createdAt);
        continue;
      }
      // A measured item holds one value: a new one supersedes the one shown, as the server does.
      const replaced = b.value ? findings.filter((x) => x.item === b.item && x.status === 'active' && x.value !== null) : [];
      for (const x of replaced) x.status = 'superseded';
      const f: FindingRow = {
        id: c.findingId ?? localFindingId(c),
        assessmentId: detail.id,
        item: b.item,
        count: b.count,
        element: b.element ?? null,
        note: b.note ?? null,
        householdNo: b.household ?? null,
        person: null,
        source: 'inspector',
        suggestionId: null,
        appealId: null,
        supersedesId: replaced[0]?.id ?? null,
        status: 'active',
        createdAt: c.createdAt,
        createdBy: who.username,
        withdrawnAt: null,
        withdrawnBy: null,
        withdrawReason: null,
        value: b.value ?? null,
        amount: b.amount ?? null,
        part: b.part ?? null,
      };
      findings.push(f);
      byRef.set(b.ref, f);
      addPhotos(f.id, b.photos, c.createdAt);
    } else if (b.kind === 'withdraw') {
      const f = findingOf(b.finding);
      if (f && f.status === 'active') Object.assign(f, { status: 'withdrawn', withdrawnAt: c.createdAt, withdrawnBy: who.username, withdrawReason: b.reason });
    } else if (b.kind === 'check') {
      checks = checks.filter((x) => x.item !== b.item);
      if (b.checked) checks.push({ assessmentId: detail.id, item: b.item, checkedBy: who.username, checkedAt: c.createdAt });
    } else {
      const f = findingOf(b.finding);
      if (f) addPhotos(f.id, b.photos, c.createdAt);
    }
  }

  // 已查 n/N: an item with an active finding or a mark is looked at.
  let progress = detail.progress;
  if (progress) {
    const looked = new Set([...findings.filter((f) => f.status === 'active').map((f) => f.item), ...checks.map((x) => x.item)]);
    const left = progress.left.filter((item) => !looked.has(item));
    progress = { ...progress, left, done: progress.done + (progress.left.length - left.length) };
  }
  return { ...detail, findings, evidence, checks, progress };
}

/**
 * The version to send a change with. Each change applied moves the server's version on; the
 * queue remembers, per assessment, which version each sent one became (`moved`: sent → new), so
 * a change made on the phone on version 5 after three others of the same visit is sent on the
 * version those three made, and only another person's change in between is a conflict.
 */
export function versionToSend(baseVersion: number, moved: Readonly<Record<number, number>>): number {
  let v = baseVersion;
  // A chain (5 → 6 → 7 …); bounded, in case a stored map were ever circular.
  for (let i = 0; i < 100_000 && moved[v] !== undefined && moved[v] !== v; i++) v = moved[v]!;
  return v;
}

/** Photos the queue still needs (kept in IndexedDB until the change that cites them is done). */
export function photosIn(changes: readonly Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) if (c.body.kind === 'add' || c.body.kind === 'photos') for (const p of c.body.photos) out.add(p.sha256);
  return out;
}
