/**
 * Who may do what, decided once, here. Every service call names its actor; routes and the CLI
 * only say who is asking.
 */
import { KaoheError } from '../core/errors.ts';

export type Role = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];

export interface Actor {
  user: string;
  role: Role;
  /** Reviewer: the township (division code) whose villages they review. */
  township?: string;
  /** Village user: their village's division code. */
  village?: string;
}

/** The command line acts as the county office unless told otherwise. */
export const CLI_ADMIN: Actor = { user: 'cli', role: 'admin' };

/** What a decision about one village's assessment needs to know. */
export interface AssessmentContext {
  villageCode: string;
  townshipCode: string | null;
  status: 'draft' | 'submitted' | 'reviewed' | 'published';
  /** Users of the inspection team assigned to the village. */
  inspectors: readonly string[];
}

export function forbidden(message: string): KaoheError {
  return new KaoheError('forbidden', message);
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw forbidden(`${actor.user} (${actor.role}) may not do this: it needs ${roles.join(' or ')}`);
}

/** Reading an assessment: its findings, evidence, suggestions and score. */
export function canRead(actor: Actor, a: AssessmentContext): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'reviewer':
      return actor.township !== undefined && actor.township === a.townshipCode;
    case 'inspector':
      return a.inspectors.includes(actor.user);
    case 'village':
      // A village sees its own results once they are published, never another village's.
      return actor.village === a.villageCode && a.status === 'published';
    case 'viewer':
      return a.status === 'published';
  }
}

export function assertRead(actor: Actor, a: AssessmentContext): void {
  if (!canRead(actor, a)) throw forbidden(`${actor.user} may not read the assessment of village ${a.villageCode}`);
}

/** Recording findings, evidence and suggestion decisions: the assigned team, or the office. */
export function assertRecord(actor: Actor, a: AssessmentContext): void {
  const allowed = actor.role === 'admin' || (actor.role === 'inspector' && a.inspectors.includes(actor.user));
  if (!allowed) throw forbidden(`${actor.user} is not on the inspection team of village ${a.villageCode}`);
}

/** Reviewing or sending back: the township's reviewer, or the office. */
export function assertReview(actor: Actor, a: AssessmentContext): void {
  const allowed = actor.role === 'admin' || (actor.role === 'reviewer' && actor.township === a.townshipCode);
  if (!allowed) throw forbidden(`${actor.user} does not review the villages of township ${a.townshipCode ?? '?'}`);
}

/** Appealing: the village itself (or the office on its behalf). */
export function assertAppeal(actor: Actor, a: AssessmentContext): void {
  const allowed = actor.role === 'admin' || (actor.role === 'village' && actor.village === a.villageCode);
  if (!allowed) throw forbidden(`${actor.user} may not appeal for village ${a.villageCode}`);
}
