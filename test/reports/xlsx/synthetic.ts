/**
 * Made-up report data of any size, for the renderers' tests and the report benchmark: a
 * ranking of N villages (ranked as the core ranking ranks them) in townships of 50, the seed
 * scheme's sections, optional grades and a previous campaign; and a deduction detail with
 * every status. Deterministic (a seeded generator).
 */
import { rank, type RankInput } from '../../../src/core/ranking/ranking.ts';
import { fromCents } from '../../../src/core/numbers.ts';
import { Random } from '../../../src/core/random.ts';
import type { Lang } from '../../../src/core/scheme/model.ts';
import type { DeductionDetail, DeductionRow, RankingReport, ReportHeader, ReportSection } from '../../../src/services/report.service.ts';

const SECTIONS: Record<Lang, ReportSection[]> = {
  zh: [
    { code: '1', title: '组织领导', max: 20, bonus: false },
    { code: '2', title: '精准扶贫精准脱贫', max: 120, bonus: false },
    { code: '3', title: '日常工作', max: 60, bonus: false },
    { code: '4', title: '其他奖惩办法', max: 10, bonus: true },
  ],
  en: [
    { code: '1', title: 'Organisation', max: 20, bonus: false },
    { code: '2', title: 'Targeted poverty alleviation', max: 120, bonus: false },
    { code: '3', title: 'Daily work', max: 60, bonus: false },
    { code: '4', title: 'Other rewards and penalties', max: 10, bonus: true },
  ],
};

const NAMES = ['石桥', '河湾', '青岗', '柳树', '龙潭', '白沙', '松林', '高坡', '新寨', '红星'];

function header(lang: Lang, villages: number): ReportHeader {
  return {
    county: { code: '520100000000', name: '青山县' },
    township: null,
    village: null,
    campaign: { id: 2, name: `${villages}村考核`, year: 2020, period: { from: '2020-01-01', to: '2020-12-31' } },
    scheme: { id: 'seed-2020', version: 1, title: lang === 'zh' ? '脱贫攻坚考核方案考核细则' : 'Poverty alleviation assessment scheme' },
    date: '2020-12-31',
    auditAnchor: '890:fedcba9876543210',
    lang,
    publishedOnly: false,
    basis: 'all',
  };
}

/** A ranking report of `villages` villages (townships of 50), with a previous campaign and grades when asked. */
export function syntheticRankingReport(options: { villages: number; lang?: Lang; seed?: number; previous?: boolean; grades?: boolean }): RankingReport {
  const lang = options.lang ?? 'zh';
  const rnd = new Random(options.seed ?? 1);
  const inputs: RankInput[] = [];
  const previous = new Map<string, { total: number; countyRank: number }>();
  for (let i = 0; i < options.villages; i++) {
    const t = Math.floor(i / 50);
    const township = `5201${String(t + 1).padStart(3, '0')}00000`;
    const s1 = 2000 - rnd.int(0, 8) * 200;
    const s2 = 12000 - rnd.int(0, 40) * 100;
    const s3 = 6000 - rnd.int(0, 30) * 50;
    const s4 = rnd.chance(0.2) ? rnd.int(1, 2) * 400 : 0;
    const base = s1 + s2 + s3;
    inputs.push({
      village: `${township.slice(0, 9)}${String((i % 50) + 1).padStart(3, '0')}`,
      name: `${NAMES[i % NAMES.length]}${i + 1}村`,
      township,
      townshipName: `第${t + 1}镇`,
      total: base + s4,
      base,
      bonus: s4,
      sections: { '1': s1, '2': s2, '3': s3, '4': s4 },
      grade: options.grades ? (base + s4 >= 18000 ? 'A' : base + s4 >= 15000 ? 'B' : 'C') : null,
    });
  }
  if (options.previous) {
    const totals = inputs.map((r) => r.total - 300 + rnd.int(0, 6) * 100).sort((a, b) => b - a);
    inputs.forEach((r, i) => {
      if (i % 10 === 9) return; // a new village, not in last year's campaign
      const total = r.total - 300 + ((i * 7) % 7) * 100;
      previous.set(r.village, { total, countyRank: 1 + totals.filter((x) => x > total).length });
    });
  }
  const ranked = rank(inputs, { previous });
  const gradeTitles: Record<string, string> = lang === 'zh' ? { A: '好', B: '较好', C: '一般' } : { A: 'good', B: 'fair', C: 'weak' };
  const points = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, fromCents(v)]));
  const row = (r: (typeof ranked.county)[number]) => ({
    township: r.township,
    townshipName: r.townshipName,
    village: r.village,
    name: r.name,
    sections: points(r.sections),
    base: fromCents(r.base),
    bonus: fromCents(r.bonus),
    total: fromCents(r.total),
    grade: r.grade ? { code: r.grade, title: gradeTitles[r.grade]! } : null,
    townshipRank: r.townshipRank,
    countyRank: r.countyRank,
    change: {
      total: r.change.totalDelta === null ? null : fromCents(r.change.totalDelta),
      rank: r.change.rankDelta,
      previousTotal: r.change.totalDelta === null ? null : fromCents(r.total - r.change.totalDelta),
      previousRank: r.change.rankDelta === null ? null : r.countyRank + r.change.rankDelta,
    },
  });
  const rows = ranked.county.map(row);
  const byVillage = new Map(rows.map((r) => [r.village, r]));
  const summary = (s: (typeof ranked)['countySummary']) => ({
    count: s.count,
    averages: points(s.averages),
    base: fromCents(s.averageBase),
    bonus: fromCents(s.averageBonus),
    total: fromCents(s.averageTotal),
    gradeCounts: s.gradeCounts ?? null,
  });
  return {
    header: header(lang, options.villages),
    sections: SECTIONS[lang],
    maxBase: 200,
    maxBonus: 10,
    grades: options.grades ? Object.entries(gradeTitles).map(([code, title]) => ({ code, title })) : [],
    previous: options.previous ? { id: 1, name: '2019年度考核', year: 2019 } : null,
    rows,
    townships: ranked.townships.map((t) => ({ code: t.township, name: t.townshipName, summary: summary(t), rows: t.rows.map((r) => byVillage.get(r.village)!) })),
    county: summary(ranked.countySummary),
    countyCount: rows.length,
    unranked: [],
  };
}

