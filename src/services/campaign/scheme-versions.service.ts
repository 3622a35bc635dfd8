/** Scheme versions: stored once, frozen, parsed once per version and kept. */
import { stringify } from 'yaml';
import { KaoheError } from '../../core/errors.ts';
import { DeriveConfigError, loadDeriveConfig } from '../../core/derivation/config.ts';
import { loadScheme } from '../../core/scheme/load.ts';
import type { Scheme } from '../../core/scheme/model.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { assertManageSchemes, type Actor } from '../policies.ts';
import { audit, notFound, type Clock } from './shared.ts';

type Repos = Pick<Repositories, 'schemeVersions' | 'audit'>;

export interface LoadedScheme {
  scheme: Scheme;
  deriveText: string | null;
}

export class SchemeVersions {
  private readonly cache = new Map<number, LoadedScheme>();

  constructor(private readonly deps: { uow: UnitOfWork<Repos>; clock: Clock }) {}

  /** Stores a scheme (and its derivation rules) as a version; the same id+version with other content is refused. */
  async storeSchemeVersion(
    actor: Actor,
    sourceText: string,
    deriveText?: string | null,
    file = '<scheme>',
  ): Promise<{ id: number; schemeId: string; version: number; created: boolean }> {
    assertManageSchemes(actor);
    const scheme = loadScheme(sourceText, file);
    if (deriveText) {
      try {
        loadDeriveConfig(deriveText, { scheme, file: `${file} (derivation rules)` });
      } catch (e) {
        if (e instanceof DeriveConfigError) throw new KaoheError('invalid-derive-config', e.message, e.problems);
        throw e;
      }
    }
    return this.deps.uow.transaction(async (tx) => {
      const existing = await tx.schemeVersions.find(scheme.id, scheme.version);
      if (existing) {
        if (existing.sourceText !== sourceText || (existing.deriveText ?? null) !== (deriveText ?? null)) {
          throw new KaoheError('scheme-version-exists', `scheme ${scheme.id} version ${scheme.version} is already stored with other content: raise its version to store a change`);
        }
        return { id: existing.id, schemeId: scheme.id, version: scheme.version, created: false };
      }
      const id = await tx.schemeVersions.insert({
        schemeId: scheme.id,
        version: scheme.version,
        title: scheme.title.zh,
        sourceText,
        deriveText: deriveText ?? null,
        createdAt: this.deps.clock().toISOString(),
        createdBy: actor.user,
      });
      await audit(tx, this.deps.clock, actor, { action: 'scheme.version', entity: 'scheme_version', entityId: id, after: { scheme: scheme.id, version: scheme.version } });
      return { id, schemeId: scheme.id, version: scheme.version, created: true };
    });
  }

  /**
   * Stores a scheme given as its file's data (the form editor's): written out as YAML, so the
   * stored text is one an office can still open in the YAML editor, then checked and stored as
   * any text is (storeSchemeVersion: the same problems, the same permission).
   */
  async storeSchemeData(
    actor: Actor,
    data: Record<string, unknown>,
    deriveText?: string | null,
    file = '<scheme>',
  ): Promise<{ id: number; schemeId: string; version: number; created: boolean }> {
    assertManageSchemes(actor);
    return this.storeSchemeVersion(actor, schemeDataToYaml(data), deriveText, file);
  }

  listSchemeVersions(): Promise<Array<{ id: number; schemeId: string; version: number; title: string; createdAt: string }>> {
    return this.deps.uow.read.schemeVersions.list();
  }

  /** A stored version's row (texts included), or not-found. */
  async schemeVersion(versionId: number) {
    const v = await this.deps.uow.read.schemeVersions.byId(versionId);
    if (!v) throw notFound(`scheme version ${versionId}`);
    return v;
  }

  /** The scheme of a stored version (parsed once per version); `tx` reads it in a transaction. */
  async schemeOf(versionId: number, tx: Pick<Repositories, 'schemeVersions'> = this.deps.uow.read): Promise<LoadedScheme> {
    const hit = this.cache.get(versionId);
    if (hit) return hit;
    const row = await tx.schemeVersions.byId(versionId);
    if (!row) throw notFound(`scheme version ${versionId}`);
    const loaded = { scheme: loadScheme(row.sourceText, `${row.schemeId} v${row.version}`), deriveText: row.deriveText };
    this.cache.set(versionId, loaded);
    return loaded;
  }
}

/** A scheme file's data as the YAML text an office reads (as `kaohe scheme export` writes it). */
export function schemeDataToYaml(data: Record<string, unknown>): string {
  return stringify(data, { lineWidth: 0 });
}
