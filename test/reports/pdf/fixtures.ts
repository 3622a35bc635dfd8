/**
 * Synthetic campaigns for the report tests and the benchmark: villages in townships, random
 * findings scored by the real engine on a real scheme, ranked by the real ranking, each turned
 * into the score sheet the service would give. Seeded, so a failure can be replayed.
 */
import { toCents } from '../../../src/core/numbers.ts';
import { Random } from '../../../src/core/random.ts';
import { rank, type Rankings } from '../../../src/core/ranking/ranking.ts';
import { isItem, walk, type Lang, type Scheme, type SchemeNode } from '../../../src/core/scheme/model.ts';
import type { Finding } from '../../../src/core/scoring/score.ts';
import { buildScoreSheet, type ScoreSheet, type ScoreSheetEvidence } from '../../../src/services/score-sheet.ts';

const TOWNSHIPS = ['龙场镇', '石桥镇', '新华乡', '永和镇', '清水乡', '长岭镇', '白云乡', '桃源镇'];
const VILLAGE_WORDS = [...'石桥大坪新寨红岩青山水口长田柏杨沙坝黄泥麻柳花园马场龙井凤凰双河白果桐梓枫香'];
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const NOTES_ZH = [
  '未见相关台账资料',
  '家庭人口漏填，与信息系统不一致',
  '帮扶责任人当月入户不足4次，入户记录缺签字',
  '月报延报，迟报3天',
  '政策知晓率低，两户不清楚教育资助政策和医疗报销比例',
  '档案资料不全，缺2019年度收入测算表及相关佐证材料，需在十日内补齐并报乡镇审核',
  '',
];

export interface SyntheticCampaign {
  /** As CampaignServices.rankingFor gives it. */
  ranking: Rankings & { campaign: { id: number; name: string; year: number }; scheme: { id: string; version: number }; publishedOnly: boolean; basis: string };
  sheets: ScoreSheet[];
}

/** A campaign of `villages` villages over a few townships, scored by `scheme` with random findings. */
export function syntheticCampaign(scheme: Scheme, options: { villages: number; seed?: number; lang?: Lang; townships?: number; maxFindings?: number }): SyntheticCampaign {
  const random = new Random(options.seed ?? 1);
  const lang = options.lang ?? 'zh';
  const items: SchemeNode[] = [];
  walk(scheme, (n) => {
    if (isItem(n)) items.push(n);
  });
  const townships = TOWNSHIPS.slice(0, Math.max(1, Math.min(options.townships ?? 4, TOWNSHIPS.length)));
  const maxFindings = options.maxFindings ?? 12;
  let evidenceId = 1;
  const villages = Array.from({ length: options.villages }, (_, i) => {
    const t = i % townships.length;
    const name = `${random.pick(VILLAGE_WORDS)}${random.pick(VILLAGE_WORDS)}${i + 1}村`;
    const code = `5201020${String(t + 1).padStart(2, '0')}${String(i + 1).padStart(4, '0')}`;
    const poverty = random.chance(0.6);
    const findings: Finding[] = [];
    const evidence: Array<ScoreSheetEvidence & { findingId: number }> = [];
    const n = random.int(0, maxFindings);
    for (let k = 0; k < n; k++) {
      const item = random.pick(items);
      // 2.6.1 and the like apply to poverty villages only: a finding there would be refused.
      if (item.appliesIf && !poverty) continue;
      const id = findings.length + 1;
      const note = random.pick(NOTES_ZH);
      findings.push({
        id: String(id),
        item: item.code,
        count: random.int(1, 3),
        ...(item.checklist?.length ? { element: random.pick(item.checklist).code } : {}),
        ...(note ? { note } : {}),
        ...(random.chance(0.4) ? { household: `${random.pick(SURNAMES)}${random.pick(['某', '小', '大', '二'])}家` } : {}),
      });
      if (random.chance(0.3))
        evidence.push({
          id: evidenceId++,
          findingId: id,
          filename: `IMG_2020${String(random.int(1, 12)).padStart(2, '0')}${String(random.int(10, 28))}_${random.int(1000, 9999)}.jpg`,
          mime: 'image/jpeg',
          sha256: String(evidenceId).padStart(64, '0'),
          size: 100_000,
          takenAt: null,
          latitude: null,
          longitude: null,
        });
    }
    return { code, name, township: `52010200${t + 1}`, townshipName: townships[t]!, findings, evidence, poverty };
  });
  const header = (v: (typeof villages)[number]) => ({
    county: { code: '520102', name: '南明县' },
    township: { code: v.township, name: v.townshipName },
    campaign: { id: 1, name: lang === 'en' ? '2020 assessment' : '2020年度考核', year: 2020, period: { from: '2020-01-01', to: '2020-12-31' } },
    village: { code: v.code, name: v.name },
    team: lang === 'en' ? 'Team 1' : '第一考核组',
    scheme: { id: scheme.id, version: scheme.version, title: lang === 'en' ? (scheme.title.en ?? scheme.title.zh) : scheme.title.zh },
    status: 'published',
    publishedAt: '2021-01-10T08:00:00.000Z',
    date: '2021-01-15',
    timeZone: 'Asia/Shanghai',
    auditAnchor: '1234:0123456789abcdef',
  });
  const unit = (v: (typeof villages)[number]) => ({ name: v.name, attributes: { povertyVillage: v.poverty } });
  // Score once without rank to rank, then build each sheet with its rank.
  const first = villages.map((v) => buildScoreSheet({ scheme, unit: unit(v), findings: v.findings, evidence: v.evidence, header: header(v), rank: null, lang }));
  const sectionCodes = scheme.sections.map((s) => s.code);
  const rankings = rank(
    villages.map((v, i) => {
      const s = first[i]!;
      const sections: Record<string, number> = {};
      for (const c of sectionCodes) sections[c] = toCents(s.nodes.find((n) => n.code === c)!.score)!;
      return {
        village: v.code,
        name: v.name,
        township: v.township,
        townshipName: v.townshipName,
        total: toCents(s.totals.total)!,
        base: toCents(s.totals.base)!,
        bonus: toCents(s.totals.bonus)!,
        sections,
      };
    }),
  );
  const byVillage = new Map(rankings.county.map((r) => [r.village, r]));
  const townshipCount = new Map(rankings.townships.map((t) => [t.township, t.count]));
  const sheets = first.map((s, i) => {
    const r = byVillage.get(villages[i]!.code)!;
    return { ...s, rank: { basis: 'all', county: r.countyRank, countyOf: rankings.county.length, township: r.townshipRank, townshipOf: townshipCount.get(r.township) ?? null } };
  });
  return {
    ranking: {
      campaign: { id: 1, name: header(villages[0]!).campaign.name, year: 2020 },
      scheme: { id: scheme.id, version: scheme.version },
      publishedOnly: false,
      basis: 'all',
      ...rankings,
    },
    sheets,
  };
}
