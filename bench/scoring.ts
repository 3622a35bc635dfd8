/**
 * Scoring benchmark: the engine (`score()`) against one SQL statement in SQLite that computes the
 * same per-unit totals, on 100,000 units × 30 findings each, generated deterministically.
 *
 *   npm run bench:scoring              (tsx bench/scoring.ts)
 *   tsx bench/scoring.ts --units 20000 --findings 30 --seed 7
 *
 * The baseline is meant to be a fair one: findings carry an integer item id, the items table holds
 * everything a rule needs (pool, kind, amount, points, pool cap, bonus flag), the findings are
 * indexed on (unit, item, count) before the clock starts, and only the query is timed. Both sides
 * work in cents (hundredths of a point), so totals are compared exactly. Any mismatch exits 1.
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Scheme, SchemeNode } from '../src/core/scheme/model.ts';
import { score, type Finding, type Unit } from '../src/core/scoring/score.ts';
import { builtinScheme, DEFAULT_SCHEME_ID } from '../src/schemes/index.ts';
import { Random } from '../src/core/random.ts';

const runStart = performance.now();

const { values: args } = parseArgs({
  options: {
    units: { type: 'string', default: '100000' },
    findings: { type: 'string', default: '30' },
    seed: { type: 'string', default: '20200101' },
  },
});
const UNITS = Number(args.units);
const FINDINGS_PER_UNIT = Number(args.findings);
const SEED = Number(args.seed);
for (const [name, v] of [
  ['units', UNITS],
  ['findings', FINDINGS_PER_UNIT],
  ['seed', SEED],
] as const) {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
}

// ---------------------------------------------------------------------------------------------
// The scheme's items, flattened into the rows of the baseline's items table.

interface ItemRow {
  id: number;
  code: string;
  /** Code of the pool the item's deductions (or bonus) draw on. */
  pool: string;
  kind: 'perOccurrence' | 'allOrNothing' | 'fixedPenalty' | 'bonus';
  /** Cents per occurrence (0 for all-or-nothing). */
  amount: number;
  /** The item's own points in cents (what all-or-nothing loses). */
  points: number;
  /** The pool's points in cents: for a bonus item, the bonus section's cap. */
  poolCap: number;
  bonus: 0 | 1;
  /** Applies only to units with povertyVillage: true. */
  povertyOnly: boolean;
}

function itemRows(scheme: Scheme): { items: ItemRow[]; baseMax: number } {
  const items: ItemRow[] = [];
  let baseMax = 0;
  const visit = (node: SchemeNode, lineage: SchemeNode[], section: SchemeNode) => {
    const here = [...lineage, node];
    if (node.children.length > 0) {
      for (const c of node.children) visit(c, here, section);
      return;
    }
    const rule = node.rule;
    if (!rule) throw new Error(`bench: ${node.code} has no rule`);
    if (rule.kind === 'veto') throw new Error('bench: the baseline query has no veto; the seed scheme has none');
    if (node.appliesIf && JSON.stringify(node.appliesIf) !== JSON.stringify({ povertyVillage: true })) {
      throw new Error(`bench: unexpected condition on ${node.code}`);
    }
    let poolNode: SchemeNode;
    if (rule.kind === 'bonus') {
      poolNode = section;
    } else {
      const pools = here.filter((n) => (rule.pool !== undefined ? n.code === rule.pool : n.pool));
      // The query caps each item at one pool: nested pools would need a second level.
      if (pools.length > 1) throw new Error(`bench: ${node.code} draws on nested pools`);
      poolNode = pools[0] ?? node;
    }
    items.push({
      id: items.length + 1,
      code: node.code,
      pool: poolNode.code,
      kind: rule.kind as 'perOccurrence' | 'allOrNothing' | 'fixedPenalty' | 'bonus',
      amount: 'amount' in rule ? rule.amount : 0,
      points: node.points ?? 0,
      poolCap: poolNode.points ?? 0,
      bonus: rule.kind === 'bonus' ? 1 : 0,
      povertyOnly: node.appliesIf !== undefined,
    });
  };
  for (const s of scheme.sections) {
    if (!s.bonus) baseMax += s.points ?? 0;
    visit(s, [], s);
  }
  if (scheme.notApplicable !== 'keep') throw new Error('bench: the baseline assumes notApplicable: keep');
  return { items, baseMax };
}