/** A deduction detail of `villages` villages with `perVillage` findings each, some withdrawn, some superseded, notes that look like formulas. */
export function syntheticDeductionDetail(options: { villages: number; perVillage: number; lang?: Lang; seed?: number }): DeductionDetail {
  const lang = options.lang ?? 'zh';
  const rnd = new Random(options.seed ?? 1);
  const notes = ['未见会议记录', '=HYPERLINK("http://x","y")', '+1+2', '-3', '@SUM(A1)', null];
  let id = 1;
  const villages = Array.from({ length: options.villages }, (_, i) => {
    const township = `5201${String(Math.floor(i / 50) + 1).padStart(3, '0')}00000`;
    const village = `${township.slice(0, 9)}${String((i % 50) + 1).padStart(3, '0')}`;
    const name = `${NAMES[i % NAMES.length]}${i + 1}村`;
    const rows: DeductionRow[] = Array.from({ length: options.perVillage }, (_, k) => {
      const status = k % 7 === 3 ? 'withdrawn' : k % 11 === 5 ? 'adjusted-on-appeal' : 'accepted';
      const count = rnd.int(1, 3);
      const points = status === 'accepted' ? count * 2 : 0;
      return {
        findingId: id++,
        township,
        townshipName: `第${Math.floor(i / 50) + 1}镇`,
        village,
        villageName: name,
        item: `3.1.${(k % 3) + 1}`,
        title: '档案台账资料',
        rule: '每缺少一项扣2分，扣完20分为止。',
        element: null,
        elementTitle: null,
        value: null,
        picked: null,
        part: null,
        partTitle: null,
        count,
        kind: 'deduction',
        unitPoints: 2,
        recorded: count * 2,
        points,
        poolEffect: k % 5 === 0 && status === 'accepted' ? '扣分池 3.1（20分）：记扣24分，封顶20分' : '',
        note: rnd.pick(notes),
        household: rnd.chance(0.3) ? `52010100${String(rnd.int(1, 9999)).padStart(4, '0')}` : null,
        evidence: [],
        evidenceText: k % 4 === 0 ? `证据#${id} photo.jpg` : '',
        source: 'inspector',
        sourceLabel: '考核组',
        status,
        statusLabel: status === 'accepted' ? '有效' : status === 'withdrawn' ? '已撤回' : '申诉调整',
        statusNote: status === 'withdrawn' ? '撤回（原扣2分）：重复记录' : '',
        appealId: null,
        createdAt: '2020-11-02T08:00:00.000Z',
        createdBy: 'inspector',
      } satisfies DeductionRow;
    });
    const recorded = rows.reduce((n, r) => n + r.points, 0);
    return {
      township,
      townshipName: `第${Math.floor(i / 50) + 1}镇`,
      village,
      name,
      assessmentStatus: 'published' as const,
      assessmentStatusLabel: '已发布',
      totals: { recorded, deducted: recorded, base: 200 - recorded, bonus: 0, total: 200 - recorded, max: 200 },
      counts: {
        accepted: rows.filter((r) => r.status === 'accepted').length,
        withdrawn: rows.filter((r) => r.status === 'withdrawn').length,
        adjusted: rows.filter((r) => r.status === 'adjusted-on-appeal').length,
      },
      rows,
    };
  });
  return { header: header(lang, options.villages), villages };
}
