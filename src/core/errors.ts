/**
 * Every error code the system answers with, as one closed list: a code not listed here is a
 * compile error where it is thrown, and the HTTP status map and the message catalogue
 * (error-messages.ts) must name each of them.
 */
export const ERROR_CODES = [
  // Input a person can correct.
  'validation',
  'bad-request',
  'unsupported-media-type',
  'invalid-findings',
  'invalid-assessment',
  'invalid-scheme',
  'invalid-derive-config',
  'unknown-kind',
  'bad-period',
  'demo-option',
  'demo-code-list',
  'weak-password',
  // Files brought in: imports, assessments, evidence.
  'unreadable-file',
  'unreadable-xlsx',
  'unreadable-docx',
  'unreadable-csv',
  'unsupported-format',
  'unsupported-encoding',
  'invalid-encoding',
  'xlsx-too-large',
  'empty-file',
  'no-data-rows',
  'no-score-sheets',
  'missing-header',
  'missing-columns',
  'evidence-type',
  'evidence-too-large',
  'evidence-quota',
  'evidence-active-content',
  'evidence-empty',
  'evidence-unreadable',
  'evidence-bad-id',
  // Uploads in parts (offline capture: POST /api/uploads).
  'upload-offset',
  'upload-hash-mismatch',
  'upload-incomplete',
  // Rankings.
  'ranking-bad-points',
  'ranking-duplicate-village',
  'ranking-overflow',
  // Combining a unit's assessments by the scheme's periods.
  'combine-no-periods',
  'combine-unknown-period',
  // Who is asking.
  'unauthenticated',
  'csrf',
  'forbidden',
  'password-change-required',
  'account-disabled',
  // What is asked for.
  'not-found',
  'unknown-scheme',
  // The state of things.
  'conflict',
  'invalid-state',
  'scheme-version-exists',
  'registry-not-empty',
  // A change sent again under its Idempotency-Key.
  'idempotency-mismatch',
  'idempotency-pending',
  // Waits.
  'rate-limited',
  'locked',
  'busy',
  // Our fault: a crashed worker, an unexpected error.
  'internal',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether `code` (from another thread, a client or a file) is one of the error codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/** An error a user can act on: a stable code, a message naming the place, optional details. */
export class KaoheError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'KaoheError';
    this.code = code;
    this.details = details;
  }
}

/**
 * The error to raise for a refusal reported by a worker thread: its own code when it is one of
 * ours, else `internal` (a crash, a Node or driver error code such as ENOENT), so that a failed
 * worker never answers as if the person's input were wrong.
 */
export function errorFromWorker(code: unknown, message: string): KaoheError {
  return new KaoheError(isErrorCode(code) ? code : 'internal', message);
}
