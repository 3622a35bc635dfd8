/** Assessment schemes: built-in ones, stored versions, the linter, the diff of two versions. */
import type { SchemeDiff } from '../core/scheme/diff.ts';
import type { LintNote } from '../core/scheme/lint.ts';
import type { SchemeProblem } from '../core/scheme/problems.ts';
import type { Lang, LangText } from './common.ts';

export type { FieldChange, NodeSummary, SchemeDiff } from '../core/scheme/diff.ts';
export type { LintNote } from '../core/scheme/lint.ts';

/** A scheme as the plain data of a scheme file (points as decimals): read it with core's parseScheme. */
export type SchemeData = Record<string, unknown>;

/** A built-in scheme file. */
export interface BuiltinScheme {
  /** The file's name (e.g. seed-2020). */
  id: string;
  schemeId: string;
  version: number;
  title: LangText;
}

/** A stored scheme version as listed. */
export interface StoredVersion {
  id: number;
  schemeId: string;
  version: number;
  title: string;
  createdAt: string;
}

/** GET /api/schemes */
export interface SchemesAnswer {
  builtin: BuiltinScheme[];
  versions: StoredVersion[];
}

/** GET /api/schemes/:id */
export interface BuiltinSchemeAnswer {
  id: string;
  scheme: SchemeData;
  notes: LintNote[];
}

/** GET /api/scheme-versions/:vid */
export interface SchemeVersionAnswer {
  id: number;
  schemeId: string;
  version: number;
  title: string;
  createdAt: string;
  createdBy: string;
  scheme: SchemeData;
  notes: LintNote[];
  sourceText: string;
  deriveText: string | null;
}

/** A problem of a scheme text, without the file it was read from. */
export type SchemeTextProblem = Omit<SchemeProblem, 'file'>;

/** POST /api/schemes/lint */
export interface LintRequest {
  text: string;
  lang?: Lang;
}

/** POST /api/schemes/lint: a bad scheme is an answer, not an error. */
export interface LintAnswer {
  ok: boolean;
  problems: SchemeTextProblem[];
  notes: LintNote[];
  scheme: { id: string; version: number; title: LangText } | null;
}

/**
 * POST /api/scheme-versions: the scheme as YAML text (the YAML editor), or as the data of a
 * scheme file (the form editor; points as decimals), which the server writes out as YAML and
 * stores as that text. One of the two.
 */
export type StoreSchemeRequest = ({ text: string; data?: undefined } | { data: SchemeData; text?: undefined }) & {
  deriveText?: string | null;
};

/** POST /api/scheme-versions: 201 when stored, 200 when the same text was stored before. */
export interface SchemeVersionStored {
  id: number;
  schemeId: string;
  version: number;
  created: boolean;
}

/** A stored version as a diff names it. */
export interface SchemeVersionRef {
  id: number;
  schemeId: string;
  version: number;
  title: string;
}

/** GET /api/scheme-versions/:a/diff/:b */
export interface SchemeVersionDiff extends SchemeDiff {
  from: SchemeVersionRef;
  to: SchemeVersionRef;
}

/** A line of an imported scheme table not read (or to check): where it is, the node it would be, why (in the reader's language). */
export interface SchemeImportLine {
  code: string;
  node?: string;
  row?: number;
  column?: string;
  message: string;
}

/**
 * POST /api/schemes/import (multipart: file): the draft scheme read from the table, every line
 * not read (those items have no rule: the office picks one in the form editor) and every line
 * read with a doubt worth a look.
 */
export interface SchemeImportAnswer {
  draft: SchemeData;
  unread: SchemeImportLine[];
  checks: SchemeImportLine[];
  /** The file's name and the worksheet read. */
  file: string;
  sheet: string;
}
