/** What GET /api/schemes answers, and helpers on it. */
import { schemeFromData as buildFromData, type RawScheme } from '../../../core/scheme/build.ts';
import type { Scheme } from '../../../core/scheme/model.ts';
import type { BuiltinSchemeAnswer, SchemesAnswer, SchemeVersionAnswer } from '../../../contract/schemes.ts';

export type { BuiltinScheme, SchemesAnswer, StoredVersion } from '../../../contract/schemes.ts';
/** GET /api/scheme-versions/:vid */
export type VersionAnswer = SchemeVersionAnswer;
/** GET /api/schemes/:id */
export type BuiltinAnswer = BuiltinSchemeAnswer;

/** Stored versions for a Select, newest version of each scheme first. */
export function schemeVersionOptions(data: SchemesAnswer | undefined, _lang: string): Array<{ value: number; label: string }> {
  return [...(data?.versions ?? [])]
    .sort((a, b) => (a.schemeId === b.schemeId ? b.version - a.version : a.schemeId < b.schemeId ? -1 : 1))
    .map((v) => ({ value: v.id, label: `${v.title}（${v.schemeId} v${v.version}）` }));
}

/**
 * A scheme from its file data (as GET /api/schemes/:id gives it: points as decimals, validated
 * by the server), built by core without the YAML reader; undefined when it is not valid.
 */
export function schemeFromData(data: unknown): Scheme | undefined {
  try {
    return buildFromData(data as RawScheme);
  } catch {
    return undefined;
  }
}