// ---------------------------------------------------------------------------------------------
// Data: every unit's findings as the engine takes them, and the same rows for SQLite.

const scheme = builtinScheme(DEFAULT_SCHEME_ID);
const { items, baseMax } = itemRows(scheme);
const allItems = items;
const nonPovertyItems = items.filter((i) => !i.povertyOnly);

const genStart = performance.now();
const rng = new Random(SEED);
const random = () => rng.next();
const units: Unit[] = new Array(UNITS);
const findingsOf: Finding[][] = new Array(UNITS);
const totalRows = UNITS * FINDINGS_PER_UNIT;
const rowUnit = new Int32Array(totalRows);
const rowItem = new Int32Array(totalRows);
const rowCount = new Int32Array(totalRows);
let povertyVillages = 0;
for (let u = 0; u < UNITS; u++) {
  const povertyVillage = random() < 0.5;
  if (povertyVillage) povertyVillages++;
  units[u] = { name: `unit-${u}`, attributes: { povertyVillage } };
  const pick = povertyVillage ? allItems : nonPovertyItems;
  const list: Finding[] = new Array(FINDINGS_PER_UNIT);
  for (let k = 0; k < FINDINGS_PER_UNIT; k++) {
    const item = pick[Math.floor(random() * pick.length)]!;
    const count = Math.floor(random() * 4); // 0–3
    list[k] = { item: item.code, count };
    const row = u * FINDINGS_PER_UNIT + k;
    rowUnit[row] = u;
    rowItem[row] = item.id;
    rowCount[row] = count;
  }
  findingsOf[u] = list;
}
const genMs = performance.now() - genStart;

// ---------------------------------------------------------------------------------------------
// (a) The engine.

const engineTotals = new Float64Array(UNITS);
let engineSum = 0;
const engineStart = performance.now();
for (let u = 0; u < UNITS; u++) {
  const total = score(scheme, units[u]!, findingsOf[u]!).total;
  engineTotals[u] = total;
  engineSum += total;
}
const engineMs = performance.now() - engineStart;

// ---------------------------------------------------------------------------------------------
// (b) The baseline: one SQL statement with GROUP BY, in an in-memory SQLite database.

