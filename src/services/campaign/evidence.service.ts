/**
 * Evidence: photos, scans and PDFs attached to findings and appeals, within each assessment's
 * quota; files checked and staged before anything is written, placed in the store right before
 * the commit of the rows that name them, so a committed row always has its file.
 */
import { KaoheError } from '../../core/errors.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { evidenceQuotaError } from '../evidence/evidence-store.ts';
import { assertAppeal, assertRead, assertRecord, canRead, type Actor } from '../policies.ts';
import { assertDraft, assessmentContext, audit, hiddenAssessment, invalidState, notFound, type Clock } from './shared.ts';

export interface StoredEvidenceLike {
  sha256: string;
  size: number;
  mime: string;
  filename: string;
  takenAt?: string;
  latitude?: number;
  longitude?: number;
}

/** A file to attach: bytes in memory or a file on disk. */
export type EvidenceFile = { filename: string; bytes: Buffer } | { filename: string; path: string };

/** A file checked and written to a temporary place, not yet stored (see services/evidence). */
export interface StagedEvidenceLike extends StoredEvidenceLike {
  /** Puts the file in the store (done right before the row naming it is committed). */
  place(): Promise<void>;
  /** Takes back what place() created, after a failed commit. */
  unplace(): Promise<void>;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/** Where evidence files go (content-addressed); see services/evidence. */
export interface EvidenceSink {
  /** Evidence bytes one assessment may hold, its findings' and appeals' files together. */
  readonly quotaBytes: number;
  /** Files one request may attach. */
  readonly maxFiles?: number;
  stage(input: EvidenceFile): Promise<StagedEvidenceLike>;
}

/** Where evidence goes: a finding or an appeal. */
export type EvidenceTarget = { findingId: number } | { appealId: number };

/** What an assessment's evidence takes, and its quota. */
export interface EvidenceRoom {
  assessmentId: number;
  usedBytes: number;
  quotaBytes: number;
}

const isStaged = (f: EvidenceFile | StagedEvidenceLike): f is StagedEvidenceLike => typeof (f as Partial<StagedEvidenceLike>).place === 'function';

/** Refuses files that would take an assessment's evidence past its quota. */
function checkQuota(room: EvidenceRoom, adding: number): void {
  if (room.usedBytes + adding > room.quotaBytes) throw evidenceQuotaError(room, adding);
}

type Repos = Pick<Repositories, 'assessments' | 'campaigns' | 'findings' | 'appeals' | 'evidence' | 'audit'>;

export class EvidenceService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock; evidence?: EvidenceSink }) {}

  private sink(): EvidenceSink {
    if (!this.deps.evidence) throw new KaoheError('internal', 'no evidence store configured');
    return this.deps.evidence;
  }

  /**
   * Who may attach evidence to a finding or an appeal (or to an assessment's findings or, with
   * `appeal`, its appeals: files checked before the finding or appeal is made), and what its
   * assessment's evidence takes against the quota. Asked before an upload is read (a refusal
   * costs no transfer), and again under the assessment's lock when the files are added.
   */
  async evidenceRoom(actor: Actor, target: EvidenceTarget | { assessmentId: number; appeal?: boolean }): Promise<EvidenceRoom> {
    const sink = this.sink();
    const read = this.deps.uow.read;
    let assessmentId: number;
    let ownerStatus: string | null = null;
    if ('assessmentId' in target) assessmentId = target.assessmentId;
    else {
      const owner = 'findingId' in target ? await read.findings.owner(target.findingId) : await read.appeals.byId(target.appealId);
      if (!owner) throw notFound('findingId' in target ? `finding ${target.findingId}` : `appeal ${target.appealId}`);
      assessmentId = owner.assessmentId;
      ownerStatus = owner.status;
    }
    const { a, ctx } = await assessmentContext(read, assessmentId);
    // Out of reach reads as missing: the finding, appeal or assessment the caller named.
    const hidden =
      'findingId' in target ? () => notFound(`finding ${target.findingId}`) : 'appealId' in target ? () => notFound(`appeal ${target.appealId}`) : hiddenAssessment(assessmentId);
    assertRead(actor, ctx, hidden);
    if ('appealId' in target) {
      assertAppeal(actor, ctx, hidden);
      if (ownerStatus !== 'open') throw invalidState(`appeal ${target.appealId} is decided`);
    } else if ('assessmentId' in target && target.appeal) {
      assertAppeal(actor, ctx, hidden);
    } else {
      assertRecord(actor, ctx, hidden);
      assertDraft(a.status);
      if ('findingId' in target && ownerStatus !== 'active') throw invalidState(`finding ${target.findingId} is ${ownerStatus}`);
    }
    return { assessmentId, usedBytes: await read.evidence.bytesOf(assessmentId), quotaBytes: sink.quotaBytes };
  }

  /** Attaches an evidence file to a finding (a draft's, or an open appeal's). */
  async addEvidence(actor: Actor, target: EvidenceTarget, file: EvidenceFile | StagedEvidenceLike): Promise<number> {
    return (await this.addEvidenceFiles(actor, target, [file]))[0]!;
  }

  /**
   * Checks and stages files (type, size, a PDF's content) before anything is recorded, and
   * refuses them when they would take the assessment past its quota (`room`); then `record`
   * writes what they support and attaches them. The staged copies go either way: a bad file
   * leaves no finding or appeal behind.
   */
  async checkedFirst<T>(files: EvidenceFile[], room: () => Promise<EvidenceRoom>, record: (staged: StagedEvidenceLike[]) => Promise<T>): Promise<T> {
    const sink = files.length > 0 ? this.sink() : undefined;
    if (sink?.maxFiles !== undefined && files.length > sink.maxFiles) throw new KaoheError('validation', `evidence: at most ${sink.maxFiles} files at once`);
    const staged: StagedEvidenceLike[] = [];
    try {
      for (const f of files) staged.push(await sink!.stage(f));
      if (staged.length > 0)
        checkQuota(
          await room(),
          staged.reduce((n, f) => n + f.size, 0),
        );
      return await record(staged);
    } finally {
      for (const f of staged) await f.discard();
    }
  }

  /**
   * Attaches files to a finding or an appeal: all or none, within the assessment's quota. Files
   * given as bytes or paths are checked and staged first; staged files (an upload's) are taken
   * over: placed in the store inside the transaction, right before its commit, so a committed
   * row always has its file; taken back if the commit fails; their temporary files removed.
   */
  async addEvidenceFiles(actor: Actor, target: EvidenceTarget, files: Array<EvidenceFile | StagedEvidenceLike>): Promise<number[]> {
    const staged: StagedEvidenceLike[] = files.filter(isStaged);
    let placed = false;
    try {
      const sink = this.sink();
      const room = await this.evidenceRoom(actor, target);
      checkQuota(
        room,
        files.filter(isStaged).reduce((n, f) => n + f.size, 0),
      );
      const ordered: StagedEvidenceLike[] = [];
      for (const f of files) {
        if (isStaged(f)) ordered.push(f);
        else {
          const s = await sink.stage(f);
          staged.push(s);
          ordered.push(s);
        }
      }
      const ids = await this.deps.uow.transaction(async (tx) => {
        const now = this.deps.clock().toISOString();
        // Checked again under the assessment's row lock: a submit that raced the upload wins,
        // and the version moves, so other editors see that evidence was added.
        await tx.assessments.touch(room.assessmentId, now);
        const again = 'findingId' in target ? (await tx.findings.owner(target.findingId))! : (await tx.appeals.byId(target.appealId))!;
        const current = (await tx.assessments.status(room.assessmentId))!;
        if ('findingId' in target) {
          assertDraft(current);
          if (again.status !== 'active') throw invalidState(`finding ${target.findingId} is ${again.status}`);
        } else if (again.status !== 'open') {
          throw invalidState(`appeal ${target.appealId} is decided`);
        }
        checkQuota(
          { ...room, usedBytes: await tx.evidence.bytesOf(room.assessmentId) },
          ordered.reduce((n, f) => n + f.size, 0),
        );
        const ids: number[] = [];
        for (const stored of ordered) {
          const id = await tx.evidence.insert({
            findingId: 'findingId' in target ? target.findingId : null,
            appealId: 'appealId' in target ? target.appealId : null,
            sha256: stored.sha256,
            filename: stored.filename,
            mime: stored.mime,
            size: stored.size,
            takenAt: stored.takenAt ?? null,
            latitude: stored.latitude ?? null,
            longitude: stored.longitude ?? null,
            uploadedAt: now,
            uploadedBy: actor.user,
          });
          await audit(tx, this.deps.clock, actor, {
            action: 'evidence.add',
            entity: 'evidence',
            entityId: id,
            after: { ...target, sha256: stored.sha256, filename: stored.filename, mime: stored.mime, size: stored.size },
          });
          ids.push(id);
        }
        // The files go into the store last, right before the commit.
        placed = true;
        for (const f of staged) await f.place();
        return ids;
      });
      // Another upload of the same content whose commit failed may have taken the file back
      // between our place() and our commit: put it back (nothing is written when it is there).
      for (const f of staged) await f.place();
      return ids;
    } catch (e) {
      if (placed) {
        for (const f of staged) if (!(await this.deps.uow.read.evidence.names(f.sha256))) await f.unplace();
      }
      throw e;
    } finally {
      for (const f of staged) await f.discard();
    }
  }

  /** The evidence rows of a finding or an appeal, for a reader of its assessment. */
  async evidenceOf(actor: Actor, target: EvidenceTarget) {
    const read = this.deps.uow.read;
    const owner = 'findingId' in target ? await read.findings.owner(target.findingId) : await read.appeals.byId(target.appealId);
    const hidden = () => notFound('findingId' in target ? `finding ${target.findingId}` : `appeal ${target.appealId}`);
    if (!owner) throw hidden();
    const { ctx } = await assessmentContext(read, owner.assessmentId);
    assertRead(actor, ctx, hidden);
    return read.evidence.of(target);
  }

  /** One evidence file's row, for a user who may read its assessment; not-found for anyone else (its existence is not told). */
  async evidenceFile(actor: Actor, evidenceId: number) {
    const read = this.deps.uow.read;
    const e = await read.evidence.withAssessment(evidenceId);
    if (!e || e.assessmentId === null) throw notFound(`evidence ${evidenceId}`);
    const { ctx } = await assessmentContext(read, e.assessmentId);
    if (!canRead(actor, ctx)) throw notFound(`evidence ${evidenceId}`);
    return { id: e.id, sha256: e.sha256, filename: e.filename, mime: e.mime, size: e.size, status: e.status, assessmentId: e.assessmentId };
  }
}
