/**
 * The phone's side of field work without a network, for the pages: keeping an assessment for
 * offline use, queueing a change (with its photos), sending the queue whenever the server can be
 * reached (at start, when the browser says it is online again, every 20 seconds while changes
 * wait, and right after a change is queued), and the state every page shows: 在线 / 离线 /
 * 有N条待同步, with the time of the last sync.
 */
import { useSyncExternalStore } from 'react';
import { api, ApiError, setCsrfToken } from '../lib/api.ts';
import type { AssessmentDetail, Session, User } from '../lib/types.ts';
import type { SchemeVersionAnswer } from '../../contract/index.ts';
import { applyChanges, newKey, waiting, type Change, type ChangeBody, type PhotoRef } from './changes.ts';
import * as store from './store.ts';
import { syncQueue, type Transport, type UploadState } from './sync.ts';

export interface OfflineStatus {
  /** The browser says it has a network and the server answered the last time it was asked. */
  online: boolean;
  /** Changes waiting to be sent (including those stopped by a conflict). */
  waiting: number;
  conflicts: number;
  refused: number;
  syncing: boolean;
  /** The session ended on the server: the changes wait until the inspector signs in again. */
  signedOut: boolean;
  lastSync: string | undefined;
  /** The queue's changes, for the list under the indicator. */
  changes: Change[];
}

let status: OfflineStatus = {
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  waiting: 0,
  conflicts: 0,
  refused: 0,
  syncing: false,
  signedOut: false,
  lastSync: undefined,
  changes: [],
};
const listeners = new Set<() => void>();

function set(next: Partial<OfflineStatus>): void {
  status = { ...status, ...next };
  // An answer that arrives just after the browser lost its network (a request under way when the
  // 'offline' event came) must not show 在线 again: online needs the browser's network too.
  if (status.online && typeof navigator !== 'undefined' && !navigator.onLine) status = { ...status, online: false };
  for (const l of listeners) l();
}

/** The state of the phone's queue and network, re-rendering on change. */
export function useOfflineStatus(): OfflineStatus {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => status,
  );
}

/** Reads the queue's counts again (after a change is queued, sent or decided). */
export async function refreshStatus(userId?: number): Promise<void> {
  try {
    const changes = (await store.queued()).filter((c) => userId === undefined || c.userId === userId);
    set({
      changes,
      waiting: changes.filter(waiting).length,
      conflicts: changes.filter((c) => c.state === 'conflict').length,
      refused: changes.filter((c) => c.state === 'refused').length,
      lastSync: (await store.getMeta('lastSync')) ?? status.lastSync,
    });
  } catch {
    // No IndexedDB (a private mode): nothing is kept, nothing waits.
  }
}

/** The browser's transport: the app's API client, with the idempotency key and raw parts. */
export const browserTransport: Transport = {
  json: <T>(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) =>
    api.send<T>(method, path, { ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) }),
  part: (path: string, bytes: Blob) => api.send<UploadState>('PUT', path, { raw: bytes }),
};

let user: User | null = null;
let running: Promise<void> | null = null;
let again = false;
let timer: ReturnType<typeof setInterval> | undefined;

/** Sends the queue now (or once the sync under way ends). */
export function kickSync(): Promise<void> {
  if (!user) return Promise.resolve();
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await syncNow();
    } while (again && status.online);
  })().finally(() => {
    running = null;
  });
  return running;
}

async function syncNow(): Promise<void> {
  const me = user;
  if (!me) return;
  await refreshStatus(me.id);
  if (status.waiting === 0 && !status.signedOut) return;
  set({ syncing: true });
  // The pages read the assessment again only when the sync changed what they show (a change applied,
  // a conflict or a refusal found): a sync that changed nothing (all behind a conflict the inspector
  // has not decided, or a photo that cannot get through) must not start a load, whose answer (the
  // server reachable) would start another sync, and so on without end.
  const stoppedBefore = status.conflicts + status.refused;
  let changed = false;
  try {
    // The page may have started without a network: the session's CSRF token is asked for first.
    try {
      const s = await api.get<Session>('/auth/me');
      if (s.user.id !== me.id) {
        set({ signedOut: true });
        return;
      }
      setCsrfToken(s.csrfToken);
      set({ signedOut: false, online: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) set({ online: false });
      else if (e instanceof ApiError && e.status === 401) set({ signedOut: true });
      return;
    }
    const outcome = await syncQueue(browserTransport, me.id, () => void refreshStatus(me.id));
    changed = outcome.applied > 0 || outcome.conflicts + outcome.refused !== stoppedBefore;
    set({ online: outcome.stopped !== 'offline', signedOut: outcome.stopped === 'signed-out' });
    if (!outcome.stopped && outcome.waiting === 0) await store.forgetDiscarded().catch(() => undefined);
  } finally {
    await refreshStatus(me.id);
    set({ syncing: false });
    if (changed) for (const l of queueListeners) l();
  }
}

const queueListeners = new Set<() => void>();
/** Called after a sync (the assessment page reads its view again). */
export function onQueueChanged(listener: () => void): () => void {
  queueListeners.add(listener);
  return () => queueListeners.delete(listener);
}

/**
 * Starts watching the network for the signed-in user (AppLayout), and stops for nobody. The user
 * is kept on the phone, so the app opens without a network; a different user's queue is not sent.
 */
export function startOffline(u: User | null): () => void {
  user = u;
  if (!u) return () => undefined;
  void store.setMeta('user', u).catch(() => undefined);
  const online = () => {
    set({ online: true });
    void kickSync();
  };
  const offline = () => set({ online: false });
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  set({ online: navigator.onLine });
  timer = setInterval(() => {
    if (navigator.onLine && status.waiting > 0) void kickSync();
  }, 20_000);
  void refreshStatus(u.id).then(() => kickSync());
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    clearInterval(timer);
    if (user === u) user = null;
  };
}

