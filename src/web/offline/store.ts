/**
 * What the phone keeps for field work without a network (docs/offline.md), in IndexedDB:
 * - `assessments`: the server's last copy of each assessment opened or downloaded, with the
 *   scheme version's data and the village's attributes the live score needs (ID numbers masked
 *   exactly as the server sent them to this user);
 * - `queue`: the changes made on the phone, in order, until the server has applied them;
 * - `photos`: the photos those changes cite, as Blobs named by their SHA-256;
 * - `discarded`: changes given up or refused, until the next clean sync;
 * - `meta`: the signed-in user, the time of the last sync, the inspector's village list.
 * Everything is deleted at sign-out (`clearOffline`).
 */
import type { AssessmentDetail, User } from '../lib/types.ts';
import type { SchemeVersionAnswer, SessionArea } from '../../contract/index.ts';
import type { Change, Discarded } from './changes.ts';

const DB_NAME = 'kaohe-offline';
const DB_VERSION = 1;

/** An assessment as kept on the phone. */
export interface KeptAssessment {
  id: number;
  userId: number;
  campaignId: number;
  villageCode: string;
  detail: AssessmentDetail;
  /** The campaign's frozen scheme version (GET /api/scheme-versions/:id). */
  schemeVersion: SchemeVersionAnswer;
  /** The village's attributes the engine scores (povertyVillage, exit years, population). */
  village: { name: string; povertyVillage?: boolean; plannedExitYear?: number | null; exitYear?: number | null; population?: number | null };
  savedAt: string;
}

export interface KeptPhoto {
  sha256: string;
  blob: Blob;
  name: string;
  type: string;
  size: number;
  addedAt: string;
}

let opening: Promise<IDBDatabase> | null = null;

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** The database, opened once (a browser without IndexedDB, e.g. some private modes, rejects). */
export function openOffline(): Promise<IDBDatabase> {
  if (opening) return opening;
  opening = new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available in this browser'));
      return;
    }
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      const a = db.createObjectStore('assessments', { keyPath: 'id' });
      a.createIndex('village', ['campaignId', 'villageCode']);
      const q = db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
      q.createIndex('assessment', 'assessmentId');
      db.createObjectStore('photos', { keyPath: 'sha256' });
      db.createObjectStore('discarded', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('meta', { keyPath: 'key' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab deleting the database (sign-out there) closes it here.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}

type StoreName = 'assessments' | 'queue' | 'photos' | 'discarded' | 'meta';

/** Runs `work` in one transaction over `stores`; resolves with its result once the transaction commits. */
async function tx<T>(stores: StoreName[], mode: IDBTransactionMode, work: (t: IDBTransaction) => Promise<T> | T): Promise<T> {
  const db = await openOffline();
  const t = db.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
  });
  const result = await work(t);
  await done;
  return result;
}

// --- assessments ------------------------------------------------------------------------------

/**
 * Keeps an assessment's copy. Which versions the sent changes became is kept apart (`movedOf`),
 * so a copy read before a change was sent (the page's load, a sync's refresh beside a decision)
 * cannot take back a step recorded meanwhile.
 */
export function keepAssessment(a: KeptAssessment): Promise<void> {
  return tx(['assessments'], 'readwrite', (t) => promised(t.objectStore('assessments').put(a)).then(() => undefined));
}

export function keptAssessment(id: number): Promise<KeptAssessment | undefined> {
  return tx(['assessments'], 'readonly', (t) => promised(t.objectStore('assessments').get(id) as IDBRequest<KeptAssessment | undefined>));
}

export function keptByVillage(campaignId: number, villageCode: string): Promise<KeptAssessment | undefined> {
  return tx(['assessments'], 'readonly', (t) => promised(t.objectStore('assessments').index('village').get([campaignId, villageCode]) as IDBRequest<KeptAssessment | undefined>));
}

export function keptAssessments(): Promise<KeptAssessment[]> {
  return tx(['assessments'], 'readonly', (t) => promised(t.objectStore('assessments').getAll() as IDBRequest<KeptAssessment[]>));
}

/**
 * Which version each change the queue sent for an assessment became (see versionToSend): kept
 * in `meta` on its own, small, beside the assessment's copy (not rewritten with it).
 */
export async function movedOf(assessmentId: number): Promise<Record<number, number>> {
  return (await getMeta(`moved:${assessmentId}`)) ?? {};
}

/** Records which version a sent change became (the next change of the visit is sent on it). */
export function recordMoved(assessmentId: number, from: number, to: number): Promise<void> {
  return tx(['meta'], 'readwrite', async (t) => {
    const s = t.objectStore('meta');
    const key = `moved:${assessmentId}`;
    const row = (await promised(s.get(key))) as { value: Record<number, number> } | undefined;
    await promised(s.put({ key, value: { ...row?.value, [from]: to } }));
  });
}

// --- the queue --------------------------------------------------------------------------------

