import { provincePlan, householdRows, memberRows, visitRows } from '../src/services/demo/province.ts';
import { copyText } from '../src/store/pg-bulk.ts';
const plan = provincePlan({ villages: 50000, households: 1_000_000 });
for (const [name, gen] of [['households', householdRows], ['members', memberRows], ['visits', visitRows]] as const) {
  const t0 = performance.now(); let n = 0; let bytes = 0;
  for (const r of gen(plan)) { n++; let line = copyText(r[0]); for (let c = 1; c < r.length; c++) line += '\t' + copyText(r[c]); bytes += line.length; }
  console.log(name, n, (performance.now() - t0).toFixed(0), 'ms', bytes);
}
