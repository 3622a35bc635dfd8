/** The schemes that ship with Kaohe, and finding a scheme by id or file path. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KaoheError } from '../core/errors.ts';
import { loadScheme } from '../core/scheme/load.ts';
import type { Scheme } from '../core/scheme/model.ts';

export const BUILTIN_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_SCHEME_ID = 'seed-2020';

const cache = new Map<string, Scheme>();

/** Loads a scheme file from disk (YAML or JSON); throws SchemeError or KaoheError('unreadable-file'). */
export function loadSchemeFile(path: string): Scheme {
  const full = resolve(path);
  let source: string;
  try {
    source = readFileSync(full, 'utf8');
  } catch (e) {
    throw new KaoheError('unreadable-file', `cannot read scheme file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return loadScheme(source, path);
}

/** Built-in scheme files, by id (the file name without extension). */
export function builtinSchemeIds(): string[] {
  return (
    readdirSync(BUILTIN_DIR)
      // FILE.derive.yaml beside a scheme holds its derivation rules, not a scheme.
      .filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)) && !/\.derive\.(ya?ml|json)$/.test(f))
      .map((f) => f.slice(0, -extname(f).length))
      .sort()
  );
}

/** A built-in scheme by id, loaded once. */
export function builtinScheme(id: string): Scheme {
  const hit = cache.get(id);
  if (hit) return hit;
  const file = ['.yaml', '.yml', '.json'].map((ext) => join(BUILTIN_DIR, id + ext)).find((f) => existsSync(f));
  if (!file) {
    throw new KaoheError('unknown-scheme', `no built-in scheme "${id}" (built-in: ${builtinSchemeIds().join(', ')}); give a file path to use your own`);
  }
  const scheme = loadSchemeFile(file);
  cache.set(id, scheme);
  return scheme;
}

/** Resolves `--scheme ID|PATH`: a path when it names a file or has a scheme extension, else a built-in id. */
export function resolveScheme(ref: string | undefined): Scheme {
  const name = ref ?? DEFAULT_SCHEME_ID;
  const looksLikePath = /[\\/]/.test(name) || ['.yaml', '.yml', '.json'].includes(extname(name));
  if (looksLikePath || (existsSync(name) && !builtinSchemeIds().includes(name))) return loadSchemeFile(name);
  return builtinScheme(name);
}