/** The user kept on the phone at the last sign-in (the app opening without a network). */
export function keptUser(): Promise<User | undefined> {
  return store.getMeta('user').catch(() => undefined);
}

type Place = store.Meta['place'];

/** Keeps the signed-in office's area and the database's level on the phone (the header offline). */
export function keepPlace(place: Place): void {
  void store.setMeta('place', place).catch(() => undefined);
}

/** The area and level kept at the last sign-in, if any. */
export function keptPlace(): Promise<Place | undefined> {
  return store.getMeta('place').catch(() => undefined);
}

/** Deletes what the phone keeps (sign-out). */
export async function forgetOffline(): Promise<void> {
  await store.clearOffline();
  set({ waiting: 0, conflicts: 0, refused: 0, changes: [], lastSync: undefined, signedOut: false });
}

/** Marks the server unreachable (a request failed for the network) or reachable again. */
export function setReachable(reachable: boolean): void {
  if (status.online !== reachable) set({ online: reachable });
  if (reachable && status.waiting > 0) void kickSync();
}

// --- the assessment page's side ------------------------------------------------------------

/** Keeps the server's copy of an assessment, with what scoring it needs, for opening it offline. */
export async function keepForOffline(userId: number, detail: AssessmentDetail, schemeVersion: SchemeVersionAnswer, village: store.KeptAssessment['village']): Promise<void> {
  await store
    .keepAssessment({
      id: detail.id,
      userId,
      campaignId: detail.campaignId,
      villageCode: detail.village.code,
      detail,
      schemeVersion,
      village,
      savedAt: new Date().toISOString(),
    })
    .catch(() => undefined);
}

/** The kept copy of an assessment, by id or by campaign and village. */
export function keptCopy(target: { id: number } | { campaignId: number; village: string }): Promise<store.KeptAssessment | undefined> {
  return 'id' in target ? store.keptAssessment(target.id) : store.keptByVillage(target.campaignId, target.village);
}

const photoUrls = new Map<string, string>();
/** An object URL of a photo kept on the phone (made once per photo and page life). */
export function keptPhotoUrl(sha256: string): string {
  return photoUrls.get(sha256) ?? '';
}

/** The assessment as the phone shows it: the server's copy with the queue over it (see applyChanges). */
export async function localView(detail: AssessmentDetail, who: User): Promise<{ detail: AssessmentDetail; changes: Change[] }> {
  let changes: Change[] = [];
  try {
    changes = (await store.queued()).filter((c) => c.assessmentId === detail.id && c.userId === who.id);
  } catch {
    return { detail, changes };
  }
  for (const c of changes) {
    if (c.body.kind !== 'add' && c.body.kind !== 'photos') continue;
    for (const p of c.body.photos) {
      if (photoUrls.has(p.sha256)) continue;
      const kept = await store.keptPhoto(p.sha256);
      if (kept) photoUrls.set(p.sha256, URL.createObjectURL(kept.blob));
    }
  }
  return { detail: applyChanges(detail, changes, who, keptPhotoUrl), changes };
}

/** The SHA-256 of a file, in hex (the name the server gives evidence). */
export async function sha256Of(blob: Blob): Promise<string> {
  if (!crypto.subtle) throw new Error('offline photos need the app served over HTTPS (or on localhost)');
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Photos as the queue keeps them: each named by its hash, its bytes in IndexedDB. */
export async function keepPhotos(files: File[]): Promise<{ refs: PhotoRef[]; kept: store.KeptPhoto[] }> {
  const refs: PhotoRef[] = [];
  const kept: store.KeptPhoto[] = [];
  for (const f of files) {
    const sha256 = await sha256Of(f);
    const ref = { sha256, name: f.name || `${sha256.slice(0, 12)}.jpg`, type: f.type || 'application/octet-stream', size: f.size };
    refs.push(ref);
    // A copy of the bytes, not the File: a file chosen from the camera may not be readable later.
    kept.push({ ...ref, blob: new Blob([await f.arrayBuffer()], { type: ref.type }), addedAt: new Date().toISOString() });
  }
  return { refs, kept };
}

/** Queues a change made on the phone; resolves once it is kept (the queue sends it when it can). */
export async function queueChange(who: User, assessmentId: number, baseVersion: number, body: ChangeBody, photos: store.KeptPhoto[] = [], key: string = newKey()): Promise<Change> {
  const change = await store.enqueue({ key, userId: who.id, assessmentId, baseVersion, createdAt: new Date().toISOString(), body, state: 'pending' }, photos);
  await refreshStatus(who.id);
  if (status.online) void kickSync();
  return change;
}

/** Changes a queued add that has not been sent yet (修改), or removes it (删除). */
export async function editQueued(change: Change, body: ChangeBody | null, photos: store.KeptPhoto[] = []): Promise<boolean> {
  const now = (await store.queued()).find((c) => c.seq === change.seq);
  // Already on its way (or sent): it is withdrawn like any finding on the server.
  if (!now || now.state !== 'pending' || now.findingId !== undefined || running) return false;
  if (body === null) await store.removeChanges([now.seq!]);
  else await store.replaceChange({ ...now, body }, photos);
  await refreshStatus(now.userId);
  return true;
}

export { store };
