/**
 * Presenters of schemes and their stored versions (src/contract/schemes.ts). A stored version
 * comes as the store's record (camelCase), picked field by field in `presentSchemeVersionRef` and
 * `presentSchemeVersion`.
 */
import type { LintNote } from '../../core/scheme/lint.ts';
import type { Scheme } from '../../core/scheme/model.ts';
import type { SchemeDiff } from '../../core/scheme/diff.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import type { BuiltinScheme, SchemesAnswer, SchemeVersionAnswer, SchemeVersionDiff, SchemeVersionRef, SchemeVersionStored } from '../../contract/schemes.ts';
import type { SchemeVersionRecord } from '../../core/campaign/records.ts';
import type { Result } from './results.ts';

/** A stored scheme version as the service reads it. */
export type SchemeVersionSource = SchemeVersionRecord;

/** GET /api/schemes */
export function presentSchemes(builtin: BuiltinScheme[], versions: Result<'listSchemeVersions'>): SchemesAnswer {
  return {
    builtin: builtin.map((b) => ({ id: b.id, schemeId: b.schemeId, version: b.version, title: b.title })),
    versions: versions.map((v) => ({ id: v.id, schemeId: v.schemeId, version: v.version, title: v.title, createdAt: v.createdAt })),
  };
}

/** A stored version as a diff names it. */
export function presentSchemeVersionRef(row: SchemeVersionSource): SchemeVersionRef {
  return { id: row.id, schemeId: row.schemeId, version: row.version, title: row.title };
}

/** GET /api/scheme-versions/:vid: the version's data, reading notes, source text and derivation rules. */
export function presentSchemeVersion(row: SchemeVersionSource, scheme: Scheme, notes: LintNote[]): SchemeVersionAnswer {
  return {
    id: row.id,
    schemeId: row.schemeId,
    version: row.version,
    title: row.title,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    scheme: schemeToData(scheme),
    notes,
    sourceText: row.sourceText,
    deriveText: row.deriveText,
  };
}

/** POST /api/scheme-versions */
export function presentSchemeVersionStored(s: Result<'storeSchemeVersion'>): SchemeVersionStored {
  return { id: s.id, schemeId: s.schemeId, version: s.version, created: s.created };
}

/** GET /api/scheme-versions/:a/diff/:b */
export function presentSchemeDiff(from: SchemeVersionSource, to: SchemeVersionSource, diff: SchemeDiff): SchemeVersionDiff {
  return { from: presentSchemeVersionRef(from), to: presentSchemeVersionRef(to), scheme: diff.scheme, added: diff.added, removed: diff.removed, changed: diff.changed };
}
