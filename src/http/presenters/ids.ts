/**
 * ID numbers in answers: what an answer looks like to its reader. Resident ID numbers appear in
 * full only to those who may see them (canSeeFullIds: the office); everyone else gets them masked
 * wherever they occur — in an ID-number field the services already mask, and in any text a person
 * typed one into (a note, a reason, a file name, a record's content). Applied to every answer
 * after the resource's presenter has shaped it.
 */
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { canSeeFullIds, type RoleHolder } from '../../services/policies.ts';

const ID_NUMBER = /\d{17}[\dXx]/g;
/** Keys whose values are hashes (hex), never ID numbers. */
const HASH_KEYS = new Set(['sha256', 'hash', 'prev_hash', 'prevHash']);

/** Masks anything shaped like a resident ID number in a string. */
export function maskIds(text: string): string {
  return text.replace(ID_NUMBER, (m) => maskIdNumber(m));
}

function maskDeep(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && HASH_KEYS.has(key) ? value : maskIds(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, k);
    return out;
  }
  return value;
}

/** An answer with every resident ID number in it masked, unless they are to be shown. */
export function presentIds<T>(showIds: boolean, value: T): T {
  return showIds ? value : (maskDeep(value) as T);
}

/**
 * An answer as its reader may see it: resident ID numbers appear in full only to the office
 * (wherever one was typed: a note, a reason, a file name).
 */
export function present<T>(reader: RoleHolder, value: T): T {
  return presentIds(canSeeFullIds(reader), value);
}

/** The kind of reader an answer kept once per kind is made for (see KeptJson). */
export type ReaderKind = 'office' | 'masked';

/** Whether a reader gets the office's answer (ID numbers in full) or the masked one. */
export function readerKind(reader: RoleHolder): ReaderKind {
  return canSeeFullIds(reader) ? 'office' : 'masked';
}
