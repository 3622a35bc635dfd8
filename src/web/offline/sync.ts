/**
 * Sending the queue (docs/offline.md). One assessment at a time, each change in the order it
 * was made, each with its idempotency key, so a change sent twice (an answer lost on a weak
 * line) is applied once. A change is sent on the version the phone's earlier changes made
 * (`versionToSend`): only another person's change in between makes the server answer 409, and
 * then that assessment's queue stops until the inspector decides (`resolveConflict`). An
 * assessment submitted or published meanwhile refuses the change, and the change keeps the
 * reason. Photos go first, in parts, to an upload named by their SHA-256, resumed from what the
 * server holds after an interruption; the finding's evidence then names them.
 *
 * The network is a `Transport` (the browser's is lib/api.ts; tests and the bench use fetch), so
 * the same code runs in Chromium and in Node.
 */
import { ApiError } from '../lib/api.ts';
import type { AssessmentChanged, AssessmentDetail, EvidenceUploaded, FindingAdded, UploadState } from '../../contract/index.ts';

export type { UploadState };
import { versionToSend, waiting, type Change, type PhotoRef } from './changes.ts';
import * as store from './store.ts';

/** Bytes per part of a photo's upload: small enough to get through a weak line between drops (512 KiB: 4 s at 1 Mbit/s), big enough not to spend the time on requests. */
export const PART_BYTES = 512 * 1024;

export interface Transport {
  /** A JSON request; throws ApiError (status 0, code 'network' when the server cannot be reached). */
  json<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** One part of an upload (raw bytes). */
  part(path: string, bytes: Blob): Promise<UploadState>;
}

/** How a sync ended. */
export interface SyncOutcome {
  /** Changes applied on the server this time. */
  applied: number;
  /** Changes left waiting (not sent, or stopped by a conflict). */
  waiting: number;
  conflicts: number;
  refused: number;
  /** Why it stopped before the end: the network, the session, or the server. */
  stopped?: 'offline' | 'signed-out' | 'server';
  /** HTTP requests made. */
  requests: number;
}

class Stop extends Error {
  constructor(readonly why: 'offline' | 'signed-out' | 'server') {
    super(why);
  }
}

/** What stops the whole sync (the network, the session, the server), and what stops one change. */
function classify(e: unknown): 'offline' | 'signed-out' | 'server' | 'conflict' | 'refused' {
  if (!(e instanceof ApiError)) return 'server';
  if (e.status === 0) return 'offline';
  if (e.status === 401 || e.code === 'csrf') return 'signed-out';
  if (e.status >= 500 || e.status === 429 || e.code === 'idempotency-pending') return 'server';
  if (e.isConflict) return 'conflict';
  return 'refused';
}

/**
 * Sends what the queue holds for `userId`. Resolves with what happened; never throws for the
 * network (it stops and says so). `onProgress` is told after each change.
 */
