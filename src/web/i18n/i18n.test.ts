/** Every label the app asks for exists in Chinese and English, and the two files have the same keys. */
import { describe, expect, it } from 'vitest';
import zhMain from './zh-CN.json';
import zhMore from './zh-CN.more.json';
import en from './en.json';

type Tree = { [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}
// The Chinese strings, both files: the bundled one and the one fetched with the pages that need it.
const zh = { ...zhMain, ...zhMore };
const base = (k: string) => k.replace(PLURAL, '');
const zhKeys = new Set(keys(zh as Tree).map(base));
const enKeys = new Set(keys(en as Tree).map(base));

// Every source file of the app, as text (Vite's glob import: no Node API in the web app's code).
const files = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}'], { query: '?raw', import: 'default', eager: true });
const code = Object.values(files).join('\n');

describe('translations', () => {
  it('fetch the strings of zh-CN.more.json with every page that uses them, and only those pages use them', () => {
    const moreSpaces = Object.keys(zhMore);
    expect(moreSpaces.length).toBeGreaterThan(0);
    // No group of strings is in both files (the fetched one would silently replace the bundled one).
    expect(moreSpaces.filter((k) => k in zhMain)).toEqual([]);
    const uses = new RegExp(`(?:\\bt\\(\\s*|i18nKey=)['"\`](?:${moreSpaces.join('|')})\\.`);
    const app = files['../App.tsx']!;
    // The pages App.tsx loads with withMoreStrings, by their path under src/web.
    const wrapped = new Set([...app.matchAll(/withMoreStrings\(\(\) => import\('\.\/([^']+)'\)\)/g)].map((m) => m[1]!));
    const unwrapped = new Set([...app.matchAll(/: \(\) => import\('\.\/([^']+)'\)/g)].map((m) => m[1]!));
    expect(wrapped.size).toBeGreaterThan(5);
    // A file that uses them is one of those pages or in the folder of one (its parts), and no page outside the list.
    const users = Object.entries(files)
      .filter(([, text]) => uses.test(text))
      .map(([path]) => path.replace(/^\.\.\//, ''));
    expect(users.length).toBeGreaterThan(5);
    const folders = [...wrapped].map((p) => p.replace(/[^/]+$/, '')).filter((f) => f !== 'pages/' && f !== 'pages/registry/');
    const outside = users.filter((u) => !wrapped.has(u) && !folders.some((f) => u.startsWith(f)));
    expect(outside).toEqual([]);
    expect(users.filter((u) => unwrapped.has(u))).toEqual([]);
  });

  it('have the same keys in zh-CN and en', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('have every key the code uses', () => {
    const used = new Set([...code.matchAll(/\bt\(\s*['"]([a-zA-Z0-9_.+-]+)['"]/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(300);
    expect([...used].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('have every value of the keys built at run time', () => {
    const families: Record<string, string[]> = {
      status: ['draft', 'submitted', 'reviewed', 'published'],
      roles: ['admin', 'reviewer', 'inspector', 'village', 'viewer'],
      nav: [
        'myVillages',
        'overview',
        'villages',
        'households',
        'workTeams',
        'helpers',
        'records',
        'imports',
        'exports',
        'schemes',
        'campaigns',
        'review',
        'rankings',
        'appeals',
        'audit',
      ],
      'assessment.done': ['submit', 'sendBack', 'review', 'publish'],
      'finding.source': ['inspector', 'suggestion', 'appeal'],
      'suggestion.status': ['open', 'accepted', 'dismissed'],
      'appeals.status': ['open', 'upheld', 'adjusted', 'rejected'],
      'appeals.outcome': ['upheld', 'adjusted', 'rejected'],
      'household.statuses': ['not-exited', 'exited', 'relapsed'],
      'household.visitorRoles': ['helper', 'leader'],
      'workTeam.roles': ['leader+secretary', 'leader', 'secretary', 'member'],
      'schemes.na': ['keep', 'exclude'],
      'overview.basisKinds': ['published', 'preview'],
      'rankings.states': ['unassessed', 'unpublished'],
    };
    const missing = Object.entries(families)
      .flatMap(([prefix, values]) => values.map((v) => `${prefix}.${v}`))
      .filter((k) => !zhKeys.has(k) || !enKeys.has(k));
    expect(missing).toEqual([]);
  });

  it('keep interpolations the same in both languages', () => {
    const flat = (tree: Tree) => new Map(keys(tree).map((k) => [k, k.split('.').reduce<unknown>((t, p) => (t as Tree)[p], tree) as string]));
    const z = flat(zh as Tree);
    const e = flat(en as Tree);
    const vars = (s: string) =>
      [...s.matchAll(/\{\{(\w+)\}\}/g)]
        .map((m) => m[1])
        .sort()
        .join(',');
    const differ: string[] = [];
    for (const [k, text] of z) {
      const counterpart = e.get(k) ?? e.get(`${k}_other`);
      if (counterpart !== undefined && vars(counterpart) !== vars(text) && !(vars(text) === '' && vars(counterpart) === 'count')) differ.push(k);
    }
    expect(differ).toEqual([]);
  });
});
