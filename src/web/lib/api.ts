/**
 * The API client: JSON over fetch with the session cookie, the CSRF token on every change, and
 * errors as ApiError carrying the server's stable code ({error: {code, message}}).
 */
import i18next from 'i18next';
import { isErrorCode } from '../../core/errors.ts';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { fieldLabel } from './api-fields.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** Someone else changed the record since it was loaded (409 conflict). */
  get isConflict(): boolean {
    return this.status === 409 && this.code === 'conflict';
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isForbidden(): boolean {
    return this.status === 403 && this.code !== 'csrf';
  }
}

/**
 * Codes whose server message names the place to fix (field, row, column): shown after the
 * catalogue's text. Other codes show the catalogue's text alone.
 */
const SHOWS_PLACE: ReadonlySet<string> = new Set([
  'validation',
  'invalid-findings',
  'invalid-assessment',
  'invalid-scheme',
  'invalid-derive-config',
  'missing-header',
  'missing-columns',
  'weak-password',
  'evidence-too-large',
  'evidence-quota',
  'upload-incomplete',
]);

/**
 * The words to show for an error, in the app's language (`zh-CN` or `en`): the catalogue's text
 * for the server's code, followed by the server's message where it names what to fix; a network
 * or client error's own message otherwise.
 */
/** The first refused field of a validation error, with its sentence in the request's language (the server sends it as `text`). */
function fieldDetail(details: unknown): { field: string; text: string } | undefined {
  const d = Array.isArray(details) ? (details[0] as unknown) : undefined;
  if (d === null || typeof d !== 'object' || typeof (d as { text?: unknown }).text !== 'string') return undefined;
  const { field, text } = d as { field?: unknown; text: string };
  return { field: typeof field === 'string' ? field : '', text };
}

export function errorText(error: unknown, lang: string = i18next.language): string {
  if (error instanceof ApiError && isErrorCode(error.code)) {
    const en = lang === 'en';
    const text = ERROR_MESSAGES[error.code][en ? 'en' : 'zh'];
    if (!SHOWS_PLACE.has(error.code) || !error.message) return text;
    const field = fieldDetail(error.details);
    if (field) {
      const label = fieldLabel(field.field, en);
      const said = label ? (en ? `${label}: ${field.text}` : `${label}：${field.text}`) : field.text;
      return en ? `${text} (${said})` : `${text}（${said}）`;
    }
    return en ? `${text} (${error.message})` : `${text}（${error.message}）`;
  }
  return error instanceof Error ? error.message : String(error);
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** Remembers the session's CSRF token (from login or /auth/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (401), so the app can show the sign-in page. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/x` plus a query string of the defined values. */
export function apiUrl(path: string, query?: Query): string {
  const url = path.startsWith('/api/') ? path : `/api${path.startsWith('/') ? '' : '/'}${path}`;
  if (!query) return url;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${url}?${s}` : url;
}

async function toError(res: Response): Promise<ApiError> {
  let code = `http-${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message, details);
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  form?: FormData;
  /** Raw bytes (application/octet-stream), e.g. a part of an upload. */
  raw?: Blob;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // Refusals come back in the app's language (the browser's own may differ).
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': i18next.language === 'en' ? 'en' : 'zh-CN', ...options.headers };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.raw) {
    headers['content-type'] = 'application/octet-stream';
    body = options.raw;
  } else if (options.body !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && !path.startsWith('/auth/login') && !path.startsWith('/api/auth/login')) for (const l of unauthenticatedListeners) l();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
  /** multipart/form-data (file uploads); the browser sets the boundary. */
  upload: <T>(path: string, form: FormData, query?: Query) => request<T>('POST', path, { form, query }),
  /** Any request with headers of its own (an idempotency key) or raw bytes (a part of an upload). */
  send: <T>(method: 'GET' | 'POST' | 'PUT', path: string, options: Pick<RequestOptions, 'body' | 'raw' | 'headers'>) => request<T>(method, path, options),
};
