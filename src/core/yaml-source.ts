/**
 * Reading YAML (or JSON) data files so that every problem can name its line: scheme files,
 * derivation rules and assessment files share this.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';

export interface Place {
  line?: number;
  column?: number;
}

export interface YamlSource {
  doc: Document;
  /** Line and column of a character offset. */
  at(offset: number | undefined): Place;
  /** The place of the value at a path; a missing key points at the nearest node above it. */
  locate(path: ReadonlyArray<string | number>): Place;
  /** The place of a key in the map at a path (an unknown key is reported on its own line). */
  locateKey(path: ReadonlyArray<string | number>, key: string): Place;
  /** The place of a zod issue: an unknown key's own line, else its value's. */
  placeOf(issue: z.core.$ZodIssue): Place & { path: Array<string | number> };
}

export type YamlRead = { ok: true; source: YamlSource } | { ok: false; syntax: Array<Place & { message: string; yamlCode: string }> };

/**
 * Parses YAML text keeping positions. Values of `codeKeys` written as plain numbers keep the
 * text as written (`1.10` stays "1.10", not the number 1.1).
 */
export function readYaml(text: string, codeKeys: ReadonlySet<string> = new Set()): YamlRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: true });
  const at = (offset: number | undefined): Place => {
    if (offset === undefined) return {};
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return { ok: false, syntax: doc.errors.map((e) => ({ message: e.message.split('\n')[0] ?? e.message, yamlCode: e.code, ...at(e.pos[0]) })) };
  }
  if (codeKeys.size > 0) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && codeKeys.has(String(pair.key.value)) && isScalar(pair.value)) {
          const v = pair.value;
          if (typeof v.value === 'number') v.value = v.source ?? String(v.value);
        } else if (isScalar(pair.key) && codeKeys.has(String(pair.key.value)) && isSeq(pair.value)) {
          for (const item of pair.value.items) if (isScalar(item) && typeof item.value === 'number') item.value = item.source ?? String(item.value);
        }
      },
    });
  }
  const locate = (path: ReadonlyArray<string | number>): Place => {
    for (let end = path.length; end >= 0; end--) {
      const node = doc.getIn(path.slice(0, end), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return at(node.range[0]);
    }
    return {};
  };
  const locateKey = (path: ReadonlyArray<string | number>, key: string): Place => {
    const map = doc.getIn(path, true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    return pair && isScalar(pair.key) && pair.key.range ? at(pair.key.range[0]) : locate(path);
  };
  const placeOf = (issue: z.core.$ZodIssue) => {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    return { path, ...(unknownKey !== undefined ? locateKey(path, unknownKey) : locate(path)) };
  };
  return { ok: true, source: { doc, at, locate, locateKey, placeOf } };
}