const loadStart = performance.now();
const db = new Database(':memory:');
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('temp_store = MEMORY');
db.pragma('cache_size = -262144'); // 256 MiB
db.exec(`
  CREATE TABLE items (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    pool     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    amount   INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    pool_cap INTEGER NOT NULL,
    bonus    INTEGER NOT NULL
  );
  CREATE TABLE findings (
    unit  INTEGER NOT NULL,
    item  INTEGER NOT NULL REFERENCES items(id),
    count INTEGER NOT NULL
  );
`);
const insertItem = db.prepare('INSERT INTO items (id, code, pool, kind, amount, points, pool_cap, bonus) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
for (const i of items) insertItem.run(i.id, i.code, i.pool, i.kind, i.amount, i.points, i.poolCap, i.bonus);
// Rows go in as multi-row INSERTs of BATCH rows each (bound parameters), in one transaction.
const BATCH = 5_000; // 15,000 parameters per statement; SQLite allows 32,766
const insertMany = db.prepare(`INSERT INTO findings (unit, item, count) VALUES ${new Array(BATCH).fill('(?, ?, ?)').join(', ')}`);
const insertOne = db.prepare('INSERT INTO findings (unit, item, count) VALUES (?, ?, ?)');
db.transaction(() => {
  const params: number[] = new Array(BATCH * 3);
  let r = 0;
  for (; r + BATCH <= totalRows; r += BATCH) {
    for (let k = 0; k < BATCH; k++) {
      params[3 * k] = rowUnit[r + k]!;
      params[3 * k + 1] = rowItem[r + k]!;
      params[3 * k + 2] = rowCount[r + k]!;
    }
    insertMany.run(params);
  }
  for (; r < totalRows; r++) insertOne.run(rowUnit[r]!, rowItem[r]!, rowCount[r]!);
})();
// A covering index in (unit, item) order: the first GROUP BY streams over it without sorting.
db.exec('CREATE INDEX findings_unit_item ON findings (unit, item, count)');
const loadMs = performance.now() - loadStart;

/**
 * Per item: all-or-nothing loses its points once if the counts add up to more than 0, the others
 * lose count × amount. Per pool: MIN(sum, cap), which also caps the bonus section. Per unit:
 * base maximum − pooled deductions + capped bonus.
 */
const QUERY = `
  WITH item_raw AS (
    SELECT f.unit AS unit, i.pool AS pool, i.pool_cap AS pool_cap, i.bonus AS bonus,
           CASE i.kind
             WHEN 'allOrNothing' THEN CASE WHEN SUM(f.count) > 0 THEN i.points ELSE 0 END
             ELSE SUM(f.count) * i.amount
           END AS raw
      FROM findings AS f JOIN items AS i ON i.id = f.item
     GROUP BY f.unit, f.item
  ),
  pooled AS (
    SELECT unit, bonus, MIN(SUM(raw), MAX(pool_cap)) AS taken
      FROM item_raw
     GROUP BY unit, pool
  )
  SELECT unit,
         @baseMax - SUM(CASE WHEN bonus = 0 THEN taken ELSE 0 END)
                  + SUM(CASE WHEN bonus = 1 THEN taken ELSE 0 END) AS total
    FROM pooled
   GROUP BY unit
   ORDER BY unit`;
const query = db.prepare(QUERY).raw(true);

const sqlStart = performance.now();
const sqlRows = query.all({ baseMax }) as Array<[number, number]>;
const sqlMs = performance.now() - sqlStart;

// ---------------------------------------------------------------------------------------------
// Check: every unit's total must agree.

const sqlTotals = new Float64Array(UNITS).fill(Number.NaN);
let sqlSum = 0;
for (const [unit, total] of sqlRows) {
  sqlTotals[unit] = total;
  sqlSum += total;
}
let mismatches = 0;
for (let u = 0; u < UNITS; u++) {
  // A unit without a single finding row scores full marks; the query does not see it.
  const expected = Number.isNaN(sqlTotals[u]!) ? baseMax : sqlTotals[u]!;
  if (expected !== engineTotals[u]) {
    if (mismatches < 10) {
      console.error(`mismatch: unit ${u}: engine ${engineTotals[u]! / 100}, SQL ${expected / 100}; findings ${JSON.stringify(findingsOf[u])}`);
    }
    mismatches++;
  }
}
db.close();

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const perSecond = (ms: number) => Math.round(UNITS / (ms / 1000)).toLocaleString('en-US');
console.log(`kaohe scoring benchmark: scheme ${scheme.id} v${scheme.version}, seed ${SEED}`);
console.log(
  `  data:     ${UNITS.toLocaleString('en-US')} units (${povertyVillages.toLocaleString('en-US')} poverty villages) × ${FINDINGS_PER_UNIT} findings = ${totalRows.toLocaleString('en-US')} findings on ${items.length} items; generated in ${fmt(genMs)}`,
);
console.log(`  engine:   ${fmt(engineMs)}  (${perSecond(engineMs)} units/s)  sum of totals ${engineSum / 100}`);
console.log(`  SQLite:   ${fmt(sqlMs)}  (${perSecond(sqlMs)} units/s)  sum of totals ${sqlSum / 100}  [load + index, untimed: ${fmt(loadMs)}]`);
console.log(`  ratio:    SQL / engine = ${(sqlMs / engineMs).toFixed(2)}  (${sqlMs > engineMs ? 'engine faster' : 'engine SLOWER'})`);
console.log(`  check:    ${mismatches === 0 ? `all ${UNITS.toLocaleString('en-US')} totals equal` : `${mismatches} MISMATCHES`}`);
console.log(`  run time: ${fmt(performance.now() - runStart)} in all`);
if (mismatches > 0) process.exit(1);