export async function syncQueue(transport: Transport, userId: number, onProgress?: () => void): Promise<SyncOutcome> {
  let requests = 0;
  const t: Transport = {
    json: (...a) => {
      requests++;
      return transport.json(...a);
    },
    part: (...a) => {
      requests++;
      return transport.part(...a);
    },
  };
  const outcome: SyncOutcome = { applied: 0, waiting: 0, conflicts: 0, refused: 0, requests: 0 };
  const all = (await store.queued()).filter((c) => c.userId === userId);
  const order: number[] = [];
  for (const c of all) if (!order.includes(c.assessmentId)) order.push(c.assessmentId);
  try {
    for (const assessmentId of order) {
      const changes = all.filter((c) => c.assessmentId === assessmentId);
      await syncAssessment(t, assessmentId, changes, outcome, onProgress);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    outcome.stopped = e.why;
  }
  const rest = (await store.queued()).filter((c) => c.userId === userId);
  outcome.waiting = rest.filter(waiting).length;
  outcome.conflicts = rest.filter((c) => c.state === 'conflict').length;
  outcome.refused = rest.filter((c) => c.state === 'refused').length;
  if (!outcome.stopped) await store.setMeta('lastSync', new Date().toISOString());
  outcome.requests = requests;
  return outcome;
}

/** One assessment's changes, in order; counts those applied in `outcome` (also when the network stops it). */
async function syncAssessment(t: Transport, assessmentId: number, changes: Change[], outcome: SyncOutcome, onProgress?: () => void): Promise<void> {
  const moved = await store.movedOf(assessmentId);
  let touched = false;
  try {
    for (const change of changes) {
      if (change.state === 'synced' || change.state === 'refused') continue;
      // A conflict waits for the inspector; what comes after it waits too (it was made on top of it).
      if (change.state === 'conflict') break;
      try {
        await send(t, change, changes, moved, assessmentId);
        change.state = 'synced';
        delete change.problem;
        await store.updateChange(change);
        outcome.applied++;
        touched = true;
      } catch (e) {
        const kind = classify(e);
        if (kind === 'offline' || kind === 'signed-out' || kind === 'server') throw new Stop(kind);
        const err = e as ApiError;
        change.problem = { code: err.code, message: err.message };
        change.triedAt = new Date().toISOString();
        change.state = kind;
        await store.updateChange(change);
        touched = true;
        if (kind === 'conflict') break;
      } finally {
        onProgress?.();
      }
    }
  } finally {
    // The server's copy read again: what was applied is in it, and a conflict is shown against it.
    const now = touched ? await refresh(t, assessmentId).catch(() => undefined) : undefined;
    // Submitted, reviewed or published meanwhile: no change of the phone's can be applied, and each says why.
    if (now && now.status !== 'draft') {
      for (const c of (await store.queued()).filter((x) => x.assessmentId === assessmentId && waiting(x))) {
        await store.updateChange({ ...c, state: 'refused', problem: { code: 'invalid-state', message: `the assessment is ${now.status}: it can no longer be changed` } });
      }
    }
  }
}

/** Sends one change (an add in two steps: the finding, then its photos). */
async function send(t: Transport, change: Change, all: Change[], moved: Record<number, number>, assessmentId: number): Promise<void> {
  const b = change.body;
  const key = { 'idempotency-key': change.key };
  const step = async (path: string, body: Record<string, unknown>): Promise<number> => {
    const version = versionToSend(change.baseVersion, moved);
    const r = await t.json<AssessmentChanged | FindingAdded>('POST', path, { version, ...body }, key);
    moved[version] = r.assessment.version;
    await store.recordMoved(assessmentId, version, r.assessment.version);
    return 'id' in r ? r.id : 0;
  };
  // Evidence added moves the version too: the next change is sent on the version it made.
  const moveTo = async (to: number) => {
    const from = versionToSend(change.baseVersion, moved);
    if (from === to) return;
    moved[from] = to;
    await store.recordMoved(assessmentId, from, to);
  };
  if (b.kind === 'add') {
    if (change.findingId === undefined) {
      const body: Record<string, unknown> = { item: b.item, count: b.count };
      if (b.element) body.element = b.element;
      if (b.note?.trim()) body.note = b.note.trim();
      if (b.household?.trim()) body.household = b.household.trim();
      // Issue 18's kinds, unchanged: the server stores and scores what the phone scored.
      if (b.value) body.value = b.value;
      if (b.amount !== undefined) body.amount = b.amount;
      if (b.part) body.part = b.part;
      change.findingId = await step(`/assessments/${assessmentId}/findings`, body);
      // Kept at once: if the photos fail now, the finding is not sent again.
      await store.updateChange(change);
    }
    if (b.photos.length) await attach(t, change.findingId, b.photos, `${change.key}-photos`, moveTo);
  } else if (b.kind === 'withdraw') {
    const fid = findingIdOf(b.finding, all);
    await step(`/assessments/${assessmentId}/findings/${fid}/withdraw`, { reason: b.reason });
  } else if (b.kind === 'check') {
    await step(`/assessments/${assessmentId}/checks`, { item: b.item, checked: b.checked });
  } else {
    await attach(t, findingIdOf(b.finding, all), b.photos, change.key, moveTo);
  }
}

/** The server's id of a finding a change names: its own, or that of the queued add with that ref. */
function findingIdOf(ref: number | string, all: Change[]): number {
  if (typeof ref === 'number') return ref;
  const add = all.find((c) => c.body.kind === 'add' && c.body.ref === ref);
  if (add?.findingId === undefined) throw new ApiError(409, 'conflict', `the finding ${ref} was not recorded on the server`);
  return add.findingId;
}

/** Uploads the photos (resumed where the server stopped) and names them as the finding's evidence. */
async function attach(t: Transport, findingId: number, photos: PhotoRef[], key: string, moveTo: (version: number) => Promise<void>): Promise<void> {
  for (const p of photos) await upload(t, p);
  const r = await t.json<EvidenceUploaded>(
    'POST',
    `/findings/${findingId}/evidence/uploaded`,
    { files: photos.map((p) => ({ sha256: p.sha256, filename: p.name })) },
    { 'idempotency-key': key },
  );
  if (r.assessment) await moveTo(r.assessment.version);
}

/** One photo: the server says how much it holds; the rest goes in parts. */
export async function upload(t: Transport, p: PhotoRef): Promise<void> {
  let state = await t.json<UploadState>('POST', '/uploads', { sha256: p.sha256, size: p.size, filename: p.name });
  if (state.complete) return;
  const kept = await store.keptPhoto(p.sha256);
  if (!kept) throw new ApiError(409, 'upload-incomplete', `the photo ${p.name} is no longer on this phone`);
  let offset = state.received;
  while (offset < p.size) {
    try {
      state = await t.part(`/uploads/${p.sha256}?offset=${offset}`, kept.blob.slice(offset, Math.min(offset + PART_BYTES, p.size)));
    } catch (e) {
      // The server holds another amount (a part whose answer was lost): go on from there.
      if (e instanceof ApiError && e.code === 'upload-offset') {
        const received = (e.details as { received?: unknown } | undefined)?.received;
        if (typeof received === 'number') {
          offset = received;
          continue;
        }
      }
      throw e;
    }
    offset = state.received;
    if (state.complete) return;
  }
}

/** Reads the server's copy of an assessment again and keeps it; drops the changes it now holds. */
export async function refresh(t: Transport, assessmentId: number): Promise<AssessmentDetail | undefined> {
  const detail = await t.json<AssessmentDetail>('GET', `/assessments/${assessmentId}`);
  const kept = await store.keptAssessment(assessmentId);
  if (kept) await store.keepAssessment({ ...kept, detail, savedAt: new Date().toISOString() });
  const queue = (await store.queued()).filter((c) => c.assessmentId === assessmentId);
  const done = queue.filter((c) => c.state === 'synced');
  // A later change that names a sent add by its ref names it by the server's id from now on.
  for (const c of queue) {
    if (c.state === 'synced' || (c.body.kind !== 'withdraw' && c.body.kind !== 'photos')) continue;
    const ref = c.body.finding;
    if (typeof ref !== 'string') continue;
    const add = done.find((d) => d.body.kind === 'add' && d.body.ref === ref);
    if (add?.findingId !== undefined) await store.updateChange({ ...c, body: { ...c.body, finding: add.findingId } });
  }
  await store.removeChanges(done.map((c) => c.seq!));
  return detail;
}

/**
 * The inspector's choice on a change stopped by a conflict: `keep` sends it (and what waits
 * behind it) on the server's version as it is now; `drop` moves it to the discarded list.
 */
export async function resolveConflict(change: Change, choice: 'keep' | 'drop', serverVersion: number): Promise<void> {
  if (choice === 'drop') {
    await store.discardChange(change, change.state === 'refused' ? 'refused' : 'dropped');
    return;
  }
  const from = versionToSend(change.baseVersion, await store.movedOf(change.assessmentId));
  if (from !== serverVersion) await store.recordMoved(change.assessmentId, from, serverVersion);
  const next: Change = { ...change, state: 'pending' };
  delete next.problem;
  await store.updateChange(next);
}
