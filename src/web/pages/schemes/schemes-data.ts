/** What GET /api/schemes answers, and helpers on it. */
import { parseScheme } from '../../../core/scheme/load.ts';
import type { Scheme } from '../../../core/scheme/model.ts';
import type { LangText } from '../../lib/types.ts';

export interface BuiltinScheme {
  /** The file's name (e.g. seed-2020). */
  id: string;
  schemeId: string;
  version: number;
  title: LangText;
}

export interface StoredVersion {
  id: number;
  schemeId: string;
  version: number;
  title: string;
  createdAt: string;
}

export interface SchemesAnswer {
  builtin: BuiltinScheme[];
  versions: StoredVersion[];
}

export interface VersionAnswer {
  id: number;
  schemeId: string;
  version: number;
  title: string;
  createdAt: string;
  createdBy: string;
  scheme: unknown;
  notes: Array<{ node?: string; message: string }>;
  sourceText: string;
  deriveText: string | null;
}

export interface BuiltinAnswer {
  id: string;
  scheme: unknown;
  notes: Array<{ node?: string; message: string }>;
}

/** Stored versions for a Select, newest version of each scheme first. */
export function schemeVersionOptions(data: SchemesAnswer | undefined, _lang: string): Array<{ value: number; label: string }> {
  return [...(data?.versions ?? [])]
    .sort((a, b) => (a.schemeId === b.schemeId ? b.version - a.version : a.schemeId < b.schemeId ? -1 : 1))
    .map((v) => ({ value: v.id, label: `${v.title}（${v.schemeId} v${v.version}）` }));
}

/** A scheme from its file data (as GET /api/schemes/:id gives it: points as decimals); JSON is YAML. */
export function schemeFromData(data: unknown): Scheme | undefined {
  return parseScheme(JSON.stringify(data)).scheme;
}
