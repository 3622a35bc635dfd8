/** An error a user can act on: a stable code, a message naming the place, optional details. */
export class KaoheError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'KaoheError';
    this.code = code;
    this.details = details;
  }
}
