/**
 * What accepting every suggestion does to the demo county: generates the demo into a throw-away
 * SQLite registry, reads each village's records as the suggestions service does
 * (loadVillageRecords), derives its suggestions with the built-in rules, accepts every one that
 * carries a deduction (a note, count 0, cannot be accepted) and scores the findings
 * (acceptEverySuggestion).
 * Prints the distribution of totals, and per item how many villages lose it entirely.
 *
 *   npx tsx bench/derive-demo.ts                    (the demo's defaults)
 *   npx tsx bench/derive-demo.ts --households 3000 --seed 2020 --year 2020
 *   npx tsx bench/derive-demo.ts --villages       (also each village's total and the points it loses per item)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDeriveConfig } from '../src/core/derivation/config.ts';
import { acceptEverySuggestion } from '../src/core/derivation/accept-all.ts';
import { BUILTIN_DIR, builtinScheme, DEFAULT_SCHEME_ID } from '../src/schemes/index.ts';
import { DEMO_DEFAULTS, generateDemo } from '../src/services/demo.service.ts';
import { openStore } from '../src/store/db.ts';
import { loadVillageRecords } from '../src/store/records.repository.ts';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: String(DEMO_DEFAULTS.households) },
    seed: { type: 'string', default: String(DEMO_DEFAULTS.seed) },
    year: { type: 'string', default: String(DEMO_DEFAULTS.year) },
    villages: { type: 'boolean', default: false },
  },
});
const year = Number(args.year);
const scheme = builtinScheme(DEFAULT_SCHEME_ID);
const config = loadDeriveConfig(readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.derive.yaml`), 'utf8'), { scheme });

const dir = mkdtempSync(join(tmpdir(), 'kaohe-derive-demo-'));
const store = await openStore({ url: join(dir, 'kaohe.db'), auditKey: Buffer.alloc(32, 1) });
try {
  await generateDemo({ store }, { households: Number(args.households), seed: Number(args.seed), year });
  const villages = await store.db.selectFrom('areas').select(['code', 'name', 'poverty_village']).where('level', '=', 'village').orderBy('code').execute();
  const period = { year, from: `${year}-01-01`, to: `${year}-12-31` };
  const totals: number[] = [];
  const lostItem = new Map<string, number>();
  const lostSection = new Map<string, number>();
  const accepted = new Map<string, number>();
  let notes = 0;
  for (const v of villages) {
    const records = await loadVillageRecords(store.db, v.code, period);
    const outcome = acceptEverySuggestion(config, scheme, records, period);
    notes += outcome.notes;
    for (const [item, n] of outcome.accepted) accepted.set(item, (accepted.get(item) ?? 0) + n);
    for (const code of outcome.itemsLostEntirely) lostItem.set(code, (lostItem.get(code) ?? 0) + 1);
    for (const code of outcome.poolsLostEntirely) lostSection.set(code, (lostSection.get(code) ?? 0) + 1);
    totals.push(outcome.total);
    if (args.villages) {
      const lost = outcome.lost.map((l) => `${l.item} −${l.points}`).join(' · ');
      console.log(`${v.code} ${v.poverty_village ? '贫困村' : '      '} ${String(outcome.total).padStart(6)}  ${lost}`);
    }
  }
  totals.sort((a, b) => a - b);
  const at = (q: number) => totals[Math.min(totals.length - 1, Math.floor(q * totals.length))]!;
  console.log(`demo: ${villages.length} villages, ${args.households} households, seed ${args.seed}, year ${year}; every suggestion accepted (${notes} notes, no deduction)`);
  console.log(`totals of 200 (+10 bonus): min ${totals[0]} · p10 ${at(0.1)} · median ${at(0.5)} · p90 ${at(0.9)} · max ${totals.at(-1)}`);
  const bands: Array<[string, (t: number) => boolean]> = [
    ['< 120', (t) => t < 120],
    ['120–139', (t) => t >= 120 && t < 140],
    ['140–159', (t) => t >= 140 && t < 160],
    ['160–179', (t) => t >= 160 && t < 180],
    ['180–195', (t) => t >= 180 && t <= 195],
    ['> 195', (t) => t > 195],
  ];
  for (const [label, test] of bands) {
    const n = totals.filter(test).length;
    console.log(`  ${label.padEnd(8)} ${String(n).padStart(4)}  ${'#'.repeat(Math.round((60 * n) / totals.length))}`);
  }
  console.log('occurrences accepted per item: ' + [...accepted].map(([k, n]) => `${k} ${n}`).join(' · '));
  console.log('villages losing the item entirely: ' + ([...lostItem].map(([k, n]) => `${k} ${n}`).join(' · ') || 'none'));
  console.log('villages losing the whole pool: ' + ([...lostSection].map(([k, n]) => `${k} ${n}`).join(' · ') || 'none'));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