/** Adds a change (and the photos it cites) in one transaction: both kept, or neither. */
export function enqueue(change: Change, photos: KeptPhoto[] = []): Promise<Change> {
  return tx(['queue', 'photos'], 'readwrite', async (t) => {
    for (const p of photos) await promised(t.objectStore('photos').put(p));
    const seq = (await promised(t.objectStore('queue').add(change))) as number;
    return { ...change, seq };
  });
}

export function queued(): Promise<Change[]> {
  return tx(['queue'], 'readonly', (t) => promised(t.objectStore('queue').getAll() as IDBRequest<Change[]>));
}

/** Replaces a queued change (an add changed before it was sent), with the photos it now cites. */
export function replaceChange(change: Change, photos: KeptPhoto[] = []): Promise<void> {
  return tx(['queue', 'photos', 'discarded'], 'readwrite', async (t) => {
    for (const p of photos) await promised(t.objectStore('photos').put(p));
    await promised(t.objectStore('queue').put(change));
    await dropUnusedPhotos(t);
  });
}

export function updateChange(change: Change): Promise<void> {
  return tx(['queue'], 'readwrite', (t) => promised(t.objectStore('queue').put(change)).then(() => undefined));
}

/** Removes changes from the queue, and the photos no change left cites. */
export function removeChanges(seqs: number[]): Promise<void> {
  return tx(['queue', 'photos', 'discarded'], 'readwrite', async (t) => {
    const q = t.objectStore('queue');
    for (const s of seqs) await promised(q.delete(s));
    await dropUnusedPhotos(t);
  });
}

async function dropUnusedPhotos(t: IDBTransaction): Promise<void> {
  const rest = (await promised(t.objectStore('queue').getAll())) as Change[];
  const kept = (await promised(t.objectStore('discarded').getAll())) as Discarded[];
  const used = new Set<string>();
  for (const c of [...rest, ...kept.map((d) => d.change)]) if (c.body.kind === 'add' || c.body.kind === 'photos') for (const p of c.body.photos) used.add(p.sha256);
  const photos = t.objectStore('photos');
  for (const key of (await promised(photos.getAllKeys())) as string[]) if (!used.has(key)) await promised(photos.delete(key));
}

/** Moves a change from the queue to the discarded list (its photos kept with it). */
export function discardChange(change: Change, why: Discarded['why']): Promise<void> {
  return tx(['queue', 'discarded'], 'readwrite', async (t) => {
    await promised(t.objectStore('discarded').add({ change, discardedAt: new Date().toISOString(), why } satisfies Discarded));
    if (change.seq !== undefined) await promised(t.objectStore('queue').delete(change.seq));
  });
}

export function discardedChanges(): Promise<Discarded[]> {
  return tx(['discarded'], 'readonly', (t) => promised(t.objectStore('discarded').getAll() as IDBRequest<Discarded[]>));
}

/** Forgets the discarded list (after a sync that left nothing waiting), and the photos only it kept. */
export function forgetDiscarded(): Promise<void> {
  return tx(['queue', 'discarded', 'photos'], 'readwrite', async (t) => {
    await promised(t.objectStore('discarded').clear());
    await dropUnusedPhotos(t);
  });
}

// --- photos -----------------------------------------------------------------------------------

export function keptPhoto(sha256: string): Promise<KeptPhoto | undefined> {
  return tx(['photos'], 'readonly', (t) => promised(t.objectStore('photos').get(sha256) as IDBRequest<KeptPhoto | undefined>));
}

// --- meta -------------------------------------------------------------------------------------

export interface Meta {
  /** The user signed in on this phone, for opening the app without a network. */
  user: User;
  /** Their office's area and the whole database's level, for the header without a network. */
  place: { area: SessionArea | null; databaseLevel: SessionArea['level'] | null };
  /** When the queue last emptied, or the last assessment was read from the server. */
  lastSync: string;
  /** A list page's last answer (the campaigns, the inspector's villages), for showing it offline. */
  [key: `kept:${string}`]: { value: unknown; at: string };
  /** Which version each sent change of an assessment became. */
  [key: `moved:${number}`]: Record<number, number>;
  /** The last offline package: how many assessments, when. */
  package: { count: number; at: string };
}

export function getMeta<K extends keyof Meta>(key: K): Promise<Meta[K] | undefined> {
  return tx(['meta'], 'readonly', (t) => promised(t.objectStore('meta').get(key) as IDBRequest<{ key: K; value: Meta[K] } | undefined>).then((r) => r?.value));
}

export function setMeta<K extends keyof Meta>(key: K, value: Meta[K]): Promise<void> {
  return tx(['meta'], 'readwrite', (t) => promised(t.objectStore('meta').put({ key, value })).then(() => undefined));
}

/** Deletes everything kept on the phone (sign-out). */
export async function clearOffline(): Promise<void> {
  try {
    await tx(['assessments', 'queue', 'photos', 'discarded', 'meta'], 'readwrite', async (t) => {
      for (const s of ['assessments', 'queue', 'photos', 'discarded', 'meta'] as const) await promised(t.objectStore(s).clear());
    });
  } catch {
    // No IndexedDB here: nothing was kept.
  }
}
