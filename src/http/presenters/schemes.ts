/**
 * Presenters of schemes and their stored versions (src/contract/schemes.ts). A stored version
 * comes as the store's row (snake_case columns): it is mapped in `presentSchemeVersionRef` and
 * `presentSchemeVersion`, the places to change when it comes as a camelCase record instead.
 */
import type { LintNote } from '../../core/scheme/lint.ts';
import type { Scheme } from '../../core/scheme/model.ts';
import type { SchemeDiff } from '../../core/scheme/diff.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import type { BuiltinScheme, SchemesAnswer, SchemeVersionAnswer, SchemeVersionDiff, SchemeVersionRef, SchemeVersionStored } from '../../contract/schemes.ts';
import type { CampaignService } from '../../services/campaign.service.ts';
import type { schemeVersionById } from '../../store/registry-queries.ts';

/** A stored scheme version as the route reads it. */
export type SchemeVersionSource = NonNullable<Awaited<ReturnType<typeof schemeVersionById>>>;

/** GET /api/schemes */
export function presentSchemes(builtin: BuiltinScheme[], versions: Awaited<ReturnType<CampaignService['listSchemeVersions']>>): SchemesAnswer {
  return {
    builtin: builtin.map((b) => ({ id: b.id, schemeId: b.schemeId, version: b.version, title: b.title })),
    versions: versions.map((v) => ({ id: v.id, schemeId: v.schemeId, version: v.version, title: v.title, createdAt: v.createdAt })),
  };
}

/** A stored version as a diff names it. */
export function presentSchemeVersionRef(row: SchemeVersionSource): SchemeVersionRef {
  return { id: row.id, schemeId: row.scheme_id, version: row.version, title: row.title };
}

/** GET /api/scheme-versions/:vid: the version's data, reading notes, source text and derivation rules. */
export function presentSchemeVersion(row: SchemeVersionSource, scheme: Scheme, notes: LintNote[]): SchemeVersionAnswer {
  return {
    id: row.id,
    schemeId: row.scheme_id,
    version: row.version,
    title: row.title,
    createdAt: row.created_at,
    createdBy: row.created_by,
    scheme: schemeToData(scheme),
    notes,
    sourceText: row.source_text,
    deriveText: row.derive_text,
  };
}

/** POST /api/scheme-versions */
export function presentSchemeVersionStored(s: Awaited<ReturnType<CampaignService['storeSchemeVersion']>>): SchemeVersionStored {
  return { id: s.id, schemeId: s.schemeId, version: s.version, created: s.created };
}

/** GET /api/scheme-versions/:a/diff/:b */
export function presentSchemeDiff(from: SchemeVersionSource, to: SchemeVersionSource, diff: SchemeDiff): SchemeVersionDiff {
  return { from: presentSchemeVersionRef(from), to: presentSchemeVersionRef(to), scheme: diff.scheme, added: diff.added, removed: diff.removed, changed: diff.changed };
}
